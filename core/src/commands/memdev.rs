//! Memory Device commands (CXL r3.1 section 8.2.9.9, Table 8-126).

use super::{
    CAPACITY_UNIT, Command, Listed, command_set, custom_commands, dc_region_configs, fixed_commands, item_counts,
    listed_commands, raw_read_commands, room_len, variable_request_commands,
};
pub use super::{WithData, WithItems};
use crate::cci::Response;
use crate::cci::{Opcode, ResponseSize};
use crate::error::{Error, Result};
use crate::types::*;
use crate::wire::Wire;

/// Most media error records a Get Poison List response is read for, and
/// so the records the caller's output must have room for (upstream's rule).
pub const MAX_POISON_RECORDS: usize = 256;

/// Most media error records a Get Scan Media Results response is read for,
/// and so the records the caller's output must have room for.
pub const MAX_SCAN_MEDIA_RECORDS: usize = 256;

/// Most extents one Get Dynamic Capacity Extent List asks for: a request
/// for none or for more asks for this many (upstream's rule).
pub const MAX_DC_EXTENTS_PER_REQUEST: u32 = 8;

pub use super::MAX_DC_REGIONS;

/// Media error records (Get Poison List, Get Scan Media Results) state
/// their lengths, and their addresses align, in 64-byte units (CXL r3.1
/// Table 8-140); Inject and Clear Poison work on one such unit.
pub const MEDIA_ERROR_UNIT: u64 = 64;

