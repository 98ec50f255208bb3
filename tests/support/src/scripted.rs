//! A scripted kernel for tests: the CXL memory device ioctls answered as
//! drivers/cxl/core/mbox.c answers them (its command table, its checks in
//! their order and with their errnos, its RAW deny list), in front of a
//! simulated device: a test's own, or [`qemu_type3`], the QEMU-like type 3
//! device the C tests check their answers against.
//!
//! This is the only model of that kernel. The Rust tests hand a [`Kernel`]
//! to the transport as its [`Mailbox`]; the C tests and the tool's tests
//! preload the ioctl shim (tests/support/ioctl-shim), which plays
//! [`Kernel::qemu`] with the [`Config::from_env`] kernel behind libc's
//! `open`, `close` and `ioctl` for one device node and its sysfs
//! `payload_max`. Both reach the kernel through [`Kernel::ioctl`], the
//! ioctl(2) of the node.

use std::ffi::{c_ulong, c_void};
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

use cxlmi::transport::ioctl::Mailbox;
use cxlmi::transport::ioctl::kernel::{
    self, CXL_MEM_QUERY_COMMANDS, CXL_MEM_SEND_COMMAND, FLAG_ENABLED, FLAG_EXCLUSIVE, ID_RAW, VARIABLE,
    cxl_command_info, cxl_mem_query_commands, cxl_send_command,
};

/// One id of the newest kernel's table: sizes it checks, and whether it is
/// enabled whatever the device's Command Effects Log says (FORCE_ENABLE).
struct Entry {
    id: u32,
    size_in: u32,
    size_out: u32,
    forced: bool,
}

const fn entry(id: u32, size_in: u32, size_out: u32, forced: bool) -> Entry {
    Entry { id, size_in, size_out, forced }
}

/// `cxl_mem_commands[]` of the newest kernel; the deprecated ids' slots are empty.
const TABLE: [Entry; 18] = [
    entry(1, 0, 0x43, true),
    entry(3, 0, VARIABLE, true),
    entry(4, 0, 0x50, false),
    entry(5, 0, 0x20, false),
    entry(6, 0x8, VARIABLE, false),
    entry(7, 0, 0x12, false),
    entry(8, 0x18, VARIABLE, true),
    entry(9, 0x0a, 0, false),
    entry(10, VARIABLE, 0, false),
    entry(11, 0, 0x10, false),
    entry(12, 0xc, 0, false),
    entry(13, 0, 0x1, false),
    entry(14, 0x1, 0, false),
    entry(18, 0x10, 0x4, false),
    entry(21, 0, 0x8, false),
    entry(22, 0x10, 0x4, false),
    entry(23, 0x10, 0, false),
    entry(24, 0x2, VARIABLE, false),
];

/// `CXL_MEM_COMMAND_ID_MAX` of the newest kernel: its table's length.
pub const ID_MAX: u32 = 25;
/// The kernel's ids for the commands cxl_pmem holds while it manages labels.
pub const ID_SET_LSA: u32 = 10;
pub const ID_SET_SHUTDOWN_STATE: u32 = 14;

/// The opcodes QEMU's type 3 device lists in its Command Effects Log.
pub const QEMU_CEL: [u16; 33] = [
    0x0100, 0x0101, 0x0102, 0x0103, 0x0200, 0x0201, 0x0202, 0x0300, 0x0301, 0x0400, 0x0401, 0x0402, 0x0403, 0x0500,
    0x0501, 0x0502, 0x4000, 0x4100, 0x4101, 0x4102, 0x4103, 0x4200, 0x4201, 0x4202, 0x4300, 0x4301, 0x4302, 0x4303,
    0x4304, 0x4305, 0x4400, 0x4401, 0x4500,
];

/// The kernel being played.
#[derive(Clone, Debug)]
pub struct Config {
    /// `CONFIG_CXL_MEM_RAW_COMMANDS`.
    pub raw: bool,
    /// The newest deny list, which refuses the features commands in RAW too.
    pub deny_features: bool,
    /// Kernel lockdown: every RAW command is refused.
    pub lockdown: bool,
    /// The table's length: older kernels end it earlier.
    pub id_max: u32,
    /// Whether the query reports the ENABLED and EXCLUSIVE flags (the first kernels did not).
    pub flags: bool,
    /// The mailbox payload size.
    pub payload_size: usize,
    /// Whether sysfs `payload_max` can be read.
    pub sysfs: bool,
    /// Opcodes in the device's Command Effects Log.
    pub cel: Vec<u16>,
    /// Ids the kernel holds for itself.
    pub exclusive: Vec<u32>,
}

