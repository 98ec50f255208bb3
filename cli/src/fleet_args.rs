//! What `cxlmi monitor` and `cxlmi exporter` take: the components to watch
//! (targets, the kernel's devices, mctpd's endpoints, an emulated fleet)
//! and the bounds on reading them.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::parse;
use crate::target::Target;

/// The components a watching subcommand reads, and how.
#[derive(Args, Clone, Debug)]
pub struct Fleet {
    /// Components to watch: memN, /dev/cxl/memN, mctp:NET,EID, emu:MODEL (with everything behind each).
    /// With none of these and no source option: every device in /dev/cxl, and mctpd's endpoints in a
    /// D-Bus build
    pub targets: Vec<Target>,
    /// Also every memory device in /dev/cxl, followed as devices come and go
    #[arg(long)]
    pub dev_cxl: bool,
    /// Also every CXL endpoint mctpd lists on the D-Bus system bus, followed as they come and go
    #[arg(long)]
    pub mctpd: bool,
    /// An emulated fleet: MODEL[xCOUNT][@LATENCY][!silent],... (models: type3, switch, mld, mhd),
    /// e.g. type3x250@10ms,switchx4,type3x10!silent
    #[arg(long, value_name = "SPEC")]
    pub emulate: Option<String>,
    /// A file that changes the emulated fleet while it runs, re-read when it changes: lines
    /// `NAME silent`, `NAME removed`, `NAME latency=50ms`, `NAME event LOG TYPE ID`
    #[arg(long, value_name = "FILE", requires = "emulate")]
    pub emu_control: Option<PathBuf>,
    /// Seconds one round of reading may take; a component that has not answered by then is down
    #[arg(long, value_name = "SECONDS", default_value = "3", value_parser = parse::positive_seconds)]
    pub deadline: Duration,
    /// Most endpoints read at once (one thread each); a silent one holds its thread for the deadline
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u16).range(1..=4096))]
    pub concurrency: u16,
}

impl Fleet {
    /// Whether no source was named: then the machine's own devices are watched.
    pub fn none_named(&self) -> bool {
        self.targets.is_empty() && !self.dev_cxl && !self.mctpd && self.emulate.is_none()
    }
}

/// `cxlmi monitor`'s options.
#[derive(Args, Clone, Debug)]
pub struct Monitor {
    #[command(flatten)]
    pub fleet: Fleet,
    /// Seconds between rounds
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse::positive_seconds)]
    pub interval: Duration,
    /// Read once, print what was found, and exit
    #[arg(long)]
    pub once: bool,
    /// Clear each event record once printed (destructive: asks on a terminal, needs --force otherwise)
    #[arg(long)]
    pub clear: bool,
}

/// `cxlmi exporter`'s options.
#[derive(Args, Clone, Debug)]
pub struct Exporter {
    #[command(flatten)]
    pub fleet: Fleet,
    /// Address and port to serve /metrics on
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:9843")]
    pub listen: String,
}
