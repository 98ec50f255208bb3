//! What a command is sent to: the target (first argument of every
//! subcommand) and the tunnel options.

use cxlmi::{Context, Endpoint, Tunnel};

/// A component to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `mem0`: `/dev/cxl/mem0` through the mailbox ioctl.
    Ioctl(String),
    /// `/dev/cxl/mem0` or any other path to a mailbox device node.
    IoctlPath(std::path::PathBuf),
    /// `mctp:NET,EID`.
    Mctp { net: u32, eid: u8 },
    /// `emu:MODEL`: a fresh emulated component.
    Emulator(String),
}

impl std::str::FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Target, String> {
        if let Some(rest) = s.strip_prefix("mctp:") {
            let (net, eid) = rest
                .split_once(',')
                .or_else(|| rest.split_once(':'))
                .ok_or_else(|| format!("'{s}': an MCTP target is mctp:NET,EID"))?;
            let net = crate::parse::number(net)
                .ok()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| format!("'{s}': the MCTP network is a number up to 4294967295"))?;
            let eid = crate::parse::number(eid)
                .ok()
                .and_then(|n| u8::try_from(n).ok())
                .ok_or_else(|| format!("'{s}': the MCTP EID is a number up to 255"))?;
            return Ok(Target::Mctp { net, eid });
        }
        if let Some(model) = s.strip_prefix("emu:") {
            if model.is_empty() {
                return Err(format!("'{s}': name an emulator model, e.g. emu:type3"));
            }
            return Ok(Target::Emulator(model.to_string()));
        }
        if s.contains('/') {
            return Ok(Target::IoctlPath(s.into()));
        }
        if s.is_empty() || s.contains(':') {
            return Err(format!("'{s}' is not a target (memN, /dev/cxl/memN, mctp:NET,EID or emu:MODEL)"));
        }
        Ok(Target::Ioctl(s.to_string()))
    }
}

/// Why a target could not be opened.
pub enum OpenError {
    /// No such emulator model.
    NoModel(String),
    Lib(cxlmi::Error),
}

impl Target {
    pub fn open(&self, ctx: &Context) -> Result<Endpoint, OpenError> {
        match self {
            Target::Ioctl(name) => ctx.open_ioctl(name).map_err(OpenError::Lib),
            Target::IoctlPath(path) => ctx.open_ioctl_at(path).map_err(OpenError::Lib),
            Target::Mctp { net, eid } => ctx.open_mctp(*net, *eid).map_err(OpenError::Lib),
            Target::Emulator(model) => {
                if cxlmi_emulator::Model::from_name(model).is_none() {
                    let known: Vec<_> = cxlmi_emulator::Model::ALL.iter().map(|m| m.name()).collect();
                    return Err(OpenError::NoModel(format!(
                        "no emulator model '{model}' (there are: {})",
                        known.join(", ")
                    )));
                }
                cxlmi_emulator::open(ctx, model).map_err(OpenError::Lib)
            }
        }
    }
}

/// The tunnel the options ask for: `--port` and `--ld` together go through
/// a switch port to an LD of the MLD behind it, `--port` alone to the
/// switch port, `--ld` alone to an LD of an MLD, `--mhd` to the LD Pool CCI
/// of a multi-headed device.
pub fn tunnel(port: Option<u8>, ld: Option<u8>, mhd: bool) -> Result<Tunnel, String> {
    match (port, ld, mhd) {
        (None, None, false) => Ok(Tunnel::None),
        (Some(port), None, false) => Ok(Tunnel::Port(port)),
        (None, Some(ld), false) => Ok(Tunnel::Port(ld)),
        (Some(port), Some(ld), false) => Ok(Tunnel::PortThenLd { port, ld }),
        (None, None, true) => Ok(Tunnel::LdPool),
        (_, _, true) => Err("--mhd (the LD Pool CCI) cannot be combined with --port or --ld".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Result<Target, String> {
        s.parse()
    }

    #[test]
    fn targets() {
        assert_eq!(t("mem0"), Ok(Target::Ioctl("mem0".into())));
        assert_eq!(t("/dev/cxl/mem0"), Ok(Target::IoctlPath("/dev/cxl/mem0".into())));
        assert_eq!(t("mctp:1,8"), Ok(Target::Mctp { net: 1, eid: 8 }));
        assert_eq!(t("mctp:0x10,0x20"), Ok(Target::Mctp { net: 16, eid: 32 }));
        assert_eq!(t("mctp:1:8"), Ok(Target::Mctp { net: 1, eid: 8 }));
        assert_eq!(t("emu:type3"), Ok(Target::Emulator("type3".into())));
        // Parsed here, refused when opened: the emulator knows its models.
        assert_eq!(t("emu:nope"), Ok(Target::Emulator("nope".into())));
        for bad in ["mctp:1", "mctp:1,256", "mctp:x,8", "mctp:-1,8", "emu:", "", "foo:bar"] {
            assert!(t(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_model_is_refused_before_opening() {
        let ctx = Context::new(cxlmi::log::Logger::stderr(0));
        assert!(matches!(Target::Emulator("nope".into()).open(&ctx), Err(OpenError::NoModel(_))));
        assert!(Target::Emulator("type3".into()).open(&ctx).is_ok());
    }

    #[test]
    fn tunnels() {
        assert_eq!(tunnel(None, None, false), Ok(Tunnel::None));
        assert_eq!(tunnel(Some(2), None, false), Ok(Tunnel::Port(2)));
        assert_eq!(tunnel(None, Some(1), false), Ok(Tunnel::Port(1)));
        assert_eq!(tunnel(Some(2), Some(1), false), Ok(Tunnel::PortThenLd { port: 2, ld: 1 }));
        assert_eq!(tunnel(None, None, true), Ok(Tunnel::LdPool));
        assert!(tunnel(Some(2), None, true).is_err());
        assert!(tunnel(None, Some(0), true).is_err());
    }
}
