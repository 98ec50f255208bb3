//! A decoded [`Value`] as JSON text, in the shapes the module documentation's table gives: the
//! one rendering of them. The tool's `--json` output (`cli/src/decoded.rs`) and the Python
//! module's `to_dict` both read this text.

use super::{Object, Value};
use core::fmt::Write;

/// `o` as a JSON object, its names in order.
pub fn object(o: &Object) -> String {
    let mut out = String::new();
    write_object(&mut out, o);
    out
}

/// `v` as JSON.
pub fn value(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

fn write_object(out: &mut String, o: &Object) {
    out.push('{');
    for (i, (name, v)) in o.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        write_value(out, v);
    }
    out.push('}');
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Unsigned(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Signed(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Float(f) => write_float(out, *f),
        Value::Text(t) => write_string(out, t),
        Value::Bytes(b) => {
            out.push('"');
            for x in b {
                let _ = write!(out, "{x:02x}");
            }
            out.push('"');
        }
        Value::Enum(e) => {
            let _ = write!(out, "{{\"raw\":{},\"name\":", e.raw);
            match e.name {
                Some(name) => write_string(out, name),
                None => out.push_str("null"),
            }
            out.push('}');
        }
        Value::Flags(f) => {
            let _ = write!(out, "{{\"raw\":{}", f.raw);
            for (name, on) in &f.flags {
                out.push(',');
                write_string(out, name);
                out.push_str(if *on { ":true" } else { ":false" });
            }
            out.push('}');
        }
        Value::Object(o) => write_object(out, o),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
    }
}

/// A finite float as a JSON number that reads back as a float (`1.0`, not `1`); NaN and the
/// infinities, which JSON cannot hold, as `null` (as serde_json writes them).
fn write_float(out: &mut String, f: f64) {
    if !f.is_finite() {
        out.push_str("null");
        return;
    }
    // Display gives the shortest text that reads back as the same f64, never an exponent.
    let start = out.len();
    let _ = write!(out, "{f}");
    if !out[start..].contains('.') {
        out.push_str(".0");
    }
}

/// `s` as a JSON string (RFC 8259 section 7): quotes, backslashes and control characters
/// escaped, everything else as it is (the text is UTF-8).
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{enumeration, flags};

    #[test]
    fn shapes() {
        let o = Object::new()
            .with("state", enumeration(4, &[(4, "l0")]))
            .with("reserved", enumeration(9, &[(4, "l0")]))
            .with("status", flags(0b10, &[(0, "a"), (1, "b")]))
            .with("data", Value::Bytes(vec![0xde, 0xad]))
            .with("missing", Value::Null)
            .with("ratio", Value::Float(0.25))
            .with("whole", Value::Float(2.0))
            .with("nan", Value::Float(f64::NAN))
            .with("temp", Value::Signed(-5))
            .with("big", Value::Unsigned(u64::MAX))
            .with("on", true)
            .with("list", Value::List(vec![Value::Unsigned(1), Object::new().with("x", 2u8).into()]))
            .with("empty", Value::List(vec![]))
            .with("none", Object::new());
        assert_eq!(
            object(&o),
            concat!(
                r#"{"state":{"raw":4,"name":"l0"},"reserved":{"raw":9,"name":null},"#,
                r#""status":{"raw":2,"a":false,"b":true},"data":"dead","missing":null,"ratio":0.25,"#,
                r#""whole":2.0,"nan":null,"temp":-5,"big":18446744073709551615,"on":true,"#,
                r#""list":[1,{"x":2}],"empty":[],"none":{}}"#
            )
        );
    }

    #[test]
    fn strings_are_escaped() {
        let text = "a\"b\\c\nd\u{1}e\u{7f}é\u{1F600}\t\r\u{8}\u{c}/";
        assert_eq!(value(&Value::from(text.to_string())), "\"a\\\"b\\\\c\\nd\\u0001e\u{7f}é\u{1F600}\\t\\r\\b\\f/\"");
    }

    #[test]
    fn floats_read_back_exactly() {
        for f in [0.1, 1.0 / 3.0, 1e-7, 1e21, 123456789.0, -0.5, 5e-324, f64::MAX] {
            let text = value(&Value::Float(f));
            assert!(text.contains('.'), "{text}");
            assert_eq!(text.parse::<f64>().unwrap(), f, "{text}");
        }
        assert_eq!(value(&Value::Float(f64::INFINITY)), "null");
    }
}
