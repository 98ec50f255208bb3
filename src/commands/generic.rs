//! Generic Component commands (CXL r3.1 section 8.2.9, Table 8-37).

use super::{Command, Listed, encode_with_items, fixed_commands, len_with_items};
use crate::cci::{MAX_PAYLOAD_LEN, Opcode, ResponseSize};
use crate::endpoint::Response;
use crate::error::{Error, Result};
use crate::types::*;
use crate::wire::Wire;

fixed_commands! {
    /// Identify (0001h, section 8.2.9.1.1).
    Identify = 0x0001, () => cxlmi_cmd_identify_rsp;
    /// Background Operation Status (0002h, section 8.2.9.1.2).
    BgOpStatus = 0x0002, () => cxlmi_cmd_bg_op_status_rsp;
    /// Get Response Message Limit (0003h, section 8.2.9.1.3).
    GetResponseMsgLimit = 0x0003, () => cxlmi_cmd_get_response_msg_limit_rsp;
    /// Set Response Message Limit (0004h, section 8.2.9.1.4).
    SetResponseMsgLimit = 0x0004, cxlmi_cmd_set_response_msg_limit_req => cxlmi_cmd_set_response_msg_limit_rsp;
    /// Request Abort Background Operation (0005h, section 8.2.9.1.5).
    RequestBgOpAbort = 0x0005, () => ();
    /// Get Event Interrupt Policy (0102h, section 8.2.9.2.4).
    GetEventInterruptPolicy = 0x0102, () => cxlmi_cmd_get_event_interrupt_policy_rsp;
    /// Set Event Interrupt Policy (0103h, section 8.2.9.2.5).
    SetEventInterruptPolicy = 0x0103, cxlmi_cmd_set_event_interrupt_policy_req => ();
    /// Get MCTP Event Interrupt Policy (0104h, section 8.2.9.2.6).
    GetMctpEventInterruptPolicy = 0x0104, () => cxlmi_cmd_get_mctp_event_interrupt_policy_rsp;
    /// Set MCTP Event Interrupt Policy (0105h, section 8.2.9.2.7).
    SetMctpEventInterruptPolicy = 0x0105, cxlmi_cmd_set_mctp_event_interrupt_policy_req => ();
    /// Event Notification (0106h, section 8.2.9.2.8).
    EventNotification = 0x0106, cxlmi_cmd_event_notification_req => ();
    /// Get FW Info (0200h, section 8.2.9.3.1).
    GetFwInfo = 0x0200, () => cxlmi_cmd_get_fw_info_rsp;
    /// Activate FW (0202h, section 8.2.9.3.3).
    ActivateFw = 0x0202, cxlmi_cmd_activate_fw_req => ();
    /// Get Timestamp (0300h, section 8.2.9.4.1).
    GetTimestamp = 0x0300, () => cxlmi_cmd_get_timestamp_rsp;
    /// Set Timestamp (0301h, section 8.2.9.4.2).
    SetTimestamp = 0x0301, cxlmi_cmd_set_timestamp_req => ();
    /// Get Log Capabilities (0402h, section 8.2.9.5.3).
    GetLogCapabilities = 0x0402, cxlmi_cmd_get_log_capabilities_req => cxlmi_cmd_get_log_capabilities_rsp;
    /// Clear Log (0403h, section 8.2.9.5.4).
    ClearLog = 0x0403, cxlmi_cmd_clear_log_req => ();
    /// Populate Log (0404h, section 8.2.9.5.5).
    PopulateLog = 0x0404, cxlmi_cmd_populate_log_req => ();
}

/// Get Event Records (0100h, section 8.2.9.2.2): as many records as the
/// response holds, at most `CXLMI_MAX_SUPPORTED_EVENT_RECORDS`.
pub struct GetEventRecords;
impl Command for GetEventRecords {
    const OPCODE: Opcode = Opcode(0x0100);
    type Input<'i> = cxlmi_cmd_get_event_records_req;
    type Output<'o> = Listed<'o, cxlmi_cmd_get_event_records_rsp, cxlmi_event_record>;
    fn request_len(_: &Self::Input<'_>) -> Result<usize> {
        Ok(cxlmi_cmd_get_event_records_req::SIZE)
    }
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    fn response_size(_: &Self::Input<'_>) -> ResponseSize {
        let head = cxlmi_cmd_get_event_records_rsp::SIZE;
        ResponseSize::between(head, head + CXLMI_MAX_SUPPORTED_EVENT_RECORDS * cxlmi_event_record::SIZE)
    }
    fn decode<'o>(_: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        let mut head = cxlmi_cmd_get_event_records_rsp::decode(rsp.bytes);
        let (_, entries) = rsp.bytes.split_at(cxlmi_cmd_get_event_records_rsp::SIZE);
        let list = Listed::new(head, entries, head.record_count.into(), CXLMI_MAX_SUPPORTED_EVENT_RECORDS);
        head.record_count = list.count() as u16;
        Ok(Listed { head, ..list })
    }
}

