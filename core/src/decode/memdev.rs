//! Memory Device command responses (CXL r3.1 section 8.2.9.9, Table 8-126) decoded: Identify
//! Memory Device, partitions, shutdown state, poison and media scans, media operations,
//! security state, SLD QoS telemetry and dynamic capacity. Health and alerts are in
//! [`super::health`].
//!
//! Capacities the wire states in 256 MB units and lengths it states in 64-byte units are given
//! in bytes (`_bytes`), as the kernel and ndctl give them. Responses with entries after a fixed
//! part come as [`Listed`] from the commands; each has a `pub fn` here taking the fixed part and
//! the entries, and `Listed` itself implements [`Decode`] through it.

use super::generic::revision_text;
use super::{Decode, Object, Value, bits, decoded_list, enumeration, flags, unless, uuid};
use crate::commands::memdev::MEDIA_ERROR_UNIT;
use crate::commands::{CAPACITY_UNIT, Listed, MAX_DC_REGIONS};
use crate::types::{
    cxlmi_cmd_get_scan_media_capabilities_rsp, cxlmi_cmd_get_scan_media_results_rsp,
    cxlmi_cmd_memdev_get_dc_config_rsp, cxlmi_cmd_memdev_get_dc_extent_list_rsp,
    cxlmi_cmd_memdev_get_partition_info_rsp, cxlmi_cmd_memdev_get_poison_list_rsp,
    cxlmi_cmd_memdev_get_scan_media_capabilities_rsp, cxlmi_cmd_memdev_get_scan_media_results_rsp,
    cxlmi_cmd_memdev_get_security_state_rsp, cxlmi_cmd_memdev_get_shutdown_state_rsp,
    cxlmi_cmd_memdev_get_sld_qos_control_rsp, cxlmi_cmd_memdev_get_sld_qos_status_rsp, cxlmi_cmd_memdev_identify_rsp,
    cxlmi_cmd_memdev_media_operations_discovery_rsp, cxlmi_cmd_memdev_media_ops_supported_list_entry,
    cxlmi_dc_region_config, cxlmi_media_error_record, cxlmi_memdev_get_list_extent, cxlmi_memdev_media_err_record,
};

/// A capacity in 256 MB units ([`CAPACITY_UNIT`]) in bytes; `Null` past what a `u64` holds.
pub fn capacity_bytes(units: u64) -> Value {
    units.checked_mul(CAPACITY_UNIT).map_or(Value::Null, Value::from)
}

/// A length in 64-byte units ([`MEDIA_ERROR_UNIT`]) in bytes; `Null` past what a `u64` holds.
pub fn media_length_bytes(units: u64) -> Value {
    units.checked_mul(MEDIA_ERROR_UNIT).map_or(Value::Null, Value::from)
}

/// A device physical address field whose bits 5:0 are not address bits (reserved, or the
/// error source of a media error record): the address they leave.
pub fn dpa(raw: u64) -> u64 {
    raw & !(MEDIA_ERROR_UNIT - 1)
}

/// Poison Handling Capabilities of Identify Memory Device (CXL r3.1 Table 8-127).
pub const POISON_HANDLING_CAPABILITIES: [(u32, &str); 2] = [(0, "injects_persistent_poison"), (1, "scans_for_poison")];

/// QoS Telemetry Capabilities of Identify Memory Device (CXL r3.1 Table 8-127).
pub const QOS_TELEMETRY_CAPABILITIES: [(u32, &str); 2] =
    [(0, "egress_port_congestion_supported"), (1, "temporary_throughput_reduction_supported")];

impl Decode for cxlmi_cmd_memdev_identify_rsp {
    /// Identify Memory Device (CXL r3.1 Table 8-127). Sentinels read as `Null`: a partition
    /// alignment of 0 (the capacity cannot be partitioned) and an inject poison limit of 0 (no
    /// limit); so does the Dynamic Capacity Event Log size in the CXL 2.0 layout, which lacks it.
    fn decoded(&self) -> Object {
        let id = *self;
        let [m0, m1, m2] = id.poison_list_max_mer;
        Object::new()
            .with("fw_revision", revision_text(&id.fw_revision))
            .with("total_bytes", capacity_bytes(id.total_capacity))
            .with("volatile_only_bytes", capacity_bytes(id.volatile_capacity))
            .with("persistent_only_bytes", capacity_bytes(id.persistent_capacity))
            .with(
                "partition_alignment_bytes",
                if id.partition_align == 0 { Value::Null } else { capacity_bytes(id.partition_align) },
            )
            .with("informational_event_log_records", id.info_event_log_size)
            .with("warning_event_log_records", id.warning_event_log_size)
            .with("failure_event_log_records", id.failure_event_log_size)
            .with("fatal_event_log_records", id.fatal_event_log_size)
            .with("lsa_size_bytes", id.lsa_size)
            .with("poison_list_max_media_error_records", u32::from_le_bytes([m0, m1, m2, 0]))
            .with("inject_poison_limit", unless(id.inject_poison_limit, 0))
            .with("poison_handling_capabilities", flags(id.poison_caps.into(), &POISON_HANDLING_CAPABILITIES))
            .with("qos_telemetry_capabilities", flags(id.qos_telemetry_caps.into(), &QOS_TELEMETRY_CAPABILITIES))
            .with("dynamic_capacity_event_log_records", id.dc_event_log_records())
    }
}

