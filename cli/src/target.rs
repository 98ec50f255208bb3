//! What a command is sent to: the target (first argument of every
//! subcommand) and the tunnel options.

use std::path::Path;

use clap::Args;
use cxlmi::{Context, Endpoint, Tunnel};

/// A component to open: the library's one target syntax (memN,
/// /dev/cxl/memN, mctp:NET,EID, emu:MODEL), parsed by clap through its `FromStr`.
pub use cxlmi::Target;

/// The target and the tunnel options every device subcommand takes.
#[derive(Args, Clone)]
pub struct On {
    /// memN, /dev/cxl/memN, mctp:NET,EID or emu:MODEL
    pub target: Target,
    /// Tunnel to this switch port (with --ld: then to that LD of the MLD behind it)
    #[arg(long, global = true, value_name = "N")]
    pub port: Option<u8>,
    /// Tunnel to this LD of an MLD
    #[arg(long, global = true, value_name = "N")]
    pub ld: Option<u8>,
    /// Tunnel to the LD Pool CCI of a multi-headed device
    #[arg(long, global = true)]
    pub mhd: bool,
}

/// Why a target could not be opened.
pub enum OpenError {
    /// No such emulator model, or an emulator state for a target that is not emulated: the
    /// user's to fix.
    Usage(String),
    Lib(cxlmi::Error),
}

/// Opens `target` under `ctx` (which has the emulator installed, see
/// `main`). An unknown emulator model is refused here, with the models in
/// the message. With `state` (`--emu-state`), an emulated target's fabric is the one that file
/// keeps (`cxlmi_emulator::open_with_state`): created when missing, replayed, and added to.
pub fn open(ctx: &Context, target: &Target, state: Option<&Path>) -> Result<Endpoint, OpenError> {
    let Target::Emulated(model) = target else {
        return match state {
            Some(_) => Err(OpenError::Usage("--emu-state is for emulated (emu:) targets".into())),
            None => ctx.open_target(target).map_err(OpenError::Lib),
        };
    };
    if cxlmi_emulator::Model::from_name(model).is_none() {
        let known: Vec<_> = cxlmi_emulator::Model::ALL.iter().map(|m| m.name()).collect();
        return Err(OpenError::Usage(format!("no emulator model '{model}' (there are: {})", known.join(", "))));
    }
    match state {
        Some(path) => cxlmi_emulator::open_with_state(ctx, model, path).map_err(OpenError::Lib),
        None => ctx.open_target(target).map_err(OpenError::Lib),
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

    // The syntax itself is the library's (cxlmi::target); this checks that clap reads it.
    #[test]
    fn targets() {
        let t = |s: &str| s.parse::<Target>();
        assert_eq!(t("mem0"), Ok(Target::Mailbox("mem0".into())));
        assert_eq!(t("/dev/cxl/mem0"), Ok(Target::MailboxPath("/dev/cxl/mem0".into())));
        assert_eq!(t("mctp:1,8"), Ok(Target::Mctp { net: 1, eid: 8 }));
        assert_eq!(t("emu:type3"), Ok(Target::Emulated("type3".into())));
        for bad in ["mctp:1", "mctp:1,256", "emu:", "", "foo:bar"] {
            assert!(t(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_model_is_refused_before_opening() {
        let mut ctx = Context::new(cxlmi::log::Logger::stderr(0));
        ctx.set_emulator(cxlmi_emulator::open);
        assert!(matches!(open(&ctx, &Target::Emulated("nope".into()), None), Err(OpenError::Usage(_))));
        assert!(open(&ctx, &Target::Emulated("type3".into()), None).is_ok());
        let state = Path::new("/nonexistent/state");
        assert!(matches!(open(&ctx, &Target::Mailbox("mem0".into()), Some(state)), Err(OpenError::Usage(_))));
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
