//! Get Health Info (4200h) and Get Alert Configuration (4201h), CXL r3.1 8.2.9.9.3.1 and
//! 8.2.9.9.3.2. Names as ndctl's `cxl list -H` has them where it has them.

use super::{Decode, Object, Value, bits, enumeration, flags, unless};
use crate::types::{cxlmi_cmd_memdev_get_alert_config_rsp, cxlmi_cmd_memdev_get_health_info_rsp};

/// Health Status bits (Table 8-133; bit 3 from CXL r3.2, as the kernel's trace events name it).
pub const HEALTH_STATUS: [(u32, &str); 4] = [
    (0, "maintenance_needed"),
    (1, "performance_degraded"),
    (2, "hw_replacement_needed"),
    (3, "mem_capacity_degraded"),
];

/// Media Status values (Table 8-133).
pub const MEDIA_STATUS: [(u64, &str); 10] = [
    (0x00, "normal"),
    (0x01, "not_ready"),
    (0x02, "persistence_lost"),
    (0x03, "data_lost"),
    (0x04, "powerloss_persistence_loss"),
    (0x05, "shutdown_persistence_loss"),
    (0x06, "persistence_loss_imminent"),
    (0x07, "powerloss_data_loss"),
    (0x08, "shutdown_data_loss"),
    (0x09, "data_loss_imminent"),
];

/// The two-bit alert states of Additional Status (life used, device temperature).
const ALERT_STATE: [(u64, &str); 3] = [(0, "normal"), (1, "warning"), (2, "critical")];
/// The one-bit alert states (corrected error counts).
const WARNING_STATE: [(u64, &str); 2] = [(0, "normal"), (1, "warning")];

/// Life Used when the device does not report it.
pub const LIFE_USED_NOT_IMPLEMENTED: u8 = 0xff;
/// Device Temperature when the device does not report it (as ndctl reads it).
pub const TEMPERATURE_NOT_IMPLEMENTED: u16 = 0xffff;

/// The Additional Status byte: its alert states by name.
pub fn additional_status(raw: u8) -> Value {
    let raw = u64::from(raw);
    Object::new()
        .with("raw", raw)
        .with("life_used", enumeration(bits(raw, 0, 1), &ALERT_STATE))
        .with("temperature", enumeration(bits(raw, 2, 3), &ALERT_STATE))
        .with("corrected_volatile", enumeration(bits(raw, 4, 4), &WARNING_STATE))
        .with("corrected_persistent", enumeration(bits(raw, 5, 5), &WARNING_STATE))
        .into()
}

/// A temperature field: degrees Celsius, two's complement, or `Null` for the sentinel.
pub fn temperature(raw: u16) -> Value {
    if raw == TEMPERATURE_NOT_IMPLEMENTED { Value::Null } else { Value::Signed((raw as i16).into()) }
}

impl Decode for cxlmi_cmd_memdev_get_health_info_rsp {
    fn decoded(&self) -> Object {
        let h = *self;
        Object::new()
            .with("health_status", flags(h.health_status.into(), &HEALTH_STATUS))
            .with("media_status", enumeration(h.media_status.into(), &MEDIA_STATUS))
            .with("additional_status", additional_status(h.additional_status))
            .with("life_used_percent", unless(h.life_used, LIFE_USED_NOT_IMPLEMENTED))
            .with("temperature_celsius", temperature(h.device_temperature))
            .with("dirty_shutdowns", h.dirty_shutdown_count)
            .with("corrected_volatile_errors", h.corrected_volatile_error_count)
            .with("corrected_persistent_errors", h.corrected_persistent_error_count)
    }
}

/// Valid Alerts and Programmable Alerts bits (Table 8-135).
pub const ALERTS: [(u32, &str); 5] = [
    (0, "life_used_programmable_warning"),
    (1, "device_over_temperature_programmable_warning"),
    (2, "device_under_temperature_programmable_warning"),
    (3, "corrected_volatile_mem_error_programmable_warning"),
    (4, "corrected_persistent_mem_error_programmable_warning"),
];

