//! The scripted kernel (`cxlmi_test_support::scripted`) behind libc's file
//! and ioctl calls, loaded with `LD_PRELOAD`: for the C tests
//! (tests/test-ioctl.c) and the tool's (tests/cli/test_cli_ioctl.py), which
//! use the kernel mailbox through the public interfaces.
//!
//! It plays one node, `/dev/cxl/$CXLMI_TEST_DEVICE` (default `mem0`):
//! opening it gives a descriptor (of `/dev/null`) whose
//! `CXL_MEM_QUERY_COMMANDS` and `CXL_MEM_SEND_COMMAND` ioctls the scripted
//! kernel answers, in front of its QEMU-like type 3 device
//! ([`Kernel::qemu`]); opening `/sys/bus/cxl/devices/$CXLMI_TEST_DEVICE/payload_max`
//! gives what the kernel shows there (a pipe to read it from), or `ENOENT`.
//! The other `CXLMI_TEST_*` variables say which kernel
//! ([`Config::from_env`]). Every other path, descriptor and ioctl goes to
//! the real C library, found with `dlsym(RTLD_NEXT)`.
//!
//! The test finds three more functions with `dlsym()` (tests/ioctl-shim.h):
//! the kernel's counters, a claim of a command id, a failure of the next
//! command.
//!
//! Being preloaded, these functions are everyone's `open` and `ioctl`,
//! valgrind's and the shim's own code's included, from before `main` to
//! after it: what is not the node passes through at once, without a lock
//! or an allocation, and a call made while the shim is busy on the same
//! thread (a panic message opening files, say) passes through too.

use std::cell::{Cell, UnsafeCell};
use std::ffi::{CStr, CString, c_char, c_int, c_uint, c_ulong, c_void};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

use cxlmi::transport::ioctl::kernel::ID_RAW;
use cxlmi_test_support::scripted::{Config, Handle, Kernel};

// ---- the real C library ----------------------------------------------------------------------

type OpenFn = unsafe extern "C" fn(*const c_char, c_int, ...) -> c_int;
type OpenatFn = unsafe extern "C" fn(c_int, *const c_char, c_int, ...) -> c_int;
type CloseFn = unsafe extern "C" fn(c_int) -> c_int;
type IoctlFn = unsafe extern "C" fn(c_int, c_ulong, ...) -> c_int;

/// The next definition of `name` after this library's: the C library's.
fn next<F: Copy>(cache: &OnceLock<F>, name: &CStr) -> F {
    *cache.get_or_init(|| {
        // SAFETY: dlsym with a NUL-terminated name.
        let f = unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr()) };
        if f.is_null() {
            let msg = b"ioctl-shim: the C library's function is not found\n";
            // SAFETY: writing a static buffer to stderr.
            unsafe {
                libc::write(2, msg.as_ptr().cast(), msg.len());
                libc::abort();
            }
        }
        assert_eq!(size_of::<F>(), size_of::<*mut c_void>());
        // SAFETY: F is the function pointer type of `name`.
        unsafe { core::mem::transmute_copy(&f) }
    })
}

/// The C library's `$name`, as a `$ty`, looked up once.
macro_rules! real {
    ($name:literal: $ty:ty) => {{
        static CACHE: OnceLock<$ty> = OnceLock::new();
        next(&CACHE, $name)
    }};
}

fn set_errno(e: c_int) {
    // SAFETY: the calling thread's errno.
    unsafe { *libc::__errno_location() = e };
}

// ---- the shim's state ------------------------------------------------------------------------

struct Shim {
    /// `/dev/cxl/NAME` and its sysfs `payload_max`.
    node: CString,
    sysfs_payload_max: CString,
    kernel: Mutex<Kernel>,
    handle: Handle,
}

static SHIM: OnceLock<Shim> = OnceLock::new();

fn shim() -> &'static Shim {
    SHIM.get_or_init(|| {
        let dev = std::env::var("CXLMI_TEST_DEVICE").ok().filter(|d| !d.is_empty()).unwrap_or_else(|| "mem0".into());
        let path = |p: String| CString::new(p).expect("CXLMI_TEST_DEVICE has no NUL");
        let (kernel, handle) = Kernel::qemu(Config::from_env());
        Shim {
            node: path(format!("/dev/cxl/{dev}")),
            sysfs_payload_max: path(format!("/sys/bus/cxl/devices/{dev}/payload_max")),
            kernel: Mutex::new(kernel),
            handle,
        }
    })
}

