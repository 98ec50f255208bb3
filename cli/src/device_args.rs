//! The subcommands for the rest of the Generic and Memory Device command sets (CXL r3.1 sections
//! 8.2.9.1 to 8.2.9.9): their arguments, and the parsing of the values only they take (UUIDs and
//! log names, DPA ranges, interrupt modes). `cxlmi`'s `cmds::device` runs them.
//!
//! Passphrases are taken as plain strings here and checked by the subcommand, so that a value
//! that is refused is never repeated in an error message.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use crate::parse;
use crate::target::On;

/// Flattened into the tool's subcommands.
#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Shutdown state of a memory device: get (default), or set clean or dirty
    ShutdownState {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<ShutdownStateAction>,
    },
    /// Response message limit: get (0003h, default) or set (0004h)
    ResponseLimit {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<ResponseLimitAction>,
    },
    /// Event interrupt policy: get (0102h, default) or set (0103h) each log's interrupt mode
    InterruptPolicy {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<InterruptPolicyAction>,
    },
    /// MCTP event interrupt policy: get (0104h, default) or set (0105h) which events notify
    MctpInterruptPolicy {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<MctpInterruptPolicyAction>,
    },
    /// Features: list (0500h, default), get a feature's data (0501h), set it (0502h)
    Features {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<FeaturesAction>,
    },
    /// One log, by UUID or name: get (0401h), capabilities (0402h), clear (0403h), populate (0404h); sublist (0405h)
    Log {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: LogAction,
    },
    /// Perform Maintenance (0600h): post package repair, memory sparing, or any operation
    PerformMaintenance {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: MaintenanceAction,
    },
    /// Alert configuration of a memory device: get (4201h, default) or set warning thresholds (4202h)
    AlertConfig {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<AlertConfigAction>,
    },
    /// Label Storage Area of a memory device: read (4102h) or write (4103h), in parts
    Lsa {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: LsaAction,
    },
    /// Media scan: capabilities (4303h), start (4304h, in the background), results (4305h, default)
    ScanMedia {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<ScanMediaAction>,
    },
    /// Secure Erase (4401h): erases all user data, showing progress until it is done
    SecureErase {
        #[command(flatten)]
        on: On,
        /// Give up waiting after this many seconds (the device keeps working)
        #[arg(long, value_name = "SECONDS", default_value = "3600", value_parser = parse::seconds)]
        wait: std::time::Duration,
    },
    /// Security state (4500h, default) and passphrases: set-passphrase, disable, unlock, freeze, passphrase-erase
    Security {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<SecurityAction>,
    },
    /// Security Receive (4601h): a security protocol's data (protocol 0: the protocols supported)
    SecurityReceive {
        #[command(flatten)]
        on: On,
        /// Security protocol, as SPC-5 numbers them
        #[arg(value_parser = u8_number)]
        protocol: u8,
        /// The protocol-specific field
        #[arg(long, value_name = "N", default_value = "0", value_parser = u16_number)]
        sp_specific: u16,
    },
    /// Security Send (4600h): data for a security protocol
    SecuritySend {
        #[command(flatten)]
        on: On,
        /// Security protocol, as SPC-5 numbers them
        #[arg(value_parser = u8_number)]
        protocol: u8,
        /// The data, as hex (0a0b0c)
        #[arg(value_parser = parse::hex_payload)]
        data: parse::Payload,
        /// The protocol-specific field
        #[arg(long, value_name = "N", default_value = "0", value_parser = u16_number)]
        sp_specific: u16,
    },
    /// Media operations (4402h): discovery (default), or sanitize or zero DPA ranges
    MediaOperations {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<MediaOperationsAction>,
    },
    /// QoS telemetry of a single logical device: control (4700h, default), set (4701h), status (4702h)
    SldQos {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<SldQosAction>,
    },
    /// Add Dynamic Capacity Response (4802h): accept offered extents (none: decline the offer), then the extents
    DcAddResponse {
        #[command(flatten)]
        on: On,
        /// An extent accepted, START:LENGTH (a DPA and bytes; K/M/G/T suffixes); repeatable
        #[arg(long = "extent", value_name = "START:LENGTH", value_parser = dpa_range)]
        extents: Vec<DpaRange>,
        /// More responses follow for the same offer
        #[arg(long)]
        more: bool,
    },
    /// Release Dynamic Capacity (4803h): give extents back, then the extents left
    DcRelease {
        #[command(flatten)]
        on: On,
        /// An extent released, START:LENGTH (a DPA and bytes; K/M/G/T suffixes); repeatable
        #[arg(long = "extent", value_name = "START:LENGTH", value_parser = dpa_range, required = true)]
        extents: Vec<DpaRange>,
        /// More release requests follow
        #[arg(long)]
        more: bool,
    },
}

