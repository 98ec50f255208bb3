//! What every model is made of: the [`Device`] trait (state plus a command
//! table), the state all models share ([`Common`]: identity, clock,
//! background operation), and the one function that answers a CCI message
//! ([`respond`]). The models sit above this module and take from it; it
//! names none of them.

use std::time::Duration;

use crate::clock::{self, Moment};

use cxlmi::cci::{CATEGORY_REQUEST, CATEGORY_RESPONSE, HEADER_LEN, Header, Opcode};
use cxlmi::types::{
    cxlmi_cmd_identify_rsp, cxlmi_cmd_memdev_get_health_info_rsp, cxlmi_cmd_retcode, cxlmi_event_record,
};
use cxlmi::wire::Wire;

pub use cxlmi::types::cxlmi_cmd_retcode as Rc;

/// How a handled command ended, when it did not fail: its response payload
/// is what the handler appended to `out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    /// Completed (return code Success).
    Now,
    /// Started as a background operation (return code Background Command Started).
    Background,
}

/// A handler's result: done, or the CXL return code it failed with (its
/// response then carries no payload).
pub type Handled = core::result::Result<Done, Rc>;

/// A command handler: the device, the request payload, and the response
/// payload to append to.
pub type Handler<D> = fn(&mut D, &[u8], &mut Vec<u8>) -> Handled;

/// One row of a device's command table.
pub struct Cmd<D> {
    pub opcode: Opcode,
    /// Command Effects Log flags ([`effects`]).
    pub effects: u16,
    pub handler: Handler<D>,
}

/// A command table row: `cmd(MemdevIdentify::OPCODE, effects::NONE, Type3::memdev_identify)`,
/// the opcode always the command type's own (the core's registry).
pub const fn cmd<D>(opcode: Opcode, effects: u16, handler: Handler<D>) -> Cmd<D> {
    Cmd { opcode, effects, handler }
}

/// Command Effects Log entry flags (CXL r3.1 Table 8-75).
pub mod effects {
    pub const NONE: u16 = 0;
    pub const CONFIG_CHANGE_COLD_RESET: u16 = 1 << 0;
    pub const IMMEDIATE_CONFIG_CHANGE: u16 = 1 << 1;
    pub const IMMEDIATE_DATA_CHANGE: u16 = 1 << 2;
    pub const IMMEDIATE_POLICY_CHANGE: u16 = 1 << 3;
    pub const IMMEDIATE_LOG_CHANGE: u16 = 1 << 4;
    pub const SECURITY_STATE_CHANGE: u16 = 1 << 5;
    pub const BACKGROUND_OPERATION: u16 = 1 << 6;
    pub const SECONDARY_MAILBOX: u16 = 1 << 7;
    /// The background operation can be stopped by Request Abort (0005h).
    pub const ABORTABLE: u16 = 1 << 8;
}

/// A background operation in progress.
#[derive(Clone, Copy, Debug)]
struct Background {
    opcode: Opcode,
    started: Moment,
    duration: Duration,
    abortable: bool,
}

/// State every model has: its identity, its clock, its background operation.
#[derive(Debug)]
pub struct Common {
    pub identity: cxlmi_cmd_identify_rsp,
    /// The time Set Timestamp gave, and when it was given.
    pub(crate) timestamp: Option<(u64, Moment)>,
    running: Option<Background>,
    /// The last finished background operation and its return code.
    pub(crate) finished: Option<Finished>,
    /// How long a background operation of unit length takes; tests shorten it.
    pub background_unit: Duration,
    /// Response message limit, a power of two (CXL r3.1 section 8.2.9.1.3).
    pub response_limit: u8,
}

impl Common {
    pub fn new(identity: cxlmi_cmd_identify_rsp) -> Common {
        Common {
            identity,
            timestamp: None,
            running: None,
            finished: None,
            background_unit: Duration::from_millis(1500),
            response_limit: identity.max_msg_size,
        }
    }

