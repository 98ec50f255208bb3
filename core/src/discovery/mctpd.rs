//! Finding CXL components over MCTP by asking mctpd on D-Bus (zbus, no C libdbus).
//!
//! mctpd publishes each MCTP endpoint it knows as a D-Bus object under its root path; one
//! `org.freedesktop.DBus.ObjectManager.GetManagedObjects` call lists them all. An endpoint is an
//! object with the interface `xyz.openbmc_project.MCTP.Endpoint`, whose properties give its address
//! (`EID`, `NetworkId`) and the MCTP message types it takes (`SupportedMessageTypes`): 08h is the
//! CXL CCI binding (DSP0281), 07h the CXL FM-API binding (DSP0234).
//!
//! Two daemons use these objects under different names (see [`Flavour`]); a scan tries both, the
//! one the build chose (meson `-Dmctpd=`) first. The whole D-Bus exchange runs on the calling
//! thread under one deadline, so a bus or daemon that never answers costs at most
//! [`DEFAULT_TIMEOUT`]. On a Unix socket bus (every system bus) it starts no thread: the
//! connection reads and writes its socket without blocking, and the calling thread waits in
//! `poll(2)` on that socket until the deadline (see [`block_on_until`]). A fleet poller scans
//! periodically; each scan then costs its system calls and nothing more, not thread starts and the
//! wake-ups of a reactor thread.

use std::future::Future;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use zbus::export::serde::de::{self, DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor};
use zbus::zvariant::{ObjectPath, Signature, Type, Value};

use crate::error::{Error, Result};
use crate::log::{LOG_DEBUG, LOG_ERR, LOG_INFO, Logger};
use crate::log_at;
use crate::transport::mctp::{MCTP_TYPE_CXL_CCI, MCTP_TYPE_CXL_FMAPI};

/// The D-Bus names one mctpd implementation owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flavour {
    /// As meson's `-Dmctpd=` spells it.
    pub name: &'static str,
    /// The bus name the daemon owns.
    pub service: &'static str,
    /// The object path of its ObjectManager; endpoints live below it.
    pub root: &'static str,
}

/// mctpd as OpenBMC first shipped it (mctpd 1.x).
pub const OPENBMC: Flavour =
    Flavour { name: "openbmc", service: "xyz.openbmc_project.MCTP", root: "/xyz/openbmc_project/mctp" };

/// CodeConstruct's mctpd 2.x names.
pub const CODECONSTRUCT: Flavour =
    Flavour { name: "codeconstruct", service: "au.com.codeconstruct.MCTP1", root: "/au/com/codeconstruct/mctp1" };

/// The interface that makes a D-Bus object an MCTP endpoint, in both flavours.
pub const ENDPOINT_INTERFACE: &str = "xyz.openbmc_project.MCTP.Endpoint";

const OBJECT_MANAGER: &str = "org.freedesktop.DBus.ObjectManager";

/// How long a whole scan may wait for D-Bus: connecting, authenticating and every call.
/// Upstream waits libdbus's default 25 s per call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// The flavours in the order a scan tries them: the one the build chose first. meson's
/// `-Dmctpd=` reaches the crate as `CXLMI_MCTPD` at build time.
pub fn build_order() -> [Flavour; 2] {
    match option_env!("CXLMI_MCTPD") {
        Some(f) if f.eq_ignore_ascii_case(CODECONSTRUCT.name) => [CODECONSTRUCT, OPENBMC],
        _ => [OPENBMC, CODECONSTRUCT],
    }
}

/// One CXL endpoint mctpd announced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub net: u32,
    pub eid: u8,
    /// It takes FM-API messages (type 07h) too.
    pub fmapi: bool,
}

/// Where to find mctpd, and how long to wait for it.
#[derive(Clone, Debug)]
pub struct Mctpd {
    /// The bus's D-Bus address; `None` is the system bus (`DBUS_SYSTEM_BUS_ADDRESS`, else
    /// `/var/run/dbus/system_bus_socket`).
    pub bus: Option<String>,
    /// The names to ask, in order; the first one present on the bus answers.
    pub flavours: Vec<Flavour>,
    /// The most the D-Bus part of a scan may take.
    pub timeout: Duration,
}

