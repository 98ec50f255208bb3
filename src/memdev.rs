//! Memory Device commands, as upstream exports them.

use core::ffi::{c_int, c_void};

use crate::{
    cxlmi_endpoint, input_bytes, input_listed, input_only, input_output, input_with_data, input_with_items, no_payload,
    output_listed, output_only,
};
use cxlmi::commands::memdev::*;
use cxlmi::types::*;

/// Identifies the memory device (opcode 4000h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_identify(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_memdev_identify_rsp,
) -> c_int {
    unsafe { output_only::<MemdevIdentify, _>(ep, ti, ret) }
}

/// Reads the active and next volatile/persistent partitioning (opcode 4100h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_partition_info(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_memdev_get_partition_info_rsp,
) -> c_int {
    unsafe { output_only::<GetPartitionInfo, _>(ep, ti, ret) }
}

/// Changes the volatile/persistent partitioning (opcode 4101h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_set_partition_info(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_set_partition_info_req,
) -> c_int {
    unsafe { input_only::<SetPartitionInfo, _>(ep, ti, r#in) }
}

/// Reads `in->length` bytes of the Label Storage Area from `in->offset`
/// (opcode 4102h) into `ret`, which must hold that many bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_lsa(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_get_lsa_req,
    ret: *mut c_void,
) -> c_int {
    unsafe { input_bytes::<GetLsa, _>(ep, ti, r#in, ret) }
}

/// Writes the `data_sz` bytes of `in->data` to the Label Storage Area at
/// `in->offset` (opcode 4103h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_set_lsa(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_set_lsa_req,
    data_sz: usize,
) -> c_int {
    unsafe { input_with_data::<SetLsa, _>(ep, ti, r#in, data_sz) }
}

/// Reads the device's health and media status (opcode 4200h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_health_info(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_memdev_get_health_info_rsp,
) -> c_int {
    unsafe { output_only::<GetHealthInfo, _>(ep, ti, ret) }
}

/// Reads the alert thresholds (opcode 4201h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_alert_config(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_memdev_get_alert_config_rsp,
) -> c_int {
    unsafe { output_only::<GetAlertConfig, _>(ep, ti, ret) }
}

/// Programs the warning thresholds (opcode 4202h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_set_alert_config(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_set_alert_config_req,
) -> c_int {
    unsafe { input_only::<SetAlertConfig, _>(ep, ti, r#in) }
}

/// Reads whether the last shutdown was clean (opcode 4203h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_shutdown_state(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_memdev_get_shutdown_state_rsp,
) -> c_int {
    unsafe { output_only::<GetShutdownState, _>(ep, ti, ret) }
}

/// Marks the shutdown state clean or dirty (opcode 4204h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_set_shutdown_state(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_set_shutdown_state_req,
) -> c_int {
    unsafe { input_only::<SetShutdownState, _>(ep, ti, r#in) }
}

/// Reads the poison list of a DPA range (opcode 4300h). `ret` must have room
/// for 256 media error records after the fixed part; no more are kept, and
/// `more_err_media_record_cnt` gives how many were written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_poison_list(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_get_poison_list_req,
    ret: *mut cxlmi_cmd_memdev_get_poison_list_rsp,
) -> c_int {
    unsafe { input_listed::<GetPoisonList, _, _, _>(ep, ti, r#in, ret) }
}

/// Injects poison at a device physical address (opcode 4301h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_inject_poison(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_inject_poison_req,
) -> c_int {
    unsafe { input_only::<InjectPoison, _>(ep, ti, r#in) }
}

/// Clears poison at a device physical address, writing the given data (opcode 4302h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_clear_poison(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_clear_poison_req,
) -> c_int {
    unsafe { input_only::<ClearPoison, _>(ep, ti, r#in) }
}

/// Estimates how long scanning a DPA range would take (opcode 4303h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_scan_media_capabilities(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_get_scan_media_capabilities_req,
    ret: *mut cxlmi_cmd_memdev_get_scan_media_capabilities_rsp,
) -> c_int {
    unsafe { input_output::<GetScanMediaCapabilities, _, _>(ep, ti, r#in, ret) }
}

/// Starts a media scan of a DPA range in the background (opcode 4304h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_scan_media(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_scan_media_req,
) -> c_int {
    unsafe { input_only::<ScanMedia, _>(ep, ti, r#in) }
}

/// Reads the results of the last media scan (opcode 4305h). `ret` must have
/// room for 256 media error records after the fixed part; no more are kept,
/// and `media_error_count` gives how many were written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_scan_media_results(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_memdev_get_scan_media_results_rsp,
) -> c_int {
    unsafe { output_listed::<GetScanMediaResults, _, _>(ep, ti, ret) }
}

// The pre-rename names of the scan media commands take structs of the same
// layout under their older names; they run the same commands.
const _: () = {
    assert!(
        size_of::<cxlmi_cmd_get_scan_media_capabilities_req>()
            == size_of::<cxlmi_cmd_memdev_get_scan_media_capabilities_req>()
    );
    assert!(
        size_of::<cxlmi_cmd_get_scan_media_capabilities_rsp>()
            == size_of::<cxlmi_cmd_memdev_get_scan_media_capabilities_rsp>()
    );
    assert!(size_of::<cxlmi_cmd_scan_media_req>() == size_of::<cxlmi_cmd_memdev_scan_media_req>());
    assert!(
        size_of::<cxlmi_cmd_get_scan_media_results_rsp>() == size_of::<cxlmi_cmd_memdev_get_scan_media_results_rsp>()
    );
};

/// The older name of `cxlmi_cmd_memdev_get_scan_media_capabilities` (opcode 4303h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_scan_media_capabilities(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_get_scan_media_capabilities_req,
    ret: *mut cxlmi_cmd_get_scan_media_capabilities_rsp,
) -> c_int {
    unsafe { cxlmi_cmd_memdev_get_scan_media_capabilities(ep, ti, r#in.cast(), ret.cast()) }
}

/// The older name of `cxlmi_cmd_memdev_scan_media` (opcode 4304h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_scan_media(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_scan_media_req,
) -> c_int {
    unsafe { cxlmi_cmd_memdev_scan_media(ep, ti, r#in.cast()) }
}

/// The older name of `cxlmi_cmd_memdev_get_scan_media_results` (opcode 4305h);
/// `ret` must have room for 256 records after the fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_scan_media_results(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_get_scan_media_results_rsp,
) -> c_int {
    unsafe { cxlmi_cmd_memdev_get_scan_media_results(ep, ti, ret.cast()) }
}

/// Sanitizes all user data, in the background (opcode 4400h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_sanitize(ep: *mut cxlmi_endpoint, ti: *mut cxlmi_tunnel_info) -> c_int {
    unsafe { no_payload::<Sanitize>(ep, ti) }
}

/// Erases all user data by changing the media encryption keys (opcode 4401h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_secure_erase(ep: *mut cxlmi_endpoint, ti: *mut cxlmi_tunnel_info) -> c_int {
    unsafe { no_payload::<SecureErase>(ep, ti) }
}

/// Lists the supported media operations (opcode 4402h, discovery class).
/// `ret` must have room for `in->discovery_osa.num_ops` entries after the
/// fixed part; no more are kept, and `num_supported_ops` gives how many were
/// written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_media_operations_discovery(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_media_operations_discovery_req,
    ret: *mut cxlmi_cmd_memdev_media_operations_discovery_rsp,
) -> c_int {
    unsafe { input_listed::<MediaOperationsDiscovery, _, _, _>(ep, ti, r#in, ret) }
}

/// Sanitizes or zeroes the `in->dpa_range_count` DPA ranges that follow the
/// fixed part of `in` (opcode 4402h, sanitize class).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_media_operations_sanitize(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_media_operations_sanitize_req,
) -> c_int {
    unsafe { input_with_items::<MediaOperationsSanitize, _, _>(ep, ti, r#in) }
}

/// Reads the persistent memory security state (opcode 4500h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_security_state(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_memdev_get_security_state_rsp,
) -> c_int {
    unsafe { output_only::<GetSecurityState, _>(ep, ti, ret) }
}

/// Sets or changes the user or master passphrase (opcode 4501h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_set_passphrase(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_set_passphrase_req,
) -> c_int {
    unsafe { input_only::<SetPassphrase, _>(ep, ti, r#in) }
}

/// Removes the user or master passphrase (opcode 4502h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_disable_passphrase(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_disable_passphrase_req,
) -> c_int {
    unsafe { input_only::<DisablePassphrase, _>(ep, ti, r#in) }
}

/// Unlocks persistent memory with the user passphrase (opcode 4503h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_unlock(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_unlock_req,
) -> c_int {
    unsafe { input_only::<Unlock, _>(ep, ti, r#in) }
}

/// Freezes the security state until the next cold reset (opcode 4504h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_freeze_security_state(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
) -> c_int {
    unsafe { no_payload::<FreezeSecurityState>(ep, ti) }
}

/// Erases user data after checking a passphrase (opcode 4505h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_passphrase_secure_erase(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_passphrase_secure_erase_req,
) -> c_int {
    unsafe { input_only::<PassphraseSecureErase, _>(ep, ti, r#in) }
}

/// Sends the `data_sz` bytes of `in->data` to a security protocol (opcode 4600h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_security_send(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_security_send_req,
    data_sz: usize,
) -> c_int {
    unsafe { input_with_data::<SecuritySend, _>(ep, ti, r#in, data_sz) }
}

/// Receives a security protocol's data (opcode 4601h). Only protocol 0, the
/// security protocol information, is supported: `ret` receives its 264 bytes
/// (6 reserved, a 2-byte length, 256 protocol ids). Other protocols fail with
/// -1 and `errno` EINVAL, without sending anything.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_security_receive(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_security_receive_req,
    ret: *mut c_void,
) -> c_int {
    unsafe { input_bytes::<SecurityReceive, _>(ep, ti, r#in, ret) }
}

/// Reads the SLD QoS telemetry control (opcode 4700h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_sld_qos_control(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_memdev_get_sld_qos_control_rsp,
) -> c_int {
    unsafe { output_only::<GetSldQosControl, _>(ep, ti, ret) }
}

/// Sets the SLD QoS telemetry control (opcode 4701h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_set_sld_qos_control(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_set_sld_qos_control_req,
) -> c_int {
    unsafe { input_only::<SetSldQosControl, _>(ep, ti, r#in) }
}

/// Reads the SLD QoS status (opcode 4702h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_sld_qos_status(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_memdev_get_sld_qos_status_rsp,
) -> c_int {
    unsafe { output_only::<GetSldQosStatus, _>(ep, ti, ret) }
}

/// Reads the dynamic capacity configuration (opcode 4800h): at most the 8
/// regions the output holds, `regions_returned` of them filled in, with
/// decode lengths in bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_dc_config(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_get_dc_config_req,
    ret: *mut cxlmi_cmd_memdev_get_dc_config_rsp,
) -> c_int {
    unsafe { input_output::<GetDcConfig, _, _>(ep, ti, r#in, ret) }
}

/// Reads part of the dynamic capacity extent list (opcode 4801h). At most 8
/// extents are asked for (8 when `in->extent_cnt` is 0); `ret` must have room
/// for that many after the fixed part, and `num_extents_returned` gives how
/// many were written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_get_dc_extent_list(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_get_dc_extent_list_req,
    ret: *mut cxlmi_cmd_memdev_get_dc_extent_list_rsp,
) -> c_int {
    unsafe { input_listed::<GetDcExtentList, _, _, _>(ep, ti, r#in, ret) }
}

/// Accepts the `in->updated_extent_list_size` extents that follow the fixed
/// part of `in` (opcode 4802h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_add_dc_response(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_add_dc_response_req,
) -> c_int {
    unsafe { input_with_items::<AddDcResponse, _, _>(ep, ti, r#in) }
}

/// Releases the `in->updated_extent_list_size` extents that follow the fixed
/// part of `in` (opcode 4803h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_memdev_release_dc(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_memdev_release_dc_req,
) -> c_int {
    unsafe { input_with_items::<ReleaseDc, _, _>(ep, ti, r#in) }
}
