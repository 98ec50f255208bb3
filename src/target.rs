//! Opening a component named by a target text (`cxlmi/target.h`): not in
//! upstream, so it has a header of its own and libcxlmi.h stays upstream's.
//! The syntax is the core's, [`cxlmi::Target`].

use core::ffi::{CStr, c_char};

use crate::context::{EndpointList, already_open, is_open, open_from_c};
use crate::{cxlmi_ctx, cxlmi_endpoint};
use cxlmi::discovery::DEV_CXL;
use cxlmi::error::{Error, Result};
use cxlmi::log::LOG_ERR;
use cxlmi::transport::mctp::Mctp;
use cxlmi::{Context, Target};

/// Opens the component `target` names, the way the `cxlmi` tool and the
/// examples name them:
///
/// - `"mem0"`: `/dev/cxl/mem0` through the kernel's mailbox ioctl, as
///   cxlmi_open() opens it;
/// - `"/dev/cxl/mem0"`, or any text holding a `/`: that device node, the same way;
/// - `"mctp:NET,EID"` (or `"mctp:NET:EID"`; decimal or 0x hex, NET up to
///   4294967295, EID up to 255): an MCTP endpoint, as cxlmi_open_mctp() opens it;
/// - `"emu:MODEL"`: a fresh component of the emulated fabric, as
///   cxlmi_open_emulator() opens it (`<cxlmi/emulator.h>`).
///
/// Returns NULL with `errno` set: EINVAL when `ctx` or `target` is NULL or
/// `target` is none of these (the log says what was expected) or names no
/// emulator model; EOPNOTSUPP for an `emu:` target in a library built
/// without the emulator; EEXIST when that device or MCTP endpoint is already
/// open under `ctx`; otherwise what opening it failed with (ENOENT for an
/// absent device, EACCES without the rights, EAFNOSUPPORT on a kernel
/// without MCTP).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_open_target(ctx: *mut cxlmi_ctx, target: *const c_char) -> *mut cxlmi_endpoint {
    open_from_c(ctx, |c, list| {
        if target.is_null() {
            return Err(Error::InvalidArgument("NULL target"));
        }
        // SAFETY: a NUL-terminated string from the caller.
        let text = unsafe { CStr::from_ptr(target) }.to_str().map_err(|_| {
            cxlmi::log_at!(c.log(), LOG_ERR, "a target is text: memN, /dev/cxl/memN, mctp:NET,EID or emu:MODEL");
            Error::InvalidArgument("target is not UTF-8")
        })?;
        let parsed: Target = text.parse().map_err(|e| {
            cxlmi::log_at!(c.log(), LOG_ERR, "{e}");
            Error::InvalidArgument("not a target")
        })?;
        refuse_if_open(c, list, &parsed)?;
        c.open_target(&parsed)
    })
}

/// Refuses a device or MCTP endpoint already open under `c`, as
/// cxlmi_open() and cxlmi_open_mctp() do.
fn refuse_if_open(c: &Context, list: &EndpointList, target: &Target) -> Result<()> {
    let name = match target {
        Target::Mailbox(name) => std::path::Path::new(DEV_CXL).join(name).to_string_lossy().into_owned(),
        Target::MailboxPath(path) => path.to_string_lossy().into_owned(),
        Target::Mctp { net, eid } => Mctp::name(*net, *eid),
        Target::Emulated(_) => return Ok(()),
    };
    if is_open(list, &name) {
        return Err(already_open(c, format_args!("endpoint '{target}'")));
    }
    Ok(())
}
