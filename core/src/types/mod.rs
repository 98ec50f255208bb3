//! The C-visible payload structs, byte for byte upstream's layouts.
//!
//! Every struct here is `#[repr(C, packed)]` with integer fields only, so its
//! C layout equals its wire layout; `#[derive(Wire)]` gives the little-endian
//! encoding. Names are the C names users already write (`struct
//! cxlmi_cmd_identify_rsp`), which is why they are not CamelCase. cbindgen
//! turns this module into `include/libcxlmi.h`.
//!
//! A trailing `[T; 0]` field is a C flexible array member: the entries follow
//! the fixed part in the caller's buffer and on the wire.
#![allow(non_camel_case_types)]

pub mod compat;
pub mod fmapi;
pub mod generic;
pub mod memdev;
#[cfg(test)]
mod roundtrip_tests;

pub use compat::*;
pub use fmapi::*;
pub use generic::*;
pub use memdev::*;

use cxlmi_derive::Wire;

/// The largest payload a CXL mailbox carries (CXL r3.2 Figure 8-14), which
/// also bounds the Get Feature output.
pub const CXL_MAILBOX_MAX_PAYLOAD_SIZE: usize = 1 << 11;

/// The Get Event Records response holds at most this many records.
pub const CXLMI_MAX_SUPPORTED_EVENT_RECORDS: usize = 20;

/// The Get Supported Logs (and sub-list) response holds at most this many entries.
pub const CXLMI_MAX_SUPPORTED_LOGS: usize = 7;

/// A CCI message header (CXL r3.1 Figure 7-19), followed by its payload.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cci_msg {
    /// 0 for a request, 1 for a response.
    pub category: u8,
    /// Matches a response to its request.
    pub tag: u8,
    pub rsv1: u8,
    /// Command (low byte of the opcode).
    pub command: u8,
    /// Command set (high byte of the opcode).
    pub command_set: u8,
    /// Payload length: 20 bits, little-endian; bit 23 is the background-operation flag.
    pub pl_length: [u8; 3],
    /// CXL return code of a response.
    pub return_code: u16,
    pub vendor_ext_status: u16,
    /// The payload bytes.
    pub payload: [u8; 0],
}

/// Where a command is tunnelled to (CXL r3.1 section 7.6.7.3.1).
///
/// `level` 0 (or a NULL pointer) sends directly. Level 1 goes through one
/// Tunnel Management Command: to LD `ld` of an MLD when `ld` is not -1,
/// otherwise to switch port `port`, or to the LD Pool CCI when `mhd` is set.
/// Level 2 goes to LD `ld` behind switch port `port`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct cxlmi_tunnel_info {
    /// Switch downstream port, or -1.
    pub port: i32,
    /// Logical Device id within an MLD, or -1.
    pub ld: i32,
    /// Tunnelling depth: 0, 1 or 2.
    pub level: i32,
    /// Target the LD Pool CCI of a multi-headed device.
    pub mhd: bool,
}

/// CXL command return codes (CXL r3.1 Table 8-34).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum cxlmi_cmd_retcode {
    /// Success.
    CXLMI_RET_SUCCESS = 0,
    /// A background operation was started.
    CXLMI_RET_BACKGROUND,
    /// One or more command inputs are invalid.
    CXLMI_RET_INPUT,
    /// The command is not supported.
    CXLMI_RET_UNSUPPORTED,
    /// Internal device error.
    CXLMI_RET_INTERNAL,
    /// Temporary error; one retry may succeed.
    CXLMI_RET_RETRY,
    /// A background operation is running.
    CXLMI_RET_BUSY,
    /// Media access is disabled.
    CXLMI_RET_MEDIADISABLED,
    /// A firmware transfer is already in progress.
    CXLMI_RET_FWINPROGRESS,
    /// Firmware was transferred out of order.
    CXLMI_RET_FWOOO,
    /// Firmware verification failed.
    CXLMI_RET_FWAUTH,
    /// The firmware slot is not valid for this operation.
    CXLMI_RET_FWSLOT,
    /// New firmware failed to activate and rolled back.
    CXLMI_RET_FWROLLBACK,
    /// New firmware failed to activate; a cold reset is needed.
    CXLMI_RET_FWRESET,
    /// An event record handle was invalid or out of order.
    CXLMI_RET_HANDLE,
    /// The physical address is invalid.
    CXLMI_RET_PADDR,
    /// The poison injection limit was reached.
    CXLMI_RET_POISONLMT,
    /// Permanent media failure.
    CXLMI_RET_MEDIAFAILURE,
    /// The background operation was aborted.
    CXLMI_RET_ABORT,
    /// Not valid in the current security state.
    CXLMI_RET_SECURITY,
    /// The passphrase does not match.
    CXLMI_RET_PASSPHRASE,
    /// Not supported on this mailbox or CCI.
    CXLMI_RET_MBUNSUPPORTED,
    /// The input payload length is invalid.
    CXLMI_RET_PAYLOADLEN,
    /// The log page is not supported or not valid.
    CXLMI_RET_LOG,
    /// Interrupted by an asynchronous event.
    CXLMI_RET_INTERRUPTED,
    /// The feature version is not supported.
    CXLMI_RET_FEATUREVERSION,
    /// The selection value is not supported.
    CXLMI_RET_FEATURESELVALUE,
    /// A feature transfer is already in progress.
    CXLMI_RET_FEATURETRANSFERIP,
    /// Feature data was transferred out of order.
    CXLMI_RET_FEATURETRANSFEROOO,
    /// Resources are exhausted.
    CXLMI_RET_RESOURCEEXHAUSTED,
    /// The extent list is invalid.
    CXLMI_RET_EXTLIST,
    /// Input was transferred out of order.
    CXLMI_RET_TRANSFEROOO,
    /// The running background operation cannot be aborted.
    CXLMI_RET_NO_BGABORT,
}
