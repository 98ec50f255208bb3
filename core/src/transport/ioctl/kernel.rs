//! What the Linux kernel's CXL memory device driver offers user space: the
//! structures and ioctls of `<linux/cxl_mem.h>`, its named command ids and
//! the opcode behind each (`cxl_mem_commands[]` of drivers/cxl/core/mbox.c),
//! and the opcodes it refuses as RAW commands.
//!
//! The sizes each id takes are not here: the running kernel reports them
//! (`CXL_MEM_QUERY_COMMANDS`), and they are what it checks.

use crate::cci::Opcode;

/// `struct cxl_command_info`: one entry of the kernel's command table.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct cxl_command_info {
    pub id: u32,
    pub flags: u32,
    /// Exact input size the kernel accepts, or [`VARIABLE`].
    pub size_in: u32,
    /// Least output room the kernel accepts, or [`VARIABLE`].
    pub size_out: u32,
}

/// `struct cxl_mem_query_commands` without its flexible array of
/// [`cxl_command_info`], which follows it in the caller's buffer.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct cxl_mem_query_commands {
    /// In: entries the buffer has room for (0: only count them). Out, when
    /// 0 was passed: how many entries the kernel's table has.
    pub n_commands: u32,
    pub rsvd: u32,
}

/// One direction of a mailbox command: size and user address of its payload.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct cxl_command_payload {
    pub size: u32,
    pub rsvd: u32,
    pub payload: u64,
}

/// `struct cxl_send_command`, with its union spelled as the RAW command's
/// opcode and reserved halves.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct cxl_send_command {
    pub id: u32,
    pub flags: u32,
    pub raw_opcode: u16,
    pub raw_rsvd: u16,
    pub retval: u32,
    pub r#in: cxl_command_payload,
    pub out: cxl_command_payload,
}

const _: () = {
    assert!(size_of::<cxl_command_info>() == 16);
    assert!(size_of::<cxl_mem_query_commands>() == 8);
    assert!(size_of::<cxl_send_command>() == 48);
    assert!(core::mem::offset_of!(cxl_send_command, raw_opcode) == 8);
    assert!(core::mem::offset_of!(cxl_send_command, retval) == 12);
    assert!(core::mem::offset_of!(cxl_send_command, r#in) == 16);
    assert!(core::mem::offset_of!(cxl_send_command, out) == 32);
};

// `CXL_MEM_QUERY_COMMANDS` = _IOR(0xCE, 1, struct cxl_mem_query_commands) and
// `CXL_MEM_SEND_COMMAND` = _IOWR(0xCE, 2, struct cxl_send_command).
nix::ioctl_read!(query_commands, 0xCE, 1, cxl_mem_query_commands);
nix::ioctl_readwrite!(send_command, 0xCE, 2, cxl_send_command);

/// The two requests' numbers, for code that answers them (a scripted kernel).
pub const CXL_MEM_QUERY_COMMANDS: libc::c_ulong =
    nix::request_code_read!(0xCE, 1, size_of::<cxl_mem_query_commands>()) as libc::c_ulong;
pub const CXL_MEM_SEND_COMMAND: libc::c_ulong =
    nix::request_code_readwrite!(0xCE, 2, size_of::<cxl_send_command>()) as libc::c_ulong;

const _: () = {
    assert!(CXL_MEM_QUERY_COMMANDS as u32 == 0x8008_ce01);
    assert!(CXL_MEM_SEND_COMMAND as u32 == 0xc030_ce02);
};

/// `size_in`/`size_out` of a command whose payload size varies.
pub const VARIABLE: u32 = u32::MAX;
/// `CXL_MEM_COMMAND_FLAG_ENABLED`: the device lists the opcode in its Command
/// Effects Log, so the kernel sends it. The first kernels with the ioctl
/// never set it.
pub const FLAG_ENABLED: u32 = 1 << 0;
/// `CXL_MEM_COMMAND_FLAG_EXCLUSIVE`: the kernel holds the command for itself
/// (for instance the label storage area while cxl_pmem manages it), and
/// sending it fails with EBUSY.
pub const FLAG_EXCLUSIVE: u32 = 1 << 1;
/// `CXL_MEM_COMMAND_ID_RAW`: any opcode, present in the table only in kernels
/// built with `CONFIG_CXL_MEM_RAW_COMMANDS` (distribution kernels are not).
pub const ID_RAW: u32 = 2;

/// A command the kernel sends by its own id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Named {
    pub id: u32,
    pub opcode: Opcode,
    /// The kernel's name for it (`cxl_command_names[]`).
    pub name: &'static str,
}

const fn named(id: u32, opcode: u16, name: &'static str) -> Named {
    Named { id, opcode: Opcode(opcode), name }
}

/// The uapi's command ids (new ones are only ever appended) and the opcode
/// the driver sends for each. Ids 15-17, 19 and 20 are deprecated: newer
/// kernels leave their slots empty (the query reports id 0 there), older
/// ones still send them. Ids past a kernel's table are simply not reported.
pub const NAMED: [Named; 23] = [
    named(1, 0x4000, "Identify Memory Device"),
    named(3, 0x0400, "Get Supported Logs"),
    named(4, 0x0200, "Get FW Info"),
    named(5, 0x4100, "Get Partition Information"),
    named(6, 0x4102, "Get Label Storage Area"),
    named(7, 0x4200, "Get Health Info"),
    named(8, 0x0401, "Get Log"),
    named(9, 0x4101, "Set Partition Information"),
    named(10, 0x4103, "Set Label Storage Area"),
    named(11, 0x4201, "Get Alert Configuration"),
    named(12, 0x4202, "Set Alert Configuration"),
    named(13, 0x4203, "Get Shutdown State"),
    named(14, 0x4204, "Set Shutdown State"),
    named(15, 0x4300, "Get Poison List"),
    named(16, 0x4301, "Inject Poison"),
    named(17, 0x4302, "Clear Poison"),
    named(18, 0x4303, "Get Scan Media Capabilities"),
    named(19, 0x4304, "Scan Media"),
    named(20, 0x4305, "Get Scan Media Results"),
    named(21, 0x0300, "Get Timestamp"),
    named(22, 0x0402, "Get Log Capabilities"),
    named(23, 0x0403, "Clear Log"),
    named(24, 0x0405, "Get Supported Logs Sub-List"),
];

/// The command with kernel id `id`, if this library knows that id.
pub fn by_id(id: u32) -> Option<&'static Named> {
    NAMED.iter().find(|n| n.id == id)
}

