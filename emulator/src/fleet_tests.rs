//! The emulated fleet: its spec, its members' latency, silence and
//! removal, and the control file, through the public API.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::Model;
use crate::fleet::{EventKind, Fleet, Health, MAX_MEMBERS, Member};
use cxlmi::commands::generic::{GetEventRecords, GetTimestamp, Identify, SetTimestamp};
use cxlmi::commands::memdev::GetHealthInfo;
use cxlmi::decode::{Decode, Value};
use cxlmi::fleet::Source;
use cxlmi::log::{LOG_WARNING, Logger};
use cxlmi::types::*;
use cxlmi::{Context, Endpoint, Error, Tunnel};

const T: Tunnel = Tunnel::None;

/// A context that does not probe (each probe is two exchanges, each as
/// late as the member) and keeps its warnings for the test to read.
fn context() -> (Context, Arc<Mutex<Vec<u8>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let ctx = Context::new(Logger::new(LOG_WARNING, Box::new(Captured(log.clone()))));
    ctx.set_probe_enabled(false);
    (ctx, log)
}

struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn text(log: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&log.lock().unwrap()).into_owned()
}

fn member(fleet: &Fleet, name: &str) -> Member {
    fleet.member(name).unwrap_or_else(|| panic!("no member {name}"))
}

/// The names `scan` lists.
fn listed(fleet: &mut Fleet, ctx: &Context) -> Vec<String> {
    fleet.scan(ctx).unwrap().into_iter().map(|f| f.name).collect()
}

/// An endpoint on the member `scan` lists as `name`.
fn open_listed(fleet: &mut Fleet, ctx: &Context, name: &str) -> Endpoint {
    let found = fleet.scan(ctx).unwrap().into_iter().find(|f| f.name == name).expect("listed");
    (found.open)(ctx).unwrap()
}

fn serial(ep: &mut Endpoint) -> u64 {
    ep.execute::<Identify>(T, &()).unwrap().serial_num
}

fn events(ep: &mut Endpoint, log: u8) -> Vec<cxlmi_event_record> {
    ep.execute::<GetEventRecords>(T, &cxlmi_cmd_get_event_records_req { event_log: log }).unwrap().entries().collect()
}

fn is_gone(e: &Error) -> bool {
    matches!(e, Error::Io(io) if io.raw_os_error() == Some(19))
}

/// A control file of its own for each test, replaced whole on each write
/// (as an editor or `mv` does), and removed at the end.
struct ControlFile(PathBuf);

impl ControlFile {
    fn new(name: &str) -> ControlFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("cxlmi-fleet-{}-{n}-{name}.ctl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        ControlFile(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, text: &str) {
        let tmp = self.0.with_extension("tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &self.0).unwrap();
    }
}

impl Drop for ControlFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn specs_name_members_per_model_over_the_whole_spec() {
    let fleet = Fleet::parse("switch, type3x2@5ms ,mld,type3!silent,mhd").unwrap();
    let names: Vec<&str> = fleet.members().iter().map(Member::name).collect();
    assert_eq!(names, ["switch-0", "type3-0", "type3-1", "mld-0", "type3-2", "mhd-0"]);
    let t1 = member(&fleet, "emu:type3-1");
    assert_eq!((t1.model(), t1.latency(), t1.is_silent()), (Model::Type3, Duration::from_millis(5), false));
    let t2 = member(&fleet, "type3-2");
    assert_eq!((t2.latency(), t2.is_silent(), t2.is_removed()), (Duration::ZERO, true, false));
    assert_eq!(t2.target(), "emu:type3-2");

