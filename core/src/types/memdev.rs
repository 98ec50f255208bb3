//! Memory Device command payloads (CXL r3.1 section 8.2.9.9, Table 8-126).
//!
//! Capacities and DPA lengths that the spec counts in 256 MB or 64-byte units
//! are carried in those units, as on the wire; the field docs say which.
#![allow(non_camel_case_types)]

use core::ffi::c_char;
use cxlmi_derive::Wire;

/// Identify Memory Device output (opcode 4000h, CXL r3.1 section 8.2.9.9.1.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_identify_rsp {
    /// Firmware revision of the active slot, as ASCII (not NUL-terminated when full).
    pub fw_revision: [c_char; 0x10],
    /// Total capacity, in multiples of 256 MB.
    pub total_capacity: u64,
    /// Capacity usable only as volatile memory, in multiples of 256 MB.
    pub volatile_capacity: u64,
    /// Capacity usable only as persistent memory, in multiples of 256 MB.
    pub persistent_capacity: u64,
    /// Partition alignment, in multiples of 256 MB; 0 when the device cannot be partitioned.
    pub partition_align: u64,
    /// Records the informational event log holds.
    pub info_event_log_size: u16,
    /// Records the warning event log holds.
    pub warning_event_log_size: u16,
    /// Records the failure event log holds.
    pub failure_event_log_size: u16,
    /// Records the fatal event log holds.
    pub fatal_event_log_size: u16,
    /// Label Storage Area size in bytes.
    pub lsa_size: u32,
    /// Most media error records the poison list can hold (24-bit little-endian).
    pub poison_list_max_mer: [u8; 3],
    /// Most poison locations that may be injected at once.
    pub inject_poison_limit: u16,
    /// Poison handling capabilities (bit flags).
    pub poison_caps: u8,
    /// QoS telemetry capabilities (bit flags).
    pub qos_telemetry_caps: u8,
    /// Records the dynamic capacity event log holds (CXL 3.x only).
    #[cfg(not(feature = "cxl2_0"))]
    pub dc_event_log_size: u16,
}

/// Get Partition Info output (opcode 4100h, CXL r3.1 section 8.2.9.9.2.1).
/// All values are in multiples of 256 MB.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_partition_info_rsp {
    /// Volatile capacity currently in effect.
    pub active_vmem: u64,
    /// Persistent capacity currently in effect.
    pub active_pmem: u64,
    /// Volatile capacity after the next cold reset (0 if no change is pending).
    pub next_vmem: u64,
    /// Persistent capacity after the next cold reset (0 if no change is pending).
    pub next_pmem: u64,
}

/// Set Partition Info input (opcode 4101h, CXL r3.1 section 8.2.9.9.2.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_set_partition_info_req {
    /// Requested volatile capacity, in multiples of 256 MB.
    pub volatile_capacity: u64,
    /// Bit 0: apply immediately rather than at the next cold reset.
    pub flags: u8,
}

/// Get LSA input (opcode 4102h, CXL r3.1 section 8.2.9.9.2.3).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_lsa_req {
    /// Byte offset into the Label Storage Area.
    pub offset: u32,
    /// Bytes to read; the output buffer must hold this many.
    pub length: u32,
}

/// Set LSA input (opcode 4103h, CXL r3.1 section 8.2.9.9.2.4), followed by
/// the bytes to write.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_set_lsa_req {
    /// Byte offset into the Label Storage Area.
    pub offset: u32,
    pub rsvd: u32,
    /// The label data.
    pub data: [u8; 0],
}

/// Get Health Info output (opcode 4200h, CXL r3.1 section 8.2.9.9.3.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_health_info_rsp {
    /// Bit flags: maintenance needed, performance degraded, replacement needed.
    pub health_status: u8,
    /// Media state: normal, not ready, write persistency lost, ...
    pub media_status: u8,
    /// Life-used, temperature and corrected-error alert states.
    pub additional_status: u8,
    /// Percentage of device life used (0xff: not implemented).
    pub life_used: u8,
    /// Device temperature in degrees Celsius, two's complement (0xffff: not implemented).
    pub device_temperature: u16,
    /// Shutdowns in which the device could not flush its data.
    pub dirty_shutdown_count: u32,
    /// Corrected errors in volatile memory since the last reset.
    pub corrected_volatile_error_count: u32,
    /// Corrected errors in persistent memory since the last reset.
    pub corrected_persistent_error_count: u32,
}