#[derive(Subcommand, Clone, Copy)]
pub enum ShutdownStateAction {
    /// The state the device reports
    Get,
    /// Mark the shutdown state clean (the host flushed before shutting down)
    Clean,
    /// Mark it dirty (the host is running, so a power loss would be a dirty shutdown)
    Dirty,
}

#[derive(Subcommand, Clone, Copy)]
pub enum ResponseLimitAction {
    /// The limit in effect
    Get,
    /// Set the limit: a power of two from 256 bytes to 1 MiB (K and M suffixes)
    Set {
        #[arg(value_parser = response_limit)]
        bytes: u8,
    },
}

#[derive(Subcommand, Clone, Copy)]
pub enum InterruptPolicyAction {
    /// Each log's interrupt settings
    Get,
    /// Set the interrupt mode of the logs given (the others keep theirs): none, msi, or fw:N
    /// (firmware interrupt with message number N, 0 to 15)
    Set {
        /// Informational event log
        #[arg(long, value_name = "MODE", value_parser = interrupt_mode)]
        info: Option<u8>,
        /// Warning event log
        #[arg(long, value_name = "MODE", value_parser = interrupt_mode)]
        warn: Option<u8>,
        /// Failure event log
        #[arg(long, value_name = "MODE", value_parser = interrupt_mode)]
        fail: Option<u8>,
        /// Fatal event log
        #[arg(long, value_name = "MODE", value_parser = interrupt_mode)]
        fatal: Option<u8>,
        /// Dynamic capacity event log (none or msi)
        #[arg(long, value_name = "MODE", value_parser = dc_interrupt_mode)]
        dcd: Option<u8>,
    },
}

#[derive(Subcommand, Clone)]
pub enum MctpInterruptPolicyAction {
    /// The events that notify
    Get,
    /// Notify on these events only (none given: on none)
    Set {
        #[arg(value_enum)]
        events: Vec<MctpEvent>,
    },
}

/// An event the MCTP event interrupt policy notifies of (CXL r3.1 Table 8-57).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MctpEvent {
    /// A record added to the informational event log
    Info,
    /// A record added to the warning event log
    Warn,
    /// A record added to the failure event log
    Fail,
    /// A record added to the fatal event log
    Fatal,
    /// A record added to the dynamic capacity event log
    Dcd,
    /// A background operation completed
    Background,
}

impl MctpEvent {
    /// The event's bit in the Event Interrupt Settings.
    pub fn bit(self) -> u16 {
        match self {
            MctpEvent::Info => 1 << 0,
            MctpEvent::Warn => 1 << 1,
            MctpEvent::Fail => 1 << 2,
            MctpEvent::Fatal => 1 << 3,
            MctpEvent::Dcd => 1 << 4,
            MctpEvent::Background => 1 << 15,
        }
    }
}

