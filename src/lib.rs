//! libcxlmi's C library: the exact `cxlmi_*` ABI of upstream libcxlmi over
//! the safe core (the `cxlmi` crate). Everything here checks pointers, catches panics, and turns
//! [`Error`]s into return values and `errno`; no CXL knowledge lives here.
#![allow(non_camel_case_types)]

// In this order, which is the order of the header's prototypes.
mod fmapi;
mod generic;
mod memdev;
mod context;
mod emulator;
mod mock;
mod target;
mod lock;
// The Python module's private entry points, in no installed header (cbindgen skips the module).
/// cbindgen:ignore
mod python_bridge;
#[cfg(test)]
mod bounds_tests;

use core::ffi::{c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};

use cxlmi::commands::{Command, ItemCount, Listed, WithData, WithItems, items_len, len_with_items};
use cxlmi::error::{Error, Result};
use cxlmi::types::cxlmi_tunnel_info;
use cxlmi::wire::Wire;
use cxlmi::{Context, Endpoint, Tunnel};
use lock::{Guard, Lock};

/// A library context: the core context and the endpoints opened under it,
/// newest first (as upstream lists them).
///
/// Threads: a context and its endpoints may be used from any number of
/// threads at once. Opening, closing, scanning and iterating hold the
/// context's list (so they are serialized against each other); a command
/// holds only its endpoint, so commands on one endpoint take turns and
/// commands on different endpoints run side by side. Closing an endpoint
/// another thread is still using, or freeing the context while its
/// endpoints are in use, stays the caller's error, as with any handle.
pub struct cxlmi_ctx {
    core: Context,
    endpoints: Lock<Vec<*mut cxlmi_endpoint>>,
}

/// An open endpoint, the context that lists it, and the name it was opened
/// by (to refuse opening it twice without asking the endpoint).
pub struct cxlmi_endpoint {
    ctx: *mut cxlmi_ctx,
    name: String,
    core: Lock<Endpoint>,
}

/// Locks `m` (see [`Lock`] for why it is not std's mutex).
pub(crate) fn lock<T>(m: &Lock<T>) -> Guard<'_, T> {
    m.lock()
}

pub(crate) fn set_errno(e: c_int) {
    // SAFETY: __errno_location always returns this thread's errno.
    unsafe { *libc::__errno_location() = e }
}

/// Runs `f` and returns its value, or `fail` with `errno = EIO` if it
/// panicked: no panic ever unwinds into C.
pub(crate) fn guard<R>(fail: R, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => {
            set_errno(libc::EIO);
            fail
        }
    }
}

/// The C return value of a command's result: 0, the CXL return code, or -1
/// with `errno` set.
pub(crate) fn status(r: Result<()>) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => {
            if !matches!(e, Error::Device(_)) {
                set_errno(errno_of(&e));
            }
            c_return(&e)
        }
    }
}

/// The `errno` a C caller sees alongside -1 (not used for [`Error::Device`],
/// whose return code is the C return value itself): the one mapping from
/// the core's errors to C.
pub fn errno_of(e: &Error) -> c_int {
    match e {
        Error::Device(_) => 0,
        Error::InvalidArgument(_) => libc::EINVAL,
        Error::FmapiDisabled | Error::Unsupported(_) => libc::EOPNOTSUPP,
        Error::Protocol(_) => libc::EPROTO,
        Error::Timeout => libc::ETIMEDOUT,
        Error::Io(e) => e.raw_os_error().unwrap_or(libc::EIO),
    }
}

/// The value a C `cxlmi_cmd_*` function returns: the CXL return code for a
/// device error (as upstream does), otherwise -1.
pub(crate) fn c_return(e: &Error) -> c_int {
    match e {
        Error::Device(code) => c_int::from(*code),
        _ => -1,
    }
}

/// Reads C tunnel information (CXL r3.1 section 7.6.7.3.1); `None` (a NULL
/// pointer) is no tunnel. Level 1 names the port, or the LD when `ld` is
/// not -1, or the LD Pool CCI when `mhd`; level 2 a port, then an LD.
pub(crate) fn tunnel_from_info(ti: Option<&cxlmi_tunnel_info>) -> Result<Tunnel> {
    let Some(ti) = ti else { return Ok(Tunnel::None) };
    let id = |v: i32| u8::try_from(v).map_err(|_| Error::InvalidArgument("tunnel port or LD out of range"));
    match ti.level {
        0 => Ok(Tunnel::None),
        1 if ti.mhd => Ok(Tunnel::LdPool),
        1 => Ok(Tunnel::Port(id(if ti.ld == -1 { ti.port } else { ti.ld })?)),
        2 => Ok(Tunnel::PortThenLd { port: id(ti.port)?, ld: id(ti.ld)? }),
        _ => Err(Error::InvalidArgument("tunnel level must be 0, 1 or 2")),
    }
}

