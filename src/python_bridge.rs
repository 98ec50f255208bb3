//! What the Python module (`swig/cxlmi.i`) asks of the library beyond the C API, as private
//! entry points: exported beside it under the `_cxlmi_py_` prefix (`libcxlmi.map`), declared in
//! no installed header (lib.rs keeps this module from cbindgen) and no part of the ABI a C
//! program may rely on. Each goes through the same guard as the C API.
//!
//! - `_cxlmi_py_version`: the library's version, the module's `__version__`;
//! - `_cxlmi_py_new_ctx`: a context whose log goes to a callback (the module's, which hands each
//!   message to Python's `logging`) instead of a stream;
//! - `_cxlmi_py_decoded_json`: a payload struct in the caller's memory, decoded by the core's
//!   decode layer and written as JSON text (the module's `to_dict`), the same document the
//!   `cxlmi` tool prints.

use core::ffi::{CStr, c_char, c_int, c_void};
use std::ffi::CString;

use crate::{cxlmi_ctx, guard, set_errno};
use cxlmi::commands::{ItemCount, Listed};
use cxlmi::decode::{Decode, Object, decoded_list, json};
use cxlmi::log::Logger;
use cxlmi::types::*;
use cxlmi::wire::Wire;

// ---- The version ----

/// [`cxlmi::VERSION`] with its NUL, for C.
static VERSION: [u8; cxlmi::VERSION.len() + 1] = {
    let mut out = [0u8; cxlmi::VERSION.len() + 1];
    let v = cxlmi::VERSION.as_bytes();
    let mut i = 0;
    while i < v.len() {
        out[i] = v[i];
        i += 1;
    }
    out
};

/// The library's version ("0.1.0"): the Cargo workspace's, which meson checks is the project's.
/// A static string.
#[unsafe(no_mangle)]
pub extern "C" fn _cxlmi_py_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

// ---- A context logging to a callback ----

/// The callback of [`_cxlmi_py_new_ctx`]: a message the context's level lets through, its syslog
/// level and the `user` pointer given with the callback. The message is NUL-terminated, valid
/// only during the call, and carries no `libcxlmi: ` prefix and no newline at its end (a
/// message may hold newlines of its own).
pub type LogCallback = unsafe extern "C" fn(level: c_int, msg: *const c_char, user: *mut c_void);

/// The caller's `user` pointer, handed back to its callback from whichever thread logs.
struct User(*mut c_void);
// SAFETY: the contract of _cxlmi_py_new_ctx: the callback may be called from any thread with it.
unsafe impl Send for User {}
// SAFETY: as above.
unsafe impl Sync for User {}
impl User {
    fn get(&self) -> *mut c_void {
        self.0
    }
}

/// Creates a context, as `cxlmi_new_ctx()` does, whose messages up to syslog level `log_level`
/// go to `cb` (with `user`) instead of a stream. The callback is called on the thread that logs,
/// possibly from several threads at once and while the library holds its own locks (an
/// endpoint's, the context's list): it must not call back into the library, and must not wait
/// for anything a thread inside the library may hold. It is called until the context is freed.
/// Returns NULL with `errno` EINVAL when `cb` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _cxlmi_py_new_ctx(
    log_level: c_int,
    cb: Option<LogCallback>,
    user: *mut c_void,
) -> *mut cxlmi_ctx {
    guard(core::ptr::null_mut(), || {
        let Some(cb) = cb else {
            set_errno(libc::EINVAL);
            return core::ptr::null_mut();
        };
        let user = User(user);
        let hook = move |level: i32, msg: &str| {
            // A message holding a NUL (none does) loses it rather than its end.
            let text = CString::new(msg).unwrap_or_else(|e| {
                let mut bytes = e.into_vec();
                bytes.retain(|&b| b != 0);
                CString::new(bytes).unwrap_or_default()
            });
            // SAFETY: the callback and its user pointer as the caller gave them, per the contract
            // above; the text lives through the call.
            unsafe { cb(level, text.as_ptr(), user.get()) }
        };
        crate::context::new_ctx(Logger::with_hook(log_level, Box::new(hook)))
    })
}

