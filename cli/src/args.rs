//! What the tool takes: its subcommands and options (clap's derive, kept
//! beside the types the subcommands read), its exit statuses, and what a
//! failure carries. Below everything else of the tool: it names none of it
//! but the target syntax.

use clap::{Args, Parser, Subcommand};

use crate::parse;
use crate::target::Target;

/// Exit status: success.
pub const EXIT_OK: i32 = 0;
/// An internal error of the tool (a bug).
pub const EXIT_INTERNAL: i32 = 1;
/// Usage error (clap's own status, kept for our own argument checks).
pub const EXIT_USAGE: i32 = 2;
/// The component answered with a CXL return code other than success.
pub const EXIT_DEVICE: i32 = 3;
/// The target could not be opened: absent device, no such emulator model,
/// or the operating system refused.
pub const EXIT_OPEN: i32 = 4;
/// The exchange failed without a CXL return code: timeout, malformed
/// response, FM-API unavailable, or not supported by this build.
pub const EXIT_TRANSPORT: i32 = 5;

#[derive(Parser)]
#[command(
    name = "cxlmi",
    version,
    about = "CXL Management Interface: identify, monitor and manage CXL devices and switches"
)]
#[command(after_help = "Targets: memN or /dev/cxl/memN (mailbox ioctl), mctp:NET,EID (MCTP), \
emu:type3, emu:switch, emu:mld, emu:mhd (the built-in emulated fabric).\n\
Exit status: 0 success, 2 usage, 3 the device returned a CXL error, 4 the target could not be opened, \
5 transport or protocol failure, 1 internal error.")]
pub struct Cli {
    /// Print one JSON document instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// Library log messages to stderr (-v errors, -vv notices, -vvv debug)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// The target and the tunnel options every device subcommand takes.
#[derive(Args, Clone)]
pub struct On {
    /// memN, /dev/cxl/memN, mctp:NET,EID or emu:MODEL
    pub target: Target,
    /// Tunnel to this switch port (with --ld: then to that LD of the MLD behind it)
    #[arg(long, global = true, value_name = "N")]
    pub port: Option<u8>,
    /// Tunnel to this LD of an MLD
    #[arg(long, global = true, value_name = "N")]
    pub ld: Option<u8>,
    /// Tunnel to the LD Pool CCI of a multi-headed device
    #[arg(long, global = true)]
    pub mhd: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// List the CXL devices on this machine (/dev/cxl, and MCTP through mctpd when built with D-Bus)
    List,
    /// Identify the component (and, for a memory device, its memory)
    Identify(On),
    /// Health of a memory device
    Health(On),
    /// Volatile/persistent partition of a memory device
    Partition {
        #[command(flatten)]
        on: On,
        /// Set the volatile capacity from the next reset (bytes; K/M/G/T suffixes)
        #[arg(long, value_name = "BYTES", value_parser = parse::bytes)]
        set_volatile: Option<u64>,
    },
    /// Read (and optionally clear) an event log
    Events {
        #[command(flatten)]
        on: On,
        /// Which log
        #[arg(long, value_enum, default_value = "info")]
        log: EventLog,
        /// Clear the records read
        #[arg(long)]
        clear: bool,
    },
    /// Firmware slots: info (default), transfer, activate
    Fw {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<FwAction>,
    },
    /// Supported logs; --cel dumps the Command Effects Log
    Logs {
        #[command(flatten)]
        on: On,
        /// Dump the Command Effects Log
        #[arg(long)]
        cel: bool,
    },
    /// Poison list (default), inject, clear
    Poison {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<PoisonAction>,
    },
    /// Sanitize a memory device, showing progress until it is done
    Sanitize {
        #[command(flatten)]
        on: On,
        /// Request an abort after this many seconds
        #[arg(long, value_name = "SECONDS")]
        abort_after: Option<f64>,
        /// Give up waiting after this many seconds (the device keeps working)
        #[arg(long, value_name = "SECONDS", default_value_t = 3600.0)]
        wait: f64,
    },
    /// The component's clock: get (default) or set
    Timestamp {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<TimestampAction>,
    },
    /// Dynamic capacity: region configuration (default) or extents
    Dc {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<DcAction>,
    },
    /// Switch: identity and physical ports
    Ports(On),
    /// Switch: virtual CXL switches and their vPPBs
    Vcs(On),
    /// MLD: LD info (default) or allocations
    Ld {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<LdAction>,
    },
    /// Send any command: OPCODE (0x0001 or 0001h) and a hex payload
    Raw {
        #[command(flatten)]
        on: On,
        /// Opcode, e.g. 0x4000
        #[arg(value_parser = parse::opcode)]
        opcode: u16,
        /// Request payload as hex, e.g. 0a0b0c
        #[arg(value_parser = parse::hex_payload)]
        payload: Option<parse::Payload>,
        /// Most response payload bytes accepted
        #[arg(long, value_name = "N", default_value_t = 2048)]
        out_len: usize,
    },
    /// The commands the component advertises (its CEL), and which this library decodes
    Commands(On),
}

#[derive(Subcommand, Clone)]
pub enum FwAction {
    /// Slots and revisions
    Info,
    /// Transfer a firmware image, in parts
    Transfer {
        file: std::path::PathBuf,
        /// Slot to store it in
        #[arg(long, default_value_t = 2)]
        slot: u8,
    },
    /// Activate the firmware in SLOT (from the next cold reset unless --online)
    Activate {
        slot: u8,
        /// Activate now
        #[arg(long)]
        online: bool,
    },
}

#[derive(Subcommand, Clone)]
pub enum PoisonAction {
    /// List poisoned addresses
    List,
    /// Poison the 64-byte line at ADDR (a device physical address)
    Inject {
        #[arg(value_parser = parse::number)]
        addr: u64,
    },
    /// Clear the poison at ADDR
    Clear {
        #[arg(value_parser = parse::number)]
        addr: u64,
    },
}

#[derive(Subcommand, Clone)]
pub enum TimestampAction {
    Get,
    /// Set the clock: nanoseconds since the Unix epoch, or `now` (the default)
    Set {
        value: Option<String>,
    },
}

#[derive(Subcommand, Clone)]
pub enum DcAction {
    /// Region configuration
    Config,
    /// The extents the device holds
    Extents,
}

#[derive(Subcommand, Clone)]
pub enum LdAction {
    Info,
    Allocations,
}

/// A failure, and the exit status it gives.
pub struct Failure {
    pub status: i32,
    pub message: String,
    /// The document `--json` prints for it.
    pub json: serde_json::Value,
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::List => "list",
            Command::Identify(_) => "identify",
            Command::Health(_) => "health",
            Command::Partition { .. } => "partition",
            Command::Events { .. } => "events",
            Command::Fw { .. } => "fw",
            Command::Logs { .. } => "logs",
            Command::Poison { .. } => "poison",
            Command::Sanitize { .. } => "sanitize",
            Command::Timestamp { .. } => "timestamp",
            Command::Dc { .. } => "dc",
            Command::Ports(_) => "ports",
            Command::Vcs(_) => "vcs",
            Command::Ld { .. } => "ld",
            Command::Raw { .. } => "raw",
            Command::Commands(_) => "commands",
        }
    }
}

/// An event log, by the name `events --log` takes.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum EventLog {
    Info,
    Warn,
    Fail,
    Fatal,
    Dcd,
}

impl EventLog {
    /// Event log numbers (CXL r3.1 Table 8-49).
    pub fn number(self) -> u8 {
        self as u8
    }
    pub fn name(self) -> &'static str {
        match self {
            EventLog::Info => "info",
            EventLog::Warn => "warn",
            EventLog::Fail => "fail",
            EventLog::Fatal => "fatal",
            EventLog::Dcd => "dcd",
        }
    }
}
