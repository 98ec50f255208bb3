//! Every command this library has a typed implementation of, as one list of
//! (opcode, name) gathered from the declaring macros of each command set
//! (`command_set!` in [`super`]), so nothing lists a command twice and a tool can say
//! which opcodes a component advertises (its Command Effects Log) that this
//! library can send and decode.
//!
//! Two opcodes have two types each: Get Log (0401h) as raw bytes ([`GetLog`])
//! and as the Command Effects Log ([`GetLogCel`]), and Media Operations
//! (4402h) in its discovery and its sanitize classes. Tunnel Management
//! (5300h) has no command type: tunnelling wraps other commands in it
//! ([`crate::tunnel`]); it is listed apart as [`TUNNEL_MANAGEMENT`].
//!
//! [`GetLog`]: super::generic::GetLog
//! [`GetLogCel`]: super::generic::GetLogCel

use crate::cci::Opcode;

pub use super::Entry;

/// Tunnel Management Command (5300h), which the library sends to tunnel
/// other commands rather than as a command of its own.
pub const TUNNEL_MANAGEMENT: Opcode = super::fmapi::TUNNEL_MANAGEMENT;

/// The command sets, each with what its `command_set!` declares.
const SETS: [(&str, &[&[Entry]]); 3] =
    [("generic", super::generic::COMMANDS), ("memdev", super::memdev::COMMANDS), ("fmapi", super::fmapi::COMMANDS)];

/// Every command type, by set, in the order each module declares them.
pub fn commands() -> impl Iterator<Item = Entry> {
    SETS.iter().flat_map(|&(set, lists)| lists.iter().flat_map(move |l| l.iter().map(move |e| Entry { set, ..*e })))
}

/// Which field counts the entries after each fixed part, by C struct name
/// (the `item_counts!` of every set).
pub fn item_counts() -> impl Iterator<Item = (&'static str, &'static str)> {
    [super::generic::ITEM_COUNTS, super::memdev::ITEM_COUNTS, super::fmapi::ITEM_COUNTS].into_iter().flatten().copied()
}

/// The command types for `opcode` (none, one, or two for the shared opcodes).
pub fn lookup(opcode: Opcode) -> impl Iterator<Item = Entry> {
    commands().filter(move |e| e.opcode == opcode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Opcodes with two command types, on purpose (see the module comment).
    const SHARED: [u16; 2] = [0x0401, 0x4402];

    #[test]
    fn names_unique_and_opcodes_shared_only_where_meant() {
        let names: BTreeSet<_> = commands().map(|e| e.name).collect();
        assert_eq!(names.len(), commands().count(), "a command listed twice");
        assert!(commands().all(|e| !e.set.is_empty()));
        let mut per_opcode = BTreeMap::<u16, usize>::new();
        for e in commands() {
            *per_opcode.entry(e.opcode.0).or_default() += 1;
        }
        for (op, n) in per_opcode {
            let want = if SHARED.contains(&op) { 2 } else { 1 };
            assert_eq!(n, want, "opcode {op:04x}h has {n} command types");
        }
        assert_eq!(lookup(TUNNEL_MANAGEMENT).count(), 0);
    }
}