impl Config {
    /// A distribution kernel (no RAW) with QEMU's type 3 device and its 2 KiB
    /// mailbox, cxl_pmem holding the label storage area and shutdown state.
    pub fn distro() -> Config {
        Config {
            raw: false,
            deny_features: true,
            lockdown: false,
            id_max: ID_MAX,
            flags: true,
            payload_size: 2048,
            sysfs: true,
            cel: QEMU_CEL.to_vec(),
            exclusive: vec![ID_SET_LSA, ID_SET_SHUTDOWN_STATE],
        }
    }

    /// The same with `CONFIG_CXL_MEM_RAW_COMMANDS`.
    pub fn with_raw() -> Config {
        Config { raw: true, ..Config::distro() }
    }

    /// The kernel the `CXLMI_TEST_*` variables describe. They also tell
    /// tests/test-ioctl.c what to expect, so that on a real kernel only the
    /// variables change. The rest is [`Config::distro`]'s.
    ///
    /// | variable | |
    /// |---|---|
    /// | `CXLMI_TEST_RAW=1` | built with `CONFIG_CXL_MEM_RAW_COMMANDS` (the newest deny list) |
    /// | `CXLMI_TEST_PMEM=1` | cxl_pmem holds Set LSA and Set Shutdown State (otherwise the kernel holds nothing) |
    /// | `CXLMI_TEST_PAYLOAD=N` | the mailbox payload size (default 2048, QEMU's; `0x` for hex) |
    /// | `CXLMI_TEST_SYSFS=0` | sysfs `payload_max` cannot be read (scripted kernels only) |
    pub fn from_env() -> Config {
        Config::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Config::from_env`] with the variables looked up by `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Config {
        let is = |name: &str, value: &str| var(name).is_some_and(|v| v == value);
        let payload_size = match var("CXLMI_TEST_PAYLOAD").filter(|v| !v.is_empty()) {
            None => 2048,
            Some(v) => match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                Some(hex) => usize::from_str_radix(hex, 16).ok(),
                None => v.parse().ok(),
            }
            .unwrap_or_else(|| panic!("CXLMI_TEST_PAYLOAD={v}: not a number of bytes")),
        };
        Config {
            raw: is("CXLMI_TEST_RAW", "1"),
            exclusive: if is("CXLMI_TEST_PMEM", "1") { vec![ID_SET_LSA, ID_SET_SHUTDOWN_STATE] } else { vec![] },
            payload_size,
            sysfs: !is("CXLMI_TEST_SYSFS", "0"),
            ..Config::distro()
        }
    }
}

/// A command that reached the device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub id: u32,
    pub opcode: u16,
    pub input: Vec<u8>,
    pub out_room: u32,
}

/// What the kernel saw and did; tests read and change it.
pub struct State {
    pub config: Config,
    pub sent: Vec<Sent>,
    /// ioctls refused, with their errno.
    pub refused: Vec<(u32, i32)>,
    /// The kernel warned (and tainted itself) for a RAW command.
    pub raw_warned: bool,
    /// `CXL_MEM_QUERY_COMMANDS` ioctls answered (counting ones that only ask the count).
    pub queries: usize,
    /// An errno for the next send, as a busy mailbox gives.
    pub fail_next: Option<i32>,
}

/// The device behind the kernel: opcode, input and the room the kernel has
/// for the output (the caller's, the mailbox's payload size at most) to
/// return code and output.
type Device = Box<dyn FnMut(u16, &[u8], usize) -> (u16, Vec<u8>) + Send>;

/// The kernel, in front of a device.
pub struct Kernel {
    state: Arc<Mutex<State>>,
    device: Device,
}

/// A handle on a [`Kernel`]'s state that outlives the endpoint owning it.
#[derive(Clone)]
pub struct Handle(Arc<Mutex<State>>);

