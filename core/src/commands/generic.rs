//! Generic Component commands (CXL r3.1 section 8.2.9, Table 8-37).

pub use super::WithData;
use super::{
    Command, Listed, WithItems, command_set, custom_commands, fixed_commands, item_counts, listed_commands,
    raw_read_commands, variable_request_commands,
};
use crate::cci::Response;
use crate::cci::{MAX_PAYLOAD_LEN, Opcode, ResponseSize};
use crate::error::{Error, Result};
use crate::types::*;
use crate::wire::Wire;

command_set! {
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
    listed_commands! {
        /// Get Event Records (0100h, section 8.2.9.2.2): as many records as the
        /// response holds, at most `CXLMI_MAX_SUPPORTED_EVENT_RECORDS`.
        GetEventRecords = 0x0100, cxlmi_cmd_get_event_records_req
            => cxlmi_cmd_get_event_records_rsp, [cxlmi_event_record; up_to |_| CXLMI_MAX_SUPPORTED_EVENT_RECORDS];
        /// Get Supported Logs (0400h, section 8.2.9.5.1): at most
        /// `CXLMI_MAX_SUPPORTED_LOGS` entries.
        GetSupportedLogs = 0x0400, ()
            => cxlmi_cmd_get_supported_logs_rsp, [cxlmi_supported_log_entry; up_to |_| CXLMI_MAX_SUPPORTED_LOGS];
        /// Get Supported Logs Sub-List (0405h, section 8.2.9.5.6): at most
        /// `CXLMI_MAX_SUPPORTED_LOGS` entries.
        GetSupportedLogsSublist = 0x0405, cxlmi_cmd_get_supported_logs_sublist_req
            => cxlmi_cmd_get_supported_logs_sublist_rsp, [cxlmi_supported_log_entry; up_to |_| CXLMI_MAX_SUPPORTED_LOGS];
    }
    variable_request_commands! {
        /// Transfer FW (0201h, section 8.2.9.3.2): the firmware bytes follow the fixed part.
        TransferFw = 0x0201, WithData<cxlmi_cmd_transfer_fw_req>;
        /// Set Feature (0502h, CXL r3.2 section 8.2.10.6.3): the feature data follows.
        SetFeature = 0x0502, WithData<cxlmi_cmd_set_feature_req>;
        /// Perform Maintenance (0600h, section 8.2.9.7.1): the operation's
        /// parameters follow its class and subclass.
        PerformMaintenance = 0x0600, WithData<cxlmi_cmd_perform_maintenance_req>;
    }
    raw_read_commands! {
        /// Get Log (0401h, section 8.2.9.5.2): `length` raw log bytes.
        GetLog = 0x0401, cxlmi_cmd_get_log_req { length };
    }
    custom_commands! {
        /// Clear Event Records (0101h, section 8.2.9.2.3): the handles to clear
        /// follow the fixed part; `nr_recs` is taken from them.
        ClearEventRecords;
        /// Get Log for the Command Effects Log (0401h): `length / 4` CEL entries.
        GetLogCel;
        /// Get Supported Features (0500h, CXL r3.2 section 8.2.10.6.1): `count` is
        /// the bytes of entries asked for, and bounds how many are kept.
        GetSupportedFeatures;
        /// Get Feature (0501h, CXL r3.2 section 8.2.10.6.2): `count` bytes of
        /// feature data, at most one mailbox payload.
        GetFeature;
    }
}

item_counts! {
    cxlmi_cmd_get_event_records_rsp { record_count: u16 }
    cxlmi_cmd_clear_event_records_req { nr_recs: u8 }
    cxlmi_cmd_get_supported_logs_rsp { num_supported_log_entries: u16 }
    cxlmi_cmd_get_supported_logs_sublist_rsp { num_supported_log_entries: u8 }
    cxlmi_cmd_get_supported_features_rsp { num_supported_feature_entries: u16 }
}