/// Clear Event Records (0101h, section 8.2.9.2.3): the handles to clear
/// follow the fixed part; `nr_recs` is taken from them.
pub struct ClearEventRecords;
/// Input of [`ClearEventRecords`].
pub struct ClearEventRecordsInput<'a> {
    pub head: cxlmi_cmd_clear_event_records_req,
    pub handles: &'a [u16],
}
impl Command for ClearEventRecords {
    const OPCODE: Opcode = Opcode(0x0101);
    type Input<'i> = ClearEventRecordsInput<'i>;
    type Output<'o> = ();
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        if input.handles.len() > usize::from(u8::MAX) {
            return Err(Error::InvalidArgument("at most 255 event record handles"));
        }
        len_with_items::<cxlmi_cmd_clear_event_records_req, u16>(input.handles.len())
    }
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        let mut head = input.head;
        head.nr_recs = input.handles.len() as u8;
        encode_with_items(&head, input.handles, payload)
    }
    fn response_size(_: &Self::Input<'_>) -> ResponseSize {
        ResponseSize::fixed(0)
    }
    fn decode<'o>(_: &Self::Input<'_>, _: Response<'o>) -> Result<()> {
        Ok(())
    }
}

/// A fixed request head followed by raw data bytes (firmware, feature data).
pub struct WithData<'a, H> {
    pub head: H,
    pub data: &'a [u8],
}

/// Declares commands whose request is a fixed head plus data bytes and whose
/// response is empty.
macro_rules! data_commands {
    ($( $(#[$doc:meta])* $name:ident = $op:literal, $head:ty; )*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl Command for $name {
            const OPCODE: Opcode = Opcode($op);
            type Input<'i> = WithData<'i, $head>;
            type Output<'o> = ();
            fn request_len(input: &Self::Input<'_>) -> Result<usize> {
                len_with_items::<$head, u8>(input.data.len())
            }
            fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
                input.head.encode(payload);
                payload[<$head>::SIZE..][..input.data.len()].copy_from_slice(input.data);
            }
            fn response_size(_: &Self::Input<'_>) -> ResponseSize {
                ResponseSize::fixed(0)
            }
            fn decode<'o>(_: &Self::Input<'_>, _: Response<'o>) -> Result<()> {
                Ok(())
            }
        }
    )*};
}

data_commands! {
    /// Transfer FW (0201h, section 8.2.9.3.2): the firmware bytes follow the fixed part.
    TransferFw = 0x0201, cxlmi_cmd_transfer_fw_req;
    /// Set Feature (0502h, CXL r3.2 section 8.2.10.6.3): the feature data follows.
    SetFeature = 0x0502, cxlmi_cmd_set_feature_req;
}

/// Get Supported Logs (0400h, section 8.2.9.5.1): at most
/// `CXLMI_MAX_SUPPORTED_LOGS` entries.
pub struct GetSupportedLogs;
impl Command for GetSupportedLogs {
    const OPCODE: Opcode = Opcode(0x0400);
    type Input<'i> = ();
    type Output<'o> = Listed<'o, cxlmi_cmd_get_supported_logs_rsp, cxlmi_supported_log_entry>;
    fn request_len(_: &()) -> Result<usize> {
        Ok(0)
    }
    fn encode(_: &(), _: &mut [u8]) {}
    fn response_size(_: &()) -> ResponseSize {
        let head = cxlmi_cmd_get_supported_logs_rsp::SIZE;
        ResponseSize::between(head, head + CXLMI_MAX_SUPPORTED_LOGS * cxlmi_supported_log_entry::SIZE)
    }
    fn decode<'o>(_: &(), rsp: Response<'o>) -> Result<Self::Output<'o>> {
        let mut head = cxlmi_cmd_get_supported_logs_rsp::decode(rsp.bytes);
        let (_, entries) = rsp.bytes.split_at(cxlmi_cmd_get_supported_logs_rsp::SIZE);
        let list = Listed::new(head, entries, head.num_supported_log_entries.into(), CXLMI_MAX_SUPPORTED_LOGS);
        head.num_supported_log_entries = list.count() as u16;
        Ok(Listed { head, ..list })
    }
}

/// Get Supported Logs Sub-List (0405h, section 8.2.9.5.6): at most
/// `CXLMI_MAX_SUPPORTED_LOGS` entries.
pub struct GetSupportedLogsSublist;
impl Command for GetSupportedLogsSublist {
    const OPCODE: Opcode = Opcode(0x0405);
    type Input<'i> = cxlmi_cmd_get_supported_logs_sublist_req;
    type Output<'o> = Listed<'o, cxlmi_cmd_get_supported_logs_sublist_rsp, cxlmi_supported_log_entry>;
    fn request_len(_: &Self::Input<'_>) -> Result<usize> {
        Ok(cxlmi_cmd_get_supported_logs_sublist_req::SIZE)
    }
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    fn response_size(_: &Self::Input<'_>) -> ResponseSize {
        let head = cxlmi_cmd_get_supported_logs_sublist_rsp::SIZE;
        ResponseSize::between(head, head + CXLMI_MAX_SUPPORTED_LOGS * cxlmi_supported_log_entry::SIZE)
    }
    fn decode<'o>(_: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        let mut head = cxlmi_cmd_get_supported_logs_sublist_rsp::decode(rsp.bytes);
        let (_, entries) = rsp.bytes.split_at(cxlmi_cmd_get_supported_logs_sublist_rsp::SIZE);
        let list = Listed::new(head, entries, head.num_supported_log_entries.into(), CXLMI_MAX_SUPPORTED_LOGS);
        head.num_supported_log_entries = list.count() as u8;
        Ok(Listed { head, ..list })
    }
}

