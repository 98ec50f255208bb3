//! Generic Component command payloads (CXL r3.1 section 8.2.9, Table 8-37).
#![allow(non_camel_case_types)]

use super::CXL_MAILBOX_MAX_PAYLOAD_SIZE;
use core::ffi::c_char;
use cxlmi_derive::Wire;

/// Identify output (opcode 0001h, CXL r3.1 section 8.2.9.1.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_identify_rsp {
    pub vendor_id: u16,
    pub device_id: u16,
    pub subsys_vendor_id: u16,
    pub subsys_id: u16,
    pub serial_num: u64,
    /// Maximum message size, as a power of two.
    pub max_msg_size: u8,
    /// 0: switch, 3: type 3 device.
    pub component_type: u8,
}

/// Background Operation Status output (opcode 0002h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_bg_op_status_rsp {
    pub status: u8,
    pub rsvd: u8,
    pub opcode: u16,
    pub returncode: u16,
    pub vendor_ext_status: u16,
}

/// Get Response Message Limit output (opcode 0003h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_response_msg_limit_rsp {
    /// Limit as a power of two.
    pub limit: u8,
}

/// Set Response Message Limit input (opcode 0004h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_set_response_msg_limit_req {
    pub limit: u8,
}

/// Set Response Message Limit output (opcode 0004h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_set_response_msg_limit_rsp {
    pub limit: u8,
}

/// One event record (CXL r3.1 Table 8-43), 128 bytes.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_event_record {
    pub uuid: [u8; 0x10],
    pub length: u8,
    pub flags: [u8; 3],
    pub handle: u16,
    pub related_handle: u16,
    pub timestamp: u64,
    pub maint_op_class: u8,
    pub maint_op_subclass: u8,
    pub ld_id: u16,
    pub head_id: u8,
    pub reserved: [u8; 0xb],
    pub data: [u8; 0x50],
}

/// Get Event Records input (opcode 0100h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_event_records_req {
    /// Which event log: 0 informational, 1 warning, 2 failure, 3 fatal, 4 dynamic capacity.
    pub event_log: u8,
}

/// Get Event Records output (opcode 0100h); the caller's buffer holds
/// room for `CXLMI_MAX_SUPPORTED_EVENT_RECORDS` records after it.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_event_records_rsp {
    pub flags: u8,
    pub reserved1: u8,
    pub overflow_err_count: u16,
    pub first_overflow_timestamp: u64,
    pub last_overflow_timestamp: u64,
    pub record_count: u16,
    pub reserved2: [u8; 0xa],
    pub records: [cxlmi_event_record; 0],
}

/// Clear Event Records input (opcode 0101h), followed by `nr_recs` handles.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_clear_event_records_req {
    pub event_log: u8,
    pub clear_flags: u8,
    pub nr_recs: u8,
    pub reserved: [u8; 3],
    pub handles: [u16; 0],
}

/// Get Event Interrupt Policy output (opcode 0102h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_event_interrupt_policy_rsp {
    pub informational_settings: u8,
    pub warning_settings: u8,
    pub failure_settings: u8,
    pub fatal_settings: u8,
    /// Dynamic capacity event log settings (CXL 3.x only).
    #[cfg(not(feature = "cxl2_0"))]
    pub dcd_settings: u8,
}

/// Set Event Interrupt Policy input (opcode 0103h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_set_event_interrupt_policy_req {
    pub informational_settings: u8,
    pub warning_settings: u8,
    pub failure_settings: u8,
    pub fatal_settings: u8,
    /// Dynamic capacity event log settings (CXL 3.x only).
    #[cfg(not(feature = "cxl2_0"))]
    pub dcd_settings: u8,
}

/// Get MCTP Event Interrupt Policy output (opcode 0104h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_mctp_event_interrupt_policy_rsp {
    pub event_interrupt_settings: u16,
}

/// Set MCTP Event Interrupt Policy input (opcode 0105h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_set_mctp_event_interrupt_policy_req {
    pub event_interrupt_settings: u16,
}

/// Event Notification input (opcode 0106h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_event_notification_req {
    pub event: u16,
}

/// Get FW Info output (opcode 0200h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_fw_info_rsp {
    pub slots_supported: u8,
    pub slot_info: u8,
    pub caps: u8,
    pub rsvd: [u8; 0xd],
    pub fw_rev1: [c_char; 0x10],
    pub fw_rev2: [c_char; 0x10],
    pub fw_rev3: [c_char; 0x10],
    pub fw_rev4: [c_char; 0x10],
}

/// Transfer FW input (opcode 0201h), followed by the firmware data.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_transfer_fw_req {
    pub action: u8,
    pub slot: u8,
    pub rsvd1: [u8; 2],
    /// Offset in 128-byte units.
    pub offset: u32,
    pub rsvd2: [u8; 0x78],
    pub data: [u8; 0],
}

/// Activate FW input (opcode 0202h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_activate_fw_req {
    pub action: u8,
    pub slot: u8,
}

/// Get Timestamp output (opcode 0300h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_timestamp_rsp {
    pub timestamp: u64,
}

/// Set Timestamp input (opcode 0301h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_set_timestamp_req {
    pub timestamp: u64,
}

/// One supported-log entry (CXL r3.1 Table 8-55).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_supported_log_entry {
    pub uuid: [u8; 0x10],
    pub log_size: u32,
}

