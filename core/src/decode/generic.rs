//! Generic Component command responses (CXL r3.1 section 8.2.9, Table 8-37) decoded: Identify,
//! Background Operation Status, the response message limit, firmware slots, the timestamp, logs
//! and their capabilities, the Command Effects Log, supported features and the event interrupt
//! policies. Names as ndctl has them where it has them (`cxl list -F`: `num_slots`,
//! `active_slot`, `slot_N_version`, `online_activate_capable`).
//!
//! Responses with entries after a fixed part come as [`Listed`] from the commands; each has a
//! `pub fn` here taking the fixed part and the entries, and `Listed` itself implements
//! [`Decode`] through it.

use super::{Decode, Flags, Object, Value, bits, decoded_list, enumeration, flags, unless, uuid};
use crate::cci::Opcode;
use crate::commands::{Listed, catalog};
use crate::types::{
    cxlmi_cmd_bg_op_status_rsp, cxlmi_cmd_get_event_interrupt_policy_rsp, cxlmi_cmd_get_fw_info_rsp,
    cxlmi_cmd_get_log_capabilities_rsp, cxlmi_cmd_get_log_cel_rsp, cxlmi_cmd_get_log_rsp,
    cxlmi_cmd_get_mctp_event_interrupt_policy_rsp, cxlmi_cmd_get_response_msg_limit_rsp,
    cxlmi_cmd_get_supported_features_rsp, cxlmi_cmd_get_supported_logs_rsp, cxlmi_cmd_get_supported_logs_sublist_rsp,
    cxlmi_cmd_get_timestamp_rsp, cxlmi_cmd_identify_rsp, cxlmi_cmd_set_response_msg_limit_rsp,
    cxlmi_supported_feature_entry, cxlmi_supported_log_entry,
};
use core::ffi::c_char;

/// Command return codes (CXL r3.1 Table 8-34), by the specification's names. The C API's
/// texts for the same codes are [`crate::error::RETCODE_TEXT`].
pub const RETURN_CODES: [(u64, &str); 33] = [
    (0x00, "success"),
    (0x01, "background_command_started"),
    (0x02, "invalid_input"),
    (0x03, "unsupported"),
    (0x04, "internal_error"),
    (0x05, "retry_required"),
    (0x06, "busy"),
    (0x07, "media_disabled"),
    (0x08, "fw_transfer_in_progress"),
    (0x09, "fw_transfer_out_of_order"),
    (0x0a, "fw_verification_failed"),
    (0x0b, "invalid_slot"),
    (0x0c, "activation_failed_fw_rolled_back"),
    (0x0d, "activation_failed_cold_reset_required"),
    (0x0e, "invalid_handle"),
    (0x0f, "invalid_physical_address"),
    (0x10, "inject_poison_limit_reached"),
    (0x11, "permanent_media_failure"),
    (0x12, "aborted"),
    (0x13, "invalid_security_state"),
    (0x14, "incorrect_passphrase"),
    (0x15, "unsupported_mailbox_or_cci"),
    (0x16, "invalid_payload_length"),
    (0x17, "invalid_log"),
    (0x18, "interrupted"),
    (0x19, "unsupported_feature_version"),
    (0x1a, "unsupported_feature_selection_value"),
    (0x1b, "feature_transfer_in_progress"),
    (0x1c, "feature_transfer_out_of_order"),
    (0x1d, "resources_exhausted"),
    (0x1e, "invalid_extent_list"),
    (0x1f, "transfer_out_of_order"),
    (0x20, "request_abort_not_supported_by_background_operation"),
];

/// A command return code by its name in Table 8-34 (name `None` for a code the specification
/// does not define).
pub fn retcode(raw: u16) -> Value {
    enumeration(raw.into(), &RETURN_CODES)
}

/// The name of this library's command type for `opcode` (e.g. `Identify`, `GetPoisonList`),
/// from the one registry of commands; for the opcodes with two types (Get Log, Media
/// Operations), the first the registry lists.
pub fn command_name(opcode: u16) -> Option<&'static str> {
    catalog::lookup(Opcode(opcode)).next().map(|e| e.name)
}

/// A size the specification states as a power of two (`2^n` bytes); `Null` past what a `u64`
/// holds.
fn power_of_two(n: u8) -> Value {
    1u64.checked_shl(n.into()).map_or(Value::Null, Value::from)
}

/// An ASCII revision string of a fixed-size field: up to its first NUL, trailing spaces
/// trimmed, `Null` when nothing is left (an empty firmware slot).
pub fn revision_text(raw: &[c_char]) -> Value {
    let bytes: Vec<u8> = raw.iter().map(|&c| c as u8).take_while(|&b| b != 0).collect();
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_end_matches(' ');
    if text.is_empty() { Value::Null } else { Value::from(text.to_owned()) }
}

/// Component Type of the Identify output (CXL r3.1 Table 8-38).
pub const COMPONENT_TYPES: [(u64, &str); 3] = [(0x00, "switch"), (0x03, "type3_device"), (0x04, "gfd")];

impl Decode for cxlmi_cmd_identify_rsp {
    fn decoded(&self) -> Object {
        let id = *self;
        Object::new()
            .with("vendor_id", id.vendor_id)
            .with("device_id", id.device_id)
            .with("subsystem_vendor_id", id.subsys_vendor_id)
            .with("subsystem_id", id.subsys_id)
            .with("serial", id.serial_num)
            .with("max_message_size_bytes", power_of_two(id.max_msg_size))
            .with("component_type", enumeration(id.component_type.into(), &COMPONENT_TYPES))
    }
}

