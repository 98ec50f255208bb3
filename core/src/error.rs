//! The one error type of the library, and the CXL return codes' texts.

use crate::types::cxlmi_cmd_retcode;

/// Everything a command or an endpoint operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The device answered with a CXL return code other than success.
    #[error("device returned {}", retcode_str(*.0))]
    Device(u16),
    /// An argument is unusable (NULL, out of range, inconsistent sizes).
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
    /// An FM-API command was asked of an endpoint without FM-API enabled.
    #[error("FM-API is not enabled on this endpoint")]
    FmapiDisabled,
    /// The response does not follow the CCI message rules.
    #[error("malformed response: {0}")]
    Protocol(&'static str),
    /// No response arrived in time.
    #[error("timed out waiting for a response")]
    Timeout,
    /// The operating system refused (socket, ioctl, open).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Support for this was left out of the build (D-Bus scanning).
    #[error("not supported by this build: {0}")]
    Unsupported(&'static str),
}

pub type Result<T> = core::result::Result<T, Error>;

/// Upstream's text for each return code, indexed by code; NUL-terminated
/// because the C API hands these out as `const char *` that live forever.
pub const RETCODE_TEXT: [&core::ffi::CStr; 33] = [
    c"success",
    c"background cmd started successfully",
    c"cmd input was invalid",
    c"cmd is not supported",
    c"internal device error",
    c"temporary error, retry once",
    c"ongoing background operation",
    c"media access is disabled",
    c"one FW package can be transferred at a time",
    c"FW package content was transferred out of order",
    c"FW package authentication failed",
    c"FW slot is not supported for requested operation",
    c"rolled back to the previous active FW",
    c"FW failed to activate, needs cold reset",
    c"one or more Event Record Handles were invalid",
    c"physical address specified is invalid",
    c"poison injection limit has been reached",
    c"permanent issue with the media",
    c"background cmd was aborted by device",
    c"not valid in the current security state",
    c"phrase doesn't match current set passphrase",
    c"unsupported on the mailbox it was issued on",
    c"invalid payload length",
    c"invalid or unsupported log page",
    c"asynchronous event occurred",
    c"unsupported feature version",
    c"unsupported feature selection value",
    c"feature transfer in progress",
    c"feature transfer out of order",
    c"resources are exhausted",
    c"invalid Extent List",
    c"transfer out of order",
    c"on-going background cmd is not abortable",
];

// The table and the enum must stay in step.
const _: () = assert!(RETCODE_TEXT.len() == cxlmi_cmd_retcode::CXLMI_RET_NO_BGABORT as usize + 1);

/// Every return code, in value order.
const RETCODES: [cxlmi_cmd_retcode; 33] = {
    use cxlmi_cmd_retcode::*;
    [
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
    ]
};

/// The return code `code` names, or `None` for one the spec does not define.
pub fn retcode(code: u32) -> Option<cxlmi_cmd_retcode> {
    RETCODES.get(code as usize).copied()
}

/// Describes a CXL return code, or `None` for a code the spec does not define.
pub fn retcode_text(code: u32) -> Option<&'static str> {
    RETCODE_TEXT.get(code as usize).map(|c| c.to_str().unwrap_or(""))
}

fn retcode_str(code: u16) -> String {
    match retcode_text(u32::from(code)) {
        Some(t) => format!("{t} ({code})"),
        None => format!("unknown return code {code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_codes_are_listed_in_value_order() {
        for code in 0..40u32 {
            assert_eq!(retcode(code).map(|rc| rc as u32), (code < 33).then_some(code));
        }
    }
}
