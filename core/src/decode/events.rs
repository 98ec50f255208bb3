//! Event records (CXL r3.1 section 8.2.9.2.1, and the FM API's records of section 7.6.8) and
//! the Get Event Records output (0100h, section 8.2.9.2.2), decoded for people.
//!
//! A record is its Common Event Record (Table 8-43) and a body decoded by the record's UUID.
//! Body field names are those of the kernel's `cxl_general_media`, `cxl_dram` and
//! `cxl_memory_module` trace events, rasdaemon's for the Memory Sparing Event Record (CXL
//! r3.2), those the kernel's proposed `cxl_dynamic_capacity` event prints for the Dynamic
//! Capacity Event Record, and the specification's, in snake case, for the switch and MLD port
//! records, which neither has. A field the record marks as not valid is `null`. A record of a
//! UUID this library does not know (a vendor's, Table 8-49) keeps its 80 data bytes as they
//! are.

use std::borrow::Borrow;

use super::fmapi::{
    BINDING_STATUS, CONNECTED_DEVICE_MODE, CONNECTED_DEVICE_TYPE, LINK_STATE_FLAGS, LTSSM_STATE, PORT_CONFIG_STATE,
    SUPPORTED_CXL_MODES, push_link,
};
use super::health::{HEALTH_STATUS, LIFE_USED_NOT_IMPLEMENTED, MEDIA_STATUS, additional_status, temperature};
use super::{Decode, Object, Value, bits, enumeration, flags, unless, uuid};
use crate::commands::Listed;
use crate::types::{cxlmi_cmd_get_event_records_rsp, cxlmi_event_record};

/// The Event Record Identifiers the specification defines (Table 8-43), the bytes in wire
/// order (as [`uuid`] prints them), with the name this library gives each record type.
pub const RECORD_TYPES: [([u8; 16], &str); 8] = [
    // fbcd0a77-c260-417f-85a9-088b1621eba6, Table 8-45
    ([0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f, 0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21, 0xeb, 0xa6], "general_media"),
    // 601dcbb3-9c06-4eab-b8af-4e9bfb5c9624, Table 8-46
    ([0x60, 0x1d, 0xcb, 0xb3, 0x9c, 0x06, 0x4e, 0xab, 0xb8, 0xaf, 0x4e, 0x9b, 0xfb, 0x5c, 0x96, 0x24], "dram"),
    // fe927475-dd59-4339-a586-79bab113b774, Table 8-47
    ([0xfe, 0x92, 0x74, 0x75, 0xdd, 0x59, 0x43, 0x39, 0xa5, 0x86, 0x79, 0xba, 0xb1, 0x13, 0xb7, 0x74], "memory_module"),
    // e71f3a40-2d29-4092-8a39-4d1c966c7c65, Table 8-48 (CXL r3.2 Table 8-60)
    (
        [0xe7, 0x1f, 0x3a, 0x40, 0x2d, 0x29, 0x40, 0x92, 0x8a, 0x39, 0x4d, 0x1c, 0x96, 0x6c, 0x7c, 0x65],
        "memory_sparing",
    ),
    // 77cf9271-9c02-470b-9fe4-bc7b75f2da97, Table 7-77
    (
        [0x77, 0xcf, 0x92, 0x71, 0x9c, 0x02, 0x47, 0x0b, 0x9f, 0xe4, 0xbc, 0x7b, 0x75, 0xf2, 0xda, 0x97],
        "physical_switch",
    ),
    // 40d26425-3396-4c4d-a5da-3d47263af425, Table 7-78
    (
        [0x40, 0xd2, 0x64, 0x25, 0x33, 0x96, 0x4c, 0x4d, 0xa5, 0xda, 0x3d, 0x47, 0x26, 0x3a, 0xf4, 0x25],
        "virtual_switch",
    ),
    // 8dc44363-0c96-4710-b7bf-04bb99534c3f, Table 7-79
    ([0x8d, 0xc4, 0x43, 0x63, 0x0c, 0x96, 0x47, 0x10, 0xb7, 0xbf, 0x04, 0xbb, 0x99, 0x53, 0x4c, 0x3f], "mld_port"),
    // ca95afa7-f183-4018-8c2f-95268e101a2a, Table 8-50
    (
        [0xca, 0x95, 0xaf, 0xa7, 0xf1, 0x83, 0x40, 0x18, 0x8c, 0x2f, 0x95, 0x26, 0x8e, 0x10, 0x1a, 0x2a],
        "dynamic_capacity",
    ),
];

/// The name of a record's type by its Event Record Identifier: one of [`RECORD_TYPES`], or
/// `"vendor"` for any other UUID (a Vendor Specific Event Record, Table 8-49).
pub fn record_type(id: &[u8; 16]) -> &'static str {
    RECORD_TYPES.iter().find(|(bytes, _)| bytes == id).map_or("vendor", |(_, name)| *name)
}

/// The decoder of each record type's Event Record Data, in the order of [`RECORD_TYPES`].
const BODIES: [fn(&Data<'_>) -> Object; RECORD_TYPES.len()] =
    [general_media, dram, memory_module, memory_sparing, physical_switch, virtual_switch, mld_port, dynamic_capacity];

/// Event Record Flags bits 23:2 (Table 8-43; bits 7 and 8 are CXL r3.2's).
pub const EVENT_RECORD_FLAGS: [(u32, &str); 7] = [
    (2, "permanent_condition"),
    (3, "maintenance_needed"),
    (4, "performance_degraded"),
    (5, "hardware_replacement_needed"),
    (6, "maint_op_subclass_valid"),
    (7, "ld_id_valid"),
    (8, "head_id_valid"),
];

/// Event Record Severity, Event Record Flags bits 1:0 (Table 8-43).
pub const SEVERITY: [(u64, &str); 4] = [(0, "informational"), (1, "warning"), (2, "failure"), (3, "fatal")];

/// Maintenance Operation Class (Table 8-110; CXL r3.2 Table 8-125), as event records and
/// Perform Maintenance (0600h) carry it.
pub const MAINT_OP_CLASS: [(u64, &str); 4] =
    [(0x00, "no_operation"), (0x01, "ppr"), (0x02, "memory_sparing"), (0x03, "device_built_in_test")];
const PPR_SUBCLASS: [(u64, &str); 2] = [(0x00, "soft_ppr"), (0x01, "hard_ppr")];
const SPARING_SUBCLASS: [(u64, &str); 4] =
    [(0x00, "cacheline_sparing"), (0x01, "row_sparing"), (0x02, "bank_sparing"), (0x03, "rank_sparing")];

/// A Maintenance Operation Subclass, named as its class defines it.
pub fn maint_op_subclass(class: u8, subclass: u8) -> Value {
    let names: &[(u64, &str)] = match class {
        0x01 => &PPR_SUBCLASS,
        0x02 => &SPARING_SUBCLASS,
        _ => &[],
    };
    enumeration(subclass.into(), names)
}

/// `value`, or `Null` when the record marks it not valid.
fn when(valid: bool, value: impl Into<Value>) -> Value {
    if valid { value.into() } else { Value::Null }
}

/// The Event Record Data, read at the offsets the specification's tables give, which count
/// from the start of the record (the data starts at 30h).
struct Data<'a>(&'a [u8; 0x50]);

impl Data<'_> {
    fn bytes(&self, offset: usize, len: usize) -> &[u8] {
        &self.0[offset - 0x30..][..len]
    }

    /// A little-endian field of `len` bytes (up to 8).
    fn le(&self, offset: usize, len: usize) -> u64 {
        self.bytes(offset, len).iter().rev().fold(0, |acc, &b| acc << 8 | u64::from(b))
    }

    fn array<const N: usize>(&self, offset: usize) -> [u8; N] {
        self.bytes(offset, N).try_into().expect("a slice of N bytes")
    }

    fn u8(&self, offset: usize) -> u8 {
        self.0[offset - 0x30]
    }
}

impl Decode for cxlmi_event_record {
    fn decoded(&self) -> Object {
        let r = *self;
        let id = r.uuid;
        let raw_flags = u64::from(r.flags[0]) | u64::from(r.flags[1]) << 8 | u64::from(r.flags[2]) << 16;
        let set = |bit: u32| raw_flags >> bit & 1 == 1;
        let data = r.data;
        let d = Data(&data);
        let known = RECORD_TYPES.iter().position(|(bytes, _)| *bytes == id);
        let kind = known.map_or("vendor", |i| RECORD_TYPES[i].1);
        let body = match known {
            Some(i) => BODIES[i](&d),
            None => Object::new().with("data", Value::Bytes(data.to_vec())),
        };
        Object::new()
            .with("record_type", kind)
            .with("uuid", uuid(&id))
            .with("length", r.length)
            .with("flags", flags(raw_flags, &EVENT_RECORD_FLAGS))
            .with("severity", enumeration(bits(raw_flags, 0, 1), &SEVERITY))
            .with("handle", r.handle)
            .with("related_handle", r.related_handle)
            .with("timestamp_ns", r.timestamp)
            .with("maint_op_class", enumeration(r.maint_op_class.into(), &MAINT_OP_CLASS))
            .with("maint_op_subclass", when(set(6), maint_op_subclass(r.maint_op_class, r.maint_op_subclass)))
            .with("ld_id", when(set(7), r.ld_id))
            .with("head_id", when(set(8), r.head_id))
            .with("body", body)
    }
}