impl Handle {
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap()
    }
    /// The opcodes that reached the device, in order.
    pub fn opcodes(&self) -> Vec<u16> {
        self.state().sent.iter().map(|s| s.opcode).collect()
    }
}

impl Kernel {
    /// The kernel in front of `device` (opcode and input to return code and output).
    pub fn new(
        config: Config,
        mut device: impl FnMut(u16, &[u8]) -> (u16, Vec<u8>) + Send + 'static,
    ) -> (Kernel, Handle) {
        Kernel::with_device(config, move |opcode, input, _room| device(opcode, input))
    }

    /// The kernel in front of [`qemu_type3`].
    pub fn qemu(config: Config) -> (Kernel, Handle) {
        Kernel::with_device(config, qemu_type3::answer)
    }

    /// The kernel in front of `device`, which also sees the room it has for its output.
    pub fn with_device(
        config: Config,
        device: impl FnMut(u16, &[u8], usize) -> (u16, Vec<u8>) + Send + 'static,
    ) -> (Kernel, Handle) {
        let state = Arc::new(Mutex::new(State {
            config,
            sent: Vec::new(),
            refused: Vec::new(),
            raw_warned: false,
            queries: 0,
            fail_next: None,
        }));
        (Kernel { state: state.clone(), device: Box::new(device) }, Handle(state))
    }
}

/// The table entry in slot `id`, with the flags the kernel reports for it.
fn slot(c: &Config, id: u32) -> cxl_command_info {
    if id == ID_RAW {
        return if c.raw {
            cxl_command_info { id, flags: 0, size_in: VARIABLE, size_out: VARIABLE }
        } else {
            Default::default()
        };
    }
    let Some(e) = TABLE.iter().find(|e| e.id == id) else { return Default::default() };
    let opcode = kernel::by_id(id).expect("every table id is named").opcode.0;
    let mut flags = 0;
    if e.forced || c.cel.contains(&opcode) {
        flags |= FLAG_ENABLED;
    }
    if c.exclusive.contains(&id) {
        flags |= FLAG_EXCLUSIVE;
    }
    cxl_command_info { id, flags, size_in: e.size_in, size_out: e.size_out }
}

/// `cxl_mem_raw_command_allowed()`.
fn raw_allowed(c: &Config, opcode: u16) -> bool {
    let always = [0x0202, 0x4101, 0x4103, 0x4204, 0x4304, 0x4305, 0x4300, 0x4301, 0x4302];
    let features = [0x0500, 0x0501, 0x0502];
    if !c.raw || c.lockdown {
        return false;
    }
    let denied = kernel::RAW_DENIED_SETS.contains(&((opcode >> 8) as u8))
        || always.contains(&opcode)
        || (c.deny_features && features.contains(&opcode));
    !denied
}

fn errno(e: i32) -> io::Error {
    io::Error::from_raw_os_error(e)
}

impl Kernel {
    /// `cxl_validate_cmd_from_user()`: the opcode to send, or the errno.
    fn validate(c: &Config, cmd: &cxl_send_command) -> Result<u16, i32> {
        if cmd.id == 0 || cmd.id >= c.id_max {
            return Err(libc::ENOTTY);
        }
        if cmd.r#in.size as usize > c.payload_size {
            return Err(libc::EINVAL);
        }
        if cmd.id == ID_RAW {
            if cmd.raw_rsvd != 0 || cmd.out.size as usize > c.payload_size {
                return Err(libc::EINVAL);
            }
            if !raw_allowed(c, cmd.raw_opcode) {
                return Err(libc::EPERM);
            }
            return Ok(cmd.raw_opcode);
        }
        if cmd.flags & !3 != 0 || cmd.raw_opcode != 0 || cmd.raw_rsvd != 0 || cmd.r#in.rsvd != 0 || cmd.out.rsvd != 0 {
            return Err(libc::EINVAL);
        }
        let info = slot(c, cmd.id);
        // An empty slot is never enabled.
        let enabled = info.id != 0 && (info.flags & FLAG_ENABLED != 0);
        if !enabled {
            return Err(libc::ENOTTY);
        }
        if info.flags & FLAG_EXCLUSIVE != 0 {
            return Err(libc::EBUSY);
        }
        if info.size_in != VARIABLE && info.size_in != cmd.r#in.size {
            return Err(libc::ENOMEM);
        }
        if info.size_out != VARIABLE && cmd.out.size < info.size_out {
            return Err(libc::ENOMEM);
        }
        Ok(kernel::by_id(cmd.id).expect("enabled ids are named").opcode.0)
    }
}