/// Get Alert Configuration output (opcode 4201h, CXL r3.1 section 8.2.9.9.3.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_alert_config_rsp {
    /// Which programmable warning thresholds are currently valid (bit flags).
    pub valid_alerts: u8,
    /// Which warning thresholds the host may program (bit flags).
    pub programmable_alerts: u8,
    /// Life used, in percent, at which the critical alert fires.
    pub life_used_critical_alert_threshold: u8,
    /// Life used, in percent, at which the programmable warning fires.
    pub life_used_programmable_warning_threshold: u8,
    /// Critical over-temperature threshold, degrees Celsius.
    pub device_over_temperature_critical_alert_threshold: u16,
    /// Critical under-temperature threshold, degrees Celsius.
    pub device_under_temperature_critical_alert_threshold: u16,
    /// Programmable over-temperature warning threshold, degrees Celsius.
    pub device_over_temperature_programmable_warning_threshold: u16,
    /// Programmable under-temperature warning threshold, degrees Celsius.
    pub device_under_temperature_programmable_warning_threshold: u16,
    /// Corrected volatile memory error count that raises a warning.
    pub corrected_volatile_mem_error_programmable_warning_threshold: u16,
    /// Corrected persistent memory error count that raises a warning.
    pub corrected_persistent_mem_error_programmable_warning_threshold: u16,
}

/// Set Alert Configuration input (opcode 4202h, CXL r3.1 section 8.2.9.9.3.3).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_set_alert_config_req {
    /// Which thresholds this request changes (bit flags).
    pub valid_alert_actions: u8,
    /// Which of those warnings to enable (bit flags).
    pub enable_alert_actions: u8,
    /// New life-used warning threshold, percent.
    pub life_used_programmable_warning_threshold: u8,
    pub rsvd1: u8,
    /// New over-temperature warning threshold, degrees Celsius.
    pub device_over_temperature_programmable_warning_threshold: u16,
    /// New under-temperature warning threshold, degrees Celsius.
    pub device_under_temperature_programmable_warning_threshold: u16,
    /// New corrected volatile memory error warning threshold.
    pub corrected_volatile_mem_error_programmable_warning_threshold: u16,
    /// New corrected persistent memory error warning threshold.
    pub corrected_persistent_mem_error_programmable_warning_threshold: u16,
}

/// Get Shutdown State output (opcode 4203h, CXL r3.1 section 8.2.9.9.3.4).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_shutdown_state_rsp {
    /// Bit 0: the shutdown state is dirty.
    pub state: u8,
}

/// Set Shutdown State input (opcode 4204h, CXL r3.1 section 8.2.9.9.3.5).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_set_shutdown_state_req {
    /// Bit 0: mark the shutdown state dirty.
    pub state: u8,
}

/// Get Poison List input (opcode 4300h, CXL r3.1 section 8.2.9.9.4.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_poison_list_req {
    /// Start of the queried range: a 64-byte aligned device physical address.
    pub get_poison_list_phy_addr: u64,
    /// Length of the queried range, in 64-byte units.
    pub get_poison_list_phy_addr_len: u64,
}

/// One media error record of a poison list (CXL r3.1 Table 8-140).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_memdev_media_err_record {
    /// DPA of the error; the low bits give the error source.
    pub media_err_addr: u64,
    /// Length of the poisoned range, in 64-byte units.
    pub media_err_len: u32,
    pub rsvd1: [u8; 4],
}

/// Get Poison List output (opcode 4300h), followed by the media error records.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_poison_list_rsp {
    /// Bit flags: more records, overflow, scan media in progress.
    pub poison_list_flags: u8,
    pub rsv1: u8,
    /// When the list overflowed, if it did.
    pub overflow_timestamp: u64,
    /// Media error records returned.
    pub more_err_media_record_cnt: u16,
    pub rsv2: [u8; 0x14],
    /// The records.
    pub records: [cxlmi_memdev_media_err_record; 0],
}

/// Inject Poison input (opcode 4301h, CXL r3.1 section 8.2.9.9.4.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_inject_poison_req {
    /// 64-byte aligned device physical address to poison.
    pub inject_poison_phy_addr: u64,
}

