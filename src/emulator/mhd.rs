//! A multi-headed device (MHD): each head is a Type 3 device to its host;
//! the LD Pool CCI, reached by tunnelling with target type 1, manages the
//! pool of capacity the heads share (FM-API 55xxh and 56xxh).

use super::type3::Type3;
use super::{Cmd, Common, Device, cmd, effects::*, generic};

pub struct Mhd {
    /// The head this endpoint is opened at.
    pub head: Type3,
    pub pool: Pool,
}

/// The LD Pool CCI's state.
pub struct Pool {
    pub common: Common,
}

impl Mhd {
    pub fn new() -> Mhd {
        let mut head = Type3::with_serial(0x7e48_0000_0000_0000);
        head.common.identity.device_id = 0xe30b;
        let mut pool_id = head.common.identity;
        pool_id.serial_num = 0x7e48_0000_0000_00ff;
        Mhd { head, pool: Pool { common: Common::new(pool_id) } }
    }
}

impl Default for Mhd {
    fn default() -> Mhd {
        Mhd::new()
    }
}

const COMMANDS: &[Cmd<Mhd>] = &[
    cmd(0x0001, NONE, generic::identify::<Mhd>),
    cmd(0x0002, NONE, generic::bg_op_status::<Mhd>),
    cmd(0x0005, NONE, generic::request_bg_abort::<Mhd>),
    cmd(0x0300, NONE, generic::get_timestamp::<Mhd>),
    cmd(0x0301, IMMEDIATE_POLICY_CHANGE, generic::set_timestamp::<Mhd>),
    cmd(0x0400, NONE, generic::supported_logs::<Mhd>),
    cmd(0x0401, NONE, generic::get_log::<Mhd>),
    cmd(0x5300, NONE, generic::tunnel::<Mhd>),
];

impl Device for Mhd {
    fn commands() -> &'static [Cmd<Mhd>] {
        COMMANDS
    }

    fn common(&mut self) -> &mut Common {
        &mut self.head.common
    }

    /// Target type 1 is the LD Pool CCI.
    fn forward(&mut self, target: u8, _id: u8, msg: &[u8], out: &mut Vec<u8>) -> bool {
        target == 1 && generic::forward_to(&mut self.pool, msg, out)
    }
}

const POOL_COMMANDS: &[Cmd<Pool>] = &[
    cmd(0x0001, NONE, generic::identify::<Pool>),
    cmd(0x0400, NONE, generic::supported_logs::<Pool>),
    cmd(0x0401, NONE, generic::get_log::<Pool>),
];

impl Device for Pool {
    fn commands() -> &'static [Cmd<Pool>] {
        POOL_COMMANDS
    }

    fn common(&mut self) -> &mut Common {
        &mut self.common
    }
}