impl Kernel {
    /// The node's ioctl(2), as `cxl_memdev_ioctl()` takes it: `Err` is the
    /// errno the caller sees.
    ///
    /// # Safety
    /// `arg` is what `request` says: for `CXL_MEM_QUERY_COMMANDS` a
    /// `cxl_mem_query_commands` followed by room for its `n_commands`
    /// entries; for `CXL_MEM_SEND_COMMAND` a `cxl_send_command` whose
    /// payloads are as [`Mailbox::send_command`] requires.
    pub unsafe fn ioctl(&mut self, request: c_ulong, arg: *mut c_void) -> Result<(), i32> {
        match request {
            // SAFETY: per this function's contract.
            CXL_MEM_QUERY_COMMANDS => unsafe { self.query(arg.cast()) },
            // SAFETY: per this function's contract.
            CXL_MEM_SEND_COMMAND => unsafe { self.send(&mut *arg.cast()) },
            _ => Err(libc::ENOTTY),
        }
    }

    /// sysfs `payload_max`, when it can be read: the text the kernel shows.
    pub fn sysfs_payload_max(&self) -> Option<String> {
        let s = self.state.lock().unwrap();
        s.config.sysfs.then(|| format!("{}\n", s.config.payload_size))
    }

    /// `cxl_query_cmd()`: the table's length when asked for 0 entries,
    /// otherwise as many entries as asked for, the table's at most.
    unsafe fn query(&mut self, q: *mut cxl_mem_query_commands) -> Result<(), i32> {
        let mut s = self.state.lock().unwrap();
        s.queries += 1;
        let c = &s.config;
        // SAFETY: the header is there, per ioctl()'s contract.
        let asked = unsafe { (*q).n_commands };
        if asked == 0 {
            // SAFETY: as above.
            unsafe { (*q).n_commands = c.id_max };
            return Ok(());
        }
        // SAFETY: room for `asked` entries follows the header, per ioctl()'s contract.
        let entries = unsafe { q.add(1).cast::<cxl_command_info>() };
        for id in 0..c.id_max.min(asked) {
            let mut info = slot(c, id);
            if !c.flags {
                info.flags = 0;
            }
            // SAFETY: id < asked.
            unsafe { entries.add(id as usize).write_unaligned(info) };
        }
        Ok(())
    }