impl Decode for cxlmi_cmd_memdev_get_partition_info_rsp {
    /// Get Partition Info (CXL r3.1 Table 8-128). The next capacities are `Null` when both are
    /// 0: no change of partitioning is pending.
    fn decoded(&self) -> Object {
        let p = *self;
        let pending = p.next_vmem != 0 || p.next_pmem != 0;
        let next = |units: u64| if pending { capacity_bytes(units) } else { Value::Null };
        Object::new()
            .with("active_volatile_bytes", capacity_bytes(p.active_vmem))
            .with("active_persistent_bytes", capacity_bytes(p.active_pmem))
            .with("next_volatile_bytes", next(p.next_vmem))
            .with("next_persistent_bytes", next(p.next_pmem))
    }
}

/// The Shutdown State bits (CXL r3.1 Table 8-136).
pub const SHUTDOWN_STATE: [(u32, &str); 1] = [(0, "dirty")];

impl Decode for cxlmi_cmd_memdev_get_shutdown_state_rsp {
    fn decoded(&self) -> Object {
        Object::new().with("state", flags(self.state.into(), &SHUTDOWN_STATE))
    }
}

/// Error Source of a media error record, bits 2:0 of its address (CXL r3.1 Table 8-140).
pub const MEDIA_ERROR_SOURCES: [(u64, &str); 5] =
    [(0, "unknown"), (1, "external"), (2, "internal"), (3, "injected"), (7, "vendor_specific")];

/// One Media Error Record (CXL r3.1 Table 8-140), as Get Poison List and Get Scan Media
/// Results both return them: the DPA, the error source and the length in bytes.
pub fn media_error_record(address: u64, length: u32) -> Object {
    Object::new()
        .with("dpa", dpa(address))
        .with("source", enumeration(bits(address, 0, 2), &MEDIA_ERROR_SOURCES))
        .with("length_bytes", media_length_bytes(length.into()))
}

impl Decode for cxlmi_memdev_media_err_record {
    fn decoded(&self) -> Object {
        media_error_record(self.media_err_addr, self.media_err_len)
    }
}

impl Decode for cxlmi_media_error_record {
    fn decoded(&self) -> Object {
        media_error_record(self.media_error_address, self.media_error_length)
    }
}

/// Poison List Flags of the Get Poison List output (CXL r3.1 Table 8-139).
pub const POISON_LIST_FLAGS: [(u32, &str); 4] =
    [(0, "more_media_error_records"), (1, "overflow"), (2, "scan_media_in_progress"), (3, "restart_ack")];

/// Get Poison List (CXL r3.1 Table 8-139): the fixed part and the media error records after
/// it. The overflow timestamp (nanoseconds since the Unix epoch) is `Null` unless the list
/// overflowed and the device had a valid time (it returns 0 otherwise).
pub fn poison_list(head: &cxlmi_cmd_memdev_get_poison_list_rsp, records: &[cxlmi_memdev_media_err_record]) -> Object {
    let h = *head;
    let overflow = h.poison_list_flags & 0b10 != 0;
    Object::new()
        .with("flags", flags(h.poison_list_flags.into(), &POISON_LIST_FLAGS))
        .with("overflow_timestamp_ns", if overflow { unless(h.overflow_timestamp, 0) } else { Value::Null })
        .with("media_error_record_count", h.more_err_media_record_cnt)
        .with("records", decoded_list(records))
}

impl Decode for Listed<'_, cxlmi_cmd_memdev_get_poison_list_rsp, cxlmi_memdev_media_err_record> {
    fn decoded(&self) -> Object {
        poison_list(&self.head, &self.entries().collect::<Vec<_>>())
    }
}

fn scan_media_capabilities(estimated_ms: u32) -> Object {
    Object::new().with("estimated_scan_media_time_ms", unless(estimated_ms, 0))
}

impl Decode for cxlmi_cmd_memdev_get_scan_media_capabilities_rsp {
    /// Get Scan Media Capabilities (CXL r3.1 Table 8-144): `Null` when the device cannot
    /// estimate the time (it returns 0).
    fn decoded(&self) -> Object {
        scan_media_capabilities(self.estimated_scan_media_time)
    }
}

impl Decode for cxlmi_cmd_get_scan_media_capabilities_rsp {
    /// Get Scan Media Capabilities under its older name.
    fn decoded(&self) -> Object {
        scan_media_capabilities(self.estimated_scan_media_time)
    }
}

/// Scan Media Flags of the Get Scan Media Results output (CXL r3.1 Table 8-146).
pub const SCAN_MEDIA_FLAGS: [(u32, &str); 2] = [(0, "more_media_error_records"), (1, "scan_stopped_prematurely")];

/// Get Scan Media Results (CXL r3.1 Table 8-146): the fixed part and the media error records
/// after it. The restart address and length are valid only when the scan stopped
/// prematurely, and `Null` otherwise.
pub fn scan_media_results(
    head: &cxlmi_cmd_memdev_get_scan_media_results_rsp,
    records: &[cxlmi_media_error_record],
) -> Object {
    let h = *head;
    let stopped = h.scan_media_flags & 0b10 != 0;
    Object::new()
        .with("flags", flags(h.scan_media_flags.into(), &SCAN_MEDIA_FLAGS))
        .with("restart_dpa", if stopped { Value::from(dpa(h.scan_media_restart_physaddr)) } else { Value::Null })
        .with(
            "restart_length_bytes",
            if stopped { media_length_bytes(h.scan_media_restart_physaddr_length) } else { Value::Null },
        )
        .with("media_error_record_count", h.media_error_count)
        .with("records", decoded_list(records))
}