/// The endpoint behind a C pointer, refusing NULL.
///
/// # Safety
/// `ep` is NULL or a live endpoint from this library.
pub(crate) unsafe fn endpoint<'a>(ep: *mut cxlmi_endpoint) -> Result<&'a cxlmi_endpoint> {
    // SAFETY: per the contract above.
    unsafe { ep.as_ref() }.ok_or(Error::InvalidArgument("NULL endpoint"))
}

/// The context behind a C pointer, refusing NULL.
///
/// # Safety
/// `ctx` is NULL or a live context from this library.
pub(crate) unsafe fn context<'a>(ctx: *mut cxlmi_ctx) -> Result<&'a cxlmi_ctx> {
    // SAFETY: per the contract above.
    unsafe { ctx.as_ref() }.ok_or(Error::InvalidArgument("NULL context"))
}

/// Reads a caller's input struct, refusing NULL.
///
/// # Safety
/// `p` is NULL or points to a readable `T`.
pub(crate) unsafe fn read_in<T: Copy>(p: *const T) -> Result<T> {
    if p.is_null() {
        return Err(Error::InvalidArgument("NULL input"));
    }
    // SAFETY: non-NULL and readable per the contract; packed types may be unaligned.
    Ok(unsafe { p.read_unaligned() })
}

/// Refuses a NULL output pointer before anything is sent.
pub(crate) fn out_ptr<T>(p: *mut T) -> Result<*mut T> {
    if p.is_null() { Err(Error::InvalidArgument("NULL output")) } else { Ok(p) }
}

/// Writes a listed response: its fixed part at `out`, its entries right after.
///
/// # Safety
/// `out` has room for the fixed part and `list.count()` entries.
pub(crate) unsafe fn write_listed<H: Copy, E: Wire>(out: *mut H, list: &Listed<'_, H, E>) {
    // SAFETY: per the contract above; the C structs are packed, so unaligned writes.
    unsafe {
        out.write_unaligned(list.head);
        let first = out.cast::<u8>().add(size_of::<H>()).cast::<E>();
        for (i, e) in list.entries().enumerate() {
            first.add(i).write_unaligned(e);
        }
    }
}

/// Runs one command from C: checks the endpoint and tunnel pointers, runs
/// `f` under the panic guard, and maps its result to the C return value.
///
/// # Safety
/// `ep` and `ti` are NULL or valid pointers from the caller.
pub(crate) unsafe fn run_command(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    f: impl FnOnce(&mut Endpoint, Tunnel) -> Result<()>,
) -> c_int {
    guard(-1, || {
        status((|| {
            // SAFETY: per the contract above.
            let ep = unsafe { endpoint(ep) }?;
            let tunnel = tunnel_from_info(unsafe { ti.as_ref() })?;
            f(&mut lock(&ep.core), tunnel)
        })())
    })
}

