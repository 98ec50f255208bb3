#![cfg(feature = "dbus")]
//! Discovery against a real dbus-daemon, started per test with a private socket, and the fake
//! mctpd of [`cxlmi_test_support::fake_mctpd`] on a thread. The endpoints found are opened through the MCTP
//! socket seam ([`Net`]), which answers Identify for every address, so each one really opens and
//! is checked to reach its own network and EID. Without dbus-daemon the tests say so and pass.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use cxlmi::commands::generic::Identify;
use cxlmi::discovery::mctpd::{CODECONSTRUCT, Found, Mctpd, OPENBMC, parse_managed_objects};
use cxlmi::error::Error;
use cxlmi::log::Logger;
use cxlmi::transport::mctp::{Address, Datagram, Sockets};
use cxlmi::{Context, Endpoint, Tunnel};
use cxlmi_test_support::ErrnoExt;
use cxlmi_test_support::fake_mctpd::{Behaviour, Endpoint as FakeEndpoint, Fake, Flavour, Shape};
use cxlmi_test_support::sim::Component;

/// A dbus-daemon of our own, killed (with its directory removed) on drop.
struct Bus {
    daemon: Child,
    dir: PathBuf,
    address: String,
}

impl Bus {
    /// None (and a note on stderr) where dbus-daemon is not installed.
    fn start() -> Option<Bus> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cxlmi-bus-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("bus.conf");
        std::fs::write(&config, bus_config(&dir.join("socket").to_string_lossy())).unwrap();
        let daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .stdout(Stdio::piped())
            // It complains it may not raise its descriptor limit, as it tries when started as root.
            .stderr(Stdio::null())
            .spawn();
        let mut daemon = match daemon {
            Ok(d) => d,
            Err(e) => {
                eprintln!("skipped: cannot start dbus-daemon: {e}");
                let _ = std::fs::remove_dir_all(&dir);
                return None;
            }
        };
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap()).read_line(&mut address).unwrap();
        Some(Bus { daemon, dir, address: address.trim().to_owned() })
    }

    fn mctpd(&self, flavours: &[cxlmi::discovery::mctpd::Flavour]) -> Mctpd {
        Mctpd { flavours: flavours.to_vec(), ..Mctpd::at(&self.address) }
    }

    fn kill(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A bus anyone may connect to, own any name on and send anything over.
pub fn bus_config(socket: &str) -> String {
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
"#
    )
}

/// Starts `fake` on its own connection and thread; returns once it takes calls. Each
/// GetManagedObjects it receives is sent on the returned channel. It stops when the bus does.
fn serve(bus: &Bus, fake: Fake) -> mpsc::Receiver<()> {
    let conn = fake.connect(&bus.address).expect("the fake mctpd connects");
    let (ready_tx, ready_rx) = mpsc::channel();
    let (called_tx, called_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = fake.serve(
            conn,
            move || ready_tx.send(()).unwrap(),
            move || {
                let _ = called_tx.send(());
            },
        );
    });
    ready_rx.recv().unwrap();
    called_rx
}

/// An MCTP network of CXL type 3 devices at every address, through the socket seam. Identify
/// answers with serial number `net << 8 | eid`; sockets to EIDs in `refuse` fail to open.
#[derive(Clone, Default)]
struct Net {
    refuse: Arc<Mutex<HashSet<u8>>>,
    opened: Arc<Mutex<Vec<Address>>>,
}

struct NetSocket {
    device: Component,
    reply: Option<Vec<u8>>,
}

impl Sockets for Net {
    fn open(&mut self, to: Address) -> std::io::Result<Box<dyn Datagram>> {
        if self.refuse.lock().unwrap().contains(&to.eid) {
            return Err(std::io::Error::from_raw_os_error(libc::EMFILE));
        }
        self.opened.lock().unwrap().push(to);
        let serial = u64::from(to.net) << 8 | u64::from(to.eid);
        let device = Component::new(move |_, op, _| {
            if op != cxlmi::cci::Opcode(0x0001) {
                return (3, vec![]);
            }
            let mut id = vec![0x86, 0x80, 0x93, 0x0d, 0, 0, 0, 0];
            id.extend_from_slice(&serial.to_le_bytes());
            id.extend_from_slice(&[0x0b, 0x03]);
            (0, id)
        });
        Ok(Box::new(NetSocket { device, reply: None }))
    }
}