    let big = Fleet::parse("type3x256@250us,type3x100@2s").unwrap();
    assert_eq!(big.members().len(), 356);
    assert_eq!(member(&big, "type3-255").latency(), Duration::from_micros(250));
    assert_eq!(member(&big, "type3-256").latency(), Duration::from_secs(2));
    assert!(big.member("type3-356").is_none());
    assert_eq!(Fleet::parse(&format!("mldx{MAX_MEMBERS}")).unwrap().members().len(), MAX_MEMBERS);
    assert_eq!("mhdx3".parse::<Fleet>().unwrap().members().len(), 3);
}

#[test]
fn bad_spec_items_are_named() {
    for (spec, item, reason) in [
        ("", "", "empty"),
        ("type3,", "", "empty"),
        ("type4", "type4", "no model 'type4'"),
        ("type3,typex3", "typex3", "no model 'type'"),
        ("type3x0", "type3x0", "count '0'"),
        ("type3x65537", "type3x65537", "count"),
        ("type3x", "type3x", "count ''"),
        ("type3xabc@1ms", "type3xabc@1ms", "count 'abc'"),
        ("type3@10", "type3@10", "'10' is not a latency"),
        ("type3@10h", "type3@10h", "latency"),
        ("type3@ms", "type3@ms", "latency"),
        ("type3@-1ms", "type3@-1ms", "latency"),
        ("type3!quiet", "type3!quiet", "'!quiet'"),
        ("switch,type3x40000,mldx30000", "mldx30000", "at most 65536"),
    ] {
        let e = Fleet::parse(spec).expect_err(spec);
        assert_eq!(e.item, item, "{spec}");
        assert!(e.reason.contains(reason), "{spec}: {e}");
        assert!(e.to_string().contains(&format!("'{item}'")), "{spec}: {e}");
    }
}

#[test]
fn members_have_their_own_serials_and_names() {
    let (ctx, _) = context();
    let mut fleet = Fleet::parse("type3x8,mldx2,mhdx2,switchx2").unwrap();
    let mut serials = Vec::new();
    for found in fleet.scan(&ctx).unwrap() {
        let mut ep = (found.open)(&ctx).unwrap();
        assert_eq!(format!("emu:{}", ep.describe().strip_prefix("emulator ").unwrap()), found.name);
        serials.push(serial(&mut ep));
        // What the members hold is numbered too: an MLD's LDs, an MHD's pool, the devices
        // behind a switch (an SLD on port 1, an MLD on port 2).
        if found.name.starts_with("emu:switch") {
            ep.enable_fmapi().unwrap();
            for port in [1, 2] {
                serials.push(ep.execute::<Identify>(Tunnel::Port(port), &()).unwrap().serial_num);
            }
            serials.push(ep.execute::<Identify>(Tunnel::PortThenLd { port: 2, ld: 0 }, &()).unwrap().serial_num);
        }
        if found.name.starts_with("emu:mld") {
            ep.enable_fmapi().unwrap();
            for ld in 0..4 {
                serials.push(ep.execute::<Identify>(Tunnel::Port(ld), &()).unwrap().serial_num);
            }
        }
        if found.name.starts_with("emu:mhd") {
            ep.enable_fmapi().unwrap();
            serials.push(ep.execute::<Identify>(Tunnel::LdPool, &()).unwrap().serial_num);
        }
    }
    // Nor do they share one with a component opened on its own.
    serials.push(serial(&mut crate::open(&ctx, "type3").unwrap()));
    let n = serials.len();
    assert_eq!(n, 14 + 2 * 4 + 2 + 2 * 3 + 1);
    serials.sort_unstable();
    serials.dedup();
    assert_eq!(serials.len(), n);
}

#[test]
fn an_endpoint_opened_again_reaches_the_same_component() {
    let (ctx, _) = context();
    let mut fleet = Fleet::parse("type3x2").unwrap();
    let mut a = open_listed(&mut fleet, &ctx, "emu:type3-1");
    a.execute::<SetTimestamp>(T, &cxlmi_cmd_set_timestamp_req { timestamp: 1 << 50 }).unwrap();
    let mut b = open_listed(&mut fleet, &ctx, "emu:type3-1");
    assert!(b.execute::<GetTimestamp>(T, &()).unwrap().timestamp >= 1 << 50);
    let mut other = open_listed(&mut fleet, &ctx, "emu:type3-0");
    assert_eq!({ other.execute::<GetTimestamp>(T, &()).unwrap().timestamp }, 0);
}

#[test]
fn probing_opens_with_fmapi_as_a_lone_component_does() {
    let ctx = Context::new(Logger::stderr(0));
    ctx.set_probe_enabled(true);
    let mut fleet = Fleet::parse("switch@1ms").unwrap();
    let ep = open_listed(&mut fleet, &ctx, "emu:switch-0");
    assert!(ep.has_fmapi());
    assert_eq!(ep.describe(), "emulator switch-0");
}

#[test]
fn answers_come_after_the_latency() {
    let (ctx, _) = context();
    let fleet = Fleet::parse("type3@20ms").unwrap();
    let m = member(&fleet, "type3-0");
    let mut ep = m.open(&ctx).unwrap();
    let start = Instant::now();
    serial(&mut ep);
    assert!(start.elapsed() >= Duration::from_millis(20));
}

#[test]
fn an_answer_later_than_the_timeout_is_lost_but_carried_out() {
    let (ctx, _) = context();
    let fleet = Fleet::parse("type3@400ms").unwrap();
    let mut ep = member(&fleet, "type3-0").open(&ctx).unwrap();
    ep.set_timeout_ms(30).unwrap();
    let start = Instant::now();
    let r = ep.execute::<SetTimestamp>(T, &cxlmi_cmd_set_timestamp_req { timestamp: 1 << 50 });
    let took = start.elapsed();
    assert!(matches!(r, Err(Error::Timeout)), "{r:?}");
    assert!(took >= Duration::from_millis(30) && took < Duration::from_millis(400), "{took:?}");
    member(&fleet, "type3-0").set_latency(Duration::ZERO);
    assert!(ep.execute::<GetTimestamp>(T, &()).unwrap().timestamp >= 1 << 50);

    // However late the member, the caller waits its timeout only.
    member(&fleet, "type3-0").set_latency(Duration::MAX);
    assert!(matches!(ep.execute::<Identify>(T, &()), Err(Error::Timeout)));
    assert!(
        matches!(Fleet::parse("type3@99999999999999s"), Ok(f) if f.members()[0].latency() > Duration::from_secs(1 << 40))
    );
}

#[test]
fn a_silent_member_times_out_and_answers_again_when_it_speaks() {
    let (ctx, _) = context();
    let fleet = Fleet::parse("type3!silent").unwrap();
    let m = member(&fleet, "type3-0");
    let mut ep = m.open(&ctx).unwrap();
    ep.set_timeout_ms(40).unwrap();
    let start = Instant::now();
    assert!(matches!(ep.execute::<Identify>(T, &()), Err(Error::Timeout)));
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(40) && took < Duration::from_secs(2), "{took:?}");

