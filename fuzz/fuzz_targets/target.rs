//! The target syntax (`mem0`, `/dev/cxl/mem0`, `mctp:NET,EID`, `emu:MODEL`): any text parses or
//! is refused without panicking, and a parsed target's `Display` parses back to the same target.

#![no_main]

use cxlmi::Target;
use libfuzzer_sys::fuzz_target;

fn check(s: &str) {
    if let Ok(t) = s.parse::<Target>() {
        let shown = t.to_string();
        let again = shown.parse::<Target>();
        assert_eq!(again.as_ref(), Ok(&t), "{s:?} parsed to {t:?}, shown as {shown:?}");
    } else if let Err(e) = s.parse::<Target>() {
        let _ = e.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        check(s);
    }
    check(&String::from_utf8_lossy(data));
});