/// Clear Poison input (opcode 4302h, CXL r3.1 section 8.2.9.9.4.3).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_clear_poison_req {
    /// 64-byte aligned device physical address to clear.
    pub clear_poison_phy_addr: u64,
    /// Data written to the location as it is cleared.
    pub clear_poison_write_data: [u8; 64],
}

/// Get Scan Media Capabilities input (opcode 4303h, CXL r3.1 section 8.2.9.9.4.4).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_scan_media_capabilities_req {
    /// Start of the range: a 64-byte aligned device physical address.
    pub get_scan_media_capabilities_start_physaddr: u64,
    /// Length of the range, in 64-byte units.
    pub get_scan_media_capabilities_physaddr_length: u64,
}

/// Get Scan Media Capabilities output (opcode 4303h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_scan_media_capabilities_rsp {
    /// Estimated time to scan the range, in milliseconds.
    pub estimated_scan_media_time: u32,
}

/// Scan Media input (opcode 4304h, CXL r3.1 section 8.2.9.9.4.5).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_scan_media_req {
    /// Start of the range: a 64-byte aligned device physical address.
    pub scan_media_physaddr: u64,
    /// Length of the range, in 64-byte units.
    pub scan_media_physaddr_length: u64,
    /// Bit 0: do not add event records for the errors found.
    pub scan_media_flags: u8,
}

/// One media error record of a scan media result (CXL r3.1 Table 8-140).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_media_error_record {
    /// DPA of the error; the low bits give the error source.
    pub media_error_address: u64,
    /// Length of the bad range, in 64-byte units.
    pub media_error_length: u32,
    pub rsvd: [u8; 4],
}

/// Get Scan Media Results output (opcode 4305h, CXL r3.1 section 8.2.9.9.4.6),
/// followed by the media error records.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_scan_media_results_rsp {
    /// Where to restart an unfinished scan.
    pub scan_media_restart_physaddr: u64,
    /// Length left to scan, in 64-byte units.
    pub scan_media_restart_physaddr_length: u64,
    /// Bit flags: more records, overflow, scan stopped early.
    pub scan_media_flags: u8,
    pub rsvd1: u8,
    /// Media error records returned.
    pub media_error_count: u16,
    pub rsvd2: [u8; 12],
    /// The records.
    pub record: [cxlmi_media_error_record; 0],
}

/// Which part of the supported-operations list a discovery request returns.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_memdev_media_ops_discovery_osa {
    /// Index of the first operation to return.
    pub start_index: u16,
    /// Most operations to return.
    pub num_ops: u16,
}

/// Media Operations input for the discovery class (opcode 4402h, CXL r3.2
/// section 8.2.10.9.5.3).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_media_operations_discovery_req {
    /// Operation class (0: general/discovery).
    pub media_operation_class: u8,
    /// Operation subclass (0: discovery).
    pub media_operation_subclass: u8,
    pub rsvd: [u8; 2],
    /// DPA ranges that follow (0 for discovery).
    pub dpa_range_count: u32,
    /// Which supported operations to list.
    pub discovery_osa: cxlmi_memdev_media_ops_discovery_osa,
}

/// One supported media operation: a class and subclass pair.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_media_ops_supported_list_entry {
    pub media_op_class: u8,
    pub media_op_subclass: u8,
}

/// Media Operations output for the discovery class (opcode 4402h), followed
/// by the supported operations.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_media_operations_discovery_rsp {
    /// DPA ranges must be multiples of this many bytes.
    pub dpa_range_granularity: u64,
    /// Operations the device supports in all.
    pub total_supported_ops: u16,
    /// Operations returned here.
    pub num_supported_ops: u16,
    /// The operations.
    pub entry: [cxlmi_cmd_memdev_media_ops_supported_list_entry; 0],
}

/// One DPA range of a media operation.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_media_ops_dpa_range_list_entry {
    /// First device physical address of the range.
    pub starting_dpa: u64,
    /// Length of the range in bytes.
    pub length: u64,
}

/// Media Operations input for the sanitize and zero classes (opcode 4402h),
/// followed by `dpa_range_count` DPA ranges.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_media_operations_sanitize_req {
    /// Operation class (1: sanitize).
    pub media_operation_class: u8,
    /// Operation subclass (0: sanitize, 1: zero).
    pub media_operation_subclass: u8,
    pub rsvd: [u8; 2],
    /// DPA ranges that follow.
    pub dpa_range_count: u32,
    /// The ranges.
    pub dpa_range_list: [cxlmi_cmd_memdev_media_ops_dpa_range_list_entry; 0],
}