    // Without a timeout the exchange waits until the member answers again.
    ep.set_timeout_ms(0).unwrap();
    let speaker = m.clone();
    let speak = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        speaker.set_silent(false);
    });
    let start = Instant::now();
    serial(&mut ep);
    assert!(start.elapsed() >= Duration::from_millis(40));
    speak.join().unwrap();
    ep.set_timeout_ms(40).unwrap();
    serial(&mut ep);
}

/// The CPU time the calling thread has used, in clock ticks.
fn thread_cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    // Fields 14 and 15 (utime, stime), counted after the command's name.
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn waiting_on_a_silent_member_costs_no_cpu() {
    let (ctx, _) = context();
    let fleet = Fleet::parse("type3!silent").unwrap();
    let mut ep = member(&fleet, "type3-0").open(&ctx).unwrap();
    ep.set_timeout_ms(300).unwrap();
    let before = thread_cpu_ticks();
    assert!(matches!(ep.execute::<Identify>(T, &()), Err(Error::Timeout)));
    // Spinning would have used about 30 ticks (of 10 ms).
    assert!(thread_cpu_ticks() - before <= 3);
}

#[test]
fn a_member_removed_while_silent_fails_at_once() {
    let (ctx, _) = context();
    let fleet = Fleet::parse("type3!silent").unwrap();
    let m = member(&fleet, "type3-0");
    let mut ep = m.open(&ctx).unwrap();
    ep.set_timeout_ms(0).unwrap();
    let remover = m.clone();
    let remove = thread::spawn(move || {
        thread::sleep(Duration::from_millis(30));
        remover.set_removed(true);
    });
    let e = ep.execute::<Identify>(T, &()).unwrap_err();
    assert!(is_gone(&e), "{e:?}");
    remove.join().unwrap();
}