/// Input of [`ClearEventRecords`].
pub struct ClearEventRecordsInput<'a> {
    pub head: cxlmi_cmd_clear_event_records_req,
    pub handles: &'a [u16],
}
impl<'a> ClearEventRecordsInput<'a> {
    /// The request in the shape every counted request has.
    #[inline]
    fn with_items(&self) -> WithItems<'a, cxlmi_cmd_clear_event_records_req, u16> {
        WithItems { head: self.head, items: self.handles }
    }
}
impl Command for ClearEventRecords {
    const OPCODE: Opcode = Opcode(0x0101);
    type Input<'i> = ClearEventRecordsInput<'i>;
    type Output<'o> = ();
    #[inline]
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        input.with_items().request_len()
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.with_items().encode(payload)
    }
    #[inline]
    fn response_size(_: &Self::Input<'_>) -> ResponseSize {
        ResponseSize::fixed(0)
    }
    #[inline]
    fn decode<'o>(_: &Self::Input<'_>, _: Response<'o>) -> Result<()> {
        Ok(())
    }
}

/// The Command Effects Log's UUID (CXL r3.1 Table 8-71), in wire order:
/// the log Get Log (0401h) reads with [`GetLogCel`].
pub const CEL_UUID: [u8; 16] =
    [0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17];

impl Command for GetLogCel {
    const OPCODE: Opcode = Opcode(0x0401);
    type Input<'i> = cxlmi_cmd_get_log_req;
    type Output<'o> = Listed<'o, (), cxlmi_cmd_get_log_cel_rsp>;
    #[inline]
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        GetLog::request_len(input)
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    #[inline]
    fn response_size(input: &Self::Input<'_>) -> ResponseSize {
        GetLog::response_size(input)
    }
    #[inline]
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        let n = input.length as usize / cxlmi_cmd_get_log_cel_rsp::SIZE;
        Ok(Listed::new((), rsp.bytes, n, n))
    }
}

impl Command for GetSupportedFeatures {
    const OPCODE: Opcode = Opcode(0x0500);
    type Input<'i> = cxlmi_cmd_get_supported_features_req;
    type Output<'o> = Listed<'o, cxlmi_cmd_get_supported_features_rsp, cxlmi_supported_feature_entry>;
    #[inline]
    fn request_len(_: &Self::Input<'_>) -> Result<usize> {
        Ok(cxlmi_cmd_get_supported_features_req::SIZE)
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    #[inline]
    fn response_size(input: &Self::Input<'_>) -> ResponseSize {
        let head = cxlmi_cmd_get_supported_features_rsp::SIZE;
        // `count` limits what the component sends; no message carries more than the CCI limit.
        ResponseSize::between(head, (head + input.count as usize).min(MAX_PAYLOAD_LEN))
    }
    #[inline]
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        Ok(Listed::from_response(rsp, input.count as usize / cxlmi_supported_feature_entry::SIZE))
    }
}