#[derive(Subcommand, Clone)]
pub enum FeaturesAction {
    /// Every feature the component supports
    List,
    /// A feature's data (by default all of it, in parts)
    Get {
        /// The feature's UUID
        #[arg(value_parser = uuid)]
        feature: [u8; 16],
        /// Which value
        #[arg(long, value_enum, default_value = "current")]
        selection: Selection,
        /// First byte to read
        #[arg(long, value_name = "N", default_value = "0", value_parser = u16_number)]
        offset: u16,
        /// Bytes to read (default: to the end of the feature's data)
        #[arg(long, value_name = "N", value_parser = u16_number)]
        length: Option<u16>,
        /// Write the data to FILE rather than showing it
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Set a feature's data (in parts when it does not fit one message), then read it back
    Set {
        /// The feature's UUID
        #[arg(value_parser = uuid)]
        feature: [u8; 16],
        /// The data, as hex
        #[arg(long, value_name = "HEX", value_parser = parse::hex_payload, required_unless_present = "file")]
        data: Option<parse::Payload>,
        /// The data, from a file
        #[arg(long, value_name = "FILE", conflicts_with = "data")]
        file: Option<PathBuf>,
        /// Keep the value across resets (saved selection)
        #[arg(long)]
        save: bool,
        /// The Set Feature version (default: the one the component lists for the feature)
        #[arg(long, value_name = "N", value_parser = u8_number)]
        version: Option<u8>,
    },
}

/// Which value of a feature Get Feature reads (CXL r3.1 Table 8-99).
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Selection {
    /// The value in effect
    Current,
    /// The value after a reset to defaults
    Default,
    /// The value saved across resets
    Saved,
}

impl Selection {
    /// Its Selection field value.
    pub fn raw(self) -> u8 {
        self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            Selection::Current => "current",
            Selection::Default => "default",
            Selection::Saved => "saved",
        }
    }
}

/// A log: by UUID, or by the name the specification gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogId(pub [u8; 16]);

