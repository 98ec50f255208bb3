//! A device's response, whatever it says: the fuzz input answers every command of the registry
//! (raw framing through `Endpoint::transact`) and a set of typed commands whose decoding is
//! variable-length (`Endpoint::execute`), directly or through one or two Tunnel Management
//! Commands (the unwrapping in `cxlmi::tunnel`).
//!
//! Input: `[mode, tunnel, params (32 bytes: the typed commands' request fields), response...]`.
//! `mode` bit 0: patch the response's header to answer the request (category, tag, opcode, length);
//! bit 1: patch the tunnelled messages inside too; bit 2: use the registry loop.

#![no_main]

use std::hint::black_box;

use cxlmi::cci::{CATEGORY_RESPONSE, HEADER_LEN, Opcode, ResponseSize};
use cxlmi::commands::{Listed, WithItems, catalog, fmapi, generic, memdev};
use cxlmi::log::Logger;
use cxlmi::transport::Transport;
use cxlmi::wire::Wire;
use cxlmi::{Context, Result, Tunnel};
use libfuzzer_sys::fuzz_target;

const PARAMS: usize = 32;

/// A component that answers every request with the same bytes.
struct Replay {
    rsp: Vec<u8>,
    patch: bool,
    patch_inner: bool,
}

/// Makes the header at `rsp` answer the request at `req`, and the tunnelled message inside
/// answer the tunnelled request, `depth` levels down.
fn patch(req: &[u8], rsp: &mut [u8], depth: u32) {
    if req.len() < HEADER_LEN || rsp.len() < HEADER_LEN {
        return;
    }
    let len = rsp.len() - HEADER_LEN;
    rsp[0] = CATEGORY_RESPONSE;
    rsp[1] = req[1];
    rsp[3] = req[3];
    rsp[4] = req[4];
    rsp[5] = len as u8;
    rsp[6] = (len >> 8) as u8;
    rsp[7] = (rsp[7] & 0x80) | ((len >> 16) as u8 & 0xf);
    let tunnel = cxlmi::tunnel::OPCODE;
    let inner = HEADER_LEN + cxlmi::tunnel::REQUEST_HEADER_LEN;
    let inner_rsp = HEADER_LEN + cxlmi::tunnel::RESPONSE_HEADER_LEN;
    if depth > 0 && req[3] == tunnel.command() && req[4] == tunnel.command_set() && rsp.len() >= inner_rsp {
        let n = rsp.len() - inner_rsp;
        rsp[HEADER_LEN] = n as u8;
        rsp[HEADER_LEN + 1] = (n >> 8) as u8;
        if req.len() >= inner {
            patch(&req[inner..], &mut rsp[inner_rsp..], depth - 1);
        }
    }
}

impl Transport for Replay {
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], _fmapi: bool, _timeout_ms: u32) -> Result<usize> {
        let n = self.rsp.len().min(rsp.len());
        rsp[..n].copy_from_slice(&self.rsp[..n]);
        if self.patch {
            patch(req, &mut rsp[..n], if self.patch_inner { 2 } else { 0 });
        }
        Ok(n)
    }

    fn describe(&self) -> String {
        "fuzz".into()
    }
}

/// A request struct read from the fuzz parameters (zero-padded).
fn input<T: Wire>(params: &[u8]) -> T {
    let mut b = vec![0u8; T::SIZE];
    let n = b.len().min(params.len());
    b[..n].copy_from_slice(&params[..n]);
    T::decode(&b)
}

/// Reads every entry of a list, as a caller would.
fn walk<H: Copy, E: Wire>(list: Listed<'_, H, E>) {
    black_box(list.head);
    assert!(list.entries().len() == list.count());
    for e in list.entries() {
        black_box(e);
    }
}