command_set! {
    fixed_commands! {
        /// Identify Memory Device (4000h, section 8.2.9.9.1.1). Its size follows
        /// the build: CXL 2.0 has no dynamic capacity event log size.
        MemdevIdentify = 0x4000, () => cxlmi_cmd_memdev_identify_rsp;
        /// Get Partition Info (4100h, section 8.2.9.9.2.1).
        GetPartitionInfo = 0x4100, () => cxlmi_cmd_memdev_get_partition_info_rsp;
        /// Set Partition Info (4101h, section 8.2.9.9.2.2).
        SetPartitionInfo = 0x4101, cxlmi_cmd_memdev_set_partition_info_req => ();
        /// Get Health Info (4200h, section 8.2.9.9.3.1).
        GetHealthInfo = 0x4200, () => cxlmi_cmd_memdev_get_health_info_rsp;
        /// Get Alert Configuration (4201h, section 8.2.9.9.3.2).
        GetAlertConfig = 0x4201, () => cxlmi_cmd_memdev_get_alert_config_rsp;
        /// Set Alert Configuration (4202h, section 8.2.9.9.3.3).
        SetAlertConfig = 0x4202, cxlmi_cmd_memdev_set_alert_config_req => ();
        /// Get Shutdown State (4203h, section 8.2.9.9.3.4).
        GetShutdownState = 0x4203, () => cxlmi_cmd_memdev_get_shutdown_state_rsp;
        /// Set Shutdown State (4204h, section 8.2.9.9.3.5).
        SetShutdownState = 0x4204, cxlmi_cmd_memdev_set_shutdown_state_req => ();
        /// Inject Poison (4301h, section 8.2.9.9.4.2).
        InjectPoison = 0x4301, cxlmi_cmd_memdev_inject_poison_req => ();
        /// Clear Poison (4302h, section 8.2.9.9.4.3).
        ClearPoison = 0x4302, cxlmi_cmd_memdev_clear_poison_req => ();
        /// Get Scan Media Capabilities (4303h, section 8.2.9.9.4.4).
        GetScanMediaCapabilities = 0x4303,
            cxlmi_cmd_memdev_get_scan_media_capabilities_req => cxlmi_cmd_memdev_get_scan_media_capabilities_rsp;
        /// Scan Media (4304h, section 8.2.9.9.4.5).
        ScanMedia = 0x4304, cxlmi_cmd_memdev_scan_media_req => ();
        /// Sanitize (4400h, section 8.2.9.9.5.1).
        Sanitize = 0x4400, () => ();
        /// Secure Erase (4401h, section 8.2.9.9.5.2).
        SecureErase = 0x4401, () => ();
        /// Get Security State (4500h, section 8.2.9.9.6.1).
        GetSecurityState = 0x4500, () => cxlmi_cmd_memdev_get_security_state_rsp;
        /// Set Passphrase (4501h, section 8.2.9.9.6.2).
        SetPassphrase = 0x4501, cxlmi_cmd_memdev_set_passphrase_req => ();
        /// Disable Passphrase (4502h, section 8.2.9.9.6.3).
        DisablePassphrase = 0x4502, cxlmi_cmd_memdev_disable_passphrase_req => ();
        /// Unlock (4503h, section 8.2.9.9.6.4).
        Unlock = 0x4503, cxlmi_cmd_memdev_unlock_req => ();
        /// Freeze Security State (4504h, section 8.2.9.9.6.5).
        FreezeSecurityState = 0x4504, () => ();
        /// Passphrase Secure Erase (4505h, section 8.2.9.9.6.6).
        PassphraseSecureErase = 0x4505, cxlmi_cmd_memdev_passphrase_secure_erase_req => ();
        /// Get SLD QoS Control (4700h, section 8.2.9.9.8.1).
        GetSldQosControl = 0x4700, () => cxlmi_cmd_memdev_get_sld_qos_control_rsp;
        /// Set SLD QoS Control (4701h, section 8.2.9.9.8.2).
        SetSldQosControl = 0x4701, cxlmi_cmd_memdev_set_sld_qos_control_req => ();
        /// Get SLD QoS Status (4702h, section 8.2.9.9.8.3).
        GetSldQosStatus = 0x4702, () => cxlmi_cmd_memdev_get_sld_qos_status_rsp;
    }
    variable_request_commands! {
        /// Set LSA (4103h, section 8.2.9.9.2.4): the label bytes follow the fixed part.
        SetLsa = 0x4103, WithData<cxlmi_cmd_memdev_set_lsa_req>;
        /// Media Operations, sanitize and zero classes (4402h, CXL r3.2 section
        /// 8.2.10.9.5.3): the DPA ranges follow the fixed part.
        MediaOperationsSanitize = 0x4402,
            WithItems<cxlmi_cmd_memdev_media_operations_sanitize_req, cxlmi_cmd_memdev_media_ops_dpa_range_list_entry>;
        /// Security Send (4600h, CXL r3.2 section 8.2.10.9.7.1): the protocol data follows.
        SecuritySend = 0x4600, WithData<cxlmi_cmd_memdev_security_send_req>;
        /// Add Dynamic Capacity Response (4802h, section 8.2.9.9.9.3): the
        /// accepted extents follow the fixed part.
        AddDcResponse = 0x4802, WithItems<cxlmi_cmd_memdev_add_dc_response_req, cxlmi_memdev_dc_extent>;
        /// Release Dynamic Capacity (4803h, section 8.2.9.9.9.4): the released
        /// extents follow the fixed part.
        ReleaseDc = 0x4803, WithItems<cxlmi_cmd_memdev_release_dc_req, cxlmi_memdev_dc_extent>;
    }
    listed_commands! {
        /// Get Poison List (4300h, section 8.2.9.9.4.1): at most
        /// [`MAX_POISON_RECORDS`] media error records.
        GetPoisonList = 0x4300, cxlmi_cmd_memdev_get_poison_list_req
            => cxlmi_cmd_memdev_get_poison_list_rsp, [cxlmi_memdev_media_err_record; up_to |_| MAX_POISON_RECORDS];
        /// Get Scan Media Results (4305h, section 8.2.9.9.4.6): at most
        /// [`MAX_SCAN_MEDIA_RECORDS`] media error records.
        GetScanMediaResults = 0x4305, ()
            => cxlmi_cmd_memdev_get_scan_media_results_rsp, [cxlmi_media_error_record; up_to |_| MAX_SCAN_MEDIA_RECORDS];
        /// Media Operations, discovery class (4402h, CXL r3.2 section
        /// 8.2.10.9.5.3): at most `discovery_osa.num_ops` supported operations.
        MediaOperationsDiscovery = 0x4402, cxlmi_cmd_memdev_media_operations_discovery_req
            => cxlmi_cmd_memdev_media_operations_discovery_rsp,
            [cxlmi_cmd_memdev_media_ops_supported_list_entry; up_to |q| usize::from(q.discovery_osa.num_ops)];
    }
    raw_read_commands! {
        /// Get LSA (4102h, section 8.2.9.9.2.3): exactly `length` bytes of the
        /// Label Storage Area.
        GetLsa = 0x4102, cxlmi_cmd_memdev_get_lsa_req { length };
    }
    custom_commands! {
        /// Security Receive (4601h, CXL r3.2 section 8.2.10.9.7.2): the protocol's
        /// raw data.
        SecurityReceive;
        /// Get Dynamic Capacity Configuration (4800h, section 8.2.9.9.9.1): up to
        /// [`MAX_DC_REGIONS`] region configurations, then four counts that follow
        /// the last region returned on the wire. Decode lengths are given in bytes.
        GetDcConfig;
        /// Get Dynamic Capacity Extent List (4801h, section 8.2.9.9.9.2): at most
        /// [`dc_extents_requested`] extents.
        GetDcExtentList;
    }
}

impl cxlmi_cmd_memdev_identify_rsp {
    /// The dynamic capacity event log's size in records: `None` in the CXL
    /// 2.0 layout, which has no such field. Rust code can read it whichever
    /// layout the library was built with.
    pub fn dc_event_log_records(&self) -> Option<u16> {
        #[cfg(not(feature = "cxl2_0"))]
        return Some(self.dc_event_log_size);
        #[cfg(feature = "cxl2_0")]
        None
    }
}

item_counts! {
    cxlmi_cmd_memdev_get_poison_list_rsp { more_err_media_record_cnt: u16 }
    cxlmi_cmd_memdev_get_scan_media_results_rsp { media_error_count: u16 }
    cxlmi_cmd_memdev_media_operations_discovery_rsp { num_supported_ops: u16 }
    cxlmi_cmd_memdev_media_operations_sanitize_req { dpa_range_count: u32 }
    cxlmi_cmd_memdev_get_dc_extent_list_rsp { num_extents_returned: u32 }
    cxlmi_cmd_memdev_add_dc_response_req { updated_extent_list_size: u32 }
    cxlmi_cmd_memdev_release_dc_req { updated_extent_list_size: u32 }
}