#[derive(Subcommand, Clone)]
pub enum LogAction {
    /// Read a log (by default all of it, in parts, at most 1 MiB)
    Get {
        /// The log: a UUID, or cel, vendor-debug, component-state-dump, ddr5-error-check-scrub,
        /// media-test-capability, media-test-results-short, media-test-results-long
        #[arg(value_parser = log_id)]
        log: LogId,
        /// First byte to read
        #[arg(long, value_name = "N", default_value = "0", value_parser = u32_number)]
        offset: u32,
        /// Bytes to read (default: to the end of the log)
        #[arg(long, value_name = "N", value_parser = u32_number)]
        length: Option<u32>,
        /// Write the log to FILE rather than showing it
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// What may be done with a log
    Capabilities {
        /// The log (a UUID or a name, as for get)
        #[arg(value_parser = log_id)]
        log: LogId,
    },
    /// Clear a log (its contents are gone)
    Clear {
        /// The log (a UUID or a name, as for get)
        #[arg(value_parser = log_id)]
        log: LogId,
    },
    /// Have the component fill a log
    Populate {
        /// The log (a UUID or a name, as for get)
        #[arg(value_parser = log_id)]
        log: LogId,
    },
    /// The supported logs from an index on, as sub-lists
    Sublist {
        /// Index of the first entry
        #[arg(long, value_name = "N", default_value = "0", value_parser = u8_number)]
        start: u8,
    },
}

#[derive(Subcommand, Clone)]
pub enum MaintenanceAction {
    /// Post package repair of the row holding a DPA (soft unless --hard)
    Ppr {
        /// The device physical address to repair
        #[arg(value_parser = parse::number)]
        dpa: u64,
        /// Hard repair (for good, using up a spare row)
        #[arg(long)]
        hard: bool,
        /// Only ask whether the resources for it are there
        #[arg(long)]
        query: bool,
        /// The DRAM devices to repair, a 24-bit mask (default: all)
        #[arg(long, value_name = "MASK", value_parser = nibble_mask)]
        nibble_mask: Option<u32>,
    },
    /// Memory sparing of a cacheline, row, bank or rank
    Sparing {
        /// What to spare
        #[arg(value_enum)]
        level: SparingLevel,
        #[arg(long, value_name = "N", value_parser = u8_number)]
        channel: u8,
        #[arg(long, value_name = "N", value_parser = u8_number)]
        rank: u8,
        /// Bank group (cacheline, row and bank sparing)
        #[arg(long, value_name = "N", value_parser = u8_number)]
        bank_group: Option<u8>,
        /// Bank (cacheline, row and bank sparing)
        #[arg(long, value_name = "N", value_parser = u8_number)]
        bank: Option<u8>,
        /// Row, 24 bits (cacheline and row sparing)
        #[arg(long, value_name = "N", value_parser = u24_number)]
        row: Option<u32>,
        /// Column (cacheline sparing)
        #[arg(long, value_name = "N", value_parser = u16_number)]
        column: Option<u16>,
        #[arg(long, value_name = "N", value_parser = u8_number)]
        sub_channel: Option<u8>,
        /// The DRAM devices to spare, a 24-bit mask (default: all)
        #[arg(long, value_name = "MASK", value_parser = nibble_mask)]
        nibble_mask: Option<u32>,
        /// Hard sparing (for good)
        #[arg(long)]
        hard: bool,
        /// Only ask whether the resources for it are there
        #[arg(long)]
        query: bool,
    },
    /// Any operation: its class, subclass and parameters as hex
    Operation {
        #[arg(value_parser = u8_number)]
        class: u8,
        #[arg(value_parser = u8_number)]
        subclass: u8,
        #[arg(value_parser = parse::hex_payload)]
        parameters: Option<parse::Payload>,
    },
}

/// The memory sparing subclasses (CXL r3.1 Table 8-102).
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum SparingLevel {
    Cacheline,
    Row,
    Bank,
    Rank,
}

#[derive(Subcommand, Clone)]
pub enum AlertConfigAction {
    /// The thresholds and which warnings are enabled
    Get,
    /// Set (and enable) the warning thresholds given, or disable warnings; the others are left as they are
    Set {
        /// Life used, in percent, that raises a warning
        #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
        life_used_warning: Option<u8>,
        /// Device temperature, in degrees Celsius, at or above which a warning is raised
        #[arg(long, value_name = "CELSIUS", allow_negative_numbers = true)]
        over_temperature_warning: Option<i16>,
        /// Device temperature, in degrees Celsius, at or below which a warning is raised
        #[arg(long, value_name = "CELSIUS", allow_negative_numbers = true)]
        under_temperature_warning: Option<i16>,
        /// Corrected volatile memory errors that raise a warning
        #[arg(long, value_name = "N", value_parser = u16_number)]
        corrected_volatile_warning: Option<u16>,
        /// Corrected persistent memory errors that raise a warning
        #[arg(long, value_name = "N", value_parser = u16_number)]
        corrected_persistent_warning: Option<u16>,
        /// Disable this warning (repeatable)
        #[arg(long, value_enum, value_name = "WARNING")]
        disable: Vec<Alert>,
    },
}

/// A programmable warning of the alert configuration (CXL r3.1 Table 8-135), by its bit.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alert {
    LifeUsed,
    OverTemperature,
    UnderTemperature,
    CorrectedVolatile,
    CorrectedPersistent,
}