impl Decode for cxlmi_cmd_bg_op_status_rsp {
    /// Background Operation Status (CXL r3.1 Table 8-39). The return code and the vendor
    /// status are read only once the operation has finished: at 100 percent, or when none is
    /// running any more (an aborted one stops short of 100); before that they are `Null`.
    fn decoded(&self) -> Object {
        let s = *self;
        let status = u64::from(s.status);
        let running = bits(status, 0, 0) == 1;
        let percent = bits(status, 1, 7);
        let finished = percent == 100 || !running;
        let when_finished = |v: Value| if finished { v } else { Value::Null };
        let text = crate::error::retcode_text(s.returncode.into());
        Object::new()
            .with("background_operation_running", running)
            .with("percent_complete", percent)
            .with("opcode", s.opcode)
            .with("command", command_name(s.opcode))
            .with("return_code", when_finished(retcode(s.returncode)))
            .with("return_code_text", when_finished(text.into()))
            .with("vendor_extended_status", when_finished(s.vendor_ext_status.into()))
    }
}

impl Decode for cxlmi_cmd_get_response_msg_limit_rsp {
    /// Get Response Message Limit (CXL r3.1 Table 8-40): `2^n` bytes.
    fn decoded(&self) -> Object {
        Object::new().with("response_message_limit_bytes", power_of_two(self.limit))
    }
}

impl Decode for cxlmi_cmd_set_response_msg_limit_rsp {
    /// Set Response Message Limit output (CXL r3.1 Table 8-42): the limit now in effect.
    fn decoded(&self) -> Object {
        Object::new().with("response_message_limit_bytes", power_of_two(self.limit))
    }
}

/// FW Activation Capabilities bits (CXL r3.1 Table 8-65), named as ndctl names them.
pub const FW_ACTIVATION_CAPABILITIES: [(u32, &str); 1] = [(0, "online_activate_capable")];

/// The keys of the four slots' revisions, as ndctl names them.
const FW_SLOT_VERSIONS: [&str; 4] = ["slot_1_version", "slot_2_version", "slot_3_version", "slot_4_version"];

/// The FW Slot Info byte (CXL r3.1 Table 8-65): the active slot and the one staged for
/// activation, `Null` for slot 0 (illegal for the active slot; "none staged" for the other).
pub fn fw_slot_info(raw: u8) -> Value {
    let raw = u64::from(raw);
    Object::new()
        .with("raw", raw)
        .with("active_slot", unless(bits(raw, 0, 2), 0))
        .with("staged_slot", unless(bits(raw, 3, 5), 0))
        .into()
}

impl Decode for cxlmi_cmd_get_fw_info_rsp {
    /// Get FW Info (CXL r3.1 Table 8-65); a slot's revision is `Null` when the slot is empty.
    fn decoded(&self) -> Object {
        let f = *self;
        let revisions = [f.fw_rev1, f.fw_rev2, f.fw_rev3, f.fw_rev4];
        let mut o = Object::new()
            .with("num_slots", f.slots_supported)
            .with("slot_info", fw_slot_info(f.slot_info))
            .with("fw_activation_capabilities", flags(f.caps.into(), &FW_ACTIVATION_CAPABILITIES));
        for (name, rev) in FW_SLOT_VERSIONS.into_iter().zip(&revisions) {
            o.push(name, revision_text(rev));
        }
        o
    }
}

impl Decode for cxlmi_cmd_get_timestamp_rsp {
    /// Get Timestamp (CXL r3.1 Table 8-68): nanoseconds since the Unix epoch, `Null` when the
    /// timestamp was never set (the device returns 0).
    fn decoded(&self) -> Object {
        Object::new().with("timestamp_ns", unless(self.timestamp, 0))
    }
}

/// A UUID in its printed form as the 16 bytes of its wire form (as [`uuid`] prints them back).
const fn uuid_bytes(text: &str) -> [u8; 16] {
    const fn hex(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lowercase hex digit"),
        }
    }
    let s = text.as_bytes();
    let mut out = [0u8; 16];
    let (mut i, mut n) = (0, 0);
    while i < s.len() {
        if s[i] != b'-' {
            out[n / 2] = out[n / 2] << 4 | hex(s[i]);
            n += 1;
        }
        i += 1;
    }
    assert!(n == 32, "a UUID has 32 hex digits");
    out
}

/// The Log Identifiers the specification defines (CXL r3.1 Table 8-71, section 8.2.9.5.2).
pub const LOGS: [([u8; 16], &str); 7] = [
    (uuid_bytes("0da9c0b5-bf41-4b78-8f79-96b1623b3f17"), "cel"),
    (uuid_bytes("5e1819d9-11a9-400c-811f-d60719403d86"), "vendor_debug"),
    (uuid_bytes("b3fab4cf-01b6-4332-943e-5e9962f23567"), "component_state_dump"),
    (uuid_bytes("f1720d60-a7a9-4306-a003-11948f9e077c"), "ddr5_error_check_scrub"),
    (uuid_bytes("e6dfa32c-d13e-4a5c-8ca8-99bebbf731a4"), "media_test_capability"),
    (uuid_bytes("2c255522-8ce4-11ec-b909-0242ac120002"), "media_test_results_short"),
    (uuid_bytes("c1fe0b3e-7a00-448e-a24e-a6aabbfe587a"), "media_test_results_long"),
];

/// The name of the log `id` (wire order), or `None` for a log the specification does not
/// define (a vendor's).
pub fn log_name(id: &[u8; 16]) -> Option<&'static str> {
    LOGS.iter().find(|(u, _)| u == id).map(|(_, n)| *n)
}