/// Get Security State output (opcode 4500h, CXL r3.1 section 8.2.9.9.6.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_security_state_rsp {
    /// Bit flags: user/master passphrase set, locked, frozen, retry limits reached.
    pub security_state: u32,
}

/// Set Passphrase input (opcode 4501h, CXL r3.1 section 8.2.9.9.6.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_set_passphrase_req {
    /// 0: master passphrase, 1: user passphrase.
    pub passphrase_type: u8,
    pub rsvd: [u8; 0x1f],
    /// The passphrase in effect now.
    pub current_passphrase: [u8; 0x20],
    /// The passphrase to set.
    pub new_passphrase: [u8; 0x20],
}

/// Disable Passphrase input (opcode 4502h, CXL r3.1 section 8.2.9.9.6.3).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_disable_passphrase_req {
    /// 0: master passphrase, 1: user passphrase.
    pub passphrase_type: u8,
    pub rsvd: [u8; 0x1f],
    /// The passphrase in effect now.
    pub passphrase: [u8; 0x20],
}

/// Unlock input (opcode 4503h, CXL r3.1 section 8.2.9.9.6.4).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_unlock_req {
    /// The user passphrase.
    pub current_passphrase: [u8; 0x20],
}

/// Passphrase Secure Erase input (opcode 4505h, CXL r3.1 section 8.2.9.9.6.6).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_passphrase_secure_erase_req {
    /// 0: master passphrase, 1: user passphrase.
    pub passphrase_type: u8,
    pub rsvd: [u8; 0x1f],
    /// The passphrase of that type.
    pub passphrase: [u8; 0x20],
}

/// Security Send input (opcode 4600h, CXL r3.2 section 8.2.10.9.7.1),
/// followed by the protocol data.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_security_send_req {
    /// Security protocol, as SPC-5 numbers them.
    pub security_protocol: u8,
    /// Protocol-specific field.
    pub sp_specific: u16,
    pub rsvd: [u8; 0x5],
    /// The data sent.
    pub data: [u8; 0],
}

/// Security Receive input (opcode 4601h, CXL r3.2 section 8.2.10.9.7.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_security_receive_req {
    /// Security protocol, as SPC-5 numbers them.
    pub security_protocol: u8,
    /// Protocol-specific field.
    pub sp_specific: u16,
    pub rsvd: [u8; 0x5],
}

/// Get SLD QoS Control output (opcode 4700h, CXL r3.1 section 8.2.9.9.8.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_sld_qos_control_rsp {
    /// Bit 0: egress port congestion enabled; bit 1: temporary throughput reduction enabled.
    pub qos_telemetry_control: u8,
    /// Egress bandwidth percentage counted as moderate congestion.
    pub egress_moderate_percentage: u8,
    /// Egress bandwidth percentage counted as severe congestion.
    pub egress_severe_percentage: u8,
    /// Backpressure sampling interval, in nanoseconds (0 disables sampling).
    pub backpressure_sample_interval: u8,
}

/// Set SLD QoS Control input (opcode 4701h, CXL r3.1 section 8.2.9.9.8.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_set_sld_qos_control_req {
    /// Bit 0: enable egress port congestion; bit 1: enable temporary throughput reduction.
    pub qos_telemetry_control: u8,
    /// Egress bandwidth percentage counted as moderate congestion.
    pub egress_moderate_percentage: u8,
    /// Egress bandwidth percentage counted as severe congestion.
    pub egress_severe_percentage: u8,
    /// Backpressure sampling interval, in nanoseconds (0 disables sampling).
    pub backpressure_sample_interval: u8,
}

/// Get SLD QoS Status output (opcode 4702h, CXL r3.1 section 8.2.9.9.8.3).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_sld_qos_status_rsp {
    /// Average backpressure over the sampling interval, in percent.
    pub backpressure_avg_percentage: u8,
}

/// Get Dynamic Capacity Configuration input (opcode 4800h, CXL r3.1 section 8.2.9.9.9.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_dc_config_req {
    /// Most region configurations to return (at most 8 fit the output).
    pub region_cnt: u8,
    /// First region to return.
    pub start_region_id: u8,
}