impl Alert {
    /// Its bit in Valid Alert Actions and Enable Alert Actions.
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

#[derive(Subcommand, Clone)]
pub enum LsaAction {
    /// Read the label storage area (by default all of it)
    Read {
        /// First byte to read
        #[arg(long, value_name = "N", default_value = "0", value_parser = u32_number)]
        offset: u32,
        /// Bytes to read (default: to the end of the area)
        #[arg(long, value_name = "N", value_parser = u32_number)]
        length: Option<u32>,
        /// Write the bytes to FILE rather than showing them
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write FILE to the label storage area
    Write {
        file: PathBuf,
        /// Where in the area to write it
        #[arg(long, value_name = "N", default_value = "0", value_parser = u32_number)]
        offset: u32,
        /// Read it back and compare
        #[arg(long)]
        verify: bool,
    },
}

#[derive(Subcommand, Clone)]
pub enum ScanMediaAction {
    /// How long scanning a range would take
    Capabilities {
        /// Start: a device physical address, 64-byte aligned (K/M/G/T suffixes)
        #[arg(value_parser = parse::bytes)]
        addr: u64,
        /// Bytes to scan, a multiple of 64 (K/M/G/T suffixes)
        #[arg(value_parser = parse::bytes)]
        len: u64,
    },
    /// Scan a range, showing progress until it is done, then its results
    Start {
        /// Start: a device physical address, 64-byte aligned (K/M/G/T suffixes)
        #[arg(value_parser = parse::bytes)]
        addr: u64,
        /// Bytes to scan, a multiple of 64 (K/M/G/T suffixes)
        #[arg(value_parser = parse::bytes)]
        len: u64,
        /// Do not add an event record for each error found
        #[arg(long)]
        no_event_log: bool,
        /// Give up waiting after this many seconds (the device keeps working)
        #[arg(long, value_name = "SECONDS", default_value = "3600", value_parser = parse::seconds)]
        wait: std::time::Duration,
    },
    /// The media errors the last scan found
    Results,
}

/// Which passphrase (CXL r3.1 Table 8-155).
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum PassphraseType {
    Master,
    User,
}

impl PassphraseType {
    /// Its Passphrase Type field value.
    pub fn raw(self) -> u8 {
        self as u8
    }
}

#[derive(Subcommand, Clone)]
pub enum SecurityAction {
    /// The security state
    State,
    /// Set or change a passphrase (PASSPHRASE: text, zero-padded to 32 bytes, or 0x and hex)
    SetPassphrase {
        #[arg(long = "type", value_enum)]
        kind: PassphraseType,
        /// The passphrase in effect (none when there is none yet)
        #[arg(long, value_name = "PASSPHRASE", allow_hyphen_values = true)]
        old: Option<String>,
        /// The new passphrase
        #[arg(long, value_name = "PASSPHRASE", allow_hyphen_values = true)]
        new: String,
    },
    /// Remove a passphrase
    Disable {
        #[arg(long = "type", value_enum)]
        kind: PassphraseType,
        #[arg(long, value_name = "PASSPHRASE", allow_hyphen_values = true)]
        passphrase: String,
    },
    /// Unlock a locked device with the user passphrase
    Unlock {
        #[arg(long, value_name = "PASSPHRASE", allow_hyphen_values = true)]
        passphrase: String,
    },
    /// Freeze the security state until the next cold reset
    Freeze,
    /// Erase all user data with a passphrase (the user passphrase goes with it)
    PassphraseErase {
        #[arg(long = "type", value_enum)]
        kind: PassphraseType,
        #[arg(long, value_name = "PASSPHRASE", allow_hyphen_values = true)]
        passphrase: String,
    },
}

#[derive(Subcommand, Clone)]
pub enum MediaOperationsAction {
    /// The media operations supported
    Discovery,
    /// Sanitize DPA ranges (their data are gone)
    Sanitize {
        /// A range, START:LENGTH (a DPA and bytes; K/M/G/T suffixes); repeatable
        #[arg(long = "range", value_name = "START:LENGTH", value_parser = dpa_range, required = true)]
        ranges: Vec<DpaRange>,
    },
    /// Write zeroes to DPA ranges
    Zero {
        /// A range, START:LENGTH (a DPA and bytes; K/M/G/T suffixes); repeatable
        #[arg(long = "range", value_name = "START:LENGTH", value_parser = dpa_range, required = true)]
        ranges: Vec<DpaRange>,
    },
}

#[derive(Subcommand, Clone)]
pub enum SldQosAction {
    /// The QoS telemetry control
    Control,
    /// Change the control values given (the others are left as they are), then read them back
    Set {
        /// Egress port congestion telemetry
        #[arg(long, value_enum, value_name = "on|off")]
        egress_port_congestion: Option<OnOff>,
        /// Temporary throughput reduction
        #[arg(long, value_enum, value_name = "on|off")]
        temporary_throughput_reduction: Option<OnOff>,
        /// Egress bandwidth, in percent, counted as moderate congestion
        #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
        egress_moderate_percent: Option<u8>,
        /// Egress bandwidth, in percent, counted as severe congestion
        #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
        egress_severe_percent: Option<u8>,
        /// Backpressure sample interval in nanoseconds (0: no sampling)
        #[arg(long, value_name = "NS", value_parser = u8_number)]
        backpressure_sample_interval: Option<u8>,
    },
    /// The average backpressure
    Status,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum OnOff {
    On,
    Off,
}

/// A range of device physical addresses: START:LENGTH.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DpaRange {
    pub start: u64,
    pub length: u64,
}

impl DeviceCommand {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            DeviceCommand::ShutdownState { .. } => "shutdown-state",
            DeviceCommand::ResponseLimit { .. } => "response-limit",
            DeviceCommand::InterruptPolicy { .. } => "interrupt-policy",
            DeviceCommand::MctpInterruptPolicy { .. } => "mctp-interrupt-policy",
            DeviceCommand::Features { .. } => "features",
            DeviceCommand::Log { .. } => "log",
            DeviceCommand::PerformMaintenance { .. } => "perform-maintenance",
            DeviceCommand::AlertConfig { .. } => "alert-config",
            DeviceCommand::Lsa { .. } => "lsa",
            DeviceCommand::ScanMedia { .. } => "scan-media",
            DeviceCommand::SecureErase { .. } => "secure-erase",
            DeviceCommand::Security { .. } => "security",
            DeviceCommand::SecurityReceive { .. } => "security-receive",
            DeviceCommand::SecuritySend { .. } => "security-send",
            DeviceCommand::MediaOperations { .. } => "media-operations",
            DeviceCommand::SldQos { .. } => "sld-qos",
            DeviceCommand::DcAddResponse { .. } => "dc-add-response",
            DeviceCommand::DcRelease { .. } => "dc-release",
        }
    }