/// Bytes a Security Receive response carries for `protocol`; only the
/// security protocol information (protocol 0: 6 reserved bytes, a 2-byte
/// length and room for 256 protocol ids) is known, as upstream.
fn security_receive_len(protocol: u8) -> Option<usize> {
    match protocol {
        0x00 => Some(6 + 2 + 256),
        _ => None,
    }
}

impl Command for SecurityReceive {
    const OPCODE: Opcode = Opcode(0x4601);
    type Input<'i> = cxlmi_cmd_memdev_security_receive_req;
    type Output<'o> = &'o [u8];
    #[inline]
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        security_receive_len(input.security_protocol)
            .ok_or(Error::InvalidArgument("security protocol not supported"))?;
        Ok(cxlmi_cmd_memdev_security_receive_req::SIZE)
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    #[inline]
    fn response_size(input: &Self::Input<'_>) -> ResponseSize {
        ResponseSize::fixed(security_receive_len(input.security_protocol).unwrap_or(0))
    }
    #[inline]
    fn decode<'o>(_: &Self::Input<'_>, rsp: Response<'o>) -> Result<&'o [u8]> {
        Ok(rsp.bytes)
    }
}

/// Bytes of the Get Dynamic Capacity Configuration output before the region
/// configurations.
const DC_CONFIG_HEAD: usize = 8;

impl Command for GetDcConfig {
    const OPCODE: Opcode = Opcode(0x4800);
    type Input<'i> = cxlmi_cmd_memdev_get_dc_config_req;
    type Output<'o> = cxlmi_cmd_memdev_get_dc_config_rsp;
    #[inline]
    fn request_len(_: &Self::Input<'_>) -> Result<usize> {
        Ok(cxlmi_cmd_memdev_get_dc_config_req::SIZE)
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    #[inline]
    fn response_size(_: &Self::Input<'_>) -> ResponseSize {
        let max = cxlmi_cmd_memdev_get_dc_config_rsp::SIZE;
        ResponseSize::between(max - MAX_DC_REGIONS * cxlmi_dc_region_config::SIZE, max)
    }
    #[inline]
    fn decode<'o>(_: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        let mut out = cxlmi_cmd_memdev_get_dc_config_rsp::zeroed();
        out.num_regions = rsp.bytes[0];
        let mut regions = out.region_configs;
        let (n, counts) = dc_region_configs(rsp, DC_CONFIG_HEAD, rsp.bytes[1].into(), &mut regions, |r| {
            r.decode_len = r.decode_len.wrapping_mul(CAPACITY_UNIT);
        });
        out.regions_returned = n as u8;
        out.region_configs = regions;
        [out.num_extents_supported, out.num_extents_available, out.num_tags_supported, out.num_tags_available] = counts;
        Ok(out)
    }
}

/// The extent count a Get Dynamic Capacity Extent List request sends, and
/// so the extents the caller's output must have room for.
pub fn dc_extents_requested(input: &cxlmi_cmd_memdev_get_dc_extent_list_req) -> u32 {
    match input.extent_cnt {
        0 => MAX_DC_EXTENTS_PER_REQUEST,
        n => n.min(MAX_DC_EXTENTS_PER_REQUEST),
    }
}