impl Decode for Listed<'_, cxlmi_cmd_memdev_get_scan_media_results_rsp, cxlmi_media_error_record> {
    fn decoded(&self) -> Object {
        scan_media_results(&self.head, &self.entries().collect::<Vec<_>>())
    }
}

impl Decode for cxlmi_cmd_get_scan_media_results_rsp {
    /// The fixed part of Get Scan Media Results under its older name, without records.
    fn decoded(&self) -> Object {
        let h = *self;
        let head = cxlmi_cmd_memdev_get_scan_media_results_rsp {
            scan_media_restart_physaddr: h.scan_media_restart_physaddr,
            scan_media_restart_physaddr_length: h.scan_media_restart_physaddr_length,
            scan_media_flags: h.scan_media_flags,
            rsvd1: h.rsvd1,
            media_error_count: h.media_error_count,
            rsvd2: h.rsvd2,
            record: [],
        };
        scan_media_results(&head, &[])
    }
}

/// Media Operation Classes (CXL r3.1 Table 8-149).
pub const MEDIA_OPERATION_CLASSES: [(u64, &str); 2] = [(0x00, "general"), (0x01, "sanitize")];

/// The subclasses of each Media Operation Class (CXL r3.1 Table 8-149).
const MEDIA_OPERATION_SUBCLASSES: [(u8, &[(u64, &str)]); 2] =
    [(0x00, &[(0x00, "discovery")]), (0x01, &[(0x00, "sanitize"), (0x01, "zero")])];

/// A media operation (class and subclass) by its names in Table 8-149.
pub fn media_operation(class: u8, subclass: u8) -> Object {
    let subclasses = MEDIA_OPERATION_SUBCLASSES.iter().find(|(c, _)| *c == class).map_or(&[][..], |(_, s)| *s);
    Object::new()
        .with("class", enumeration(class.into(), &MEDIA_OPERATION_CLASSES))
        .with("subclass", enumeration(subclass.into(), subclasses))
}

impl Decode for cxlmi_cmd_memdev_media_ops_supported_list_entry {
    /// One Supported Operations List entry (CXL r3.1 Table 8-152).
    fn decoded(&self) -> Object {
        media_operation(self.media_op_class, self.media_op_subclass)
    }
}

/// Media Operations output of the discovery operation (CXL r3.1 Table 8-151): the fixed part
/// and the supported operations after it.
pub fn media_operations_discovery(
    head: &cxlmi_cmd_memdev_media_operations_discovery_rsp,
    operations: &[cxlmi_cmd_memdev_media_ops_supported_list_entry],
) -> Object {
    let h = *head;
    Object::new()
        .with("dpa_range_granularity_bytes", h.dpa_range_granularity)
        .with("total_supported_operations", h.total_supported_ops)
        .with("num_supported_operations", h.num_supported_ops)
        .with("operations", decoded_list(operations))
}

impl Decode
    for Listed<'_, cxlmi_cmd_memdev_media_operations_discovery_rsp, cxlmi_cmd_memdev_media_ops_supported_list_entry>
{
    fn decoded(&self) -> Object {
        media_operations_discovery(&self.head, &self.entries().collect::<Vec<_>>())
    }
}

/// Security State bits of Get Security State (CXL r3.1 Table 8-153).
pub const SECURITY_STATE: [(u32, &str); 6] = [
    (0, "user_passphrase_set"),
    (1, "master_passphrase_set"),
    (2, "locked"),
    (3, "frozen"),
    (4, "user_passphrase_attempt_count_reached"),
    (5, "master_passphrase_attempt_count_reached"),
];

impl Decode for cxlmi_cmd_memdev_get_security_state_rsp {
    fn decoded(&self) -> Object {
        Object::new().with("security_state", flags(self.security_state.into(), &SECURITY_STATE))
    }
}

/// QoS Telemetry Control bits of the SLD QoS control (CXL r3.1 Table 8-161).
pub const QOS_TELEMETRY_CONTROL: [(u32, &str); 2] =
    [(0, "egress_port_congestion_enable"), (1, "temporary_throughput_reduction_enable")];

impl Decode for cxlmi_cmd_memdev_get_sld_qos_control_rsp {
    /// Get SLD QoS Control (CXL r3.1 Table 8-161); a sample interval of 0 ns disables sampling.
    fn decoded(&self) -> Object {
        let q = *self;
        Object::new()
            .with("qos_telemetry_control", flags(q.qos_telemetry_control.into(), &QOS_TELEMETRY_CONTROL))
            .with("egress_moderate_percent", q.egress_moderate_percentage)
            .with("egress_severe_percent", q.egress_severe_percentage)
            .with("backpressure_sample_interval_ns", q.backpressure_sample_interval)
    }
}

impl Decode for cxlmi_cmd_memdev_get_sld_qos_status_rsp {
    /// Get SLD QoS Status (CXL r3.1 Table 8-162).
    fn decoded(&self) -> Object {
        Object::new().with("backpressure_average_percent", self.backpressure_avg_percentage)
    }
}

/// Flags of a DC Region Configuration (CXL r3.1 Table 8-165).
pub const DC_REGION_FLAGS: [(u32, &str); 1] = [(0, "sanitize_on_release")];

impl Decode for cxlmi_dc_region_config {
    /// One DC Region Configuration (CXL r3.1 Table 8-165) as [`GetDcConfig`] hands it out:
    /// its decode length already in bytes (the wire's 256 MB units multiplied out).
    ///
    /// [`GetDcConfig`]: crate::commands::memdev::GetDcConfig
    fn decoded(&self) -> Object {
        let r = *self;
        Object::new()
            .with("base_dpa", r.base)
            .with("decode_length_bytes", r.decode_len)
            .with("length_bytes", r.region_len)
            .with("block_size_bytes", r.block_size)
            .with("dsmad_handle", r.dsmadhandle)
            .with("flags", flags(r.flags.into(), &DC_REGION_FLAGS))
    }
}

