//! Readings in the decode layer's terms: what the monitor prints and the
//! exporter's labels come from here, so both name things as the tool does.

use super::component::{Event, Heads, Identity, Kind, LogCount, Place, Poison, Reading};
use crate::decode::fmapi::{ld_allocations, multiheaded_info};
use crate::decode::generic::revision_text;
use crate::decode::{Decode, Object, Value, decoded_list, enumeration};

/// The event logs (CXL r3.1 Table 8-50), by Event Log number.
pub const EVENT_LOGS: [(u64, &str); 5] =
    [(0, "informational"), (1, "warning"), (2, "failure"), (3, "fatal"), (4, "dynamic_capacity")];

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Type3 => "type3",
            Kind::Mld { .. } => "mld",
            Kind::Switch { .. } => "switch",
            Kind::Pool { .. } => "ld_pool",
            Kind::Other => "other",
        }
    }
}

impl Identity {
    /// The running firmware's revision (a memory device's).
    pub fn fw_revision(&self) -> Option<String> {
        match revision_text(&self.memdev?.fw_revision) {
            Value::Text(t) => Some(t.into_owned()),
            _ => None,
        }
    }
}

impl Place {
    /// The place's fields, `null` where the component is not behind one.
    pub fn decoded(&self) -> Object {
        Object::new()
            .with("target", self.target.clone())
            .with("port", self.port)
            .with("ld", self.ld)
            .with("ld_pool", self.pool)
    }
}

impl Decode for Identity {
    fn decoded(&self) -> Object {
        let mut o = match self.kind {
            // An LD Pool CCI answers no Identify.
            Kind::Pool { .. } => Object::new(),
            _ => self.identify.decoded(),
        };
        o.push("kind", self.kind.name());
        match self.kind {
            Kind::Mld { lds } => o.push("lds", lds),
            Kind::Switch { ports } => o.push("ports", ports),
            Kind::Pool { heads, lds } => {
                o.push("heads", heads);
                o.push("lds", lds);
            }
            Kind::Type3 | Kind::Other => {}
        }
        if let Some(memdev) = &self.memdev {
            o.push("memory_device", memdev.decoded());
        }
        o
    }
}

impl Decode for LogCount {
    fn decoded(&self) -> Object {
        Object::new()
            .with("log", enumeration(self.log.into(), &EVENT_LOGS))
            .with("records", self.records)
            .with("more_records", self.more)
            .with("overflow_error_count", self.overflow)
    }
}

impl Decode for Event {
    fn decoded(&self) -> Object {
        let mut o = Object::new().with("log", enumeration(self.log.into(), &EVENT_LOGS));
        o.0.extend(self.record.decoded().0);
        o
    }
}

impl Decode for Poison {
    fn decoded(&self) -> Object {
        Object::new()
            .with("records", self.records as u64)
            .with("more_records", self.more)
            .with("overflow", self.overflow)
    }
}

impl Decode for Heads {
    fn decoded(&self) -> Object {
        multiheaded_info(&self.info, &self.ld_map).with("heads", decoded_list(&self.heads))
    }
}

impl Decode for Reading {
    /// The place, whether it answered and why not, then what it said.
    fn decoded(&self) -> Object {
        let mut o = self.place.decoded();
        o.push("up", self.up);
        o.push("errors", self.errors.iter().map(|e| Value::from(e.clone())).collect::<Vec<_>>());
        o.push("identity", self.identity.as_ref().map(|i| i.decoded()));
        o.push("health", self.health.map(|h| h.decoded()));
        o.push("event_logs", decoded_list(&self.logs));
        o.push("poison", self.poison.map(|p| p.decoded()));
        if !self.ports.is_empty() {
            o.push("ports", decoded_list(&self.ports));
        }
        if let Some(a) = &self.ld_allocations {
            o.push("ld_allocations", ld_allocations(&a.head, &a.lds));
        }
        if let Some(h) = &self.heads {
            o.push("multi_headed", h.decoded());
        }
        o
    }
}
