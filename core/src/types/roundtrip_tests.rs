//! Wire round trips of every payload struct (issue #3).
//!
//! For each struct of `compat::for_each_payload_struct!`, decoding wire bytes
//! and encoding the value again must give the same bytes, except that
//! reserved fields (named `rsv*`, `resv*`, `reserved*`) go out as zero
//! (CXL r3.1 section 1.5). The reserved bytes are found from the code itself
//! (decode all-0xFF, encode, see which bytes came back zero) and checked
//! against the field names in the source.

use super::compat::for_each_payload_struct;
use super::*;
use crate::wire::{Wire, to_vec};
use core::mem::size_of;

/// xorshift64: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let r = self.next().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
    }
}

/// Random buffers per struct; small structs see every byte value many times over.
const ROUNDS: usize = 200;

/// Encodes `v` into a buffer first filled with `fill`, so bytes that
/// `encode` fails to write show up.
fn encode_over<T: Wire>(v: &T, fill: u8) -> Vec<u8> {
    let mut out = vec![fill; T::SIZE];
    v.encode(&mut out);
    out
}

/// The in-memory bytes of a packed value: on a little-endian host, its C
/// layout holding the wire bytes.
#[cfg(target_endian = "little")]
fn memory_bytes<T: Copy>(v: &T) -> Vec<u8> {
    // SAFETY: T is a packed struct of integers; every byte is initialized.
    unsafe { core::slice::from_raw_parts((v as *const T).cast::<u8>(), size_of::<T>()) }.to_vec()
}

/// Which bytes of `T` are reserved: encoding the all-0xFF value writes zero there.
fn reserved_mask<T: Wire>(name: &str) -> Vec<bool> {
    let ones = T::decode(&vec![0xff; T::SIZE]);
    let over_zero = encode_over(&ones, 0x00);
    let over_ones = encode_over(&ones, 0xff);
    assert_eq!(over_zero, over_ones, "{name}: encode leaves bytes unwritten");
    over_zero
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            assert!(b == 0 || b == 0xff, "{name}: byte {i} of all-ones encodes as {b:#04x}");
            b == 0
        })
        .collect()
}

/// The payload struct sources, to read field names from.
const SOURCES: [&str; 4] =
    [include_str!("mod.rs"), include_str!("generic.rs"), include_str!("memdev.rs"), include_str!("fmapi.rs")];
const COMPAT_SOURCE: &str = include_str!("compat.rs");

/// The declaration body of `pub struct <name> {`, from the sources.
fn declaration(name: &str) -> &'static str {
    let head = format!("pub struct {name} {{");
    for src in SOURCES.iter().chain([&COMPAT_SOURCE]) {
        if let Some(at) = src.find(&head) {
            let body = &src[at + head.len()..];
            return &body[..body.find("\n}").expect("struct body ends")];
        }
    }
    panic!("{name}: declaration not found");
}

/// Whether the declaration of `name` has a reserved field that takes room,
/// itself or inside a nested payload struct.
fn declares_reserved_bytes(name: &str) -> bool {
    declaration(name).lines().any(|line| {
        let Some(field) = line.trim().strip_prefix("pub ") else { return false };
        let Some((ident, ty)) = field.split_once(':') else { return false };
        let ty = ty.trim().trim_end_matches(',');
        if ty.ends_with("; 0]") {
            return false;
        }
        let reserved = ident.starts_with("rsv") || ident.starts_with("resv") || ident.starts_with("reserved");
        // `T` or `[T; n]`
        let elem = ty.trim_start_matches('[').split(';').next().unwrap_or("").trim();
        reserved || (elem.starts_with("cxlmi_") && declares_reserved_bytes(elem))
    })
}