/// One dynamic capacity region as Get Dynamic Capacity Configuration reports it
/// (CXL r3.1 section 8.2.9.9.9.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_dc_region_config {
    /// Region base, a device physical address.
    pub base: u64,
    /// Decode length, in multiples of 256 MB.
    pub decode_len: u64,
    /// Usable length of the region in bytes.
    pub region_len: u64,
    /// Block size in bytes (a power of two, at least 64).
    pub block_size: u64,
    /// DSMAS handle of the CDAT entry that describes the region.
    pub dsmadhandle: u32,
    /// Bit 0: sanitize on release; bit 3: read-only.
    pub flags: u8,
    pub rsvd2: [u8; 3],
}

/// Get Dynamic Capacity Configuration output (opcode 4800h). The region array
/// is fixed at eight entries; `regions_returned` of them are filled in.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_dc_config_rsp {
    /// Dynamic capacity regions the device has.
    pub num_regions: u8,
    /// Region configurations returned here.
    pub regions_returned: u8,
    pub rsvd1: [u8; 6],
    /// The regions.
    pub region_configs: [cxlmi_dc_region_config; 8],
    /// Extents the device can track in all.
    pub num_extents_supported: u32,
    /// Extents it can still accept.
    pub num_extents_available: u32,
    /// Tags the device can track in all.
    pub num_tags_supported: u32,
    /// Tags it can still accept.
    pub num_tags_available: u32,
}

/// Get Dynamic Capacity Extent List input (opcode 4801h, CXL r3.1 section 8.2.9.9.9.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_dc_extent_list_req {
    /// Most extents to return.
    pub extent_cnt: u32,
    /// Index of the first extent to return.
    pub start_extent_idx: u32,
}

/// One dynamic capacity extent as the extent list reports it (CXL r3.1 section 8.2.9.9.9.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_memdev_get_list_extent {
    /// Device physical address where the extent starts.
    pub start_dpa: u64,
    /// Extent length in bytes.
    pub len: u64,
    /// Tag the orchestrator gave the extent.
    pub tag: [u8; 0x10],
    /// Sequence number of a shared extent.
    pub shared_seq: u16,
    pub rsvd: [u8; 0x6],
}

/// Get Dynamic Capacity Extent List output (opcode 4801h), followed by the extents.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_get_dc_extent_list_rsp {
    /// Extents returned here.
    pub num_extents_returned: u32,
    /// Extents the device holds in all.
    pub total_num_extents: u32,
    /// Changes whenever the extent list changes.
    pub generation_num: u32,
    pub rsvd: [u8; 4],
    /// The extents.
    pub extents: [cxlmi_memdev_get_list_extent; 0],
}

/// One extent the host accepts or releases (CXL r3.1 sections 8.2.9.9.9.3-4).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_memdev_dc_extent {
    /// Device physical address where the extent starts.
    pub start_dpa: u64,
    /// Extent length in bytes.
    pub len: u64,
    pub rsvd: [u8; 8],
}

/// Add Dynamic Capacity Response input (opcode 4802h, CXL r3.1 section
/// 8.2.9.9.9.3), followed by the accepted extents.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_add_dc_response_req {
    /// Extents that follow.
    pub updated_extent_list_size: u32,
    /// Bit 0: more responses follow for the same add request.
    pub flags: u8,
    pub rsvd1: [u8; 3],
    /// The extents.
    pub extents: [cxlmi_memdev_dc_extent; 0],
}