impl Datagram for NetSocket {
    fn send(&mut self, msg: &[u8]) -> std::io::Result<()> {
        self.reply = Some(self.device.respond(msg));
        Ok(())
    }
    fn recv(&mut self, buf: &mut [u8], _timeout_ms: u32) -> std::io::Result<usize> {
        let m = self.reply.take().ok_or(std::io::Error::from_raw_os_error(libc::ETIMEDOUT))?;
        let n = m.len().min(buf.len());
        buf[..n].copy_from_slice(&m[..n]);
        Ok(m.len())
    }
}

fn context(probe: bool) -> Context {
    let ctx = Context::new(Logger::stderr(if std::env::var_os("CXLMI_TEST_LOG").is_some() { 7 } else { -1 }));
    ctx.set_probe_enabled(probe);
    ctx
}

/// Scans as `cxlmi_scan_mctp` does: endpoints already in `open` are skipped.
fn scan(ctx: &Context, mctpd: &Mctpd, net: &Net, open: &[Endpoint]) -> cxlmi::Result<Vec<Endpoint>> {
    let names: Vec<String> = open.iter().map(Endpoint::describe).collect();
    ctx.scan_mctp_with(mctpd, || Box::new(net.clone()), |n| names.iter().any(|o| o == n))
}

/// Each endpoint's name and FM-API state, after checking it reaches its own address.
fn check_reached(eps: &mut [Endpoint]) -> Vec<(String, bool)> {
    eps.iter_mut()
        .map(|ep| {
            let name = ep.describe();
            let serial = ep.execute::<Identify>(Tunnel::None, &()).unwrap().serial_num;
            let (net, eid) = (serial >> 8, serial & 0xff);
            assert_eq!(name, format!("mctp {net}:{eid}"), "an endpoint reaches its own address");
            (name, ep.has_fmapi())
        })
        .collect()
}

fn errno(r: cxlmi::Result<Vec<Endpoint>>) -> i32 {
    match r {
        Ok(eps) => panic!("scan succeeded with {} endpoints", eps.len()),
        Err(e) => e.errno(),
    }
}

fn fake_flavours() -> [(Flavour, cxlmi::discovery::mctpd::Flavour); 2] {
    [(Flavour::OpenBmc, OPENBMC), (Flavour::CodeConstruct, CODECONSTRUCT)]
}

/// Each flavour on a bus of its own, with a fake of that flavour listing `endpoints` spelled as
/// `shape` says; none without dbus-daemon.
fn flavour_buses(shape: Shape, endpoints: &[FakeEndpoint]) -> Vec<(Bus, cxlmi::discovery::mctpd::Flavour)> {
    let start = |(fake_flavour, flavour)| {
        let bus = Bus::start()?;
        serve(&bus, Fake { shape, ..Fake::new(fake_flavour, endpoints.to_vec()) });
        Some((bus, flavour))
    };
    fake_flavours().into_iter().map_while(start).collect()
}

/// Endpoints of several kinds: CXL with and without FM-API, others, on two networks.
fn mixed() -> Vec<FakeEndpoint> {
    vec![
        FakeEndpoint::new(1, 9, &[0x00, 0x07, 0x08]),
        FakeEndpoint::new(1, 8, &[0x00, 0x08]),
        FakeEndpoint::new(1, 10, &[0x00, 0x01]),
        FakeEndpoint::new(1, 11, &[0x00, 0x07]),
        FakeEndpoint::new(1, 12, &[]),
        FakeEndpoint::new(2, 8, &[0x00, 0x04, 0x07, 0x08]),
    ]
}

#[test]
fn both_flavours_in_either_order_and_every_network_id_spelling() {
    for shape in [Shape::Native, Shape::NetworkIdU32, Shape::NetworkIdI32] {
        for (bus, flavour) in flavour_buses(shape, &mixed()) {
            for order in [[OPENBMC, CODECONSTRUCT], [CODECONSTRUCT, OPENBMC]] {
                for probe in [true, false] {
                    let net = Net::default();
                    let mut eps = scan(&context(probe), &bus.mctpd(&order), &net, &[]).unwrap();
                    // Probing finds type 3 devices and opens FM-API; without it, type 07h in the list does.
                    let want = [("mctp 1:8", probe), ("mctp 1:9", true), ("mctp 2:8", true)];
                    let want: Vec<(String, bool)> = want.iter().map(|(n, f)| (n.to_string(), *f)).collect();
                    assert_eq!(check_reached(&mut eps), want, "{flavour:?} {shape:?} {order:?} probe {probe}");
                }
            }
        }
    }
}

