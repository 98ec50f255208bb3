//! Generic Component commands, as upstream exports them.

use core::ffi::{c_int, c_void};

use crate::{
    bytes_in, bytes_out, cxlmi_endpoint, input_bytes, input_listed, input_only, input_output, input_with_data,
    no_payload, output_listed, output_only, read_in, run_command,
};
use cxlmi::commands::generic::*;
use cxlmi::error::Error;
use cxlmi::types::*;

/// Identifies the component (opcode 0001h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_identify(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_identify_rsp,
) -> c_int {
    unsafe { output_only::<Identify, _>(ep, ti, ret) }
}

/// Reads the background operation status (opcode 0002h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_bg_op_status(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_bg_op_status_rsp,
) -> c_int {
    unsafe { output_only::<BgOpStatus, _>(ep, ti, ret) }
}

/// Reads the response message limit (opcode 0003h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_response_msg_limit(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_get_response_msg_limit_rsp,
) -> c_int {
    unsafe { output_only::<GetResponseMsgLimit, _>(ep, ti, ret) }
}

/// Sets the response message limit and reads back the one in force (opcode 0004h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_set_response_msg_limit(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_set_response_msg_limit_req,
    ret: *mut cxlmi_cmd_set_response_msg_limit_rsp,
) -> c_int {
    unsafe { input_output::<SetResponseMsgLimit, _, _>(ep, ti, r#in, ret) }
}

/// Asks the component to abort its background operation (opcode 0005h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_request_bg_op_abort(ep: *mut cxlmi_endpoint, ti: *mut cxlmi_tunnel_info) -> c_int {
    unsafe { no_payload::<RequestBgOpAbort>(ep, ti) }
}

/// Reads event records (opcode 0100h); `ret` must have room for
/// `CXLMI_MAX_SUPPORTED_EVENT_RECORDS` records after the fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_event_records(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_get_event_records_req,
    ret: *mut cxlmi_cmd_get_event_records_rsp,
) -> c_int {
    unsafe { input_listed::<GetEventRecords, _, _, _>(ep, ti, r#in, ret) }
}

/// Clears event records (opcode 0101h); `nr_recs` handles follow the fixed part of `in`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_clear_event_records(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_clear_event_records_req,
) -> c_int {
    unsafe {
        run_command(ep, ti, |ep, t| {
            let head = read_in(r#in)?;
            let n = usize::from(head.nr_recs);
            // The handles are native-endian u16s, possibly unaligned, right after the fixed part.
            let first = r#in.cast::<u8>().add(size_of::<cxlmi_cmd_clear_event_records_req>()).cast::<u16>();
            let mut handles = [0u16; 255];
            for (i, h) in handles.iter_mut().take(n).enumerate() {
                *h = first.add(i).read_unaligned();
            }
            ep.execute::<ClearEventRecords>(t, &ClearEventRecordsInput { head, handles: &handles[..n] })
        })
    }
}

/// Reads the event interrupt policy (opcode 0102h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_event_interrupt_policy(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_get_event_interrupt_policy_rsp,
) -> c_int {
    unsafe { output_only::<GetEventInterruptPolicy, _>(ep, ti, ret) }
}

/// Sets the event interrupt policy (opcode 0103h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_set_event_interrupt_policy(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_set_event_interrupt_policy_req,
) -> c_int {
    unsafe { input_only::<SetEventInterruptPolicy, _>(ep, ti, r#in) }
}

/// Reads the MCTP event interrupt policy (opcode 0104h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_mctp_event_interrupt_policy(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_get_mctp_event_interrupt_policy_rsp,
) -> c_int {
    unsafe { output_only::<GetMctpEventInterruptPolicy, _>(ep, ti, ret) }
}

/// Sets the MCTP event interrupt policy (opcode 0105h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_set_mctp_event_interrupt_policy(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_set_mctp_event_interrupt_policy_req,
) -> c_int {
    unsafe { input_only::<SetMctpEventInterruptPolicy, _>(ep, ti, r#in) }
}

/// Sends an event notification (opcode 0106h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_event_notification(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_event_notification_req,
) -> c_int {
    unsafe { input_only::<EventNotification, _>(ep, ti, r#in) }
}

/// Reads firmware information (opcode 0200h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_fw_info(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_get_fw_info_rsp,
) -> c_int {
    unsafe { output_only::<GetFwInfo, _>(ep, ti, ret) }
}

/// Transfers a firmware part (opcode 0201h); `data_sz` bytes of `in->data` follow the fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_transfer_fw(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_transfer_fw_req,
    data_sz: usize,
) -> c_int {
    unsafe { input_with_data::<TransferFw, _>(ep, ti, r#in, data_sz) }
}

/// Activates firmware (opcode 0202h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_activate_fw(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_activate_fw_req,
) -> c_int {
    unsafe { input_only::<ActivateFw, _>(ep, ti, r#in) }
}

/// Reads the timestamp (opcode 0300h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_timestamp(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_get_timestamp_rsp,
) -> c_int {
    unsafe { output_only::<GetTimestamp, _>(ep, ti, ret) }
}

/// Sets the timestamp (opcode 0301h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_set_timestamp(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_set_timestamp_req,
) -> c_int {
    unsafe { input_only::<SetTimestamp, _>(ep, ti, r#in) }
}

/// Lists the supported logs (opcode 0400h); `ret` must have room for
/// `CXLMI_MAX_SUPPORTED_LOGS` entries after the fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_supported_logs(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_get_supported_logs_rsp,
) -> c_int {
    unsafe { output_listed::<GetSupportedLogs, _, _>(ep, ti, ret) }
}

/// Reads `in->length` bytes of a log (opcode 0401h) into `ret`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_log(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_get_log_req,
    ret: *mut c_void,
) -> c_int {
    unsafe { input_bytes::<GetLog, _>(ep, ti, r#in, ret) }
}

/// Reads the Command Effects Log (opcode 0401h): `in->length / 4` entries into `ret`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_log_cel(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_get_log_req,
    ret: *mut cxlmi_cmd_get_log_cel_rsp,
) -> c_int {
    // The entries have no fixed part before them: the output's fixed part is `()`.
    unsafe { input_listed::<GetLogCel, _, (), _>(ep, ti, r#in, ret.cast()) }
}

/// Reads a log's capabilities (opcode 0402h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_log_capabilities(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_get_log_capabilities_req,
    ret: *mut cxlmi_cmd_get_log_capabilities_rsp,
) -> c_int {
    unsafe { input_output::<GetLogCapabilities, _, _>(ep, ti, r#in, ret) }
}

/// Clears a log (opcode 0403h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_clear_log(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_clear_log_req,
) -> c_int {
    unsafe { input_only::<ClearLog, _>(ep, ti, r#in) }
}

/// Populates a log (opcode 0404h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_populate_log(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_populate_log_req,
) -> c_int {
    unsafe { input_only::<PopulateLog, _>(ep, ti, r#in) }
}

/// Lists part of the supported logs (opcode 0405h); `ret` must have room for
/// `CXLMI_MAX_SUPPORTED_LOGS` entries after the fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_supported_logs_sublist(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_get_supported_logs_sublist_req,
    ret: *mut cxlmi_cmd_get_supported_logs_sublist_rsp,
) -> c_int {
    unsafe { input_listed::<GetSupportedLogsSublist, _, _, _>(ep, ti, r#in, ret) }
}

/// Lists supported features (opcode 0500h); `ret` must have room for
/// `in->count` bytes of entries after the fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_supported_features(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_get_supported_features_req,
    ret: *mut cxlmi_cmd_get_supported_features_rsp,
) -> c_int {
    unsafe { input_listed::<GetSupportedFeatures, _, _, _>(ep, ti, r#in, ret) }
}

/// Reads `in->count` bytes of a feature's data (opcode 0501h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_get_feature(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_get_feature_req,
    ret: *mut cxlmi_cmd_get_feature_rsp,
) -> c_int {
    unsafe { input_bytes::<GetFeature, _>(ep, ti, r#in, ret.cast()) }
}

/// Sets a feature (opcode 0502h); `feature_data_sz` bytes of data follow the fixed part of `in`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_set_feature(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_set_feature_req,
    feature_data_sz: usize,
) -> c_int {
    unsafe { input_with_data::<SetFeature, _>(ep, ti, r#in, feature_data_sz) }
}

/// Performs a maintenance operation (opcode 0600h), such as the soft or hard
/// Post Package Repair of a memory row: `parameters_sz` bytes of the
/// operation's parameters (a `struct cxlmi_maintenance_ppr_params` for a
/// repair) follow the class and subclass in `in`. Not in upstream libcxlmi.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_perform_maintenance(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_perform_maintenance_req,
    parameters_sz: usize,
) -> c_int {
    unsafe { input_with_data::<PerformMaintenance, _>(ep, ti, r#in, parameters_sz) }
}

/// Sends a vendor-specific command (opcode C000h to FFFFh): `in_size` bytes
/// from `in` as the payload, exactly `ret_size` bytes back into `ret`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_vendor_specific(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    opcode: u16,
    r#in: *mut c_void,
    in_size: usize,
    ret: *mut c_void,
    ret_size: usize,
) -> c_int {
    unsafe {
        run_command(ep, ti, |ep, t| {
            // A buffer without a size, or a size without a buffer, is refused as upstream does.
            if r#in.is_null() != (in_size == 0) || ret.is_null() != (ret_size == 0) {
                return Err(Error::InvalidArgument("vendor-specific buffer and size disagree"));
            }
            let input = bytes_in(r#in.cast::<u8>(), in_size)?;
            let out = ep.vendor_specific(t, opcode, input, ret_size)?;
            bytes_out(ret.cast::<u8>(), out)
        })
    }
}