    /// `cxl_send_cmd()`: validate, copy the input in, send, copy the output out.
    unsafe fn send(&mut self, cmd: &mut cxl_send_command) -> Result<(), i32> {
        let mut s = self.state.lock().unwrap();
        let checked = match s.fail_next.take() {
            Some(e) => Err(e),
            None => Kernel::validate(&s.config, cmd),
        };
        let opcode = match checked {
            Ok(op) => op,
            Err(e) => {
                s.refused.push((cmd.id, e));
                return Err(e);
            }
        };
        // Only now does the kernel copy the input in.
        let input = if cmd.r#in.size == 0 {
            Vec::new()
        } else {
            // SAFETY: readable per ioctl()'s contract.
            unsafe { core::slice::from_raw_parts(cmd.r#in.payload as *const u8, cmd.r#in.size as usize) }.to_vec()
        };
        // cxl_payload_from_user_allowed(): no immediate repartitioning.
        if opcode == 0x4101 && input.get(8).is_some_and(|f| f & 1 != 0) {
            s.refused.push((cmd.id, libc::EBUSY));
            return Err(libc::EBUSY);
        }
        if cmd.id == ID_RAW {
            s.raw_warned = true;
        }
        s.sent.push(Sent { id: cmd.id, opcode, input: input.clone(), out_room: cmd.out.size });
        // The driver's bounce buffer: what the caller has room for, no more than the mailbox.
        let room = (cmd.out.size as usize).min(s.config.payload_size);
        drop(s);
        let (rc, output) = (self.device)(opcode, &input, room);
        let out = if cmd.out.size == 0 {
            &mut [][..]
        } else {
            // SAFETY: writable per ioctl()'s contract.
            unsafe { core::slice::from_raw_parts_mut(cmd.out.payload as *mut u8, cmd.out.size as usize) }
        };
        // After a device error the driver copies out its zeroed buffer whole.
        let n = if rc == 0 { output.len().min(room) } else { room };
        out[..n].fill(0);
        if rc == 0 {
            out[..n].copy_from_slice(&output[..n]);
        }
        cmd.out.size = n as u32;
        cmd.retval = u32::from(rc);
        Ok(())
    }
}

/// The transport's view, through the same ioctls a device node takes.
impl Mailbox for Kernel {
    fn query_commands(&mut self) -> io::Result<Vec<cxl_command_info>> {
        // First the count, then that many entries after the header, as the transport asks a node.
        let mut count = cxl_mem_query_commands::default();
        // SAFETY: a live header; asking for 0 entries, only the count is written.
        unsafe { self.ioctl(CXL_MEM_QUERY_COMMANDS, (&raw mut count).cast()) }.map_err(errno)?;
        const WORDS: usize = size_of::<cxl_command_info>() / 4;
        let mut buf = vec![0u32; 2 + WORDS * count.n_commands as usize];
        buf[0] = count.n_commands;
        // SAFETY: `buf` holds the header and room for the entries it asks for.
        unsafe { self.ioctl(CXL_MEM_QUERY_COMMANDS, buf.as_mut_ptr().cast()) }.map_err(errno)?;
        Ok(buf[2..]
            .chunks_exact(WORDS)
            .map(|w| cxl_command_info { id: w[0], flags: w[1], size_in: w[2], size_out: w[3] })
            .collect())
    }

    fn payload_max(&mut self) -> Option<usize> {
        self.sysfs_payload_max()?.trim().parse().ok()
    }

    unsafe fn send_command(&mut self, cmd: &mut cxl_send_command) -> io::Result<()> {
        // SAFETY: the payloads are as this function's contract says, which is ioctl()'s.
        unsafe { self.ioctl(CXL_MEM_SEND_COMMAND, (cmd as *mut cxl_send_command).cast()) }.map_err(errno)
    }
}

/// The QEMU-like type 3 device the C tests and the tool's tests run against
/// (through the ioctl shim), and the values it answers with. The C tests
/// check the answers with tests/ioctl-shim.h's `SHIM_*` copies of these
/// values, which a test here holds to them.
pub mod qemu_type3 {
    use cxlmi::cci::{HEADER_LEN, Opcode};
    use cxlmi::tunnel;
    use cxlmi::types::cxlmi_cmd_retcode::{CXLMI_RET_INPUT, CXLMI_RET_PAYLOADLEN, CXLMI_RET_UNSUPPORTED};

    use crate::sim::Component;

    /// Identify's serial number.
    pub const SERIAL: u64 = 0x0807_0605_0403_0201;
    /// Identify Memory Device's firmware revision.
    pub const FW_REVISION: &str = "QEMU CXL type 3";
    /// Total, volatile-only and persistent-only capacity, and the active
    /// partitions, in 256 MB units.
    pub const TOTAL_CAPACITY: u64 = 4;
    pub const VOLATILE: u64 = 2;
    pub const PERSISTENT: u64 = 2;
    /// Get Health Info: life used (percent) and temperature (degrees Celsius).
    pub const LIFE_USED: u8 = 33;
    pub const TEMPERATURE: u16 = 25;
    /// Informational event records the device holds.
    pub const EVENT_BACKLOG: usize = 20;
    /// Get Timestamp.
    pub const TIMESTAMP: u64 = 0x1122_3344_5566_7788;

    /// Get Event Records' output header and record size (CXL r3.1 section 8.2.9.2.2).
    const EVENTS_HEADER: usize = 0x20;
    const EVENT_RECORD: usize = 128;