impl Decode for cxlmi_supported_log_entry {
    /// One Supported Log Entry (CXL r3.1 Table 8-71).
    fn decoded(&self) -> Object {
        let e = *self;
        Object::new().with("uuid", uuid(&e.uuid)).with("name", log_name(&e.uuid)).with("log_size_bytes", e.log_size)
    }
}

/// Get Supported Logs (CXL r3.1 Table 8-70): the fixed part and the entries after it.
pub fn supported_logs(head: &cxlmi_cmd_get_supported_logs_rsp, entries: &[cxlmi_supported_log_entry]) -> Object {
    Object::new().with("num_entries", head.num_supported_log_entries).with("entries", decoded_list(entries))
}

/// Get Supported Logs Sub-List (CXL r3.1 Table 8-94): the fixed part and the entries after it.
pub fn supported_logs_sublist(
    head: &cxlmi_cmd_get_supported_logs_sublist_rsp,
    entries: &[cxlmi_supported_log_entry],
) -> Object {
    let h = *head;
    Object::new()
        .with("num_entries", h.num_supported_log_entries)
        .with("total_num_entries", h.total_num_supported_log_entries)
        .with("start_index", h.start_log_entry_index)
        .with("entries", decoded_list(entries))
}

impl Decode for Listed<'_, cxlmi_cmd_get_supported_logs_rsp, cxlmi_supported_log_entry> {
    fn decoded(&self) -> Object {
        supported_logs(&self.head, &self.entries().collect::<Vec<_>>())
    }
}

impl Decode for Listed<'_, cxlmi_cmd_get_supported_logs_sublist_rsp, cxlmi_supported_log_entry> {
    fn decoded(&self) -> Object {
        supported_logs_sublist(&self.head, &self.entries().collect::<Vec<_>>())
    }
}

/// Command Effect bits of a CEL entry (CXL r3.1 Table 8-75), also the Set Feature Effects of a
/// supported feature (Table 8-97).
pub const COMMAND_EFFECTS: [(u32, &str); 12] = [
    (0, "config_change_after_cold_reset"),
    (1, "immediate_config_change"),
    (2, "immediate_data_change"),
    (3, "immediate_policy_change"),
    (4, "immediate_log_change"),
    (5, "security_state_change"),
    (6, "background_operation"),
    (7, "secondary_mailbox_supported"),
    (8, "request_abort_background_operation_supported"),
    (9, "cel_11_10_valid"),
    (10, "config_change_after_conventional_reset"),
    (11, "config_change_after_cxl_reset"),
];

/// A Command Effect bitmask by name. Bit 8 is reserved unless bit 6 (background operation) is
/// set, and bits 10 and 11 count only when bit 9 says they are valid (Table 8-75): such bits
/// read as false, while `raw` keeps what the component sent.
pub fn command_effects(raw: u16) -> Value {
    let raw = u64::from(raw);
    let mut effective = raw;
    if bits(raw, 6, 6) == 0 {
        effective &= !(1 << 8);
    }
    if bits(raw, 9, 9) == 0 {
        effective &= !(0b11 << 10);
    }
    let Value::Flags(f) = flags(effective, &COMMAND_EFFECTS) else { unreachable!("flags() gives Flags") };
    Value::Flags(Flags { raw, ..f })
}

fn cel_entry(opcode: u16, effect: u16) -> Object {
    Object::new()
        .with("opcode", opcode)
        .with("command", command_name(opcode))
        .with("command_effect", command_effects(effect))
}

impl Decode for cxlmi_cmd_get_log_cel_rsp {
    /// One CEL entry (CXL r3.1 Table 8-75); `command` names this library's command type for
    /// the opcode, `Null` when it has none.
    fn decoded(&self) -> Object {
        cel_entry(self.opcode, self.command_effect)
    }
}

impl Decode for cxlmi_cmd_get_log_rsp {
    /// One CEL entry, under the Get Log output's older name.
    fn decoded(&self) -> Object {
        cel_entry(self.opcode, self.command_effect)
    }
}

/// The Command Effects Log (CXL r3.1 Table 8-74): its entries in order.
pub fn cel(entries: &[cxlmi_cmd_get_log_cel_rsp]) -> Object {
    Object::new().with("entries", decoded_list(entries))
}

impl Decode for Listed<'_, (), cxlmi_cmd_get_log_cel_rsp> {
    fn decoded(&self) -> Object {
        cel(&self.entries().collect::<Vec<_>>())
    }
}

/// Parameter Flags of Get Log Capabilities (CXL r3.1 Table 8-90).
pub const LOG_CAPABILITIES: [(u32, &str); 4] = [
    (0, "clear_log_supported"),
    (1, "populate_log_supported"),
    (2, "auto_populate_supported"),
    (3, "persistent_across_cold_reset"),
];

impl Decode for cxlmi_cmd_get_log_capabilities_rsp {
    fn decoded(&self) -> Object {
        Object::new().with("parameter_flags", flags(self.parameter_flags.into(), &LOG_CAPABILITIES))
    }
}

/// The single-bit Attribute Flags of a supported feature (CXL r3.1 Table 8-97); bits 3:1 are
/// the [`RESET_PERSISTENCE`] enumeration.
pub const FEATURE_ATTRIBUTES: [(u32, &str); 4] = [
    (0, "changeable"),
    (4, "persist_across_fw_update"),
    (5, "default_selection_supported"),
    (6, "saved_selection_supported"),
];

