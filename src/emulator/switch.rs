//! A CXL switch managed through FM-API, with devices behind its downstream
//! ports reached by tunnelling.

use super::{Cmd, Common, Component, Device, cmd, effects::*, generic};
use crate::types::cxlmi_cmd_identify_rsp;

/// What sits behind one physical port.
pub struct Port {
    pub device: Option<Box<dyn Component>>,
}

pub struct Switch {
    pub common: Common,
    pub ports: Vec<Port>,
}

impl Switch {
    /// Port 0 is upstream (to the host); port 1 has a Type 3 device, port 2
    /// an MLD, port 3 nothing.
    pub fn new() -> Switch {
        let identity = cxlmi_cmd_identify_rsp {
            vendor_id: super::type3::VENDOR_ID,
            device_id: 0xe500,
            subsys_vendor_id: super::type3::VENDOR_ID,
            subsys_id: 0x0000,
            serial_num: 0x7e55_0000_0000_0001,
            max_msg_size: 11,
            component_type: 0x00,
        };
        let ports = vec![
            Port { device: None },
            Port { device: Some(Box::new(super::type3::Type3::with_serial(0x7e53_0000_0000_0101))) },
            Port { device: Some(Box::new(super::mld::Mld::new())) },
            Port { device: None },
        ];
        Switch { common: Common::new(identity), ports }
    }
}

impl Default for Switch {
    fn default() -> Switch {
        Switch::new()
    }
}

const COMMANDS: &[Cmd<Switch>] = &[
    cmd(0x0001, NONE, generic::identify::<Switch>),
    cmd(0x0002, NONE, generic::bg_op_status::<Switch>),
    cmd(0x0003, NONE, generic::get_response_limit::<Switch>),
    cmd(0x0004, IMMEDIATE_CONFIG_CHANGE, generic::set_response_limit::<Switch>),
    cmd(0x0005, NONE, generic::request_bg_abort::<Switch>),
    cmd(0x0300, NONE, generic::get_timestamp::<Switch>),
    cmd(0x0301, IMMEDIATE_POLICY_CHANGE, generic::set_timestamp::<Switch>),
    cmd(0x0400, NONE, generic::supported_logs::<Switch>),
    cmd(0x0401, NONE, generic::get_log::<Switch>),
    cmd(0x5300, NONE, generic::tunnel::<Switch>),
];

impl Device for Switch {
    fn commands() -> &'static [Cmd<Switch>] {
        COMMANDS
    }

    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    /// Target type 0 names a physical port; the device behind it answers.
    fn forward(&mut self, target: u8, id: u8, msg: &[u8], out: &mut Vec<u8>) -> bool {
        if target != 0 {
            return false;
        }
        match self.ports.get_mut(usize::from(id)).and_then(|p| p.device.as_deref_mut()) {
            Some(dev) => generic::forward_to(dev, msg, out),
            None => false,
        }
    }
}