/// Get Event Records output flags (Table 8-53).
pub const GET_EVENT_RECORDS_FLAGS: [(u32, &str); 2] = [(0, "overflow"), (1, "more_records")];

/// The Get Event Records output (Table 8-53): its header, and each record decoded. The
/// overflow count and timestamps are `null` unless the overflow flag is set.
pub fn event_records(
    rsp: &cxlmi_cmd_get_event_records_rsp,
    records: impl IntoIterator<Item = impl Borrow<cxlmi_event_record>>,
) -> Object {
    let h = *rsp;
    let overflow = h.flags & 1 == 1;
    Object::new()
        .with("flags", flags(h.flags.into(), &GET_EVENT_RECORDS_FLAGS))
        .with("overflow_error_count", when(overflow, h.overflow_err_count))
        .with("first_overflow_timestamp_ns", when(overflow, h.first_overflow_timestamp))
        .with("last_overflow_timestamp_ns", when(overflow, h.last_overflow_timestamp))
        .with("record_count", h.record_count)
        .with("records", records.into_iter().map(|r| Value::Object(r.borrow().decoded())).collect::<Vec<_>>())
}

impl Decode for Listed<'_, cxlmi_cmd_get_event_records_rsp, cxlmi_event_record> {
    fn decoded(&self) -> Object {
        event_records(&self.head, self.entries())
    }
}

// General Media and DRAM Event Records (Tables 8-45 and 8-46).

/// Physical Address bits 1:0; bits 5:2 are reserved and bits 63:6 are the DPA.
const DPA_FLAGS: [(u32, &str); 2] = [(0, "volatile"), (1, "not_repairable")];
const DPA_MASK: u64 = !0x3f;

/// Memory Event Descriptor.
const DESCRIPTOR: [(u32, &str); 3] = [(0, "uncorrectable_event"), (1, "threshold_event"), (2, "poison_list_overflow")];
const THRESHOLD_EVENT: u8 = 1 << 1;

const GENERAL_MEDIA_EVENT_TYPE: [(u64, &str); 7] = [
    (0x00, "media_ecc_error"),
    (0x01, "invalid_address"),
    (0x02, "data_path_error"),
    (0x03, "te_state_violation"),
    (0x04, "scrub_media_ecc_error"),
    (0x05, "ap_cme_counter_expiration"),
    (0x06, "ckid_violation"),
];

const DRAM_EVENT_TYPE: [(u64, &str); 7] = [
    (0x00, "media_ecc_error"),
    (0x01, "scrub_media_ecc_error"),
    (0x02, "invalid_address"),
    (0x03, "data_path_error"),
    (0x04, "te_state_violation"),
    (0x05, "ap_cme_counter_expiration"),
    (0x06, "ckid_violation"),
];

const TRANSACTION_TYPE: [(u64, &str); 9] = [
    (0x00, "unknown"),
    (0x01, "host_read"),
    (0x02, "host_write"),
    (0x03, "host_scan_media"),
    (0x04, "host_inject_poison"),
    (0x05, "internal_media_scrub"),
    (0x06, "internal_media_management"),
    (0x07, "internal_media_error_check_scrub"),
    (0x08, "media_initialization"),
];

/// Memory Event Sub-Type of a Data Path Error; other event types define only 00h.
const DATA_PATH_SUB_TYPE: [(u64, &str); 6] = [
    (0x00, "not_reported"),
    (0x01, "internal_datapath_error"),
    (0x02, "media_link_command_training_error"),
    (0x03, "media_link_control_training_error"),
    (0x04, "media_link_data_training_error"),
    (0x05, "media_link_crc_error"),
];
const NOT_REPORTED: [(u64, &str); 1] = [(0x00, "not_reported")];

/// Advanced Programmable Corrected Memory Error Threshold Event Flags.
const CME_THRESHOLD_EV_FLAGS: [(u32, &str); 2] = [(0, "cme_multiple_media"), (1, "threshold_exceeded")];

const GENERAL_MEDIA_VALID: [(u32, &str); 5] =
    [(0, "channel"), (1, "rank"), (2, "device"), (3, "component"), (4, "component_pldm_format")];

const DRAM_VALID: [(u32, &str); 11] = [
    (0, "channel"),
    (1, "rank"),
    (2, "nibble"),
    (3, "bank_group"),
    (4, "bank"),
    (5, "row"),
    (6, "column"),
    (7, "correction_mask"),
    (8, "component"),
    (9, "component_pldm_format"),
    (10, "sub_channel"),
];

/// Component Identifier ID Validity Flags (Table 8-44).
const PLDM_VALID: [(u32, &str); 2] = [(0, "pldm_entity_id"), (1, "pldm_resource_id")];

/// The Component Identifier at `offset`, present when `valid`, and read as Table 8-44 lays it
/// out when `pldm` says it is in that format: PLDM Entity Identification Information in its
/// bytes 1..7, the Resource ID in bytes 7..11.
fn component_id(o: &mut Object, d: &Data, offset: usize, valid: bool, pldm: bool) {
    let id = d.bytes(offset, 0x10);
    let pldm = valid && pldm;
    let pldm_flags = u64::from(id[0]);
    o.push("comp_id", when(valid, Value::Bytes(id.to_vec())));
    o.push("comp_id_pldm_valid_flags", when(pldm, flags(pldm_flags, &PLDM_VALID)));
    o.push("pldm_entity_id", when(pldm && pldm_flags & 1 == 1, Value::Bytes(id[1..7].to_vec())));
    o.push("pldm_resource_id", when(pldm && pldm_flags & 2 == 2, Value::Bytes(id[7..11].to_vec())));
}

/// The fields General Media and DRAM records share at 30h..3Fh, which differ only in their
/// event types and validity flags.
fn media_header(d: &Data, event_types: &[(u64, &'static str)], valid: &[(u32, &'static str)]) -> Object {
    let address = d.le(0x30, 8);
    Object::new()
        .with("dpa", address & DPA_MASK)
        .with("dpa_flags", flags(address & 0x3, &DPA_FLAGS))
        .with("descriptor", flags(d.u8(0x38).into(), &DESCRIPTOR))
        .with("type", enumeration(d.u8(0x39).into(), event_types))
        .with("transaction_type", enumeration(d.u8(0x3a).into(), &TRANSACTION_TYPE))
        .with("validity_flags", flags(d.le(0x3b, 2), valid))
}

fn sub_type(event_type: u8, data_path_error: u8, raw: u8) -> Value {
    let names: &[(u64, &str)] = if event_type == data_path_error { &DATA_PATH_SUB_TYPE } else { &NOT_REPORTED };
    enumeration(raw.into(), names)
}

/// General Media Event Record (Table 8-45).
fn general_media(d: &Data) -> Object {
    let valid = d.le(0x3b, 2);
    let set = |bit: u32| valid >> bit & 1 == 1;
    let threshold = d.u8(0x38) & THRESHOLD_EVENT != 0;
    let mut o = media_header(d, &GENERAL_MEDIA_EVENT_TYPE, &GENERAL_MEDIA_VALID)
        .with("channel", when(set(0), d.u8(0x3d)))
        .with("rank", when(set(1), d.u8(0x3e)))
        .with("device", when(set(2), d.le(0x3f, 3)));
    component_id(&mut o, d, 0x42, set(3), set(4));
    o.with("cme_threshold_ev_flags", when(threshold, flags(d.u8(0x52).into(), &CME_THRESHOLD_EV_FLAGS)))
        .with("cme_count", when(threshold, d.le(0x53, 3)))
        .with("sub_type", sub_type(d.u8(0x39), 0x02, d.u8(0x56)))
}

/// DRAM Event Record (Table 8-46).
fn dram(d: &Data) -> Object {
    let valid = d.le(0x3b, 2);
    let set = |bit: u32| valid >> bit & 1 == 1;
    let threshold = d.u8(0x38) & THRESHOLD_EVENT != 0;
    // Correction Masks 0..3, 8 bytes each from 49h.
    let masks: Vec<Value> = (0..4).map(|i| Value::Unsigned(d.le(0x49 + 8 * i, 8))).collect();
    let mut o = media_header(d, &DRAM_EVENT_TYPE, &DRAM_VALID)
        .with("channel", when(set(0), d.u8(0x3d)))
        .with("rank", when(set(1), d.u8(0x3e)))
        .with("nibble_mask", when(set(2), d.le(0x3f, 3)))
        .with("bank_group", when(set(3), d.u8(0x42)))
        .with("bank", when(set(4), d.u8(0x43)))
        .with("row", when(set(5), d.le(0x44, 3)))
        .with("column", when(set(6), d.le(0x47, 2)))
        .with("cor_mask", when(set(7), Value::List(masks)));
    component_id(&mut o, d, 0x69, set(8), set(9));
    o.with("sub_channel", when(set(10), d.u8(0x79)))
        .with("cme_threshold_ev_flags", when(threshold, flags(d.u8(0x7a).into(), &CME_THRESHOLD_EV_FLAGS)))
        .with("cvme_count", when(threshold, d.le(0x7b, 3)))
        .with("sub_type", sub_type(d.u8(0x39), 0x03, d.u8(0x7e)))
}