impl Default for Mctpd {
    fn default() -> Mctpd {
        Mctpd { bus: None, flavours: build_order().to_vec(), timeout: DEFAULT_TIMEOUT }
    }
}

impl Mctpd {
    /// mctpd on the bus at D-Bus `address`.
    pub fn at(address: impl Into<String>) -> Mctpd {
        Mctpd { bus: Some(address.into()), ..Mctpd::default() }
    }

    /// The CXL endpoints (those listing message type 08h) of the first flavour present on the
    /// bus, ordered by network and EID, each once.
    ///
    /// Fails, with a log line saying why, when the bus cannot be reached (the `connect` error:
    /// ENOENT, ECONNREFUSED, EAGAIN), when no flavour is on the bus (ESRCH), when the daemon does not
    /// answer in time ([`Error::Timeout`]), goes away without answering (ECONNRESET) or refuses
    /// (EACCES, EPROTO), and when its answer has unexpected types ([`Error::Protocol`]).
    pub fn cxl_endpoints(&self, log: &Logger) -> Result<Vec<Found>> {
        let (flavour, reply) = self.ask(log)?;
        let found = endpoint_list(reply.body().deserialize::<Objects>()).map_err(|e| {
            log_at!(log, LOG_ERR, "unexpected answer from mctpd ({}): {e}", flavour.service);
            Error::Protocol(NOT_AN_ENDPOINT_LIST)
        })?;
        log_at!(log, LOG_INFO, "mctpd ({}) lists {} CXL endpoint(s)", flavour.service, found.len());
        Ok(found)
    }

    /// Calls GetManagedObjects on each flavour until one is on the bus.
    fn ask(&self, log: &Logger) -> Result<(Flavour, zbus::Message)> {
        let bus_name = match &self.bus {
            Some(address) => address.clone(),
            None => format!(
                "the D-Bus system bus at {}",
                zbus::Address::system().map(|a| a.to_string()).unwrap_or_default()
            ),
        };
        // Which flavour is being asked, for the timeout message; None while connecting.
        let asking = std::cell::Cell::new(None::<Flavour>);
        let deadline = Instant::now() + self.timeout;
        let (builder, socket) = match connect(self.bus.as_deref()) {
            Ok(connected) => connected,
            Err(e) => return Err(Failure::Connect(e).report(log, &bus_name, &self.flavours, self.timeout)),
        };
        let exchange = async {
            // No executor thread: the connection's tasks run here, in ticking().
            let conn = builder.internal_executor(false).build().await.map_err(Failure::Connect)?;
            ticking(conn.executor(), async {
                for f in &self.flavours {
                    asking.set(Some(*f));
                    let call =
                        conn.call_method(Some(f.service), f.root, Some(OBJECT_MANAGER), "GetManagedObjects", &());
                    match call.await {
                        Ok(reply) => return Ok((*f, reply)),
                        Err(zbus::Error::MethodError(name, _, _)) if not_on_bus(name.as_str()) => {
                            log_at!(log, LOG_DEBUG, "{} is not on {bus_name}", f.service);
                        }
                        Err(e) => return Err(Failure::Call(*f, e)),
                    }
                }
                Err(Failure::NoDaemon)
            })
            .await
        };
        let failure = match block_on_until(exchange, socket.as_deref(), deadline) {
            Ok(Some(Ok(answer))) => return Ok(answer),
            Ok(Some(Err(failure))) => failure,
            Ok(None) => Failure::TimedOut(asking.get()),
            Err(e) => Failure::Connect(e.into()),
        };
        Err(failure.report(log, &bus_name, &self.flavours, self.timeout))
    }
}

