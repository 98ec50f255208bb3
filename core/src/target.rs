//! The one syntax naming a component to open, shared by the C library
//! (`cxlmi_open_target`), the Python module, the `cxlmi` tool and the
//! examples:
//!
//! | text | target |
//! |---|---|
//! | `mem0` | `/dev/cxl/mem0` through the mailbox ioctl |
//! | `/dev/cxl/mem0`, any text with a `/` | that device node through the mailbox ioctl |
//! | `mctp:NET,EID` (or `mctp:NET:EID`) | MCTP endpoint EID on network NET |
//! | `emu:MODEL` | a fresh component of the emulated fabric |
//!
//! NET (up to 4294967295) and EID (up to 255) are decimal or `0x` hex.
//! [`Context::open_target`](crate::Context::open_target) opens a parsed one.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// A component to open, as [`Target::from_str`] reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `mem0`: the device of that name in `/dev/cxl`, through the mailbox ioctl.
    Mailbox(String),
    /// `/dev/cxl/mem0`, or any other path (a text holding a `/`) to a
    /// mailbox device node.
    MailboxPath(PathBuf),
    /// `mctp:NET,EID`: MCTP endpoint `eid` on MCTP network `net`.
    Mctp { net: u32, eid: u8 },
    /// `emu:MODEL`: a fresh component of the emulated fabric. The model is
    /// not checked here: the emulator knows its models.
    Emulated(String),
}

/// Why a text is not a [`Target`]; its message names what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseTargetError {
    /// Neither a device name, a path, `mctp:` nor `emu:`.
    #[error("'{0}' is not a target: expected memN, /dev/cxl/memN, mctp:NET,EID or emu:MODEL")]
    Syntax(String),
    /// `mctp:` without a `,` (or `:`) between the network and the EID.
    #[error("'{0}': an MCTP target is mctp:NET,EID")]
    MctpSyntax(String),
    /// The MCTP network is not a number that fits 32 bits.
    #[error("'{0}': the MCTP network is a number up to 4294967295")]
    MctpNet(String),
    /// The MCTP EID is not a number up to 255.
    #[error("'{0}': the MCTP EID is a number up to 255")]
    MctpEid(String),
    /// `emu:` with nothing after it.
    #[error("'{0}': name an emulator model, e.g. emu:type3")]
    NoModel(String),
}