// ---- Payload structs decoded, as JSON ----

/// Decodes the bytes of one payload struct (and what follows it), or None when they are fewer
/// than its fixed part.
type Decoder = fn(&[u8]) -> Option<Object>;

/// The `T` at `at` in `b`, when `b` holds all of it.
fn read<T: Wire>(b: &[u8], at: usize) -> Option<T> {
    let bytes = b.get(at..)?.get(..size_of::<T>())?;
    // SAFETY: `bytes` holds size_of::<T>() readable bytes, read unaligned. Every T here is a
    // packed payload struct of integers and arrays of them, or an integer (the `Wire` types of
    // core/src/types: no bool, enum or pointer field), so any bytes are a T.
    Some(unsafe { bytes.as_ptr().cast::<T>().read_unaligned() })
}

/// A struct decoded on its own.
fn fixed<T: Wire + Decode>(b: &[u8]) -> Option<Object> {
    Some(read::<T>(b, 0)?.decoded())
}

/// The entries after a fixed part of `at` bytes: as many as `claimed`, no more than `b` holds.
fn entries<E: Wire>(b: &[u8], at: usize, claimed: usize) -> Vec<E> {
    let size = size_of::<E>().max(1);
    let room = b.len().saturating_sub(at) / size;
    (0..claimed.min(room)).map_while(|i| read::<E>(b, at + i * size)).collect()
}

/// A fixed part `H` and the `E` entries its count field counts, decoded as the command hands
/// them out (a [`Listed`]): the count is never trusted past what `b` holds, and the fixed part's
/// count field states the entries decoded.
fn listed<H, E>(b: &[u8]) -> Option<Object>
where
    H: Wire + ItemCount,
    E: Wire,
    for<'a> Listed<'a, H, E>: Decode,
{
    let mut head = read::<H>(b, 0)?;
    let list = entries::<E>(b, size_of::<H>(), head.item_count().min(H::MAX_ITEMS));
    head.set_item_count(list.len());
    // Listed reads its entries from the wire form.
    let mut wire = vec![0u8; list.len() * E::SIZE];
    for (e, at) in list.iter().zip(wire.chunks_exact_mut(E::SIZE.max(1))) {
        e.encode(at);
    }
    Some(Listed::<H, E>::new(head, &wire, list.len(), list.len()).decoded())
}

/// A request whose fixed part decodes on its own and is followed by the extents it counts:
/// the fixed part, then `extents`, as the tool shows the request it sends.
fn with_extents<H: Wire + ItemCount + Decode>(b: &[u8]) -> Option<Object> {
    let mut head = read::<H>(b, 0)?;
    let list = entries::<cxlmi_fmapi_dc_extent>(b, size_of::<H>(), head.item_count().min(H::MAX_ITEMS));
    head.set_item_count(list.len());
    let mut o = head.decoded();
    o.push("extents", decoded_list(&list));
    Some(o)
}

macro_rules! decoders {
    (fixed: $($f:ident),* $(,)?; listed: $($h:ident => $e:ty),* $(,)?; $($name:ident => $custom:expr),* $(,)?) => {
        &[
            $( (stringify!($f), fixed::<$f> as Decoder), )*
            $( (stringify!($h), listed::<$h, $e> as Decoder), )*
            $( (stringify!($name), $custom as Decoder), )*
        ]
    };
}

// Get Scan Media Results under its older name has the layout of the newer one, records and all.
const _: () = assert!(
    size_of::<cxlmi_cmd_get_scan_media_results_rsp>() == size_of::<cxlmi_cmd_memdev_get_scan_media_results_rsp>()
);

