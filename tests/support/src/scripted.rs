//! A scripted kernel for tests: the CXL memory device ioctls answered as
//! drivers/cxl/core/mbox.c answers them (its command table, its checks in
//! their order and with their errnos, its RAW deny list), in front of a
//! simulated device. tests/ioctl-shim.c plays the same kernel for the C tests.

use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

use cxlmi::transport::ioctl::kernel::{self, FLAG_ENABLED, FLAG_EXCLUSIVE, ID_RAW, VARIABLE, cxl_command_info, cxl_send_command};
use cxlmi::transport::ioctl::Mailbox;

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
    0x0100, 0x0101, 0x0102, 0x0103, 0x0200, 0x0201, 0x0202, 0x0300, 0x0301, 0x0400, 0x0401, 0x0402, 0x0403,
    0x0500, 0x0501, 0x0502, 0x4000, 0x4100, 0x4101, 0x4102, 0x4103, 0x4200, 0x4201, 0x4202, 0x4300, 0x4301,
    0x4302, 0x4303, 0x4304, 0x4305, 0x4400, 0x4401, 0x4500,
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
    pub queries: usize,
    /// An errno for the next send, as a busy mailbox gives.
    pub fail_next: Option<i32>,
}

type Device = Box<dyn FnMut(u16, &[u8]) -> (u16, Vec<u8>) + Send>;

/// The kernel, in front of `device` (opcode and input to return code and output).
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
    pub fn new(config: Config, device: impl FnMut(u16, &[u8]) -> (u16, Vec<u8>) + Send + 'static) -> (Kernel, Handle) {
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
        return if c.raw { cxl_command_info { id, flags: 0, size_in: VARIABLE, size_out: VARIABLE } } else { Default::default() };
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

impl Mailbox for Kernel {
    fn query_commands(&mut self) -> io::Result<Vec<cxl_command_info>> {
        let mut s = self.state.lock().unwrap();
        s.queries += 1;
        let c = &s.config;
        Ok((0..c.id_max)
            .map(|id| {
                let mut info = slot(c, id);
                if !c.flags {
                    info.flags = 0;
                }
                info
            })
            .collect())
    }

    fn payload_max(&mut self) -> Option<usize> {
        let s = self.state.lock().unwrap();
        s.config.sysfs.then_some(s.config.payload_size)
    }

    unsafe fn send_command(&mut self, cmd: &mut cxl_send_command) -> io::Result<()> {
        let mut s = self.state.lock().unwrap();
        let checked = match s.fail_next.take() {
            Some(e) => Err(e),
            None => Kernel::validate(&s.config, cmd),
        };
        let opcode = match checked {
            Ok(op) => op,
            Err(e) => {
                s.refused.push((cmd.id, e));
                return Err(errno(e));
            }
        };
        // Only now does the kernel copy the input in.
        let input = if cmd.r#in.size == 0 {
            Vec::new()
        } else {
            // SAFETY: readable per the trait's contract.
            unsafe { core::slice::from_raw_parts(cmd.r#in.payload as *const u8, cmd.r#in.size as usize) }.to_vec()
        };
        // cxl_payload_from_user_allowed(): no immediate repartitioning.
        if opcode == 0x4101 && input.get(8).is_some_and(|f| f & 1 != 0) {
            s.refused.push((cmd.id, libc::EBUSY));
            return Err(errno(libc::EBUSY));
        }
        if cmd.id == ID_RAW {
            s.raw_warned = true;
        }
        s.sent.push(Sent { id: cmd.id, opcode, input: input.clone(), out_room: cmd.out.size });
        let payload_size = s.config.payload_size;
        drop(s);
        let (rc, output) = (self.device)(opcode, &input);
        let room = (cmd.out.size as usize).min(payload_size);
        let out = if cmd.out.size == 0 {
            &mut [][..]
        } else {
            // SAFETY: writable per the trait's contract.
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