/// Deepest Reset Persistence, bits 3:1 of a feature's Attribute Flags (CXL r3.1 Table 8-97).
pub const RESET_PERSISTENCE: [(u64, &str); 5] =
    [(0, "none"), (1, "cxl_reset"), (2, "hot_reset"), (3, "warm_reset"), (4, "cold_reset")];

impl Decode for cxlmi_supported_feature_entry {
    /// One Supported Feature Entry (CXL r3.1 Table 8-97).
    fn decoded(&self) -> Object {
        let e = *self;
        let attributes = u64::from(e.attribute_flags);
        Object::new()
            .with("feature_id", uuid(&e.feature_id))
            .with("feature_index", e.feature_index)
            .with("get_feature_size_bytes", e.get_feature_size)
            .with("set_feature_size_bytes", e.set_feature_size)
            .with("attribute_flags", flags(attributes, &FEATURE_ATTRIBUTES))
            .with("deepest_reset_persistence", enumeration(bits(attributes, 1, 3), &RESET_PERSISTENCE))
            .with("get_feature_version", e.get_feature_version)
            .with("set_feature_version", e.set_feature_version)
            .with("set_feature_effects", command_effects(e.set_feature_effects))
    }
}

/// Get Supported Features (CXL r3.1 Table 8-96): the fixed part and the entries after it.
pub fn supported_features(
    head: &cxlmi_cmd_get_supported_features_rsp,
    entries: &[cxlmi_supported_feature_entry],
) -> Object {
    let h = *head;
    Object::new()
        .with("num_entries", h.num_supported_feature_entries)
        .with("device_supported_features", h.device_supported_features)
        .with("entries", decoded_list(entries))
}

impl Decode for Listed<'_, cxlmi_cmd_get_supported_features_rsp, cxlmi_supported_feature_entry> {
    fn decoded(&self) -> Object {
        supported_features(&self.head, &self.entries().collect::<Vec<_>>())
    }
}

/// Interrupt Mode of an event log's interrupt settings (CXL r3.1 Table 8-55).
pub const INTERRUPT_MODES: [(u64, &str); 3] = [(0, "no_interrupts"), (1, "msi_msix"), (2, "fw_interrupt")];

/// The Dynamic Capacity Event Log has no FW interrupt: 10b is reserved for it.
#[cfg(not(feature = "cxl2_0"))]
const DC_INTERRUPT_MODES: [(u64, &str); 2] = [(0, "no_interrupts"), (1, "msi_msix")];

/// One event log's interrupt settings byte: its mode, and the FW interrupt message number,
/// `Null` unless the mode is FW interrupt (the only mode it is valid for).
pub fn interrupt_settings(raw: u8) -> Value {
    let raw = u64::from(raw);
    let mode = bits(raw, 0, 1);
    Object::new()
        .with("raw", raw)
        .with("interrupt_mode", enumeration(mode, &INTERRUPT_MODES))
        .with("fw_interrupt_message_number", if mode == 2 { Value::from(bits(raw, 4, 7)) } else { Value::Null })
        .into()
}

/// The Dynamic Capacity Event Log's interrupt settings byte: a mode only.
#[cfg(not(feature = "cxl2_0"))]
fn dc_interrupt_settings(raw: u8) -> Value {
    let raw = u64::from(raw);
    Object::new().with("raw", raw).with("interrupt_mode", enumeration(bits(raw, 0, 1), &DC_INTERRUPT_MODES)).into()
}

impl Decode for cxlmi_cmd_get_event_interrupt_policy_rsp {
    /// Get Event Interrupt Policy (CXL r3.1 Table 8-55). The Dynamic Capacity log's settings
    /// are `Null` in the CXL 2.0 layout, which has no such byte.
    fn decoded(&self) -> Object {
        let p = *self;
        #[cfg(not(feature = "cxl2_0"))]
        let dynamic_capacity = dc_interrupt_settings(p.dcd_settings);
        #[cfg(feature = "cxl2_0")]
        let dynamic_capacity = Value::Null;
        Object::new()
            .with("informational_settings", interrupt_settings(p.informational_settings))
            .with("warning_settings", interrupt_settings(p.warning_settings))
            .with("failure_settings", interrupt_settings(p.failure_settings))
            .with("fatal_settings", interrupt_settings(p.fatal_settings))
            .with("dynamic_capacity_settings", dynamic_capacity)
    }
}

/// Event Interrupt Settings of the MCTP event interrupt policy (CXL r3.1 Table 8-57).
pub const MCTP_EVENT_INTERRUPTS: [(u32, &str); 6] = [
    (0, "informational_event_log"),
    (1, "warning_event_log"),
    (2, "failure_event_log"),
    (3, "fatal_event_log"),
    (4, "dynamic_capacity_event_log"),
    (15, "background_operation_completed"),
];

