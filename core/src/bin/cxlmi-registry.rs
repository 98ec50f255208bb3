//! Prints the command registry as JSON, for build tools that need it without
//! reading Rust source (python/gen_bindings.py sizes the Python module's
//! flexible arrays by it):
//!
//! ```json
//! {"commands": [{"opcode": 1, "set": "generic", "name": "Identify"}, ...],
//!  "item_counts": {"cxlmi_cmd_get_event_records_rsp": "record_count", ...},
//!  "constants": {"CXLMI_CAPACITY_UNIT": 268435456, ...}}
//! ```
//!
//! The constants are the units C callers of upstream's API compute with by
//! hand; the Python module offers them under these names.

use std::io::Write;

use cxlmi::commands::{CAPACITY_UNIT, catalog, memdev::MEDIA_ERROR_UNIT};

/// Values worth a name outside Rust, by the name they get there.
const CONSTANTS: [(&str, u64); 2] =
    [("CXLMI_CAPACITY_UNIT", CAPACITY_UNIT), ("CXLMI_MEDIA_ERROR_UNIT", MEDIA_ERROR_UNIT)];

fn main() {
    let commands: Vec<String> = catalog::commands()
        .map(|e| format!(r#"{{"opcode": {}, "set": "{}", "name": "{}"}}"#, e.opcode.0, e.set, e.name))
        .collect();
    let counts: Vec<String> = catalog::item_counts().map(|(head, field)| format!(r#""{head}": "{field}""#)).collect();
    let constants: Vec<String> = CONSTANTS.iter().map(|(name, v)| format!(r#""{name}": {v}"#)).collect();
    let json = format!(
        "{{\"commands\": [\n  {}\n],\n\"item_counts\": {{\n  {}\n}},\n\"constants\": {{\n  {}\n}}}}\n",
        commands.join(",\n  "),
        counts.join(",\n  "),
        constants.join(",\n  ")
    );
    if let Err(e) = std::io::stdout().lock().write_all(json.as_bytes()) {
        eprintln!("cxlmi-registry: {e}");
        std::process::exit(1);
    }
}