/// A connection builder for the bus at `address` (the system bus when `None`), and the socket it
/// talks through when that is ours. A Unix socket, as buses have, is connected here, without
/// blocking, and given to zbus as a [`BusSocket`], which needs neither async-io's reactor thread
/// nor zbus's thread pool (on which zbus would connect it, and wait there for as long as a hung
/// bus's full backlog makes it). Other transports are zbus's own, and wake the scan from
/// async-io's thread.
fn connect(address: Option<&str>) -> zbus::Result<(zbus::connection::Builder<'static>, Option<Arc<SocketState>>)> {
    use std::os::unix::ffi::OsStrExt;
    use zbus::address::transport::{Transport, UnixSocket};
    let address = match address {
        Some(a) => zbus::Address::try_from(a)?,
        None => zbus::Address::system()?,
    };
    let stream = match address.transport() {
        Transport::Unix(unix) => match unix.path() {
            UnixSocket::File(path) => connect_unix(path.as_os_str().as_bytes(), false)?,
            UnixSocket::Abstract(name) => connect_unix(name.as_bytes(), true)?,
            _ => return Ok((zbus::connection::Builder::address(address)?, None)),
        },
        _ => return Ok((zbus::connection::Builder::address(address)?, None)),
    };
    let state = Arc::new(SocketState { fd: stream.into(), reader: Mutex::new(None), writer: Mutex::new(None) });
    Ok((zbus::connection::Builder::socket(BusSocket(state.clone())), Some(state)))
}

/// A non-blocking Unix stream socket connected to `name`, a path or (`abstract_`) an abstract
/// name. A listener whose backlog is full refuses at once (EAGAIN).
pub fn connect_unix(name: &[u8], abstract_: bool) -> std::io::Result<std::os::unix::net::UnixStream> {
    use std::os::fd::FromRawFd;
    // SAFETY: all zeros is a valid sockaddr_un.
    let mut sa: libc::sockaddr_un = unsafe { core::mem::zeroed() };
    sa.sun_family = libc::AF_UNIX as libc::sa_family_t;
    // An abstract name follows a NUL byte; a path is followed by one.
    let start = usize::from(abstract_);
    if start + name.len() >= sa.sun_path.len() || (!abstract_ && name.contains(&0)) {
        return Err(std::io::Error::from_raw_os_error(libc::ENAMETOOLONG));
    }
    for (d, &b) in sa.sun_path[start..].iter_mut().zip(name) {
        *d = b as libc::c_char;
    }
    let len = core::mem::offset_of!(libc::sockaddr_un, sun_path) + start + name.len() + usize::from(!abstract_);
    // SAFETY: plain system call; the descriptor is owned below.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor nobody else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: `sa` is a sockaddr_un of which `len` bytes are the address.
    let rc = unsafe { libc::connect(fd.as_raw_fd(), (&raw const sa).cast(), len as libc::socklen_t) };
    if rc < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(fd.into())
}

/// D-Bus errors meaning nobody owns (or can be started for) the name asked.
fn not_on_bus(error_name: &str) -> bool {
    matches!(error_name, "org.freedesktop.DBus.Error.ServiceUnknown" | "org.freedesktop.DBus.Error.NameHasNoOwner")
}

/// Why asking mctpd failed.
enum Failure {
    Connect(zbus::Error),
    Call(Flavour, zbus::Error),
    NoDaemon,
    /// The deadline passed while connecting (`None`) or waiting for that flavour.
    TimedOut(Option<Flavour>),
}

impl Failure {
    /// Logs the failure in one line and turns it into the error the caller gets.
    fn report(self, log: &Logger, bus: &str, flavours: &[Flavour], timeout: Duration) -> Error {
        match self {
            Failure::Connect(e) => {
                log_at!(log, LOG_ERR, "cannot connect to {bus}: {e}");
                dbus_error(&e)
            }
            Failure::Call(f, e) => {
                log_at!(log, LOG_ERR, "mctpd ({}) failed to list its endpoints: {e}", f.service);
                dbus_error(&e)
            }
            Failure::NoDaemon => {
                let names: Vec<&str> = flavours.iter().map(|f| f.service).collect();
                log_at!(log, LOG_ERR, "no mctpd on {bus} (none of {})", names.join(", "));
                Error::Io(std::io::Error::from_raw_os_error(libc::ESRCH))
            }
            Failure::TimedOut(f) => {
                let ms = timeout.as_millis();
                match f {
                    None => log_at!(log, LOG_ERR, "{bus} did not let us connect within {ms} ms"),
                    Some(f) => log_at!(log, LOG_ERR, "mctpd ({}) did not answer within {ms} ms", f.service),
                }
                Error::Timeout
            }
        }
    }
}