    fn put(p: &mut [u8], at: usize, bytes: &[u8]) {
        p[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// The return code and output for `opcode` with `input`, the output for
    /// `room` bytes (Get Event Records returns as many records as fit).
    pub fn answer(opcode: u16, input: &[u8], room: usize) -> (u16, Vec<u8>) {
        let invalid = (CXLMI_RET_INPUT as u16, vec![]);
        match opcode {
            // Identify (CXL r3.1 section 8.2.9.1.1): a type 3 device.
            0x0001 => {
                let mut p = vec![0; 18];
                put(&mut p, 0, &0x8086u16.to_le_bytes());
                put(&mut p, 2, &0x0d93u16.to_le_bytes());
                put(&mut p, 8, &SERIAL.to_le_bytes());
                p[16] = 0x0b; // max message size 2^11
                p[17] = 3; // component type: type 3 device
                (0, p)
            }
            // Identify Memory Device: 45h bytes in CXL r3.1.
            0x4000 => {
                let mut p = vec![0; 0x45];
                put(&mut p, 0, FW_REVISION.as_bytes());
                put(&mut p, 0x10, &TOTAL_CAPACITY.to_le_bytes());
                put(&mut p, 0x18, &VOLATILE.to_le_bytes());
                put(&mut p, 0x20, &PERSISTENT.to_le_bytes());
                (0, p)
            }
            // Get Partition Info: the active partitions.
            0x4100 => {
                let mut p = vec![0; 0x20];
                put(&mut p, 0, &VOLATILE.to_le_bytes());
                put(&mut p, 8, &PERSISTENT.to_le_bytes());
                (0, p)
            }
            // Get Health Info.
            0x4200 => {
                let mut p = vec![0; 0x12];
                p[3] = LIFE_USED;
                put(&mut p, 4, &TEMPERATURE.to_le_bytes());
                (0, p)
            }
            0x0300 => (0, TIMESTAMP.to_le_bytes().to_vec()),
            // Set Partition Info (0Ah bytes, as QEMU takes it) and Set Alert Configuration.
            0x4101 | 0x4202 => {
                let want = if opcode == 0x4101 { 0x0a } else { 0x0c };
                (if input.len() == want { 0 } else { CXLMI_RET_PAYLOADLEN as u16 }, vec![])
            }
            // Get Event Records: as many as the room holds, the rest left for later.
            0x0100 => {
                if room < EVENTS_HEADER {
                    return invalid;
                }
                let count = ((room - EVENTS_HEADER) / EVENT_RECORD).min(EVENT_BACKLOG);
                let mut p = vec![0; EVENTS_HEADER + count * EVENT_RECORD];
                if count < EVENT_BACKLOG {
                    p[0] = 0x02; // More Event Records
                }
                put(&mut p, 0x14, &(count as u16).to_le_bytes());
                for i in 0..count {
                    let record = EVENTS_HEADER + i * EVENT_RECORD;
                    p[record + 16] = EVENT_RECORD as u8; // record length
                    put(&mut p, record + 20, &(i as u16 + 1).to_le_bytes()); // handle
                }
                (0, p)
            }
            // Tunnel Management Command (CXL r3.1 section 7.6.7.3.1): the same device answers
            // the message inside, as an LD behind it would.
            op if op == tunnel::OPCODE.0 => {
                let declared = input.get(2..4).map(|n| usize::from(u16::from_le_bytes([n[0], n[1]])));
                if input.len() < 4 + HEADER_LEN || declared != Some(input.len() - 4) || room < 4 + HEADER_LEN {
                    return invalid;
                }
                let inner_room = room - 4 - HEADER_LEN;
                Component::new(move |_, op, p| answer(op.0, p, inner_room)).answer_payload(Opcode(opcode), input)
            }
            _ => (CXLMI_RET_UNSUPPORTED as u16, vec![]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_variables_describe_the_kernel() {
        let vars = |list: &'static [(&str, &str)]| {
            move |name: &str| list.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
        };
        let c = Config::from_vars(vars(&[]));
        assert!(!c.raw && c.sysfs && c.exclusive.is_empty());
        assert_eq!(c.payload_size, 2048);
        let c = Config::from_vars(vars(&[
            ("CXLMI_TEST_RAW", "1"),
            ("CXLMI_TEST_PMEM", "1"),
            ("CXLMI_TEST_PAYLOAD", "0x400"),
            ("CXLMI_TEST_SYSFS", "0"),
        ]));
        assert!(c.raw && !c.sysfs);
        assert_eq!((c.payload_size, c.exclusive), (1024, vec![ID_SET_LSA, ID_SET_SHUTDOWN_STATE]));
        assert_eq!(Config::from_vars(vars(&[("CXLMI_TEST_PAYLOAD", "1024")])).payload_size, 1024);
    }

    #[test]
    fn the_query_counts_then_lists() {
        let (mut k, handle) = Kernel::qemu(Config::distro());
        let mut buf = [0u32; 2 + 4 * 3];
        buf[0] = 3;
        // SAFETY: a header with room for the 3 entries it asks for.
        unsafe { k.ioctl(CXL_MEM_QUERY_COMMANDS, buf.as_mut_ptr().cast()) }.unwrap();
        assert_eq!(buf[2..6], [0, 0, 0, 0], "slot 0 is empty");
        assert_eq!(buf[6..10], [1, FLAG_ENABLED, 0, 0x43]);
        assert_eq!(buf[10..14], [0; 4], "no RAW");
        buf[0] = 0;
        // SAFETY: as above.
        unsafe { k.ioctl(CXL_MEM_QUERY_COMMANDS, buf.as_mut_ptr().cast()) }.unwrap();
        assert_eq!(buf[0], ID_MAX);
        assert_eq!(handle.state().queries, 2);
        // SAFETY: an unknown request reads nothing.
        assert_eq!(unsafe { k.ioctl(0xce03, core::ptr::null_mut()) }, Err(libc::ENOTTY));
        assert_eq!(k.sysfs_payload_max().as_deref(), Some("2048\n"));
    }

    #[test]
    fn the_device_returns_as_many_events_as_fit() {
        for (room, count, more) in [(2048, 15, true), (1024, 7, true), (4096, qemu_type3::EVENT_BACKLOG, false)] {
            let (rc, p) = qemu_type3::answer(0x0100, &[0], room);
            assert_eq!((rc, usize::from(p[0x14]), p[0] & 2 != 0, p.len()), (0, count, more, 0x20 + count * 128));
        }
        assert_eq!(qemu_type3::answer(0x0100, &[0], 16).0, 2);
    }

    /// tests/ioctl-shim.h repeats the device's values for the C tests.
    #[test]
    fn the_c_header_has_the_devices_values() {
        let header = include_str!("../../ioctl-shim.h");
        let defines: HashMap<&str, &str> = header
            .lines()
            .filter_map(|l| l.strip_prefix("#define SHIM_"))
            .map(|l| {
                let l = l.split("/*").next().unwrap().trim();
                let (name, value) = l.split_once(char::is_whitespace).expect("#define NAME VALUE");
                (name, value.trim())
            })
            .collect();
        let number = |name: &str| {
            let v = defines
                .get(name)
                .unwrap_or_else(|| panic!("SHIM_{name} is not defined"))
                .trim_end_matches(['u', 'U', 'l', 'L']);
            match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => v.parse(),
            }
            .unwrap_or_else(|e| panic!("SHIM_{name} {v}: {e}"))
        };
        use qemu_type3::*;
        assert_eq!(number("SERIAL"), SERIAL);
        assert_eq!(defines["FW_REVISION"], format!("{FW_REVISION:?}"));
        assert_eq!(number("TOTAL_CAPACITY"), TOTAL_CAPACITY);
        assert_eq!(number("VOLATILE"), VOLATILE);
        assert_eq!(number("PERSISTENT"), PERSISTENT);
        assert_eq!(number("LIFE_USED"), u64::from(LIFE_USED));
        assert_eq!(number("TEMPERATURE"), u64::from(TEMPERATURE));
        assert_eq!(number("EVENT_BACKLOG"), EVENT_BACKLOG as u64);
        assert_eq!(number("ID_SET_ALERT_CONFIG"), 12);
        assert_eq!(kernel::by_id(12).unwrap().opcode.0, 0x4202);
        assert_eq!(defines.len(), 9, "a SHIM_ value this test does not know: {defines:?}");
    }
}
