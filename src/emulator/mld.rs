//! A multi-logical device (MLD): the FM-owned LD answers FM-API LD
//! management, and each LD is a Type 3 device reached by tunnelling to it.

use super::type3::Type3;
use super::{Cmd, Common, Device, cmd, effects::*, generic};

pub struct Mld {
    /// The FM-owned LD, which the FM talks to.
    pub fm_ld: Type3,
    pub lds: Vec<Type3>,
}

impl Mld {
    /// Four LDs.
    pub fn new() -> Mld {
        let mut fm_ld = Type3::with_serial(0x7e4d_0000_0000_00ff);
        fm_ld.common.identity.device_id = 0xe30d;
        let lds = (0..4).map(|i| Type3::with_serial(0x7e4d_0000_0000_0000 + i)).collect();
        Mld { fm_ld, lds }
    }
}

impl Default for Mld {
    fn default() -> Mld {
        Mld::new()
    }
}

const COMMANDS: &[Cmd<Mld>] = &[
    cmd(0x0001, NONE, generic::identify::<Mld>),
    cmd(0x0002, NONE, generic::bg_op_status::<Mld>),
    cmd(0x0005, NONE, generic::request_bg_abort::<Mld>),
    cmd(0x0300, NONE, generic::get_timestamp::<Mld>),
    cmd(0x0301, IMMEDIATE_POLICY_CHANGE, generic::set_timestamp::<Mld>),
    cmd(0x0400, NONE, generic::supported_logs::<Mld>),
    cmd(0x0401, NONE, generic::get_log::<Mld>),
    cmd(0x5300, NONE, generic::tunnel::<Mld>),
];

impl Device for Mld {
    fn commands() -> &'static [Cmd<Mld>] {
        COMMANDS
    }

    fn common(&mut self) -> &mut Common {
        &mut self.fm_ld.common
    }

    /// Target type 0 names an LD.
    fn forward(&mut self, target: u8, id: u8, msg: &[u8], out: &mut Vec<u8>) -> bool {
        match (target, self.lds.get_mut(usize::from(id))) {
            (0, Some(ld)) => generic::forward_to(ld, msg, out),
            _ => false,
        }
    }
}
