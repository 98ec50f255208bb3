//! Contexts, endpoints and their settings, as upstream exports them.

use core::ffi::{c_char, c_int, c_uint};
use std::io::Write;

use super::{context, cxlmi_ctx, cxlmi_endpoint, endpoint, guard, set_errno};
use crate::endpoint::{Context, Endpoint};
use crate::error::{RETCODE_TEXT, Result};
use crate::log::Logger;

/// A C stdio stream as the context's log.
struct CFile(*mut libc::FILE);

// SAFETY: stdio streams lock themselves; the caller keeps the stream open
// for the context's life, as upstream requires.
unsafe impl Send for CFile {}

impl Write for CFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: a live stream per the contract of cxlmi_new_ctx.
        let n = unsafe { libc::fwrite(buf.as_ptr().cast(), 1, buf.len(), self.0) };
        if n == 0 && !buf.is_empty() { Err(std::io::Error::other("fwrite failed")) } else { Ok(n) }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        // SAFETY: as above.
        unsafe { libc::fflush(self.0) };
        Ok(())
    }
}

/// Creates a context logging messages up to syslog level `log_level` to
/// `fp` (standard error when NULL). Returns NULL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_new_ctx(fp: *mut libc::FILE, log_level: c_int) -> *mut cxlmi_ctx {
    guard(core::ptr::null_mut(), || {
        let log = if fp.is_null() { Logger::stderr(log_level) } else { Logger::new(log_level, Box::new(CFile(fp))) };
        Box::into_raw(Box::new(cxlmi_ctx { core: Context::new(log), endpoints: Vec::new() }))
    })
}

/// Frees a context and closes every endpoint still open under it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_free_ctx(ctx: *mut cxlmi_ctx) {
    guard((), || {
        if ctx.is_null() {
            return;
        }
        // SAFETY: a context from cxlmi_new_ctx, freed once.
        let ctx = unsafe { Box::from_raw(ctx) };
        for ep in ctx.endpoints {
            // SAFETY: every listed endpoint was boxed by register() and is owned by the list.
            drop(unsafe { Box::from_raw(ep) });
        }
    })
}

/// Whether endpoints opened from now on are probed on open.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_set_probe_enabled(ctx: *mut cxlmi_ctx, enabled: bool) {
    guard((), || {
        if let Ok(ctx) = unsafe { context(ctx) } {
            ctx.core.set_probe_enabled(enabled);
        }
    })
}

/// Lists a newly opened endpoint in its context (newest first, as upstream)
/// and hands the C pointer out.
pub(crate) fn register(ctx: &mut cxlmi_ctx, core: Endpoint) -> *mut cxlmi_endpoint {
    let ep = Box::into_raw(Box::new(cxlmi_endpoint { ctx, core }));
    ctx.endpoints.insert(0, ep);
    ep
}

/// Opens an endpoint from C with `open`, returning NULL with `errno` set on failure.
pub(crate) fn open_from_c(ctx: *mut cxlmi_ctx, open: impl FnOnce(&cxlmi_ctx) -> Result<Endpoint>) -> *mut cxlmi_endpoint {
    guard(core::ptr::null_mut(), || {
        // SAFETY: NULL or a live context.
        let r = unsafe { context(ctx) }.and_then(|c| open(c).map(|ep| register(c, ep)));
        r.unwrap_or_else(|e| {
            set_errno(e.errno());
            core::ptr::null_mut()
        })
    })
}

/// Closes an endpoint and frees it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_close(ep: *mut cxlmi_endpoint) {
    guard((), || {
        if ep.is_null() {
            return;
        }
        // SAFETY: a live endpoint; its context outlives it.
        let ctx = unsafe { &mut *(*ep).ctx };
        ctx.endpoints.retain(|&e| e != ep);
        // SAFETY: boxed by register(), now unlisted and freed once.
        drop(unsafe { Box::from_raw(ep) });
    })
}

/// The first endpoint of a context, or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_first_endpoint(ctx: *mut cxlmi_ctx) -> *mut cxlmi_endpoint {
    guard(core::ptr::null_mut(), || {
        unsafe { context(ctx) }.ok().and_then(|c| c.endpoints.first().copied()).unwrap_or(core::ptr::null_mut())
    })
}

/// The endpoint after `ep` in its context, or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_next_endpoint(ctx: *mut cxlmi_ctx, ep: *mut cxlmi_endpoint) -> *mut cxlmi_endpoint {
    guard(core::ptr::null_mut(), || {
        let Ok(c) = (unsafe { context(ctx) }) else { return core::ptr::null_mut() };
        if ep.is_null() {
            return core::ptr::null_mut();
        }
        let next = c.endpoints.iter().position(|&e| e == ep).and_then(|i| c.endpoints.get(i + 1));
        next.copied().unwrap_or(core::ptr::null_mut())
    })
}

/// The response timeout in milliseconds (0 with `errno = EINVAL` for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_get_timeout(ep: *mut cxlmi_endpoint) -> c_uint {
    guard(0, || match unsafe { endpoint(ep) } {
        Ok(ep) => ep.core.timeout_ms(),
        Err(e) => {
            set_errno(e.errno());
            0
        }
    })
}

/// Sets the response timeout in milliseconds; 0 on success, -1 with `errno`
/// set when the endpoint is NULL or the transport allows no such timeout.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_set_timeout(ep: *mut cxlmi_endpoint, timeout_ms: c_uint) -> c_int {
    guard(-1, || super::status(unsafe { endpoint(ep) }.and_then(|ep| ep.core.set_timeout_ms(timeout_ms))))
}

/// Whether FM-API commands may be sent to this endpoint.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_has_fmapi(ep: *mut cxlmi_endpoint) -> bool {
    guard(false, || unsafe { endpoint(ep) }.map(|ep| ep.core.has_fmapi()).unwrap_or(false))
}

/// Enables FM-API commands; true when they are enabled afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_enable_fmapi(ep: *mut cxlmi_endpoint) -> bool {
    guard(false, || match unsafe { endpoint(ep) } {
        Ok(ep) => match ep.core.enable_fmapi() {
            Ok(()) => true,
            Err(e) => {
                crate::log_at!(ep.core.log(), crate::log::LOG_INFO, "FM-API unsupported: {e}");
                false
            }
        },
        Err(_) => false,
    })
}

/// Disables FM-API commands; true when they are disabled afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_disable_fmapi(ep: *mut cxlmi_endpoint) -> bool {
    guard(false, || match unsafe { endpoint(ep) } {
        Ok(ep) => {
            ep.core.disable_fmapi();
            true
        }
        Err(_) => false,
    })
}

/// Describes a CXL return code; NULL for a code the spec does not define.
/// The string is static and must not be freed.
#[unsafe(no_mangle)]
pub extern "C" fn cxlmi_cmd_retcode_tostr(code: u32) -> *const c_char {
    RETCODE_TEXT.get(code as usize).map_or(core::ptr::null(), |s| s.as_ptr())
}