    /// Starts a background operation taking `units` of [`Common::background_unit`],
    /// or answers Busy when one is running.
    pub fn start_background(&mut self, opcode: Opcode, units: u32, abortable: bool) -> Handled {
        if self.running.is_some() {
            return Err(Rc::CXLMI_RET_BUSY);
        }
        let duration = self.background_unit * units;
        self.running = Some(Background { opcode, started: clock::now(), duration, abortable });
        Ok(Done::Background)
    }

    /// The running background operation and its percentage complete.
    pub fn background(&self) -> Option<(Opcode, u8)> {
        self.running.map(|b| {
            let total = b.duration.as_micros().max(1);
            let pct = (clock::since(b.started).as_micros() * 100 / total).min(99);
            (b.opcode, pct as u8)
        })
    }

    /// Whether a background operation is running (media commands answer Busy then).
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Ends the running operation if its time is up, returning its opcode so
    /// the device can apply what it did.
    pub(crate) fn poll_background(&mut self) -> Option<Opcode> {
        let b = self.running?;
        if clock::since(b.started) < b.duration {
            return None;
        }
        self.running = None;
        self.finished = Some(Finished { opcode: b.opcode, rc: Rc::CXLMI_RET_SUCCESS, percent: 100 });
        Some(b.opcode)
    }

    /// Request Background Operation Abort (0005h, CXL r3.1 section 8.2.9.1.5).
    pub(crate) fn abort_background(&mut self) -> Handled {
        match self.running {
            None => Ok(Done::Now),
            Some(b) if !b.abortable => Err(Rc::CXLMI_RET_NO_BGABORT),
            Some(b) => {
                // The percentage stays where the operation stopped (as QEMU's device reports it).
                let percent = self.background().map_or(0, |(_, pct)| pct);
                self.running = None;
                self.finished = Some(Finished { opcode: b.opcode, rc: Rc::CXLMI_RET_ABORT, percent });
                Ok(Done::Now)
            }
        }
    }

    /// The device clock: what Set Timestamp gave plus the time since, in ns.
    pub fn now_ns(&self) -> u64 {
        self.timestamp.map_or(0, |(t, at)| t.wrapping_add(clock::since(at).as_nanos() as u64))
    }

    /// Set Timestamp: the device clock reads `ns` now.
    pub(crate) fn set_timestamp(&mut self, ns: u64) {
        self.timestamp = Some((ns, clock::now()));
    }

    /// What a reset does to the state every model shares: the controller
    /// restarts, so a running background operation is lost (Background
    /// Operation Status then reports none, nor a last one) and the response
    /// message limit is the device's maximum again. A cold reset also stops
    /// the device clock: the timestamp reads 0 until set again.
    pub(crate) fn reset(&mut self, kind: ResetKind) {
        self.running = None;
        self.finished = None;
        self.response_limit = self.identity.max_msg_size;
        if kind == ResetKind::Cold {
            self.timestamp = None;
        }
    }
}

/// A reset of an emulated component, which also reaches everything behind
/// it (a switch's devices, an MLD's LDs, an MHD's heads). Memory contents
/// (the label storage area, poison, dynamic capacity extents), event logs and
/// what the Fabric Manager set up in a device (LD allocations, QoS, dynamic
/// capacity regions) survive both kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetKind {
    /// A power cycle. What the specification defers to the next cold reset
    /// takes effect: a firmware slot activated for it (CXL r3.1 section
    /// 8.2.9.3.3) and the next partition (8.2.9.9.2.1). A device with a user
    /// passphrase comes up locked, freezing and passphrase attempt counts
    /// clear (8.2.9.9.6), and a shutdown state left dirty counts a dirty
    /// shutdown (8.2.9.9.3.5). The device clock stops.
    Cold,
    /// A reset with main power kept: the controller restarts (see
    /// [`Common`]), a firmware transfer in parts is abandoned and a switch
    /// returns to its power-on bindings, but what waits for a cold reset
    /// keeps waiting, and security and shutdown state stay as they were.
    Warm,
}