// Memory Module Event Record (Table 8-47).

const DEVICE_EVENT_TYPE: [(u64, &str); 9] = [
    (0x00, "health_status_change"),
    (0x01, "media_status_change"),
    (0x02, "life_used_change"),
    (0x03, "temperature_change"),
    (0x04, "data_path_error"),
    (0x05, "lsa_error"),
    (0x06, "unrecoverable_internal_sideband_bus_error"),
    (0x07, "memory_media_fru_error"),
    (0x08, "power_management_fault"),
];

/// Device Event Sub-Type of a Memory Media FRU Error; other event types define only 00h.
const MEDIA_FRU_SUB_TYPE: [(u64, &str); 4] = [
    (0x00, "not_reported"),
    (0x01, "invalid_config_data"),
    (0x02, "unsupported_config_data"),
    (0x03, "unsupported_memory_media_fru"),
];

const MEMORY_MODULE_VALID: [(u32, &str); 2] = [(0, "component"), (1, "component_pldm_format")];

fn memory_module(d: &Data) -> Object {
    let valid = d.le(0x43, 2);
    let set = |bit: u32| valid >> bit & 1 == 1;
    let event_type = d.u8(0x30);
    // Device Health Information (Table 8-133) from 31h.
    let mut o = Object::new()
        .with("event_type", enumeration(event_type.into(), &DEVICE_EVENT_TYPE))
        .with("health_status", flags(d.u8(0x31).into(), &HEALTH_STATUS))
        .with("media_status", enumeration(d.u8(0x32).into(), &MEDIA_STATUS))
        .with("add_status", additional_status(d.u8(0x33)))
        .with("life_used", unless(d.u8(0x34), LIFE_USED_NOT_IMPLEMENTED))
        .with("device_temp", temperature(d.le(0x35, 2) as u16))
        .with("dirty_shutdown_cnt", d.le(0x37, 4))
        .with("cor_vol_err_cnt", d.le(0x3b, 4))
        .with("cor_per_err_cnt", d.le(0x3f, 4))
        .with("validity_flags", flags(valid, &MEMORY_MODULE_VALID));
    component_id(&mut o, d, 0x45, set(0), set(1));
    let names: &[(u64, &str)] = if event_type == 0x07 { &MEDIA_FRU_SUB_TYPE } else { &NOT_REPORTED };
    o.with("event_sub_type", enumeration(d.u8(0x55).into(), names))
}

// Memory Sparing Event Record (Table 8-48; CXL r3.2 Table 8-60).

const SPARING_FLAGS: [(u32, &str); 3] = [(0, "query_resources"), (1, "hard_sparing"), (2, "device_initiated")];
const SPARING_RESULT: [(u64, &str); 3] = [(0x00, "success"), (0x01, "resources_exhausted"), (0xff, "general_failure")];
/// Spare Resource Available: how many more sparing resources remain.
const SPARE_RESOURCES: [(u64, &str); 4] = [(0x00, "none"), (0x01, "one"), (0x02, "two"), (0x03, "three_or_more")];

const SPARING_VALID: [(u32, &str); 10] = [
    (0, "channel"),
    (1, "rank"),
    (2, "nibble"),
    (3, "bank_group"),
    (4, "bank"),
    (5, "row"),
    (6, "column"),
    (7, "component"),
    (8, "component_pldm_format"),
    (9, "sub_channel"),
];

fn memory_sparing(d: &Data) -> Object {
    let valid = d.le(0x34, 2);
    let set = |bit: u32| valid >> bit & 1 == 1;
    let class = d.u8(0x30);
    let result = d.u8(0x33);
    let mut o = Object::new()
        .with("maint_op_class", enumeration(class.into(), &MAINT_OP_CLASS))
        .with("maint_op_subclass", maint_op_subclass(class, d.u8(0x31)))
        .with("flags", flags(d.u8(0x32).into(), &SPARING_FLAGS))
        .with("result", enumeration(result.into(), &SPARING_RESULT))
        .with("validity_flags", flags(valid, &SPARING_VALID))
        .with("res_avail", when(result == 0, enumeration(d.le(0x3c, 2), &SPARE_RESOURCES)))
        .with("channel", when(set(0), d.u8(0x3e)))
        .with("rank", when(set(1), d.u8(0x3f)))
        .with("nibble_mask", when(set(2), d.le(0x40, 3)))
        .with("bank_group", when(set(3), d.u8(0x43)))
        .with("bank", when(set(4), d.u8(0x44)))
        .with("row", when(set(5), d.le(0x45, 3)))
        .with("column", when(set(6), d.le(0x48, 2)));
    component_id(&mut o, d, 0x4a, set(7), set(8));
    o.with("sub_channel", when(set(9), d.u8(0x5a)))
}

// Physical Switch, Virtual CXL Switch and MLD Port Event Records (Tables 7-77 to 7-79).

const PHYSICAL_SWITCH_EVENT_TYPE: [(u64, &str); 2] =
    [(0x00, "link_state_change"), (0x01, "slot_status_register_updated")];

/// The PCIe Slot Status register.
const SLOT_STATUS: [(u32, &str); 9] = [
    (0, "attention_button_pressed"),
    (1, "power_fault_detected"),
    (2, "mrl_sensor_changed"),
    (3, "presence_detect_changed"),
    (4, "command_completed"),
    (5, "mrl_sensor_state"),
    (6, "presence_detect_state"),
    (7, "electromechanical_interlock_status"),
    (8, "data_link_layer_state_changed"),
];

fn physical_switch(d: &Data) -> Object {
    let field = |offset: usize, hi: u32| bits(d.u8(offset).into(), 0, hi);
    let mut o = Object::new()
        .with("physical_port_id", d.u8(0x30))
        .with("event_type", enumeration(d.u8(0x31).into(), &PHYSICAL_SWITCH_EVENT_TYPE))
        .with("slot_status_register", flags(d.le(0x32, 2), &SLOT_STATUS))
        .with("current_port_configuration_state", enumeration(field(0x35, 3), &PORT_CONFIG_STATE))
        .with("connected_device_mode", enumeration(field(0x36, 3), &CONNECTED_DEVICE_MODE))
        .with("connected_device_type", enumeration(d.u8(0x38).into(), &CONNECTED_DEVICE_TYPE))
        .with("supported_cxl_modes", flags(d.u8(0x39).into(), &SUPPORTED_CXL_MODES));
    // The link as Get Physical Port State reports it, with the same names.
    push_link(
        &mut o,
        field(0x3a, 5) as u8,
        field(0x3b, 5) as u8,
        field(0x3c, 5) as u8,
        field(0x3d, 5) as u8,
        field(0x3e, 5) as u8,
    );
    o.with("ltssm_state", enumeration(d.u8(0x3f).into(), &LTSSM_STATE))
        .with("first_negotiated_lane_number", d.u8(0x40))
        .with("link_state_flags", flags(d.le(0x41, 2), &LINK_STATE_FLAGS))
}

const VIRTUAL_SWITCH_EVENT_TYPE: [(u64, &str); 4] = [
    (0x00, "binding_change"),
    (0x01, "secondary_bus_reset"),
    (0x02, "link_control_register_updated"),
    (0x03, "slot_control_register_updated"),
];

/// The PCIe Link Control register.
const LINK_CONTROL: [(u32, &str); 11] = [
    (0, "aspm_l0s_enable"),
    (1, "aspm_l1_enable"),
    (3, "read_completion_boundary"),
    (4, "link_disable"),
    (5, "retrain_link"),
    (6, "common_clock_configuration"),
    (7, "extended_synch"),
    (8, "enable_clock_power_management"),
    (9, "hardware_autonomous_width_disable"),
    (10, "link_bandwidth_management_interrupt_enable"),
    (11, "link_autonomous_bandwidth_interrupt_enable"),
];

/// The one-bit fields of the PCIe Slot Control register (Power Controller Control set means
/// power off).
const SLOT_CONTROL: [(u32, &str); 11] = [
    (0, "attention_button_pressed_enable"),
    (1, "power_fault_detected_enable"),
    (2, "mrl_sensor_changed_enable"),
    (3, "presence_detect_changed_enable"),
    (4, "command_completed_interrupt_enable"),
    (5, "hot_plug_interrupt_enable"),
    (10, "power_controller_control"),
    (11, "electromechanical_interlock_control"),
    (12, "data_link_layer_state_changed_enable"),
    (13, "auto_slot_power_limit_disable"),
    (14, "in_band_pd_disable"),
];
/// Attention and Power Indicator Control (Slot Control bits 7:6 and 9:8).
const INDICATOR: [(u64, &str); 3] = [(1, "on"), (2, "blink"), (3, "off")];