impl Decode for cxlmi_cmd_memdev_get_dc_config_rsp {
    /// Get Dynamic Capacity Configuration (CXL r3.1 Table 8-164) as [`GetDcConfig`] hands it
    /// out: the regions returned, then the extent and tag counts.
    ///
    /// [`GetDcConfig`]: crate::commands::memdev::GetDcConfig
    fn decoded(&self) -> Object {
        let c = *self;
        let regions = c.region_configs;
        let returned = usize::from(c.regions_returned).min(MAX_DC_REGIONS);
        Object::new()
            .with("num_available_regions", c.num_regions)
            .with("regions_returned", c.regions_returned)
            .with("regions", decoded_list(&regions[..returned]))
            .with("total_supported_extents", c.num_extents_supported)
            .with("available_extents", c.num_extents_available)
            .with("total_supported_tags", c.num_tags_supported)
            .with("available_tags", c.num_tags_available)
    }
}

/// One Dynamic Capacity Extent (CXL r3.1 Table 8-51), as the memory device's and the FM-API's
/// extent lists both carry it: the tag in UUID form, as event records show it.
pub fn dc_extent(start_dpa: u64, len: u64, tag: &[u8; 16], shared_seq: u16) -> Object {
    Object::new()
        .with("start_dpa", start_dpa)
        .with("length_bytes", len)
        .with("tag", uuid(tag))
        .with("shared_extent_sequence", shared_seq)
}

impl Decode for cxlmi_memdev_get_list_extent {
    fn decoded(&self) -> Object {
        let e = *self;
        dc_extent(e.start_dpa, e.len, &e.tag, e.shared_seq)
    }
}

/// Get Dynamic Capacity Extent List (CXL r3.1 Table 8-167): the fixed part and the extents
/// after it.
pub fn dc_extent_list(
    head: &cxlmi_cmd_memdev_get_dc_extent_list_rsp,
    extents: &[cxlmi_memdev_get_list_extent],
) -> Object {
    let h = *head;
    Object::new()
        .with("returned_extent_count", h.num_extents_returned)
        .with("total_extent_count", h.total_num_extents)
        .with("generation_number", h.generation_num)
        .with("extents", decoded_list(extents))
}