/// Release Dynamic Capacity input (opcode 4803h, CXL r3.1 section 8.2.9.9.9.4),
/// followed by the released extents.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_memdev_release_dc_req {
    /// Extents that follow.
    pub updated_extent_list_size: u32,
    /// Bit 0: more release requests follow.
    pub flags: u8,
    pub rsvd1: [u8; 3],
    /// The extents.
    pub extents: [cxlmi_memdev_dc_extent; 0],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Wire, to_vec};
    use core::mem::{offset_of, size_of};

    #[test]
    fn offsets_match_the_reference() {
        assert_eq!(offset_of!(cxlmi_cmd_memdev_identify_rsp, lsa_size), 56);
        assert_eq!(offset_of!(cxlmi_cmd_memdev_identify_rsp, inject_poison_limit), 63);
        assert_eq!(offset_of!(cxlmi_cmd_memdev_get_poison_list_rsp, overflow_timestamp), 2);
        assert_eq!(offset_of!(cxlmi_cmd_memdev_get_poison_list_rsp, records), 32);
        assert_eq!(offset_of!(cxlmi_cmd_memdev_get_dc_config_rsp, num_extents_supported), 328);
        assert_eq!(offset_of!(cxlmi_cmd_memdev_get_dc_extent_list_rsp, extents), 16);
        assert_eq!(offset_of!(cxlmi_cmd_memdev_security_send_req, data), 8);
    }

    #[test]
    fn identify_round_trips_little_endian() {
        let mut id = cxlmi_cmd_memdev_identify_rsp::zeroed();
        id.fw_revision[0] = b'1' as c_char;
        id.total_capacity = 0x0102_0304_0506_0708;
        id.lsa_size = 0xa1b2_c3d4;
        id.inject_poison_limit = 0xbeef;
        let b = to_vec(&id);
        assert_eq!(b.len(), size_of::<cxlmi_cmd_memdev_identify_rsp>());
        assert_eq!(b[0], b'1');
        assert_eq!(&b[16..24], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(&b[56..60], &[0xd4, 0xc3, 0xb2, 0xa1]);
        // the 16-bit limit sits unaligned right after the 3-byte MER count
        assert_eq!(&b[63..65], &[0xef, 0xbe]);
        let back = cxlmi_cmd_memdev_identify_rsp::decode(&b);
        assert_eq!({ back.total_capacity }, 0x0102_0304_0506_0708);
        assert_eq!({ back.lsa_size }, 0xa1b2_c3d4);
        assert_eq!({ back.inject_poison_limit }, 0xbeef);
        assert_eq!(to_vec(&back), b);
    }

    #[test]
    fn dc_config_regions_land_at_their_offsets() {
        let mut rsp = cxlmi_cmd_memdev_get_dc_config_rsp::zeroed();
        rsp.num_regions = 2;
        rsp.region_configs[1].block_size = 0x2000_0000;
        rsp.region_configs[1].dsmadhandle = 0x1122_3344;
        rsp.num_tags_available = 0x5566_7788;
        let b = to_vec(&rsp);
        // region 1 starts at 8 + 40; block_size is its fourth u64
        assert_eq!(&b[48 + 24..48 + 32], &[0, 0, 0, 0x20, 0, 0, 0, 0]);
        assert_eq!(&b[48 + 32..48 + 36], &[0x44, 0x33, 0x22, 0x11]);
        assert_eq!(&b[340..344], &[0x88, 0x77, 0x66, 0x55]);
        let back = cxlmi_cmd_memdev_get_dc_config_rsp::decode(&b);
        assert_eq!({ back.region_configs[1].block_size }, 0x2000_0000);
        assert_eq!(to_vec(&back), b);
    }

    #[test]
    fn extent_list_entries_decode_after_the_header() {
        let mut buf = vec![0u8; 16 + 2 * 40];
        let mut hdr = cxlmi_cmd_memdev_get_dc_extent_list_rsp::zeroed();
        hdr.num_extents_returned = 2;
        hdr.generation_num = 0x0a0b_0c0d;
        hdr.encode(&mut buf);
        let mut ext = cxlmi_memdev_get_list_extent::zeroed();
        ext.start_dpa = 0x1_0000_0000;
        ext.shared_seq = 0x0102;
        ext.encode(&mut buf[16 + 40..]);
        assert_eq!(&buf[8..12], &[0x0d, 0x0c, 0x0b, 0x0a]);
        assert_eq!(&buf[16 + 40 + 32..16 + 40 + 34], &[0x02, 0x01]);
        let second = cxlmi_memdev_get_list_extent::decode_nth(&buf[16..], 1).unwrap();
        assert_eq!({ second.start_dpa }, 0x1_0000_0000);
        assert_eq!({ second.shared_seq }, 0x0102);
    }

    #[test]
    fn discovery_request_nests_its_operation_selector() {
        let mut req = cxlmi_cmd_memdev_media_operations_discovery_req::zeroed();
        req.discovery_osa.start_index = 0x0304;
        req.discovery_osa.num_ops = 0x0506;
        let b = to_vec(&req);
        assert_eq!(&b[8..12], &[0x04, 0x03, 0x06, 0x05]);
        let back = cxlmi_cmd_memdev_media_operations_discovery_req::decode(&b);
        assert_eq!({ back.discovery_osa.num_ops }, 0x0506);
    }
}
