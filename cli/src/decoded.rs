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
}
