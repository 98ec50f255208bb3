//! The subcommands for the rest of the Generic and Memory Device command sets (CXL r3.1 sections
//! 8.2.9.1 to 8.2.9.9): their arguments. `cxlmi`'s `cmds::device` runs them.

use clap::Subcommand;

use crate::args::On;

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

impl DeviceCommand {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            DeviceCommand::ShutdownState { .. } => "shutdown-state",
        }
    }

    /// The target and tunnel it goes to.
    pub fn on(&self) -> &On {
        match self {
            DeviceCommand::ShutdownState { on, .. } => on,
        }
    }
}