/// The library error for a zbus error, keeping the system's errno where there is one.
fn dbus_error(e: &zbus::Error) -> Error {
    use std::io::ErrorKind;
    let errno = match e {
        zbus::Error::InputOutput(io) => io.raw_os_error().unwrap_or(match io.kind() {
            ErrorKind::TimedOut => return Error::Timeout,
            ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset | ErrorKind::BrokenPipe => libc::ECONNRESET,
            _ => libc::EIO,
        }),
        zbus::Error::Address(_) => libc::EINVAL,
        zbus::Error::Handshake(_) => libc::EACCES,
        zbus::Error::MethodError(name, _, _) => match name.as_str() {
            // What the bus answers for a daemon that went away before replying.
            "org.freedesktop.DBus.Error.NoReply" => libc::ECONNRESET,
            "org.freedesktop.DBus.Error.AccessDenied" => libc::EACCES,
            "org.freedesktop.DBus.Error.Timeout" | "org.freedesktop.DBus.Error.TimedOut" => return Error::Timeout,
            _ => return Error::Protocol("mctpd refused to list its endpoints"),
        },
        zbus::Error::Variant(_) => return Error::Protocol("mctpd's answer is not valid D-Bus"),
        _ => libc::EIO,
    };
    Error::Io(std::io::Error::from_raw_os_error(errno))
}

/// Runs `fut` while running `executor`'s tasks (the connection's socket reader among them).
async fn ticking<F: Future>(executor: &zbus::Executor<'_>, fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let mut tasks = pin!(async {
        loop {
            executor.tick().await;
        }
    });
    std::future::poll_fn(|cx| {
        if let Poll::Ready(out) = fut.as_mut().poll(cx) {
            return Poll::Ready(out);
        }
        let _ = tasks.as_mut().poll(cx);
        Poll::Pending
    })
    .await
}

/// Runs `fut` on this thread until it finishes or `deadline` passes (`Ok(None)`); then it is
/// dropped, which closes its connection. zbus's own method timeout does not cover connecting,
/// hence this. Between polls of `fut` the thread waits in `poll(2)`, with the time left, on the
/// bus `socket` (for what its halves wait for) and on an eventfd that a wake-up from another
/// thread (async-io's, on zbus's own transports) writes. Fails only when no eventfd can be made.
fn block_on_until<F: Future>(fut: F, socket: Option<&SocketState>, deadline: Instant) -> io::Result<Option<F::Output>> {
    let wake = Arc::new(LoopWake::new()?);
    let waker = Waker::from(wake.clone());
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if wake.woken.swap(false, Ordering::AcqRel) {
            if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
                return Ok(Some(out));
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        if wake.woken.load(Ordering::Acquire) {
            continue;
        }
        let mut fds = [
            libc::pollfd { fd: wake.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 },
            // A negative descriptor is left out of the poll.
            socket.map_or(libc::pollfd { fd: -1, events: 0, revents: 0 }, SocketState::pollfd),
        ];
        let ms = left.as_nanos().div_ceil(1_000_000).min(libc::c_int::MAX as u128) as libc::c_int;
        // SAFETY: two live pollfds.
        if unsafe { libc::poll(fds.as_mut_ptr(), 2, ms) } < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if fds[0].revents != 0 {
            wake.drain();
        }
        if let Some(s) = socket {
            s.ready(fds[1].revents);
        }
    }
}

/// The waker of [`block_on_until`]'s task: a flag, and an eventfd for wake-ups from other threads
/// (one from the waiting thread itself comes while the task runs, before the next wait).
struct LoopWake {
    woken: AtomicBool,
    /// The waiting thread, as [`this_thread`] tells it.
    home: usize,
    fd: OwnedFd,
}

