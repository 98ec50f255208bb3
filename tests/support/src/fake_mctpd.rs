//! A stand-in for mctpd, for tests: it owns one flavour's bus name and answers
//! `GetManagedObjects` with the endpoint objects it was given, spelled as that daemon spells
//! them, or misbehaves as told (hangs, leaves, sends other types).
//!
//! Only std and zbus: the library's Rust tests run it on a thread, and the test-support crate builds it
//! into a program for the C tests (`fake-mctpd --help`).

use std::collections::HashMap;

use zbus::blocking::{Connection, MessageIterator};
use zbus::zvariant::{ObjectPath, Value};

/// Which daemon's names the fake uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    OpenBmc,
    CodeConstruct,
}

impl Flavour {
    pub fn parse(s: &str) -> Option<Flavour> {
        match s {
            "openbmc" => Some(Flavour::OpenBmc),
            "codeconstruct" => Some(Flavour::CodeConstruct),
            _ => None,
        }
    }

    pub fn service(self) -> &'static str {
        match self {
            Flavour::OpenBmc => "xyz.openbmc_project.MCTP",
            Flavour::CodeConstruct => "au.com.codeconstruct.MCTP1",
        }
    }

    pub fn root(self) -> &'static str {
        match self {
            Flavour::OpenBmc => "/xyz/openbmc_project/mctp",
            Flavour::CodeConstruct => "/au/com/codeconstruct/mctp1",
        }
    }

    fn endpoint_path(self, net: u32, eid: u8) -> String {
        match self {
            Flavour::OpenBmc => format!("{}/{net}/{eid}", self.root()),
            Flavour::CodeConstruct => format!("{}/networks/{net}/endpoints/{eid}", self.root()),
        }
    }
}

/// What the fake does with a `GetManagedObjects` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    Answer,
    /// Never answers (and keeps its connection).
    Hang,
    /// Closes its connection without answering, as a daemon that dies does.
    Leave,
}

/// How the fake spells the endpoint properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// As the flavour does: `NetworkId` is `i` for OpenBMC's mctpd 1.x, `u` for CodeConstruct's.
    Native,
    /// `NetworkId` as `u` whatever the flavour.
    NetworkIdU32,
    /// `NetworkId` as `i` whatever the flavour.
    NetworkIdI32,
    EidU32,
    NetworkIdString,
    TypesU32,
    NoEid,
    /// The answer is a string, not an object dictionary.
    NotObjects,
}

impl Shape {
    const NAMES: [(&'static str, Shape); 8] = [
        ("native", Shape::Native),
        ("netid-u", Shape::NetworkIdU32),
        ("netid-i", Shape::NetworkIdI32),
        ("eid-u32", Shape::EidU32),
        ("netid-string", Shape::NetworkIdString),
        ("types-u32", Shape::TypesU32),
        ("no-eid", Shape::NoEid),
        ("not-objects", Shape::NotObjects),
    ];
}

/// One MCTP endpoint and the message types it lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub net: u32,
    pub eid: u8,
    pub types: Vec<u8>,
}

impl Endpoint {
    pub fn new(net: u32, eid: u8, types: &[u8]) -> Endpoint {
        Endpoint { net, eid, types: types.to_vec() }
    }

    /// `n` CXL endpoints (types 0, 7 and 8), 200 per network from network 1, EIDs from 8
    /// (`--many N`; `--many N:0,8` lists other types).
    pub fn many(n: usize) -> Vec<Endpoint> {
        (0..n).map(|i| Endpoint::new(1 + (i / 200) as u32, 8 + (i % 200) as u8, &[0x00, 0x07, 0x08])).collect()
    }
}

/// The fake daemon.
#[derive(Clone, Debug)]
pub struct Fake {
    pub flavour: Flavour,
    pub endpoints: Vec<Endpoint>,
    pub behaviour: Behaviour,
    pub shape: Shape,
}

pub const USAGE: &str = "usage: fake-mctpd --bus ADDRESS --flavour openbmc|codeconstruct [--hang|--leave]
       [--shape native|netid-u|netid-i|eid-u32|netid-string|types-u32|no-eid|not-objects]
       [--many N[:TYPE,...]] [NET:EID:TYPE[,TYPE...]]...
Owns the flavour's bus name, prints `ready` once it does and `called` at each GetManagedObjects.";

