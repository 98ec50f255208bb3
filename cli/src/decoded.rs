//! The core's decoded values ([`cxlmi::decode`]) as JSON, the form every subcommand's result
//! takes: enumerations as `{"raw", "name"}`, flags as `{"raw", flag: bool, ...}`, byte strings as
//! hex, numbers as numbers. [`crate::render`] turns the same shapes into text.

use cxlmi::decode::{Decode, Object, Value as Decoded};
use serde_json::Value;
#[cfg(test)]
use serde_json::json;

/// `o` as a JSON object.
pub fn object(o: &Object) -> Value {
    serde_json::from_str(&cxlmi::decode::json::object(o)).expect("the core writes JSON")
}

/// What a response decodes to, as JSON.
pub fn of<D: Decode + ?Sized>(d: &D) -> Value {
    object(&d.decoded())
}

/// `v` as JSON: the core's rendering ([`cxlmi::decode::json`], which the Python module's
/// `to_dict` reads too), so the shapes are spelled in one place.
pub fn value(v: &Decoded) -> Value {
    serde_json::from_str(&cxlmi::decode::json::value(v)).expect("the core writes JSON")
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxlmi::decode::{enumeration, flags};

    /// Every kind of value, as the tests below build it.
    fn sample() -> Object {
        Object::new()
            .with("state", enumeration(4, &[(4, "l0")]))
            .with("reserved", enumeration(9, &[(4, "l0")]))
            .with("status", flags(0b10, &[(0, "a"), (1, "b")]))
            .with("data", Decoded::Bytes(vec![0xde, 0xad]))
            .with("missing", Decoded::Null)
            .with("ratio", Decoded::Float(0.25))
    }

    #[test]
    fn shapes() {
        assert_eq!(
            object(&sample()),
            json!({"state": {"raw": 4, "name": "l0"}, "reserved": {"raw": 9, "name": null},
                   "status": {"raw": 2, "a": false, "b": true}, "data": "dead", "missing": null, "ratio": 0.25})
        );
    }

    /// The core's JSON text (what the Python module's to_dict reads, and the tool prints) is
    /// this document.
    #[test]
    fn the_cores_json_text_is_the_same_document() {
        let o = sample()
            .with("whole", Decoded::Float(3.0))
            .with("temp", Decoded::Signed(-40))
            .with("big", Decoded::Unsigned(u64::MAX))
            .with("text", Decoded::from("a \"quoted\"\\ line\n\u{1}é".to_string()))
            .with("list", Decoded::List(vec![Decoded::Bool(true), Object::new().with("x", 1u8).into()]));
        let text = cxlmi::decode::json::object(&o);
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            json!({"state": {"raw": 4, "name": "l0"}, "reserved": {"raw": 9, "name": null},
                   "status": {"raw": 2, "a": false, "b": true}, "data": "dead", "missing": null, "ratio": 0.25,
                   "whole": 3.0, "temp": -40, "big": u64::MAX, "text": "a \"quoted\"\\ line\n\u{1}é",
                   "list": [true, {"x": 1}]})
        );
        // And every decoded response the tool prints: Identify's, say.
        let id = cxlmi::types::cxlmi_cmd_identify_rsp {
            vendor_id: 0x8086,
            device_id: 1,
            subsys_vendor_id: 2,
            subsys_id: 3,
            serial_num: u64::MAX,
            max_msg_size: 11,
            component_type: 3,
        };
        assert_eq!(
            of(&id),
            json!({"vendor_id": 0x8086, "device_id": 1, "subsystem_vendor_id": 2, "subsystem_id": 3,
                   "serial": u64::MAX, "max_message_size_bytes": 2048,
                   "component_type": {"raw": 3, "name": "type3_device"}})
        );
    }
}