/// This thread, told apart from the others alive by the address of a thread-local (unlike
/// `std::thread::current`, which allocates a handle the thread then keeps).
fn this_thread() -> usize {
    thread_local!(static HERE: u8 = const { 0 });
    HERE.with(|here| core::ptr::from_ref(here).addr())
}

impl LoopWake {
    fn new() -> io::Result<LoopWake> {
        // SAFETY: plain system call; the descriptor is owned below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor nobody else owns.
        let fd = unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) };
        // Woken, so that the task is polled first.
        Ok(LoopWake { woken: AtomicBool::new(true), home: this_thread(), fd })
    }

    fn drain(&self) {
        let mut count = 0u64;
        // SAFETY: reads 8 bytes into `count`; the eventfd is non-blocking.
        unsafe { libc::read(self.fd.as_raw_fd(), (&raw mut count).cast(), 8) };
    }
}

impl Wake for LoopWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::AcqRel) && this_thread() != self.home {
            let one = 1u64;
            // SAFETY: writes 8 bytes from `one`. A full counter (EAGAIN) is readable already.
            unsafe { libc::write(self.fd.as_raw_fd(), (&raw const one).cast(), 8) };
        }
    }
}

/// A connected, non-blocking Unix stream socket to the bus, as zbus's [`Socket`]: each half reads
/// or writes it at once, and when it is not ready leaves its waker in [`SocketState`] for
/// [`block_on_until`] to wake once `poll(2)` says it is. No file descriptors are passed (mctpd sends
/// none), so the handshake does not negotiate them.
///
/// [`Socket`]: zbus::connection::socket::Socket
struct BusSocket(Arc<SocketState>);

/// The socket both halves of a [`BusSocket`] use, and what each waits for.
#[derive(Debug)]
struct SocketState {
    fd: OwnedFd,
    reader: Mutex<Option<Waker>>,
    writer: Mutex<Option<Waker>>,
}

impl SocketState {
    /// Runs `op` (a system call on the socket: its result, or -1 and errno) until it is done, or
    /// leaves the task's waker in `slot` when the socket is not ready.
    fn poll_io(
        &self,
        cx: &mut Context<'_>,
        slot: &Mutex<Option<Waker>>,
        mut op: impl FnMut(libc::c_int) -> isize,
    ) -> Poll<io::Result<usize>> {
        loop {
            let n = op(self.fd.as_raw_fd());
            if n >= 0 {
                return Poll::Ready(Ok(n as usize));
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => continue,
                io::ErrorKind::WouldBlock => {
                    let mut waiting = slot.lock().unwrap_or_else(|e| e.into_inner());
                    if !waiting.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                        *waiting = Some(cx.waker().clone());
                    }
                    return Poll::Pending;
                }
                _ => return Poll::Ready(Err(e)),
            }
        }
    }

    /// What to poll the socket for: what its halves wait for.
    fn pollfd(&self) -> libc::pollfd {
        let waits = |slot: &Mutex<Option<Waker>>| slot.lock().unwrap_or_else(|e| e.into_inner()).is_some();
        let mut events = 0;
        if waits(&self.reader) {
            events |= libc::POLLIN;
        }
        if waits(&self.writer) {
            events |= libc::POLLOUT;
        }
        libc::pollfd { fd: if events == 0 { -1 } else { self.fd.as_raw_fd() }, events, revents: 0 }
    }

    /// Wakes the halves that `revents` (from `poll(2)`) lets go on; an error or a hang-up wakes
    /// both, which then meet it.
    fn ready(&self, revents: libc::c_short) {
        let wake = |slot: &Mutex<Option<Waker>>| {
            if let Some(w) = slot.lock().unwrap_or_else(|e| e.into_inner()).take() {
                w.wake();
            }
        };
        if revents & (libc::POLLIN | libc::POLLERR | libc::POLLHUP) != 0 {
            wake(&self.reader);
        }
        if revents & (libc::POLLOUT | libc::POLLERR | libc::POLLHUP) != 0 {
            wake(&self.writer);
        }
    }
}

#[derive(Debug)]
struct BusReader(Arc<SocketState>);

