//! The subcommands for the FM-API command set (CXL r3.1 section 7.6.7) beyond `ports`, `vcs` and
//! `ld`: their arguments, and the parsing of the values only they take (allocations, bandwidth
//! fractions, extents, tags). `cxlmi`'s `cmds::fabric` runs them.

use clap::{Subcommand, ValueEnum};

use crate::parse;
use crate::target::On;

/// Flattened into the tool's subcommands.
#[derive(Subcommand)]
pub enum FabricCommand {
    /// Multi-headed device: its heads and which head each LD is mapped to (5500h), or each head's
    /// link (5501h)
    Mhd {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<MhdAction>,
    },
    /// Switch: assert or deassert PERST# on a downstream port, or reset its PPB (5102h); then the
    /// port's state (5101h)
    PortControl {
        #[command(flatten)]
        on: On,
        /// The physical port (PPB) to act on
        #[arg(value_name = "PORT")]
        ppb: u8,
        /// What to do
        action: PortAction,
    },
    /// Switch: bind a vPPB of a virtual switch to a downstream port, or to one LD of the MLD
    /// behind it (5201h, waited for); then the VCS's vPPBs (5200h). Sent to the switch itself:
    /// here --port and --ld name what to bind, not a tunnel
    #[command(mut_arg("port", |a| a.help("The physical port to bind the vPPB to (required)")))]
    #[command(mut_arg("ld", |a| a.help("The LD of the MLD on that port to bind (default: the whole port)")))]
    Bind {
        #[command(flatten)]
        on: On,
        /// The virtual CXL switch
        #[arg(long, value_name = "N")]
        vcs: u8,
        /// The vPPB of that switch
        #[arg(long, value_name = "N")]
        vppb: u8,
    },
    /// Switch: unbind a vPPB (5202h, waited for; it takes the device away from its host); then
    /// the VCS's vPPBs (5200h)
    Unbind {
        #[command(flatten)]
        on: On,
        /// The virtual CXL switch
        #[arg(long, value_name = "N")]
        vcs: u8,
        /// The vPPB of that switch
        #[arg(long, value_name = "N")]
        vppb: u8,
        /// How: wait for the link to go down, or simulate a managed or a surprise hot remove
        #[arg(long, value_enum, default_value = "wait")]
        mode: UnbindMode,
    },
    /// MLD: the memory allocated to each LD (5401h), or set it (5402h)
    LdAllocations {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<LdAllocationsAction>,
    },
    /// MLD: QoS telemetry control (default; 5403h, 5404h), status (5405h), each LD's allocated
    /// bandwidth (5406h, 5407h) and bandwidth limit (5408h, 5409h)
    Qos {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<QosAction>,
    },
    /// Dynamic capacity device management (56xxh, through the LD Pool CCI: --mhd): info
    /// (default), region configuration, each host's extents, add and release capacity, tags
    Dcd {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<DcdAction>,
    },
    /// Switch: domain validation secret values: the state (default; 5104h), set (5105h), a VCS's
    /// state (5106h) or secret (5107h)
    DomainValidation {
        #[command(flatten)]
        on: On,
        #[command(subcommand)]
        action: Option<DomainValidationAction>,
    },
    /// Switch: read a dword of a PPB's configuration space, or write it and read it back (5103h)
    PpbConfig {
        #[command(flatten)]
        on: On,
        /// The physical port (PPB)
        #[arg(value_name = "PORT")]
        ppb: u8,
        #[command(flatten)]
        access: ConfigAccess,
    },
    /// Switch: read a dword of the configuration space of an LD of the MLD on a port, or write it
    /// and read it back (5301h)
    LdConfig {
        #[command(flatten)]
        on: On,
        /// The physical port (PPB) the MLD is on
        #[arg(value_name = "PORT")]
        ppb: u8,
        /// The LD
        #[arg(value_name = "LD")]
        ld_id: u16,
        #[command(flatten)]
        access: ConfigAccess,
    },
}

