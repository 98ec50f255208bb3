//! The emulated fabric's C API (`cxlmi/emulator.h`): not in upstream, so it
//! has a header of its own and libcxlmi.h stays upstream's.

use core::ffi::{CStr, c_char};

use crate::context::open_from_c;
use crate::{cxlmi_ctx, cxlmi_endpoint};
use cxlmi::Target;
use cxlmi::error::Error;

/// Opens a fresh component of the emulated CXL fabric, which keeps state and
/// answers as the CXL specification says a device does: `"type3"` (a memory
/// device), `"switch"` (an FM-API switch: a Type 3 device behind port 1, a
/// four-LD MLD behind port 2), `"mld"` (a multi-logical device, its LDs
/// reached by tunnelling) or `"mhd"` (a multi-headed device with an LD Pool
/// CCI). With probing enabled it is identified and gets FM-API, as an MCTP
/// endpoint does. Each call builds a new component; state lasts until the
/// endpoint is closed. Returns NULL with `errno` set to EINVAL when `model`
/// is NULL or names no model (the log lists the models), and to EOPNOTSUPP
/// in a library built without the emulator (`-Demulator=disabled`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_open_emulator(ctx: *mut cxlmi_ctx, model: *const c_char) -> *mut cxlmi_endpoint {
    open_from_c(ctx, |c, _| {
        if model.is_null() {
            return Err(Error::InvalidArgument("NULL emulator model"));
        }
        // SAFETY: a NUL-terminated string from the caller.
        let name = unsafe { CStr::from_ptr(model) }
            .to_str()
            .map_err(|_| Error::InvalidArgument("emulator model is not UTF-8"))?;
        // The same way as an emu: target: through the opener cxlmi_new_ctx installs, or, in a
        // library without the emulator, the core's refusal (EOPNOTSUPP and a log line).
        c.open_target(&Target::Emulated(name.to_owned()))
    })
}
