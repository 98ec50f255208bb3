//! The human-readable form of a command's result. Every subcommand builds
//! one JSON value; `--json` prints it as is, and this turns the same value
//! into short aligned text: `key  value` lines, lists of objects as tables.
//! Keys ending in `_bytes` also show the size in binary units.

use serde_json::Value;

/// Renders `v` (normally an object) as text lines, ending in a newline.
pub fn human(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(_) => object(v, 0, &mut out),
        Value::Array(items) => table(items, 0, &mut out),
        other => {
            out.push_str(&scalar("", other));
            out.push('\n');
        }
    }
    out
}

fn label(key: &str) -> String {
    key.replace('_', " ")
}

/// A size in bytes with its binary unit: `268435456 (256 MiB)`.
pub fn size(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut unit = 0;
    let mut v = n as f64 / 1024.0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    let shown = if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") };
    format!("{n} ({shown} {})", UNITS[unit])
}

/// Keys whose numbers people read in hex: identifiers, serials, opcodes and addresses.
fn hex_key(key: &str) -> bool {
    const KEYS: [&str; 9] =
        ["serial", "vendor_id", "device_id", "subsystem_vendor_id", "subsystem_id", "opcode", "address", "base", "dpa"];
    KEYS.contains(&key) || key.ends_with("_dpa") || key.ends_with("_address")
}

/// A decoded enumeration (`{"raw", "name"}`) or flag field (`{"raw", flag: bool, ...}`) as
/// one line: its name or the flags set, then the raw value.
fn coded(v: &Value) -> Option<String> {
    let Value::Object(m) = v else { return None };
    let raw = m.get("raw")?.as_u64()?;
    if m.len() == 2 {
        if let Some(name) = m.get("name") {
            return Some(match name.as_str() {
                Some(name) => name.to_string(),
                None => format!("0x{raw:x} (not defined)"),
            });
        }
    }
    if m.iter().filter(|(k, _)| *k != "raw").all(|(_, v)| v.is_boolean()) {
        let set: Vec<&str> = m.iter().filter(|(_, v)| v.as_bool() == Some(true)).map(|(k, _)| k.as_str()).collect();
        let set = if set.is_empty() { "none".to_string() } else { set.join(", ") };
        return Some(format!("{set} (0x{raw:x})"));
    }
    None
}

fn scalar(key: &str, v: &Value) -> String {
    if let Some(text) = coded(v) {
        return text;
    }
    match v {
        Value::Number(n) if hex_key(key) => n.as_u64().map(|n| format!("0x{n:x}")).unwrap_or_else(|| n.to_string()),
        Value::Null => "-".into(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Number(n) if key.ends_with("_bytes") => n.as_u64().map(size).unwrap_or_else(|| n.to_string()),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(|i| scalar("", i)).collect::<Vec<_>>().join(", "),
        Value::Object(_) => "{...}".into(),
    }
}

fn is_scalar_like(v: &Value) -> bool {
    if coded(v).is_some() {
        return true;
    }
    match v {
        Value::Object(_) => false,
        Value::Array(items) => items.iter().all(|i| !i.is_object() && !i.is_array()),
        _ => true,
    }
}

fn object(v: &Value, indent: usize, out: &mut String) {
    let Value::Object(map) = v else { return };
    let width = map.iter().filter(|(_, v)| is_scalar_like(v)).map(|(k, _)| label(k).len()).max().unwrap_or(0);
    let pad = " ".repeat(indent);
    for (k, v) in map {
        match v {
            Value::Array(items) if items.is_empty() => {
                out.push_str(&format!("{pad}{:<width$}  (none)\n", label(k)));
                continue;
            }
            // Lists of text (notes, names) one per line.
            Value::Array(items) if items.len() > 1 && items.iter().all(|i| i.is_string()) => {
                out.push_str(&format!("{pad}{}:\n", label(k)));
                for i in items {
                    out.push_str(&format!("{pad}  {}\n", scalar("", i)));
                }
                continue;
            }
            _ if is_scalar_like(v) => {
                out.push_str(&format!("{pad}{:<width$}  {}\n", label(k), scalar(k, v)));
                continue;
            }
            _ => {}
        }
        out.push_str(&format!("{pad}{}:\n", label(k)));
        match v {
            Value::Object(_) => object(v, indent + 2, out),
            Value::Array(items) if items.is_empty() => out.push_str(&format!("{pad}  (none)\n")),
            Value::Array(items) => table(items, indent + 2, out),
            _ => {}
        }
    }
}

/// A list of objects as a table with a header row; columns are the keys of
/// the first object (nested values shown inline).
fn table(items: &[Value], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let Some(Value::Object(first)) = items.first() else {
        for i in items {
            out.push_str(&format!("{pad}{}\n", scalar("", i)));
        }
        return;
    };
    // Entries with structure of their own (an event record's body, a VCS's vPPBs) do not fit a
    // table's cells: each is shown as an object of its own, numbered.
    let nested = |v: &Value| !is_scalar_like(v);
    if items.iter().any(|i| i.as_object().is_some_and(|m| m.values().any(nested))) {
        for (n, i) in items.iter().enumerate() {
            out.push_str(&format!("{pad}[{n}]\n"));
            object(i, indent + 2, out);
        }
        return;
    }
    let keys: Vec<&String> = first.keys().collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| keys.iter().map(|k| i.get(k.as_str()).map(|v| cell(k, v)).unwrap_or_default()).collect())
        .collect();
    let heads: Vec<String> = keys.iter().map(|k| label(k)).collect();
    let widths: Vec<usize> =
        (0..keys.len()).map(|c| rows.iter().map(|r| r[c].len()).chain([heads[c].len()]).max().unwrap_or(0)).collect();
    let line = |cells: &[String]| {
        let s: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("{pad}{}\n", s.join("  ").trim_end())
    };
    out.push_str(&line(&heads));
    for r in &rows {
        out.push_str(&line(r));
    }
}

