//! CXL return codes by name, as the C header spells them (`CXLMI_RET_BUSY`
//! is `BUSY`), with the library's description.

/// `BUSY` for 6; `UNKNOWN` for a code the specification does not define.
pub fn name(code: u16) -> String {
    cxlmi::error::retcode(u32::from(code))
        .map(|rc| format!("{rc:?}").trim_start_matches("CXLMI_RET_").to_string())
        .unwrap_or_else(|| "UNKNOWN".into())
}

/// `ongoing background operation (BUSY/6)`.
pub fn describe(code: u16) -> String {
    let text = cxlmi::error::retcode_text(u32::from(code)).unwrap_or("unknown return code");
    format!("{text} ({}/{code})", name(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_values() {
        assert_eq!(name(6), "BUSY");
        assert_eq!(name(32), "NO_BGABORT");
        assert_eq!(name(999), "UNKNOWN");
        assert_eq!(describe(6), "ongoing background operation (BUSY/6)");
        assert_eq!(describe(3), "cmd is not supported (UNSUPPORTED/3)");
    }
}
