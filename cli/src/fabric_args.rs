//! The subcommands for the FM-API command set (CXL r3.1 section 7.6.7) beyond `ports`, `vcs` and
//! `ld`: their arguments. `cxlmi`'s `cmds::fabric` runs them.

use clap::Subcommand;

use crate::args::On;

/// Flattened into the tool's subcommands.
#[derive(Subcommand)]
pub enum FabricCommand {
    /// Multi-headed device: its heads and which head each LD is mapped to (5500h)
    Mhd {
        #[command(flatten)]
        on: On,
    },
}

impl FabricCommand {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            FabricCommand::Mhd { .. } => "mhd",
        }
    }

    /// The target and tunnel it goes to.
    pub fn on(&self) -> &On {
        match self {
            FabricCommand::Mhd { on } => on,
        }
    }
}