/// Bytes of log asked for.
fn log_length(input: &cxlmi_cmd_get_log_req) -> usize {
    input.length as usize
}

/// Get Log (0401h, section 8.2.9.5.2): `length` raw log bytes.
pub struct GetLog;
impl Command for GetLog {
    const OPCODE: Opcode = Opcode(0x0401);
    type Input<'i> = cxlmi_cmd_get_log_req;
    type Output<'o> = &'o [u8];
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        if log_length(input) > MAX_PAYLOAD_LEN {
            return Err(Error::InvalidArgument("log length exceeds the CCI message limit"));
        }
        Ok(cxlmi_cmd_get_log_req::SIZE)
    }
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    fn response_size(input: &Self::Input<'_>) -> ResponseSize {
        ResponseSize::fixed(log_length(input))
    }
    fn decode<'o>(_: &Self::Input<'_>, rsp: Response<'o>) -> Result<&'o [u8]> {
        Ok(rsp.bytes)
    }
}

/// Get Log for the Command Effects Log (0401h): `length / 4` CEL entries.
pub struct GetLogCel;
impl Command for GetLogCel {
    const OPCODE: Opcode = Opcode(0x0401);
    type Input<'i> = cxlmi_cmd_get_log_req;
    type Output<'o> = Listed<'o, (), cxlmi_cmd_get_log_cel_rsp>;
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        GetLog::request_len(input)
    }
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    fn response_size(input: &Self::Input<'_>) -> ResponseSize {
        ResponseSize::fixed(log_length(input))
    }
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        let n = log_length(input) / cxlmi_cmd_get_log_cel_rsp::SIZE;
        Ok(Listed::new((), rsp.bytes, n, n))
    }
}

/// Get Supported Features (0500h, CXL r3.2 section 8.2.10.6.1): `count` is
/// the bytes of entries asked for, and bounds how many are kept.
pub struct GetSupportedFeatures;
impl Command for GetSupportedFeatures {
    const OPCODE: Opcode = Opcode(0x0500);
    type Input<'i> = cxlmi_cmd_get_supported_features_req;
    type Output<'o> = Listed<'o, cxlmi_cmd_get_supported_features_rsp, cxlmi_supported_feature_entry>;
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        if input.count as usize > MAX_PAYLOAD_LEN - cxlmi_cmd_get_supported_features_rsp::SIZE {
            return Err(Error::InvalidArgument("feature entry bytes exceed the CCI message limit"));
        }
        Ok(cxlmi_cmd_get_supported_features_req::SIZE)
    }
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    fn response_size(input: &Self::Input<'_>) -> ResponseSize {
        let head = cxlmi_cmd_get_supported_features_rsp::SIZE;
        ResponseSize::between(head, head + input.count as usize)
    }
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        let mut head = cxlmi_cmd_get_supported_features_rsp::decode(rsp.bytes);
        let (_, entries) = rsp.bytes.split_at(cxlmi_cmd_get_supported_features_rsp::SIZE);
        let room = input.count as usize / cxlmi_supported_feature_entry::SIZE;
        let list = Listed::new(head, entries, head.num_supported_feature_entries.into(), room);
        head.num_supported_feature_entries = list.count() as u16;
        Ok(Listed { head, ..list })
    }
}

/// Get Feature (0501h, CXL r3.2 section 8.2.10.6.2): `count` bytes of
/// feature data, at most one mailbox payload.
pub struct GetFeature;
impl Command for GetFeature {
    const OPCODE: Opcode = Opcode(0x0501);
    type Input<'i> = cxlmi_cmd_get_feature_req;
    type Output<'o> = &'o [u8];
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        if usize::from(input.count) > CXL_MAILBOX_MAX_PAYLOAD_SIZE {
            return Err(Error::InvalidArgument("feature data count exceeds the output buffer"));
        }
        Ok(cxlmi_cmd_get_feature_req::SIZE)
    }
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    fn response_size(_: &Self::Input<'_>) -> ResponseSize {
        ResponseSize::between(0, CXL_MAILBOX_MAX_PAYLOAD_SIZE)
    }
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<&'o [u8]> {
        Ok(&rsp.bytes[..usize::from(input.count)])
    }
}