/// Set up at load time, before anyone else's code runs in a thread of its own.
#[used]
#[unsafe(link_section = ".init_array")]
static SET_UP: extern "C" fn() = {
    extern "C" fn set_up() {
        busy(|| {
            shim();
        });
    }
    set_up
};

/// The node's open descriptors, -1 in a free slot. Atomics, so that `close`
/// (everyone's) needs no lock.
static NODE_FDS: [AtomicI32; 16] = [const { AtomicI32::new(-1) }; 16];

fn is_node_fd(fd: c_int) -> bool {
    fd >= 0 && NODE_FDS.iter().any(|slot| slot.load(Ordering::Acquire) == fd)
}

thread_local! {
    /// The shim is at work on this thread.
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` as the shim, or returns `None` when the shim is already at work
/// on this thread (the caller then passes the call through).
fn busy<T>(f: impl FnOnce() -> T) -> Option<T> {
    if BUSY.replace(true) {
        return None;
    }
    let r = f();
    BUSY.set(false);
    Some(r)
}

// ---- files -----------------------------------------------------------------------------------

/// What opening `path` gives when it is the node or its `payload_max`.
enum Scripted {
    Fd(c_int),
    Err(c_int),
}

fn open_scripted(path: *const c_char) -> Option<Scripted> {
    if path.is_null() {
        return None;
    }
    // SAFETY: open's caller passes a NUL-terminated path.
    let path = unsafe { CStr::from_ptr(path) };
    busy(|| {
        let shim = shim();
        if path == shim.node.as_c_str() {
            // SAFETY: a NUL-terminated path.
            let fd = unsafe { real!(c"open": OpenFn)(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
            if fd < 0 {
                return Some(Scripted::Err(errno()));
            }
            if NODE_FDS.iter().any(|slot| slot.compare_exchange(-1, fd, Ordering::AcqRel, Ordering::Acquire).is_ok()) {
                return Some(Scripted::Fd(fd));
            }
            // SAFETY: our own descriptor.
            unsafe { real!(c"close": CloseFn)(fd) };
            return Some(Scripted::Err(libc::EMFILE));
        }
        if path == shim.sysfs_payload_max.as_c_str() {
            let Some(text) = shim.kernel.lock().unwrap().sysfs_payload_max() else {
                return Some(Scripted::Err(libc::ENOENT));
            };
            return Some(pipe_with(text.as_bytes()));
        }
        None
    })
    .flatten()
}

/// The read end of a pipe holding `text`, as a sysfs attribute reads.
fn pipe_with(text: &[u8]) -> Scripted {
    let mut p = [-1; 2];
    // SAFETY: room for two descriptors.
    if unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Scripted::Err(errno());
    }
    // SAFETY: writing our buffer to our pipe, which has room for a line.
    let written = unsafe { libc::write(p[1], text.as_ptr().cast(), text.len()) };
    let e = errno();
    // SAFETY: our own descriptors.
    unsafe { real!(c"close": CloseFn)(p[1]) };
    if written != text.len() as isize {
        // SAFETY: as above.
        unsafe { real!(c"close": CloseFn)(p[0]) };
        return Scripted::Err(if written < 0 { e } else { libc::EIO });
    }
    Scripted::Fd(p[0])
}

fn errno() -> c_int {
    // SAFETY: the calling thread's errno.
    unsafe { *libc::__errno_location() }
}

fn scripted_result(s: Scripted) -> c_int {
    match s {
        Scripted::Fd(fd) => fd,
        Scripted::Err(e) => {
            set_errno(e);
            -1
        }
    }
}

/// The mode argument, which open() reads only when it creates a file; the
/// caller may not have passed it, so it is not passed on otherwise.
fn mode_arg(flags: c_int, mode: c_uint) -> c_uint {
    if flags & libc::O_CREAT != 0 || flags & libc::O_TMPFILE == libc::O_TMPFILE { mode } else { 0 }
}

// open(2) and friends are variadic, which a Rust function cannot be on stable: the mode is taken as
// a third argument, which Linux's C calling conventions pass where a variadic one would be, and read
// only when the flags say the caller passed it.

/// # Safety
/// As open(2).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn open(path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    match open_scripted(path) {
        Some(s) => scripted_result(s),
        // SAFETY: the caller's arguments.
        None => unsafe { real!(c"open": OpenFn)(path, flags, mode_arg(flags, mode)) },
    }
}

/// # Safety
/// As open(2).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn open64(path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    match open_scripted(path) {
        Some(s) => scripted_result(s),
        // SAFETY: the caller's arguments.
        None => unsafe { real!(c"open64": OpenFn)(path, flags, mode_arg(flags, mode)) },
    }
}

/// # Safety
/// As openat(2). The scripted paths are absolute, so `dirfd` does not matter for them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openat(dirfd: c_int, path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    match open_scripted(path) {
        Some(s) => scripted_result(s),
        // SAFETY: the caller's arguments.
        None => unsafe { real!(c"openat": OpenatFn)(dirfd, path, flags, mode_arg(flags, mode)) },
    }
}

/// # Safety
/// As openat(2).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openat64(dirfd: c_int, path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    match open_scripted(path) {
        Some(s) => scripted_result(s),
        // SAFETY: the caller's arguments.
        None => unsafe { real!(c"openat64": OpenatFn)(dirfd, path, flags, mode_arg(flags, mode)) },
    }
}

/// # Safety
/// As close(2).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    if fd >= 0 {
        for slot in &NODE_FDS {
            let _ = slot.compare_exchange(fd, -1, Ordering::AcqRel, Ordering::Acquire);
        }
    }
    // SAFETY: the caller's argument.
    unsafe { real!(c"close": CloseFn)(fd) }
}

// ---- the kernel ------------------------------------------------------------------------------

/// # Safety
/// As ioctl(2): `arg` is what `request` needs. Like the mode of open(), the
/// variadic argument is taken as a third one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ioctl(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int {
    if is_node_fd(fd) {
        // SAFETY: the caller's argument, as ioctl(2) requires it.
        let answered = busy(|| unsafe { shim().kernel.lock().unwrap().ioctl(request, arg) });
        if let Some(result) = answered {
            return match result {
                Ok(()) => 0,
                Err(e) => {
                    set_errno(e);
                    -1
                }
            };
        }
    }
    // SAFETY: the caller's arguments.
    unsafe { real!(c"ioctl": IoctlFn)(fd, request, arg) }
}

// ---- what the test sees (tests/ioctl-shim.h) -------------------------------------------------

/// `struct ioctl_shim_stats` of tests/ioctl-shim.h.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct ioctl_shim_stats {
    queries: c_uint,
    sent: c_uint,
    raw_sent: c_uint,
    refused: c_uint,
    last_errno: c_int,
    last_id: u32,
    last_opcode: u16,
    last_in_size: u32,
    last_out_room: u32,
}

/// What `ioctl_shim_stats()` last returned: the test reads it through the pointer.
struct Stats(UnsafeCell<ioctl_shim_stats>);
// SAFETY: written only by ioctl_shim_stats(), which the (single-threaded) test calls before
// reading; see ioctl-shim.h.
unsafe impl Sync for Stats {}
static STATS: Stats = Stats(UnsafeCell::new(ioctl_shim_stats {
    queries: 0,
    sent: 0,
    raw_sent: 0,
    refused: 0,
    last_errno: 0,
    last_id: 0,
    last_opcode: 0,
    last_in_size: 0,
    last_out_room: 0,
}));

/// The kernel's counters, as of this call.
#[unsafe(no_mangle)]
pub extern "C" fn ioctl_shim_stats() -> *const ioctl_shim_stats {
    let s = shim().handle.state();
    let count = |n: usize| c_uint::try_from(n).unwrap_or(c_uint::MAX);
    let mut stats = ioctl_shim_stats {
        queries: count(s.queries),
        sent: count(s.sent.len()),
        raw_sent: count(s.sent.iter().filter(|c| c.id == ID_RAW).count()),
        refused: count(s.refused.len()),
        last_errno: s.refused.last().map_or(0, |&(_, e)| e),
        ..Default::default()
    };
    if let Some(last) = s.sent.last() {
        stats.last_id = last.id;
        stats.last_opcode = last.opcode;
        stats.last_in_size = last.input.len() as u32;
        stats.last_out_room = last.out_room;
    }
    // SAFETY: see Stats.
    unsafe { *STATS.0.get() = stats };
    STATS.0.get()
}

/// The kernel claims command id `id` from now on, as cxl_pmem does when it binds.
#[unsafe(no_mangle)]
pub extern "C" fn ioctl_shim_claim(id: u32) {
    let mut s = shim().handle.state();
    if !s.config.exclusive.contains(&id) {
        s.config.exclusive.push(id);
    }
}

/// The next `CXL_MEM_SEND_COMMAND` fails with `err` (0: none does), as a busy mailbox does.
#[unsafe(no_mangle)]
pub extern "C" fn ioctl_shim_fail_next(err: c_int) {
    shim().handle.state().fail_next = (err != 0).then_some(err);
}