#[derive(Subcommand, Clone, Copy)]
pub enum MhdAction {
    /// The heads and the LD map (5500h)
    Info,
    /// Each head's link (5501h)
    Heads,
}

/// Physical Port Control's port opcodes (CXL r3.1 section 7.6.7.1.3).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortAction {
    /// Assert PERST#: the link goes down and the device behind it is held in reset
    AssertPerst,
    /// Deassert PERST#
    DeassertPerst,
    /// Reset the PPB (its configuration space returns to its reset values)
    ResetPpb,
}

impl PortAction {
    /// The Port Opcode (CXL r3.1 Table 7-21).
    pub fn opcode(self) -> u8 {
        match self {
            PortAction::AssertPerst => 0,
            PortAction::DeassertPerst => 1,
            PortAction::ResetPpb => 2,
        }
    }
}

/// Unbind vPPB's options (CXL r3.1 Table 7-28).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnbindMode {
    /// Wait for the port's link to go down
    Wait,
    /// Simulate a managed hot remove
    ManagedHotRemove,
    /// Simulate a surprise hot remove
    SurpriseHotRemove,
}

impl UnbindMode {
    /// The Unbind Option, bits 3:0.
    pub fn option(self) -> u8 {
        match self {
            UnbindMode::Wait => 0,
            UnbindMode::ManagedHotRemove => 1,
            UnbindMode::SurpriseHotRemove => 2,
        }
    }
}

#[derive(Subcommand, Clone)]
pub enum LdAllocationsAction {
    /// The allocations (5401h)
    Get,
    /// Set the allocations of the LDs named (5402h; the others keep theirs), then read them back
    Set {
        /// LD=RANGE1[:RANGE2]: each range a multiplier of the memory granularity (4), or bytes
        /// with a unit (1G, 256M, 268435456B), a multiple of it; RANGE2 left out keeps the LD's
        #[arg(value_name = "LD=RANGE1[:RANGE2]", required = true, value_parser = ld_allocation)]
        allocations: Vec<LdAllocation>,
    },
}

/// An amount of memory as given: a multiplier of the MLD's granularity, or bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    Multiplier(u64),
    Bytes(u64),
}

/// One LD's allocation as given to `ld-allocations set`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LdAllocation {
    pub ld: u8,
    pub range_1: Amount,
    pub range_2: Option<Amount>,
}

/// `N` (a multiplier), or bytes with a unit (`1G`, `256M`, `268435456B`).
fn amount(s: &str) -> Result<Amount, String> {
    let t = s.trim();
    let hex = t.starts_with("0x") || t.starts_with("0X");
    match t.chars().last() {
        Some(c) if !hex && c.is_ascii_alphabetic() => {
            let t = t.strip_suffix('B').filter(|n| n.ends_with(|c: char| c.is_ascii_digit())).unwrap_or(t);
            parse::bytes(t).map(Amount::Bytes)
        }
        _ => parse::number(t).map(Amount::Multiplier),
    }
}

/// `LD=RANGE1[:RANGE2]`.
pub fn ld_allocation(s: &str) -> Result<LdAllocation, String> {
    let (ld, ranges) = s.split_once('=').ok_or_else(|| format!("'{s}' is not LD=RANGE1[:RANGE2]"))?;
    let ld = ld_id(ld)?;
    let (r1, r2) = match ranges.split_once(':') {
        Some((r1, r2)) => (r1, Some(r2)),
        None => (ranges, None),
    };
    Ok(LdAllocation { ld, range_1: amount(r1)?, range_2: r2.map(amount).transpose()? })
}

fn ld_id(s: &str) -> Result<u8, String> {
    let n = parse::number(s)?;
    u8::try_from(n).map_err(|_| format!("LD '{s}' is larger than 255"))
}