impl Decode for Listed<'_, cxlmi_cmd_memdev_get_dc_extent_list_rsp, cxlmi_memdev_get_list_extent> {
    fn decoded(&self) -> Object {
        dc_extent_list(&self.head, &self.entries().collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cci::Response;
    use crate::commands::Command;
    use crate::commands::memdev::GetDcConfig;
    use crate::decode::Enum;
    use crate::types::cxlmi_cmd_memdev_get_dc_config_req;
    use crate::wire::Wire;

    const GIB: u64 = 1 << 30;

    fn get<'a>(o: &'a Object, name: &str) -> &'a Value {
        o.get(name).unwrap_or_else(|| panic!("no {name} in {o:?}"))
    }

    fn object(v: &Value) -> &Object {
        let Value::Object(o) = v else { panic!("not an object: {v:?}") };
        o
    }

    fn list(v: &Value) -> Vec<&Object> {
        let Value::List(l) = v else { panic!("not a list: {v:?}") };
        l.iter().map(object).collect()
    }

    fn named(raw: u64, name: &'static str) -> Value {
        Value::Enum(Enum { raw, name: Some(name) })
    }

    fn unnamed(raw: u64) -> Value {
        Value::Enum(Enum { raw, name: None })
    }

    fn set_flags(v: &Value) -> Vec<&'static str> {
        let Value::Flags(f) = v else { panic!("not flags: {v:?}") };
        f.set().collect()
    }

    /// Identify Memory Device output (Table 8-127), little-endian, every offset written out.
    fn identify_bytes() -> Vec<u8> {
        let mut b = vec![0u8; 0x45];
        b[0x00..0x06].copy_from_slice(b"FW 1.2"); // FW revision, NUL padded
        b[0x10..0x18].copy_from_slice(&16u64.to_le_bytes()); // total: 16 x 256 MB = 4 GiB
        b[0x18..0x20].copy_from_slice(&4u64.to_le_bytes()); // volatile only: 1 GiB
        b[0x20..0x28].copy_from_slice(&8u64.to_le_bytes()); // persistent only: 2 GiB
        b[0x28..0x30].copy_from_slice(&1u64.to_le_bytes()); // partition alignment 256 MB
        b[0x30..0x32].copy_from_slice(&0x0100u16.to_le_bytes()); // informational log
        b[0x32..0x34].copy_from_slice(&0x0080u16.to_le_bytes()); // warning log
        b[0x34..0x36].copy_from_slice(&0x0040u16.to_le_bytes()); // failure log
        b[0x36..0x38].copy_from_slice(&0x0020u16.to_le_bytes()); // fatal log
        b[0x38..0x3c].copy_from_slice(&0x0002_0000u32.to_le_bytes()); // LSA 128 KiB
        b[0x3c..0x3f].copy_from_slice(&[0x00, 0x01, 0x02]); // max media error records 020100h
        b[0x3f..0x41].copy_from_slice(&0x0010u16.to_le_bytes()); // inject poison limit 16
        b[0x41] = 0b0000_0110; // scans for poison, a reserved bit
        b[0x42] = 0b0000_0001; // egress port congestion
        b[0x43..0x45].copy_from_slice(&0x0008u16.to_le_bytes()); // dynamic capacity log
        b
    }

    #[test]
    fn identify_memory_device_from_its_bytes() {
        let d = cxlmi_cmd_memdev_identify_rsp::decode(&identify_bytes()).decoded();
        assert_eq!(get(&d, "fw_revision"), &Value::from("FW 1.2"));
        assert_eq!(get(&d, "total_bytes"), &Value::Unsigned(4 * GIB));
        assert_eq!(get(&d, "volatile_only_bytes"), &Value::Unsigned(GIB));
        assert_eq!(get(&d, "persistent_only_bytes"), &Value::Unsigned(2 * GIB));
        assert_eq!(get(&d, "partition_alignment_bytes"), &Value::Unsigned(256 << 20));
        assert_eq!(get(&d, "informational_event_log_records"), &Value::Unsigned(0x100));
        assert_eq!(get(&d, "warning_event_log_records"), &Value::Unsigned(0x80));
        assert_eq!(get(&d, "failure_event_log_records"), &Value::Unsigned(0x40));
        assert_eq!(get(&d, "fatal_event_log_records"), &Value::Unsigned(0x20));
        assert_eq!(get(&d, "lsa_size_bytes"), &Value::Unsigned(128 << 10));
        assert_eq!(get(&d, "poison_list_max_media_error_records"), &Value::Unsigned(0x02_0100));
        assert_eq!(get(&d, "inject_poison_limit"), &Value::Unsigned(16));
        let Value::Flags(poison) = get(&d, "poison_handling_capabilities") else { panic!() };
        assert_eq!(poison.raw, 0b110);
        assert_eq!(poison.flags, [("injects_persistent_poison", false), ("scans_for_poison", true)]);
        assert_eq!(set_flags(get(&d, "qos_telemetry_capabilities")), ["egress_port_congestion_supported"]);
        #[cfg(not(feature = "cxl2_0"))]
        assert_eq!(get(&d, "dynamic_capacity_event_log_records"), &Value::Unsigned(8));
        #[cfg(feature = "cxl2_0")]
        assert_eq!(get(&d, "dynamic_capacity_event_log_records"), &Value::Null);
    }

    #[test]
    fn identify_memory_device_sentinels() {
        let mut b = identify_bytes();
        b[0x00..0x10].copy_from_slice(&[0; 16]); // no revision
        b[0x10..0x18].copy_from_slice(&u64::MAX.to_le_bytes()); // no byte count fits
        b[0x28..0x30].copy_from_slice(&0u64.to_le_bytes()); // not partitionable
        b[0x3f..0x41].copy_from_slice(&0u16.to_le_bytes()); // no injection limit
        let d = cxlmi_cmd_memdev_identify_rsp::decode(&b).decoded();
        assert_eq!(get(&d, "fw_revision"), &Value::Null);
        assert_eq!(get(&d, "total_bytes"), &Value::Null);
        assert_eq!(get(&d, "partition_alignment_bytes"), &Value::Null);
        assert_eq!(get(&d, "inject_poison_limit"), &Value::Null);
    }

    /// Get Partition Info (Table 8-128): active volatile, active persistent, next volatile, next
    /// persistent, 8 bytes each in 256 MB units.
    #[test]
    fn partition_info_from_its_bytes() {
        let mut b = Vec::new();
        for units in [4u64, 12, 8, 8] {
            b.extend_from_slice(&units.to_le_bytes());
        }
        let d = cxlmi_cmd_memdev_get_partition_info_rsp::decode(&b).decoded();
        assert_eq!(get(&d, "active_volatile_bytes"), &Value::Unsigned(GIB));
        assert_eq!(get(&d, "active_persistent_bytes"), &Value::Unsigned(3 * GIB));
        assert_eq!(get(&d, "next_volatile_bytes"), &Value::Unsigned(2 * GIB));
        assert_eq!(get(&d, "next_persistent_bytes"), &Value::Unsigned(2 * GIB));

        // All persistent next time: a next volatile capacity of 0 is a value, not "no change".
        b[16..24].copy_from_slice(&0u64.to_le_bytes());
        b[24..32].copy_from_slice(&16u64.to_le_bytes());
        let d = cxlmi_cmd_memdev_get_partition_info_rsp::decode(&b).decoded();
        assert_eq!(get(&d, "next_volatile_bytes"), &Value::Unsigned(0));
        assert_eq!(get(&d, "next_persistent_bytes"), &Value::Unsigned(4 * GIB));

        // Both 0: nothing pending.
        b[24..32].copy_from_slice(&0u64.to_le_bytes());
        let d = cxlmi_cmd_memdev_get_partition_info_rsp::decode(&b).decoded();
        assert_eq!(get(&d, "next_volatile_bytes"), &Value::Null);
        assert_eq!(get(&d, "next_persistent_bytes"), &Value::Null);
    }

    #[test]
    fn shutdown_state_from_its_byte() {
        // Table 8-136: bit 0 dirty, bits 7:1 reserved.
        let d = cxlmi_cmd_memdev_get_shutdown_state_rsp::decode(&[0x81]).decoded();
        let Value::Flags(f) = get(&d, "state") else { panic!() };
        assert_eq!((f.raw, f.flags.clone()), (0x81, vec![("dirty", true)]));
        let d = cxlmi_cmd_memdev_get_shutdown_state_rsp::decode(&[0x00]).decoded();
        assert!(set_flags(get(&d, "state")).is_empty());
    }

    /// A Media Error Record (Table 8-140): address with the source in bits 2:0, length in
    /// 64-byte units, 4 reserved bytes.
    fn record(address: u64, length: u32) -> [u8; 16] {
        let mut r = [0u8; 16];
        r[0..8].copy_from_slice(&address.to_le_bytes());
        r[8..12].copy_from_slice(&length.to_le_bytes());
        r
    }

    /// Get Poison List (Table 8-139): flags, reserved, overflow timestamp at 02h, record count at
    /// 0Ah, 20 reserved bytes, records from 20h.
    #[test]
    fn poison_list_from_its_bytes() {
        let mut b = vec![0u8; 0x20];
        b[0x00] = 0b0000_0111; // more records, overflow, scan in progress
        b[0x02..0x0a].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
        b[0x0a..0x0c].copy_from_slice(&6u16.to_le_bytes());
        let records = [
            (0x0000_0001_0000_0040, 1), // unknown
            (0x0000_0001_0000_0081, 2), // external
            (0x0000_0001_0000_00c2, 3), // internal
            (0x0000_0001_0000_0103, 4), // injected
            (0x0000_0001_0000_0147, 5), // vendor specific
            (0x0000_0001_0000_018c, 6), // reserved source 4, a reserved bit 3 set
        ];
        for (address, length) in records {
            b.extend_from_slice(&record(address, length));
        }
        let head = cxlmi_cmd_memdev_get_poison_list_rsp::decode(&b);
        let recs: Vec<_> = (0..6).map(|i| cxlmi_memdev_media_err_record::decode_nth(&b[0x20..], i).unwrap()).collect();
        let d = poison_list(&head, &recs);
        assert_eq!(set_flags(get(&d, "flags")), ["more_media_error_records", "overflow", "scan_media_in_progress"]);
        assert_eq!(get(&d, "overflow_timestamp_ns"), &Value::Unsigned(0x1122_3344_5566_7788));
        assert_eq!(get(&d, "media_error_record_count"), &Value::Unsigned(6));
        let r = list(get(&d, "records"));
        let sources: Vec<_> = r.iter().map(|o| get(o, "source").clone()).collect();
        assert_eq!(
            sources,
            [
                named(0, "unknown"),
                named(1, "external"),
                named(2, "internal"),
                named(3, "injected"),
                named(7, "vendor_specific"),
                unnamed(4),
            ]
        );
        assert_eq!(get(r[0], "dpa"), &Value::Unsigned(0x1_0000_0040));
        assert_eq!(get(r[4], "dpa"), &Value::Unsigned(0x1_0000_0140));
        assert_eq!(get(r[5], "dpa"), &Value::Unsigned(0x1_0000_0180));
        assert_eq!(get(r[0], "length_bytes"), &Value::Unsigned(64));
        assert_eq!(get(r[5], "length_bytes"), &Value::Unsigned(6 * 64));

        let listed: Listed<'_, _, cxlmi_memdev_media_err_record> = Listed::new(head, &b[0x20..], 6, 256);
        assert_eq!(listed.decoded(), d);
    }

    #[test]
    fn poison_list_overflow_timestamp_only_when_valid() {
        let mut b = vec![0u8; 0x20];
        b[0x02..0x0a].copy_from_slice(&0x1234u64.to_le_bytes()); // not overflowed: ignored
        b[0x00] = 0b1000; // restart ack
        let d = poison_list(&cxlmi_cmd_memdev_get_poison_list_rsp::decode(&b), &[]);
        assert_eq!(get(&d, "overflow_timestamp_ns"), &Value::Null);
        assert_eq!(set_flags(get(&d, "flags")), ["restart_ack"]);
        assert_eq!(get(&d, "records"), &Value::List(vec![]));
        b[0x00] = 0b0010; // overflowed, but no valid time
        b[0x02..0x0a].copy_from_slice(&0u64.to_le_bytes());
        let d = poison_list(&cxlmi_cmd_memdev_get_poison_list_rsp::decode(&b), &[]);
        assert_eq!(get(&d, "overflow_timestamp_ns"), &Value::Null);
    }

    #[test]
    fn scan_media_capabilities_from_their_bytes() {
        // Table 8-144: estimated time in milliseconds, 0 when it cannot be estimated.
        let d = cxlmi_cmd_memdev_get_scan_media_capabilities_rsp::decode(&[0xe8, 0x03, 0, 0]).decoded();
        assert_eq!(get(&d, "estimated_scan_media_time_ms"), &Value::Unsigned(1000));
        let d = cxlmi_cmd_get_scan_media_capabilities_rsp::decode(&[0; 4]).decoded();
        assert_eq!(get(&d, "estimated_scan_media_time_ms"), &Value::Null);
    }

    /// Get Scan Media Results (Table 8-146): restart address at 00h, restart length at 08h,
    /// flags at 10h, count at 12h, records from 20h.
    #[test]
    fn scan_media_results_from_their_bytes() {
        let mut b = vec![0u8; 0x20];
        b[0x00..0x08].copy_from_slice(&0x2000_0005u64.to_le_bytes()); // reserved low bits set
        b[0x08..0x10].copy_from_slice(&0x100u64.to_le_bytes()); // 100h x 64 bytes
        b[0x10] = 0b0000_0011; // more records, stopped prematurely
        b[0x12..0x14].copy_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&record(0x4000_0002, 8));
        let head = cxlmi_cmd_memdev_get_scan_media_results_rsp::decode(&b);
        let rec = cxlmi_media_error_record::decode(&b[0x20..]);
        let d = scan_media_results(&head, &[rec]);
        assert_eq!(set_flags(get(&d, "flags")), ["more_media_error_records", "scan_stopped_prematurely"]);
        assert_eq!(get(&d, "restart_dpa"), &Value::Unsigned(0x2000_0000));
        assert_eq!(get(&d, "restart_length_bytes"), &Value::Unsigned(0x100 * 64));
        assert_eq!(get(&d, "media_error_record_count"), &Value::Unsigned(1));
        let r = list(get(&d, "records"));
        assert_eq!(get(r[0], "dpa"), &Value::Unsigned(0x4000_0000));
        assert_eq!(get(r[0], "source"), &named(2, "internal"));
        assert_eq!(get(r[0], "length_bytes"), &Value::Unsigned(512));

        let listed: Listed<'_, _, cxlmi_media_error_record> = Listed::new(head, &b[0x20..], 1, 256);
        assert_eq!(listed.decoded(), d);

        // A scan that finished: no restart context; the older name decodes the fixed part alike.
        b[0x10] = 0;
        let d = cxlmi_cmd_get_scan_media_results_rsp::decode(&b).decoded();
        assert_eq!(get(&d, "restart_dpa"), &Value::Null);
        assert_eq!(get(&d, "restart_length_bytes"), &Value::Null);
        assert_eq!(get(&d, "records"), &Value::List(vec![]));
    }

    /// Media Operations discovery output (Table 8-151) and its entries (Table 8-152).
    #[test]
    fn media_operations_discovery_from_its_bytes() {
        let mut b = Vec::new();
        b.extend_from_slice(&0x40u64.to_le_bytes()); // granularity 64 bytes
        b.extend_from_slice(&3u16.to_le_bytes()); // total
        b.extend_from_slice(&4u16.to_le_bytes()); // returned
        b.extend_from_slice(&[0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x05, 0x00]); // sanitize, zero, reserved
        let head = cxlmi_cmd_memdev_media_operations_discovery_rsp::decode(&b);
        let ops: Vec<_> =
            (0..4).map(|i| cxlmi_cmd_memdev_media_ops_supported_list_entry::decode_nth(&b[12..], i).unwrap()).collect();
        let d = media_operations_discovery(&head, &ops);
        assert_eq!(get(&d, "dpa_range_granularity_bytes"), &Value::Unsigned(64));
        assert_eq!(get(&d, "total_supported_operations"), &Value::Unsigned(3));
        assert_eq!(get(&d, "num_supported_operations"), &Value::Unsigned(4));
        let o = list(get(&d, "operations"));
        assert_eq!((get(o[0], "class"), get(o[0], "subclass")), (&named(1, "sanitize"), &named(0, "sanitize")));
        assert_eq!(get(o[1], "subclass"), &named(1, "zero"));
        assert_eq!(get(o[2], "subclass"), &unnamed(2));
        assert_eq!((get(o[3], "class"), get(o[3], "subclass")), (&unnamed(5), &unnamed(0)));
        assert_eq!(get(&media_operation(0, 0), "subclass"), &named(0, "discovery"));

        let listed: Listed<'_, _, cxlmi_cmd_memdev_media_ops_supported_list_entry> = Listed::new(head, &b[12..], 4, 4);
        assert_eq!(listed.decoded(), d);
    }

    #[test]
    fn security_state_from_its_bytes() {
        // Table 8-153: user passphrase set, locked, user attempts exhausted; a reserved bit.
        let d = cxlmi_cmd_memdev_get_security_state_rsp::decode(&[0b0001_0101, 0, 0, 0x01]).decoded();
        let Value::Flags(f) = get(&d, "security_state") else { panic!() };
        assert_eq!(f.raw, 0x0100_0015);
        assert_eq!(
            f.flags,
            [
                ("user_passphrase_set", true),
                ("master_passphrase_set", false),
                ("locked", true),
                ("frozen", false),
                ("user_passphrase_attempt_count_reached", true),
                ("master_passphrase_attempt_count_reached", false),
            ]
        );
        let d = cxlmi_cmd_memdev_get_security_state_rsp::decode(&[0b0010_1010, 0, 0, 0]).decoded();
        assert_eq!(
            set_flags(get(&d, "security_state")),
            ["master_passphrase_set", "frozen", "master_passphrase_attempt_count_reached"]
        );
    }

    #[test]
    fn sld_qos_from_their_bytes() {
        // Table 8-161: control, moderate %, severe %, sample interval; Table 8-162: average %.
        let d = cxlmi_cmd_memdev_get_sld_qos_control_rsp::decode(&[0b10, 10, 25, 8]).decoded();
        assert_eq!(set_flags(get(&d, "qos_telemetry_control")), ["temporary_throughput_reduction_enable"]);
        assert_eq!(get(&d, "egress_moderate_percent"), &Value::Unsigned(10));
        assert_eq!(get(&d, "egress_severe_percent"), &Value::Unsigned(25));
        assert_eq!(get(&d, "backpressure_sample_interval_ns"), &Value::Unsigned(8));
        let d = cxlmi_cmd_memdev_get_sld_qos_status_rsp::decode(&[37]).decoded();
        assert_eq!(get(&d, "backpressure_average_percent"), &Value::Unsigned(37));
    }

    /// A DC Region Configuration as the wire has it (Table 8-165): base, decode length in
    /// 256 MB units, length, block size, DSMAD handle, flags, 3 reserved bytes.
    fn region(base: u64, decode_units: u64, len: u64, block: u64, handle: u32, flags: u8) -> Vec<u8> {
        let mut r = Vec::new();
        for v in [base, decode_units, len, block] {
            r.extend_from_slice(&v.to_le_bytes());
        }
        r.extend_from_slice(&handle.to_le_bytes());
        r.extend_from_slice(&[flags, 0, 0, 0]);
        r
    }

    /// Get Dynamic Capacity Configuration (Table 8-164): available regions, regions returned,
    /// 6 reserved bytes, the regions returned, then four counts right after them. Decoded the
    /// way the command decodes it (the counts follow the last region returned on the wire).
    #[test]
    fn dc_config_from_its_bytes() {
        let mut b = vec![3, 2, 0, 0, 0, 0, 0, 0];
        b.extend_from_slice(&region(0x1_0000_0000, 4, GIB, 2 << 20, 0x0a0b_0c0d, 0x01));
        b.extend_from_slice(&region(0x2_0000_0000, 8, 0, 0x40, 7, 0xfe)); // reserved flag bits
        for n in [64u32, 60, 16, 15] {
            b.extend_from_slice(&n.to_le_bytes());
        }
        let len = b.len();
        b.resize(cxlmi_cmd_memdev_get_dc_config_rsp::SIZE, 0);
        let req = cxlmi_cmd_memdev_get_dc_config_req { region_cnt: 8, start_region_id: 0 };
        let c = GetDcConfig::decode(&req, Response { bytes: &b, len }).unwrap();
        let d = c.decoded();
        assert_eq!(get(&d, "num_available_regions"), &Value::Unsigned(3));
        assert_eq!(get(&d, "regions_returned"), &Value::Unsigned(2));
        let r = list(get(&d, "regions"));
        assert_eq!(r.len(), 2);
        assert_eq!(get(r[0], "base_dpa"), &Value::Unsigned(0x1_0000_0000));
        assert_eq!(get(r[0], "decode_length_bytes"), &Value::Unsigned(GIB));
        assert_eq!(get(r[0], "length_bytes"), &Value::Unsigned(GIB));
        assert_eq!(get(r[0], "block_size_bytes"), &Value::Unsigned(2 << 20));
        assert_eq!(get(r[0], "dsmad_handle"), &Value::Unsigned(0x0a0b_0c0d));
        assert_eq!(set_flags(get(r[0], "flags")), ["sanitize_on_release"]);
        assert_eq!(get(r[1], "decode_length_bytes"), &Value::Unsigned(2 * GIB));
        let Value::Flags(f) = get(r[1], "flags") else { panic!() };
        assert_eq!((f.raw, f.set().count()), (0xfe, 0));
        assert_eq!(get(&d, "total_supported_extents"), &Value::Unsigned(64));
        assert_eq!(get(&d, "available_extents"), &Value::Unsigned(60));
        assert_eq!(get(&d, "total_supported_tags"), &Value::Unsigned(16));
        assert_eq!(get(&d, "available_tags"), &Value::Unsigned(15));

        // A count past the array never reads past it.
        let mut many = c;
        many.regions_returned = 200;
        assert_eq!(list(get(&many.decoded(), "regions")).len(), MAX_DC_REGIONS);
    }

    /// Get Dynamic Capacity Extent List (Table 8-167): returned, total, generation, reserved,
    /// then extents (Table 8-51: start DPA, length, 16-byte tag, shared sequence, 6 reserved).
    #[test]
    fn dc_extent_list_from_its_bytes() {
        let mut b = Vec::new();
        for n in [2u32, 5, 0x0102_0304, 0] {
            b.extend_from_slice(&n.to_le_bytes());
        }
        for (start, len, tag, seq) in
            [(0x1_0000_0000u64, 2u64 << 20, [0xa5u8; 16], 0u16), (0x1_0020_0000, GIB, [0; 16], 3)]
        {
            b.extend_from_slice(&start.to_le_bytes());
            b.extend_from_slice(&len.to_le_bytes());
            b.extend_from_slice(&tag);
            b.extend_from_slice(&seq.to_le_bytes());
            b.extend_from_slice(&[0; 6]);
        }
        let head = cxlmi_cmd_memdev_get_dc_extent_list_rsp::decode(&b);
        let extents: Vec<_> = (0..2).map(|i| cxlmi_memdev_get_list_extent::decode_nth(&b[16..], i).unwrap()).collect();
        let d = dc_extent_list(&head, &extents);
        assert_eq!(get(&d, "returned_extent_count"), &Value::Unsigned(2));
        assert_eq!(get(&d, "total_extent_count"), &Value::Unsigned(5));
        assert_eq!(get(&d, "generation_number"), &Value::Unsigned(0x0102_0304));
        let e = list(get(&d, "extents"));
        assert_eq!(get(e[0], "start_dpa"), &Value::Unsigned(0x1_0000_0000));
        assert_eq!(get(e[0], "length_bytes"), &Value::Unsigned(2 << 20));
        assert_eq!(get(e[0], "tag"), &Value::from("a5a5a5a5-a5a5-a5a5-a5a5-a5a5a5a5a5a5"));
        assert_eq!(get(e[0], "shared_extent_sequence"), &Value::Unsigned(0));
        assert_eq!(get(e[1], "length_bytes"), &Value::Unsigned(GIB));
        assert_eq!(get(e[1], "shared_extent_sequence"), &Value::Unsigned(3));

        let listed: Listed<'_, _, cxlmi_memdev_get_list_extent> = Listed::new(head, &b[16..], 2, 8);
        assert_eq!(listed.decoded(), d);
    }
}