/// All the checks on one struct; returns its count of reserved bytes.
fn round_trip<T: Wire>(name: &str, rng: &mut Rng) -> usize {
    assert_eq!(T::SIZE, size_of::<T>(), "{name}: wire size is the C size");
    let reserved = reserved_mask::<T>(name);
    let n_reserved = reserved.iter().filter(|&&r| r).count();
    assert_eq!(
        n_reserved > 0,
        declares_reserved_bytes(name),
        "{name}: reserved bytes on the wire disagree with the reserved field names"
    );

    let mut input = vec![0u8; T::SIZE];
    for round in 0..ROUNDS {
        rng.fill(&mut input);
        let v = T::decode(&input);
        // Decoding puts every field at its C offset (reserved ones included).
        #[cfg(target_endian = "little")]
        assert_eq!(memory_bytes(&v), input, "{name}: decoded layout, round {round}");

        let out = encode_over(&v, 0x5a);
        for (i, ((&got, &sent), &rsv)) in out.iter().zip(&input).zip(&reserved).enumerate() {
            let want = if rsv { 0 } else { sent };
            assert_eq!(got, want, "{name}: byte {i} (reserved: {rsv}), round {round}");
        }
        // Encoding is idempotent: what went out decodes to the same bytes again.
        assert_eq!(to_vec(&T::decode(&out)), out, "{name}: re-encoding, round {round}");
    }
    n_reserved
}

#[test]
fn every_payload_struct_round_trips() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut structs = 0usize;
    let mut with_reserved = 0usize;
    macro_rules! check_all {
        ($($(#[$cfg:meta])* $t:ident = $size:expr;)*) => {$(
            $(#[$cfg])*
            {
                structs += 1;
                if round_trip::<$t>(stringify!($t), &mut rng) > 0 {
                    with_reserved += 1;
                }
            }
        )*};
    }
    for_each_payload_struct!(check_all);

    // The list is complete: every packed struct of the payload modules is on it.
    let declared: usize =
        SOURCES.iter().chain([&COMPAT_SOURCE]).map(|s| s.matches("#[repr(C, packed)]\n").count()).sum();
    assert_eq!(structs, declared, "a #[repr(C, packed)] struct is missing from for_each_payload_struct!");
    // Not vacuous: many structs have reserved bytes, and most have none.
    assert!(with_reserved > 20 && with_reserved < structs, "{with_reserved} of {structs} with reserved bytes");
}

#[test]
fn reserved_bytes_are_the_reserved_fields() {
    // Spot checks of the mask against offsets read from the spec tables.
    let mask = reserved_mask::<cxlmi_cci_msg>("cxlmi_cci_msg");
    assert_eq!(mask.iter().position(|&r| r), Some(2));
    assert_eq!(mask.iter().filter(|&&r| r).count(), 1);

    let mask = reserved_mask::<cxlmi_cmd_get_scan_media_results_rsp>("scan media results");
    let reserved: Vec<usize> = (0..mask.len()).filter(|&i| mask[i]).collect();
    // rsvd1 at 17, rsvd2 at 20..32
    assert_eq!(reserved, [17].into_iter().chain(20..32).collect::<Vec<_>>());

    let mask = reserved_mask::<cxlmi_cmd_memdev_identify_rsp>("memdev identify");
    assert!(mask.iter().all(|&r| !r));
}

#[test]
fn multi_byte_fields_encode_little_endian_at_their_offsets() {
    // A u32 at offset 4.
    let req = cxlmi_cmd_memdev_get_lsa_req { offset: 0x1122_3344, length: 0xa1b2_c3d4 };
    assert_eq!(to_vec(&req), [0x44, 0x33, 0x22, 0x11, 0xd4, 0xc3, 0xb2, 0xa1]);

    // A u16 and a u64 at odd offsets.
    let mut req = cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req::zeroed();
    req.transaction_len = 0x0102;
    req.transaction_addr = 0x0807_0605_0403_0201;
    let b = to_vec(&req);
    assert_eq!(&b[5..7], &[0x02, 0x01]);
    assert_eq!(&b[7..15], &[1, 2, 3, 4, 5, 6, 7, 8]);

    // The 20-bit payload length of a message header, in its 3 bytes.
    let mut msg = cxlmi_cci_msg::zeroed();
    msg.pl_length = [0x56, 0x34, 0x02];
    msg.return_code = 0xbeef;
    let b = to_vec(&msg);
    assert_eq!(&b[5..10], &[0x56, 0x34, 0x02, 0xef, 0xbe]);
}