#[test]
fn the_build_order_puts_the_chosen_flavour_first() {
    let order = cxlmi::discovery::mctpd::build_order();
    let want = if option_env!("CXLMI_MCTPD").is_some_and(|f| f.eq_ignore_ascii_case("codeconstruct")) {
        [CODECONSTRUCT, OPENBMC]
    } else {
        [OPENBMC, CODECONSTRUCT]
    };
    assert_eq!(order, want);
    assert_eq!(Mctpd::default().flavours, want);
    assert_eq!(Mctpd::default().timeout, Duration::from_secs(3));
}

#[test]
fn the_first_flavour_on_the_bus_answers() {
    let Some(bus) = Bus::start() else { return };
    serve(&bus, Fake::new(Flavour::OpenBmc, vec![FakeEndpoint::new(1, 8, &[8])]));
    serve(&bus, Fake::new(Flavour::CodeConstruct, vec![FakeEndpoint::new(1, 9, &[8])]));
    let net = Net::default();
    let eps = scan(&context(false), &bus.mctpd(&[OPENBMC, CODECONSTRUCT]), &net, &[]).unwrap();
    assert_eq!(eps.iter().map(Endpoint::describe).collect::<Vec<_>>(), ["mctp 1:8"]);
    let eps = scan(&context(false), &bus.mctpd(&[CODECONSTRUCT, OPENBMC]), &net, &[]).unwrap();
    assert_eq!(eps.iter().map(Endpoint::describe).collect::<Vec<_>>(), ["mctp 1:9"]);
}

#[test]
fn an_empty_object_list_opens_nothing() {
    // No objects at all; then objects, but none a CXL endpoint.
    let none_cxl = [FakeEndpoint::new(1, 8, &[0, 1]), FakeEndpoint::new(1, 9, &[0, 7])];
    for endpoints in [&[][..], &none_cxl] {
        for (bus, flavour) in flavour_buses(Shape::Native, endpoints) {
            let net = Net::default();
            assert!(scan(&context(true), &bus.mctpd(&[flavour]), &net, &[]).unwrap().is_empty());
            assert!(net.opened.lock().unwrap().is_empty());
        }
    }
}

#[test]
fn an_endpoint_that_fails_to_open_is_skipped() {
    for (bus, flavour) in flavour_buses(Shape::Native, &mixed()) {
        let net = Net::default();
        net.refuse.lock().unwrap().insert(9);
        let mut eps = scan(&context(true), &bus.mctpd(&[flavour]), &net, &[]).unwrap();
        let names: Vec<String> = check_reached(&mut eps).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["mctp 1:8", "mctp 2:8"]);
        // Refused on network 1 and network 2 alike: nothing opens, and that is not an error.
        net.refuse.lock().unwrap().insert(8);
        assert!(scan(&context(true), &bus.mctpd(&[flavour]), &net, &[]).unwrap().is_empty());
    }
}

#[test]
fn scanning_again_opens_only_endpoints_not_open() {
    for (bus, flavour) in flavour_buses(Shape::Native, &mixed()) {
        let (ctx, net, mctpd) = (context(true), Net::default(), bus.mctpd(&[flavour]));
        let mut open = scan(&ctx, &mctpd, &net, &[]).unwrap();
        assert_eq!(open.len(), 3);
        assert!(scan(&ctx, &mctpd, &net, &open).unwrap().is_empty());
        let closed = open.remove(1);
        let again = scan(&ctx, &mctpd, &net, &open).unwrap();
        assert_eq!(again.iter().map(Endpoint::describe).collect::<Vec<_>>(), [closed.describe()]);
        // Each endpoint was opened once, its FM-API socket once, and once more after closing.
        assert_eq!(net.opened.lock().unwrap().len(), 2 * 3 + 2);
    }
}