    /// The target and tunnel it goes to.
    pub fn on(&self) -> &On {
        match self {
            DeviceCommand::ShutdownState { on, .. }
            | DeviceCommand::ResponseLimit { on, .. }
            | DeviceCommand::InterruptPolicy { on, .. }
            | DeviceCommand::MctpInterruptPolicy { on, .. }
            | DeviceCommand::Features { on, .. }
            | DeviceCommand::Log { on, .. }
            | DeviceCommand::PerformMaintenance { on, .. }
            | DeviceCommand::AlertConfig { on, .. }
            | DeviceCommand::Lsa { on, .. }
            | DeviceCommand::ScanMedia { on, .. }
            | DeviceCommand::SecureErase { on, .. }
            | DeviceCommand::Security { on, .. }
            | DeviceCommand::SecurityReceive { on, .. }
            | DeviceCommand::SecuritySend { on, .. }
            | DeviceCommand::MediaOperations { on, .. }
            | DeviceCommand::SldQos { on, .. }
            | DeviceCommand::DcAddResponse { on, .. }
            | DeviceCommand::DcRelease { on, .. } => on,
        }
    }
}

/// A number (decimal or 0x hex) no larger than `max`.
fn bounded(s: &str, max: u64) -> Result<u64, String> {
    let v = parse::number(s)?;
    if v > max {
        return Err(format!("'{s}' is larger than {max}"));
    }
    Ok(v)
}

/// An 8-bit number, decimal or 0x hex.
pub fn u8_number(s: &str) -> Result<u8, String> {
    bounded(s, u8::MAX.into()).map(|v| v as u8)
}

