//! Every exported command function against every response length (issue #3).
//!
//! A test transport answers each request with a well-formed response (the
//! request's tag and opcode, return code 0, the payload length field equal
//! to the payload) of `n` bytes, for every `n` from 0 to 2048: all 0xFF, so
//! every count field claims its maximum, and pseudo-random. Each C function
//! runs with its input (and the entries or data the input counts) ending
//! right before an inaccessible page, so reading past it faults, and with
//! its output buffer exactly as large as its documentation asks, followed by
//! a canary zone and then an inaccessible page, so writing past it shows.

use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::context::{cxlmi_free_ctx, cxlmi_new_ctx, open_from_c};
use crate::fmapi::*;
use crate::generic::*;
use crate::memdev::*;
use crate::{cxlmi_endpoint, set_errno};
use cxlmi::cci::{CATEGORY_RESPONSE, HEADER_LEN, Header};
use cxlmi::error::Result;
use cxlmi::transport::Transport;
use cxlmi::types::*;
use cxlmi::wire::Wire;

/// Response payload lengths tried: 0 to one full mailbox payload.
const MAX_N: usize = CXL_MAILBOX_MAX_PAYLOAD_SIZE;
/// Canary bytes after each output buffer, and before it.
const GUARD: usize = 256;
const LEAD: usize = 64;

/// The canary pattern; zone byte `i` holds `CANARY[i]`.
const CANARY: [u8; GUARD] = {
    let mut c = [0u8; GUARD];
    let mut i = 0;
    while i < GUARD {
        c[i] = (i as u8).wrapping_mul(31) ^ 0xa5;
        i += 1;
    }
    c
};

/// 0xFF payload bytes.
const ONES: [u8; MAX_N] = [0xff; MAX_N];

fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// What the test transport answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fill {
    Ones,
    Random,
}

struct Answer {
    /// Payload bytes of the next (innermost) response.
    n: usize,
    fill: Fill,
    /// Where in `pool` random payloads start, varied per call.
    salt: usize,
    pool: Vec<u8>,
}

/// Answers every request well-formed, with `n` payload bytes; unwraps
/// Tunnel Management Commands and wraps the answer the same way.
struct Responder {
    answer: Arc<Mutex<Answer>>,
    tag: u8,
    msg: Vec<u8>,
}

impl Responder {
    fn respond(req: &[u8], a: &Answer, out: &mut Vec<u8>) {
        let h = Header::decode(req);
        let start = out.len();
        out.resize(start + HEADER_LEN, 0);
        if h.opcode == cxlmi::tunnel::OPCODE {
            let inner = &req[HEADER_LEN + cxlmi::tunnel::REQUEST_HEADER_LEN..];
            out.extend_from_slice(&[0; cxlmi::tunnel::RESPONSE_HEADER_LEN]);
            let inner_start = out.len();
            Self::respond(inner, a, out);
            let inner_len = u16::try_from(out.len() - inner_start).unwrap();
            out[start + HEADER_LEN..][..2].copy_from_slice(&inner_len.to_le_bytes());
        } else {
            match a.fill {
                Fill::Ones => out.extend_from_slice(&ONES[..a.n]),
                Fill::Random => out.extend_from_slice(&a.pool[a.salt..][..a.n]),
            }
        }
        let payload_len = out.len() - start - HEADER_LEN;
        Header {
            category: CATEGORY_RESPONSE,
            tag: h.tag,
            opcode: h.opcode,
            payload_len,
            background: false,
            return_code: 0,
            vendor_ext_status: 0,
        }
        .encode(&mut out[start..]);
    }
}

impl Transport for Responder {
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], _fmapi: bool, _timeout_ms: u32) -> Result<usize> {
        self.msg.clear();
        Self::respond(req, &self.answer.lock().unwrap(), &mut self.msg);
        // What does not fit the receive buffer is cut off, as a socket would.
        let n = self.msg.len().min(rsp.len());
        rsp[..n].copy_from_slice(&self.msg[..n]);
        Ok(n)
    }

    fn next_tag(&mut self) -> u8 {
        self.tag = self.tag.wrapping_add(1);
        self.tag
    }

    fn describe(&self) -> String {
        "bounds test".into()
    }
}

/// `len` bytes of memory followed by `tail` canary bytes and then an
/// inaccessible page, and preceded by `LEAD` canary bytes.
struct Guarded {
    map: *mut c_void,
    map_len: usize,
    start: *mut u8,
    len: usize,
    tail: usize,
}