fn cell(key: &str, v: &Value) -> String {
    if let Some(text) = coded(v) {
        return text;
    }
    match v {
        Value::Object(m) => m.iter().map(|(k, v)| format!("{k}={}", cell(k, v))).collect::<Vec<_>>().join(" "),
        Value::Array(items) if items.iter().any(|i| i.is_object()) => {
            items.iter().map(|i| format!("[{}]", cell("", i))).collect::<Vec<_>>().join(" ")
        }
        // Sizes stay short in a table cell.
        Value::Number(n) if key.ends_with("_bytes") => n
            .as_u64()
            .map(|b| size(b).split(" (").nth(1).map(|u| u.trim_end_matches(')').to_string()).unwrap_or_else(|| size(b)))
            .unwrap_or_default(),
        _ => scalar(key, v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_align_and_tables_have_headers() {
        let v = json!({"serial": "0x1", "capacity_bytes": 268435456u64, "ok": true,
                       "ports": [{"port": 0, "state": "usp"}, {"port": 12, "state": "dsp"}]});
        let text = human(&v);
        assert!(text.contains("serial          0x1\n"), "{text}");
        assert!(text.contains("capacity bytes  268435456 (256 MiB)\n"), "{text}");
        assert!(text.contains("ok              yes\n"), "{text}");
        assert!(text.contains("ports:\n  port  state\n  0     usp\n  12    dsp\n"), "{text}");
    }

    #[test]
    fn coded_values_and_hex_identifiers() {
        let v = json!({"ltssm_state": {"raw": 4, "name": "l0"}, "odd": {"raw": 9, "name": null},
                       "health_status": {"raw": 5, "maintenance_needed": true, "performance_degraded": false,
                                         "hw_replacement_needed": true},
                       "quiet": {"raw": 0, "a": false}, "serial": 255, "count": 255});
        let text = human(&v);
        assert!(text.contains("ltssm state    l0\n"), "{text}");
        assert!(text.contains("odd            0x9 (not defined)\n"), "{text}");
        assert!(text.contains("health status  maintenance_needed, hw_replacement_needed (0x5)\n"), "{text}");
        assert!(text.contains("quiet          none (0x0)\n"), "{text}");
        assert!(text.contains("serial         0xff\n"), "{text}");
        assert!(text.contains("count          255\n"), "{text}");
    }

    #[test]
    fn sizes() {
        assert_eq!(size(12), "12 B");
        assert_eq!(size(1536), "1536 (1.5 KiB)");
        assert_eq!(size(1 << 30), "1073741824 (1 GiB)");
    }
}