fn tunnel_of(b: u8) -> Tunnel {
    match b & 3 {
        0 => Tunnel::None,
        1 => Tunnel::Port(b >> 2),
        2 => Tunnel::LdPool,
        _ => Tunnel::PortThenLd { port: (b >> 2) & 7, ld: b >> 5 },
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 + PARAMS {
        return;
    }
    let (mode, tun, params, rsp) = (data[0], tunnel_of(data[1]), &data[2..2 + PARAMS], &data[2 + PARAMS..]);
    let ctx = Context::new(Logger::stderr(-1));
    ctx.set_probe_enabled(false);
    let mut ep =
        ctx.open_with(Box::new(Replay { rsp: rsp.to_vec(), patch: mode & 1 != 0, patch_inner: mode & 2 != 0 }));
    let _ = ep.enable_fmapi();

    if mode & 4 != 0 {
        // Every command of the registry, framing only.
        let max = 4096;
        for entry in catalog::commands() {
            if let Ok(r) = ep.transact(tun, entry.opcode, 0, |_| {}, ResponseSize::between(0, max)) {
                assert!(r.bytes.len() == max && r.len <= max);
                black_box(r.sent());
            }
        }
        let _ = ep.transact(tun, Opcode(0x0001), 0, |_| {}, ResponseSize::fixed(params[0].into()));
        let _ = ep.vendor_specific(tun, 0xc000 | u16::from(params[1]), &params[2..], params[0].into());
        return;
    }

    match mode >> 3 {
        0 => {
            if let Ok(id) = ep.execute::<generic::Identify>(tun, &()) {
                black_box(id);
            }
        }
        1 => {
            if let Ok(l) = ep.execute::<generic::GetEventRecords>(tun, &input(params)) {
                walk(l)
            }
        }
        2 => {
            if let Ok(l) = ep.execute::<generic::GetSupportedLogs>(tun, &()) {
                walk(l)
            }
        }
        3 => {
            let mut req: cxlmi::types::cxlmi_cmd_get_log_req = input(params);
            req.length %= 0x2000;
            if let Ok(l) = ep.execute::<generic::GetLogCel>(tun, &req) {
                walk(l)
            }
        }
        4 => {
            if let Ok(l) = ep.execute::<generic::GetSupportedFeatures>(tun, &input(params)) {
                walk(l)
            }
        }
        5 => {
            if let Ok(d) = ep.execute::<generic::GetFeature>(tun, &input(params)) {
                black_box(d);
            }
        }
        6 => {
            let mut req: cxlmi::types::cxlmi_cmd_get_log_req = input(params);
            req.length %= 0x2000;
            if let Ok(d) = ep.execute::<generic::GetLog>(tun, &req) {
                black_box(d);
            }
        }
        7 => {
            if let Ok(l) = ep.execute::<memdev::GetPoisonList>(tun, &input(params)) {
                walk(l)
            }
        }
        8 => {
            if let Ok(c) = ep.execute::<memdev::GetDcConfig>(tun, &input(params)) {
                black_box(c);
            }
        }
        9 => {
            if let Ok(l) = ep.execute::<memdev::GetDcExtentList>(tun, &input(params)) {
                walk(l)
            }
        }
        10 => {
            if let Ok(l) = ep.execute::<memdev::GetScanMediaResults>(tun, &()) {
                walk(l)
            }
        }
        11 => {
            if let Ok(p) = ep.execute::<memdev::GetPartitionInfo>(tun, &()) {
                black_box(p);
            }
        }
        12 => {
            let ports = &params[4..4 + (params[0] as usize % 28)];
            let req = WithItems { head: input(params), items: ports };
            if let Ok(l) = ep.execute::<fmapi::GetPhysPortState>(tun, &req) {
                walk(l)
            }
        }
        13 => {
            let ids = &params[8..8 + (params[0] as usize % 24)];
            let req = WithItems { head: input(params), items: ids };
            if let Ok(v) = ep.execute::<fmapi::GetVcsInfo>(tun, &req) {
                black_box(format!("{v:?}"));
            }
        }
        14 => {
            if let Ok(l) = ep.execute::<fmapi::GetLdAllocations>(tun, &input(params)) {
                walk(l)
            }
        }
        15 => {
            if let Ok(i) = ep.execute::<fmapi::GetDcdInfo>(tun, &()) {
                black_box(i);
            }
        }
        16 => {
            if let Ok(c) = ep.execute::<fmapi::GetHostDcRegionConfig>(tun, &input(params)) {
                black_box(c);
            }
        }
        _ => {
            if let Ok(m) = ep.execute::<fmapi::GetMultiheadedInfo>(tun, &input(params)) {
                black_box(m);
            }
        }
    }
});