/// A 16-bit number, decimal or 0x hex.
pub fn u16_number(s: &str) -> Result<u16, String> {
    bounded(s, u16::MAX.into()).map(|v| v as u16)
}

/// A 24-bit number, decimal or 0x hex.
pub fn u24_number(s: &str) -> Result<u32, String> {
    bounded(s, 0xff_ffff).map(|v| v as u32)
}

/// A 32-bit number, decimal or 0x hex.
pub fn u32_number(s: &str) -> Result<u32, String> {
    bounded(s, u32::MAX.into()).map(|v| v as u32)
}

/// A nibble mask: 24 bits, one per DRAM device.
pub fn nibble_mask(s: &str) -> Result<u32, String> {
    u24_number(s)
}

/// A response message limit in bytes, as its exponent: a power of two from 256 bytes (2^8) to
/// 1 MiB (2^20), the range CXL r3.1 section 8.2.9.1.4 allows.
pub fn response_limit(s: &str) -> Result<u8, String> {
    let v = parse::bytes(s)?;
    if !v.is_power_of_two() || !(256..=1 << 20).contains(&v) {
        return Err(format!("'{s}' is not a power of two from 256 to 1M"));
    }
    Ok(v.trailing_zeros() as u8)
}

/// An event log's interrupt settings byte (CXL r3.1 Table 8-55): `none`, `msi`, or `fw:N`, a
/// firmware interrupt with message number N (0 to 15; `fw` alone is message 0).
pub fn interrupt_mode(s: &str) -> Result<u8, String> {
    match s.trim() {
        "none" => Ok(0),
        "msi" => Ok(1),
        "fw" => Ok(2),
        t => match t.strip_prefix("fw:").map(|n| bounded(n, 15)) {
            Some(Ok(n)) => Ok(2 | (n as u8) << 4),
            _ => Err(format!("'{s}' is not an interrupt mode: none, msi or fw:N (N 0 to 15)")),
        },
    }
}

/// The dynamic capacity event log's interrupt settings byte: `none` or `msi` (it has no
/// firmware interrupt, CXL r3.1 Table 8-55).
pub fn dc_interrupt_mode(s: &str) -> Result<u8, String> {
    match s.trim() {
        "none" => Ok(0),
        "msi" => Ok(1),
        _ => Err(format!("'{s}' is not an interrupt mode of the dynamic capacity log: none or msi")),
    }
}

/// A UUID in its usual text form (`0da9c0b5-bf41-4b78-8f79-96b1623b3f17`, the bytes in wire
/// order, as the tool prints them) or as 32 hex digits.
pub fn uuid(s: &str) -> Result<[u8; 16], String> {
    let t = s.trim();
    let groups: Vec<usize> = t.split('-').map(str::len).collect();
    let shaped = groups == [8, 4, 4, 4, 12] || groups == [32];
    let digits: String = t.chars().filter(|&c| c != '-').collect();
    let bytes = if shaped && digits.chars().all(|c| c.is_ascii_hexdigit()) { parse::hex(&digits).ok() } else { None };
    bytes
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .ok_or_else(|| format!("'{s}' is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"))
}

/// A log: a UUID, or the name of a log the specification defines (CXL r3.1 Table 8-71), with
/// dashes or underscores (`vendor-debug`, `vendor_debug`).
pub fn log_id(s: &str) -> Result<LogId, String> {
    let name = s.trim().to_ascii_lowercase().replace('-', "_");
    if let Some((id, _)) = cxlmi::decode::generic::LOGS.iter().find(|(_, n)| *n == name) {
        return Ok(LogId(*id));
    }
    uuid(s).map(LogId).map_err(|_| {
        let names: Vec<String> = cxlmi::decode::generic::LOGS.iter().map(|(_, n)| n.replace('_', "-")).collect();
        format!("'{s}' is not a log: a UUID or one of {}", names.join(", "))
    })
}