/// A whole decimal or `0x`-hex number: digits only, no sign, no spaces.
fn number(s: &str) -> Option<u64> {
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (s, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

impl FromStr for Target {
    type Err = ParseTargetError;

    fn from_str(s: &str) -> Result<Target, ParseTargetError> {
        if let Some(rest) = s.strip_prefix("mctp:") {
            let (net, eid) = rest
                .split_once(',')
                .or_else(|| rest.split_once(':'))
                .ok_or_else(|| ParseTargetError::MctpSyntax(s.into()))?;
            let net =
                number(net).and_then(|n| u32::try_from(n).ok()).ok_or_else(|| ParseTargetError::MctpNet(s.into()))?;
            let eid =
                number(eid).and_then(|n| u8::try_from(n).ok()).ok_or_else(|| ParseTargetError::MctpEid(s.into()))?;
            return Ok(Target::Mctp { net, eid });
        }
        if let Some(model) = s.strip_prefix("emu:") {
            if model.is_empty() {
                return Err(ParseTargetError::NoModel(s.into()));
            }
            return Ok(Target::Emulated(model.into()));
        }
        if s.contains('/') {
            return Ok(Target::MailboxPath(s.into()));
        }
        // One file name in /dev/cxl; a ':' is a misspelt prefix, not a device.
        if s.is_empty() || s == "." || s == ".." || s.contains(':') || s.contains('\0') {
            return Err(ParseTargetError::Syntax(s.into()));
        }
        Ok(Target::Mailbox(s.into()))
    }
}

/// The text that parses back to the same target (for a target that was
/// parsed; a path without a `/` is written `./path`).
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Mailbox(name) => write!(f, "{name}"),
            Target::MailboxPath(path) => {
                let shown = path.to_string_lossy();
                if shown.contains('/') { write!(f, "{shown}") } else { write!(f, "./{shown}") }
            }
            Target::Mctp { net, eid } => write!(f, "mctp:{net},{eid}"),
            Target::Emulated(model) => write!(f, "emu:{model}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::log::Logger;
    use crate::{Context, Endpoint};

    fn t(s: &str) -> Result<Target, ParseTargetError> {
        s.parse()
    }

    #[test]
    fn each_kind() {
        assert_eq!(t("mem0"), Ok(Target::Mailbox("mem0".into())));
        assert_eq!(t("/dev/cxl/mem0"), Ok(Target::MailboxPath("/dev/cxl/mem0".into())));
        assert_eq!(t("./mem0"), Ok(Target::MailboxPath("./mem0".into())));
        assert_eq!(t("mctp:1,8"), Ok(Target::Mctp { net: 1, eid: 8 }));
        assert_eq!(t("mctp:1:8"), Ok(Target::Mctp { net: 1, eid: 8 }));
        assert_eq!(t("mctp:0x10,0x20"), Ok(Target::Mctp { net: 16, eid: 32 }));
        assert_eq!(t("mctp:0XfF,0Xff"), Ok(Target::Mctp { net: 255, eid: 255 }));
        assert_eq!(t("mctp:4294967295,255"), Ok(Target::Mctp { net: u32::MAX, eid: 255 }));
        assert_eq!(t("emu:type3"), Ok(Target::Emulated("type3".into())));
        // Parsed here, refused when opened: the emulator knows its models.
        assert_eq!(t("emu:nope"), Ok(Target::Emulated("nope".into())));
    }

    /// A text, and the error it gets given the text.
    type Refusal = (&'static str, fn(String) -> ParseTargetError);

    #[test]
    fn refused() {
        use ParseTargetError::*;
        let cases: &[Refusal] = &[
            ("", Syntax),
            (".", Syntax),
            ("..", Syntax),
            ("foo:bar", Syntax),
            ("mctp:1", MctpSyntax),
            ("mctp:", MctpSyntax),
            ("mctp:,8", MctpNet),
            ("mctp:x,8", MctpNet),
            ("mctp:-1,8", MctpNet),
            ("mctp:+1,8", MctpNet),
            ("mctp: 1,8", MctpNet),
            ("mctp:0x,8", MctpNet),
            ("mctp:4294967296,8", MctpNet),
            ("mctp:1,256", MctpEid),
            ("mctp:1,", MctpEid),
            ("mctp:1,8,9", MctpEid),
            ("mctp:1,0x1ff", MctpEid),
            ("emu:", NoModel),
        ];
        for (text, want) in cases {
            assert_eq!(t(text), Err(want(text.to_string())), "{text:?}");
        }
    }

    #[test]
    fn messages_name_what_was_expected() {
        let e = t("x:y").unwrap_err().to_string();
        assert_eq!(e, "'x:y' is not a target: expected memN, /dev/cxl/memN, mctp:NET,EID or emu:MODEL");
        assert_eq!(t("mctp:1").unwrap_err().to_string(), "'mctp:1': an MCTP target is mctp:NET,EID");
        assert!(t("mctp:1,999").unwrap_err().to_string().contains("EID is a number up to 255"));
        assert!(t("emu:").unwrap_err().to_string().contains("e.g. emu:type3"));
    }

    #[test]
    fn display_round_trips() {
        for text in ["mem0", "/dev/cxl/mem0", "mctp:1,8", "mctp:0x10:0x20", "emu:switch", "./mem1"] {
            let target = t(text).unwrap();
            assert_eq!(t(&target.to_string()), Ok(target.clone()), "{text}");
        }
        assert_eq!(t("mctp:0x10:0x20").unwrap().to_string(), "mctp:16,32");
        // Built by hand without a '/', a path is still written as one.
        let path = Target::MailboxPath("mem0".into());
        assert_eq!(path.to_string(), "./mem0");
        assert_eq!(t(&path.to_string()), Ok(Target::MailboxPath("./mem0".into())));
    }

    fn quiet() -> Context {
        Context::new(Logger::new(crate::log::LOG_ERR, Box::new(std::io::sink())))
    }

    #[test]
    fn emulated_without_an_emulator_is_unsupported() {
        let ctx = quiet();
        assert!(matches!(ctx.open_target(&Target::Emulated("type3".into())), Err(Error::Unsupported(_))));
    }

    #[test]
    fn emulated_goes_to_the_installed_opener() {
        fn opener(ctx: &Context, model: &str) -> crate::Result<Endpoint> {
            if model == "mock" { Ok(ctx.open_mock()) } else { Err(Error::InvalidArgument("unknown emulator model")) }
        }
        let mut ctx = quiet();
        ctx.set_emulator(opener);
        assert!(ctx.open_target(&Target::Emulated("mock".into())).is_ok());
        assert!(matches!(ctx.open_target(&Target::Emulated("nope".into())), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn mailbox_targets_open_device_nodes() {
        let ctx = quiet();
        let absent = Target::MailboxPath("/nonexistent/cxl/mem0".into());
        assert!(matches!(ctx.open_target(&absent), Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::NotFound));
    }
}