/// Every payload struct the decode layer decodes, by its C name: the structs that implement
/// [`Decode`], and the fixed parts whose entries decode with them as a [`Listed`]. A test below
/// checks that nothing the decode layer decodes is missing.
static DECODERS: &[(&str, Decoder)] = decoders! {
    fixed:
        cxlmi_cmd_identify_rsp,
        cxlmi_cmd_bg_op_status_rsp,
        cxlmi_cmd_get_response_msg_limit_rsp,
        cxlmi_cmd_set_response_msg_limit_rsp,
        cxlmi_cmd_get_fw_info_rsp,
        cxlmi_cmd_get_timestamp_rsp,
        cxlmi_supported_log_entry,
        cxlmi_cmd_get_log_cel_rsp,
        cxlmi_cmd_get_log_rsp,
        cxlmi_cmd_get_log_capabilities_rsp,
        cxlmi_supported_feature_entry,
        cxlmi_cmd_get_event_interrupt_policy_rsp,
        cxlmi_cmd_get_mctp_event_interrupt_policy_rsp,
        cxlmi_event_record,
        cxlmi_cmd_memdev_get_health_info_rsp,
        cxlmi_cmd_memdev_get_alert_config_rsp,
        cxlmi_cmd_memdev_identify_rsp,
        cxlmi_cmd_memdev_get_partition_info_rsp,
        cxlmi_cmd_memdev_get_shutdown_state_rsp,
        cxlmi_memdev_media_err_record,
        cxlmi_media_error_record,
        cxlmi_cmd_memdev_get_scan_media_capabilities_rsp,
        cxlmi_cmd_get_scan_media_capabilities_rsp,
        cxlmi_cmd_memdev_media_ops_supported_list_entry,
        cxlmi_cmd_memdev_get_security_state_rsp,
        cxlmi_cmd_memdev_get_sld_qos_control_rsp,
        cxlmi_cmd_memdev_get_sld_qos_status_rsp,
        cxlmi_dc_region_config,
        cxlmi_cmd_memdev_get_dc_config_rsp,
        cxlmi_memdev_get_list_extent,
        cxlmi_cmd_fmapi_identify_sw_device_rsp,
        cxlmi_cmd_fmapi_port_state_info_block,
        cxlmi_cmd_fmapi_phys_port_control_req,
        cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp,
        cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp,
        cxlmi_cmd_fmapi_get_domain_validation_sv_rsp,
        cxlmi_cmd_fmapi_vppb_info,
        cxlmi_cmd_fmapi_bind_vppb_req,
        cxlmi_cmd_fmapi_unbind_vppb_req,
        cxlmi_cmd_fmapi_get_ld_info_rsp,
        cxlmi_cmd_fmapi_get_qos_control_rsp,
        cxlmi_cmd_fmapi_set_qos_control_rsp,
        cxlmi_cmd_fmapi_get_qos_status_rsp,
        cxlmi_cmd_fmapi_get_head_info_blkfmt,
        cxlmi_cmd_fmapi_get_dcd_info_rsp,
        cxlmi_fmapi_dc_region_config,
        cxlmi_cmd_fmapi_get_host_dc_region_config_rsp,
        cxlmi_fmapi_dc_extent;
    listed:
        cxlmi_cmd_get_event_records_rsp => cxlmi_event_record,
        cxlmi_cmd_get_supported_logs_rsp => cxlmi_supported_log_entry,
        cxlmi_cmd_get_supported_logs_sublist_rsp => cxlmi_supported_log_entry,
        cxlmi_cmd_get_supported_features_rsp => cxlmi_supported_feature_entry,
        cxlmi_cmd_memdev_get_poison_list_rsp => cxlmi_memdev_media_err_record,
        cxlmi_cmd_memdev_get_scan_media_results_rsp => cxlmi_media_error_record,
        cxlmi_cmd_memdev_media_operations_discovery_rsp => cxlmi_cmd_memdev_media_ops_supported_list_entry,
        cxlmi_cmd_memdev_get_dc_extent_list_rsp => cxlmi_memdev_get_list_extent,
        cxlmi_cmd_fmapi_get_phys_port_state_rsp => cxlmi_cmd_fmapi_port_state_info_block,
        cxlmi_cmd_fmapi_get_ld_allocations_rsp => cxlmi_cmd_fmapi_ld_allocations_list,
        cxlmi_cmd_fmapi_set_ld_allocations_rsp => cxlmi_cmd_fmapi_ld_allocations_list,
        cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp => u8,
        cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp => u8,
        cxlmi_cmd_fmapi_get_qos_bw_limit_rsp => u8,
        cxlmi_cmd_fmapi_set_qos_bw_limit_rsp => u8,
        cxlmi_cmd_fmapi_get_multiheaded_info_rsp => u8,
        cxlmi_cmd_fmapi_get_head_info_rsp => cxlmi_cmd_fmapi_get_head_info_blkfmt,
        cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp => cxlmi_fmapi_dc_extent,
        cxlmi_cmd_fmapi_dc_list_tags_rsp => cxlmi_fmapi_dc_tag_entry;
    cxlmi_cmd_get_scan_media_results_rsp =>
        listed::<cxlmi_cmd_memdev_get_scan_media_results_rsp, cxlmi_media_error_record>,
    cxlmi_cmd_fmapi_initiate_dc_add_req => with_extents::<cxlmi_cmd_fmapi_initiate_dc_add_req>,
    cxlmi_cmd_fmapi_initiate_dc_release_req => with_extents::<cxlmi_cmd_fmapi_initiate_dc_release_req>,
};