/// The Slot Control register: its one-bit fields and its two indicator controls.
fn slot_control(raw: u64) -> Value {
    let mut o = Object::new().with("raw", raw);
    for (bit, name) in SLOT_CONTROL {
        o.push(name, raw >> bit & 1 == 1);
    }
    o.with("attention_indicator_control", enumeration(bits(raw, 6, 7), &INDICATOR))
        .with("power_indicator_control", enumeration(bits(raw, 8, 9), &INDICATOR))
        .into()
}

fn virtual_switch(d: &Data) -> Object {
    Object::new()
        .with("vcs_id", d.u8(0x30))
        .with("vppb_id", d.u8(0x31))
        .with("event_type", enumeration(d.u8(0x32).into(), &VIRTUAL_SWITCH_EVENT_TYPE))
        .with("vppb_binding_status", enumeration(d.u8(0x33).into(), &BINDING_STATUS))
        .with("vppb_port_id", d.u8(0x34))
        .with("vppb_ld_id", d.u8(0x35))
        .with("link_control_register_value", flags(d.le(0x36, 2), &LINK_CONTROL))
        .with("slot_control_register_value", slot_control(d.le(0x38, 2)))
}

const MLD_PORT_EVENT_TYPE: [(u64, &str); 3] = [
    (0x00, "error_correctable_message_received"),
    (0x01, "error_non_fatal_message_received"),
    (0x02, "error_fatal_message_received"),
];

fn mld_port(d: &Data) -> Object {
    Object::new()
        .with("event_type", enumeration(d.u8(0x30).into(), &MLD_PORT_EVENT_TYPE))
        .with("port_id", d.u8(0x31))
        // The first 8 bytes of the PCIe ERR_COR, ERR_NONFATAL or ERR_FATAL message.
        .with("error_message", Value::Bytes(d.bytes(0x34, 8).to_vec()))
}

// Dynamic Capacity Event Record (Table 8-50) and its Dynamic Capacity Extent (Table 8-51).

const DC_EVENT_TYPE: [(u64, &str); 6] = [
    (0x00, "add_capacity"),
    (0x01, "release_capacity"),
    (0x02, "forced_capacity_release"),
    (0x03, "region_configuration_updated"),
    (0x04, "add_capacity_response"),
    (0x05, "capacity_released"),
];
const DC_VALID: [(u32, &str); 1] = [(0, "num_avail")];
const DC_FLAGS: [(u32, &str); 1] = [(0, "more")];