#[derive(Subcommand, Clone)]
pub enum QosAction {
    /// QoS telemetry control (5403h), or set it (5404h)
    Control {
        #[command(subcommand)]
        set: Option<QosControlSet>,
    },
    /// QoS status: the average backpressure (5405h)
    Status,
    /// Each LD's share of the bandwidth (5406h), or set it (5407h)
    AllocatedBw {
        #[command(subcommand)]
        set: Option<FractionSet>,
    },
    /// Each LD's bandwidth limit (5408h), or set it (5409h)
    BwLimit {
        #[command(subcommand)]
        set: Option<FractionSet>,
    },
}

/// On or off.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnOff {
    On,
    Off,
}

impl OnOff {
    pub fn on(self) -> bool {
        self == OnOff::On
    }
}

#[derive(Subcommand, Clone)]
pub enum QosControlSet {
    /// Set QoS telemetry control (5404h): what is not given stays as it is; then read it back
    Set {
        /// Egress port congestion telemetry
        #[arg(long, value_enum, value_name = "on|off")]
        egress_congestion: Option<OnOff>,
        /// Temporary throughput reduction
        #[arg(long, value_enum, value_name = "on|off")]
        temporary_throughput_reduction: Option<OnOff>,
        /// Egress port bandwidth percentage counted as moderate congestion (1 to 100)
        #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(1..=100))]
        moderate: Option<u8>,
        /// Egress port bandwidth percentage counted as severe congestion (1 to 100)
        #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(1..=100))]
        severe: Option<u8>,
        /// Backpressure sample interval (0 to 15; 0 disables)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=15))]
        sample_interval: Option<u8>,
        /// ReqCmpBasis, the completion basis (0 disables completion collection)
        #[arg(long, value_name = "N")]
        req_cmp_basis: Option<u16>,
        /// Completion collection interval (0 to 255)
        #[arg(long, value_name = "N")]
        completion_interval: Option<u8>,
    },
}

#[derive(Subcommand, Clone)]
pub enum FractionSet {
    /// Set the fractions of the LDs named (the others keep theirs), then read them back
    Set {
        /// LD=FRACTION: a number from 0 to 1 (0.25) or a percentage (25%), rounded to 256ths (1
        /// is 255/256, the most there is), or 256ths as such (64/256)
        #[arg(value_name = "LD=FRACTION", required = true, value_parser = ld_fraction)]
        fractions: Vec<LdFraction>,
    },
}

/// One LD's bandwidth fraction, in 256ths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LdFraction {
    pub ld: u8,
    pub fraction: u8,
}

/// `LD=FRACTION`: `0.25`, `25%` or `64/256`.
pub fn ld_fraction(s: &str) -> Result<LdFraction, String> {
    let (ld, f) = s.split_once('=').ok_or_else(|| format!("'{s}' is not LD=FRACTION"))?;
    let ld = ld_id(ld)?;
    let f = f.trim();
    let bad = || format!("'{f}' is not a fraction from 0 to 1 (0.25, 25%) or 256ths (64/256)");
    if let Some(raw) = f.strip_suffix("/256") {
        let raw = parse::number(raw).map_err(|_| bad())?;
        return u8::try_from(raw).map(|fraction| LdFraction { ld, fraction }).map_err(|_| bad());
    }
    let ratio = match f.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().ok().map(|p| p / 100.0),
        None => f.parse::<f64>().ok(),
    };
    match ratio {
        Some(r) if (0.0..=1.0).contains(&r) => Ok(LdFraction { ld, fraction: (r * 256.0).round().min(255.0) as u8 }),
        _ => Err(bad()),
    }
}

