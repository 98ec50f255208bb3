//! The subcommands for the FM-API command set beyond `ports`, `vcs` and `ld` (their arguments are
//! `cxlmi_cli::fabric_args`). Each returns the core's decoded response as JSON.

use cxlmi::commands::fmapi::*;
use cxlmi::types::*;
use serde_json::Value;

use super::{Output, Session};
use crate::args::{Failure, Options};
use crate::decoded;
use cxlmi_cli::fabric_args::FabricCommand;

pub(super) fn run(s: &mut Session, command: &FabricCommand, opts: &Options) -> Result<Output, Failure> {
    let _ = opts;
    let value = match command {
        FabricCommand::Mhd { .. } => mhd(s)?,
    };
    Ok(value.into())
}

/// Get Multi-Headed Info (5500h): every LD's head.
fn mhd(s: &mut Session) -> Result<Value, Failure> {
    let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 0, ld_map_list_limit: u8::MAX };
    s.exec::<GetMultiheadedInfo, _>(&req, |l| decoded::of(&l))
}
