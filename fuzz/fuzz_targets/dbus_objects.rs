//! mctpd's answer to GetManagedObjects as discovery reads it (`parse_managed_objects`, the same
//! reading `Mctpd::cxl_endpoints` gives a reply): any body is refused or read without panicking,
//! and what is read is a list of distinct (network, EID) pairs in order.
//!
//! Input: `[byte order (bit 0: big-endian), body]`.

#![no_main]

use cxlmi::discovery::mctpd::parse_managed_objects;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&order, body)) = data.split_first() else { return };
    if let Ok(found) = parse_managed_objects(body, order & 1 != 0) {
        assert!(found.windows(2).all(|w| (w[0].net, w[0].eid) < (w[1].net, w[1].eid)), "{found:?}");
    }
});