#[derive(Subcommand, Clone)]
pub enum DcdAction {
    /// Hosts, regions, policies and capacity (5600h)
    Info,
    /// A host's dynamic capacity regions and extent and tag counts (5601h), or set a region's
    /// configuration (5602h)
    RegionConfig {
        /// The host (head)
        #[arg(long, value_name = "N", default_value_t = 0)]
        host: u16,
        #[command(subcommand)]
        set: Option<RegionConfigSet>,
    },
    /// A host's extents, every page of them (5603h)
    Extents {
        /// The host (head)
        #[arg(long, value_name = "N")]
        host: u16,
        /// The index of the first extent
        #[arg(long, value_name = "N", default_value_t = 0)]
        start: u32,
    },
    /// Offer capacity to a host (5604h); then the host's regions, extents and the tags
    Add {
        /// The host (head)
        #[arg(long, value_name = "N")]
        host: u16,
        /// The region to take it from
        #[arg(long, value_name = "N", default_value_t = 0)]
        region: u8,
        /// How the device chooses it: free or contiguous (--length), prescriptive (--extent), or
        /// enable-shared-access (--tag)
        #[arg(long, value_enum, default_value = "free")]
        policy: AddPolicy,
        /// Bytes to add (K/M/G/T suffixes)
        #[arg(long, value_name = "BYTES", value_parser = parse::bytes)]
        length: Option<u64>,
        /// The tag for the capacity (a UUID)
        #[arg(long, value_name = "UUID", value_parser = uuid)]
        tag: Option<[u8; 16]>,
        /// An extent to add (prescriptive): device physical address and length in bytes
        #[arg(long = "extent", value_name = "START:LENGTH", value_parser = extent)]
        extents: Vec<(u64, u64)>,
    },
    /// Ask a host to release capacity, or take it (--forced) (5605h); then the host's regions,
    /// extents and the tags
    Release {
        /// The host (head)
        #[arg(long, value_name = "N")]
        host: u16,
        /// Which capacity: every extent with --tag (tag-based), or the extents given (prescriptive)
        #[arg(long, value_enum, default_value = "tag-based")]
        policy: ReleasePolicy,
        /// Take the capacity without waiting for the host to release it
        #[arg(long)]
        forced: bool,
        /// Sanitize the capacity released
        #[arg(long)]
        sanitize: bool,
        /// Bytes to release (K/M/G/T suffixes)
        #[arg(long, value_name = "BYTES", value_parser = parse::bytes)]
        length: Option<u64>,
        /// The tag of the capacity (a UUID)
        #[arg(long, value_name = "UUID", value_parser = uuid)]
        tag: Option<[u8; 16]>,
        /// An extent to release (prescriptive): device physical address and length in bytes
        #[arg(long = "extent", value_name = "START:LENGTH", value_parser = extent)]
        extents: Vec<(u64, u64)>,
    },
    /// Hold a reference on shared capacity by its tag (5606h); then the tags
    AddReference {
        /// The tag (a UUID)
        #[arg(long, value_name = "UUID", value_parser = uuid)]
        tag: [u8; 16],
    },
    /// Drop the reference on shared capacity (5607h); then the tags
    RemoveReference {
        /// The tag (a UUID)
        #[arg(long, value_name = "UUID", value_parser = uuid)]
        tag: [u8; 16],
    },
    /// The tags and the hosts holding capacity with each, every page of them (5608h)
    #[command(visible_alias = "list-tags")]
    Tags {
        /// The index of the first tag
        #[arg(long, value_name = "N", default_value_t = 0)]
        start: u32,
    },
}

#[derive(Subcommand, Clone)]
pub enum RegionConfigSet {
    /// Set a region's block size and sanitize-on-release for every host (5602h); what is not
    /// given stays as it is; then the host's regions
    Set {
        /// The region
        #[arg(long, value_name = "N")]
        region: u8,
        /// The block size, one the region supports (K/M/G/T suffixes)
        #[arg(long, value_name = "BYTES", value_parser = parse::bytes)]
        block_size: Option<u64>,
        /// Sanitize released capacity
        #[arg(long, value_enum, value_name = "on|off")]
        sanitize_on_release: Option<OnOff>,
    },
}

