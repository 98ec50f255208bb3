//! The core's decoded values ([`cxlmi::decode`]) as JSON, the form every subcommand's result
//! takes: enumerations as `{"raw", "name"}`, flags as `{"raw", flag: bool, ...}`, byte strings as
//! hex, numbers as numbers. [`crate::render`] turns the same shapes into text.

use cxlmi::decode::{Decode, Object, Value as Decoded};
use serde_json::{Map, Value, json};

/// `o` as a JSON object.
pub fn object(o: &Object) -> Value {
    Value::Object(o.0.iter().map(|(k, v)| ((*k).to_string(), value(v))).collect())
}

/// What a response decodes to, as JSON.
pub fn of<D: Decode + ?Sized>(d: &D) -> Value {
    object(&d.decoded())
}

pub fn value(v: &Decoded) -> Value {
    match v {
        Decoded::Null => Value::Null,
        Decoded::Bool(b) => json!(b),
        Decoded::Unsigned(n) => json!(n),
        Decoded::Signed(n) => json!(n),
        Decoded::Float(f) => json!(f),
        Decoded::Text(t) => json!(t),
        Decoded::Bytes(b) => json!(crate::parse::to_hex(b)),
        Decoded::Enum(e) => json!({"raw": e.raw, "name": e.name}),
        Decoded::Flags(f) => {
            let mut m = Map::new();
            m.insert("raw".into(), json!(f.raw));
            for (name, on) in &f.flags {
                m.insert((*name).to_string(), json!(on));
            }
            Value::Object(m)
        }
        Decoded::Object(o) => object(o),
        Decoded::List(items) => Value::Array(items.iter().map(value).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxlmi::decode::{enumeration, flags};

    #[test]
    fn shapes() {
        let o = Object::new()
            .with("state", enumeration(4, &[(4, "l0")]))
            .with("reserved", enumeration(9, &[(4, "l0")]))
            .with("status", flags(0b10, &[(0, "a"), (1, "b")]))
            .with("data", Decoded::Bytes(vec![0xde, 0xad]))
            .with("missing", Decoded::Null)
            .with("ratio", Decoded::Float(0.25));
        assert_eq!(
            object(&o),
            json!({"state": {"raw": 4, "name": "l0"}, "reserved": {"raw": 9, "name": null},
                   "status": {"raw": 2, "a": false, "b": true}, "data": "dead", "missing": null, "ratio": 0.25})
        );
    }

    /// The core's JSON text (what the Python module's to_dict reads) is this document.
    #[test]
    fn the_cores_json_text_is_the_same_document() {
        let o = Object::new()
            .with("state", enumeration(4, &[(4, "l0")]))
            .with("reserved", enumeration(9, &[(4, "l0")]))
            .with("status", flags(0b10, &[(0, "a"), (1, "b")]))
            .with("data", Decoded::Bytes(vec![0xde, 0xad]))
            .with("missing", Decoded::Null)
            .with("ratio", Decoded::Float(0.25))
            .with("whole", Decoded::Float(3.0))
            .with("temp", Decoded::Signed(-40))
            .with("big", Decoded::Unsigned(u64::MAX))
            .with("text", Decoded::from("a \"quoted\"\\ line\n\u{1}é".to_string()))
            .with("list", Decoded::List(vec![Decoded::Bool(true), Object::new().with("x", 1u8).into()]));
        let text = cxlmi::decode::json::object(&o);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), object(&o));
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
        assert_eq!(serde_json::from_str::<Value>(&cxlmi::decode::json::object(&id.decoded())).unwrap(), of(&id));
    }
}