#[derive(Debug)]
struct BusWriter(Arc<SocketState>);

impl zbus::connection::socket::Socket for BusSocket {
    type ReadHalf = BusReader;
    type WriteHalf = BusWriter;

    fn split(self) -> zbus::connection::socket::Split<BusReader, BusWriter> {
        zbus::connection::socket::Split::new(BusReader(self.0.clone()), BusWriter(self.0))
    }
}

#[zbus::export::async_trait::async_trait]
impl zbus::connection::socket::ReadHalf for BusReader {
    async fn recvmsg(&mut self, buf: &mut [u8]) -> io::Result<(usize, Vec<OwnedFd>)> {
        let state = &*self.0;
        let n = std::future::poll_fn(|cx| {
            state.poll_io(cx, &state.reader, |fd| {
                // SAFETY: `buf` is live and writable for its length.
                unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) }
            })
        })
        .await?;
        Ok((n, Vec::new()))
    }
}

#[zbus::export::async_trait::async_trait]
impl zbus::connection::socket::WriteHalf for BusWriter {
    async fn sendmsg(&mut self, buf: &[u8], fds: &[BorrowedFd<'_>]) -> io::Result<usize> {
        if !fds.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "this bus connection passes no file descriptors"));
        }
        let state = &*self.0;
        std::future::poll_fn(|cx| {
            state.poll_io(cx, &state.writer, |fd| {
                // SAFETY: `buf` is live for its length. MSG_NOSIGNAL: a bus gone away is an EPIPE
                // error, not a SIGPIPE that kills the program.
                unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL) }
            })
        })
        .await
    }

    async fn close(&mut self) -> io::Result<()> {
        // SAFETY: plain system call on our descriptor.
        if unsafe { libc::shutdown(self.0.fd.as_raw_fd(), libc::SHUT_RDWR) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

const NOT_AN_ENDPOINT_LIST: &str = "mctpd's endpoint list does not have the expected types";

/// The CXL endpoints in the body of a GetManagedObjects answer as it came off the bus (D-Bus
/// marshalling, in the byte order the message header gave), read exactly as [`Mctpd::cxl_endpoints`]
/// reads a reply: everything a daemon may send goes through here, so the fuzz target
/// `dbus_objects` and the tests feed it bodies no well-behaved mctpd would.
pub fn parse_managed_objects(body: &[u8], big_endian: bool) -> Result<Vec<Found>> {
    let endian = if big_endian { zbus::zvariant::BE } else { zbus::zvariant::LE };
    let data = zbus::zvariant::serialized::Data::new(body, zbus::zvariant::serialized::Context::new_dbus(endian, 0));
    endpoint_list(data.deserialize::<Objects>().map(|(objects, _)| objects))
        .map_err(|_| Error::Protocol(NOT_AN_ENDPOINT_LIST))
}

/// The endpoints of a decoded answer, each (network, EID) once, in order.
fn endpoint_list<E>(objects: core::result::Result<Objects, E>) -> core::result::Result<Vec<Found>, E> {
    let mut found = objects?.0;
    found.sort_unstable();
    found.dedup_by_key(|f| (f.net, f.eid));
    Ok(found)
}

/// The CXL endpoints in a GetManagedObjects answer, `a{oa{sa{sv}}}`, read in one pass without
/// building the nested dictionaries: everything but the endpoint properties is skipped.
struct Objects(Vec<Found>);

impl Type for Objects {
    const SIGNATURE: &'static Signature = <std::collections::HashMap<
        ObjectPath<'static>,
        std::collections::HashMap<&str, std::collections::HashMap<&str, Value<'static>>>,
    > as Type>::SIGNATURE;
}

impl<'de> de::Deserialize<'de> for Objects {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        d.deserialize_map(ObjectsVisitor)
    }
}

struct ObjectsVisitor;

impl<'de> Visitor<'de> for ObjectsVisitor {
    type Value = Objects;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a{oa{sa{sv}}}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut objects: A) -> core::result::Result<Objects, A::Error> {
        let mut found = Vec::with_capacity(objects.size_hint().unwrap_or(0));
        while let Some(path) = objects.next_key::<ObjectPath<'de>>()? {
            if let Some(ep) = objects.next_value_seed(Interfaces(&path))? {
                found.push(ep);
            }
        }
        Ok(Objects(found))
    }
}

