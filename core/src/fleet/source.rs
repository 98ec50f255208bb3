//! Where a poller finds components: each [`Source`] lists, every round, the
//! components it can reach now, by name, with a way to open each.

use std::path::PathBuf;

use crate::context::Context;
use crate::discovery;
use crate::endpoint::Endpoint;
use crate::error::Result;
use crate::target::Target;
#[cfg(feature = "dbus")]
use crate::transport::mctp::{ScanSockets, Sockets};

/// Opens one component a source found. It runs on a poller's worker thread,
/// so a component that takes long to open (an MCTP probe) delays no other.
pub type Opener = Box<dyn FnOnce(&Context) -> Result<Endpoint> + Send>;

/// One component a source can reach now.
pub struct Found {
    /// The component's target as users name it (`mem0`, `mctp:1,8`,
    /// `emu:type3-4`): stable while it is there, and the poller's key for it.
    pub name: String,
    pub open: Opener,
}

/// A set of components that may change between rounds: a component no longer
/// listed has gone, one listed again has come back.
pub trait Source: Send {
    /// The components reachable now. An error means the source could not
    /// be asked this round (mctpd is restarting, say), not that everything
    /// it listed has gone: the poller keeps what it last listed.
    fn scan(&mut self, ctx: &Context) -> Result<Vec<Found>>;
}

/// Targets given by the user, listed every round, whether or not they answer.
pub struct Targets(pub Vec<Target>);

impl Source for Targets {
    fn scan(&mut self, _ctx: &Context) -> Result<Vec<Found>> {
        Ok(self
            .0
            .iter()
            .map(|t| {
                let target = t.clone();
                Found { name: t.to_string(), open: Box::new(move |ctx: &Context| ctx.open_target(&target)) }
            })
            .collect())
    }
}

/// The memory devices the kernel lists in a directory (`/dev/cxl`), by
/// device name (`mem0`).
pub struct DevCxl {
    pub dir: PathBuf,
}

impl Default for DevCxl {
    fn default() -> DevCxl {
        DevCxl { dir: PathBuf::from(discovery::DEV_CXL) }
    }
}

impl Source for DevCxl {
    fn scan(&mut self, ctx: &Context) -> Result<Vec<Found>> {
        // A missing directory lists none: the driver is not loaded.
        let names = discovery::char_devices(&self.dir, ctx.log())?;
        Ok(names
            .into_iter()
            .map(|name| {
                let path = self.dir.join(&name);
                Found {
                    name: name.to_string_lossy().into_owned(),
                    open: Box::new(move |ctx: &Context| ctx.open_ioctl_at(&path)),
                }
            })
            .collect())
    }
}

/// The CXL endpoints mctpd lists on the D-Bus system bus (`mctp:NET,EID`),
/// each with its FM-API channel when it lists FM-API too.
#[cfg(feature = "dbus")]
pub struct Mctpd {
    pub mctpd: discovery::mctpd::Mctpd,
    /// Each endpoint's sockets: as a scan opens them ([`ScanSockets`], the
    /// FM-API socket with the first FM-API command), or a test's.
    pub sockets: std::sync::Arc<dyn Fn() -> Box<dyn Sockets> + Send + Sync>,
}

#[cfg(feature = "dbus")]
impl Default for Mctpd {
    fn default() -> Mctpd {
        Mctpd { mctpd: Default::default(), sockets: std::sync::Arc::new(|| Box::new(ScanSockets)) }
    }
}

#[cfg(feature = "dbus")]
impl Source for Mctpd {
    fn scan(&mut self, ctx: &Context) -> Result<Vec<Found>> {
        let found = self.mctpd.cxl_endpoints(ctx.log())?;
        Ok(found
            .into_iter()
            .map(|f| {
                let sockets = self.sockets.clone();
                Found {
                    name: Target::Mctp { net: f.net, eid: f.eid }.to_string(),
                    open: Box::new(move |ctx: &Context| {
                        let mut ep = ctx.open_mctp_via(sockets(), f.net, f.eid)?;
                        if f.fmapi && !ep.has_fmapi() {
                            ep.enable_fmapi()?;
                        }
                        Ok(ep)
                    }),
                }
            })
            .collect())
    }
}