/// Initiate Dynamic Capacity Add's selection policies (CXL r3.2 Table 7-66).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddPolicy {
    Free,
    Contiguous,
    Prescriptive,
    EnableSharedAccess,
}

impl AddPolicy {
    pub fn value(self) -> u8 {
        match self {
            AddPolicy::Free => 0,
            AddPolicy::Contiguous => 1,
            AddPolicy::Prescriptive => 2,
            AddPolicy::EnableSharedAccess => 3,
        }
    }
}

/// Initiate Dynamic Capacity Release's removal policies (CXL r3.2 Table 7-68).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleasePolicy {
    TagBased,
    Prescriptive,
}

impl ReleasePolicy {
    pub fn value(self) -> u8 {
        match self {
            ReleasePolicy::TagBased => 0,
            ReleasePolicy::Prescriptive => 1,
        }
    }
}

/// A UUID in its usual text form (`a1b2c3d4-0102-0304-0506-0708090a0b0c`, or 32 hex digits),
/// its bytes in the order written, as the library prints tags.
pub fn uuid(s: &str) -> Result<[u8; 16], String> {
    let bytes = parse::hex(s).map_err(|_| format!("'{s}' is not a UUID"))?;
    <[u8; 16]>::try_from(bytes).map_err(|_| format!("'{s}' is not a UUID (16 bytes)"))
}

/// `START:LENGTH`, both in bytes (K/M/G/T suffixes).
pub fn extent(s: &str) -> Result<(u64, u64), String> {
    let (start, len) = s.split_once(':').ok_or_else(|| format!("'{s}' is not START:LENGTH"))?;
    Ok((parse::bytes(start)?, parse::bytes(len)?))
}

#[derive(Subcommand, Clone)]
pub enum DomainValidationAction {
    /// Whether the switch has a secret value (5104h)
    State,
    /// Set the secret value (5105h), then the state
    Set {
        /// The secret value (a UUID)
        #[arg(value_parser = uuid)]
        secret: [u8; 16],
    },
    /// Whether a VCS has a secret value (5106h)
    VcsState {
        /// The virtual CXL switch
        #[arg(long, value_name = "N")]
        vcs: u8,
    },
    /// A VCS's secret value (5107h)
    Secret {
        /// The virtual CXL switch
        #[arg(long, value_name = "N")]
        vcs: u8,
    },
}

/// A configuration space access: a dword read, or a write and the read back.
#[derive(clap::Args, Clone, Copy)]
pub struct ConfigAccess {
    /// The byte offset of the dword (a multiple of 4 below 4096)
    #[arg(value_name = "OFFSET", value_parser = parse::number)]
    pub offset: u64,
    /// Write this 32-bit value (then read the dword back)
    #[arg(long, value_name = "VALUE", value_parser = parse::number)]
    pub write: Option<u64>,
    /// The bytes of the dword accessed, one bit each (0x1 to 0xf)
    #[arg(long, value_name = "MASK", default_value = "0xf", value_parser = parse::number)]
    pub byte_enables: u64,
}