impl Command for GetDcExtentList {
    const OPCODE: Opcode = Opcode(0x4801);
    type Input<'i> = cxlmi_cmd_memdev_get_dc_extent_list_req;
    type Output<'o> = Listed<'o, cxlmi_cmd_memdev_get_dc_extent_list_rsp, cxlmi_memdev_get_list_extent>;
    #[inline]
    fn request_len(_: &Self::Input<'_>) -> Result<usize> {
        Ok(cxlmi_cmd_memdev_get_dc_extent_list_req::SIZE)
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        cxlmi_cmd_memdev_get_dc_extent_list_req { extent_cnt: dc_extents_requested(input), ..*input }.encode(payload)
    }
    #[inline]
    fn response_size(_: &Self::Input<'_>) -> ResponseSize {
        ResponseSize::between(
            cxlmi_cmd_memdev_get_dc_extent_list_rsp::SIZE,
            room_len::<cxlmi_cmd_memdev_get_dc_extent_list_rsp, cxlmi_memdev_get_list_extent>(
                MAX_DC_EXTENTS_PER_REQUEST as usize,
            ),
        )
    }
    #[inline]
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        Ok(Listed::from_response(rsp, dc_extents_requested(input) as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cci::MAX_PAYLOAD_LEN;
    use crate::commands::testing::{answering, mock_endpoint, sent};
    use crate::tunnel::Tunnel;
    use crate::wire::to_vec;

    /// A response of which only `len` bytes arrived, zero-filled to `room`.
    fn response(wire: &[u8], room: usize) -> (Vec<u8>, usize) {
        let mut bytes = wire.to_vec();
        bytes.resize(room, 0);
        (bytes, wire.len())
    }

    #[test]
    fn opcodes_are_the_memory_device_ones() {
        assert_eq!(MemdevIdentify::OPCODE, Opcode(0x4000));
        assert_eq!(GetLsa::OPCODE, Opcode(0x4102));
        assert_eq!(SetLsa::OPCODE, Opcode(0x4103));
        assert_eq!(SetShutdownState::OPCODE, Opcode(0x4204));
        assert_eq!(GetPoisonList::OPCODE, Opcode(0x4300));
        assert_eq!(GetScanMediaResults::OPCODE, Opcode(0x4305));
        assert_eq!(MediaOperationsDiscovery::OPCODE, Opcode(0x4402));
        assert_eq!(MediaOperationsSanitize::OPCODE, Opcode(0x4402));
        assert_eq!(PassphraseSecureErase::OPCODE, Opcode(0x4505));
        assert_eq!(SecurityReceive::OPCODE, Opcode(0x4601));
        assert_eq!(GetSldQosStatus::OPCODE, Opcode(0x4702));
        assert_eq!(ReleaseDc::OPCODE, Opcode(0x4803));
    }

    fn identify_wire() -> Vec<u8> {
        let mut w = b"FW 1.2.3\0\0\0\0\0\0\0\0".to_vec();
        w.extend_from_slice(&0x0102_0304_0506_0708u64.to_le_bytes());
        w.extend_from_slice(&0x10u64.to_le_bytes());
        w.extend_from_slice(&0x20u64.to_le_bytes());
        w.extend_from_slice(&0x1u64.to_le_bytes());
        for n in [0x0a0bu16, 0x0c0d, 0x0e0f, 0x1011] {
            w.extend_from_slice(&n.to_le_bytes());
        }
        w.extend_from_slice(&0x0002_0000u32.to_le_bytes());
        w.extend_from_slice(&[0x01, 0x02, 0x03]);
        w.extend_from_slice(&0x0405u16.to_le_bytes());
        w.extend_from_slice(&[0x06, 0x07]);
        w.extend_from_slice(&0x0809u16.to_le_bytes());
        w
    }

    #[test]
    fn identify_decodes_little_endian_fields() {
        let mut ep = answering(0x4000, 0, &identify_wire());
        let id = ep.execute::<MemdevIdentify>(Tunnel::None, &()).unwrap();
        assert_eq!(id.fw_revision[..8].iter().map(|&c| c as u8).collect::<Vec<_>>(), b"FW 1.2.3");
        assert_eq!({ id.total_capacity }, 0x0102_0304_0506_0708);
        assert_eq!({ id.persistent_capacity }, 0x20);
        assert_eq!({ id.fatal_event_log_size }, 0x1011);
        assert_eq!({ id.lsa_size }, 0x0002_0000);
        assert_eq!(id.poison_list_max_mer, [1, 2, 3]);
        assert_eq!({ id.inject_poison_limit }, 0x0405);
        assert_eq!((id.poison_caps, id.qos_telemetry_caps), (6, 7));
        #[cfg(not(feature = "cxl2_0"))]
        assert_eq!({ id.dc_event_log_size }, 0x0809);
        assert!(sent(&mut ep).is_empty());
    }

    #[cfg(not(feature = "cxl2_0"))]
    #[test]
    fn identify_is_69_bytes_in_cxl3() {
        assert_eq!(MemdevIdentify::response_size(&()), ResponseSize::fixed(0x45));
    }

    #[cfg(feature = "cxl2_0")]
    #[test]
    fn identify_is_67_bytes_in_cxl2() {
        assert_eq!(MemdevIdentify::response_size(&()), ResponseSize::fixed(0x43));
        // The 3.x field is not part of the response: a 69-byte answer is cut to 67.
        let mut ep = answering(0x4000, 0, &identify_wire());
        let id = ep.execute::<MemdevIdentify>(Tunnel::None, &()).unwrap();
        assert_eq!(core::mem::size_of_val(&id), 67);
    }

    #[test]
    fn fixed_requests_are_little_endian() {
        let mut ep = answering(0x4101, 0, &[]);
        let req = cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: 0x1122_3344_5566_7788, flags: 1 };
        ep.execute::<SetPartitionInfo>(Tunnel::None, &req).unwrap();
        assert_eq!(sent(&mut ep), [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 1]);

        let mut ep = answering(0x4202, 0, &[]);
        let req = cxlmi_cmd_memdev_set_alert_config_req {
            valid_alert_actions: 0x1f,
            enable_alert_actions: 0x0e,
            life_used_programmable_warning_threshold: 90,
            rsvd1: 0,
            device_over_temperature_programmable_warning_threshold: 0x0102,
            device_under_temperature_programmable_warning_threshold: 0xfff6,
            corrected_volatile_mem_error_programmable_warning_threshold: 0x0304,
            corrected_persistent_mem_error_programmable_warning_threshold: 0x0506,
        };
        ep.execute::<SetAlertConfig>(Tunnel::None, &req).unwrap();
        assert_eq!(sent(&mut ep), [0x1f, 0x0e, 90, 0, 2, 1, 0xf6, 0xff, 4, 3, 6, 5]);

        let mut ep = answering(0x4304, 0, &[]);
        let req = cxlmi_cmd_memdev_scan_media_req {
            scan_media_physaddr: 0x40,
            scan_media_physaddr_length: 0x0203,
            scan_media_flags: 1,
        };
        ep.execute::<ScanMedia>(Tunnel::None, &req).unwrap();
        assert_eq!(sent(&mut ep), [0x40, 0, 0, 0, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 1]);

        let mut ep = answering(0x4501, 0, &[]);
        let req = cxlmi_cmd_memdev_set_passphrase_req {
            passphrase_type: 1,
            rsvd: [0; 0x1f],
            current_passphrase: [0xaa; 0x20],
            new_passphrase: [0xbb; 0x20],
        };
        ep.execute::<SetPassphrase>(Tunnel::None, &req).unwrap();
        let p = sent(&mut ep);
        assert_eq!(p.len(), 0x60);
        assert_eq!((p[0], p[0x20], p[0x3f], p[0x40], p[0x5f]), (1, 0xaa, 0xaa, 0xbb, 0xbb));
    }

    #[test]
    fn fixed_responses_decode_little_endian() {
        let wire = [3, 1, 0x02, 50, 0x2c, 0x01, 4, 3, 2, 1, 8, 7, 6, 5, 0xc, 0xb, 0xa, 9];
        let mut ep = answering(0x4200, 0, &wire);
        let h = ep.execute::<GetHealthInfo>(Tunnel::None, &()).unwrap();
        assert_eq!((h.health_status, h.media_status, h.additional_status, h.life_used), (3, 1, 2, 50));
        assert_eq!({ h.device_temperature }, 300);
        assert_eq!({ h.dirty_shutdown_count }, 0x0102_0304);
        assert_eq!({ h.corrected_persistent_error_count }, 0x090a_0b0c);

        let wire = [1, 2, 3, 4, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0];
        let mut ep = answering(0x4201, 0, &wire);
        let a = ep.execute::<GetAlertConfig>(Tunnel::None, &()).unwrap();
        assert_eq!({ a.device_over_temperature_critical_alert_threshold }, 0x2010);
        assert_eq!({ a.corrected_persistent_mem_error_programmable_warning_threshold }, 0xc0b0);

        let mut ep = answering(0x4500, 0, &[0x44, 0x33, 0x22, 0x11]);
        assert_eq!({ ep.execute::<GetSecurityState>(Tunnel::None, &()).unwrap().security_state }, 0x1122_3344);

        let mut ep = answering(0x4303, 0, &[0xe8, 0x03, 0, 0]);
        let req = cxlmi_cmd_memdev_get_scan_media_capabilities_req {
            get_scan_media_capabilities_start_physaddr: 0x1000,
            get_scan_media_capabilities_physaddr_length: 0x10,
        };
        let caps = ep.execute::<GetScanMediaCapabilities>(Tunnel::None, &req).unwrap();
        assert_eq!({ caps.estimated_scan_media_time }, 1000);
        assert_eq!(sent(&mut ep), [0, 0x10, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn no_payload_commands_send_nothing_and_return_device_errors() {
        let mut ep = answering(0x4400, 0, &[]);
        ep.execute::<Sanitize>(Tunnel::None, &()).unwrap();
        assert!(sent(&mut ep).is_empty());
        let mut ep = answering(0x4401, cxlmi_cmd_retcode::CXLMI_RET_SECURITY as u16, &[]);
        assert!(matches!(ep.execute::<SecureErase>(Tunnel::None, &()), Err(Error::Device(0x13))));
        let mut ep = mock_endpoint();
        assert!(matches!(ep.execute::<FreezeSecurityState>(Tunnel::None, &()), Err(Error::Device(3))));
    }

    #[test]
    fn get_lsa_returns_exactly_length_bytes() {
        let mut ep = answering(0x4102, 0, &[9, 8, 7, 6, 5, 4]);
        let req = cxlmi_cmd_memdev_get_lsa_req { offset: 0x0102_0304, length: 4 };
        assert_eq!(ep.execute::<GetLsa>(Tunnel::None, &req).unwrap(), [9, 8, 7, 6]);
        assert_eq!(sent(&mut ep), [4, 3, 2, 1, 4, 0, 0, 0]);
        let huge = cxlmi_cmd_memdev_get_lsa_req { length: 1 << 20, ..req };
        assert!(matches!(ep.execute::<GetLsa>(Tunnel::None, &huge), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn data_commands_append_their_data_and_refuse_oversize() {
        let mut ep = answering(0x4103, 0, &[]);
        let head = cxlmi_cmd_memdev_set_lsa_req { offset: 0x0a0b_0c0d, rsvd: 0, data: [] };
        ep.execute::<SetLsa>(Tunnel::None, &WithData { head, data: &[0xde, 0xad] }).unwrap();
        assert_eq!(sent(&mut ep), [0x0d, 0x0c, 0x0b, 0x0a, 0, 0, 0, 0, 0xde, 0xad]);
        let big = vec![0u8; MAX_PAYLOAD_LEN - cxlmi_cmd_memdev_set_lsa_req::SIZE + 1];
        assert!(matches!(
            ep.execute::<SetLsa>(Tunnel::None, &WithData { head, data: &big }),
            Err(Error::InvalidArgument(_))
        ));

        let mut ep = answering(0x4600, 0, &[]);
        let head =
            cxlmi_cmd_memdev_security_send_req { security_protocol: 0xef, sp_specific: 0x0102, rsvd: [0; 5], data: [] };
        ep.execute::<SecuritySend>(Tunnel::None, &WithData { head, data: &[1, 2, 3] }).unwrap();
        assert_eq!(sent(&mut ep), [0xef, 2, 1, 0, 0, 0, 0, 0, 1, 2, 3]);
    }

    #[test]
    fn poison_list_is_clamped_to_capacity_and_to_what_arrived() {
        let req = cxlmi_cmd_memdev_get_poison_list_req {
            get_poison_list_phy_addr: 0x1000,
            get_poison_list_phy_addr_len: 0x20,
        };
        let mut wire = vec![0u8; 32 + 2 * 16];
        wire[0] = 0x01;
        wire[2..10].copy_from_slice(&0x0102_0304_0506_0708u64.to_le_bytes());
        wire[10..12].copy_from_slice(&0xffffu16.to_le_bytes());
        wire[32..40].copy_from_slice(&0x40u64.to_le_bytes());
        wire[40..44].copy_from_slice(&0x0a0bu32.to_le_bytes());
        // The mock pads to the full room, as upstream's: only the capacity bounds it.
        let mut ep = answering(0x4300, 0, &wire);
        let list = ep.execute::<GetPoisonList>(Tunnel::None, &req).unwrap();
        assert_eq!(list.count(), MAX_POISON_RECORDS);
        assert_eq!({ list.head.more_err_media_record_cnt }, 256);
        assert_eq!({ list.head.overflow_timestamp }, 0x0102_0304_0506_0708);
        let first = list.entries().next().unwrap();
        assert_eq!(({ first.media_err_addr }, { first.media_err_len }), (0x40, 0x0a0b));
        assert_eq!(sent(&mut ep), [0, 0x10, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0]);

        // A device that sends two records but claims more: two are kept.
        let size = GetPoisonList::response_size(&req);
        assert_eq!(size, ResponseSize::between(32, 32 + 256 * 16));
        let (bytes, len) = response(&wire, size.max);
        let list = GetPoisonList::decode(&req, Response { bytes: &bytes, len }).unwrap();
        assert_eq!(list.count(), 2);
        assert_eq!({ list.head.more_err_media_record_cnt }, 2);
    }

    #[test]
    fn scan_media_results_are_clamped() {
        let mut wire = vec![0u8; 32 + 16];
        wire[0..8].copy_from_slice(&0x2000u64.to_le_bytes());
        wire[16] = 0x03;
        wire[18..20].copy_from_slice(&3u16.to_le_bytes());
        wire[32..40].copy_from_slice(&0x0102_0304_0506_0708u64.to_le_bytes());
        let size = GetScanMediaResults::response_size(&());
        let (bytes, len) = response(&wire, size.max);
        let list = GetScanMediaResults::decode(&(), Response { bytes: &bytes, len }).unwrap();
        assert_eq!(list.count(), 1);
        assert_eq!({ list.head.media_error_count }, 1);
        assert_eq!({ list.head.scan_media_restart_physaddr }, 0x2000);
        assert_eq!({ list.entries().next().unwrap().media_error_address }, 0x0102_0304_0506_0708);

        wire[18..20].copy_from_slice(&1000u16.to_le_bytes());
        let mut ep = answering(0x4305, 0, &wire);
        let list = ep.execute::<GetScanMediaResults>(Tunnel::None, &()).unwrap();
        assert_eq!(list.count(), MAX_SCAN_MEDIA_RECORDS);
    }

    #[test]
    fn media_operations_discovery_room_is_num_ops() {
        let req = cxlmi_cmd_memdev_media_operations_discovery_req {
            media_operation_class: 0,
            media_operation_subclass: 0,
            rsvd: [0; 2],
            dpa_range_count: 0,
            discovery_osa: cxlmi_memdev_media_ops_discovery_osa { start_index: 0x0102, num_ops: 2 },
        };
        assert_eq!(MediaOperationsDiscovery::response_size(&req), ResponseSize::between(12, 16));
        let mut wire = vec![0u8; 12 + 3 * 2];
        wire[0..8].copy_from_slice(&0x40u64.to_le_bytes());
        wire[8..10].copy_from_slice(&3u16.to_le_bytes());
        wire[10..12].copy_from_slice(&500u16.to_le_bytes());
        wire[12..18].copy_from_slice(&[1, 0, 1, 1, 2, 0]);
        let mut ep = answering(0x4402, 0, &wire);
        let list = ep.execute::<MediaOperationsDiscovery>(Tunnel::None, &req).unwrap();
        assert_eq!(list.count(), 2);
        assert_eq!({ list.head.num_supported_ops }, 2);
        assert_eq!({ list.head.total_supported_ops }, 3);
        let ops: Vec<_> = list.entries().map(|e| (e.media_op_class, e.media_op_subclass)).collect();
        assert_eq!(ops, [(1, 0), (1, 1)]);
        assert_eq!(sent(&mut ep), [0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 0]);
    }

    #[test]
    fn media_operations_sanitize_counts_its_ranges() {
        let mut ep = answering(0x4402, 0, &[]);
        let head = cxlmi_cmd_memdev_media_operations_sanitize_req {
            media_operation_class: 1,
            media_operation_subclass: 1,
            rsvd: [0; 2],
            dpa_range_count: 77,
            dpa_range_list: [],
        };
        let ranges =
            [cxlmi_cmd_memdev_media_ops_dpa_range_list_entry { starting_dpa: 0x0102_0304_0506_0708, length: 0x40 }];
        ep.execute::<MediaOperationsSanitize>(Tunnel::None, &WithItems { head, items: &ranges }).unwrap();
        let p = sent(&mut ep);
        assert_eq!(&p[..8], [1, 1, 0, 0, 1, 0, 0, 0]);
        assert_eq!(&p[8..], [8, 7, 6, 5, 4, 3, 2, 1, 0x40, 0, 0, 0, 0, 0, 0, 0]);
        let too_many = vec![ranges[0]; (MAX_PAYLOAD_LEN - 8) / 16 + 1];
        assert!(matches!(
            ep.execute::<MediaOperationsSanitize>(Tunnel::None, &WithItems { head, items: &too_many }),
            Err(Error::InvalidArgument(_))
        ));
        let most = vec![ranges[0]; (MAX_PAYLOAD_LEN - 8) / 16];
        assert!(MediaOperationsSanitize::request_len(&WithItems { head, items: &most }).is_ok());
    }

    #[test]
    fn dc_extent_responses_count_their_extents() {
        let ext = cxlmi_memdev_dc_extent { start_dpa: 0x1000_0000, len: 0x0200_0000, rsvd: [0; 8] };
        for (op, release) in [(0x4802u16, false), (0x4803, true)] {
            let mut ep = answering(op, 0, &[]);
            if release {
                let head = cxlmi_cmd_memdev_release_dc_req {
                    updated_extent_list_size: 0,
                    flags: 1,
                    rsvd1: [0; 3],
                    extents: [],
                };
                ep.execute::<ReleaseDc>(Tunnel::None, &WithItems { head, items: &[ext, ext] }).unwrap();
            } else {
                let head = cxlmi_cmd_memdev_add_dc_response_req {
                    updated_extent_list_size: 9,
                    flags: 1,
                    rsvd1: [0; 3],
                    extents: [],
                };
                ep.execute::<AddDcResponse>(Tunnel::None, &WithItems { head, items: &[ext, ext] }).unwrap();
            }
            let p = sent(&mut ep);
            assert_eq!(p.len(), 8 + 2 * 24);
            assert_eq!(&p[..8], [2, 0, 0, 0, 1, 0, 0, 0]);
            assert_eq!(&p[8..24], [0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0]);
        }
        let head =
            cxlmi_cmd_memdev_add_dc_response_req { updated_extent_list_size: 0, flags: 0, rsvd1: [0; 3], extents: [] };
        let too_many = vec![ext; (MAX_PAYLOAD_LEN - 8) / 24 + 1];
        assert!(matches!(
            AddDcResponse::request_len(&WithItems { head, items: &too_many }),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn security_receive_knows_only_protocol_zero() {
        let mut wire = vec![0u8; 300];
        wire[7] = 2;
        wire[8] = 0x00;
        wire[9] = 0xef;
        let mut ep = answering(0x4601, 0, &wire);
        let req = cxlmi_cmd_memdev_security_receive_req { security_protocol: 0, sp_specific: 0x0102, rsvd: [0; 5] };
        let data = ep.execute::<SecurityReceive>(Tunnel::None, &req).unwrap();
        assert_eq!(data.len(), 264);
        assert_eq!(&data[6..10], [0, 2, 0, 0xef]);
        assert_eq!(sent(&mut ep), [0, 2, 1, 0, 0, 0, 0, 0]);

        let mut ep = mock_endpoint();
        let other = cxlmi_cmd_memdev_security_receive_req { security_protocol: 0xef, ..req };
        assert!(matches!(ep.execute::<SecurityReceive>(Tunnel::None, &other), Err(Error::InvalidArgument(_))));
        assert_eq!(
            ep.transport_mut::<crate::transport::mock::Mock>().unwrap().stats().0,
            0,
            "nothing is sent for an unknown protocol"
        );
    }

    fn region(base: u64, decode_len: u64, flags: u8) -> cxlmi_dc_region_config {
        cxlmi_dc_region_config {
            base,
            decode_len,
            region_len: 0x4000_0000,
            block_size: 0x20_0000,
            dsmadhandle: 0x0102_0304,
            flags,
            rsvd2: [0; 3],
        }
    }

    fn dc_config_wire(num: u8, claimed: u8, regions: &[cxlmi_dc_region_config]) -> Vec<u8> {
        let mut w = vec![num, claimed, 0, 0, 0, 0, 0, 0];
        for r in regions {
            w.extend_from_slice(&to_vec(r));
        }
        for n in [0x11u32, 0x22, 0x33, 0x44] {
            w.extend_from_slice(&n.to_le_bytes());
        }
        w
    }

    #[test]
    fn dc_config_reads_the_counts_after_the_regions_returned() {
        let req = cxlmi_cmd_memdev_get_dc_config_req { region_cnt: 8, start_region_id: 1 };
        let wire = dc_config_wire(3, 2, &[region(0, 4, 0x08), region(0x1_0000_0000, 1, 0)]);
        let mut ep = answering(0x4800, 0, &wire);
        let c = ep.execute::<GetDcConfig>(Tunnel::None, &req).unwrap();
        assert_eq!(sent(&mut ep), [8, 1]);
        assert_eq!((c.num_regions, c.regions_returned), (3, 2));
        let r: Vec<_> = c.region_configs.iter().map(|r| ({ r.base }, { r.decode_len }, r.flags)).collect();
        assert_eq!(r[..3], [(0, 4 << 28, 0x08), (0x1_0000_0000, 1 << 28, 0), (0, 0, 0)]);
        assert_eq!({ c.region_configs[0].dsmadhandle }, 0x0102_0304);
        assert_eq!(({ c.num_extents_supported }, { c.num_extents_available }), (0x11, 0x22));
        assert_eq!(({ c.num_tags_supported }, { c.num_tags_available }), (0x33, 0x44));
        assert_eq!(GetDcConfig::response_size(&req), ResponseSize::between(24, 344));
    }

    #[test]
    fn dc_config_region_count_is_clamped() {
        let req = cxlmi_cmd_memdev_get_dc_config_req { region_cnt: 8, start_region_id: 0 };
        // claims 200 regions, carries 8: the array holds 8
        let wire = dc_config_wire(200, 200, &[region(0x100, 2, 0); 8]);
        let mut ep = answering(0x4800, 0, &wire);
        let c = ep.execute::<GetDcConfig>(Tunnel::None, &req).unwrap();
        assert_eq!(c.regions_returned, 8);
        assert_eq!({ c.region_configs[7].base }, 0x100);
        assert_eq!({ c.num_tags_available }, 0x44);
        // claims 5, carries 1 and the counts: one region, counts after it
        let wire = dc_config_wire(5, 5, &[region(0x200, 1, 0)]);
        let (bytes, len) = response(&wire, 344);
        let c = GetDcConfig::decode(&req, Response { bytes: &bytes, len }).unwrap();
        assert_eq!(c.regions_returned, 1);
        assert_eq!({ c.region_configs[0].base }, 0x200);
        assert_eq!({ c.region_configs[1].base }, 0);
        assert_eq!(({ c.num_extents_supported }, { c.num_tags_available }), (0x11, 0x44));
    }

    #[test]
    fn dc_extent_list_asks_for_at_most_eight() {
        let req = |n| cxlmi_cmd_memdev_get_dc_extent_list_req { extent_cnt: n, start_extent_idx: 0x0102 };
        for (n, want) in [(0u32, 8u8), (3, 3), (8, 8), (9, 8), (u32::MAX, 8)] {
            let mut ep = answering(0x4801, 0, &[]);
            ep.execute::<GetDcExtentList>(Tunnel::None, &req(n)).unwrap();
            assert_eq!(sent(&mut ep), [want, 0, 0, 0, 2, 1, 0, 0], "extent_cnt {n}");
        }
        let mut wire = vec![0u8; 16 + 8 * 40];
        wire[0..4].copy_from_slice(&1000u32.to_le_bytes());
        wire[4..8].copy_from_slice(&12u32.to_le_bytes());
        wire[8..12].copy_from_slice(&0x0a0b_0c0du32.to_le_bytes());
        wire[16..24].copy_from_slice(&0x4000u64.to_le_bytes());
        wire[32..48].copy_from_slice(&[0x5a; 16]);
        wire[48..50].copy_from_slice(&0x0304u16.to_le_bytes());
        let mut ep = answering(0x4801, 0, &wire);
        let list = ep.execute::<GetDcExtentList>(Tunnel::None, &req(3)).unwrap();
        assert_eq!(list.count(), 3);
        assert_eq!({ list.head.num_extents_returned }, 3);
        assert_eq!(({ list.head.total_num_extents }, { list.head.generation_num }), (12, 0x0a0b_0c0d));
        let e = list.entries().next().unwrap();
        assert_eq!(({ e.start_dpa }, e.tag, { e.shared_seq }), (0x4000, [0x5a; 16], 0x0304));
        // none asked for means eight, and only what arrived is kept
        let (bytes, len) = response(&wire[..16 + 40 + 20], 16 + 8 * 40);
        let list = GetDcExtentList::decode(&req(0), Response { bytes: &bytes, len }).unwrap();
        assert_eq!(list.count(), 1);
    }
}
