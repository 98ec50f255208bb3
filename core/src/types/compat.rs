//! Names from the SWIG-era API (libcxlmi of late 2025) that C users may still
//! write, kept as real structs so `struct X` keeps compiling.
//!
//! Upstream later renamed the scan-media payloads to carry the `memdev_`
//! prefix like the rest of the command set; the layouts did not change. The
//! named element types of the SWIG era (`cxlmi_dc_region_config`,
//! `cxlmi_memdev_get_list_extent`, ...) are the element types in `memdev`
//! and `fmapi` themselves, so they need nothing here.
#![allow(non_camel_case_types)]

use super::cxlmi_media_error_record;
use cxlmi_derive::Wire;

/// Get Scan Media Capabilities input (opcode 4303h, CXL r3.1 section
/// 8.2.9.9.4.4), under its older name; same layout as
/// `cxlmi_cmd_memdev_get_scan_media_capabilities_req`.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_scan_media_capabilities_req {
    /// Start of the range: a 64-byte aligned device physical address.
    pub get_scan_media_capabilities_start_physaddr: u64,
    /// Length of the range, in 64-byte units.
    pub get_scan_media_capabilities_physaddr_length: u64,
}

/// Get Scan Media Capabilities output (opcode 4303h), under its older name;
/// same layout as `cxlmi_cmd_memdev_get_scan_media_capabilities_rsp`.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_scan_media_capabilities_rsp {
    /// Estimated time to scan the range, in milliseconds.
    pub estimated_scan_media_time: u32,
}

/// Scan Media input (opcode 4304h, CXL r3.1 section 8.2.9.9.4.5), under its
/// older name; same layout as `cxlmi_cmd_memdev_scan_media_req`.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_scan_media_req {
    /// Start of the range: a 64-byte aligned device physical address.
    pub scan_media_physaddr: u64,
    /// Length of the range, in 64-byte units.
    pub scan_media_physaddr_length: u64,
    /// Bit 0: do not add event records for the errors found.
    pub scan_media_flags: u8,
}

/// Get Scan Media Results output (opcode 4305h, CXL r3.1 section 8.2.9.9.4.6),
/// under its older name; same layout as `cxlmi_cmd_memdev_get_scan_media_results_rsp`.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_get_scan_media_results_rsp {
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