impl ResetKind {
    pub const ALL: [ResetKind; 2] = [ResetKind::Cold, ResetKind::Warm];

    pub fn name(self) -> &'static str {
        match self {
            ResetKind::Cold => "cold",
            ResetKind::Warm => "warm",
        }
    }

    pub fn from_name(name: &str) -> Option<ResetKind> {
        ResetKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The last background operation that ended: how, and how far it got.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Finished {
    pub opcode: Opcode,
    pub rc: Rc,
    pub percent: u8,
}

/// A device model: its state and its command table.
pub trait Device: Send + 'static {
    /// The commands the device implements, in the order its CEL lists them.
    fn commands() -> &'static [Cmd<Self>]
    where
        Self: Sized;

    fn common(&mut self) -> &mut Common;

    /// A background operation this device started has run to completion:
    /// apply its effect (an aborted one never gets here).
    fn background_done(&mut self, opcode: Opcode) {
        let _ = opcode;
    }

    /// A reset: what it does to this device's own state, and the reset of
    /// the components behind it. [`Common`] has been reset already.
    fn on_reset(&mut self, kind: ResetKind) {
        let _ = kind;
    }

    /// Answers the request message `msg` tunnelled to (target type, id),
    /// appending the response message to `out`; false when there is no such
    /// target. Devices that tunnel list Tunnel Management (5300h) in their
    /// table with [`crate::generic::tunnel`].
    fn forward(&mut self, target: u8, id: u8, msg: &[u8], out: &mut Vec<u8>) -> bool {
        let _ = (target, id, msg, out);
        false
    }

    /// Takes `rec` into event log `log` as if the device had detected what
    /// it records ([`Component::inject_event`]); false when it keeps no
    /// such log.
    fn accept_event(&mut self, log: u8, rec: cxlmi_event_record) -> bool {
        let _ = (log, rec);
        false
    }

    /// The health state Get Health Info reports ([`Component::health_mut`]);
    /// None when the device reports none.
    fn health_info_mut(&mut self) -> Option<&mut cxlmi_cmd_memdev_get_health_info_rsp> {
        None
    }

    /// Renumbers the components behind this device ([`Component::renumber`]).
    fn renumber_behind(&mut self, offset: u64) {
        let _ = offset;
    }
}

/// Any component a message can reach; every [`Device`] is one.
pub trait Component: Send {
    /// Answers one command: Unsupported when the table lacks it.
    fn answer(&mut self, opcode: Opcode, payload: &[u8], out: &mut Vec<u8>) -> Handled;

    /// Resets the component and everything behind it.
    fn reset(&mut self, kind: ResetKind);

    /// Posts `rec` to event log `log` (0 informational to 3 fatal, CXL r3.1
    /// Table 8-49) as if the component had detected what it records, so a
    /// test or an emulated fleet can make things happen to it. False when
    /// the component keeps no such log (a switch keeps none).
    fn inject_event(&mut self, log: u8, rec: cxlmi_event_record) -> bool {
        let _ = (log, rec);
        false
    }

    /// The health state Get Health Info reports, for a test or an emulated
    /// fleet to change; None when the component reports none.
    fn health_mut(&mut self) -> Option<&mut cxlmi_cmd_memdev_get_health_info_rsp> {
        None
    }

    /// Adds `offset` to the serial number of the component and of every
    /// component behind it, so that many copies of one model (an emulated
    /// fleet) are told apart as real devices are.
    fn renumber(&mut self, offset: u64);
}

impl<D: Device> Component for D {
    fn answer(&mut self, opcode: Opcode, payload: &[u8], out: &mut Vec<u8>) -> Handled {
        if let Some(op) = self.common().poll_background() {
            self.background_done(op);
        }
        match D::commands().iter().find(|c| c.opcode == opcode) {
            Some(c) => (c.handler)(self, payload, out),
            None => Err(Rc::CXLMI_RET_UNSUPPORTED),
        }
    }

