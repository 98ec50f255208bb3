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
//! [`DEFAULT_TIMEOUT`].

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Poll, Waker};
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
        let exchange = async {
            let builder = connect(self.bus.as_deref()).map_err(Failure::Connect)?;
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
        let failure = match block_on_until(exchange, Instant::now() + self.timeout) {
            Some(Ok(answer)) => return Ok(answer),
            Some(Err(failure)) => failure,
            None => Failure::TimedOut(asking.get()),
        };
        Err(failure.report(log, &bus_name, &self.flavours, self.timeout))
    }
}

/// A connection builder for the bus at `address` (the system bus when `None`). A Unix socket,
/// as buses have, is connected here, without blocking: zbus would connect it on a thread pool
/// of its own, and wait there for as long as a hung bus's full backlog makes it.
fn connect(address: Option<&str>) -> zbus::Result<zbus::connection::Builder<'static>> {
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
            _ => return zbus::connection::Builder::address(address),
        },
        _ => return zbus::connection::Builder::address(address),
    };
    Ok(zbus::connection::Builder::unix_stream(stream))
}

/// A non-blocking Unix stream socket connected to `name`, a path or (`abstract_`) an abstract
/// name. A listener whose backlog is full refuses at once (EAGAIN).
pub fn connect_unix(name: &[u8], abstract_: bool) -> std::io::Result<std::os::unix::net::UnixStream> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
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

/// Runs `fut` on this thread until it finishes or `deadline` passes; then it is dropped, which
/// closes its connection. zbus's own method timeout does not cover connecting, hence this.
fn block_on_until<F: Future>(fut: F, deadline: Instant) -> Option<F::Output> {
    let alarm = Alarm::new(deadline);
    let mut fut = pin!(fut);
    zbus::block_on(std::future::poll_fn(|cx| {
        if let Poll::Ready(out) = fut.as_mut().poll(cx) {
            return Poll::Ready(Some(out));
        }
        if Instant::now() >= deadline {
            return Poll::Ready(None);
        }
        alarm.arm(cx.waker());
        Poll::Pending
    }))
}

/// Wakes a task at a deadline, from a thread started the first time it is armed and stopped
/// when the alarm is dropped.
struct Alarm {
    deadline: Instant,
    shared: Arc<(Mutex<AlarmState>, Condvar)>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

#[derive(Default)]
struct AlarmState {
    waker: Option<Waker>,
    stop: bool,
}

impl Alarm {
    fn new(deadline: Instant) -> Alarm {
        Alarm { deadline, shared: Default::default(), thread: Mutex::new(None) }
    }

    fn arm(&self, waker: &Waker) {
        let (state, _) = &*self.shared;
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        if !s.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            s.waker = Some(waker.clone());
        }
        drop(s);
        let mut thread = self.thread.lock().unwrap_or_else(|e| e.into_inner());
        if thread.is_none() {
            let (shared, deadline) = (self.shared.clone(), self.deadline);
            // Without a thread the task would only find out at its next wake-up, which a hung
            // peer never causes; if none can be started, the scan waits for the peer.
            *thread =
                std::thread::Builder::new().name("cxlmi-dbus-alarm".into()).spawn(move || ring(&shared, deadline)).ok();
        }
    }
}

/// The alarm thread: waits for the deadline (or a stop), then wakes the task.
fn ring(shared: &(Mutex<AlarmState>, Condvar), deadline: Instant) {
    let (state, cv) = shared;
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if s.stop {
            return;
        }
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        s = cv.wait_timeout(s, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
    }
    if let Some(w) = s.waker.take() {
        w.wake();
    }
}

impl Drop for Alarm {
    fn drop(&mut self) {
        let (state, cv) = &*self.shared;
        state.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
        cv.notify_all();
        if let Some(t) = self.thread.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = t.join();
        }
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
    eid: Option<Value<'de>>,
    net: Option<Value<'de>>,
    types: Option<Value<'de>>,
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
                    *slot = Some(props.next_value::<Value<'de>>()?);
                }
                Ok(p)
            }
        }
        d.deserialize_map(V)
    }
}

impl EndpointProperties<'_> {
    /// The endpoint, when it takes CXL CCI messages; what is wrong with its properties otherwise.
    /// Every endpoint must have all three with their types, CXL or not: a daemon that sends
    /// something else speaks a protocol this library does not know.
    fn cxl_endpoint(&self) -> core::result::Result<Option<Found>, String> {
        let eid = match self.eid.as_ref().ok_or("no EID property")? {
            Value::U8(eid) => *eid,
            v => return Err(wrong_type("EID", v, "y")),
        };
        // mctpd 1.x sends `i`, later ones `u`.
        let net = match self.net.as_ref().ok_or("no NetworkId property")? {
            Value::U32(n) => *n,
            Value::I32(n) => u32::try_from(*n).map_err(|_| format!("NetworkId {n} is negative"))?,
            v => return Err(wrong_type("NetworkId", v, "u` or `i")),
        };
        let types = match self.types.as_ref().ok_or("no SupportedMessageTypes property")? {
            Value::Array(a) if a.element_signature() == &Signature::U8 => a,
            v => return Err(wrong_type("SupportedMessageTypes", v, "ay")),
        };
        let has = |t: u8| types.iter().any(|v| matches!(v, Value::U8(x) if *x == t));
        Ok(has(MCTP_TYPE_CXL_CCI).then(|| Found { net, eid, fmapi: has(MCTP_TYPE_CXL_FMAPI) }))
    }
}

fn wrong_type(property: &str, v: &Value<'_>, want: &str) -> String {
    format!("{property} has type `{}`, not `{want}`", v.value_signature())
}