#[test]
fn no_bus() {
    let ctx = context(true);
    let dir = std::env::temp_dir().join(format!("cxlmi-nobus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = Mctpd::at(format!("unix:path={}/none", dir.display()));
    assert_eq!(errno(scan(&ctx, &missing, &Net::default(), &[])), libc::ENOENT);
    // A socket nobody listens on any more.
    let path = dir.join("stale");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let stale = Mctpd::at(format!("unix:path={}", path.display()));
    assert_eq!(errno(scan(&ctx, &stale, &Net::default(), &[])), libc::ECONNREFUSED);
    let abstract_name = Mctpd::at(format!("unix:abstract=cxlmi-none-{}", std::process::id()));
    assert_eq!(errno(scan(&ctx, &abstract_name, &Net::default(), &[])), libc::ECONNREFUSED);
    assert_eq!(errno(scan(&ctx, &Mctpd::at("no such address"), &Net::default(), &[])), libc::EINVAL);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Unix socket in a directory of its own (removed on drop) that listens and never accepts:
/// connections queue in its backlog, and nothing ever answers them.
struct Silent {
    dir: PathBuf,
    listener: std::os::unix::net::UnixListener,
}

impl Silent {
    fn new(tag: &str) -> Silent {
        let dir = std::env::temp_dir().join(format!("cxlmi-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let listener = std::os::unix::net::UnixListener::bind(dir.join("socket")).unwrap();
        Silent { dir, listener }
    }

    fn mctpd(&self) -> Mctpd {
        Mctpd::at(format!("unix:path={}", self.dir.join("socket").display()))
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn a_bus_that_never_answers_costs_the_timeout() {
    let silent = Silent::new("hungbus");
    let mctpd = Mctpd { timeout: Duration::from_millis(300), ..silent.mctpd() };
    let start = Instant::now();
    let r = scan(&context(true), &mctpd, &Net::default(), &[]);
    assert!(matches!(r, Err(Error::Timeout)), "{:?}", r.map(|e| e.len()));
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(300) && took < Duration::from_millis(1500), "{took:?}");
}

#[test]
fn a_bus_with_a_full_backlog_refuses_at_once() {
    use std::os::fd::AsRawFd;
    let silent = Silent::new("fullbus");
    // SAFETY: a listening socket of ours, now with a backlog of one.
    assert_eq!(unsafe { libc::listen(silent.listener.as_raw_fd(), 1) }, 0);
    let mut queued = Vec::new();
    let full = loop {
        assert!(queued.len() < 64, "the backlog never filled");
        match cxlmi::discovery::mctpd::connect_unix(silent.dir.join("socket").to_str().unwrap().as_bytes(), false) {
            Ok(s) => queued.push(s),
            Err(e) => break e,
        }
    };
    assert_eq!(full.raw_os_error(), Some(libc::EAGAIN));
    let start = Instant::now();
    assert_eq!(errno(scan(&context(true), &silent.mctpd(), &Net::default(), &[])), libc::EAGAIN);
    assert!(start.elapsed() < Duration::from_millis(500));
}

#[test]
fn no_daemon_on_the_bus() {
    let Some(bus) = Bus::start() else { return };
    let r = scan(&context(true), &bus.mctpd(&[OPENBMC, CODECONSTRUCT]), &Net::default(), &[]);
    assert_eq!(errno(r), libc::ESRCH);
    // A daemon of the other flavour does not count.
    serve(&bus, Fake::new(Flavour::CodeConstruct, mixed()));
    assert_eq!(errno(scan(&context(true), &bus.mctpd(&[OPENBMC]), &Net::default(), &[])), libc::ESRCH);
}

#[test]
fn wrong_property_types_fail_the_scan_before_anything_opens() {
    let bad = [Shape::EidU32, Shape::NetworkIdString, Shape::TypesU32, Shape::NoEid, Shape::NotObjects];
    for shape in bad {
        for (bus, flavour) in flavour_buses(shape, &mixed()) {
            let net = Net::default();
            let r = scan(&context(true), &bus.mctpd(&[flavour]), &net, &[]);
            assert!(matches!(r, Err(Error::Protocol(_))), "{flavour:?} {shape:?}");
            assert!(net.opened.lock().unwrap().is_empty());
        }
    }
    // A negative network id (mctpd 1.x sends `i`).
    for (bus, flavour) in flavour_buses(Shape::NetworkIdI32, &[FakeEndpoint::new(u32::MAX, 8, &[8])]) {
        assert_eq!(errno(scan(&context(true), &bus.mctpd(&[flavour]), &Net::default(), &[])), libc::EPROTO);
    }
}

/// The answer's body alone, no bus needed: every scan reads it with parse_managed_objects, so
/// what the daemon may send is checked here byte by byte, in both byte orders a message may have.
#[test]
fn answer_bodies_in_either_byte_order_and_cut_ones() {
    let want = vec![
        Found { net: 1, eid: 8, fmapi: false },
        Found { net: 1, eid: 9, fmapi: true },
        Found { net: 2, eid: 8, fmapi: true },
    ];
    for (fake_flavour, _) in fake_flavours() {
        for big_endian in [false, true] {
            for shape in [Shape::Native, Shape::NetworkIdU32, Shape::NetworkIdI32] {
                let body = Fake { shape, ..Fake::new(fake_flavour, mixed()) }.body(big_endian);
                let what = format!("{fake_flavour:?} {shape:?} big-endian {big_endian}");
                assert_eq!(parse_managed_objects(&body, big_endian).unwrap(), want, "{what}");
                // Every cut short of the whole answer: the array's length covers all of it.
                // Every cut: one into the content fails (the array's length covers all of it); one
                // into the up to 7 bytes of alignment after an empty last array (zvariant does not
                // insist on them) may still read, and then the same endpoints.
                for cut in 0..body.len() {
                    match parse_managed_objects(&body[..cut], big_endian) {
                        Err(Error::Protocol(_)) => {}
                        Ok(found) if cut + 8 > body.len() && found == want => {}
                        r => panic!("{what}, cut to {cut} of {} bytes: {r:?}", body.len()),
                    }
                }
            }
            let bad = [Shape::EidU32, Shape::NetworkIdString, Shape::TypesU32, Shape::NoEid, Shape::NotObjects];
            for shape in bad {
                let body = Fake { shape, ..Fake::new(fake_flavour, mixed()) }.body(big_endian);
                let r = parse_managed_objects(&body, big_endian);
                assert!(matches!(r, Err(Error::Protocol(_))), "{fake_flavour:?} {shape:?}: {r:?}");
            }
        }
    }
    // The same endpoint twice (two objects for one address) is listed once.
    let twice = vec![FakeEndpoint::new(3, 20, &[8]), FakeEndpoint::new(3, 20, &[7, 8])];
    let body = Fake::new(Flavour::OpenBmc, twice).body(false);
    let found = parse_managed_objects(&body, false).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn a_hung_daemon_costs_the_timeout() {
    let Some(bus) = Bus::start() else { return };
    for (fake_flavour, flavour) in fake_flavours() {
        let called = serve(&bus, Fake { behaviour: Behaviour::Hang, ..Fake::new(fake_flavour, mixed()) });
        let mctpd = Mctpd { timeout: Duration::from_millis(400), ..bus.mctpd(&[flavour, OPENBMC, CODECONSTRUCT]) };
        let start = Instant::now();
        let r = scan(&context(true), &mctpd, &Net::default(), &[]);
        let took = start.elapsed();
        assert_eq!(errno(r), libc::ETIMEDOUT);
        assert!(took >= Duration::from_millis(400) && took < Duration::from_millis(2000), "{took:?}");
        called.try_recv().expect("the daemon was asked");
    }
}

#[test]
fn a_daemon_that_leaves_mid_scan() {
    let Some(bus) = Bus::start() else { return };
    for (fake_flavour, flavour) in fake_flavours() {
        let called = serve(&bus, Fake { behaviour: Behaviour::Leave, ..Fake::new(fake_flavour, mixed()) });
        let start = Instant::now();
        // The other flavour is not asked: the daemon that was there failed.
        let r = scan(&context(true), &bus.mctpd(&[flavour, OPENBMC, CODECONSTRUCT]), &Net::default(), &[]);
        assert_eq!(errno(r), libc::ECONNRESET);
        assert!(start.elapsed() < Duration::from_secs(2));
        called.try_recv().expect("the daemon was asked");
    }
}

#[test]
fn a_bus_killed_mid_scan() {
    let Some(mut bus) = Bus::start() else { return };
    let called = serve(&bus, Fake { behaviour: Behaviour::Hang, ..Fake::new(Flavour::CodeConstruct, mixed()) });
    let mctpd = bus.mctpd(&[CODECONSTRUCT]);
    let scanning = std::thread::spawn(move || {
        let start = Instant::now();
        (scan(&context(true), &mctpd, &Net::default(), &[]).map(|e| e.len()), start.elapsed())
    });
    called.recv_timeout(Duration::from_secs(5)).expect("the daemon was asked");
    bus.kill();
    let (r, took) = scanning.join().unwrap();
    let e = r.unwrap_err();
    assert_eq!(e.errno(), libc::ECONNRESET, "{e}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

/// CPU time of this thread.
fn thread_cpu() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let mut ru: libc::rusage = unsafe { core::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) };
    let us = |t: libc::timeval| Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64);
    us(ru.ru_utime) + us(ru.ru_stime)
}

#[test]
fn a_thousand_endpoints() {
    let Some(bus) = Bus::start() else { return };
    for (fake_flavour, flavour) in fake_flavours() {
        serve(&bus, Fake::new(fake_flavour, FakeEndpoint::many(1000)));
        let log = Logger::stderr(-1);
        let mctpd = bus.mctpd(&[flavour]);
        let cpu = thread_cpu();
        let found = mctpd.cxl_endpoints(&log).unwrap();
        let cpu = thread_cpu() - cpu;
        eprintln!(
            "{}: 1000 endpoints listed in {cpu:?} of CPU time ({})",
            flavour.name,
            if cfg!(debug_assertions) { "debug" } else { "release" }
        );
        let want: Vec<Found> =
            FakeEndpoint::many(1000).iter().map(|e| Found { net: e.net, eid: e.eid, fmapi: true }).collect();
        assert_eq!(found, want);
        let mut eps = scan(&context(true), &mctpd, &Net::default(), &[]).unwrap();
        assert_eq!(check_reached(&mut eps).len(), 1000);
    }
}

#[test]
fn the_fake_mctpd_program_reads_its_arguments() {
    let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
    let (bus, fake) =
        Fake::from_args(args("--bus unix:path=/x --flavour codeconstruct --hang --shape netid-i --many 2 3:0x10:0,8"))
            .unwrap();
    assert_eq!(bus, "unix:path=/x");
    assert_eq!(
        (fake.flavour, fake.behaviour, fake.shape),
        (Flavour::CodeConstruct, Behaviour::Hang, Shape::NetworkIdI32)
    );
    let mut want = FakeEndpoint::many(2);
    want.push(FakeEndpoint::new(3, 16, &[0, 8]));
    assert_eq!(fake.endpoints, want);
    let (_, fake) = Fake::from_args(args("--bus b --many 1:0,8")).unwrap();
    assert_eq!(fake.endpoints, [FakeEndpoint::new(1, 8, &[0, 8])]);
    let (_, fake) = Fake::from_args(args("--bus b --leave 1:8:")).unwrap();
    assert_eq!(
        (fake.flavour, fake.behaviour, fake.endpoints),
        (Flavour::OpenBmc, Behaviour::Leave, vec![FakeEndpoint::new(1, 8, &[])])
    );
    for bad in [
        "--flavour openbmc",
        "--bus",
        "--bus b --flavour x",
        "--bus b --shape x",
        "--bus b 1:300:8",
        "--bus b 1:8:8:8",
        "--bus b --many x",
        "--bus b --many 2:x",
    ] {
        assert!(Fake::from_args(args(bad)).is_err(), "{bad}");
    }
}

/// The fleet poller's mctpd source lists what mctpd lists, by target, and the poller reads each
/// endpoint through the socket seam; one that cannot be opened is down, and says why.
#[test]
fn the_fleet_poller_watches_what_mctpd_lists() {
    use cxlmi::fleet::{Options, Poller};
    for (bus, flavour) in flavour_buses(Shape::Native, &mixed()) {
        let net = Net::default();
        net.refuse.lock().unwrap().insert(9);
        let seam = net.clone();
        let source = cxlmi::fleet::Mctpd {
            mctpd: bus.mctpd(&[flavour]),
            sockets: Arc::new(move || Box::new(seam.clone()) as Box<dyn Sockets>),
        };
        let mut poller = Poller::new(Arc::new(context(false)), Options::default());
        poller.add_source(Box::new(source));
        let round = poller.round();
        let seen: Vec<(String, bool, Option<u64>)> =
            round.readings.iter().map(|r| (r.place.target.clone(), r.up, r.serial())).collect();
        assert_eq!(
            seen,
            [
                ("mctp:1,8".to_string(), true, Some(1 << 8 | 8)),
                ("mctp:1,9".to_string(), false, None),
                ("mctp:2,8".to_string(), true, Some(2 << 8 | 8)),
            ]
        );
        let refused = &round.readings[1];
        assert!(refused.errors[0].starts_with("cannot open"), "{:?}", refused.errors);
        // Refused no more, it is read in the next round.
        net.refuse.lock().unwrap().clear();
        assert!(poller.round().readings.iter().all(|r| r.up));
    }
}
