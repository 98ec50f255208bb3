//! What the tool takes: its subcommands and options (clap's derive, kept
//! beside the types the subcommands read), its exit statuses, and what a
//! failure carries. Below everything else of the tool: it names none of it
//! but the target syntax.

use clap::{Parser, Subcommand};

use crate::parse;
pub use crate::target::On;

/// Exit status: interrupted by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;
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
Destructive operations (sanitize, firmware activation, clearing event records, resets) ask for confirmation on a \
terminal and need --force otherwise.\n\
Exit status: 0 success, 2 usage, 3 the device returned a CXL error, 4 the target could not be opened (or the \
system refused), 5 transport or protocol failure, 130 interrupted (Ctrl-C), 1 internal error.")]
pub struct Cli {
    /// Output: text (normal), one JSON document (json), or JSON on one line (jsonl)
    #[arg(short = 'o', long, value_enum, global = true, default_value = "normal", value_name = "FORMAT")]
    pub output_format: OutputFormat,
    /// The same as --output-format json
    #[arg(long, global = true)]
    pub json: bool,
    /// Keep an emulated (emu:) fabric in FILE across runs: created when missing, replayed, added to
    #[arg(long, global = true, value_name = "FILE", env = "CXLMI_EMU_STATE")]
    pub emu_state: Option<std::path::PathBuf>,
    /// Do destructive operations without asking (needed when there is no terminal to ask on)
    #[arg(short, long, global = true)]
    pub force: bool,
    /// Log each command sent and the library's messages to stderr (-vvv: with the payloads as hex)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// How results and errors are printed.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned text for people
    Normal,
    /// One JSON document, indented
    Json,
    /// One JSON document on one line (JSON Lines)
    Jsonl,
}

impl Cli {
    /// The output format asked for, `--json` being `-o json`.
    pub fn format(&self) -> OutputFormat {
        if self.json { OutputFormat::Json } else { self.output_format }
    }
}

/// The output format the arguments ask for, read before they are parsed, so that an error in
/// them is reported in that format too. The last of `--json`, `-o F`, `-oF`, `--output-format F`
/// and `--output-format=F` wins, as clap would have it; anything unreadable counts as normal.
pub fn format_in(args: &[std::ffi::OsString]) -> OutputFormat {
    let mut format = OutputFormat::Normal;
    let mut json = false;
    let mut args = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = args.next() {
        let value = match a.as_ref() {
            "--" => break,
            "--json" => {
                json = true;
                continue;
            }
            "-o" | "--output-format" => args.next().map(|v| v.into_owned()),
            _ => a.strip_prefix("--output-format=").or_else(|| a.strip_prefix("-o")).map(str::to_string),
        };
        if let Some(f) = value.and_then(|v| <OutputFormat as clap::ValueEnum>::from_str(&v, false).ok()) {
            format = f;
        }
    }
    if json { OutputFormat::Json } else { format }
}

/// The subcommand the arguments name, read before they are parsed (for the error object of an
/// argument error): the first argument that is a subcommand's name.
pub fn command_in(args: &[std::ffi::OsString]) -> String {
    use clap::CommandFactory;
    let cli = Cli::command();
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    args.iter()
        .skip(1)
        .find_map(|a| names.iter().find(|n| a.to_str() == Some(**n)))
        .map_or(String::new(), |n| n.to_string())
}