impl Guarded {
    fn new(len: usize, tail: usize) -> Guarded {
        // SAFETY: plain anonymous mappings, used only through this struct.
        unsafe {
            let page = libc::sysconf(libc::_SC_PAGESIZE) as usize;
            let data_pages = (LEAD + len + tail).div_ceil(page);
            let map_len = (data_pages + 1) * page;
            let map = libc::mmap(
                core::ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(map, libc::MAP_FAILED);
            let end = map.cast::<u8>().add(data_pages * page);
            assert_eq!(libc::mprotect(end.cast(), page, libc::PROT_NONE), 0);
            let g = Guarded { map, map_len, start: end.sub(tail + len), len, tail };
            core::ptr::copy_nonoverlapping(CANARY.as_ptr(), g.start.sub(LEAD), LEAD);
            core::ptr::copy_nonoverlapping(CANARY.as_ptr(), g.start.add(len), tail);
            g
        }
    }

    /// An input: `bytes` end right at the inaccessible page.
    fn input(bytes: &[u8]) -> Guarded {
        let g = Guarded::new(bytes.len(), 0);
        // SAFETY: `sysconf` has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
        assert_eq!((g.start as usize + g.len) % page, 0);
        // SAFETY: `len` writable bytes at `start`.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), g.start, bytes.len()) };
        g
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes at `start` are mapped.
        unsafe { core::slice::from_raw_parts(self.start, self.len) }
    }

    /// Whether both canary zones are intact; otherwise what was overwritten.
    fn check(&self) -> core::result::Result<(), String> {
        // SAFETY: the canary zones are mapped.
        let (lead, tail) = unsafe {
            (
                core::slice::from_raw_parts(self.start.sub(LEAD), LEAD),
                core::slice::from_raw_parts(self.start.add(self.len), self.tail),
            )
        };
        if lead != &CANARY[..LEAD] {
            let first = lead.iter().zip(CANARY).position(|(a, b)| *a != b).unwrap_or(0);
            return Err(format!("written {} bytes before the buffer", LEAD - first));
        }
        if tail != &CANARY[..self.tail] {
            let last = tail.iter().zip(CANARY).rposition(|(a, b)| *a != b).unwrap_or(0);
            return Err(format!("written up to {} bytes past the buffer", last + 1));
        }
        Ok(())
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        // SAFETY: the mapping made in new().
        unsafe { libc::munmap(self.map, self.map_len) };
    }
}

type Call = Box<dyn Fn(*mut cxlmi_endpoint, *mut cxlmi_tunnel_info, *mut u8, *mut u8) -> c_int>;

/// One C function, called as its documentation says.
struct Case {
    name: &'static str,
    /// The input struct and the entries or data it counts (empty: none).
    input: Vec<u8>,
    /// The output capacity its documentation gives, in bytes.
    out_len: usize,
    call: Call,
}

/// `case!(input, out_len, |ep, ti, i, o| cxlmi_cmd_x(args...))`: the name
/// comes from the function called.
macro_rules! case {
    ($input:expr, $out:expr, |$ep:ident, $ti:ident, $i:ident, $o:ident| { $f:ident($($arg:expr),* $(,)?) }) => {
        case!($input, $out, |$ep, $ti, $i, $o| $f($($arg),*))
    };
    ($input:expr, $out:expr, |$ep:ident, $ti:ident, $i:ident, $o:ident| $f:ident($($arg:expr),* $(,)?)) => {
        Case {
            name: stringify!($f),
            input: $input,
            out_len: $out,
            call: Box::new(move |$ep: *mut cxlmi_endpoint, $ti: *mut cxlmi_tunnel_info, $i: *mut u8, $o: *mut u8| {
                let _ = (&$i, &$o);
                // SAFETY: the buffers are as large as the function's documentation asks.
                unsafe { $f($($arg),*) }
            }),
        }
    };
}

/// The C memory of a request: zeroed, `set` applied, then `tail` bytes of
/// entries or data (arbitrary values).
fn req<T: Wire>(set: impl FnOnce(&mut T), tail: usize) -> Vec<u8> {
    let mut v = T::zeroed();
    set(&mut v);
    let mut b = vec![0u8; size_of::<T>() + tail];
    // SAFETY: T is a packed struct of integers; its bytes are its C memory.
    unsafe { core::ptr::copy_nonoverlapping((&v as *const T).cast::<u8>(), b.as_mut_ptr(), size_of::<T>()) };
    for (i, x) in b[size_of::<T>()..].iter_mut().enumerate() {
        *x = (i as u8).wrapping_mul(7).wrapping_add(1);
    }
    b
}

fn none() -> Vec<u8> {
    Vec::new()
}

/// Every command function, with counts in its input set to `k` (or sized
/// from `k`) where it has any.
fn cases(k: usize) -> Vec<Case> {
    let k8 = k as u8;
    let k32 = k as u32;
    let sz = size_of::<cxlmi_supported_feature_entry>();
    let dc_extents = if k == 0 { 8 } else { k.min(8) };
    vec![
        // Generic (0xxxh)
        case!(none(), 18, |ep, ti, i, o| cxlmi_cmd_identify(ep, ti, o.cast())),
        case!(none(), 8, |ep, ti, i, o| cxlmi_cmd_bg_op_status(ep, ti, o.cast())),
        case!(none(), 1, |ep, ti, i, o| cxlmi_cmd_get_response_msg_limit(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_set_response_msg_limit_req>(|r| r.limit = 10, 0), 1, |ep, ti, i, o| {
            cxlmi_cmd_set_response_msg_limit(ep, ti, i.cast(), o.cast())
        }),
        case!(none(), 0, |ep, ti, i, o| cxlmi_cmd_request_bg_op_abort(ep, ti)),
        case!(
            req::<cxlmi_cmd_get_event_records_req>(|r| r.event_log = 1, 0),
            32 + CXLMI_MAX_SUPPORTED_EVENT_RECORDS * 128,
            |ep, ti, i, o| cxlmi_cmd_get_event_records(ep, ti, i.cast(), o.cast())
        ),
        case!(req::<cxlmi_cmd_clear_event_records_req>(|r| r.nr_recs = k8, 2 * k), 0, |ep, ti, i, o| {
            cxlmi_cmd_clear_event_records(ep, ti, i.cast())
        }),
        case!(none(), size_of::<cxlmi_cmd_get_event_interrupt_policy_rsp>(), |ep, ti, i, o| {
            cxlmi_cmd_get_event_interrupt_policy(ep, ti, o.cast())
        }),
        case!(req::<cxlmi_cmd_set_event_interrupt_policy_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_set_event_interrupt_policy(ep, ti, i.cast())
        }),
        case!(none(), 2, |ep, ti, i, o| cxlmi_cmd_get_mctp_event_interrupt_policy(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_set_mctp_event_interrupt_policy_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_set_mctp_event_interrupt_policy(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_event_notification_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_event_notification(ep, ti, i.cast())
        }),
        case!(none(), 80, |ep, ti, i, o| cxlmi_cmd_get_fw_info(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_transfer_fw_req>(|r| r.action = 1, 5 * k), 0, |ep, ti, i, o| {
            cxlmi_cmd_transfer_fw(ep, ti, i.cast(), 5 * k)
        }),
        case!(req::<cxlmi_cmd_activate_fw_req>(|_| {}, 0), 0, |ep, ti, i, o| cxlmi_cmd_activate_fw(ep, ti, i.cast())),
        case!(none(), 8, |ep, ti, i, o| cxlmi_cmd_get_timestamp(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_set_timestamp_req>(|_| {}, 0), 0, |ep, ti, i, o| cxlmi_cmd_set_timestamp(
            ep,
            ti,
            i.cast()
        )),
        case!(none(), 8 + CXLMI_MAX_SUPPORTED_LOGS * 20, |ep, ti, i, o| cxlmi_cmd_get_supported_logs(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_get_log_req>(|r| r.length = 16 * k32, 0), 16 * k, |ep, ti, i, o| {
            cxlmi_cmd_get_log(ep, ti, i.cast(), o.cast())
        }),
        // A length that is not a whole number of entries: the part entry is not written.
        case!(req::<cxlmi_cmd_get_log_req>(|r| r.length = 16 * k32 + 2, 0), 16 * k, |ep, ti, i, o| {
            cxlmi_cmd_get_log_cel(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_get_log_capabilities_req>(|_| {}, 0), 4, |ep, ti, i, o| {
            cxlmi_cmd_get_log_capabilities(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_clear_log_req>(|_| {}, 0), 0, |ep, ti, i, o| cxlmi_cmd_clear_log(ep, ti, i.cast())),
        case!(req::<cxlmi_cmd_populate_log_req>(|_| {}, 0), 0, |ep, ti, i, o| cxlmi_cmd_populate_log(ep, ti, i.cast())),
        case!(
            req::<cxlmi_cmd_get_supported_logs_sublist_req>(|r| r.max_supported_log_entries = k8, 0),
            8 + CXLMI_MAX_SUPPORTED_LOGS * 20,
            |ep, ti, i, o| cxlmi_cmd_get_supported_logs_sublist(ep, ti, i.cast(), o.cast())
        ),
        // A byte count that is not a whole number of entries.
        case!(
            req::<cxlmi_cmd_get_supported_features_req>(|r| r.count = (k * sz + 5) as u32, 0),
            8 + k * sz + 5,
            |ep, ti, i, o| cxlmi_cmd_get_supported_features(ep, ti, i.cast(), o.cast())
        ),
        case!(req::<cxlmi_cmd_get_feature_req>(|r| r.count = 13 * k as u16, 0), 13 * k, |ep, ti, i, o| {
            cxlmi_cmd_get_feature(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_set_feature_req>(|_| {}, 7 * k), 0, |ep, ti, i, o| {
            cxlmi_cmd_set_feature(ep, ti, i.cast(), 7 * k)
        }),
        case!(req::<cxlmi_cmd_perform_maintenance_req>(|_| {}, 12 * k), 0, |ep, ti, i, o| {
            cxlmi_cmd_perform_maintenance(ep, ti, i.cast(), 12 * k)
        }),
        case!(vec![0x5a; 3 * k], 5 * k, |ep, ti, i, o| cxlmi_cmd_vendor_specific(
            ep,
            ti,
            0xc001,
            if k == 0 { core::ptr::null_mut() } else { i.cast() },
            3 * k,
            if k == 0 { core::ptr::null_mut() } else { o.cast() },
            5 * k,
        )),
        // Memory device (4xxxh)
        case!(none(), size_of::<cxlmi_cmd_memdev_identify_rsp>(), |ep, ti, i, o| cxlmi_cmd_memdev_identify(
            ep,
            ti,
            o.cast()
        )),
        case!(none(), 32, |ep, ti, i, o| cxlmi_cmd_memdev_get_partition_info(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_memdev_set_partition_info_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_set_partition_info(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_get_lsa_req>(|r| r.length = 11 * k32, 0), 11 * k, |ep, ti, i, o| {
            cxlmi_cmd_memdev_get_lsa(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_set_lsa_req>(|_| {}, 9 * k), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_set_lsa(ep, ti, i.cast(), 9 * k)
        }),
        case!(none(), 18, |ep, ti, i, o| cxlmi_cmd_memdev_get_health_info(ep, ti, o.cast())),
        case!(none(), 16, |ep, ti, i, o| cxlmi_cmd_memdev_get_alert_config(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_memdev_set_alert_config_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_set_alert_config(ep, ti, i.cast())
        }),
        case!(none(), 1, |ep, ti, i, o| cxlmi_cmd_memdev_get_shutdown_state(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_memdev_set_shutdown_state_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_set_shutdown_state(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_get_poison_list_req>(|_| {}, 0), 32 + 256 * 16, |ep, ti, i, o| {
            cxlmi_cmd_get_poison_list(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_inject_poison_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_inject_poison(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_clear_poison_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_clear_poison(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_get_scan_media_capabilities_req>(|_| {}, 0), 4, |ep, ti, i, o| {
            cxlmi_cmd_memdev_get_scan_media_capabilities(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_scan_media_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_scan_media(ep, ti, i.cast())
        }),
        case!(none(), 32 + 256 * 16, |ep, ti, i, o| cxlmi_cmd_memdev_get_scan_media_results(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_get_scan_media_capabilities_req>(|_| {}, 0), 4, |ep, ti, i, o| {
            cxlmi_cmd_get_scan_media_capabilities(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_scan_media_req>(|_| {}, 0), 0, |ep, ti, i, o| cxlmi_cmd_scan_media(ep, ti, i.cast())),
        case!(none(), 32 + 256 * 16, |ep, ti, i, o| cxlmi_cmd_get_scan_media_results(ep, ti, o.cast())),
        case!(none(), 0, |ep, ti, i, o| cxlmi_cmd_memdev_sanitize(ep, ti)),
        case!(none(), 0, |ep, ti, i, o| cxlmi_cmd_memdev_secure_erase(ep, ti)),
        case!(
            req::<cxlmi_cmd_memdev_media_operations_discovery_req>(|r| r.discovery_osa.num_ops = k as u16, 0),
            12 + 2 * k,
            |ep, ti, i, o| cxlmi_cmd_memdev_media_operations_discovery(ep, ti, i.cast(), o.cast())
        ),
        case!(
            req::<cxlmi_cmd_memdev_media_operations_sanitize_req>(
                |r| {
                    r.media_operation_class = 1;
                    r.dpa_range_count = k32;
                },
                16 * k
            ),
            0,
            |ep, ti, i, o| cxlmi_cmd_memdev_media_operations_sanitize(ep, ti, i.cast())
        ),
        case!(none(), 4, |ep, ti, i, o| cxlmi_cmd_memdev_get_security_state(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_memdev_set_passphrase_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_set_passphrase(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_disable_passphrase_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_disable_passphrase(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_unlock_req>(|_| {}, 0), 0, |ep, ti, i, o| cxlmi_cmd_memdev_unlock(
            ep,
            ti,
            i.cast()
        )),
        case!(none(), 0, |ep, ti, i, o| cxlmi_cmd_memdev_freeze_security_state(ep, ti)),
        case!(req::<cxlmi_cmd_memdev_passphrase_secure_erase_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_passphrase_secure_erase(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_memdev_security_send_req>(|_| {}, 6 * k), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_security_send(ep, ti, i.cast(), 6 * k)
        }),
        case!(req::<cxlmi_cmd_memdev_security_receive_req>(|_| {}, 0), 264, |ep, ti, i, o| {
            cxlmi_cmd_memdev_security_receive(ep, ti, i.cast(), o.cast())
        }),
        case!(none(), 4, |ep, ti, i, o| cxlmi_cmd_memdev_get_sld_qos_control(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_memdev_set_sld_qos_control_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_memdev_set_sld_qos_control(ep, ti, i.cast())
        }),
        case!(none(), 1, |ep, ti, i, o| cxlmi_cmd_memdev_get_sld_qos_status(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_memdev_get_dc_config_req>(|r| r.region_cnt = k8, 0), 344, |ep, ti, i, o| {
            cxlmi_cmd_memdev_get_dc_config(ep, ti, i.cast(), o.cast())
        }),
        // 0 asks for the most, 8.
        case!(
            req::<cxlmi_cmd_memdev_get_dc_extent_list_req>(|r| r.extent_cnt = k32, 0),
            16 + 40 * dc_extents,
            |ep, ti, i, o| { cxlmi_cmd_memdev_get_dc_extent_list(ep, ti, i.cast(), o.cast()) }
        ),
        case!(
            req::<cxlmi_cmd_memdev_add_dc_response_req>(|r| r.updated_extent_list_size = k32, 24 * k),
            0,
            |ep, ti, i, o| { cxlmi_cmd_memdev_add_dc_response(ep, ti, i.cast()) }
        ),
        case!(
            req::<cxlmi_cmd_memdev_release_dc_req>(|r| r.updated_extent_list_size = k32, 24 * k),
            0,
            |ep, ti, i, o| { cxlmi_cmd_memdev_release_dc(ep, ti, i.cast()) }
        ),
        // FM-API (5xxxh)
        case!(none(), 73, |ep, ti, i, o| cxlmi_cmd_fmapi_identify_sw_device(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_fmapi_get_phys_port_state_req>(|r| r.num_ports = k8, k), 4 + 16 * k, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_get_phys_port_state(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_phys_port_control_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_phys_port_control(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req>(|_| {}, 0), 4, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_send_ppb_cxlio_config_request(ep, ti, i.cast(), o.cast())
        }),
        case!(none(), 1, |ep, ti, i, o| cxlmi_cmd_fmapi_get_domain_validation_sv_state(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_fmapi_set_domain_validation_sv_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_set_domain_validation_sv(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_req>(|_| {}, 0), 1, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_get_domain_validation_sv_req>(|_| {}, 0), 16, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_get_domain_validation_sv(ep, ti, i.cast(), o.cast())
        }),
        // k VCSs of at most k + 1 vPPBs each.
        case!(
            req::<cxlmi_cmd_fmapi_get_vcs_info_req>(
                |r| {
                    r.num_vcs = k8;
                    r.vppb_list_limit = k8 + 1;
                },
                k
            ),
            4 + k * (4 + 4 * (k + 1)),
            |ep, ti, i, o| cxlmi_cmd_fmapi_get_vcs_info(ep, ti, i.cast(), o.cast())
        ),
        case!(req::<cxlmi_cmd_fmapi_bind_vppb_req>(|_| {}, 0), 0, |ep, ti, i, o| cxlmi_cmd_fmapi_bind_vppb(
            ep,
            ti,
            i.cast()
        )),
        case!(req::<cxlmi_cmd_fmapi_unbind_vppb_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_unbind_vppb(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_send_ld_cxlio_config_request_req>(|_| {}, 0), 4, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_send_ld_cxlio_config_request(ep, ti, i.cast(), o.cast())
        }),
        case!(
            req::<cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req>(|r| r.transaction_len = 4 * k as u16, 4 * k),
            4 + 4 * k,
            |ep, ti, i, o| cxlmi_cmd_fmapi_send_ld_cxlio_mem_request(ep, ti, i.cast(), o.cast())
        ),
        case!(none(), 11, |ep, ti, i, o| cxlmi_cmd_fmapi_get_ld_info(ep, ti, o.cast())),
        case!(
            req::<cxlmi_cmd_fmapi_get_ld_allocations_req>(|r| r.ld_allocation_list_limit = k8, 0),
            4 + 16 * k,
            |ep, ti, i, o| { cxlmi_cmd_fmapi_get_ld_allocations(ep, ti, i.cast(), o.cast()) }
        ),
        case!(
            req::<cxlmi_cmd_fmapi_set_ld_allocations_req>(|r| r.number_ld = k8, 16 * k),
            4 + 16 * k,
            |ep, ti, i, o| { cxlmi_cmd_fmapi_set_ld_allocations(ep, ti, i.cast(), o.cast()) }
        ),
        case!(none(), 7, |ep, ti, i, o| cxlmi_cmd_fmapi_get_qos_control(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_fmapi_set_qos_control_req>(|_| {}, 0), 7, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_set_qos_control(ep, ti, i.cast(), o.cast())
        }),
        case!(none(), 1, |ep, ti, i, o| cxlmi_cmd_fmapi_get_qos_status(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_fmapi_get_qos_allocated_bw_req>(|r| r.number_ld = k8, 0), 2 + k, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_get_qos_allocated_bw(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_set_qos_allocated_bw_req>(|r| r.number_ld = k8, k), 2 + k, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_set_qos_allocated_bw(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_get_qos_bw_limit_req>(|r| r.number_ld = k8, 0), 2 + k, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_get_qos_bw_limit(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_set_qos_bw_limit_req>(|r| r.number_ld = k8, k), 2 + k, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_set_qos_bw_limit(ep, ti, i.cast(), o.cast())
        }),
        case!(
            req::<cxlmi_cmd_fmapi_get_multiheaded_info_req>(|r| r.ld_map_list_limit = k8, 0),
            8 + k,
            |ep, ti, i, o| { cxlmi_cmd_fmapi_get_multiheaded_info(ep, ti, i.cast(), o.cast()) }
        ),
        case!(req::<cxlmi_cmd_fmapi_get_head_info_req>(|r| r.num_heads = k8, 0), 4 + 9 * k, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_get_head_info(ep, ti, i.cast(), o.cast())
        }),
        case!(none(), 84, |ep, ti, i, o| cxlmi_cmd_fmapi_get_dcd_info(ep, ti, o.cast())),
        case!(req::<cxlmi_cmd_fmapi_get_host_dc_region_config_req>(|_| {}, 0), 340, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_get_dc_reg_config(ep, ti, i.cast(), o.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_set_dc_region_config_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_set_dc_region_config(ep, ti, i.cast())
        }),
        case!(
            req::<cxlmi_cmd_fmapi_get_dc_region_ext_list_req>(|r| r.extent_count = k32, 0),
            24 + 40 * k,
            |ep, ti, i, o| { cxlmi_cmd_fmapi_get_dc_region_ext_list(ep, ti, i.cast(), o.cast()) }
        ),
        case!(req::<cxlmi_cmd_fmapi_initiate_dc_add_req>(|r| r.ext_count = k32, 40 * k), 0, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_initiate_dc_add(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_initiate_dc_release_req>(|r| r.ext_count = k32, 40 * k), 0, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_initiate_dc_release(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_dc_add_ref_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_dc_add_reference(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_dc_remove_ref_req>(|_| {}, 0), 0, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_dc_remove_reference(ep, ti, i.cast())
        }),
        case!(req::<cxlmi_cmd_fmapi_dc_list_tags_req>(|r| r.tags_count = k32, 0), 16 + 84 * k, |ep, ti, i, o| {
            cxlmi_cmd_fmapi_dc_list_tags(ep, ti, i.cast(), o.cast())
        }),
    ]
}

// What the sweep is doing, for the fault handler to say.
static CURRENT_NAME: AtomicPtr<u8> = AtomicPtr::new(core::ptr::null_mut());
static CURRENT_NAME_LEN: AtomicUsize = AtomicUsize::new(0);
static CURRENT_N: AtomicUsize = AtomicUsize::new(0);

/// A read or write into an inaccessible guard page: say where, and exit.
extern "C" fn on_fault(sig: c_int) {
    fn put(s: &[u8]) {
        // SAFETY: write(2) is async-signal-safe.
        unsafe { libc::write(2, s.as_ptr().cast(), s.len()) };
    }
    put(b"\nbounds_tests: memory fault in ");
    let name = CURRENT_NAME.load(Ordering::Relaxed);
    if !name.is_null() {
        // SAFETY: a &'static str stored by the sweep.
        put(unsafe { core::slice::from_raw_parts(name, CURRENT_NAME_LEN.load(Ordering::Relaxed)) });
    }
    put(b" with a response payload of ");
    let mut digits = [0u8; 20];
    let mut n = CURRENT_N.load(Ordering::Relaxed);
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    put(&digits[at..]);
    put(b" bytes\n");
    // SAFETY: ends the process without running anything else.
    unsafe { libc::_exit(128 + sig) };
}

fn install_fault_handler() {
    // SAFETY: a handler that only writes and exits.
    unsafe {
        let mut sa: libc::sigaction = core::mem::zeroed();
        sa.sa_sigaction = on_fault as extern "C" fn(c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut sa.sa_mask);
        for sig in [libc::SIGSEGV, libc::SIGBUS] {
            libc::sigaction(sig, &sa, core::ptr::null_mut());
        }
    }
}

fn errno() -> c_int {
    // SAFETY: this thread's errno.
    unsafe { *libc::__errno_location() }
}

/// A context with one endpoint, FM-API enabled, answered by a [`Responder`]
/// reading `answer`. Free it with `cxlmi_free_ctx`.
fn open(answer: &Arc<Mutex<Answer>>) -> (*mut super::cxlmi_ctx, *mut cxlmi_endpoint) {
    // SAFETY: a fresh context; the caller frees it with its endpoint.
    let ctx = unsafe { cxlmi_new_ctx(core::ptr::null_mut(), 0) };
    assert!(!ctx.is_null());
    let transport = Responder { answer: answer.clone(), tag: 0, msg: Vec::new() };
    let ep = open_from_c(ctx, |c, _| {
        let mut core = c.open_with(Box::new(transport));
        core.enable_fmapi().unwrap();
        Ok(core)
    });
    assert!(!ep.is_null());
    (ctx, ep)
}

/// Runs every case (counts from `k`) for every response length from 0 to
/// `MAX_N`, answered with `fill`, under `tunnel` (NULL: none);
/// returns how many calls were made.
fn sweep(k: usize, fill: Fill, tunnel: Option<cxlmi_tunnel_info>) -> usize {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64 ^ (k as u64) << 32;
    let pool: Vec<u8> = (0..4 * MAX_N).map(|_| xorshift(&mut seed) as u8).collect();
    let answer = Arc::new(Mutex::new(Answer { n: 0, fill, salt: 0, pool }));
    let (ctx, ep) = open(&answer);
    let mut ti_storage = tunnel;
    let ti = ti_storage.as_mut().map_or(core::ptr::null_mut(), |t| t as *mut cxlmi_tunnel_info);

    let mut calls = 0;
    for (c, case) in cases(k).iter().enumerate() {
        let input = Guarded::input(&case.input);
        let output = Guarded::new(case.out_len, GUARD);
        CURRENT_NAME.store(case.name.as_ptr().cast_mut(), Ordering::Relaxed);
        CURRENT_NAME_LEN.store(case.name.len(), Ordering::Relaxed);
        let mut successes = 0;
        for n in 0..=MAX_N {
            {
                let mut a = answer.lock().unwrap();
                a.n = n;
                a.salt = (n * 131 + c * 977) % (2 * MAX_N);
            }
            CURRENT_N.store(n, Ordering::Relaxed);
            set_errno(0);
            let rc = (case.call)(ep, ti, input.start, output.start);
            let err = errno();
            calls += 1;
            let what = || format!("{} (k = {k}, {fill:?}, tunnel {tunnel:?}, n = {n})", case.name);
            if let Err(e) = output.check() {
                panic!("{}: {e}", what());
            }
            assert!(input.bytes() == case.input, "{}: input written", what());
            match rc {
                0 => successes += 1,
                // Our well-formed but wrongly sized responses are protocol
                // errors; EIO would be a caught panic.
                -1 => assert!(err == libc::EPROTO, "{}: returned -1 with errno {err}", what()),
                rc => assert!(rc > 0, "{}: returned {rc}", what()),
            }
        }
        // Not vacuous: some length is the right one.
        assert!(successes > 0, "{} (k = {k}, {fill:?}, tunnel {tunnel:?}): no response length succeeded", case.name);
    }
    // SAFETY: frees the context and the endpoint registered in it.
    unsafe { cxlmi_free_ctx(ctx) };
    calls
}

#[test]
fn every_command_function_is_covered() {
    let sources = [include_str!("generic.rs"), include_str!("memdev.rs"), include_str!("fmapi.rs")];
    let mut exported: Vec<&str> = sources
        .iter()
        .flat_map(|s| s.split("extern \"C\" fn ").skip(1))
        .map(|rest| rest.split('(').next().unwrap())
        .filter(|name| name.starts_with("cxlmi_cmd_"))
        .collect();
    exported.sort_unstable();
    let mut tested: Vec<&str> = cases(1).iter().map(|c| c.name).collect();
    tested.sort_unstable();
    tested.dedup();
    assert_eq!(tested, exported);
}

#[test]
fn the_guard_zone_sees_an_overflow() {
    // Identify writes 18 bytes; a 17-byte buffer must be caught.
    let answer = Arc::new(Mutex::new(Answer { n: 18, fill: Fill::Ones, salt: 0, pool: Vec::new() }));
    let (ctx, ep) = open(&answer);
    let short = Guarded::new(17, GUARD);
    let exact = Guarded::new(18, GUARD);
    // SAFETY: `exact` holds the output; `short` is one byte short on purpose,
    // its canary zone taking the overflow.
    unsafe {
        assert_eq!(cxlmi_cmd_identify(ep, core::ptr::null_mut(), exact.start.cast()), 0);
        assert_eq!(cxlmi_cmd_identify(ep, core::ptr::null_mut(), short.start.cast()), 0);
        cxlmi_free_ctx(ctx);
    }
    assert_eq!(exact.check(), Ok(()));
    assert_eq!(short.check(), Err("written up to 1 bytes past the buffer".into()));
}

#[test]
fn every_response_length_stays_in_bounds() {
    install_fault_handler();
    let mut calls = 0;
    // Small counts, none, and more than some commands keep (8 extents or regions).
    for k in [3, 0, 9] {
        for fill in [Fill::Ones, Fill::Random] {
            calls += sweep(k, fill, None);
        }
    }
    eprintln!("bounds: {calls} direct calls");
}

#[test]
fn every_response_length_stays_in_bounds_tunnelled() {
    install_fault_handler();
    let port = cxlmi_tunnel_info { port: 2, ld: -1, level: 1, mhd: false };
    let ld_pool = cxlmi_tunnel_info { port: -1, ld: -1, level: 1, mhd: true };
    let port_then_ld = cxlmi_tunnel_info { port: 1, ld: 2, level: 2, mhd: false };
    let mut calls = 0;
    // The framing is what differs from the direct sweep; both fills only at level 2.
    let runs = [(port, Fill::Ones), (ld_pool, Fill::Random), (port_then_ld, Fill::Ones), (port_then_ld, Fill::Random)];
    for (tunnel, fill) in runs {
        calls += sweep(2, fill, Some(tunnel));
    }
    eprintln!("bounds: {calls} tunnelled calls");
}

/// The core's tests speak errno and C tunnel information through
/// cxlmi-test-support's mirrors of this crate's mappings; they must agree.
#[test]
fn the_test_support_mirrors_agree_with_the_c_mappings() {
    use cxlmi::Error;
    use cxlmi_test_support::ErrnoExt;
    let errors = [
        Error::Device(6),
        Error::InvalidArgument("x"),
        Error::FmapiDisabled,
        Error::Protocol("x"),
        Error::Timeout,
        Error::Io(std::io::Error::from_raw_os_error(libc::EBUSY)),
        Error::Io(std::io::Error::other("no errno")),
        Error::Unsupported("x"),
    ];
    for e in &errors {
        assert_eq!(e.errno(), crate::errno_of(e), "{e:?}");
    }
    for level in 0..=2 {
        for mhd in [false, true] {
            for (port, ld) in [(3, -1), (-1, 2), (5, 4), (0, 0)] {
                let info = cxlmi_tunnel_info { port, ld, level, mhd };
                let c = crate::tunnel_from_info(Some(&info));
                let ok = c.is_ok() && (level < 2 || (port >= 0 && ld >= 0));
                if ok {
                    assert_eq!(
                        c.unwrap(),
                        cxlmi_test_support::tunnel(port, ld, level, mhd),
                        "{level} {mhd} {port} {ld}"
                    );
                }
            }
        }
    }
}