/// A DPA range, `START:LENGTH`: both numbers (decimal or 0x hex) with an optional K, M, G or T
/// suffix, the range not empty and not past the end of the address space.
pub fn dpa_range(s: &str) -> Result<DpaRange, String> {
    let Some((start, length)) = s.split_once(':') else {
        return Err(format!("'{s}' is not START:LENGTH"));
    };
    let (start, length) = (parse::bytes(start)?, parse::bytes(length)?);
    if length == 0 {
        return Err(format!("'{s}' is an empty range"));
    }
    if start.checked_add(length).is_none() {
        return Err(format!("'{s}' goes past the end of the address space"));
    }
    Ok(DpaRange { start, length })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_and_log_names() {
        let cel = [0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17];
        assert_eq!(uuid("0da9c0b5-bf41-4b78-8f79-96b1623b3f17"), Ok(cel));
        assert_eq!(uuid("0DA9C0B5BF414B788F7996B1623B3F17"), Ok(cel));
        for bad in [
            "",
            "0da9c0b5-bf41-4b78-8f79-96b1623b3f1",
            "0da9c0b5bf41-4b78-8f79-96b1623b3f17",
            "+0a9c0b5-bf41-4b78-8f79-96b1623b3f17",
        ] {
            assert!(uuid(bad).is_err(), "{bad}");
        }
        assert_eq!(log_id("cel"), Ok(LogId(cel)));
        assert_eq!(log_id("0da9c0b5-bf41-4b78-8f79-96b1623b3f17"), Ok(LogId(cel)));
        assert_eq!(log_id("vendor-debug"), log_id("vendor_debug"));
        assert!(log_id("vendor-debug").is_ok());
        assert!(log_id("nope").unwrap_err().contains("component-state-dump"));
    }

    #[test]
    fn numbers_in_range() {
        assert_eq!(u8_number("0xff"), Ok(255));
        assert!(u8_number("256").is_err());
        assert_eq!(u16_number("65535"), Ok(65535));
        assert!(u16_number("65536").is_err());
        assert_eq!(u24_number("0xffffff"), Ok(0xff_ffff));
        assert!(u24_number("0x1000000").is_err());
        assert!(u32_number("0x100000000").is_err());
    }

    #[test]
    fn response_limits() {
        assert_eq!(response_limit("256"), Ok(8));
        assert_eq!(response_limit("2K"), Ok(11));
        assert_eq!(response_limit("1M"), Ok(20));
        for bad in ["128", "3000", "2M", "0", "x"] {
            assert!(response_limit(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn interrupt_modes() {
        assert_eq!(interrupt_mode("none"), Ok(0));
        assert_eq!(interrupt_mode("msi"), Ok(1));
        assert_eq!(interrupt_mode("fw"), Ok(2));
        assert_eq!(interrupt_mode("fw:5"), Ok(0x52));
        assert_eq!(interrupt_mode("fw:0xf"), Ok(0xf2));
        for bad in ["fw:16", "fw:", "msix", ""] {
            assert!(interrupt_mode(bad).is_err(), "{bad}");
        }
        assert_eq!(dc_interrupt_mode("msi"), Ok(1));
        assert!(dc_interrupt_mode("fw").is_err());
    }

    #[test]
    fn ranges() {
        assert_eq!(dpa_range("0x1000:4K"), Ok(DpaRange { start: 0x1000, length: 4096 }));
        assert_eq!(dpa_range("0:64"), Ok(DpaRange { start: 0, length: 64 }));
        assert_eq!(dpa_range("2G:64M"), Ok(DpaRange { start: 2 << 30, length: 64 << 20 }));
        for bad in ["0x1000", "0x1000:0", "x:4K", "0xffffffffffffffff:2", ":"] {
            assert!(dpa_range(bad).is_err(), "{bad}");
        }
    }
}