impl FabricCommand {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            FabricCommand::Mhd { .. } => "mhd",
            FabricCommand::PortControl { .. } => "port-control",
            FabricCommand::Bind { .. } => "bind",
            FabricCommand::Unbind { .. } => "unbind",
            FabricCommand::LdAllocations { .. } => "ld-allocations",
            FabricCommand::Qos { .. } => "qos",
            FabricCommand::Dcd { .. } => "dcd",
            FabricCommand::DomainValidation { .. } => "domain-validation",
            FabricCommand::PpbConfig { .. } => "ppb-config",
            FabricCommand::LdConfig { .. } => "ld-config",
        }
    }

    /// The target and tunnel it goes to.
    pub fn on(&self) -> &On {
        match self {
            FabricCommand::Mhd { on, .. }
            | FabricCommand::PortControl { on, .. }
            | FabricCommand::Bind { on, .. }
            | FabricCommand::Unbind { on, .. }
            | FabricCommand::LdAllocations { on, .. }
            | FabricCommand::Qos { on, .. }
            | FabricCommand::Dcd { on, .. }
            | FabricCommand::DomainValidation { on, .. }
            | FabricCommand::PpbConfig { on, .. }
            | FabricCommand::LdConfig { on, .. } => on,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations() {
        let a = ld_allocation("1=4").unwrap();
        assert_eq!(a, LdAllocation { ld: 1, range_1: Amount::Multiplier(4), range_2: None });
        let a = ld_allocation("0=1G:256M").unwrap();
        assert_eq!((a.range_1, a.range_2), (Amount::Bytes(1 << 30), Some(Amount::Bytes(256 << 20))));
        assert_eq!(ld_allocation("2=268435456B").unwrap().range_1, Amount::Bytes(1 << 28));
        assert_eq!(ld_allocation("2=0x1B").unwrap().range_1, Amount::Multiplier(0x1b));
        assert_eq!(ld_allocation("3=0:2").unwrap().range_2, Some(Amount::Multiplier(2)));
        for bad in ["4", "256=1", "1=", "1=x", "1=2:", "1=99999999999T", "=1", "1=1B2"] {
            assert!(ld_allocation(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fractions() {
        let f = |s: &str| ld_fraction(s).map(|f| (f.ld, f.fraction));
        assert_eq!(f("0=0.25"), Ok((0, 64)));
        assert_eq!(f("3=50%"), Ok((3, 128)));
        assert_eq!(f("1=64/256"), Ok((1, 64)));
        assert_eq!(f("1=0x40/256"), Ok((1, 64)));
        assert_eq!(f("1=1"), Ok((1, 255)));
        assert_eq!(f("1=1.0"), Ok((1, 255)));
        assert_eq!(f("1=100%"), Ok((1, 255)));
        assert_eq!(f("1=0"), Ok((1, 0)));
        assert_eq!(f("1=0.001"), Ok((1, 0)));
        for bad in ["1", "1=256/256", "1=2", "1=1.5", "1=-0.1", "1=101%", "1=NaN", "x=1", "1=.", "1=inf%", "1=/256"] {
            assert!(f(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uuids_and_extents() {
        let u = uuid("a1b2c3d4-0102-0304-0506-0708090a0b0c").unwrap();
        assert_eq!(u[..4], [0xa1, 0xb2, 0xc3, 0xd4]);
        assert_eq!(u[15], 0x0c);
        assert!(uuid("a1b2").is_err());
        assert!(uuid("zz").is_err());
        assert_eq!(extent("0x40000000:256M"), Ok((1 << 30, 256 << 20)));
        assert!(extent("1").is_err());
        assert!(extent("1:x").is_err());
    }

    #[test]
    fn arguments_parse() {
        use clap::Parser;
        let cli = crate::args::Cli::try_parse_from([
            "cxlmi",
            "bind",
            "emu:switch",
            "--vcs",
            "1",
            "--vppb",
            "0",
            "--port",
            "2",
            "--ld",
            "1",
        ]);
        let Ok(cli) = cli else { panic!("bind does not parse") };
        let crate::args::Command::Fabric(FabricCommand::Bind { on, vcs, vppb }) = cli.command else { panic!() };
        assert_eq!((on.port, on.ld, vcs, vppb), (Some(2), Some(1), 1, 0));
        for args in [
            &["cxlmi", "qos", "emu:mld", "control", "set", "--moderate", "101"][..],
            &["cxlmi", "port-control", "emu:switch", "1", "nope"],
            &["cxlmi", "unbind", "emu:switch", "--vcs", "0"],
            &["cxlmi", "ld-allocations", "emu:mld", "set"],
        ] {
            assert!(crate::args::Cli::try_parse_from(args).is_err(), "{args:?}");
        }
        use clap::CommandFactory;
        crate::args::Cli::command().debug_assert();
    }
}
