//! Contexts, endpoints and their settings, as upstream exports them.

use core::ffi::{CStr, c_char, c_int, c_uint};
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::{context, cxlmi_ctx, cxlmi_endpoint, endpoint, guard, lock, set_errno};
use cxlmi::discovery;
use cxlmi::error::{Error, RETCODE_TEXT, Result};
use cxlmi::log::Logger;
use cxlmi::transport::mctp::Mctp;
use cxlmi::{Context, Endpoint};

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
///
/// Threads: a context and its endpoints may be used from any number of
/// threads at once. Commands on one endpoint are serialized by the endpoint
/// (each waits for the one before to be answered); commands on different
/// endpoints run side by side. Opening, closing, scanning and iterating
/// endpoints of one context are safe against each other; an iteration
/// (cxlmi_for_each_endpoint) may end early when another thread closes the
/// endpoint it stands on, so it must not use the endpoints it walks unless
/// no other thread closes them. Closing an endpoint, or freeing the
/// context, while another thread still uses it is an error, as with any
/// handle. The log stream is written by one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_new_ctx(fp: *mut libc::FILE, log_level: c_int) -> *mut cxlmi_ctx {
    guard(core::ptr::null_mut(), || {
        new_ctx(if fp.is_null() { Logger::stderr(log_level) } else { Logger::new(log_level, Box::new(CFile(fp))) })
    })
}

/// A new context logging through `log`, as cxlmi_new_ctx() makes them.
pub(crate) fn new_ctx(log: Logger) -> *mut cxlmi_ctx {
    #[allow(unused_mut)]
    let mut core = Context::new(log);
    // emu: targets of cxlmi_open_target; without the emulator they fail with EOPNOTSUPP.
    #[cfg(feature = "emulator")]
    core.set_emulator(cxlmi_emulator::open);
    Box::into_raw(Box::new(cxlmi_ctx { core, endpoints: crate::Lock::new(Vec::new()) }))
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
        let endpoints = ctx.endpoints.into_inner();
        for ep in endpoints {
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

/// A context's endpoints, newest first, while its list is held.
pub(crate) type EndpointList = Vec<*mut cxlmi_endpoint>;

/// Lists a newly opened endpoint in its context (newest first, as upstream)
/// and hands the C pointer out.
fn register(ctx: &cxlmi_ctx, list: &mut EndpointList, core: Endpoint) -> *mut cxlmi_endpoint {
    let name = core.describe();
    let ep = Box::into_raw(Box::new(cxlmi_endpoint {
        ctx: core::ptr::from_ref(ctx).cast_mut(),
        name,
        core: crate::Lock::new(core),
    }));
    list.insert(0, ep);
    ep
}

/// Opens an endpoint from C with `open`, returning NULL with `errno` set on
/// failure. The context's list is held throughout: an endpoint is never
/// opened twice by two threads at once, and a check with [`is_open`] stays
/// true until it is listed.
pub(crate) fn open_from_c(
    ctx: *mut cxlmi_ctx,
    open: impl FnOnce(&Context, &EndpointList) -> Result<Endpoint>,
) -> *mut cxlmi_endpoint {
    guard(core::ptr::null_mut(), || {
        // SAFETY: NULL or a live context.
        let r = unsafe { context(ctx) }.and_then(|c| {
            let mut list = lock(&c.endpoints);
            let ep = open(&c.core, &list)?;
            Ok(register(c, &mut list, ep))
        });
        r.unwrap_or_else(|e| {
            set_errno(crate::errno_of(&e));
            core::ptr::null_mut()
        })
    })
}

/// Whether an endpoint described as `name` is already in `list`.
pub(crate) fn is_open(list: &EndpointList, name: &str) -> bool {
    // SAFETY: every listed endpoint is live until it is closed and unlisted,
    // which takes the list; its name never changes.
    list.iter().any(|&e| unsafe { &*e }.name == name)
}

/// Refuses an endpoint open twice: NULL with `errno = EEXIST` (upstream
/// returns NULL and leaves `errno` alone).
pub(crate) fn already_open(ctx: &Context, what: core::fmt::Arguments<'_>) -> Error {
    cxlmi::log_at!(ctx.log(), cxlmi::log::LOG_ERR, "{what} already open");
    Error::Io(std::io::Error::from_raw_os_error(libc::EEXIST))
}

/// Opens the CXL mailbox device `/dev/cxl/<devname>` (for instance "mem0")
/// and, with probing enabled, enables FM-API on it. Returns NULL with
/// `errno` set when `devname` is NULL, empty, `.`, `..` or holds a `/`
/// (EINVAL), when that device is already open under `ctx` (EEXIST), or when
/// it cannot be opened (the `open` error, ENOENT for an unknown name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_open(ctx: *mut cxlmi_ctx, devname: *const c_char) -> *mut cxlmi_endpoint {
    open_from_c(ctx, |c, list| {
        if devname.is_null() {
            return Err(Error::InvalidArgument("NULL device name"));
        }
        // SAFETY: a NUL-terminated string from the caller.
        let name = OsStr::from_bytes(unsafe { CStr::from_ptr(devname) }.to_bytes());
        let path = discovery::device_path(Path::new(discovery::DEV_CXL), name)?;
        if is_open(list, &path.to_string_lossy()) {
            return Err(already_open(c, format_args!("endpoint '{}'", name.to_string_lossy())));
        }
        c.open_ioctl_at(&path)
    })
}

/// Opens MCTP endpoint `eid` on MCTP network `netid` (AF_MCTP sockets) with
/// the 2000 ms MCTP timeout and, with probing enabled, identifies it and
/// opens its FM-API channel if it is a switch or a type 3 device. Returns
/// NULL with `errno` set when that endpoint is already open under `ctx`
/// (EEXIST) or the socket cannot be opened (EAFNOSUPPORT on a kernel
/// without MCTP).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_open_mctp(ctx: *mut cxlmi_ctx, netid: c_uint, eid: u8) -> *mut cxlmi_endpoint {
    open_from_c(ctx, |c, list| {
        if is_open(list, &Mctp::name(netid, eid)) {
            return Err(already_open(c, format_args!("mctp endpoint {netid}:{eid}")));
        }
        c.open_mctp(netid, eid)
    })
}