#[test]
fn a_removed_member_is_unlisted_fails_and_comes_back_as_it_was() {
    let (ctx, _) = context();
    let mut fleet = Fleet::parse("type3x3").unwrap();
    let mut ep = open_listed(&mut fleet, &ctx, "emu:type3-1");
    ep.execute::<SetTimestamp>(T, &cxlmi_cmd_set_timestamp_req { timestamp: 1 << 50 }).unwrap();
    let m = member(&fleet, "type3-1");
    m.set_removed(true);
    assert_eq!(listed(&mut fleet, &ctx), ["emu:type3-0", "emu:type3-2"]);
    let e = ep.execute::<Identify>(T, &()).unwrap_err();
    assert!(is_gone(&e), "{e:?}");
    assert!(e.to_string().contains("No such device"), "{e}");
    assert!(matches!(m.open(&ctx), Err(e) if is_gone(&e)));

    m.set_removed(false);
    assert_eq!(listed(&mut fleet, &ctx), ["emu:type3-0", "emu:type3-1", "emu:type3-2"]);
    assert!(ep.execute::<GetTimestamp>(T, &()).unwrap().timestamp >= 1 << 50);
    let mut again = open_listed(&mut fleet, &ctx, "emu:type3-1");
    assert!(again.execute::<GetTimestamp>(T, &()).unwrap().timestamp >= 1 << 50);
}

#[test]
fn injected_events_are_realistic_records() {
    let (ctx, _) = context();
    let fleet = Fleet::parse("type3,mhd,switch,mld").unwrap();
    let t3 = member(&fleet, "type3-0");
    assert!(t3.inject(type3_log::FAILURE, EventKind::GeneralMedia, "a"));
    assert!(t3.inject(type3_log::WARNING, EventKind::Dram, "b"));
    assert!(t3.set_health(Health::LifeUsed(91)));
    assert!(t3.inject(type3_log::INFORMATIONAL, EventKind::MemoryModule, "c"));
    let mut ep = t3.open(&ctx).unwrap();

    let failure = events(&mut ep, type3_log::FAILURE);
    assert_eq!(failure.len(), 1);
    let gm = failure[0].decoded();
    assert_eq!(gm.get("record_type"), Some(&Value::Text("general_media".into())));
    let Some(Value::Enum(severity)) = gm.get("severity") else { panic!("{gm:?}") };
    assert_eq!(severity.name, Some("failure"));
    let Some(Value::Object(body)) = gm.get("body") else { panic!("{gm:?}") };
    let Some(Value::Unsigned(dpa)) = body.get("dpa") else { panic!("{body:?}") };
    assert!(*dpa % 64 == 0 && *dpa < 2 << 30);
    let Some(Value::Flags(descriptor)) = body.get("descriptor") else { panic!("{body:?}") };
    assert_eq!(descriptor.set().collect::<Vec<_>>(), ["uncorrectable_event"]);
    assert!(matches!(body.get("channel"), Some(Value::Unsigned(_))));

    let dram = events(&mut ep, type3_log::WARNING)[0].decoded();
    assert_eq!(dram.get("record_type"), Some(&Value::Text("dram".into())));
    let Some(Value::Object(body)) = dram.get("body") else { panic!("{dram:?}") };
    assert!(matches!(body.get("row"), Some(Value::Unsigned(_))));

    // The module's record carries its health as it is now; the first
    // informational record is the one it posts on coming up.
    let info = events(&mut ep, type3_log::INFORMATIONAL);
    let mm = info.last().unwrap().decoded();
    assert_eq!(mm.get("record_type"), Some(&Value::Text("memory_module".into())));
    let Some(Value::Object(body)) = mm.get("body") else { panic!("{mm:?}") };
    assert_eq!(body.get("life_used"), Some(&Value::Unsigned(91)));

    // Events and health are an MHD's head's; a switch and an MLD's FM-owned LD keep neither.
    let mhd = member(&fleet, "mhd-0");
    assert!(mhd.inject(type3_log::FATAL, EventKind::GeneralMedia, "d"));
    assert_eq!(events(&mut mhd.open(&ctx).unwrap(), type3_log::FATAL).len(), 1);
    assert!(mhd.set_health(Health::Temperature(-5)));
    for refuses in ["switch-0", "mld-0"] {
        assert!(!member(&fleet, refuses).inject(type3_log::FATAL, EventKind::GeneralMedia, "e"));
        assert!(!member(&fleet, refuses).set_health(Health::LifeUsed(5)));
    }
}

/// The Type 3 event logs, by number.
mod type3_log {
    pub use crate::type3::{FAILURE, FATAL, INFORMATIONAL, WARNING};
}