/// The decoded JSON of the payload struct `name` held in `b`: Err(errno) when the decode layer
/// has no such struct (ENOENT) or `b` is shorter than its fixed part (EINVAL).
fn decoded_json(name: &[u8], b: &[u8]) -> Result<String, c_int> {
    let decode = DECODERS.iter().find(|(n, _)| n.as_bytes() == name).ok_or(libc::ENOENT)?.1;
    decode(b).map(|o| json::object(&o)).ok_or(libc::EINVAL)
}

/// Decodes the payload struct named `struct_name` (its C name, `"cxlmi_cmd_identify_rsp"`) from
/// the `len` bytes at `bytes`, as the C library lays it out (for a struct with a flexible array,
/// the fixed part and then its entries, as many as its count field says and `len` holds), with
/// the core's decode layer, and writes the result as JSON text, the document `cxlmi ... --json`
/// prints for it, NUL-terminated to `out`.
///
/// Returns the text's length (without the NUL). With `out` NULL, only returns it (`out_size` is
/// not read), so a caller can size its buffer. Returns -1 with `errno` set: ENOENT when the
/// decode layer does not decode that struct, EINVAL when `struct_name` is NULL or `bytes` NULL
/// or fewer than the struct's fixed part, ERANGE when `out_size` has no room for the text and
/// its NUL (nothing is written then). Reads no byte past `len`, writes none past `out_size`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _cxlmi_py_decoded_json(
    struct_name: *const c_char,
    bytes: *const c_void,
    len: usize,
    out: *mut c_char,
    out_size: usize,
) -> isize {
    guard(-1, || {
        if struct_name.is_null() || bytes.is_null() {
            set_errno(libc::EINVAL);
            return -1;
        }
        // SAFETY: a NUL-terminated string, and `len` readable bytes, from the caller.
        let (name, b) = unsafe { (CStr::from_ptr(struct_name), core::slice::from_raw_parts(bytes.cast::<u8>(), len)) };
        let text = match decoded_json(name.to_bytes(), b) {
            Ok(text) => text,
            Err(e) => {
                set_errno(e);
                return -1;
            }
        };
        let n = text.len();
        if out.is_null() {
            return isize::try_from(n).unwrap_or(isize::MAX);
        }
        if out_size <= n {
            set_errno(libc::ERANGE);
            return -1;
        }
        // SAFETY: `out` has room for `out_size` > n bytes, per the caller.
        unsafe {
            core::ptr::copy_nonoverlapping(text.as_ptr(), out.cast::<u8>(), n);
            *out.add(n) = 0;
        }
        isize::try_from(n).unwrap_or(isize::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxlmi::decode::Value;

    /// The bytes of `v` as the C library leaves it in memory.
    fn mem<T: Wire>(v: &T) -> Vec<u8> {
        // SAFETY: a packed struct of integers, read as its bytes.
        unsafe { core::slice::from_raw_parts(core::ptr::from_ref(v).cast::<u8>(), size_of::<T>()) }.to_vec()
    }

    fn call(name: &str, b: &[u8], out: Option<&mut [u8]>) -> (isize, c_int) {
        let name = CString::new(name).unwrap();
        set_errno(0);
        let (p, size) = match out {
            Some(o) => (o.as_mut_ptr().cast::<c_char>(), o.len()),
            None => (core::ptr::null_mut(), 0),
        };
        // SAFETY: the name and bytes live through the call; `p` has `size` bytes.
        let n = unsafe { _cxlmi_py_decoded_json(name.as_ptr(), b.as_ptr().cast(), b.len(), p, size) };
        // SAFETY: this thread's errno.
        (n, unsafe { *libc::__errno_location() })
    }

    #[test]
    fn a_fixed_struct_decodes_as_the_decode_layer_says() {
        let mut id = cxlmi_cmd_identify_rsp::zeroed();
        id.vendor_id = 0x8086;
        id.component_type = 3;
        let b = mem(&id);
        let want = json::object(&id.decoded());
        let (n, _) = call("cxlmi_cmd_identify_rsp", &b, None);
        assert_eq!(n as usize, want.len());
        let mut out = vec![0xffu8; want.len() + 1];
        assert_eq!(call("cxlmi_cmd_identify_rsp", &b, Some(&mut out)).0 as usize, want.len());
        assert_eq!(&out[..want.len()], want.as_bytes());
        assert_eq!(out[want.len()], 0);
        assert!(want.contains("\"vendor_id\":32902"), "{want}");
    }

    #[test]
    fn too_small_unknown_and_short_are_refused() {
        let b = mem(&cxlmi_cmd_identify_rsp::zeroed());
        let need = call("cxlmi_cmd_identify_rsp", &b, None).0 as usize;
        let mut out = vec![0xaau8; need];
        assert_eq!(call("cxlmi_cmd_identify_rsp", &b, Some(&mut out)), (-1, libc::ERANGE));
        assert!(out.iter().all(|&x| x == 0xaa), "nothing written on ERANGE");
        assert_eq!(call("cxlmi_no_such_rsp", &b, None), (-1, libc::ENOENT));
        assert_eq!(call("cxlmi_cmd_set_timestamp_req", &b, None), (-1, libc::ENOENT));
        assert_eq!(call("cxlmi_cmd_identify_rsp", &b[..b.len() - 1], None), (-1, libc::EINVAL));
        assert_eq!(call("cxlmi_cmd_identify_rsp", &[], None), (-1, libc::EINVAL));
        // SAFETY: NULL pointers, which the function refuses.
        unsafe {
            assert_eq!(
                _cxlmi_py_decoded_json(core::ptr::null(), b.as_ptr().cast(), b.len(), core::ptr::null_mut(), 0),
                -1
            );
            assert_eq!(
                _cxlmi_py_decoded_json(
                    c"cxlmi_cmd_identify_rsp".as_ptr(),
                    core::ptr::null(),
                    0,
                    core::ptr::null_mut(),
                    0
                ),
                -1
            );
        }
    }

    #[test]
    fn a_count_is_never_trusted_past_the_bytes() {
        let mut head = cxlmi_cmd_fmapi_get_qos_bw_limit_rsp::zeroed();
        head.number_ld = 200;
        let mut b = mem(&head);
        b.extend([0x40, 0x80, 0xff]);
        let text = decoded_json(b"cxlmi_cmd_fmapi_get_qos_bw_limit_rsp", &b).unwrap();
        let want = {
            let mut h = head;
            h.number_ld = 3;
            json::object(&Listed::<_, u8>::new(h, &[0x40, 0x80, 0xff], 3, 3).decoded())
        };
        assert_eq!(text, want);
        // Nothing after the fixed part: no entries, whatever the count says.
        let text = decoded_json(b"cxlmi_cmd_fmapi_get_qos_bw_limit_rsp", &b[..size_of_val(&head)]).unwrap();
        assert!(text.contains("[]"), "{text}");
    }

    #[test]
    fn listed_entries_decode_with_their_head() {
        let mut head = cxlmi_cmd_get_event_records_rsp::zeroed();
        head.record_count = 2;
        let mut rec = cxlmi_event_record::zeroed();
        rec.length = 128;
        let mut b = mem(&head);
        b.extend(mem(&rec));
        b.extend(mem(&rec));
        b.extend([0u8; 5]); // a partial third entry is not read
        let text = decoded_json(b"cxlmi_cmd_get_event_records_rsp", &b).unwrap();
        let mut wire = vec![0u8; 2 * cxlmi_event_record::SIZE];
        rec.encode(&mut wire);
        rec.encode(&mut wire[cxlmi_event_record::SIZE..]);
        assert_eq!(text, json::object(&Listed::<_, cxlmi_event_record>::new(head, &wire, 2, 2).decoded()));
    }

    #[test]
    fn requests_with_extents_show_them() {
        let mut head = cxlmi_cmd_fmapi_initiate_dc_add_req::zeroed();
        head.ext_count = 1;
        let mut ext = cxlmi_fmapi_dc_extent::zeroed();
        ext.start_dpa = 0x1000_0000;
        ext.len = 0x1000_0000;
        let mut b = mem(&head);
        b.extend(mem(&ext));
        let mut want = head.decoded();
        want.push("extents", Value::List(vec![Value::Object(ext.decoded())]));
        assert_eq!(decoded_json(b"cxlmi_cmd_fmapi_initiate_dc_add_req", &b).unwrap(), json::object(&want));
    }

    #[test]
    fn the_version_is_the_crates() {
        // SAFETY: a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(_cxlmi_py_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn a_callback_context_logs_to_the_callback() {
        unsafe extern "C" fn cb(level: c_int, msg: *const c_char, user: *mut c_void) {
            // SAFETY: the Vec the test passed, and the callback's message.
            let got = unsafe { &*(user as *const std::sync::Mutex<Vec<(c_int, String)>>) };
            let msg = unsafe { CStr::from_ptr(msg) }.to_string_lossy().into_owned();
            got.lock().unwrap().push((level, msg));
        }
        let got = std::sync::Mutex::new(Vec::<(c_int, String)>::new());
        // SAFETY: `got` outlives the context, freed below.
        unsafe {
            assert!(_cxlmi_py_new_ctx(7, None, core::ptr::null_mut()).is_null());
            let ctx = _cxlmi_py_new_ctx(7, Some(cb), core::ptr::from_ref(&got).cast_mut().cast());
            assert!(!ctx.is_null());
            assert!(crate::context::cxlmi_open(ctx, c"mem99".as_ptr()).is_null());
            crate::context::cxlmi_free_ctx(ctx);
        }
        let got = got.into_inner().unwrap();
        assert!(got.iter().any(|(level, msg)| *level == 3 && msg.contains("mem99")), "{got:?}");
        assert!(got.iter().all(|(_, msg)| !msg.starts_with("libcxlmi:") && !msg.ends_with('\n')), "{got:?}");
    }

    /// Every struct the decode layer decodes (an `impl Decode for cxlmi_...`, or a `Listed` of a
    /// fixed part and its entries) has its decoder here.
    #[test]
    fn every_decoded_struct_is_in_the_table() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/core/src/decode");
        let mut decoded = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap();
            for line in text.lines().map(str::trim) {
                let head = if let Some(rest) = line.strip_prefix("impl Decode for ") {
                    match rest.strip_prefix("Listed<'_, ") {
                        Some(listed) => listed.split(',').next().unwrap(),
                        None => rest.split([' ', '{']).next().unwrap(),
                    }
                } else if line.starts_with("cxlmi_") && line.contains(" => ") && line.ends_with(';') {
                    // listed_decode! { head, entry => function; }
                    line.split(',').next().unwrap()
                } else if let Some(rest) = line.strip_prefix("for Listed<'_, ") {
                    rest.split(',').next().unwrap()
                } else {
                    continue;
                };
                if head.starts_with("cxlmi_") {
                    decoded.push(head.to_string());
                }
            }
        }
        assert!(decoded.len() > 50, "{decoded:?}");
        let known: Vec<&str> = DECODERS.iter().map(|(n, _)| *n).collect();
        let missing: Vec<&String> = decoded.iter().filter(|d| !known.contains(&d.as_str())).collect();
        assert!(missing.is_empty(), "no decoder for {missing:?}");
        let mut names = known.clone();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), known.len(), "a struct listed twice");
    }
}
