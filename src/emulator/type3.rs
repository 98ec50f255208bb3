//! A Type 3 memory device (single logical device).

use super::{Cmd, Common, Device, cmd, effects::*, generic};
use crate::types::cxlmi_cmd_identify_rsp;

/// The emulated devices' PCI vendor id: the CXL Consortium's (1E98h), as no
/// real vendor makes them.
pub const VENDOR_ID: u16 = 0x1e98;

pub struct Type3 {
    pub common: Common,
}

impl Type3 {
    pub fn new() -> Type3 {
        Type3::with_serial(0x7e53_0000_0000_0001)
    }

    /// A device with its own serial number (the LDs of an MLD, the heads of an MHD).
    pub fn with_serial(serial_num: u64) -> Type3 {
        let identity = cxlmi_cmd_identify_rsp {
            vendor_id: VENDOR_ID,
            device_id: 0xe303,
            subsys_vendor_id: VENDOR_ID,
            subsys_id: 0x0003,
            serial_num,
            max_msg_size: 11,
            component_type: 0x03,
        };
        Type3 { common: Common::new(identity) }
    }
}

impl Default for Type3 {
    fn default() -> Type3 {
        Type3::new()
    }
}

const COMMANDS: &[Cmd<Type3>] = &[
    cmd(0x0001, NONE, generic::identify::<Type3>),
    cmd(0x0002, NONE, generic::bg_op_status::<Type3>),
    cmd(0x0003, NONE, generic::get_response_limit::<Type3>),
    cmd(0x0004, IMMEDIATE_CONFIG_CHANGE, generic::set_response_limit::<Type3>),
    cmd(0x0005, NONE, generic::request_bg_abort::<Type3>),
    cmd(0x0300, NONE, generic::get_timestamp::<Type3>),
    cmd(0x0301, IMMEDIATE_POLICY_CHANGE, generic::set_timestamp::<Type3>),
    cmd(0x0400, NONE, generic::supported_logs::<Type3>),
    cmd(0x0401, NONE, generic::get_log::<Type3>),
];

impl Device for Type3 {
    fn commands() -> &'static [Cmd<Type3>] {
        COMMANDS
    }

    fn common(&mut self) -> &mut Common {
        &mut self.common
    }
}