#[test]
fn the_control_file_declares_the_whole_state() {
    let (ctx, log) = context();
    let file = ControlFile::new("state");
    let mut fleet = Fleet::parse("type3x3@1ms,mld!silent").unwrap().with_control(file.path());
    // No file yet: the spec's settings.
    assert_eq!(listed(&mut fleet, &ctx).len(), 4);

    file.write("# the fleet as it is now\n\ntype3-0 latency=30ms\nemu:type3-1 silent  # hung\ntype3-2 removed\n");
    assert_eq!(listed(&mut fleet, &ctx), ["emu:type3-0", "emu:type3-1", "emu:mld-0"]);
    assert_eq!(member(&fleet, "type3-0").latency(), Duration::from_millis(30));
    assert!(member(&fleet, "type3-1").is_silent());
    assert!(member(&fleet, "type3-2").is_removed());

    // What a method sets lasts until the file changes.
    member(&fleet, "type3-2").set_removed(false);
    assert_eq!(listed(&mut fleet, &ctx).len(), 4);

    // A line deleted is the spec's setting again.
    file.write("type3-1 silent\n");
    assert_eq!(listed(&mut fleet, &ctx).len(), 4);
    assert_eq!(member(&fleet, "type3-0").latency(), Duration::from_millis(1));
    assert!(member(&fleet, "type3-1").is_silent());
    assert!(member(&fleet, "mld-0").is_silent());

    // And so is the whole file deleted.
    std::fs::remove_file(file.path()).unwrap();
    assert_eq!(listed(&mut fleet, &ctx).len(), 4);
    assert!(!member(&fleet, "type3-1").is_silent());
    assert!(member(&fleet, "mld-0").is_silent());
    assert_eq!(text(&log), "");
}

#[test]
fn a_control_file_event_is_posted_once_however_often_it_is_read() {
    let (ctx, log) = context();
    let file = ControlFile::new("events");
    let mut fleet = Fleet::parse("type3x2").unwrap().with_control(file.path());
    file.write("type3-1 event warning general-media e1\n");
    listed(&mut fleet, &ctx);
    let mut ep = member(&fleet, "type3-1").open(&ctx).unwrap();
    assert_eq!(events(&mut ep, type3_log::WARNING).len(), 1);

    // Read again (it changed), the line is not applied again; a new ID is,
    // and the same ID on another member.
    file.write("type3-1 event warning general-media e1\n# more\n");
    listed(&mut fleet, &ctx);
    assert_eq!(events(&mut ep, type3_log::WARNING).len(), 1);
    file.write(
        "type3-1 event warning general-media e1\ntype3-1 event fatal dram e2\ntype3-0 event informational memory-module e1\n",
    );
    listed(&mut fleet, &ctx);
    assert_eq!(events(&mut ep, type3_log::WARNING).len(), 1);
    assert_eq!(events(&mut ep, type3_log::FATAL).len(), 1);
    let mut other = member(&fleet, "type3-0").open(&ctx).unwrap();
    assert_eq!(events(&mut other, type3_log::INFORMATIONAL).len(), 2);

    // Removed and written back, it is still the same event.
    file.write("\n");
    listed(&mut fleet, &ctx);
    file.write("type3-1 event warning general-media e1\n");
    listed(&mut fleet, &ctx);
    assert_eq!(events(&mut ep, type3_log::WARNING).len(), 1);
    assert_eq!(text(&log), "");
}

#[test]
fn control_file_health_is_applied_when_it_appears() {
    let (ctx, _) = context();
    let file = ControlFile::new("health");
    let mut fleet = Fleet::parse("type3").unwrap().with_control(file.path());
    let mut ep = member(&fleet, "type3-0").open(&ctx).unwrap();
    let health = |ep: &mut Endpoint| {
        let h = ep.execute::<GetHealthInfo>(T, &()).unwrap();
        (h.life_used, h.device_temperature as i16, h.dirty_shutdown_count, h.media_status)
    };
    let before = health(&mut ep);

    file.write("type3-0 health life_used=95 temperature=-12 dirty_shutdowns=0x10 media_status=1\n");
    listed(&mut fleet, &ctx);
    assert_eq!(health(&mut ep), (95, -12, 16, 1));

    // A setting already in the file is not applied again: the device's own
    // changes since stand.
    member(&fleet, "type3-0").set_health(Health::LifeUsed(96));
    file.write("type3-0 health life_used=95 temperature=-12 dirty_shutdowns=0x10 media_status=1\n\n");
    listed(&mut fleet, &ctx);
    assert_eq!(health(&mut ep).0, 96);

    // Removing a line changes nothing; a changed value is applied.
    file.write("type3-0 health temperature=40\n");
    listed(&mut fleet, &ctx);
    assert_eq!(health(&mut ep), (96, 40, 16, 1));
    assert_ne!(before, health(&mut ep));
}