/// Opens every character device in `/dev/cxl` not open yet, as
/// cxlmi_open() would. Returns how many were opened (0 when there is no
/// `/dev/cxl`), or -1 with `errno` set when `ctx` is NULL or the directory
/// cannot be read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_scan(ctx: *mut cxlmi_ctx) -> c_int {
    guard(-1, || {
        let r = unsafe { context(ctx) }.and_then(|c| {
            let mut list = lock(&c.endpoints);
            let opened = c.core.scan(|name| is_open(&list, name))?;
            let n = opened.len();
            for ep in opened {
                register(c, &mut list, ep);
            }
            Ok(c_int::try_from(n).unwrap_or(c_int::MAX))
        });
        r.unwrap_or_else(|e| {
            set_errno(crate::errno_of(&e));
            -1
        })
    })
}

/// Opens every CXL endpoint (MCTP message type 08h) that mctpd lists on the D-Bus system bus
/// (`DBUS_SYSTEM_BUS_ADDRESS`), as cxlmi_open_mctp() would, except those already open under
/// `ctx`; both mctpd flavours are asked, the build's `-Dmctpd=` choice first. An endpoint that
/// fails to open is logged and skipped. Returns how many endpoints this scan opened, or -1 with
/// `errno` set: EINVAL for a NULL `ctx`; ENOENT or ECONNREFUSED without a bus, EAGAIN when it
/// takes no more connections, ESRCH without mctpd, ETIMEDOUT when the bus or mctpd does not
/// answer within 3 s, ECONNRESET when either goes away mid-scan, EPROTO when the answer has
/// unexpected types; EOPNOTSUPP in a build without D-Bus (`-Dlibdbus=disabled`). Each failure
/// is logged in one line.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_scan_mctp(ctx: *mut cxlmi_ctx) -> c_int {
    guard(-1, || {
        let r = unsafe { context(ctx) }.and_then(|c| {
            let mut list = lock(&c.endpoints);
            // Named once, not once per endpoint mctpd lists: a context may hold thousands.
            // SAFETY: every listed endpoint is live until it is closed and unlisted.
            let open: std::collections::HashSet<String> = list.iter().map(|&e| unsafe { &*e }.name.clone()).collect();
            let opened = c.core.scan_mctp(|name| open.contains(name))?;
            Ok(opened.into_iter().map(|ep| register(c, &mut list, ep)).count())
        });
        match r {
            Ok(n) => c_int::try_from(n).unwrap_or(c_int::MAX),
            Err(e) => {
                set_errno(crate::errno_of(&e));
                -1
            }
        }
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
        let ctx = unsafe { &*(*ep).ctx };
        let mut list = lock(&ctx.endpoints);
        let before = list.len();
        list.retain(|&e| e != ep);
        // Closed once: a second close of the same pointer finds it unlisted
        // (while its memory has not been reused) and does nothing.
        if list.len() < before {
            // SAFETY: boxed by register(), now unlisted and freed once.
            drop(unsafe { Box::from_raw(ep) });
        }
    })
}