/// Calls macro `$m` with every `#[repr(C, packed)]` payload struct of
/// `crate::types` and its size in the reference ABI (libcxlmi-abi.json and
/// its CXL 2.0 twin), as `name = size;` entries, a `#[cfg]` before those
/// whose size depends on the CXL version. The size test and the round-trip
/// tests (`types::roundtrip_tests`) both walk this one list.
#[cfg(test)]
macro_rules! for_each_payload_struct {
    ($m:ident) => {
        $m! {
            cxlmi_cci_msg = 12;
            cxlmi_cmd_activate_fw_req = 2;
            cxlmi_cmd_bg_op_status_rsp = 8;
            cxlmi_cmd_clear_event_records_req = 6;
            cxlmi_cmd_clear_log_req = 16;
            cxlmi_cmd_event_notification_req = 2;
            cxlmi_cmd_fmapi_bind_vppb_req = 6;
            cxlmi_cmd_fmapi_dc_add_ref_req = 16;
            cxlmi_cmd_fmapi_dc_list_tags_req = 8;
            cxlmi_cmd_fmapi_dc_list_tags_rsp = 16;
            cxlmi_cmd_fmapi_dc_remove_ref_req = 16;
            cxlmi_cmd_fmapi_get_dc_region_ext_list_req = 12;
            cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp = 24;
            cxlmi_cmd_fmapi_get_dcd_info_rsp = 84;
            cxlmi_cmd_fmapi_get_domain_validation_sv_req = 1;
            cxlmi_cmd_fmapi_get_domain_validation_sv_rsp = 16;
            cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp = 1;
            cxlmi_cmd_fmapi_get_head_info_blkfmt = 9;
            cxlmi_cmd_fmapi_get_head_info_req = 2;
            cxlmi_cmd_fmapi_get_head_info_rsp = 4;
            cxlmi_cmd_fmapi_get_host_dc_region_config_req = 4;
            cxlmi_cmd_fmapi_get_host_dc_region_config_rsp = 340;
            cxlmi_cmd_fmapi_get_ld_allocations_req = 2;
            cxlmi_cmd_fmapi_get_ld_allocations_rsp = 4;
            cxlmi_cmd_fmapi_get_ld_info_rsp = 11;
            cxlmi_cmd_fmapi_get_multiheaded_info_req = 2;
            cxlmi_cmd_fmapi_get_multiheaded_info_rsp = 8;
            cxlmi_cmd_fmapi_get_phys_port_state_req = 1;
            cxlmi_cmd_fmapi_get_phys_port_state_rsp = 4;
            cxlmi_cmd_fmapi_get_qos_allocated_bw_req = 2;
            cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp = 2;
            cxlmi_cmd_fmapi_get_qos_bw_limit_req = 2;
            cxlmi_cmd_fmapi_get_qos_bw_limit_rsp = 2;
            cxlmi_cmd_fmapi_get_qos_control_rsp = 7;
            cxlmi_cmd_fmapi_get_qos_status_rsp = 1;
            cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_req = 1;
            cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp = 1;
            cxlmi_cmd_fmapi_get_vcs_info_req = 3;
            cxlmi_cmd_fmapi_get_vcs_info_rsp = 4;
            cxlmi_cmd_fmapi_identify_sw_device_rsp = 73;
            cxlmi_cmd_fmapi_initiate_dc_add_req = 32;
            cxlmi_cmd_fmapi_initiate_dc_release_req = 32;
            cxlmi_cmd_fmapi_ld_allocations_list = 16;
            cxlmi_cmd_fmapi_phys_port_control_req = 2;
            cxlmi_cmd_fmapi_port_state_info_block = 16;
            cxlmi_cmd_fmapi_send_ld_cxlio_config_request_req = 12;
            cxlmi_cmd_fmapi_send_ld_cxlio_config_request_rsp = 4;
            cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req = 15;
            cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_rsp = 4;
            cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req = 8;
            cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_rsp = 4;
            cxlmi_cmd_fmapi_set_dc_region_config_req = 16;
            cxlmi_cmd_fmapi_set_domain_validation_sv_req = 16;
            cxlmi_cmd_fmapi_set_ld_allocations_req = 4;
            cxlmi_cmd_fmapi_set_ld_allocations_rsp = 4;
            cxlmi_cmd_fmapi_set_qos_allocated_bw_req = 2;
            cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp = 2;
            cxlmi_cmd_fmapi_set_qos_bw_limit_req = 2;
            cxlmi_cmd_fmapi_set_qos_bw_limit_rsp = 2;
            cxlmi_cmd_fmapi_set_qos_control_req = 7;
            cxlmi_cmd_fmapi_set_qos_control_rsp = 7;
            cxlmi_cmd_fmapi_unbind_vppb_req = 3;
            cxlmi_cmd_fmapi_vcs_info_block = 4;
            cxlmi_cmd_fmapi_vppb_info = 4;
            #[cfg(not(feature = "cxl2_0"))] cxlmi_cmd_get_event_interrupt_policy_rsp = 5;
            #[cfg(feature = "cxl2_0")] cxlmi_cmd_get_event_interrupt_policy_rsp = 4;
            cxlmi_cmd_get_event_records_req = 1;
            cxlmi_cmd_get_event_records_rsp = 32;
            cxlmi_cmd_get_feature_req = 21;
            cxlmi_cmd_get_feature_rsp = 2048;
            cxlmi_cmd_get_fw_info_rsp = 80;
            cxlmi_cmd_get_log_capabilities_req = 16;
            cxlmi_cmd_get_log_capabilities_rsp = 4;
            cxlmi_cmd_get_log_cel_rsp = 4;
            cxlmi_cmd_get_log_req = 24;
            cxlmi_cmd_get_log_rsp = 4;
            cxlmi_cmd_get_mctp_event_interrupt_policy_rsp = 2;
            cxlmi_cmd_get_response_msg_limit_rsp = 1;
            cxlmi_cmd_get_scan_media_capabilities_req = 16;
            cxlmi_cmd_get_scan_media_capabilities_rsp = 4;
            cxlmi_cmd_get_scan_media_results_rsp = 32;
            cxlmi_cmd_get_supported_features_req = 8;
            cxlmi_cmd_get_supported_features_rsp = 8;
            cxlmi_cmd_get_supported_logs_rsp = 8;
            cxlmi_cmd_get_supported_logs_sublist_req = 2;
            cxlmi_cmd_get_supported_logs_sublist_rsp = 8;
            cxlmi_cmd_get_timestamp_rsp = 8;
            cxlmi_cmd_identify_rsp = 18;
            cxlmi_cmd_memdev_add_dc_response_req = 8;
            cxlmi_cmd_memdev_clear_poison_req = 72;
            cxlmi_cmd_memdev_disable_passphrase_req = 64;
            cxlmi_cmd_memdev_get_alert_config_rsp = 16;
            cxlmi_cmd_memdev_get_dc_config_req = 2;
            cxlmi_cmd_memdev_get_dc_config_rsp = 344;
            cxlmi_cmd_memdev_get_dc_extent_list_req = 8;
            cxlmi_cmd_memdev_get_dc_extent_list_rsp = 16;
            cxlmi_cmd_memdev_get_health_info_rsp = 18;
            cxlmi_cmd_memdev_get_lsa_req = 8;
            cxlmi_cmd_memdev_get_partition_info_rsp = 32;
            cxlmi_cmd_memdev_get_poison_list_req = 16;
            cxlmi_cmd_memdev_get_poison_list_rsp = 32;
            cxlmi_cmd_memdev_get_scan_media_capabilities_req = 16;
            cxlmi_cmd_memdev_get_scan_media_capabilities_rsp = 4;
            cxlmi_cmd_memdev_get_scan_media_results_rsp = 32;
            cxlmi_cmd_memdev_get_security_state_rsp = 4;
            cxlmi_cmd_memdev_get_shutdown_state_rsp = 1;
            cxlmi_cmd_memdev_get_sld_qos_control_rsp = 4;
            cxlmi_cmd_memdev_get_sld_qos_status_rsp = 1;
            #[cfg(not(feature = "cxl2_0"))] cxlmi_cmd_memdev_identify_rsp = 69;
            #[cfg(feature = "cxl2_0")] cxlmi_cmd_memdev_identify_rsp = 67;
            cxlmi_cmd_memdev_inject_poison_req = 8;
            cxlmi_cmd_memdev_media_operations_discovery_req = 12;
            cxlmi_cmd_memdev_media_operations_discovery_rsp = 12;
            cxlmi_cmd_memdev_media_operations_sanitize_req = 8;
            cxlmi_cmd_memdev_media_ops_dpa_range_list_entry = 16;
            cxlmi_cmd_memdev_media_ops_supported_list_entry = 2;
            cxlmi_cmd_memdev_passphrase_secure_erase_req = 64;
            cxlmi_cmd_memdev_release_dc_req = 8;
            cxlmi_cmd_memdev_scan_media_req = 17;
            cxlmi_cmd_memdev_security_receive_req = 8;
            cxlmi_cmd_memdev_security_send_req = 8;
            cxlmi_cmd_memdev_set_alert_config_req = 12;
            cxlmi_cmd_memdev_set_lsa_req = 8;
            cxlmi_cmd_memdev_set_partition_info_req = 9;
            cxlmi_cmd_memdev_set_passphrase_req = 96;
            cxlmi_cmd_memdev_set_shutdown_state_req = 1;
            cxlmi_cmd_memdev_set_sld_qos_control_req = 4;
            cxlmi_cmd_memdev_unlock_req = 32;
            cxlmi_cmd_populate_log_req = 16;
            cxlmi_cmd_scan_media_req = 17;
            #[cfg(not(feature = "cxl2_0"))] cxlmi_cmd_set_event_interrupt_policy_req = 5;
            #[cfg(feature = "cxl2_0")] cxlmi_cmd_set_event_interrupt_policy_req = 4;
            cxlmi_cmd_set_feature_req = 32;
            cxlmi_cmd_perform_maintenance_req = 2;
            cxlmi_maintenance_ppr_params = 12;
            cxlmi_maintenance_sparing_params = 14;
            cxlmi_cmd_set_mctp_event_interrupt_policy_req = 2;
            cxlmi_cmd_set_response_msg_limit_req = 1;
            cxlmi_cmd_set_response_msg_limit_rsp = 1;
            cxlmi_cmd_set_timestamp_req = 8;
            cxlmi_cmd_transfer_fw_req = 128;
            cxlmi_dc_region_config = 40;
            cxlmi_event_record = 128;
            cxlmi_fmapi_dc_extent = 40;
            cxlmi_fmapi_dc_region_config = 40;
            cxlmi_media_error_record = 16;
            cxlmi_memdev_dc_extent = 24;
            cxlmi_memdev_get_list_extent = 40;
            cxlmi_memdev_media_err_record = 16;
            cxlmi_supported_log_entry = 20;
            // element types we named ourselves where upstream has anonymous structs
            cxlmi_supported_feature_entry = 48;
            cxlmi_memdev_media_ops_discovery_osa = 4;
            cxlmi_fmapi_dc_tag_entry = 84;
        }
    };
}
#[cfg(test)]
pub(crate) use for_each_payload_struct;

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::wire::{Wire, to_vec};
    use core::mem::size_of;

    /// Every struct of the reference ABI has its size there. The per-field
    /// offsets are checked by check-abi against the generated header.
    #[test]
    fn every_struct_has_the_reference_size() {
        macro_rules! assert_sizes {
            ($($(#[$cfg:meta])* $t:ident = $size:expr;)*) => {$(
                $(#[$cfg])*
                assert_eq!(size_of::<$t>(), $size, stringify!($t));
            )*};
        }
        super::for_each_payload_struct!(assert_sizes);
        // Not a payload (never on the wire), but part of the ABI.
        assert_eq!(size_of::<cxlmi_tunnel_info>(), 16);
    }

    #[test]
    fn old_and_new_scan_media_names_encode_alike() {
        let old = cxlmi_cmd_scan_media_req {
            scan_media_physaddr: 0x40,
            scan_media_physaddr_length: 0x0102_0304,
            scan_media_flags: 1,
        };
        let new = cxlmi_cmd_memdev_scan_media_req {
            scan_media_physaddr: 0x40,
            scan_media_physaddr_length: 0x0102_0304,
            scan_media_flags: 1,
        };
        let b = to_vec(&old);
        assert_eq!(b, to_vec(&new));
        assert_eq!(&b[8..12], &[0x04, 0x03, 0x02, 0x01]);
        assert_eq!(b[16], 1);

        let mut res = cxlmi_cmd_get_scan_media_results_rsp::zeroed();
        res.media_error_count = 0x0201;
        let b = to_vec(&res);
        assert_eq!(&b[18..20], &[0x01, 0x02]);
        let back = cxlmi_cmd_memdev_get_scan_media_results_rsp::decode(&b);
        assert_eq!({ back.media_error_count }, 0x0201);
    }
}
