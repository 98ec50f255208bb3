//! CXL return codes by name, as the C header spells them (`CXLMI_RET_BUSY`
//! is `BUSY`), with the library's description.

use cxlmi::types::cxlmi_cmd_retcode::{self, *};

/// Every return code, in value order.
const ALL: [cxlmi_cmd_retcode; 33] = [
    CXLMI_RET_SUCCESS,
    CXLMI_RET_BACKGROUND,
    CXLMI_RET_INPUT,
    CXLMI_RET_UNSUPPORTED,
    CXLMI_RET_INTERNAL,
    CXLMI_RET_RETRY,
    CXLMI_RET_BUSY,
    CXLMI_RET_MEDIADISABLED,
    CXLMI_RET_FWINPROGRESS,
    CXLMI_RET_FWOOO,
    CXLMI_RET_FWAUTH,
    CXLMI_RET_FWSLOT,
    CXLMI_RET_FWROLLBACK,
    CXLMI_RET_FWRESET,
    CXLMI_RET_HANDLE,
    CXLMI_RET_PADDR,
    CXLMI_RET_POISONLMT,
    CXLMI_RET_MEDIAFAILURE,
    CXLMI_RET_ABORT,
    CXLMI_RET_SECURITY,
    CXLMI_RET_PASSPHRASE,
    CXLMI_RET_MBUNSUPPORTED,
    CXLMI_RET_PAYLOADLEN,
    CXLMI_RET_LOG,
    CXLMI_RET_INTERRUPTED,
    CXLMI_RET_FEATUREVERSION,
    CXLMI_RET_FEATURESELVALUE,
    CXLMI_RET_FEATURETRANSFERIP,
    CXLMI_RET_FEATURETRANSFEROOO,
    CXLMI_RET_RESOURCEEXHAUSTED,
    CXLMI_RET_EXTLIST,
    CXLMI_RET_TRANSFEROOO,
    CXLMI_RET_NO_BGABORT,
];

/// `BUSY` for 6; `UNKNOWN` for a code the specification does not define.
pub fn name(code: u16) -> String {
    ALL.get(usize::from(code))
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
        for (i, rc) in ALL.iter().enumerate() {
            assert_eq!(*rc as usize, i);
        }
        assert_eq!(name(6), "BUSY");
        assert_eq!(name(32), "NO_BGABORT");
        assert_eq!(name(999), "UNKNOWN");
        assert_eq!(describe(6), "ongoing background operation (BUSY/6)");
        assert_eq!(describe(3), "cmd is not supported (UNSUPPORTED/3)");
    }
}