#[test]
fn bad_control_lines_are_skipped_with_a_warning() {
    let (ctx, log) = context();
    let file = ControlFile::new("bad");
    let mut fleet = Fleet::parse("type3x2,switch").unwrap().with_control(file.path());
    file.write(
        "type3-9 silent\n\
         type3-0\n\
         type3-0 sleepy\n\
         type3-0 silent now\n\
         type3-0 latency=5\n\
         type3-0 event warning general-media\n\
         type3-0 event loud general-media x\n\
         type3-0 event warning volcano x\n\
         type3-0 health life_used=300\n\
         type3-0 health\n\
         switch-0 event fatal dram s1\n\
         switch-0 health life_used=5\n\
         type3-1 removed\n",
    );
    assert_eq!(listed(&mut fleet, &ctx), ["emu:type3-0", "emu:switch-0"]);
    let warnings = text(&log);
    assert_eq!(warnings.lines().count(), 12, "{warnings}");
    for (line, says) in [
        (1, "no fleet member 'type3-9'"),
        (2, "no setting"),
        (3, "'sleepy' is not a setting"),
        (4, "'silent now' is not a setting"),
        (5, "'5' is not a latency"),
        (6, "an event line is NAME event LOG TYPE ID"),
        (7, "no event log 'loud'"),
        (8, "no event type 'volcano'"),
        (9, "'life_used=300' is not a health setting"),
        (10, "a health line is NAME health KEY=VALUE"),
    ] {
        let want = format!("{}:{line}: {says}", file.path().display());
        assert!(warnings.contains(&want), "{want}\n{warnings}");
    }
    assert!(warnings.contains("switch-0: keeps no event log 3; event s1 dropped"), "{warnings}");
    assert!(warnings.contains("switch-0: reports no health; life_used=5 dropped"), "{warnings}");
    let t0 = member(&fleet, "type3-0");
    assert!(!t0.is_silent() && t0.latency().is_zero());
}

#[test]
fn the_control_file_is_read_only_when_it_changes() {
    let (ctx, _) = context();
    let file = ControlFile::new("unchanged");
    let mut fleet = Fleet::parse("type3").unwrap().with_control(file.path());
    file.write("type3-0 silent\n");
    listed(&mut fleet, &ctx);
    let m = member(&fleet, "type3-0");
    assert!(m.is_silent());
    // Unchanged, the file is not applied again over what a method set.
    m.set_silent(false);
    listed(&mut fleet, &ctx);
    assert!(!m.is_silent());
    // Changed in place (same size, its modification time set), it is.
    std::fs::write(file.path(), "type3-0 silent\n").unwrap();
    let later = std::time::SystemTime::now() + Duration::from_secs(5);
    std::fs::File::options().write(true).open(file.path()).unwrap().set_modified(later).unwrap();
    listed(&mut fleet, &ctx);
    assert!(m.is_silent());
}

#[test]
fn endpoints_of_many_members_answer_concurrently() {
    let (ctx, _) = context();
    let mut fleet = Fleet::parse("type3x64@20ms").unwrap();
    let ctx = Arc::new(ctx);
    let start = Instant::now();
    let workers: Vec<_> = fleet
        .scan(&ctx)
        .unwrap()
        .into_iter()
        .map(|found| {
            let ctx = ctx.clone();
            thread::spawn(move || serial(&mut (found.open)(&ctx).unwrap()))
        })
        .collect();
    let serials: Vec<u64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    assert_eq!(serials.len(), 64);
    // One after another they would take 1280 ms.
    assert!(start.elapsed() < Duration::from_millis(640), "{:?}", start.elapsed());
}