/// The first endpoint of a context, or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_first_endpoint(ctx: *mut cxlmi_ctx) -> *mut cxlmi_endpoint {
    guard(core::ptr::null_mut(), || {
        unsafe { context(ctx) }.ok().and_then(|c| lock(&c.endpoints).first().copied()).unwrap_or(core::ptr::null_mut())
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
        // `ep` is only compared, never read: another thread may have closed it.
        let list = lock(&c.endpoints);
        let next = list.iter().position(|&e| e == ep).and_then(|i| list.get(i + 1));
        next.copied().unwrap_or(core::ptr::null_mut())
    })
}

/// The response timeout in milliseconds (0 with `errno = EINVAL` for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_get_timeout(ep: *mut cxlmi_endpoint) -> c_uint {
    guard(0, || match unsafe { endpoint(ep) } {
        Ok(ep) => lock(&ep.core).timeout_ms(),
        Err(e) => {
            set_errno(crate::errno_of(&e));
            0
        }
    })
}

/// Sets the response timeout in milliseconds; 0 on success, -1 with `errno`
/// set when the endpoint is NULL or the transport allows no such timeout
/// (MCTP: more than 2000 ms). A timeout of 0 means no limit, as in upstream
/// libcxlmi: a command then waits for its answer however long it takes.
/// Answers that come after a command's timeout are dropped when they arrive,
/// never taken for a later command's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_set_timeout(ep: *mut cxlmi_endpoint, timeout_ms: c_uint) -> c_int {
    guard(-1, || crate::status(unsafe { endpoint(ep) }.and_then(|ep| lock(&ep.core).set_timeout_ms(timeout_ms))))
}

/// Whether FM-API commands may be sent to this endpoint.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_has_fmapi(ep: *mut cxlmi_endpoint) -> bool {
    guard(false, || unsafe { endpoint(ep) }.map(|ep| lock(&ep.core).has_fmapi()).unwrap_or(false))
}

/// Enables FM-API commands; true when they are enabled afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_enable_fmapi(ep: *mut cxlmi_endpoint) -> bool {
    guard(false, || match unsafe { endpoint(ep) } {
        Ok(ep) => {
            let mut core = lock(&ep.core);
            match core.enable_fmapi() {
                Ok(()) => true,
                Err(e) => {
                    cxlmi::log_at!(core.log(), cxlmi::log::LOG_INFO, "FM-API unsupported: {e}");
                    false
                }
            }
        }
        Err(_) => false,
    })
}

/// Disables FM-API commands; true when they are disabled afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_endpoint_disable_fmapi(ep: *mut cxlmi_endpoint) -> bool {
    guard(false, || match unsafe { endpoint(ep) } {
        Ok(ep) => {
            lock(&ep.core).disable_fmapi();
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