#[derive(Subcommand)]
pub enum Command {
    /// List the CXL devices on this machine (/dev/cxl, and MCTP through mctpd when built with D-Bus)
    List {
        /// Also each memory device's health
        #[arg(long)]
        health: bool,
        /// Only the component with this serial number
        #[arg(long, value_parser = parse::number)]
        serial: Option<u64>,
        /// Only components of this type (as identify names it: switch, type3_device, gfd)
        #[arg(long = "type", value_name = "TYPE")]
        component_type: Option<String>,
    },
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
        /// Which log (all: every log the device keeps)
        #[arg(long, value_enum, default_value = "all")]
        log: EventLog,
        /// Clear the records read (and so read on while the device has more)
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
    /// The background operation running on the component, if any (--wait: until it ends)
    Background {
        #[command(flatten)]
        on: On,
        /// Wait for it to end, at most this many seconds (default 3600)
        #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "3600", value_parser = parse::seconds)]
        wait: Option<std::time::Duration>,
    },
    /// Sanitize a memory device (erases all user data), showing progress until it is done
    Sanitize {
        #[command(flatten)]
        on: On,
        /// Request an abort after this many seconds
        #[arg(long, value_name = "SECONDS", value_parser = parse::seconds)]
        abort_after: Option<std::time::Duration>,
        /// Give up waiting after this many seconds (the device keeps working)
        #[arg(long, value_name = "SECONDS", default_value = "3600", value_parser = parse::seconds)]
        wait: std::time::Duration,
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
    /// Reset an emulated component and what is behind it: cold (default; staged firmware and the
    /// next partition take effect) or warm
    Reset {
        #[command(flatten)]
        on: On,
        /// A warm reset (the controller restarts; nothing deferred to a cold reset happens)
        #[arg(long)]
        warm: bool,
    },
    /// Watch components: print each new event record and each health change, one line each
    Monitor(crate::fleet_args::Monitor),
    /// Serve the components' health, events and ports as Prometheus metrics on /metrics
    Exporter(crate::fleet_args::Exporter),
    #[command(flatten)]
    Device(crate::device_args::DeviceCommand),
    #[command(flatten)]
    Fabric(crate::fabric_args::FabricCommand),
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

/// What every subcommand may need of the global options.
#[derive(Clone, Debug)]
pub struct Options {
    /// The output is JSON: no progress bars, no prompts on stdout.
    pub json: bool,
    /// Destructive operations go ahead without asking.
    pub force: bool,
    /// The file keeping the emulated fabric (`--emu-state`).
    pub emu_state: Option<std::path::PathBuf>,
}

/// A failure, and the exit status it gives.
pub struct Failure {
    pub status: i32,
    pub message: String,
    /// The document `--json` prints for it.
    pub json: serde_json::Value,
    /// It happened opening the target (so the library's log has nothing to add).
    pub during_open: bool,
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::List { .. } => "list",
            Command::Monitor(_) => "monitor",
            Command::Exporter(_) => "exporter",
            Command::Identify(_) => "identify",
            Command::Health(_) => "health",
            Command::Partition { .. } => "partition",
            Command::Events { .. } => "events",
            Command::Fw { .. } => "fw",
            Command::Logs { .. } => "logs",
            Command::Poison { .. } => "poison",
            Command::Background { .. } => "background",
            Command::Sanitize { .. } => "sanitize",
            Command::Timestamp { .. } => "timestamp",
            Command::Dc { .. } => "dc",
            Command::Ports(_) => "ports",
            Command::Vcs(_) => "vcs",
            Command::Ld { .. } => "ld",
            Command::Raw { .. } => "raw",
            Command::Commands(_) => "commands",
            Command::Reset { .. } => "reset",
            Command::Device(c) => c.name(),
            Command::Fabric(c) => c.name(),
        }
    }
}

/// An event log, by the name `events --log` takes.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum EventLog {
    All,
    Info,
    Warn,
    Fail,
    Fatal,
    Dcd,
}

impl EventLog {
    /// The logs by number (CXL r3.1 Table 8-49), with the names `--log` takes.
    const LOGS: [(u8, &'static str); 5] = [(0, "info"), (1, "warn"), (2, "fail"), (3, "fatal"), (4, "dcd")];

    /// The numbers of the logs this names.
    pub fn numbers(self) -> Vec<u8> {
        match self {
            EventLog::All => Self::LOGS.iter().map(|(n, _)| *n).collect(),
            one => vec![one as u8 - 1],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            EventLog::All => "all",
            one => Self::name_of(one as u8 - 1),
        }
    }

    /// The name of log `number`.
    pub fn name_of(number: u8) -> &'static str {
        Self::LOGS.iter().find(|(n, _)| *n == number).map_or("unknown", |(_, name)| name)
    }
}