fn dynamic_capacity(d: &Data) -> Object {
    let event_type = d.u8(0x30);
    let valid = d.u8(0x31);
    let extent = Object::new()
        // Starting DPA bits 5:0 are reserved.
        .with("starting_dpa", d.le(0x38, 8) & DPA_MASK)
        .with("length", d.le(0x40, 8))
        .with("tag", uuid(&d.array(0x48)))
        .with("shared_extent_sequence", d.le(0x58, 2));
    Object::new()
        .with("event_type", enumeration(event_type.into(), &DC_EVENT_TYPE))
        .with("validity_flags", flags(valid.into(), &DC_VALID))
        // Host ID is valid only in Add Capacity Response and Capacity Released events, the
        // Updated Region Index only in Region Configuration Updated ones.
        .with("host_id", when(matches!(event_type, 0x04 | 0x05), d.le(0x32, 2)))
        .with("updated_region_index", when(event_type == 0x03, d.u8(0x34)))
        .with("flags", flags(d.u8(0x35).into(), &DC_FLAGS))
        .with("extent", extent)
        .with("num_avail_extents", when(valid & 1 == 1, d.le(0x78, 4)))
        .with("num_avail_tags", when(valid & 1 == 1, d.le(0x7c, 4)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Enum;
    use crate::wire::Wire;

    fn id(name: &str) -> [u8; 16] {
        RECORD_TYPES.iter().find(|(_, n)| *n == name).unwrap().0
    }

    /// A record's 128 bytes with its Common Event Record (Table 8-43) filled in: `flags` are
    /// the three Event Record Flags bytes; the body, 30h..7Fh, is zero for the test to write.
    fn record(uuid: [u8; 16], flags: [u8; 3]) -> [u8; 0x80] {
        let mut b = [0u8; 0x80];
        b[0x00..0x10].copy_from_slice(&uuid); // Event Record Identifier
        b[0x10] = 0x80; // Event Record Length: 128
        b[0x11..0x14].copy_from_slice(&flags); // Event Record Flags
        b[0x14..0x16].copy_from_slice(&[0x2a, 0x00]); // Event Record Handle: 42
        b[0x16..0x18].copy_from_slice(&[0x29, 0x00]); // Related Event Record Handle: 41
        // Event Record Timestamp: 1700000000000000000 ns
        b[0x18..0x20].copy_from_slice(&[0x00, 0x00, 0x2a, 0x36, 0xfe, 0x9c, 0x97, 0x17]);
        b
    }

    fn decode(bytes: &[u8; 0x80]) -> Object {
        cxlmi_event_record::decode(bytes).decoded()
    }

    /// The value at a dotted path of names.
    fn at<'a>(o: &'a Object, path: &str) -> &'a Value {
        let mut names = path.split('.');
        let mut v = o.get(names.next().unwrap()).unwrap_or_else(|| panic!("no {path} in {o:?}"));
        for name in names {
            let Value::Object(inner) = v else { panic!("{path}: not an object: {v:?}") };
            v = inner.get(name).unwrap_or_else(|| panic!("no {path} in {o:?}"));
        }
        v
    }

    fn named(raw: u64, name: &'static str) -> Value {
        Value::Enum(Enum { raw, name: Some(name) })
    }

    fn unnamed(raw: u64) -> Value {
        Value::Enum(Enum { raw, name: None })
    }

    /// The names of the flags set in a `Flags` value, and its raw value.
    fn set(v: &Value) -> (u64, Vec<&'static str>) {
        let Value::Flags(f) = v else { panic!("not flags: {v:?}") };
        (f.raw, f.set().collect())
    }

    fn n(v: u64) -> Value {
        Value::Unsigned(v)
    }

    #[test]
    fn record_types_are_the_specifications_uuids() {
        // Table 8-43 prints each Event Record Identifier; the bytes on the wire are in that order.
        let spec = [
            ("fbcd0a77-c260-417f-85a9-088b1621eba6", "general_media"),
            ("601dcbb3-9c06-4eab-b8af-4e9bfb5c9624", "dram"),
            ("fe927475-dd59-4339-a586-79bab113b774", "memory_module"),
            ("e71f3a40-2d29-4092-8a39-4d1c966c7c65", "memory_sparing"),
            ("77cf9271-9c02-470b-9fe4-bc7b75f2da97", "physical_switch"),
            ("40d26425-3396-4c4d-a5da-3d47263af425", "virtual_switch"),
            ("8dc44363-0c96-4710-b7bf-04bb99534c3f", "mld_port"),
            ("ca95afa7-f183-4018-8c2f-95268e101a2a", "dynamic_capacity"),
        ];
        assert_eq!(RECORD_TYPES.len(), spec.len());
        for ((bytes, name), (text, spec_name)) in RECORD_TYPES.iter().zip(spec) {
            assert_eq!((uuid(bytes), *name), (Value::from(text), spec_name));
            assert_eq!(record_type(bytes), spec_name);
        }
        assert_eq!(record_type(&[0x5a; 16]), "vendor");
    }

    #[test]
    fn common_event_record() {
        // Flags: severity 10b (failure), permanent condition, maintenance needed, maintenance
        // operation subclass valid, LD-ID valid; Head ID not valid.
        let mut b = record(id("general_media"), [0b1100_1110, 0x00, 0x00]);
        b[0x20] = 0x02; // Maintenance Operation Class: memory sparing
        b[0x21] = 0x01; // Maintenance Operation Subclass: row sparing
        b[0x22..0x24].copy_from_slice(&[0x05, 0x00]); // LD-ID 5
        b[0x24] = 0x03; // Head ID 3
        let d = decode(&b);
        assert_eq!(at(&d, "record_type"), &Value::from("general_media"));
        assert_eq!(at(&d, "uuid"), &Value::from("fbcd0a77-c260-417f-85a9-088b1621eba6"));
        assert_eq!(at(&d, "length"), &n(128));
        assert_eq!(
            set(at(&d, "flags")),
            (0xce, vec!["permanent_condition", "maintenance_needed", "maint_op_subclass_valid", "ld_id_valid"])
        );
        let Value::Flags(f) = at(&d, "flags") else { panic!() };
        assert_eq!(f.flags.len(), 7, "every defined flag is present");
        assert_eq!(at(&d, "severity"), &named(2, "failure"));
        assert_eq!(at(&d, "handle"), &n(42));
        assert_eq!(at(&d, "related_handle"), &n(41));
        assert_eq!(at(&d, "timestamp_ns"), &n(1_700_000_000_000_000_000));
        assert_eq!(at(&d, "maint_op_class"), &named(2, "memory_sparing"));
        assert_eq!(at(&d, "maint_op_subclass"), &named(1, "row_sparing"));
        assert_eq!(at(&d, "ld_id"), &n(5));
        assert_eq!(at(&d, "head_id"), &Value::Null);

        // Severity fatal, only Head ID valid (bit 8, in the second flags byte); a class the
        // specification does not define.
        let mut b = record(id("dram"), [0b0000_0011, 0x01, 0x00]);
        b[0x20] = 0x7f;
        b[0x21] = 0x01;
        b[0x22..0x24].copy_from_slice(&[0x05, 0x00]);
        b[0x24] = 0x03;
        let d = decode(&b);
        assert_eq!(set(at(&d, "flags")), (0x103, vec!["head_id_valid"]));
        assert_eq!(at(&d, "severity"), &named(3, "fatal"));
        assert_eq!(at(&d, "maint_op_class"), &unnamed(0x7f));
        assert_eq!(at(&d, "maint_op_subclass"), &Value::Null);
        assert_eq!(at(&d, "ld_id"), &Value::Null);
        assert_eq!(at(&d, "head_id"), &n(3));
    }

    /// A General Media Event Record with every field valid (Table 8-45).
    #[test]
    fn general_media_event_record() {
        let mut b = record(id("general_media"), [0x01, 0x00, 0x00]);
        // Physical Address: DPA 12345000h; volatile, not repairable; reserved bit 2 set.
        b[0x30..0x38].copy_from_slice(&[0x07, 0x50, 0x34, 0x12, 0x00, 0x00, 0x00, 0x00]);
        b[0x38] = 0x03; // Memory Event Descriptor: uncorrectable, threshold
        b[0x39] = 0x02; // Memory Event Type: data path error
        b[0x3a] = 0x01; // Transaction Type: host read
        b[0x3b..0x3d].copy_from_slice(&[0x1f, 0x00]); // Validity Flags: bits 4:0
        b[0x3d] = 0x03; // Channel
        b[0x3e] = 0x01; // Rank
        b[0x3f..0x42].copy_from_slice(&[0x0c, 0x0b, 0x0a]); // Device 0a0b0ch
        // Component Identifier (Table 8-44): both PLDM fields valid, entity 11h..16h,
        // resource 21h..24h, then reserved.
        b[0x42] = 0x03;
        b[0x43..0x49].copy_from_slice(&[0x11, 0x12, 0x13, 0x14, 0x15, 0x16]);
        b[0x49..0x4d].copy_from_slice(&[0x21, 0x22, 0x23, 0x24]);
        b[0x52] = 0x02; // Advanced Programmable CME Threshold Event Flags: threshold exceeded
        b[0x53..0x56].copy_from_slice(&[0x00, 0x01, 0x00]); // Corrected Memory Error Count: 256
        b[0x56] = 0x05; // Memory Event Sub-Type: media link CRC error
        let d = decode(&b);
        assert_eq!(at(&d, "severity"), &named(1, "warning"));
        assert_eq!(at(&d, "body.dpa"), &n(0x1234_5000));
        assert_eq!(set(at(&d, "body.dpa_flags")), (3, vec!["volatile", "not_repairable"]));
        assert_eq!(set(at(&d, "body.descriptor")), (3, vec!["uncorrectable_event", "threshold_event"]));
        assert_eq!(at(&d, "body.type"), &named(2, "data_path_error"));
        assert_eq!(at(&d, "body.transaction_type"), &named(1, "host_read"));
        assert_eq!(
            set(at(&d, "body.validity_flags")),
            (0x1f, vec!["channel", "rank", "device", "component", "component_pldm_format"])
        );
        assert_eq!(at(&d, "body.channel"), &n(3));
        assert_eq!(at(&d, "body.rank"), &n(1));
        assert_eq!(at(&d, "body.device"), &n(0x0a0b0c));
        assert_eq!(at(&d, "body.comp_id"), &Value::Bytes(b[0x42..0x52].to_vec()));
        assert_eq!(set(at(&d, "body.comp_id_pldm_valid_flags")), (3, vec!["pldm_entity_id", "pldm_resource_id"]));
        assert_eq!(at(&d, "body.pldm_entity_id"), &Value::Bytes(vec![0x11, 0x12, 0x13, 0x14, 0x15, 0x16]));
        assert_eq!(at(&d, "body.pldm_resource_id"), &Value::Bytes(vec![0x21, 0x22, 0x23, 0x24]));
        assert_eq!(set(at(&d, "body.cme_threshold_ev_flags")), (2, vec!["threshold_exceeded"]));
        assert_eq!(at(&d, "body.cme_count"), &n(256));
        assert_eq!(at(&d, "body.sub_type"), &named(5, "media_link_crc_error"));
    }

    /// Validity flags clear, no threshold event, and codes the specification does not define.
    #[test]
    fn general_media_fields_not_valid_and_undefined_codes() {
        let mut b = record(id("general_media"), [0x00, 0x00, 0x00]);
        b[0x38] = 0x04; // Memory Event Descriptor: poison list overflow only
        b[0x39] = 0x07; // Memory Event Type: reserved
        b[0x3a] = 0x09; // Transaction Type: reserved
        b[0x3b..0x3d].copy_from_slice(&[0x08, 0x00]); // Validity Flags: component only
        b[0x3d] = 0x03;
        b[0x3e] = 0x01;
        b[0x3f..0x42].copy_from_slice(&[0x0c, 0x0b, 0x0a]);
        b[0x42] = 0x03; // a device-specific Component Identifier (bit 4 clear)
        b[0x52] = 0x02;
        b[0x53..0x56].copy_from_slice(&[0x00, 0x01, 0x00]);
        b[0x56] = 0x01; // sub-type 01h is defined only for data path errors
        let d = decode(&b);
        assert_eq!(at(&d, "body.type"), &unnamed(7));
        assert_eq!(at(&d, "body.transaction_type"), &unnamed(9));
        assert_eq!(at(&d, "body.channel"), &Value::Null);
        assert_eq!(at(&d, "body.rank"), &Value::Null);
        assert_eq!(at(&d, "body.device"), &Value::Null);
        assert_eq!(at(&d, "body.comp_id"), &Value::Bytes(b[0x42..0x52].to_vec()));
        assert_eq!(at(&d, "body.comp_id_pldm_valid_flags"), &Value::Null);
        assert_eq!(at(&d, "body.pldm_entity_id"), &Value::Null);
        assert_eq!(at(&d, "body.pldm_resource_id"), &Value::Null);
        assert_eq!(at(&d, "body.cme_threshold_ev_flags"), &Value::Null);
        assert_eq!(at(&d, "body.cme_count"), &Value::Null);
        assert_eq!(at(&d, "body.sub_type"), &unnamed(1));
    }

    /// A DRAM Event Record with every field valid (Table 8-46), the masks from the
    /// specification's implementation note.
    #[test]
    fn dram_event_record() {
        let mut b = record(id("dram"), [0x01, 0x00, 0x00]);
        // Physical Address: DPA 1_0000_0040h, persistent, repairable.
        b[0x30..0x38].copy_from_slice(&[0x40, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]);
        b[0x38] = 0x02; // Memory Event Descriptor: threshold
        b[0x39] = 0x03; // Memory Event Type: data path error
        b[0x3a] = 0x05; // Transaction Type: media patrol scrub
        b[0x3b..0x3d].copy_from_slice(&[0xff, 0x07]); // Validity Flags: bits 10:0
        b[0x3d] = 0x02; // Channel
        b[0x3e] = 0x04; // Rank
        b[0x3f..0x42].copy_from_slice(&[0x08, 0x02, 0x00]); // Nibble Mask 000208h
        b[0x42] = 0x05; // Bank Group
        b[0x43] = 0x06; // Bank
        b[0x44..0x47].copy_from_slice(&[0x45, 0x23, 0x01]); // Row 12345h
        b[0x47..0x49].copy_from_slice(&[0x23, 0x01]); // Column 123h
        b[0x49..0x51].copy_from_slice(&[0x10, 0x60, 0x08, 0x09, 0x00, 0x00, 0x00, 0x00]); // Correction Mask 0
        b[0x51..0x59].copy_from_slice(&[0x20, 0xf0, 0x05, 0x03, 0x00, 0x00, 0x00, 0x00]); // Correction Mask 1
        b[0x69] = 0x01; // Component Identifier: PLDM entity only
        b[0x6a..0x70].copy_from_slice(&[0x31, 0x32, 0x33, 0x34, 0x35, 0x36]);
        b[0x70..0x74].copy_from_slice(&[0x41, 0x42, 0x43, 0x44]);
        b[0x79] = 0x01; // Sub-channel
        b[0x7a] = 0x01; // CME threshold event flags: errors in more than one media component
        b[0x7b..0x7e].copy_from_slice(&[0x10, 0x00, 0x00]); // CVME Count at Event: 16
        b[0x7e] = 0x02; // Memory Event Sub-Type: media link command training error
        let d = decode(&b);
        assert_eq!(at(&d, "record_type"), &Value::from("dram"));
        assert_eq!(at(&d, "body.dpa"), &n(0x1_0000_0040));
        assert_eq!(set(at(&d, "body.dpa_flags")), (0, vec![]));
        assert_eq!(set(at(&d, "body.descriptor")), (2, vec!["threshold_event"]));
        assert_eq!(at(&d, "body.type"), &named(3, "data_path_error"));
        assert_eq!(at(&d, "body.transaction_type"), &named(5, "internal_media_scrub"));
        assert_eq!(set(at(&d, "body.validity_flags")).1.len(), 11);
        assert_eq!(at(&d, "body.channel"), &n(2));
        assert_eq!(at(&d, "body.rank"), &n(4));
        assert_eq!(at(&d, "body.nibble_mask"), &n(0x208));
        assert_eq!(at(&d, "body.bank_group"), &n(5));
        assert_eq!(at(&d, "body.bank"), &n(6));
        assert_eq!(at(&d, "body.row"), &n(0x12345));
        assert_eq!(at(&d, "body.column"), &n(0x123));
        assert_eq!(at(&d, "body.cor_mask"), &Value::List(vec![n(0x9086010), n(0x305f020), n(0), n(0)]));
        assert_eq!(at(&d, "body.comp_id"), &Value::Bytes(b[0x69..0x79].to_vec()));
        assert_eq!(set(at(&d, "body.comp_id_pldm_valid_flags")), (1, vec!["pldm_entity_id"]));
        assert_eq!(at(&d, "body.pldm_entity_id"), &Value::Bytes(vec![0x31, 0x32, 0x33, 0x34, 0x35, 0x36]));
        assert_eq!(at(&d, "body.pldm_resource_id"), &Value::Null);
        assert_eq!(at(&d, "body.sub_channel"), &n(1));
        assert_eq!(set(at(&d, "body.cme_threshold_ev_flags")), (1, vec!["cme_multiple_media"]));
        assert_eq!(at(&d, "body.cvme_count"), &n(16));
        assert_eq!(at(&d, "body.sub_type"), &named(2, "media_link_command_training_error"));
    }

    #[test]
    fn dram_fields_not_valid_and_undefined_codes() {
        let mut b = record(id("dram"), [0x00, 0x00, 0x00]);
        b[0x39] = 0x07; // Memory Event Type: reserved
        b[0x3a] = 0x08; // Transaction Type: media initialization
        // Validity Flags clear, every guarded field filled in anyway.
        for offset in [0x3d, 0x3e, 0x3f, 0x42, 0x43, 0x44, 0x47, 0x49, 0x69, 0x79, 0x7a, 0x7b] {
            b[offset] = 0x5a;
        }
        b[0x7e] = 0x02; // sub-type 02h is defined only for data path errors
        let d = decode(&b);
        assert_eq!(at(&d, "body.type"), &unnamed(7));
        assert_eq!(at(&d, "body.transaction_type"), &named(8, "media_initialization"));
        for field in [
            "channel",
            "rank",
            "nibble_mask",
            "bank_group",
            "bank",
            "row",
            "column",
            "cor_mask",
            "comp_id",
            "comp_id_pldm_valid_flags",
            "pldm_entity_id",
            "pldm_resource_id",
            "sub_channel",
            "cme_threshold_ev_flags",
            "cvme_count",
        ] {
            assert_eq!(at(&d, &format!("body.{field}")), &Value::Null, "{field}");
        }
        assert_eq!(at(&d, "body.sub_type"), &unnamed(2));
        // On a DRAM record 02h is an invalid address, not a data path error.
        b[0x39] = 0x02;
        assert_eq!(at(&decode(&b), "body.type"), &named(2, "invalid_address"));
    }

    /// A Memory Module Event Record (Table 8-47) carrying Device Health Information (Table 8-133).
    #[test]
    fn memory_module_event_record() {
        let mut b = record(id("memory_module"), [0x02, 0x00, 0x00]);
        b[0x30] = 0x07; // Device Event Type: memory media FRU error
        b[0x31] = 0x05; // Health Status: maintenance needed, hardware replacement needed
        b[0x32] = 0x03; // Media Status: all data lost
        b[0x33] = 0x29; // Additional Status: life used warning, temperature critical, persistent warning
        b[0x34] = 0x2a; // Life Used: 42 %
        b[0x35..0x37].copy_from_slice(&[0xfb, 0xff]); // Device Temperature: -5 C
        b[0x37..0x3b].copy_from_slice(&[0x02, 0x00, 0x00, 0x00]); // Dirty Shutdown Count
        b[0x3b..0x3f].copy_from_slice(&[0x10, 0x01, 0x00, 0x00]); // Corrected Volatile Error Count
        b[0x3f..0x43].copy_from_slice(&[0x00, 0x00, 0x01, 0x00]); // Corrected Persistent Error Count
        b[0x43..0x45].copy_from_slice(&[0x03, 0x00]); // Validity Flags: component, PLDM format
        b[0x45] = 0x02; // Component Identifier: resource ID only
        b[0x4c..0x50].copy_from_slice(&[0xfc, 0xd2, 0x7e, 0x2f]);
        b[0x55] = 0x03; // Device Event Sub-Type: unsupported memory media FRU
        let d = decode(&b);
        assert_eq!(at(&d, "body.event_type"), &named(7, "memory_media_fru_error"));
        assert_eq!(set(at(&d, "body.health_status")), (5, vec!["maintenance_needed", "hw_replacement_needed"]));
        assert_eq!(at(&d, "body.media_status"), &named(3, "data_lost"));
        assert_eq!(at(&d, "body.add_status.raw"), &n(0x29));
        assert_eq!(at(&d, "body.add_status.temperature"), &named(2, "critical"));
        assert_eq!(at(&d, "body.life_used"), &n(42));
        assert_eq!(at(&d, "body.device_temp"), &Value::Signed(-5));
        assert_eq!(at(&d, "body.dirty_shutdown_cnt"), &n(2));
        assert_eq!(at(&d, "body.cor_vol_err_cnt"), &n(272));
        assert_eq!(at(&d, "body.cor_per_err_cnt"), &n(65536));
        assert_eq!(set(at(&d, "body.validity_flags")), (3, vec!["component", "component_pldm_format"]));
        assert_eq!(at(&d, "body.comp_id"), &Value::Bytes(b[0x45..0x55].to_vec()));
        assert_eq!(at(&d, "body.pldm_entity_id"), &Value::Null);
        assert_eq!(at(&d, "body.pldm_resource_id"), &Value::Bytes(vec![0xfc, 0xd2, 0x7e, 0x2f]));
        assert_eq!(at(&d, "body.event_sub_type"), &named(3, "unsupported_memory_media_fru"));
    }

    #[test]
    fn memory_module_not_valid_not_implemented_and_undefined() {
        let mut b = record(id("memory_module"), [0x00, 0x00, 0x00]);
        b[0x30] = 0x09; // Device Event Type: reserved
        b[0x32] = 0x0a; // Media Status: reserved
        b[0x34] = 0xff; // Life Used: not implemented
        b[0x35..0x37].copy_from_slice(&[0xff, 0xff]); // Device Temperature: not implemented
        b[0x45] = 0x03; // a Component Identifier the Validity Flags do not mark valid
        b[0x55] = 0x01; // sub-type 01h is defined only for memory media FRU errors
        let d = decode(&b);
        assert_eq!(at(&d, "body.event_type"), &unnamed(9));
        assert_eq!(at(&d, "body.media_status"), &unnamed(0x0a));
        assert_eq!(at(&d, "body.life_used"), &Value::Null);
        assert_eq!(at(&d, "body.device_temp"), &Value::Null);
        assert_eq!(at(&d, "body.comp_id"), &Value::Null);
        assert_eq!(at(&d, "body.comp_id_pldm_valid_flags"), &Value::Null);
        assert_eq!(at(&d, "body.event_sub_type"), &unnamed(1));
    }

    /// A Memory Sparing Event Record (CXL r3.2 Table 8-60) answering a query.
    #[test]
    fn memory_sparing_event_record() {
        let mut b = record(id("memory_sparing"), [0x00, 0x00, 0x00]);
        b[0x30] = 0x02; // Maintenance Operation Class: memory sparing
        b[0x31] = 0x03; // Maintenance Operation Subclass: rank sparing
        b[0x32] = 0x05; // Flags: query resources, device initiated
        b[0x33] = 0x00; // Result: success
        b[0x34..0x36].copy_from_slice(&[0xff, 0x03]); // Validity Flags: bits 9:0
        b[0x3c..0x3e].copy_from_slice(&[0x03, 0x00]); // Spare Resource Available: 3 or more
        b[0x3e] = 0x01; // Channel
        b[0x3f] = 0x02; // Rank
        b[0x40..0x43].copy_from_slice(&[0x01, 0x00, 0x00]); // Nibble Mask
        b[0x43] = 0x03; // Bank Group
        b[0x44] = 0x04; // Bank
        b[0x45..0x48].copy_from_slice(&[0xcd, 0xab, 0x00]); // Row abcdh
        b[0x48..0x4a].copy_from_slice(&[0x10, 0x00]); // Column 10h
        b[0x4a] = 0x01; // Component Identifier: PLDM entity
        b[0x4b..0x51].copy_from_slice(&[0x01, 0x02, 0x03, 0x04, 0x05, 0x06]);
        b[0x5a] = 0x01; // Sub-Channel
        let d = decode(&b);
        assert_eq!(at(&d, "record_type"), &Value::from("memory_sparing"));
        assert_eq!(at(&d, "body.maint_op_class"), &named(2, "memory_sparing"));
        assert_eq!(at(&d, "body.maint_op_subclass"), &named(3, "rank_sparing"));
        assert_eq!(set(at(&d, "body.flags")), (5, vec!["query_resources", "device_initiated"]));
        assert_eq!(at(&d, "body.result"), &named(0, "success"));
        assert_eq!(set(at(&d, "body.validity_flags")).1.len(), 10);
        assert_eq!(at(&d, "body.res_avail"), &named(3, "three_or_more"));
        assert_eq!(at(&d, "body.channel"), &n(1));
        assert_eq!(at(&d, "body.rank"), &n(2));
        assert_eq!(at(&d, "body.nibble_mask"), &n(1));
        assert_eq!(at(&d, "body.bank_group"), &n(3));
        assert_eq!(at(&d, "body.bank"), &n(4));
        assert_eq!(at(&d, "body.row"), &n(0xabcd));
        assert_eq!(at(&d, "body.column"), &n(0x10));
        assert_eq!(at(&d, "body.pldm_entity_id"), &Value::Bytes(vec![1, 2, 3, 4, 5, 6]));
        assert_eq!(at(&d, "body.sub_channel"), &n(1));

        // Resources exhausted: no count of spare resources; nothing marked valid.
        let mut b = record(id("memory_sparing"), [0x00, 0x00, 0x00]);
        b[0x30] = 0x01; // PPR
        b[0x31] = 0x01; // hard PPR
        b[0x33] = 0x01;
        b[0x3c] = 0x02;
        b[0x3e] = 0x01;
        b[0x5a] = 0x01;
        let d = decode(&b);
        assert_eq!(at(&d, "body.maint_op_subclass"), &named(1, "hard_ppr"));
        assert_eq!(at(&d, "body.result"), &named(1, "resources_exhausted"));
        assert_eq!(at(&d, "body.res_avail"), &Value::Null);
        assert_eq!(at(&d, "body.channel"), &Value::Null);
        assert_eq!(at(&d, "body.comp_id"), &Value::Null);
        assert_eq!(at(&d, "body.sub_channel"), &Value::Null);
        b[0x33] = 0xff;
        assert_eq!(at(&decode(&b), "body.result"), &named(0xff, "general_failure"));
        b[0x33] = 0x02;
        assert_eq!(at(&decode(&b), "body.result"), &unnamed(2));
    }

    /// A Physical Switch Event Record (Table 7-77), port fields as Table 7-19 encodes them.
    #[test]
    fn physical_switch_event_record() {
        let mut b = record(id("physical_switch"), [0x00, 0x00, 0x00]);
        b[0x30] = 0x07; // Physical Port ID
        b[0x31] = 0x00; // Event Type: link state change
        b[0x32..0x34].copy_from_slice(&[0x48, 0x01]); // Slot Status: PDC, PDS, DLLSC
        b[0x35] = 0x13; // Current Port Configuration State: DSP (bit 4 reserved here)
        b[0x36] = 0x03; // Connected Device Mode: standard 256B flit
        b[0x38] = 0x05; // Connected Device Type: type 3 MLD
        b[0x39] = 0x06; // Supported CXL Modes: 68B flit and VH, 256B flit
        b[0x3a] = 0x10; // Maximum Link Width: x16
        b[0x3b] = 0x48; // Negotiated Link Width: x8 (bit 6 reserved)
        b[0x3c] = 0x1f; // Supported Link Speeds Vector: 2.5 to 32 GT/s
        b[0x3d] = 0x05; // Max Link Speed: 32 GT/s
        b[0x3e] = 0x04; // Current Link Speed: 16 GT/s
        b[0x3f] = 0x04; // LTSSM State: L0
        b[0x40] = 0x00; // First Negotiated Lane Number
        b[0x41..0x43].copy_from_slice(&[0x05, 0x00]); // Link State Flags: lane reversal, PRSNT#
        let d = decode(&b);
        assert_eq!(at(&d, "body.physical_port_id"), &n(7));
        assert_eq!(at(&d, "body.event_type"), &named(0, "link_state_change"));
        assert_eq!(
            set(at(&d, "body.slot_status_register")),
            (0x148, vec!["presence_detect_changed", "presence_detect_state", "data_link_layer_state_changed"])
        );
        assert_eq!(at(&d, "body.current_port_configuration_state"), &named(3, "dsp"));
        assert_eq!(at(&d, "body.connected_device_mode"), &named(3, "standard_256b_flit"));
        assert_eq!(at(&d, "body.connected_device_type"), &named(5, "cxl_type_3_mld"));
        assert_eq!(set(at(&d, "body.supported_cxl_modes")), (6, vec!["cxl_68b_flit_and_vh", "standard_256b_flit"]));
        // The link as Get Physical Port State reports it.
        assert_eq!(at(&d, "body.max_link_width_lanes"), &n(16));
        assert_eq!(at(&d, "body.negotiated_link_width_lanes"), &n(8));
        assert_eq!(at(&d, "body.supported_link_speeds_vector"), &n(0x1f));
        assert_eq!(
            at(&d, "body.supported_link_speeds_mt_s"),
            &Value::List(vec![n(2500), n(5000), n(8000), n(16000), n(32000)])
        );
        assert_eq!(at(&d, "body.max_link_speed_mt_s"), &n(32000));
        assert_eq!(at(&d, "body.current_link_speed"), &n(4));
        assert_eq!(at(&d, "body.current_link_speed_mt_s"), &n(16000));
        assert_eq!(at(&d, "body.ltssm_state"), &named(4, "l0"));
        assert_eq!(at(&d, "body.first_negotiated_lane_number"), &n(0));
        assert_eq!(set(at(&d, "body.link_state_flags")), (5, vec!["lane_reversal_state", "port_presence_pin_state"]));

        b[0x31] = 0x02; // Event Type: reserved
        b[0x35] = 0x06; // Current Port Configuration State: reserved
        b[0x3f] = 0x0b; // LTSSM State: reserved
        b[0x3e] = 0x00; // Current Link Speed: no speed is 0
        let d = decode(&b);
        assert_eq!(at(&d, "body.event_type"), &unnamed(2));
        assert_eq!(at(&d, "body.current_port_configuration_state"), &unnamed(6));
        assert_eq!(at(&d, "body.ltssm_state"), &unnamed(0x0b));
        assert_eq!(at(&d, "body.current_link_speed_mt_s"), &Value::Null);
    }

    /// A Virtual CXL Switch Event Record (Table 7-78).
    #[test]
    fn virtual_switch_event_record() {
        let mut b = record(id("virtual_switch"), [0x00, 0x00, 0x00]);
        b[0x30] = 0x01; // VCS ID
        b[0x31] = 0x02; // vPPB ID
        b[0x32] = 0x00; // Event Type: binding change
        b[0x33] = 0x03; // vPPB Binding Status: bound LD
        b[0x34] = 0x05; // vPPB Port ID
        b[0x35] = 0x01; // vPPB LD ID
        b[0x36..0x38].copy_from_slice(&[0x42, 0x00]); // Link Control: ASPM L1, common clock
        // Slot Control: presence detect changed enable, hot-plug interrupt enable, attention
        // indicator off (11b), power indicator blink (10b).
        b[0x38..0x3a].copy_from_slice(&[0xe8, 0x02]);
        let d = decode(&b);
        assert_eq!(at(&d, "body.vcs_id"), &n(1));
        assert_eq!(at(&d, "body.vppb_id"), &n(2));
        assert_eq!(at(&d, "body.event_type"), &named(0, "binding_change"));
        assert_eq!(at(&d, "body.vppb_binding_status"), &named(3, "bound_ld"));
        assert_eq!(at(&d, "body.vppb_port_id"), &n(5));
        assert_eq!(at(&d, "body.vppb_ld_id"), &n(1));
        assert_eq!(
            set(at(&d, "body.link_control_register_value")),
            (0x42, vec!["aspm_l1_enable", "common_clock_configuration"])
        );
        assert_eq!(at(&d, "body.slot_control_register_value.raw"), &n(0x2e8));
        assert_eq!(at(&d, "body.slot_control_register_value.presence_detect_changed_enable"), &Value::Bool(true));
        assert_eq!(at(&d, "body.slot_control_register_value.hot_plug_interrupt_enable"), &Value::Bool(true));
        assert_eq!(at(&d, "body.slot_control_register_value.power_controller_control"), &Value::Bool(false));
        assert_eq!(at(&d, "body.slot_control_register_value.attention_indicator_control"), &named(3, "off"));
        assert_eq!(at(&d, "body.slot_control_register_value.power_indicator_control"), &named(2, "blink"));

        b[0x32] = 0x04; // Event Type: reserved
        b[0x33] = 0x05; // vPPB Binding Status: reserved
        b[0x38..0x3a].copy_from_slice(&[0x00, 0x00]); // indicator control 00b is reserved
        let d = decode(&b);
        assert_eq!(at(&d, "body.event_type"), &unnamed(4));
        assert_eq!(at(&d, "body.vppb_binding_status"), &unnamed(5));
        assert_eq!(at(&d, "body.slot_control_register_value.attention_indicator_control"), &unnamed(0));
    }

    /// An MLD Port Event Record (Table 7-79).
    #[test]
    fn mld_port_event_record() {
        let mut b = record(id("mld_port"), [0x02, 0x00, 0x00]);
        b[0x30] = 0x01; // Event Type: ERR_NONFATAL received
        b[0x31] = 0x03; // Port ID
        // Error Message: the first 8 bytes of the PCIe message.
        b[0x34..0x3c].copy_from_slice(&[0x30, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x31]);
        b[0x3c] = 0xee; // reserved from here, not part of the message
        let d = decode(&b);
        assert_eq!(at(&d, "record_type"), &Value::from("mld_port"));
        assert_eq!(at(&d, "body.event_type"), &named(1, "error_non_fatal_message_received"));
        assert_eq!(at(&d, "body.port_id"), &n(3));
        assert_eq!(at(&d, "body.error_message"), &Value::Bytes(vec![0x30, 0, 0, 0, 0x01, 0, 0, 0x31]));
        b[0x30] = 0x03;
        assert_eq!(at(&decode(&b), "body.event_type"), &unnamed(3));
    }

    /// A Dynamic Capacity Event Record (Table 8-50) and its extent (Table 8-51).
    #[test]
    fn dynamic_capacity_event_record() {
        let mut b = record(id("dynamic_capacity"), [0x00, 0x00, 0x00]);
        b[0x30] = 0x04; // Dynamic Capacity Event Type: add capacity response
        b[0x31] = 0x01; // Validity Flags: available extents and tags valid
        b[0x32..0x34].copy_from_slice(&[0x02, 0x00]); // Host ID 2
        b[0x34] = 0x01; // Updated Region Index (not valid for this event type)
        b[0x35] = 0x01; // Flags: more
        b[0x38..0x40].copy_from_slice(&[0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]); // Starting DPA 1_0000_0000h
        b[0x40..0x48].copy_from_slice(&[0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00]); // Length 256 MiB
        b[0x48..0x58].copy_from_slice(&[
            0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
        ]); // Tag
        b[0x58..0x5a].copy_from_slice(&[0x02, 0x00]); // Shared Extent Sequence
        b[0x78..0x7c].copy_from_slice(&[0x10, 0x00, 0x00, 0x00]); // Number of Available Extents
        b[0x7c..0x80].copy_from_slice(&[0x08, 0x00, 0x00, 0x00]); // Number of Available Tags
        let d = decode(&b);
        assert_eq!(at(&d, "body.event_type"), &named(4, "add_capacity_response"));
        assert_eq!(set(at(&d, "body.validity_flags")), (1, vec!["num_avail"]));
        assert_eq!(at(&d, "body.host_id"), &n(2));
        assert_eq!(at(&d, "body.updated_region_index"), &Value::Null);
        assert_eq!(set(at(&d, "body.flags")), (1, vec!["more"]));
        assert_eq!(at(&d, "body.extent.starting_dpa"), &n(0x1_0000_0000));
        assert_eq!(at(&d, "body.extent.length"), &n(0x1000_0000));
        assert_eq!(at(&d, "body.extent.tag"), &Value::from("12345678-9abc-def0-1122-334455667788"));
        assert_eq!(at(&d, "body.extent.shared_extent_sequence"), &n(2));
        assert_eq!(at(&d, "body.num_avail_extents"), &n(16));
        assert_eq!(at(&d, "body.num_avail_tags"), &n(8));

        // Region Configuration Updated: the region index is valid, the host ID is not; the
        // available counts are not marked valid.
        b[0x30] = 0x03;
        b[0x31] = 0x00;
        let d = decode(&b);
        assert_eq!(at(&d, "body.event_type"), &named(3, "region_configuration_updated"));
        assert_eq!(at(&d, "body.host_id"), &Value::Null);
        assert_eq!(at(&d, "body.updated_region_index"), &n(1));
        assert_eq!(at(&d, "body.num_avail_extents"), &Value::Null);
        assert_eq!(at(&d, "body.num_avail_tags"), &Value::Null);
        b[0x30] = 0x06;
        assert_eq!(at(&decode(&b), "body.event_type"), &unnamed(6));
    }

    /// A record of a UUID the specification does not define is a vendor's (Table 8-49).
    #[test]
    fn vendor_record_keeps_its_data() {
        let vendor = [0x5a, 0x5a, 0x5a, 0x5a, 0x01, 0x02, 0x43, 0x04, 0x85, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c];
        let mut b = record(vendor, [0x00, 0x00, 0x00]);
        for (i, byte) in b[0x30..].iter_mut().enumerate() {
            *byte = i as u8;
        }
        let d = decode(&b);
        assert_eq!(at(&d, "record_type"), &Value::from("vendor"));
        assert_eq!(at(&d, "uuid"), &Value::from("5a5a5a5a-0102-4304-8506-0708090a0b0c"));
        assert_eq!(at(&d, "body.data"), &Value::Bytes((0..0x50).collect()));
        assert_eq!(at(&d, "handle"), &n(42));
    }

    /// Get Event Records output (Table 8-53) with two records after its 32-byte header.
    #[test]
    fn get_event_records_output() {
        let mut payload = vec![
            0x03, // Flags: overflow, more event records
            0x00, // Reserved
            0x05, 0x00, // Overflow Error Count: 5
            0x00, 0xe8, 0xa0, 0x7e, 0x15, 0x9d, 0x97, 0x17, // First Overflow Event Timestamp
            0x00, 0xd0, 0x17, 0xc7, 0x2c, 0x9d, 0x97, 0x17, // Last Overflow Event Timestamp
            0x02, 0x00, // Event Record Count: 2
        ];
        payload.extend([0u8; 0x0a]); // Reserved
        let mut mld = record(id("mld_port"), [0x01, 0x00, 0x00]);
        mld[0x30] = 0x00;
        payload.extend(mld);
        payload.extend(record(id("dram"), [0x02, 0x00, 0x00]));

        let head = cxlmi_cmd_get_event_records_rsp::decode(&payload);
        let records: Vec<_> = (0..2).map(|i| cxlmi_event_record::decode(&payload[0x20 + 0x80 * i..])).collect();
        let d = event_records(&head, &records);
        assert_eq!(set(at(&d, "flags")), (3, vec!["overflow", "more_records"]));
        assert_eq!(at(&d, "overflow_error_count"), &n(5));
        assert_eq!(at(&d, "first_overflow_timestamp_ns"), &n(1_700_000_100_000_000_000));
        assert_eq!(at(&d, "last_overflow_timestamp_ns"), &n(1_700_000_200_000_000_000));
        assert_eq!(at(&d, "record_count"), &n(2));
        let Value::List(list) = at(&d, "records") else { panic!() };
        let types: Vec<_> = list
            .iter()
            .map(|r| match r {
                Value::Object(o) => (at(o, "record_type").clone(), at(o, "severity").clone()),
                _ => panic!(),
            })
            .collect();
        assert_eq!(
            types,
            vec![(Value::from("mld_port"), named(1, "warning")), (Value::from("dram"), named(2, "failure"))]
        );

        // The endpoint's typed response decodes the same way.
        let listed = Listed::<_, cxlmi_event_record>::new(head, &payload[0x20..], 2, 20);
        assert_eq!(listed.decoded(), d);

        // Without the overflow flag the overflow fields are not valid.
        payload[0] = 0x00;
        let head = cxlmi_cmd_get_event_records_rsp::decode(&payload);
        let d = event_records(&head, records.iter());
        assert_eq!(set(at(&d, "flags")), (0, vec![]));
        assert_eq!(at(&d, "overflow_error_count"), &Value::Null);
        assert_eq!(at(&d, "first_overflow_timestamp_ns"), &Value::Null);
        assert_eq!(at(&d, "last_overflow_timestamp_ns"), &Value::Null);
    }
}
