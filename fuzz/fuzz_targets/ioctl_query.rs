//! The Linux mailbox transport's reading of what the kernel says: its `CXL_MEM_QUERY_COMMANDS`
//! table, its payload size (sysfs or probed) and the results of `CXL_MEM_SEND_COMMAND` (errors,
//! return codes, output sizes and bytes), through an endpoint running a few commands.
//!
//! Input: `[n (table entries, bit 7: the query fails), payload_max (3 bytes, 0: none),
//! n * entry (id, flags, size_in (LE16, FFFFh: variable), size_out (LE16, FFFFh: variable)),
//! then send results, taken in turn: (kind, retval (LE16), out.size (LE16), data length, data)]`.

#![no_main]

use std::hint::black_box;
use std::io;

use cxlmi::commands::{generic, memdev};
use cxlmi::log::Logger;
use cxlmi::transport::ioctl::{Mailbox, cxl_command_info, cxl_send_command};
use cxlmi::wire::Wire;
use cxlmi::{Context, Tunnel};
use libfuzzer_sys::fuzz_target;

/// What a send answers.
struct Send {
    kind: u8,
    retval: u16,
    out_size: u16,
    data: Vec<u8>,
}

struct FuzzMailbox {
    query_fails: bool,
    table: Vec<cxl_command_info>,
    payload_max: Option<usize>,
    sends: Vec<Send>,
    next: usize,
}

fn size(v: u16) -> u32 {
    if v == 0xffff { u32::MAX } else { v.into() }
}

impl FuzzMailbox {
    fn parse(data: &[u8]) -> Option<FuzzMailbox> {
        let (&n, rest) = data.split_first()?;
        let pm = rest.get(..3)?;
        let pm = usize::from(pm[0]) | usize::from(pm[1]) << 8 | usize::from(pm[2]) << 16;
        let mut rest = &rest[3..];
        let mut table = Vec::new();
        for _ in 0..(n & 0x1f) {
            let e = rest.get(..6)?;
            table.push(cxl_command_info {
                id: e[0].into(),
                flags: e[1].into(),
                size_in: size(u16::from_le_bytes([e[2], e[3]])),
                size_out: size(u16::from_le_bytes([e[4], e[5]])),
            });
            rest = &rest[6..];
        }
        let mut sends = Vec::new();
        while rest.len() >= 6 {
            let len = usize::from(rest[5]).min(rest.len() - 6);
            sends.push(Send {
                kind: rest[0],
                retval: u16::from_le_bytes([rest[1], rest[2]]),
                out_size: u16::from_le_bytes([rest[3], rest[4]]),
                data: rest[6..6 + len].to_vec(),
            });
            rest = &rest[6 + len..];
        }
        Some(FuzzMailbox { query_fails: n & 0x80 != 0, table, payload_max: (pm != 0).then_some(pm), sends, next: 0 })
    }
}

impl Mailbox for FuzzMailbox {
    fn query_commands(&mut self) -> io::Result<Vec<cxl_command_info>> {
        if self.query_fails { Err(io::Error::from_raw_os_error(libc_enotty())) } else { Ok(self.table.clone()) }
    }

    fn payload_max(&mut self) -> Option<usize> {
        self.payload_max
    }

    unsafe fn send_command(&mut self, cmd: &mut cxl_send_command) -> io::Result<()> {
        if self.sends.is_empty() {
            cmd.out.size = 0;
            return Ok(());
        }
        let s = &self.sends[self.next % self.sends.len()];
        self.next += 1;
        const ERRNOS: [i32; 6] = [1, 12, 16, 22, 25, 95]; // EPERM ENOMEM EBUSY EINVAL ENOTTY EOPNOTSUPP
        if s.kind & 3 == 1 {
            return Err(io::Error::from_raw_os_error(ERRNOS[usize::from(s.kind >> 2) % ERRNOS.len()]));
        }
        // As the kernel does: write no more than the room given, then report a size.
        let n = s.data.len().min(cmd.out.size as usize);
        if n > 0 && cmd.out.payload != 0 {
            // SAFETY: the caller guarantees `out.payload` is writable for `out.size` bytes.
            let out = unsafe { std::slice::from_raw_parts_mut(cmd.out.payload as *mut u8, n) };
            out.copy_from_slice(&s.data[..n]);
        }
        cmd.retval = s.retval.into();
        // kind & 3: 0 the bytes written, 2 the fuzz's size (maybe past the room), 3 the room.
        cmd.out.size = match s.kind & 3 {
            0 => n as u32,
            2 => s.out_size.into(),
            _ => cmd.out.size,
        };
        Ok(())
    }
}

fn libc_enotty() -> i32 {
    25
}

fuzz_target!(|data: &[u8]| {
    let Some(mailbox) = FuzzMailbox::parse(data) else { return };
    let ctx = Context::new(Logger::stderr(-1));
    ctx.set_probe_enabled(false);
    let mut ep = ctx.open_mailbox(Box::new(mailbox), "mem0".into());
    if let Some(mode) = ep.mailbox_mode() {
        black_box((mode.knows_commands(), mode.raw(), mode.payload_max()));
        black_box(mode.by_id().count() + mode.claimed().count());
    }
    if let Ok(id) = ep.execute::<generic::Identify>(Tunnel::None, &()) {
        black_box(id);
    }
    if let Ok(l) = ep.execute::<generic::GetSupportedLogs>(Tunnel::None, &()) {
        black_box(l.entries().count());
    }
    let req = cxlmi::types::cxlmi_cmd_get_log_req { offset: 0, length: 0x100, uuid: generic::CEL_UUID };
    if let Ok(l) = ep.execute::<generic::GetLogCel>(Tunnel::None, &req) {
        black_box(l.entries().count());
    }
    if let Ok(p) = ep.execute::<memdev::GetPartitionInfo>(Tunnel::None, &()) {
        black_box(p);
    }
    let req = cxlmi::types::cxlmi_cmd_memdev_get_poison_list_req::zeroed();
    if let Ok(l) = ep.execute::<memdev::GetPoisonList>(Tunnel::None, &req) {
        black_box(l.entries().count());
    }
    let _ = ep.vendor_specific(Tunnel::None, 0xc000, &[1, 2, 3], 8);
    if ep.enable_fmapi().is_ok() {
        if let Ok(id) = ep.execute::<generic::Identify>(Tunnel::Port(1), &()) {
            black_box(id);
        }
    }
});