    fn reset(&mut self, kind: ResetKind) {
        self.common().reset(kind);
        self.on_reset(kind);
    }

    fn inject_event(&mut self, log: u8, rec: cxlmi_event_record) -> bool {
        self.accept_event(log, rec)
    }

    fn health_mut(&mut self) -> Option<&mut cxlmi_cmd_memdev_get_health_info_rsp> {
        self.health_info_mut()
    }

    fn renumber(&mut self, offset: u64) {
        self.common().identity.serial_num += offset;
        self.renumber_behind(offset);
    }
}

/// The Command Effects Log of a command table: one (opcode, effects) entry
/// per command (CXL r3.1 Table 8-75).
pub fn cel<D: Device>() -> impl Iterator<Item = [u8; 4]> {
    D::commands().iter().map(|c| {
        let mut e = [0u8; 4];
        c.opcode.0.encode(&mut e);
        c.effects.encode(&mut e[2..]);
        e
    })
}

/// Answers the CCI request message `msg` received by `component` (on its
/// FM-API channel when `fmapi`): appends the whole response message to `out`.
/// Returns false, appending nothing, when `msg` is not a request a component
/// would answer at all (too short, a response, a length that disagrees with
/// the bytes): a real component drops such a message.
pub fn respond(component: &mut dyn Component, msg: &[u8], fmapi: bool, out: &mut Vec<u8>) -> bool {
    if msg.len() < HEADER_LEN {
        return false;
    }
    let req = Header::decode(msg);
    if req.category != CATEGORY_REQUEST || req.payload_len != msg.len() - HEADER_LEN {
        return false;
    }
    let start = out.len();
    out.resize(start + HEADER_LEN, 0);
    // FM-API commands come on the FM-API channel only (MCTP message type 7,
    // CXL r3.1 section 7.6.3); that channel takes Generic commands too.
    let handled = if req.opcode.is_fmapi() && !fmapi {
        Err(Rc::CXLMI_RET_MBUNSUPPORTED)
    } else {
        component.answer(req.opcode, &msg[HEADER_LEN..], out)
    };
    let return_code = match handled {
        Ok(Done::Now) => cxlmi_cmd_retcode::CXLMI_RET_SUCCESS,
        Ok(Done::Background) => cxlmi_cmd_retcode::CXLMI_RET_BACKGROUND,
        Err(rc) => {
            out.truncate(start + HEADER_LEN);
            rc
        }
    };
    let rsp = Header {
        category: CATEGORY_RESPONSE,
        tag: req.tag,
        opcode: req.opcode,
        payload_len: out.len() - start - HEADER_LEN,
        background: handled == Ok(Done::Background),
        return_code: return_code as u16,
        vendor_ext_status: 0,
    };
    rsp.encode(&mut out[start..]);
    true
}

/// Reads a request of exactly `T`'s size: Invalid Payload Length otherwise.
pub fn input<T: Wire>(payload: &[u8]) -> core::result::Result<T, Rc> {
    if payload.len() != T::SIZE {
        return Err(Rc::CXLMI_RET_PAYLOADLEN);
    }
    Ok(T::decode(payload))
}

/// Reads a request head `T` followed by more bytes, returning both.
pub fn input_head<T: Wire>(payload: &[u8]) -> core::result::Result<(T, &[u8]), Rc> {
    if payload.len() < T::SIZE {
        return Err(Rc::CXLMI_RET_PAYLOADLEN);
    }
    Ok((T::decode(payload), &payload[T::SIZE..]))
}

/// Appends `v` in wire form to a response.
pub fn put<T: Wire>(out: &mut Vec<u8>, v: &T) {
    let start = out.len();
    out.resize(start + T::SIZE, 0);
    v.encode(&mut out[start..]);
}