impl Fake {
    pub fn new(flavour: Flavour, endpoints: Vec<Endpoint>) -> Fake {
        Fake { flavour, endpoints, behaviour: Behaviour::Answer, shape: Shape::Native }
    }

    /// Reads the program's arguments (see [`USAGE`]): the bus address and the fake.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<(String, Fake), String> {
        let mut args = args.into_iter();
        let (mut bus, mut fake) = (None, Fake::new(Flavour::OpenBmc, Vec::new()));
        while let Some(a) = args.next() {
            let mut value = |what: &str| args.next().ok_or(format!("{what} needs a value"));
            match a.as_str() {
                "--bus" => bus = Some(value("--bus")?),
                "--flavour" => {
                    let v = value("--flavour")?;
                    fake.flavour = Flavour::parse(&v).ok_or(format!("unknown flavour {v}"))?;
                }
                "--hang" => fake.behaviour = Behaviour::Hang,
                "--leave" => fake.behaviour = Behaviour::Leave,
                "--shape" => {
                    let v = value("--shape")?;
                    let found = Shape::NAMES.iter().find(|(n, _)| *n == v);
                    fake.shape = found.ok_or(format!("unknown shape {v}"))?.1;
                }
                "--many" => {
                    let v = value("--many")?;
                    let (n, types) = v.split_once(':').unwrap_or((&v, "0,7,8"));
                    let n = n.parse().map_err(|e| format!("--many: {e}"))?;
                    let types =
                        parse_endpoint(&format!("0:0:{types}")).ok_or(format!("--many: bad types {types}"))?.types;
                    fake.endpoints
                        .extend(Endpoint::many(n).into_iter().map(|e| Endpoint { types: types.clone(), ..e }));
                }
                spec => fake.endpoints.push(parse_endpoint(spec).ok_or(format!("bad endpoint {spec}\n{USAGE}"))?),
            }
        }
        Ok((bus.ok_or(format!("--bus is required\n{USAGE}"))?, fake))
    }

    /// Connects to the bus at `address` and takes the flavour's name.
    pub fn connect(&self, address: &str) -> zbus::Result<Connection> {
        zbus::blocking::connection::Builder::address(address)?.name(self.flavour.service())?.build()
    }

    /// Answers calls on `conn` until the bus goes away (or, with [`Behaviour::Leave`], until the
    /// first `GetManagedObjects`). `ready` runs once calls are being received, `called` at each
    /// `GetManagedObjects`.
    pub fn serve(&self, conn: Connection, ready: impl FnOnce(), mut called: impl FnMut()) -> zbus::Result<()> {
        let objects = self.objects();
        let calls = MessageIterator::from(&conn);
        ready();
        for msg in calls {
            let msg = msg?;
            let h = msg.header();
            if h.message_type() != zbus::message::Type::MethodCall {
                continue;
            }
            let listing = h.member().is_some_and(|m| m.as_str() == "GetManagedObjects")
                && h.interface().is_some_and(|i| i.as_str() == "org.freedesktop.DBus.ObjectManager")
                && h.path().is_some_and(|p| p.as_str() == self.flavour.root());
            if !listing {
                conn.reply_error(&h, "org.freedesktop.DBus.Error.UnknownMethod", &"the fake mctpd only lists objects")?;
                continue;
            }
            called();
            match self.behaviour {
                Behaviour::Answer if self.shape == Shape::NotObjects => conn.reply(&h, &"no objects here")?,
                Behaviour::Answer => conn.reply(&h, &objects)?,
                Behaviour::Hang => {}
                Behaviour::Leave => return Ok(()),
            }
        }
        Ok(())
    }

    /// The body of the daemon's GetManagedObjects answer as it goes on the wire (D-Bus
    /// marshalling, big- or little-endian as a message header may say): for reading answers
    /// without a bus, and as seeds for the `dbus_objects` fuzz target.
    pub fn body(&self, big_endian: bool) -> Vec<u8> {
        use zbus::zvariant::{BE, LE, serialized::Context, to_bytes};
        let ctxt = Context::new_dbus(if big_endian { BE } else { LE }, 0);
        let data = match self.shape {
            Shape::NotObjects => to_bytes(ctxt, &"no objects here"),
            _ => to_bytes(ctxt, &self.objects()),
        };
        data.expect("the fake's objects marshal").bytes().to_vec()
    }

    /// The objects as the flavour's daemon lists them: each endpoint with the interfaces mctpd
    /// gives it, and a few objects that are not endpoints.
    pub fn objects(
        &self,
    ) -> HashMap<ObjectPath<'static>, HashMap<&'static str, HashMap<&'static str, Value<'static>>>> {
        let mut objects = HashMap::new();
        let path = |p: String| ObjectPath::try_from(p).expect("a valid object path");
        for ep in &self.endpoints {
            let mut props: HashMap<&str, Value> = HashMap::new();
            match self.shape {
                Shape::EidU32 => props.insert("EID", u32::from(ep.eid).into()),
                Shape::NoEid => None,
                _ => props.insert("EID", ep.eid.into()),
            };
            let net = match (self.shape, self.flavour) {
                (Shape::NetworkIdString, _) => ep.net.to_string().into(),
                (Shape::NetworkIdI32, _) | (Shape::Native, Flavour::OpenBmc) => Value::I32(ep.net as i32),
                _ => ep.net.into(),
            };
            props.insert("NetworkId", net);
            let types = match self.shape {
                Shape::TypesU32 => ep.types.iter().map(|&t| u32::from(t)).collect::<Vec<_>>().into(),
                _ => ep.types.clone().into(),
            };
            props.insert("SupportedMessageTypes", types);
            let uuid = format!("{:08x}-0000-4000-8000-{:012x}", ep.net, ep.eid);
            let mut ifaces = standard_interfaces();
            ifaces.insert("xyz.openbmc_project.MCTP.Endpoint", props);
            ifaces.insert("xyz.openbmc_project.Common.UUID", HashMap::from([("UUID", uuid.into())]));
            let (cc_iface, cc_props) = match self.flavour {
                Flavour::OpenBmc => ("au.com.codeconstruct.MCTP.Endpoint", HashMap::new()),
                Flavour::CodeConstruct => {
                    ("au.com.codeconstruct.MCTP.Endpoint1", HashMap::from([("Connectivity", "Available".into())]))
                }
            };
            ifaces.insert(cc_iface, cc_props);
            objects.insert(path(self.flavour.endpoint_path(ep.net, ep.eid)), ifaces);
        }
        // Objects that are not endpoints: an interface and a network, as mctpd 2.x has them.
        let mut nets: Vec<u32> = self.endpoints.iter().map(|e| e.net).collect();
        nets.sort_unstable();
        nets.dedup();
        if self.flavour == Flavour::CodeConstruct {
            let mut ifaces = standard_interfaces();
            let props = HashMap::from([("Name", "mctpi2c1".into()), ("Role", "BusOwner".into())]);
            ifaces.insert("au.com.codeconstruct.MCTP.BusOwner1", HashMap::new());
            ifaces.insert("au.com.codeconstruct.MCTP.Interface1", props);
            objects.insert(path(format!("{}/interfaces/mctpi2c1", self.flavour.root())), ifaces);
            for net in nets {
                let mut ifaces = standard_interfaces();
                ifaces.insert("au.com.codeconstruct.MCTP.Network1", HashMap::from([("LocalEIDs", vec![8u8].into())]));
                objects.insert(path(format!("{}/networks/{net}", self.flavour.root())), ifaces);
            }
        }
        objects
    }
}

/// The interfaces every object sd-bus serves has, none with properties.
fn standard_interfaces() -> HashMap<&'static str, HashMap<&'static str, Value<'static>>> {
    ["org.freedesktop.DBus.Peer", "org.freedesktop.DBus.Introspectable", "org.freedesktop.DBus.Properties"]
        .into_iter()
        .map(|i| (i, HashMap::new()))
        .collect()
}

/// `NET:EID:TYPE,TYPE...`, numbers in decimal or 0x hex.
fn parse_endpoint(spec: &str) -> Option<Endpoint> {
    fn num<T: TryFrom<u32>>(s: &str) -> Option<T> {
        let n = match s.strip_prefix("0x") {
            Some(h) => u32::from_str_radix(h, 16).ok()?,
            None => s.parse().ok()?,
        };
        T::try_from(n).ok()
    }
    let mut parts = spec.split(':');
    let (net, eid, types) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    let types = types.split(',').filter(|t| !t.is_empty()).map(num).collect::<Option<Vec<u8>>>()?;
    if parts.next().is_some() {
        return None;
    }
    Some(Endpoint { net: num(net)?, eid: num(eid)?, types })
}