/// Get Supported Logs output (opcode 0400h); the caller's buffer holds room
/// for `CXLMI_MAX_SUPPORTED_LOGS` entries after it.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_supported_logs_rsp {
    pub num_supported_log_entries: u16,
    pub reserved: [u8; 6],
    pub entries: [cxlmi_supported_log_entry; 0],
}

/// Get Log input (opcode 0401h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_log_req {
    pub uuid: [u8; 0x10],
    pub offset: u32,
    /// Bytes to read; the output buffer must hold this many.
    pub length: u32,
}

/// One Command Effects Log entry.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_log_rsp {
    pub opcode: u16,
    pub command_effect: u16,
}

/// One Command Effects Log entry (CXL r3.1 Table 8-60), as Get Log CEL returns them.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_log_cel_rsp {
    pub opcode: u16,
    pub command_effect: u16,
}

/// Get Log Capabilities input (opcode 0402h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_log_capabilities_req {
    pub uuid: [u8; 0x10],
}

/// Get Log Capabilities output (opcode 0402h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_log_capabilities_rsp {
    pub parameter_flags: u32,
}

/// Clear Log input (opcode 0403h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_clear_log_req {
    pub uuid: [u8; 0x10],
}

/// Populate Log input (opcode 0404h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_populate_log_req {
    pub uuid: [u8; 0x10],
}

/// Get Supported Logs Sub-List input (opcode 0405h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_supported_logs_sublist_req {
    pub max_supported_log_entries: u8,
    pub start_log_entry_index: u8,
}

/// Get Supported Logs Sub-List output (opcode 0405h); the caller's buffer
/// holds room for `CXLMI_MAX_SUPPORTED_LOGS` entries after it.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_supported_logs_sublist_rsp {
    pub num_supported_log_entries: u8,
    pub rsvd1: u8,
    pub total_num_supported_log_entries: u16,
    pub start_log_entry_index: u8,
    pub rsvd2: [u8; 0x3],
    pub entries: [cxlmi_supported_log_entry; 0],
}

/// Get Supported Features input (opcode 0500h, CXL r3.2 section 8.2.10.6.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_supported_features_req {
    /// Bytes of feature entries to return (not a count of entries).
    pub count: u32,
    pub starting_feature_index: u16,
    pub rsvd: [u8; 2],
}

/// One supported-feature entry (CXL r3.2 Table 8-97), 48 bytes.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_supported_feature_entry {
    pub feature_id: [u8; 0x10],
    pub feature_index: u16,
    pub get_feature_size: u16,
    pub set_feature_size: u16,
    pub attribute_flags: u32,
    pub get_feature_version: u8,
    pub set_feature_version: u8,
    pub set_feature_effects: u16,
    pub rsvd: [u8; 18],
}

/// Get Supported Features output (opcode 0500h); the caller's buffer holds
/// room for the `count` bytes of entries it asked for.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_supported_features_rsp {
    pub num_supported_feature_entries: u16,
    pub device_supported_features: u16,
    pub rsvd: [u8; 4],
    pub supported_feature_entries: [cxlmi_supported_feature_entry; 0],
}

/// Get Feature input (opcode 0501h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_feature_req {
    pub feature_id: [u8; 0x10],
    pub offset: u16,
    /// Bytes of feature data to return.
    pub count: u16,
    pub selection: u8,
}

/// Get Feature output (opcode 0501h): the feature data.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_feature_rsp {
    pub feature_data: [u8; CXL_MAILBOX_MAX_PAYLOAD_SIZE],
}

/// Set Feature input (opcode 0502h), followed by the feature data.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_set_feature_req {
    pub feature_id: [u8; 0x10],
    pub set_feature_flags: u32,
    pub offset: u16,
    pub version: u8,
    pub rsvd: [u8; 9],
    pub feature_data: [u8; 0],
}

/// Perform Maintenance input (opcode 0600h, CXL r3.1 section 8.2.9.7.1):
/// which operation (Table 8-110: class 00h no operation, 01h Post Package
/// Repair, 02h memory sparing, 03h built-in test), followed by its
/// parameters, for instance a `cxlmi_maintenance_ppr_params`.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_perform_maintenance_req {
    pub operation_class: u8,
    /// For Post Package Repair: 00h soft (sPPR), 01h hard (hPPR).
    pub operation_subclass: u8,
    pub parameters: [u8; 0],
}

/// The parameters of a soft or hard Post Package Repair (CXL r3.1 Tables
/// 8-103 and 8-104), after the class and subclass of Perform Maintenance.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_maintenance_ppr_params {
    /// Bit 0: Query Resources (only ask whether the repair could be done).
    pub flags: u8,
    /// Device physical address to repair.
    pub dpa: u64,
    /// The DRAM devices to repair, as the DRAM Event Record maps them; all
    /// ones for all of them.
    pub nibble_mask: [u8; 3],
}

/// The parameters of memory sparing (CXL r3.1 Table 8-105), after the class
/// and subclass (00h cacheline, 01h row, 02h bank, 03h rank) of Perform
/// Maintenance.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_maintenance_sparing_params {
    /// Bit 0: Query Resources; bit 1: hard sparing; bit 2: `sub_channel` is
    /// valid; bit 3: `nibble_mask` is valid (else all devices).
    pub flags: u8,
    pub channel: u8,
    pub rank: u8,
    pub nibble_mask: [u8; 3],
    pub bank_group: u8,
    pub bank: u8,
    pub row: [u8; 3],
    pub column: u16,
    pub sub_channel: u8,
}