impl Decode for cxlmi_cmd_memdev_get_alert_config_rsp {
    fn decoded(&self) -> Object {
        let a = *self;
        let celsius = |raw: u16| Value::Signed((raw as i16).into());
        Object::new()
            .with("valid_alerts", flags(a.valid_alerts.into(), &ALERTS))
            .with("programmable_alerts", flags(a.programmable_alerts.into(), &ALERTS))
            .with("life_used_critical_alert_threshold_percent", a.life_used_critical_alert_threshold)
            .with("life_used_programmable_warning_threshold_percent", a.life_used_programmable_warning_threshold)
            .with(
                "device_over_temperature_critical_alert_threshold_celsius",
                celsius(a.device_over_temperature_critical_alert_threshold),
            )
            .with(
                "device_under_temperature_critical_alert_threshold_celsius",
                celsius(a.device_under_temperature_critical_alert_threshold),
            )
            .with(
                "device_over_temperature_programmable_warning_threshold_celsius",
                celsius(a.device_over_temperature_programmable_warning_threshold),
            )
            .with(
                "device_under_temperature_programmable_warning_threshold_celsius",
                celsius(a.device_under_temperature_programmable_warning_threshold),
            )
            .with(
                "corrected_volatile_mem_error_programmable_warning_threshold",
                a.corrected_volatile_mem_error_programmable_warning_threshold,
            )
            .with(
                "corrected_persistent_mem_error_programmable_warning_threshold",
                a.corrected_persistent_mem_error_programmable_warning_threshold,
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Enum, Flags};
    use crate::wire::Wire;

    /// Get Health Info output as the specification lays it out (Table 8-133), little-endian.
    #[test]
    fn health_info_from_its_bytes() {
        let bytes = [
            0b0000_0101, // health status: maintenance needed, hardware replacement needed
            0x03,        // media status: all data lost
            0b0010_1001, // additional: life used warning, temperature critical, persistent warning
            0x2a,        // life used 42 %
            0xfb,
            0xff, // temperature -5 C
            0x02,
            0,
            0,
            0, // dirty shutdowns
            0x10,
            0x01,
            0,
            0, // corrected volatile 272
            0x00,
            0x00,
            0x01,
            0, // corrected persistent 65536
        ];
        let rsp = cxlmi_cmd_memdev_get_health_info_rsp::decode(&bytes);
        let d = rsp.decoded();
        let Some(Value::Flags(Flags { raw: 5, flags })) = d.get("health_status") else { panic!("{d:?}") };
        assert_eq!(
            *flags,
            vec![
                ("maintenance_needed", true),
                ("performance_degraded", false),
                ("hw_replacement_needed", true),
                ("mem_capacity_degraded", false)
            ]
        );
        assert_eq!(d.get("media_status"), Some(&Value::Enum(Enum { raw: 3, name: Some("data_lost") })));
        let Some(Value::Object(add)) = d.get("additional_status") else { panic!() };
        assert_eq!(add.get("raw"), Some(&Value::Unsigned(0b10_1001)));
        assert_eq!(add.get("life_used"), Some(&Value::Enum(Enum { raw: 1, name: Some("warning") })));
        assert_eq!(add.get("temperature"), Some(&Value::Enum(Enum { raw: 2, name: Some("critical") })));
        assert_eq!(add.get("corrected_volatile"), Some(&Value::Enum(Enum { raw: 0, name: Some("normal") })));
        assert_eq!(add.get("corrected_persistent"), Some(&Value::Enum(Enum { raw: 1, name: Some("warning") })));
        assert_eq!(d.get("life_used_percent"), Some(&Value::Unsigned(42)));
        assert_eq!(d.get("temperature_celsius"), Some(&Value::Signed(-5)));
        assert_eq!(d.get("dirty_shutdowns"), Some(&Value::Unsigned(2)));
        assert_eq!(d.get("corrected_volatile_errors"), Some(&Value::Unsigned(272)));
        assert_eq!(d.get("corrected_persistent_errors"), Some(&Value::Unsigned(65536)));
    }

    #[test]
    fn not_implemented_and_reserved_values() {
        let mut bytes = [0u8; 18];
        bytes[1] = 0x0a; // a media status the specification does not define
        bytes[3] = 0xff;
        bytes[4] = 0xff;
        bytes[5] = 0xff;
        let d = cxlmi_cmd_memdev_get_health_info_rsp::decode(&bytes).decoded();
        assert_eq!(d.get("media_status"), Some(&Value::Enum(Enum { raw: 0x0a, name: None })));
        assert_eq!(d.get("life_used_percent"), Some(&Value::Null));
        assert_eq!(d.get("temperature_celsius"), Some(&Value::Null));
    }

    #[test]
    fn alert_config_from_its_bytes() {
        // Table 8-135: valid 0x03, programmable 0x1f, life critical 90, life warning 75,
        // over-temp critical 85, under-temp critical -10, over warning 70, under warning -5,
        // corrected volatile warning 100, corrected persistent warning 200.
        let bytes = [0x03, 0x1f, 90, 75, 85, 0, 0xf6, 0xff, 70, 0, 0xfb, 0xff, 100, 0, 200, 0];
        let d = cxlmi_cmd_memdev_get_alert_config_rsp::decode(&bytes).decoded();
        let Some(Value::Flags(valid)) = d.get("valid_alerts") else { panic!() };
        assert_eq!(
            valid.set().collect::<Vec<_>>(),
            vec!["life_used_programmable_warning", "device_over_temperature_programmable_warning"]
        );
        assert_eq!(d.get("device_under_temperature_critical_alert_threshold_celsius"), Some(&Value::Signed(-10)));
        assert_eq!(d.get("device_under_temperature_programmable_warning_threshold_celsius"), Some(&Value::Signed(-5)));
        assert_eq!(d.get("corrected_persistent_mem_error_programmable_warning_threshold"), Some(&Value::Unsigned(200)));
    }
}
