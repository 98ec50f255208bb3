//! The subcommands for the rest of the Generic and Memory Device command sets (their arguments
//! are `cxlmi_cli::device_args`). Each returns the core's decoded response as JSON.

use cxlmi::commands::memdev::*;
use cxlmi::types::*;
use serde_json::Value;

use super::{Output, Session};
use crate::args::{Failure, Options};
use crate::decoded;
use cxlmi_cli::device_args::{DeviceCommand, ShutdownStateAction};

pub(super) fn run(s: &mut Session, command: &DeviceCommand, opts: &Options) -> Result<Output, Failure> {
    let _ = opts;
    let value = match command {
        DeviceCommand::ShutdownState { action, .. } => shutdown_state(s, action.unwrap_or(ShutdownStateAction::Get))?,
    };
    Ok(value.into())
}

/// Get Shutdown State (4203h), after Set Shutdown State (4204h) when asked.
fn shutdown_state(s: &mut Session, action: ShutdownStateAction) -> Result<Value, Failure> {
    let dirty = match action {
        ShutdownStateAction::Get => None,
        ShutdownStateAction::Clean => Some(0),
        ShutdownStateAction::Dirty => Some(1),
    };
    if let Some(state) = dirty {
        s.exec::<SetShutdownState, _>(&cxlmi_cmd_memdev_set_shutdown_state_req { state }, |_| ())?;
    }
    s.exec::<GetShutdownState, _>(&(), |st| decoded::of(&st))
}