impl Decode for cxlmi_cmd_get_mctp_event_interrupt_policy_rsp {
    fn decoded(&self) -> Object {
        Object::new()
            .with("event_interrupt_settings", flags(self.event_interrupt_settings.into(), &MCTP_EVENT_INTERRUPTS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Enum;
    use crate::wire::Wire;

    fn get<'a>(o: &'a Object, name: &str) -> &'a Value {
        o.get(name).unwrap_or_else(|| panic!("no {name} in {o:?}"))
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

    #[test]
    fn return_codes_follow_table_8_34_and_the_c_texts() {
        assert_eq!(RETURN_CODES.len(), crate::error::RETCODE_TEXT.len());
        for (i, (code, _)) in RETURN_CODES.iter().enumerate() {
            assert_eq!(*code, i as u64);
        }
        assert_eq!(retcode(0x0006), named(6, "busy"));
        assert_eq!(retcode(0x0015), named(0x15, "unsupported_mailbox_or_cci"));
        assert_eq!(retcode(0x0020), named(0x20, "request_abort_not_supported_by_background_operation"));
        assert_eq!(retcode(0x0021), unnamed(0x21));
        assert_eq!(retcode(0xffff), unnamed(0xffff));
    }

    /// Identify output (Table 8-38): IDs at 00h-07h, serial at 08h, message size at 10h, type at 11h.
    #[test]
    fn identify_from_its_bytes() {
        let bytes = [
            0x86, 0x80, // vendor 8086h
            0x93, 0x0d, // device 0d93h
            0x34, 0x12, // subsystem vendor 1234h
            0x78, 0x56, // subsystem 5678h
            0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // serial
            0x0a, // max message size 2^10
            0x03, // type 3 device
        ];
        let d = cxlmi_cmd_identify_rsp::decode(&bytes).decoded();
        assert_eq!(get(&d, "vendor_id"), &Value::Unsigned(0x8086));
        assert_eq!(get(&d, "device_id"), &Value::Unsigned(0x0d93));
        assert_eq!(get(&d, "subsystem_vendor_id"), &Value::Unsigned(0x1234));
        assert_eq!(get(&d, "subsystem_id"), &Value::Unsigned(0x5678));
        assert_eq!(get(&d, "serial"), &Value::Unsigned(0x1122_3344_5566_7788));
        assert_eq!(get(&d, "max_message_size_bytes"), &Value::Unsigned(1024));
        assert_eq!(get(&d, "component_type"), &named(3, "type3_device"));

        let mut other = bytes;
        other[0x11] = 0x00;
        assert_eq!(get(&cxlmi_cmd_identify_rsp::decode(&other).decoded(), "component_type"), &named(0, "switch"));
        other[0x11] = 0x04;
        assert_eq!(get(&cxlmi_cmd_identify_rsp::decode(&other).decoded(), "component_type"), &named(4, "gfd"));
        other[0x11] = 0x01; // reserved
        other[0x10] = 0x40; // 2^64 does not fit
        let d = cxlmi_cmd_identify_rsp::decode(&other).decoded();
        assert_eq!(get(&d, "component_type"), &unnamed(1));
        assert_eq!(get(&d, "max_message_size_bytes"), &Value::Null);
    }

    /// Background Operation Status (Table 8-39): status byte (bit 0 running, bits 7:1 percent),
    /// reserved, opcode, return code, vendor status.
    #[test]
    fn background_operation_status_from_its_bytes() {
        // Scan Media (4304h) finished: 100 %, not running, success, a vendor status.
        let done = [100 << 1, 0, 0x04, 0x43, 0x00, 0x00, 0xcd, 0xab];
        let d = cxlmi_cmd_bg_op_status_rsp::decode(&done).decoded();
        assert_eq!(get(&d, "background_operation_running"), &Value::Bool(false));
        assert_eq!(get(&d, "percent_complete"), &Value::Unsigned(100));
        assert_eq!(get(&d, "opcode"), &Value::Unsigned(0x4304));
        assert_eq!(get(&d, "command"), &Value::from("ScanMedia"));
        assert_eq!(get(&d, "return_code"), &named(0, "success"));
        assert_eq!(get(&d, "return_code_text"), &Value::from("success"));
        assert_eq!(get(&d, "vendor_extended_status"), &Value::Unsigned(0xabcd));

        // Sanitize (4400h) running at 42 %: no result yet.
        let running = [42 << 1 | 1, 0, 0x00, 0x44, 0x12, 0x00, 0x00, 0x00];
        let d = cxlmi_cmd_bg_op_status_rsp::decode(&running).decoded();
        assert_eq!(get(&d, "background_operation_running"), &Value::Bool(true));
        assert_eq!(get(&d, "percent_complete"), &Value::Unsigned(42));
        assert_eq!(get(&d, "command"), &Value::from("Sanitize"));
        assert_eq!(get(&d, "return_code"), &Value::Null);
        assert_eq!(get(&d, "vendor_extended_status"), &Value::Null);

        // Aborted at 42 %: no longer running, so the return code counts.
        let aborted = [42 << 1, 0, 0x00, 0x44, 0x12, 0x00, 0x00, 0x00];
        let d = cxlmi_cmd_bg_op_status_rsp::decode(&aborted).decoded();
        assert_eq!(get(&d, "return_code"), &named(0x12, "aborted"));

        // A vendor opcode and an undefined return code.
        let vendor = [100 << 1, 0, 0x01, 0xc0, 0x40, 0x00, 0x00, 0x00];
        let d = cxlmi_cmd_bg_op_status_rsp::decode(&vendor).decoded();
        assert_eq!(get(&d, "command"), &Value::Null);
        assert_eq!(get(&d, "return_code"), &unnamed(0x40));
        assert_eq!(get(&d, "return_code_text"), &Value::Null);
    }

    #[test]
    fn response_message_limits_are_powers_of_two() {
        let d = cxlmi_cmd_get_response_msg_limit_rsp::decode(&[0x08]).decoded();
        assert_eq!(get(&d, "response_message_limit_bytes"), &Value::Unsigned(256));
        let d = cxlmi_cmd_set_response_msg_limit_rsp::decode(&[0x09]).decoded();
        assert_eq!(get(&d, "response_message_limit_bytes"), &Value::Unsigned(512));
    }

    /// Get FW Info (Table 8-65): slots at 00h, slot info at 01h, capabilities at 02h, revisions
    /// of 16 bytes at 10h, 20h, 30h, 40h.
    #[test]
    fn fw_info_from_its_bytes() {
        let mut bytes = [0u8; 0x50];
        bytes[0x00] = 3; // three slots
        bytes[0x01] = 0b00_011_010; // active slot 2, slot 3 staged
        bytes[0x02] = 0x01; // online activation
        bytes[0x10..0x16].copy_from_slice(b"1.0.0 "); // trailing space, then NULs
        bytes[0x20..0x30].copy_from_slice(b"2.0.0-rc1       "); // full, space padded
        bytes[0x30..0x35].copy_from_slice(b"3.1.4");
        let d = cxlmi_cmd_get_fw_info_rsp::decode(&bytes).decoded();
        assert_eq!(get(&d, "num_slots"), &Value::Unsigned(3));
        let Value::Object(slots) = get(&d, "slot_info") else { panic!() };
        assert_eq!(get(slots, "raw"), &Value::Unsigned(0b011_010));
        assert_eq!(get(slots, "active_slot"), &Value::Unsigned(2));
        assert_eq!(get(slots, "staged_slot"), &Value::Unsigned(3));
        assert_eq!(set_flags(get(&d, "fw_activation_capabilities")), ["online_activate_capable"]);
        assert_eq!(get(&d, "slot_1_version"), &Value::from("1.0.0"));
        assert_eq!(get(&d, "slot_2_version"), &Value::from("2.0.0-rc1"));
        assert_eq!(get(&d, "slot_3_version"), &Value::from("3.1.4"));
        assert_eq!(get(&d, "slot_4_version"), &Value::Null);

        // Nothing staged, no online activation, reserved capability bits set.
        bytes[0x01] = 0b00_000_001;
        bytes[0x02] = 0xfe;
        let d = cxlmi_cmd_get_fw_info_rsp::decode(&bytes).decoded();
        let Value::Object(slots) = get(&d, "slot_info") else { panic!() };
        assert_eq!(get(slots, "active_slot"), &Value::Unsigned(1));
        assert_eq!(get(slots, "staged_slot"), &Value::Null);
        let Value::Flags(caps) = get(&d, "fw_activation_capabilities") else { panic!() };
        assert_eq!((caps.raw, caps.flags.clone()), (0xfe, vec![("online_activate_capable", false)]));
    }

    #[test]
    fn timestamp_never_set_is_null() {
        let d = cxlmi_cmd_get_timestamp_rsp::decode(&[0x00, 0x10, 0x5e, 0xd0, 0xb2, 0x4c, 0x7e, 0x17]).decoded();
        assert_eq!(get(&d, "timestamp_ns"), &Value::Unsigned(0x177e_4cb2_d05e_1000));
        let d = cxlmi_cmd_get_timestamp_rsp::decode(&[0; 8]).decoded();
        assert_eq!(get(&d, "timestamp_ns"), &Value::Null);
    }

    #[test]
    fn log_identifiers_print_as_the_specification_writes_them() {
        assert_eq!(LOGS[0].0, crate::commands::generic::CEL_UUID);
        assert_eq!(uuid(&LOGS[5].0), Value::from("2c255522-8ce4-11ec-b909-0242ac120002"));
        assert_eq!(uuid(&LOGS[6].0), Value::from("c1fe0b3e-7a00-448e-a24e-a6aabbfe587a"));
    }

    /// Get Supported Logs (Table 8-70) with three entries (Table 8-71: 16-byte UUID, 4-byte size).
    #[test]
    fn supported_logs_from_their_bytes() {
        let mut bytes = vec![3, 0, 0, 0, 0, 0, 0, 0];
        let logs: [(&[u8; 16], u32); 3] = [
            (&LOGS[0].0, 0x40),
            (&[0x11; 16], 0x1000), // a vendor's log
            (&LOGS[3].0, 0x0102_0304),
        ];
        for (id, size) in logs {
            bytes.extend_from_slice(id);
            bytes.extend_from_slice(&size.to_le_bytes());
        }
        let head = cxlmi_cmd_get_supported_logs_rsp::decode(&bytes);
        let entries: Vec<_> = (0..3).map(|i| cxlmi_supported_log_entry::decode_nth(&bytes[8..], i).unwrap()).collect();
        let d = supported_logs(&head, &entries);
        assert_eq!(get(&d, "num_entries"), &Value::Unsigned(3));
        let Value::List(list) = get(&d, "entries") else { panic!() };
        let Value::Object(cel) = &list[0] else { panic!() };
        assert_eq!(get(cel, "uuid"), &Value::from("0da9c0b5-bf41-4b78-8f79-96b1623b3f17"));
        assert_eq!(get(cel, "name"), &Value::from("cel"));
        assert_eq!(get(cel, "log_size_bytes"), &Value::Unsigned(0x40));
        let Value::Object(vendor) = &list[1] else { panic!() };
        assert_eq!(get(vendor, "uuid"), &Value::from("11111111-1111-1111-1111-111111111111"));
        assert_eq!(get(vendor, "name"), &Value::Null);
        let Value::Object(ecs) = &list[2] else { panic!() };
        assert_eq!(get(ecs, "name"), &Value::from("ddr5_error_check_scrub"));
        assert_eq!(get(ecs, "log_size_bytes"), &Value::Unsigned(0x0102_0304));

        // The same entries as a Listed, the way Get Supported Logs hands them out.
        let listed: Listed<'_, _, cxlmi_supported_log_entry> = Listed::new(head, &bytes[8..], 3, 7);
        assert_eq!(listed.decoded(), d);
    }

    /// Get Supported Logs Sub-List (Table 8-94): count, reserved, total, start index, reserved.
    #[test]
    fn supported_logs_sublist_from_its_bytes() {
        let mut bytes = vec![1, 0, 5, 0, 2, 0, 0, 0];
        bytes.extend_from_slice(&LOGS[1].0);
        bytes.extend_from_slice(&0x20u32.to_le_bytes());
        let head = cxlmi_cmd_get_supported_logs_sublist_rsp::decode(&bytes);
        let entry = cxlmi_supported_log_entry::decode(&bytes[8..]);
        let d = supported_logs_sublist(&head, &[entry]);
        assert_eq!(get(&d, "num_entries"), &Value::Unsigned(1));
        assert_eq!(get(&d, "total_num_entries"), &Value::Unsigned(5));
        assert_eq!(get(&d, "start_index"), &Value::Unsigned(2));
        let Value::List(list) = get(&d, "entries") else { panic!() };
        let Value::Object(e) = &list[0] else { panic!() };
        assert_eq!(get(e, "name"), &Value::from("vendor_debug"));
    }

    /// CEL entries (Table 8-75): opcode, then the command effect bitmask.
    #[test]
    fn cel_entries_from_their_bytes() {
        let bytes = [
            0x01, 0x00, 0x00, 0x00, // Identify, no effects
            0x01, 0x02, 0x41, 0x0f, // Transfer FW: cold reset, background, abortable, [11:10] valid, both resets
            0x04, 0x43, 0x40, 0x00, // Scan Media: background only
            0x00, 0x44, 0x04, 0x0d, // Sanitize: data change, bit 8 without bit 6, bits 10/11 without bit 9
            0x00, 0xc0, 0x00, 0xf0, // vendor opcode, reserved bits only
        ];
        let entries: Vec<_> = (0..5).map(|i| cxlmi_cmd_get_log_cel_rsp::decode_nth(&bytes, i).unwrap()).collect();
        let d = cel(&entries);
        let Value::List(list) = get(&d, "entries") else { panic!() };
        let entry = |i: usize| match &list[i] {
            Value::Object(o) => o.clone(),
            v => panic!("{v:?}"),
        };
        assert_eq!(get(&entry(0), "command"), &Value::from("Identify"));
        assert!(set_flags(get(&entry(0), "command_effect")).is_empty());

        let fw = entry(1);
        assert_eq!(get(&fw, "opcode"), &Value::Unsigned(0x0201));
        assert_eq!(get(&fw, "command"), &Value::from("TransferFw"));
        assert_eq!(
            set_flags(get(&fw, "command_effect")),
            [
                "config_change_after_cold_reset",
                "background_operation",
                "request_abort_background_operation_supported",
                "cel_11_10_valid",
                "config_change_after_conventional_reset",
                "config_change_after_cxl_reset",
            ]
        );
        assert_eq!(set_flags(get(&entry(2), "command_effect")), ["background_operation"]);

        let sanitize = entry(3);
        let Value::Flags(f) = get(&sanitize, "command_effect") else { panic!() };
        assert_eq!(f.raw, 0x0d04, "the raw value is kept");
        assert_eq!(f.set().collect::<Vec<_>>(), ["immediate_data_change"], "bits not valid read as false");
        assert_eq!(f.flags.len(), 12, "every defined flag is present");

        let vendor = entry(4);
        assert_eq!(get(&vendor, "command"), &Value::Null);
        let Value::Flags(f) = get(&vendor, "command_effect") else { panic!() };
        assert_eq!((f.raw, f.set().count()), (0xf000, 0));

        // Get Log's older output name decodes alike; the Listed of GetLogCel too.
        assert_eq!(cxlmi_cmd_get_log_rsp::decode(&bytes[4..]).decoded(), entries[1].decoded());
        let listed: Listed<'_, (), cxlmi_cmd_get_log_cel_rsp> = Listed::new((), &bytes, 5, 5);
        assert_eq!(listed.decoded(), d);
    }

    #[test]
    fn log_capabilities_from_their_bytes() {
        // Table 8-90: clear and populate supported, persistent across cold reset; a reserved bit.
        let d = cxlmi_cmd_get_log_capabilities_rsp::decode(&[0b1011, 0, 0, 0x80]).decoded();
        let Value::Flags(f) = get(&d, "parameter_flags") else { panic!() };
        assert_eq!(f.raw, 0x8000_000b);
        assert_eq!(
            f.flags,
            [
                ("clear_log_supported", true),
                ("populate_log_supported", true),
                ("auto_populate_supported", false),
                ("persistent_across_cold_reset", true),
            ]
        );
    }

    /// Get Supported Features (Table 8-96) with one entry (Table 8-97, 48 bytes).
    #[test]
    fn supported_features_from_their_bytes() {
        let mut bytes = vec![1, 0, 4, 0, 0, 0, 0, 0];
        let mut entry = [0u8; 48];
        entry[0x00..0x10].copy_from_slice(&uuid_bytes("96dad7d6-fde8-482b-a733-75775e1b8a6a"));
        entry[0x10..0x12].copy_from_slice(&2u16.to_le_bytes()); // index
        entry[0x12..0x14].copy_from_slice(&0x0cu16.to_le_bytes()); // get size
        entry[0x14..0x16].copy_from_slice(&0x0au16.to_le_bytes()); // set size
        // changeable, deepest reset persistence cold (100b), default and saved selection
        entry[0x16..0x1a].copy_from_slice(&0b110_1001u32.to_le_bytes());
        entry[0x1a] = 1; // get version
        entry[0x1b] = 2; // set version
        entry[0x1c..0x1e].copy_from_slice(&0x0202u16.to_le_bytes()); // [11:10] valid, immediate config change
        bytes.extend_from_slice(&entry);
        let head = cxlmi_cmd_get_supported_features_rsp::decode(&bytes);
        let e = cxlmi_supported_feature_entry::decode(&bytes[8..]);
        let d = supported_features(&head, &[e]);
        assert_eq!(get(&d, "num_entries"), &Value::Unsigned(1));
        assert_eq!(get(&d, "device_supported_features"), &Value::Unsigned(4));
        let Value::List(list) = get(&d, "entries") else { panic!() };
        let Value::Object(f) = &list[0] else { panic!() };
        assert_eq!(get(f, "feature_id"), &Value::from("96dad7d6-fde8-482b-a733-75775e1b8a6a"));
        assert_eq!(get(f, "feature_index"), &Value::Unsigned(2));
        assert_eq!(get(f, "get_feature_size_bytes"), &Value::Unsigned(12));
        assert_eq!(get(f, "set_feature_size_bytes"), &Value::Unsigned(10));
        let Value::Flags(attr) = get(f, "attribute_flags") else { panic!() };
        assert_eq!(attr.raw, 0b110_1001);
        assert_eq!(
            attr.flags,
            [
                ("changeable", true),
                ("persist_across_fw_update", false),
                ("default_selection_supported", true),
                ("saved_selection_supported", true),
            ]
        );
        assert_eq!(get(f, "deepest_reset_persistence"), &named(4, "cold_reset"));
        assert_eq!(get(f, "get_feature_version"), &Value::Unsigned(1));
        assert_eq!(get(f, "set_feature_version"), &Value::Unsigned(2));
        assert_eq!(set_flags(get(f, "set_feature_effects")), ["immediate_config_change", "cel_11_10_valid"]);

        // A reserved reset persistence value.
        let mut reserved = e;
        reserved.attribute_flags = 0b1010;
        assert_eq!(get(&reserved.decoded(), "deepest_reset_persistence"), &unnamed(5));

        let listed: Listed<'_, _, cxlmi_supported_feature_entry> = Listed::new(head, &bytes[8..], 1, 1);
        assert_eq!(listed.decoded(), d);
    }

    /// Get Event Interrupt Policy (Table 8-55): one settings byte per log, bits 1:0 mode,
    /// bits 7:4 FW interrupt message number; the Dynamic Capacity log's byte at 04h.
    #[test]
    fn event_interrupt_policy_from_its_bytes() {
        let bytes = [
            0x00,        // informational: none
            0x01,        // warning: MSI/MSI-X
            0b0101_0010, // failure: FW interrupt, message 5
            0b0111_0011, // fatal: reserved mode (message number not valid)
            0x02,        // dynamic capacity: 10b is reserved there
        ];
        let d = cxlmi_cmd_get_event_interrupt_policy_rsp::decode(&bytes).decoded();
        let settings = |name| match get(&d, name) {
            Value::Object(o) => o.clone(),
            v => panic!("{v:?}"),
        };
        assert_eq!(get(&settings("informational_settings"), "interrupt_mode"), &named(0, "no_interrupts"));
        assert_eq!(get(&settings("warning_settings"), "interrupt_mode"), &named(1, "msi_msix"));
        assert_eq!(get(&settings("warning_settings"), "fw_interrupt_message_number"), &Value::Null);
        let failure = settings("failure_settings");
        assert_eq!(get(&failure, "raw"), &Value::Unsigned(0x52));
        assert_eq!(get(&failure, "interrupt_mode"), &named(2, "fw_interrupt"));
        assert_eq!(get(&failure, "fw_interrupt_message_number"), &Value::Unsigned(5));
        let fatal = settings("fatal_settings");
        assert_eq!(get(&fatal, "interrupt_mode"), &unnamed(3));
        assert_eq!(get(&fatal, "fw_interrupt_message_number"), &Value::Null);
        #[cfg(not(feature = "cxl2_0"))]
        assert_eq!(get(&settings("dynamic_capacity_settings"), "interrupt_mode"), &unnamed(2));
        #[cfg(feature = "cxl2_0")]
        assert_eq!(get(&d, "dynamic_capacity_settings"), &Value::Null);
    }

    #[test]
    fn mctp_event_interrupt_policy_from_its_bytes() {
        // Table 8-57: warning and dynamic capacity logs, background completion; bit 5 reserved.
        let d = cxlmi_cmd_get_mctp_event_interrupt_policy_rsp::decode(&[0b0011_0010, 0x80]).decoded();
        let Value::Flags(f) = get(&d, "event_interrupt_settings") else { panic!() };
        assert_eq!(f.raw, 0x8032);
        assert_eq!(
            f.set().collect::<Vec<_>>(),
            ["warning_event_log", "dynamic_capacity_event_log", "background_operation_completed"]
        );
    }

    #[test]
    fn command_names_come_from_the_registry() {
        assert_eq!(command_name(0x0001), Some("Identify"));
        assert_eq!(command_name(0x4300), Some("GetPoisonList"));
        assert_eq!(command_name(0x5300), None, "tunnelling has no command type");
        assert_eq!(command_name(0xc000), None);
    }
}