/// One object's interfaces: its endpoint, if it is a CXL endpoint.
struct Interfaces<'a, 'p>(&'a ObjectPath<'p>);

impl<'de> DeserializeSeed<'de> for Interfaces<'_, '_> {
    type Value = Option<Found>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> core::result::Result<Option<Found>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Interfaces<'_, '_> {
    type Value = Option<Found>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a{sa{sv}}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut interfaces: A) -> core::result::Result<Option<Found>, A::Error> {
        let mut found = None;
        while let Some(name) = interfaces.next_key::<&str>()? {
            if name == ENDPOINT_INTERFACE {
                let props = interfaces.next_value::<EndpointProperties<'de>>()?;
                found = props.cxl_endpoint().map_err(|what| A::Error::custom(format_args!("{}: {what}", self.0)))?;
            } else {
                interfaces.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// The properties of `xyz.openbmc_project.MCTP.Endpoint` a scan reads, as sent.
#[derive(Default)]
struct EndpointProperties<'de> {
    eid: Option<Property<'de>>,
    net: Option<Property<'de>>,
    types: Option<Property<'de>>,
}

impl<'de> de::Deserialize<'de> for EndpointProperties<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EndpointProperties<'de>;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a{sv}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut props: A) -> core::result::Result<Self::Value, A::Error> {
                let mut p = EndpointProperties::default();
                while let Some(name) = props.next_key::<&str>()? {
                    let slot = match name {
                        "EID" => &mut p.eid,
                        "NetworkId" => &mut p.net,
                        "SupportedMessageTypes" => &mut p.types,
                        _ => {
                            props.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = Some(props.next_value::<Property<'de>>()?);
                }
                Ok(p)
            }
        }
        d.deserialize_map(V)
    }
}

/// A property's value (a D-Bus variant) as far as a scan reads it: the types mctpd sends for the
/// three properties it needs, and only the signature of anything else, for the error message.
/// Read straight from the message: a [`Value`] would be built for each, and for an array of
/// bytes a `Value` per byte, which was a quarter of the instructions of a 1000-endpoint scan.
enum Property<'de> {
    U8(u8),
    U32(u32),
    I32(i32),
    Bytes(&'de [u8]),
    Other(Signature),
}

impl<'de> de::Deserialize<'de> for Property<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        d.deserialize_any(PropertyVisitor)
    }
}

struct PropertyVisitor;

impl<'de> Visitor<'de> for PropertyVisitor {
    type Value = Property<'de>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a variant")
    }

    /// A D-Bus variant comes as its signature, then its value.
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut v: A) -> core::result::Result<Property<'de>, A::Error> {
        fn must<T, E: de::Error>(x: Option<T>) -> core::result::Result<T, E> {
            x.ok_or_else(|| E::custom("a variant without its value"))
        }
        let signature = must(v.next_element::<Signature>()?)?;
        Ok(match &signature {
            Signature::U8 => Property::U8(must(v.next_element()?)?),
            Signature::U32 => Property::U32(must(v.next_element()?)?),
            Signature::I32 => Property::I32(must(v.next_element()?)?),
            Signature::Array(e) if **e == Signature::U8 => Property::Bytes(must(v.next_element()?)?),
            _ => {
                must(v.next_element::<IgnoredAny>()?)?;
                Property::Other(signature)
            }
        })
    }
}

impl Property<'_> {
    fn signature(&self) -> Signature {
        match self {
            Property::U8(_) => Signature::U8,
            Property::U32(_) => Signature::U32,
            Property::I32(_) => Signature::I32,
            Property::Bytes(_) => <&[u8] as Type>::SIGNATURE.clone(),
            Property::Other(s) => s.clone(),
        }
    }
}

