//! An emulated CXL fabric: stateful device models that answer CCI messages as
//! the CXL specification says a component does, so the library, its tools
//! and its users can be exercised without hardware.
//!
//! A model is a [`Device`]: its state plus a table from opcode to handler
//! ([`Cmd`]). Everything a model claims is derived from that one table: the
//! opcodes it answers, the Command Effects Log it reports, and `Unsupported`
//! for everything else. Background operations are state with a start time,
//! advanced when the device is next asked, never threads.
//!
//! The emulator sits behind the library's ordinary transport interface
//! ([`transport::Emulator`]): requests are framed, tagged, tunnelled
//! and checked by the same code as on MCTP and the mailbox, and it receives
//! and returns whole CCI messages. [`respond`] is the entry point for any
//! other binding (an MCTP responder, for instance).
//!
//! A fabric normally lives as long as its endpoint. [`open_with_state`]
//! keeps one across separate runs of a program: a state file records what
//! the fabric accepted ([`state`]), and the next open replays it. [`reset`]
//! resets an emulated fabric as a power cycle (or a warm reset) would, which
//! flows such as a firmware update need.
//!
//! Models: [`type3::Type3`] (a memory device with dynamic capacity),
//! [`switch::Switch`] (FM-API switch with devices behind its ports),
//! [`mld::Mld`] (a multi-logical device, its LDs reached by tunnelling) and
//! [`mhd::Mhd`] (a multi-headed device with an LD Pool CCI).
//!
//! [`fleet::Fleet`] is many components at once, for trying a fleet monitor
//! at scale: each member can answer late, go silent, or be removed and
//! restored, from Rust or from a control file.

pub mod clock;
pub mod dc;
pub mod device;
pub mod fleet;
pub mod generic;
pub mod mhd;
pub mod mld;
pub mod state;
pub mod switch;
pub mod transport;
pub mod type3;

pub use device::{Cmd, Common, Component, Device, Done, Handled, Rc, ResetKind, cmd, effects, respond};
pub use fleet::Fleet;

use std::path::Path;

use cxlmi::log::LOG_ERR;
use cxlmi::log_at;
use cxlmi::transport::Transport;
use cxlmi::{Context, Endpoint, Error, Result};

/// A model the emulator can build by name: what `cxlmi_open_emulator` and
/// `emu:NAME` targets accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// A Type 3 memory device (single logical device) with dynamic capacity.
    Type3,
    /// A switch with a Type 3 device, an MLD and an empty port behind it.
    Switch,
    /// A multi-logical device, opened at its FM-owned LD.
    Mld,
    /// A multi-headed device, opened at one head.
    Mhd,
}

impl Model {
    pub const ALL: [Model; 4] = [Model::Type3, Model::Switch, Model::Mld, Model::Mhd];

    pub fn name(self) -> &'static str {
        match self {
            Model::Type3 => "type3",
            Model::Switch => "switch",
            Model::Mld => "mld",
            Model::Mhd => "mhd",
        }
    }

    pub fn from_name(name: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.name() == name)
    }

    /// A fresh component of this model, in its initial state.
    pub fn build(self) -> Box<dyn Component> {
        match self {
            Model::Type3 => Box::new(type3::Type3::new()),
            Model::Switch => Box::new(switch::Switch::new()),
            Model::Mld => Box::new(mld::Mld::new()),
            Model::Mhd => Box::new(mhd::Mhd::new()),
        }
    }

    /// A fresh component of this model as [`Model::build`] makes it, but
    /// the `n`th component of a fleet: its serial numbers (its own, an MLD's LDs', an
    /// MHD's heads' and LD Pool's, the devices' behind a switch's ports)
    /// move up by `n + 1` in bits 16 and up, which the models' own serials
    /// leave clear ([`Component::renumber`]). So no two numbered components
    /// share a serial, nor does one with a component built unnumbered.
    pub fn build_numbered(self, n: u32) -> Box<dyn Component> {
        let mut component = self.build();
        component.renumber((u64::from(n) + 1) << 16);
        component
    }
}

/// Opens a component of the emulated fabric by model name (`type3`,
/// `switch`, `mld`, `mhd`) under `ctx`, probed as an MCTP endpoint is
/// probed. Each call builds a fresh component. An unknown name fails with
/// [`Error::InvalidArgument`], and the log lists the models.
pub fn open(ctx: &Context, model: &str) -> Result<Endpoint> {
    let m = model_named(ctx, model)?;
    Ok(open_component(ctx, m.build(), format!("emulator {model}")))
}

/// The model called `model`; an unknown name fails with
/// [`Error::InvalidArgument`], and the log lists the models.
fn model_named(ctx: &Context, model: &str) -> Result<Model> {
    Model::from_name(model).ok_or_else(|| {
        let known: Vec<_> = Model::ALL.iter().map(|m| m.name()).collect();
        log_at!(ctx.log(), LOG_ERR, "no emulator model '{model}' (there are: {})", known.join(", "));
        Error::InvalidArgument("unknown emulator model")
    })
}

/// Opens a component of the emulated fabric by model name, as [`open`]
/// does, in the state the file at `state` records, and records in it what
/// the component accepts from now on (see [`state`] for the format). So
/// separate runs of a program opening the same file see one fabric: a
/// firmware image transferred in one run can be activated in the next.
///
/// A missing or empty file starts a fresh fabric (the file is created). A
/// file that is not a state file, is cut short, was written for another
/// model, or records what this model no longer accepts fails with
/// [`Error::Io`] of kind `InvalidData`, its message naming the file, the
/// line and the reason (also logged); the file is left as it was.
pub fn open_with_state(ctx: &Context, model: &str, state: &Path) -> Result<Endpoint> {
    let m = model_named(ctx, model)?;
    let mut component = m.build();
    let journal = state::restore(component.as_mut(), model, state).inspect_err(|e| {
        log_at!(ctx.log(), LOG_ERR, "{e}");
    })?;
    let name = format!("emulator {model}");
    Ok(open_transport(ctx, Box::new(transport::Emulator::recording(component, name, journal))))
}

/// Resets the emulated fabric behind `ep` (the component it opened and
/// everything behind that) as [`ResetKind`] describes, and records the
/// reset in its state file if it was opened with one. An endpoint that is
/// not on the emulator fails with [`Error::InvalidArgument`]; a reset that
/// cannot be recorded fails with [`Error::Io`] (the fabric has reset).
pub fn reset(ep: &mut Endpoint, kind: ResetKind) -> Result<()> {
    let result = match ep.transport_mut::<transport::Emulator>() {
        Some(emulator) => emulator.reset(kind),
        None => Err(Error::InvalidArgument("not an emulated endpoint")),
    };
    if let Err(e) = &result {
        log_at!(ep.log(), LOG_ERR, "cannot reset {}: {e}", ep.describe());
    }
    result
}

/// Opens an endpoint on an emulated component built by the caller (a model
/// with its settings changed, or one of the caller's own), probed as
/// [`open`] probes.
pub fn open_component(ctx: &Context, component: Box<dyn Component>, name: String) -> Endpoint {
    open_transport(ctx, Box::new(transport::Emulator::new(component, name)))
}

/// Opens an endpoint over an emulator transport, probed (when the context
/// probes) as an MCTP endpoint is probed.
pub(crate) fn open_transport(ctx: &Context, transport: Box<dyn Transport>) -> Endpoint {
    let mut ep = ctx.open_with(transport);
    if ctx.probe_enabled() {
        ep.probe();
    }
    ep
}

#[cfg(test)]
mod fabric_tests;
#[cfg(test)]
mod fleet_tests;
#[cfg(test)]
mod state_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod type3_tests;