impl Command for GetFeature {
    const OPCODE: Opcode = Opcode(0x0501);
    type Input<'i> = cxlmi_cmd_get_feature_req;
    type Output<'o> = &'o [u8];
    #[inline]
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        if usize::from(input.count) > CXL_MAILBOX_MAX_PAYLOAD_SIZE {
            return Err(Error::InvalidArgument("feature data count exceeds the output buffer"));
        }
        Ok(cxlmi_cmd_get_feature_req::SIZE)
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    #[inline]
    fn response_size(_: &Self::Input<'_>) -> ResponseSize {
        ResponseSize::between(0, CXL_MAILBOX_MAX_PAYLOAD_SIZE)
    }
    #[inline]
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<&'o [u8]> {
        Ok(&rsp.bytes[..usize::from(input.count)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::{answering, sent};
    use crate::tunnel::Tunnel;
    use crate::wire::to_vec;

    #[test]
    fn identify_decodes_little_endian_fields() {
        let mut wire = vec![0x86, 0x80, 0x93, 0x0d, 0x34, 0x12, 0x78, 0x56];
        wire.extend_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
        wire.extend_from_slice(&[0x0b, 0x03]);
        let mut ep = answering(0x0001, 0, &wire);
        let id = ep.execute::<Identify>(Tunnel::None, &()).unwrap();
        assert_eq!({ id.vendor_id }, 0x8086);
        assert_eq!({ id.device_id }, 0x0d93);
        assert_eq!({ id.subsys_vendor_id }, 0x1234);
        assert_eq!({ id.subsys_id }, 0x5678);
        assert_eq!({ id.serial_num }, 0x1122_3344_5566_7788);
        assert_eq!(id.max_msg_size, 0x0b);
        assert_eq!(id.component_type, 3);
        assert!(sent(&mut ep).is_empty());
    }

    #[test]
    fn perform_maintenance_sends_class_subclass_then_parameters() {
        let mut ep = answering(0x0600, 0, &[]);
        let ppr = cxlmi_maintenance_ppr_params { flags: 0, dpa: 0x0102_0304_0506_0740, nibble_mask: [0xff; 3] };
        let params = to_vec(&ppr);
        let head = cxlmi_cmd_perform_maintenance_req { operation_class: 1, operation_subclass: 1, parameters: [] };
        ep.execute::<PerformMaintenance>(Tunnel::None, &WithData { head, data: &params }).unwrap();
        // CXL r3.1 Table 8-104: class, subclass, flags, DPA (LE), nibble mask: 14 bytes.
        assert_eq!(sent(&mut ep), [1, 1, 0, 0x40, 7, 6, 5, 4, 3, 2, 1, 0xff, 0xff, 0xff]);
    }

    #[test]
    fn set_timestamp_sends_little_endian() {
        let mut ep = answering(0x0301, 0, &[]);
        ep.execute::<SetTimestamp>(Tunnel::None, &cxlmi_cmd_set_timestamp_req { timestamp: 0x0102_0304_0506_0708 })
            .unwrap();
        assert_eq!(sent(&mut ep), [8, 7, 6, 5, 4, 3, 2, 1]);
    }

    #[test]
    fn device_error_is_returned_before_decoding() {
        let mut ep = answering(0x0002, cxlmi_cmd_retcode::CXLMI_RET_BUSY as u16, &[0xff; 8]);
        assert!(matches!(ep.execute::<BgOpStatus>(Tunnel::None, &()), Err(Error::Device(6))));
    }

    #[test]
    fn unqueued_command_is_unsupported() {
        let mut ep = crate::commands::testing::mock_endpoint();
        assert!(matches!(ep.execute::<GetTimestamp>(Tunnel::None, &()), Err(Error::Device(3))));
    }

    #[test]
    fn clear_event_records_counts_its_handles() {
        let mut ep = answering(0x0101, 0, &[]);
        let head = cxlmi_cmd_clear_event_records_req {
            event_log: 2,
            clear_flags: 0,
            nr_recs: 99,
            reserved: [0; 3],
            handles: [],
        };
        ep.execute::<ClearEventRecords>(Tunnel::None, &ClearEventRecordsInput { head, handles: &[0x0102, 0x0304] })
            .unwrap();
        assert_eq!(sent(&mut ep), [2, 0, 2, 0, 0, 0, 0x02, 0x01, 0x04, 0x03]);
        let too_many = [0u16; 256];
        assert!(matches!(
            ep.execute::<ClearEventRecords>(Tunnel::None, &ClearEventRecordsInput { head, handles: &too_many }),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn event_records_are_clamped_to_what_arrived_and_the_capacity() {
        // claims 500 records, carries 2
        let mut wire = vec![0u8; cxlmi_cmd_get_event_records_rsp::SIZE + 2 * cxlmi_event_record::SIZE];
        wire[20..22].copy_from_slice(&500u16.to_le_bytes());
        wire[32 + 20..32 + 22].copy_from_slice(&0xabcdu16.to_le_bytes()); // first record's handle
        let mut ep = answering(0x0100, 0, &wire);
        let list =
            ep.execute::<GetEventRecords>(Tunnel::None, &cxlmi_cmd_get_event_records_req { event_log: 1 }).unwrap();
        // the mock zero-fills to the full room, as upstream's does: capacity bounds it
        assert_eq!(list.count(), CXLMI_MAX_SUPPORTED_EVENT_RECORDS);
        assert_eq!({ list.head.record_count }, CXLMI_MAX_SUPPORTED_EVENT_RECORDS as u16);
        assert_eq!({ list.entries().next().unwrap().handle }, 0xabcd);
    }

    #[test]
    fn listed_keeps_only_received_entries() {
        let bytes = [1u8, 0, 2, 0, 3];
        let l: Listed<'_, (), u16> = Listed::new((), &bytes, 10, 10);
        assert_eq!(l.entries().collect::<Vec<_>>(), [1, 2]);
        let l: Listed<'_, (), u16> = Listed::new((), &bytes, 10, 1);
        assert_eq!(l.count(), 1);
    }

    #[test]
    fn supported_features_room_follows_the_requested_bytes() {
        let mut wire = vec![0u8; 8 + 3 * cxlmi_supported_feature_entry::SIZE];
        wire[0..2].copy_from_slice(&3u16.to_le_bytes());
        let mut ep = answering(0x0500, 0, &wire);
        let req = cxlmi_cmd_get_supported_features_req { count: 2 * 48 + 10, starting_feature_index: 1, rsvd: [0; 2] };
        let list = ep.execute::<GetSupportedFeatures>(Tunnel::None, &req).unwrap();
        assert_eq!(list.count(), 2);
        assert_eq!(sent(&mut ep), to_vec(&req));
        // A byte count past any message is sent as asked, the room capped at the CCI limit.
        let huge = cxlmi_cmd_get_supported_features_req { count: u32::MAX, ..req };
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(
            GetSupportedFeatures::OPCODE,
            0,
            &wire,
        );
        assert_eq!(ep.execute::<GetSupportedFeatures>(Tunnel::None, &huge).unwrap().count(), 3);
        assert_eq!(GetSupportedFeatures::response_size(&huge).max, MAX_PAYLOAD_LEN);
    }

    #[test]
    fn get_log_returns_exactly_length_bytes() {
        let mut ep = answering(0x0401, 0, &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let req = cxlmi_cmd_get_log_req { uuid: [0x11; 16], offset: 0x100, length: 8 };
        assert_eq!(ep.execute::<GetLog>(Tunnel::None, &req).unwrap(), [1, 2, 3, 4, 5, 6, 7, 8]);
        let mut want = vec![0x11; 16];
        want.extend_from_slice(&[0, 1, 0, 0, 8, 0, 0, 0]);
        assert_eq!(sent(&mut ep), want);
        let cel_req = cxlmi_cmd_get_log_req { length: 8, ..req };
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(
            GetLogCel::OPCODE,
            0,
            &[0x01, 0x00, 0x02, 0x00, 0x01, 0x43, 0x20, 0x00],
        );
        let cel: Vec<_> = ep.execute::<GetLogCel>(Tunnel::None, &cel_req).unwrap().entries().collect();
        assert_eq!(cel.len(), 2);
        assert_eq!(({ cel[1].opcode }, { cel[1].command_effect }), (0x4301, 0x20));
    }

    #[test]
    fn get_feature_count_is_bounded_by_the_output() {
        let mut ep = answering(0x0501, 0, &[7; 16]);
        let req = cxlmi_cmd_get_feature_req { feature_id: [0; 16], offset: 2, count: 4, selection: 1 };
        assert_eq!(ep.execute::<GetFeature>(Tunnel::None, &req).unwrap(), [7; 4]);
        let big = cxlmi_cmd_get_feature_req { count: 2049, ..req };
        assert!(matches!(ep.execute::<GetFeature>(Tunnel::None, &big), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn data_commands_append_their_data() {
        let mut ep = answering(0x0502, 0, &[]);
        let head = cxlmi_cmd_set_feature_req {
            feature_id: [1; 16],
            set_feature_flags: 0x0403_0201,
            offset: 0x0605,
            version: 7,
            rsvd: [0; 9],
            feature_data: [],
        };
        ep.execute::<SetFeature>(Tunnel::None, &WithData { head, data: &[0xaa, 0xbb] }).unwrap();
        let p = sent(&mut ep);
        assert_eq!(p.len(), 34);
        assert_eq!(&p[16..23], &[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(&p[32..], &[0xaa, 0xbb]);
    }

    #[test]
    fn fmapi_commands_need_fmapi() {
        let mut ep = crate::commands::testing::mock_endpoint();
        ep.disable_fmapi();
        let r = ep.transact(Tunnel::None, Opcode(0x5100), 0, |_| {}, ResponseSize::fixed(0));
        assert!(matches!(r, Err(Error::FmapiDisabled)));
    }

    #[test]
    fn vendor_specific_opcodes_only() {
        let mut ep = answering(0xc001, 0, &[9, 8]);
        assert!(matches!(ep.vendor_specific(Tunnel::None, 0x4000, &[], 0), Err(Error::InvalidArgument(_))));
        assert_eq!(ep.vendor_specific(Tunnel::None, 0xc001, &[1, 2, 3], 2).unwrap(), [9, 8]);
        assert_eq!(sent(&mut ep), [1, 2, 3]);
    }
}
