//! Every command this library has a typed implementation of, as one list of
//! (opcode, name) built from the command types themselves, so a tool can say
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

use super::Command;
use crate::cci::Opcode;

/// One typed command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub opcode: Opcode,
    /// The command type's name, e.g. `Identify` (in `cxlmi::commands::generic`).
    pub name: &'static str,
    /// Its module under [`crate::commands`]: `generic`, `memdev` or `fmapi`.
    pub set: &'static str,
}

/// Tunnel Management Command (5300h), which the library sends to tunnel
/// other commands rather than as a command of its own.
pub const TUNNEL_MANAGEMENT: Opcode = crate::tunnel::OPCODE;

macro_rules! catalog {
    ($( $set:ident: [$($name:ident),* $(,)?] )*) => {
        /// Every command type, by module, in opcode order within each.
        pub const COMMANDS: &[Entry] = &[$($(
            Entry {
                opcode: <super::$set::$name as Command>::OPCODE,
                name: stringify!($name),
                set: stringify!($set),
            },
        )*)*];
    };
}

catalog! {
    generic: [
        Identify, BgOpStatus, GetResponseMsgLimit, SetResponseMsgLimit, RequestBgOpAbort,
        GetEventRecords, ClearEventRecords, GetEventInterruptPolicy, SetEventInterruptPolicy,
        GetMctpEventInterruptPolicy, SetMctpEventInterruptPolicy, EventNotification,
        GetFwInfo, TransferFw, ActivateFw, GetTimestamp, SetTimestamp,
        GetSupportedLogs, GetLog, GetLogCel, GetLogCapabilities, ClearLog, PopulateLog, GetSupportedLogsSublist,
        GetSupportedFeatures, GetFeature, SetFeature,
    ]
    memdev: [
        MemdevIdentify, GetPartitionInfo, SetPartitionInfo, GetLsa, SetLsa,
        GetHealthInfo, GetAlertConfig, SetAlertConfig, GetShutdownState, SetShutdownState,
        GetPoisonList, InjectPoison, ClearPoison, GetScanMediaCapabilities, ScanMedia, GetScanMediaResults,
        Sanitize, SecureErase, MediaOperationsDiscovery, MediaOperationsSanitize,
        GetSecurityState, SetPassphrase, DisablePassphrase, Unlock, FreezeSecurityState, PassphraseSecureErase,
        SecuritySend, SecurityReceive,
        GetSldQosControl, SetSldQosControl, GetSldQosStatus,
        GetDcConfig, GetDcExtentList, AddDcResponse, ReleaseDc,
    ]
    fmapi: [
        IdentifySwDevice, GetPhysPortState, PhysPortControl, SendPpbCxlioConfigRequest,
        GetDomainValidationSvState, SetDomainValidationSv, GetVcsDomainValidationSvState, GetDomainValidationSv,
        GetVcsInfo, BindVppb, UnbindVppb,
        SendLdCxlioConfigRequest, SendLdCxlioMemRequest,
        GetLdInfo, GetLdAllocations, SetLdAllocations, GetQosControl, SetQosControl, GetQosStatus,
        GetQosAllocatedBw, SetQosAllocatedBw, GetQosBwLimit, SetQosBwLimit,
        GetMultiheadedInfo, GetHeadInfo,
        GetDcdInfo, GetHostDcRegionConfig, SetDcRegionConfig, GetDcRegionExtList,
        InitiateDcAdd, InitiateDcRelease, DcAddReference, DcRemoveReference, DcListTags,
    ]
}

/// The command types for `opcode` (none, one, or two for the shared opcodes).
pub fn lookup(opcode: Opcode) -> impl Iterator<Item = &'static Entry> {
    COMMANDS.iter().filter(move |e| e.opcode == opcode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Opcodes with two command types, on purpose (see the module comment).
    const SHARED: [u16; 2] = [0x0401, 0x4402];

    #[test]
    fn names_unique_and_opcodes_shared_only_where_meant() {
        let names: BTreeSet<_> = COMMANDS.iter().map(|e| e.name).collect();
        assert_eq!(names.len(), COMMANDS.len(), "a command listed twice");
        let mut per_opcode = BTreeMap::<u16, usize>::new();
        for e in COMMANDS {
            *per_opcode.entry(e.opcode.0).or_default() += 1;
        }
        for (op, n) in per_opcode {
            let want = if SHARED.contains(&op) { 2 } else { 1 };
            assert_eq!(n, want, "opcode {op:04x}h has {n} command types");
        }
        assert_eq!(lookup(TUNNEL_MANAGEMENT).count(), 0);
    }

    /// The command types a module's source declares: each row of the
    /// declaring macros (`Name = 0x....,`) and each `impl Command for Name`.
    fn declared(source: &str) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for line in source.lines() {
            // The tests below each module are not declarations.
            if line.starts_with("#[cfg(test)]") {
                break;
            }
            // A type name; `impl Command for $name` inside a macro is not one.
            let is_type = |name: &str| {
                name.chars().all(|c| c.is_ascii_alphanumeric()) && name.starts_with(|c: char| c.is_ascii_uppercase())
            };
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix("impl Command for ") {
                let name = rest.trim_end_matches('{').trim();
                if is_type(name) {
                    names.insert(name.to_string());
                }
            } else if let Some((name, value)) = t.split_once(" = 0x") {
                if is_type(name) && value.len() >= 4 && value[..4].chars().all(|c| c.is_ascii_hexdigit()) {
                    names.insert(name.to_string());
                }
            }
        }
        names
    }

    #[test]
    fn lists_every_command_of_the_modules() {
        for (set, source) in [
            ("generic", include_str!("generic.rs")),
            ("memdev", include_str!("memdev.rs")),
            ("fmapi", include_str!("fmapi.rs")),
        ] {
            let want = declared(source);
            let have: BTreeSet<String> = COMMANDS.iter().filter(|e| e.set == set).map(|e| e.name.to_string()).collect();
            assert!(!want.is_empty());
            assert_eq!(have, want, "the catalog and commands/{set}.rs disagree");
        }
    }
}