impl EndpointProperties<'_> {
    /// The endpoint, when it takes CXL CCI messages; what is wrong with its properties otherwise.
    /// Every endpoint must have all three with their types, CXL or not: a daemon that sends
    /// something else speaks a protocol this library does not know.
    fn cxl_endpoint(&self) -> core::result::Result<Option<Found>, String> {
        let eid = match self.eid.as_ref().ok_or("no EID property")? {
            Property::U8(eid) => *eid,
            v => return Err(wrong_type("EID", v, "y")),
        };
        // mctpd 1.x sends `i`, later ones `u`.
        let net = match self.net.as_ref().ok_or("no NetworkId property")? {
            Property::U32(n) => *n,
            Property::I32(n) => u32::try_from(*n).map_err(|_| format!("NetworkId {n} is negative"))?,
            v => return Err(wrong_type("NetworkId", v, "u` or `i")),
        };
        let types = match self.types.as_ref().ok_or("no SupportedMessageTypes property")? {
            Property::Bytes(types) => *types,
            v => return Err(wrong_type("SupportedMessageTypes", v, "ay")),
        };
        Ok(types.contains(&MCTP_TYPE_CXL_CCI).then(|| Found { net, eid, fmapi: types.contains(&MCTP_TYPE_CXL_FMAPI) }))
    }
}

fn wrong_type(property: &str, v: &Property<'_>, want: &str) -> String {
    format!("{property} has type `{}`, not `{want}`", v.signature())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A future that is ready once `done` is set, and that leaves its waker in `waker`.
    fn set_elsewhere(done: &Arc<AtomicBool>, waker: &Arc<Mutex<Option<Waker>>>) -> impl Future<Output = ()> + use<> {
        let (done, waker) = (done.clone(), waker.clone());
        std::future::poll_fn(move |cx| {
            *waker.lock().unwrap() = Some(cx.waker().clone());
            if done.load(Ordering::Acquire) { Poll::Ready(()) } else { Poll::Pending }
        })
    }

    #[test]
    fn a_wake_from_another_thread_ends_the_wait() {
        let (done, waker) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(None::<Waker>)));
        let fut = set_elsewhere(&done, &waker);
        let (d, w) = (done.clone(), waker.clone());
        let other = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            d.store(true, Ordering::Release);
            w.lock().unwrap().take().expect("the task waits").wake();
        });
        let start = Instant::now();
        assert_eq!(block_on_until(fut, None, start + Duration::from_secs(10)).unwrap(), Some(()));
        assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
        other.join().unwrap();
    }

    #[test]
    fn nothing_to_wake_the_task_costs_the_deadline() {
        let (done, waker) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(None::<Waker>)));
        let start = Instant::now();
        let out = block_on_until(set_elsewhere(&done, &waker), None, start + Duration::from_millis(100)).unwrap();
        assert_eq!(out, None);
        assert!(start.elapsed() >= Duration::from_millis(100), "{:?}", start.elapsed());
    }

    #[test]
    fn a_bus_socket_waits_in_poll_for_its_peer() {
        let (ours, peer) = std::os::unix::net::UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let state = Arc::new(SocketState { fd: ours.into(), reader: Mutex::new(None), writer: Mutex::new(None) });
        let mut reader = BusReader(state.clone());
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            std::io::Write::write_all(&mut &peer, b"hello").unwrap();
            peer
        });
        let mut buf = [0u8; 16];
        let start = Instant::now();
        let got = block_on_until(
            zbus::connection::socket::ReadHalf::recvmsg(&mut reader, &mut buf),
            Some(&state),
            start + Duration::from_secs(10),
        );
        let (n, fds) = got.unwrap().expect("read before the deadline").unwrap();
        assert_eq!((&buf[..n], fds.len()), (&b"hello"[..], 0));
        assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
        // The peer gone: the read ends (0 bytes), it does not wait for the deadline.
        drop(writer.join().unwrap());
        let got = block_on_until(
            zbus::connection::socket::ReadHalf::recvmsg(&mut reader, &mut buf),
            Some(&state),
            Instant::now() + Duration::from_secs(10),
        );
        assert_eq!(got.unwrap().expect("the end seen at once").unwrap().0, 0);
    }
}