/// Runs `C` with `q` and writes its fixed output struct to `out`, refusing
/// NULL before anything is sent.
///
/// # Safety
/// `out` is NULL or writable for one `R`.
unsafe fn execute_into<C, R>(ep: &mut Endpoint, t: Tunnel, q: &C::Input<'_>, out: *mut R) -> Result<()>
where
    C: for<'o> Command<Output<'o> = R>,
{
    let out = out_ptr(out)?;
    let r = ep.execute::<C>(t, q)?;
    // SAFETY: per the contract above; the C structs are packed, so unaligned.
    unsafe { out.write_unaligned(r) };
    Ok(())
}

/// Runs `C` with `q` and writes its listed output (fixed part, then the
/// entries kept) to `out`, refusing NULL before anything is sent.
///
/// # Safety
/// `out` is NULL or has room for the fixed part and the entries `C` keeps
/// for `q`.
unsafe fn execute_listed<C, H: Copy, E: Wire>(ep: &mut Endpoint, t: Tunnel, q: &C::Input<'_>, out: *mut H) -> Result<()>
where
    C: for<'o> Command<Output<'o> = Listed<'o, H, E>>,
{
    let out = out_ptr(out)?;
    let list = ep.execute::<C>(t, q)?;
    // SAFETY: per the contract above.
    unsafe { write_listed(out, &list) };
    Ok(())
}

/// A command with no input and a fixed output struct.
///
/// # Safety
/// As [`run_command`]; `out` is NULL or writable for one `R`.
pub(crate) unsafe fn output_only<C, R: Copy>(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    out: *mut R,
) -> c_int
where
    C: for<'i, 'o> Command<Input<'i> = (), Output<'o> = R>,
{
    unsafe { run_command(ep, ti, |ep, t| execute_into::<C, _>(ep, t, &(), out)) }
}

/// A command with a fixed input struct and no output.
///
/// # Safety
/// As [`run_command`]; `inp` is NULL or readable for one `Q`.
pub(crate) unsafe fn input_only<C, Q: Copy>(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    inp: *const Q,
) -> c_int
where
    C: for<'i, 'o> Command<Input<'i> = Q, Output<'o> = ()>,
{
    unsafe {
        run_command(ep, ti, |ep, t| {
            let q = read_in(inp)?;
            ep.execute::<C>(t, &q)
        })
    }
}

/// A command with a fixed input struct and a fixed output struct.
///
/// # Safety
/// As [`input_only`] and [`output_only`].
pub(crate) unsafe fn input_output<C, Q: Copy, R: Copy>(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    inp: *const Q,
    out: *mut R,
) -> c_int
where
    C: for<'i, 'o> Command<Input<'i> = Q, Output<'o> = R>,
{
    unsafe {
        run_command(ep, ti, |ep, t| {
            let q = read_in(inp)?;
            execute_into::<C, _>(ep, t, &q, out)
        })
    }
}

/// A command with a fixed input struct whose output is a fixed part
/// followed by entries, written to the caller's buffer at `out`.
///
/// # Safety
/// As [`input_only`]; `out` has room for the fixed part and as many entries
/// as the command's documented capacity for `inp`.
pub(crate) unsafe fn input_listed<C, Q: Copy, H: Copy, E: Wire>(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    inp: *const Q,
    out: *mut H,
) -> c_int
where
    C: for<'i, 'o> Command<Input<'i> = Q, Output<'o> = Listed<'o, H, E>>,
{
    unsafe {
        run_command(ep, ti, |ep, t| {
            let q = read_in(inp)?;
            execute_listed::<C, _, _>(ep, t, &q, out)
        })
    }
}

/// A command with no input whose output is a fixed part followed by
/// entries, written to the caller's buffer at `out`.
///
/// # Safety
/// As [`run_command`]; `out` has room for the fixed part and as many entries
/// as the command's documented capacity.
pub(crate) unsafe fn output_listed<C, H: Copy, E: Wire>(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    out: *mut H,
) -> c_int
where
    C: for<'i, 'o> Command<Input<'i> = (), Output<'o> = Listed<'o, H, E>>,
{
    unsafe { run_command(ep, ti, |ep, t| execute_listed::<C, _, _>(ep, t, &(), out)) }
}

/// A command with a fixed input struct whose output is raw bytes, copied to
/// the caller's buffer at `out`.
///
/// # Safety
/// As [`input_only`]; `out` is NULL or writable for as many bytes as the
/// command returns for `inp`.
pub(crate) unsafe fn input_bytes<C, Q: Copy>(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    inp: *const Q,
    out: *mut c_void,
) -> c_int
where
    C: for<'i, 'o> Command<Input<'i> = Q, Output<'o> = &'o [u8]>,
{
    unsafe {
        run_command(ep, ti, |ep, t| {
            let q = read_in(inp)?;
            let out = out_ptr(out.cast::<u8>())?;
            bytes_out(out, ep.execute::<C>(t, &q)?)
        })
    }
}

/// A command whose request is the fixed struct at `inp` followed by
/// `data_sz` bytes in the caller's buffer, and whose response is empty. A
/// size past the message limit is refused before the data is touched.
///
/// # Safety
/// As [`run_command`]; `inp` is NULL or readable for one `H` and `data_sz`
/// bytes after it.
pub(crate) unsafe fn input_with_data<C, H: Wire>(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    inp: *const H,
    data_sz: usize,
) -> c_int
where
    C: for<'i, 'o> Command<Input<'i> = WithData<'i, H>, Output<'o> = ()>,
{
    unsafe {
        run_command(ep, ti, |ep, t| {
            let head = read_in(inp)?;
            len_with_items::<H, u8>(data_sz)?;
            let data = bytes_in(inp.cast::<u8>().add(size_of::<H>()), data_sz)?;
            ep.execute::<C>(t, &WithData { head, data })
        })
    }
}

/// Reads a request's fixed part at `inp` and the entries after it, as many
/// as its count field states. A count past what the field may state, or one
/// no CCI message could carry, is refused before any entry is touched.
///
/// # Safety
/// `inp` is NULL or readable for the fixed part and the entries it counts.
pub(crate) unsafe fn read_with_items<'a, H: Wire + ItemCount, E: Wire>(inp: *const H) -> Result<WithItems<'a, H, E>> {
    // Entries are packed C structs or bytes, so a slice of them needs no alignment.
    const { assert!(align_of::<E>() == 1) };
    let head = unsafe { read_in(inp) }?;
    let n = head.item_count();
    items_len::<H, E>(n)?;
    // SAFETY: per the contract above; `n` entries follow the fixed part.
    let items = unsafe { core::slice::from_raw_parts(inp.cast::<u8>().add(size_of::<H>()).cast::<E>(), n) };
    Ok(WithItems { head, items })
}

/// A command whose request is the fixed struct at `inp` followed by the
/// entries it counts, and whose response is empty.
///
/// # Safety
/// As [`read_with_items`] and [`run_command`].
pub(crate) unsafe fn input_with_items<C, H, E>(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    inp: *const H,
) -> c_int
where
    H: Wire + ItemCount,
    E: Wire,
    C: for<'i, 'o> Command<Input<'i> = WithItems<'i, H, E>, Output<'o> = ()>,
{
    unsafe {
        run_command(ep, ti, |ep, t| {
            let q = read_with_items(inp)?;
            ep.execute::<C>(t, &q)
        })
    }
}

/// A command whose request is the fixed struct at `inp` followed by the
/// entries it counts, and whose response is a fixed part followed by
/// entries, written to `out`.
///
/// # Safety
/// As [`read_with_items`] and [`run_command`]; `out` is NULL or has room
/// for the fixed part and the entries the request asks for.
pub(crate) unsafe fn input_with_items_listed<C, H, E, RH, RE>(
    ep: *mut cxlmi_endpoint,
    ti: *const cxlmi_tunnel_info,
    inp: *const H,
    out: *mut RH,
) -> c_int
where
    H: Wire + ItemCount,
    E: Wire,
    RH: Copy,
    RE: Wire,
    C: for<'i, 'o> Command<Input<'i> = WithItems<'i, H, E>, Output<'o> = Listed<'o, RH, RE>>,
{
    unsafe {
        run_command(ep, ti, |ep, t| {
            let q = read_with_items(inp)?;
            execute_listed::<C, _, _>(ep, t, &q, out)
        })
    }
}

/// A command with no input and no output.
///
/// # Safety
/// As [`run_command`].
pub(crate) unsafe fn no_payload<C>(ep: *mut cxlmi_endpoint, ti: *const cxlmi_tunnel_info) -> c_int
where
    C: for<'i, 'o> Command<Input<'i> = (), Output<'o> = ()>,
{
    unsafe { run_command(ep, ti, |ep, t| ep.execute::<C>(t, &())) }
}

/// Borrows `len` bytes of caller memory, refusing NULL unless `len` is 0.
///
/// # Safety
/// `p` is NULL or readable for `len` bytes.
pub(crate) unsafe fn bytes_in<'a>(p: *const u8, len: usize) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Error::InvalidArgument("NULL data"));
    }
    // No message carries more; refusing here also keeps the slice below
    // within what from_raw_parts allows.
    if len > cxlmi::cci::MAX_PAYLOAD_LEN {
        return Err(Error::InvalidArgument("data exceeds the CCI message limit"));
    }
    // SAFETY: per the contract above.
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// Copies `src` to caller memory at `out`, refusing NULL.
///
/// # Safety
/// `out` is NULL or writable for `src.len()` bytes.
pub(crate) unsafe fn bytes_out(out: *mut u8, src: &[u8]) -> Result<()> {
    if src.is_empty() {
        return Ok(());
    }
    let out = out_ptr(out)?;
    // SAFETY: per the contract above.
    unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), out, src.len()) };
    Ok(())
}