/// Command sets the kernel never lets through RAW (Sanitize, Persistent
/// Memory Data-at-rest Security, Security Passthrough): their payloads carry
/// secrets that belong behind the kernel's keys interface.
pub const RAW_DENIED_SETS: [u8; 3] = [0x44, 0x45, 0x46];

/// Opcodes on the kernel's RAW deny list (`cxl_disabled_raw_commands[]`),
/// with the kernels that refuse them. Which of these a kernel refuses, and
/// whether it refuses RAW altogether (lockdown), is its own business: the
/// transport asks by sending, and the kernel refuses before it sends
/// anything or warns. This list only explains the refusal.
pub const RAW_DENIED: [(u16, &str); 12] = [
    (0x0202, "firmware activation, which needs the root port's timeouts adjusted"),
    (0x4101, "changing partitions, which must follow the HDM decoders"),
    (0x4103, "writing the label storage area, which the kernel caches"),
    (0x4204, "setting the shutdown state, which the kernel owns"),
    (0x4304, "scan media, whose error list the kernel keeps"),
    (0x4305, "scan media results, whose error list the kernel keeps"),
    (0x4300, "poison lists, which need the kernel's coordination (not in the first kernels with RAW)"),
    (0x4301, "poison injection, which needs the kernel's coordination (not in the first kernels with RAW)"),
    (0x4302, "clearing poison, which needs the kernel's coordination (not in the first kernels with RAW)"),
    (0x0500, "features, which the kernel manages (only the newest kernels)"),
    (0x0501, "features, which the kernel manages (only the newest kernels)"),
    (0x0502, "features, which the kernel manages (only the newest kernels)"),
];

/// Why the kernel refuses `opcode` in RAW, when it is one it is known to refuse.
pub fn raw_denial(opcode: Opcode) -> Option<&'static str> {
    if RAW_DENIED_SETS.contains(&opcode.command_set()) {
        return Some("sanitize and security commands, whose payloads belong behind the kernel's keys interface");
    }
    RAW_DENIED.iter().find(|(op, _)| *op == opcode.0).map(|(_, why)| *why)
}

/// The CXL mailbox's smallest payload size (CXL r3.1 section 8.2.8.4.3,
/// Payload Size: 2^8 bytes), which every device allows.
pub const MIN_PAYLOAD: usize = 256;
/// The largest payload size the kernel uses (it caps the device's at 1 MiB).
pub const MAX_PAYLOAD: usize = 1 << 20;
