//! A CXL switch managed through FM-API: its physical ports (CXL r3.1 section
//! 7.6.7.1), its virtual CXL switches and their vPPB bindings (section
//! 7.6.7.2), and the devices behind its downstream ports, reached by
//! tunnelling (section 7.6.7.3.1).
//!
//! Topology (what [`Switch::new`] builds):
//!
//! | port | role | behind it                         | x  |
//! |------|------|-----------------------------------|----|
//! | 0    | USP  | host 0, upstream port of VCS 0    | 16 |
//! | 1    | DSP  | a Type 3 SLD                      | 8  |
//! | 2    | DSP  | an MLD with four LDs              | 8  |
//! | 3    | DSP  | nothing (link down)               | 8  |
//! | 4    | USP  | host 1, upstream port of VCS 1    | 16 |
//!
//! VCS 0 and VCS 1 have four vPPBs each. At power-on VCS 0 vPPB 0 is bound
//! to port 1 and vPPB 1 to LD 0 of the MLD; everything else is unbound.
//! Binding and unbinding are background operations (section 7.6.7.2.2)
//! that take [`BIND_TIME`].

use std::time::Duration;

use crate::device::{
    Cmd, Common, Component, Device, Done, Handled, Rc, ResetKind, cmd, effects::*, input, input_head, put,
};
use crate::generic;
use cxlmi::cci::Opcode;
use cxlmi::commands::Command;
use cxlmi::commands::fmapi::*;
use cxlmi::commands::generic::*;
use cxlmi::types::*;
use cxlmi::wire::Wire;

/// How long a bind or unbind takes: about as long as a link needs to train.
pub const BIND_TIME: Duration = Duration::from_millis(20);

/// Current Port Configuration State (CXL r3.2 Table 7-19).
mod config_state {
    pub const BIND_IN_PROGRESS: u8 = 0x1;
    pub const UNBIND_IN_PROGRESS: u8 = 0x2;
    pub const DSP: u8 = 0x3;
    pub const USP: u8 = 0x4;
}

/// Connected Device Type (CXL r3.2 Table 7-19).
mod device_type {
    pub const NONE: u8 = 0x00;
    pub const TYPE3_SLD: u8 = 0x04;
    pub const TYPE3_MLD: u8 = 0x05;
}

/// Connected Device Mode: disconnected, or CXL 68B flit and VH (CXL r3.2 Table 7-19).
const MODE_DISCONNECTED: u8 = 0x00;
const MODE_68B_VH: u8 = 0x02;
/// Supported CXL Modes: 68B flit and VH, 256B flit (bits 1 and 2).
const SUPPORTED_MODES: u8 = 0b0110;
/// Link speeds up to 32 GT/s (PCIe Gen 5): bits 0 to 4 of the vector, and
/// speed encoding 5.
pub(super) const SPEEDS_VECTOR: u8 = 0x1f;
pub(super) const MAX_SPEED: u8 = 5;
/// LTSSM states (CXL r3.2 Table 7-19).
const LTSSM_DETECT: u8 = 0x0;
pub(super) const LTSSM_L0: u8 = 0x4;
/// Link State Flags: PERST asserted (bit 1), device present (bit 2).
const LINK_PERST: u16 = 1 << 1;
const LINK_PRESENT: u16 = 1 << 2;

/// vPPB Binding Status (CXL r3.1 Table 7-25).
mod binding_status {
    pub const UNBOUND: u8 = 0;
    pub const IN_PROGRESS: u8 = 1;
    pub const PORT: u8 = 2;
    pub const LD: u8 = 3;
}

/// The LD ID of a Bind vPPB that binds a whole port (CXL r3.1 Table 7-27).
const WHOLE_PORT: u16 = 0xffff;

/// HDM decoders each upstream port has.
const HDM_DECODERS_PER_USP: u8 = 8;

/// A PPB's configuration space, 4 KB (PCIe extended configuration space).
const CONFIG_SPACE: usize = 4096;
/// PCI device ids of the switch's bridges.
const USP_DEVICE_ID: u16 = 0xe501;
const DSP_DEVICE_ID: u16 = 0xe502;
/// Class code of a PCI-to-PCI bridge (06_04_00h), revision 1.
const BRIDGE_CLASS_REV: u32 = 0x0604_0001;

/// What sits behind a downstream port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attached {
    Nothing,
    Sld,
    Mld { lds: u8 },
}

/// One physical port.
pub struct Port {
    /// The device behind a downstream port, which tunnelled messages reach.
    pub device: Option<Box<dyn Component>>,
    /// The VCS whose upstream port this is; None for a downstream port.
    pub upstream_of: Option<u8>,
    pub attached: Attached,
    pub max_width: u8,
    /// PERST# asserted by Physical Port Control: the link is down and the
    /// device behind it in reset.
    pub perst: bool,
    /// The PPB's configuration space, as Send PPB CXL.io Configuration
    /// Request reads and writes it.
    config: Vec<u8>,
}

impl Port {
    fn new(device: Option<Box<dyn Component>>, upstream_of: Option<u8>, attached: Attached, max_width: u8) -> Port {
        let mut p = Port { device, upstream_of, attached, max_width, perst: false, config: Vec::new() };
        p.reset_config();
        p
    }

    fn upstream(vcs: u8) -> Port {
        Port::new(None, Some(vcs), Attached::Nothing, 16)
    }

    fn downstream(device: Option<Box<dyn Component>>, attached: Attached) -> Port {
        Port::new(device, None, attached, 8)
    }

    /// The configuration space as it is after a reset: a type 1 (bridge)
    /// header with the switch's ids; the rest reads as zero.
    fn reset_config(&mut self) {
        self.config = vec![0; CONFIG_SPACE];
        let device_id = if self.upstream_of.is_some() { USP_DEVICE_ID } else { DSP_DEVICE_ID };
        let ids = u32::from(crate::type3::VENDOR_ID) | u32::from(device_id) << 16;
        self.config[0..4].copy_from_slice(&ids.to_le_bytes());
        self.config[8..12].copy_from_slice(&BRIDGE_CLASS_REV.to_le_bytes());
        self.config[0x0e] = 0x01; // header type 1
    }

    /// Whether the link trains: something is attached (or this is an
    /// upstream port, which a host drives) and PERST# is not asserted.
    fn link_up(&self) -> bool {
        !self.perst && (self.upstream_of.is_some() || self.attached != Attached::Nothing)
    }
}

/// What a vPPB is bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    Unbound,
    Port(u8),
    Ld { port: u8, ld: u8 },
}

impl Binding {
    fn port(self) -> Option<u8> {
        match self {
            Binding::Unbound => None,
            Binding::Port(p) | Binding::Ld { port: p, .. } => Some(p),
        }
    }
}

/// A virtual CXL switch.
pub struct Vcs {
    pub usp: u8,
    pub vppbs: Vec<Binding>,
}

/// A bind or unbind running as the background operation.
#[derive(Clone, Copy, Debug)]
struct Rebinding {
    vcs: u8,
    vppb: u8,
    to: Binding,
}

pub struct Switch {
    pub common: Common,
    pub ports: Vec<Port>,
    pub vcss: Vec<Vcs>,
    rebinding: Option<Rebinding>,
}

impl Switch {
    pub fn new() -> Switch {
        let identity = cxlmi_cmd_identify_rsp {
            vendor_id: crate::type3::VENDOR_ID,
            device_id: 0xe500,
            subsys_vendor_id: crate::type3::VENDOR_ID,
            subsys_id: 0x0000,
            serial_num: 0x7e55_0000_0000_0001,
            max_msg_size: 11,
            component_type: 0x00,
        };
        let sld: Box<dyn Component> = Box::new(crate::type3::Type3::with_serial(0x7e53_0000_0000_0101));
        let mld = crate::mld::Mld::new();
        let lds = u8::try_from(mld.lds.len()).unwrap_or(u8::MAX);
        let ports = vec![
            Port::upstream(0),
            Port::downstream(Some(sld), Attached::Sld),
            Port::downstream(Some(Box::new(mld)), Attached::Mld { lds }),
            Port::downstream(None, Attached::Nothing),
            Port::upstream(1),
        ];
        let mut common = Common::new(identity);
        common.background_unit = BIND_TIME;
        Switch { common, ports, vcss: Switch::power_on_vcss(), rebinding: None }
    }

    /// The virtual switches as they come up: VCS 0 has the SLD on port 1 and
    /// LD 0 of the MLD on port 2; VCS 1 has nothing bound.
    fn power_on_vcss() -> Vec<Vcs> {
        let mut vcs0 = vec![Binding::Unbound; 4];
        vcs0[0] = Binding::Port(1);
        vcs0[1] = Binding::Ld { port: 2, ld: 0 };
        vec![Vcs { usp: 0, vppbs: vcs0 }, Vcs { usp: 4, vppbs: vec![Binding::Unbound; 4] }]
    }

    fn port(&self, id: u8) -> Result<&Port, Rc> {
        self.ports.get(usize::from(id)).ok_or(Rc::CXLMI_RET_INPUT)
    }

    fn vppb(&self, vcs: u8, vppb: u8) -> Result<Binding, Rc> {
        let v = self.vcss.get(usize::from(vcs)).ok_or(Rc::CXLMI_RET_INPUT)?;
        v.vppbs.get(usize::from(vppb)).copied().ok_or(Rc::CXLMI_RET_INPUT)
    }

    /// Whether any vPPB is bound, or being bound, to `b`.
    fn in_use(&self, b: Binding) -> bool {
        let bound = self.vcss.iter().flat_map(|v| &v.vppbs).any(|&x| x == b);
        bound || self.rebinding.is_some_and(|r| r.to == b)
    }

    /// What Bind vPPB's port and LD ID name: a downstream port as a whole
    /// when it has no MLD (LD ID FFFFh), else one LD of its MLD.
    fn bind_target(&self, port_id: u8, ld_id: u16) -> Result<Binding, Rc> {
        let port = self.port(port_id)?;
        if port.upstream_of.is_some() {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        match (port.attached, ld_id) {
            (Attached::Mld { lds }, ld) if ld < u16::from(lds) => Ok(Binding::Ld { port: port_id, ld: ld as u8 }),
            (Attached::Nothing | Attached::Sld, WHOLE_PORT) => Ok(Binding::Port(port_id)),
            _ => Err(Rc::CXLMI_RET_INPUT),
        }
    }

    /// A port's configuration state: bind or unbind in progress while a
    /// vPPB is being (un)bound to it, else its role.
    fn config_state(&self, id: u8, port: &Port) -> u8 {
        if let Some(r) = self.rebinding {
            if r.to.port() == Some(id) {
                return config_state::BIND_IN_PROGRESS;
            }
            let from = self.vppb(r.vcs, r.vppb).ok().and_then(Binding::port);
            if r.to == Binding::Unbound && from == Some(id) {
                return config_state::UNBIND_IN_PROGRESS;
            }
        }
        if port.upstream_of.is_some() { config_state::USP } else { config_state::DSP }
    }

    fn port_state(&self, id: u8, port: &Port) -> cxlmi_cmd_fmapi_port_state_info_block {
        let up = port.link_up();
        let present = port.upstream_of.is_some() || port.attached != Attached::Nothing;
        let link_state = if port.perst { LINK_PERST } else { 0 } | if present { LINK_PRESENT } else { 0 };
        let (dev_type, lds) = match port.attached {
            Attached::Nothing => (device_type::NONE, 0),
            Attached::Sld => (device_type::TYPE3_SLD, 0),
            Attached::Mld { lds } => (device_type::TYPE3_MLD, lds),
        };
        cxlmi_cmd_fmapi_port_state_info_block {
            port_id: id,
            config_state: self.config_state(id, port),
            conn_dev_cxl_ver: if up { MODE_68B_VH } else { MODE_DISCONNECTED },
            rsv1: 0,
            conn_dev_type: dev_type,
            port_cxl_ver_bitmask: SUPPORTED_MODES,
            max_link_width: port.max_width,
            negotiated_link_width: if up { port.max_width } else { 0 },
            supported_link_speeds_vector: SPEEDS_VECTOR,
            max_link_speed: MAX_SPEED,
            current_link_speed: if up { MAX_SPEED } else { 0 },
            ltssm_state: if up { LTSSM_L0 } else { LTSSM_DETECT },
            first_lane_num: 0,
            link_state,
            supported_ld_count: lds,
        }
    }

    /// Identify Switch Device (5100h, CXL r3.1 section 7.6.7.1.1). The FM
    /// reaches this CCI through port 0.
    fn identify_switch(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        let mut rsp = cxlmi_cmd_fmapi_identify_sw_device_rsp::zeroed();
        rsp.num_physical_ports = u8::try_from(self.ports.len()).map_err(|_| Rc::CXLMI_RET_INTERNAL)?;
        rsp.num_vcs = u8::try_from(self.vcss.len()).map_err(|_| Rc::CXLMI_RET_INTERNAL)?;
        // Every port and VCS of this switch is enabled.
        for i in 0..self.ports.len() {
            rsp.active_port_bitmask[i / 8] |= 1 << (i % 8);
        }
        for i in 0..self.vcss.len() {
            rsp.active_vcs_bitmask[i / 8] |= 1 << (i % 8);
        }
        let vppbs = self.vcss.iter().flat_map(|v| &v.vppbs);
        rsp.num_total_vppb = vppbs.clone().count() as u16;
        rsp.num_active_vppb = vppbs.filter(|&&b| b != Binding::Unbound).count() as u16;
        rsp.num_hdm_decoder_per_usp = HDM_DECODERS_PER_USP;
        put(out, &rsp);
        Ok(Done::Now)
    }

    /// Get Physical Port State (5101h, section 7.6.7.1.2): one block per
    /// port id asked for, in the order asked; an unknown id is Invalid Input.
    fn get_phys_port_state(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let (head, ids) = input_head::<cxlmi_cmd_fmapi_get_phys_port_state_req>(req)?;
        if ids.len() != usize::from(head.num_ports) {
            return Err(Rc::CXLMI_RET_PAYLOADLEN);
        }
        put(out, &cxlmi_cmd_fmapi_get_phys_port_state_rsp { num_ports: head.num_ports, rsv1: [0; 3], ports: [] });
        for &id in ids {
            let block = self.port_state(id, self.port(id)?);
            put(out, &block);
        }
        Ok(Done::Now)
    }

    /// Physical Port Control (5102h, section 7.6.7.1.3): assert or deassert
    /// PERST#, or reset the PPB (its configuration space returns to its
    /// reset values). Upstream ports carry the hosts' links and are not
    /// controlled here (Invalid Input).
    fn phys_port_control(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_phys_port_control_req = input(req)?;
        let port = self.ports.get_mut(usize::from(r.ppb_id)).ok_or(Rc::CXLMI_RET_INPUT)?;
        if port.upstream_of.is_some() {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        match r.port_opcode {
            0 => port.perst = true,
            1 => port.perst = false,
            2 => port.reset_config(),
            _ => return Err(Rc::CXLMI_RET_INPUT),
        }
        Ok(Done::Now)
    }

    /// Send PPB CXL.io Configuration Request (5103h, CXL r3.2 section
    /// 7.6.7.1.4). The 24-bit field holds the register number (bits 7:0)
    /// and extended register number (11:8), together the byte offset of a
    /// dword, the first dword byte enables (15:12) and the transaction type
    /// (bit 23, 1 = write). Reads return the enabled bytes. Writes land in
    /// the enabled bytes, except that the identification dwords (vendor and
    /// device id, class code and revision) are read-only, as in any PCI
    /// header, and ignore them.
    fn ppb_config_request(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req = input(req)?;
        let field = u32::from(r.field_1[0]) | u32::from(r.field_1[1]) << 8 | u32::from(r.field_1[2]) << 16;
        let offset = (field & 0xfff) as usize;
        let enables = (field >> 12) & 0xf;
        let write = field & (1 << 23) != 0;
        if offset % 4 != 0 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let port = self.ports.get_mut(usize::from(r.ppb_id)).ok_or(Rc::CXLMI_RET_INPUT)?;
        let dword = port.config.get_mut(offset..offset + 4).ok_or(Rc::CXLMI_RET_INPUT)?;
        let mut data = [0u8; 4];
        let given = r.transaction_data.to_le_bytes();
        let read_only = offset == 0 || offset == 8;
        for (i, byte) in dword.iter_mut().enumerate() {
            if enables & (1 << i) == 0 {
                continue;
            }
            if !write {
                data[i] = *byte;
            } else if !read_only {
                *byte = given[i];
            }
        }
        put(out, &cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_rsp { return_data: u32::from_le_bytes(data) });
        Ok(Done::Now)
    }

    /// Get Virtual CXL Switch Info (5200h, section 7.6.7.2.1): one block per
    /// VCS id asked for, each with its vPPBs from `start_vppb`, at most
    /// `vppb_list_limit` of them (`num_vppbs` counts those that follow). An
    /// id the switch lacks gets a block with VCS State FFh (invalid) and no
    /// vPPBs.
    fn get_vcs_info(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let (head, ids) = input_head::<cxlmi_cmd_fmapi_get_vcs_info_req>(req)?;
        if ids.len() != usize::from(head.num_vcs) {
            return Err(Rc::CXLMI_RET_PAYLOADLEN);
        }
        put(out, &cxlmi_cmd_fmapi_get_vcs_info_rsp { num_vcs: head.num_vcs, rsv1: [0; 3], vcs_info_list: [] });
        for &id in ids {
            let Some(vcs) = self.vcss.get(usize::from(id)) else {
                put(
                    out,
                    &cxlmi_cmd_fmapi_vcs_info_block {
                        vcs_id: id,
                        vcs_state: 0xff,
                        usp_id: 0xff,
                        num_vppbs: 0,
                        vppbs: [],
                    },
                );
                continue;
            };
            let listed: Vec<(usize, Binding)> = vcs
                .vppbs
                .iter()
                .copied()
                .enumerate()
                .skip(usize::from(head.start_vppb))
                .take(usize::from(head.vppb_list_limit))
                .collect();
            let block = cxlmi_cmd_fmapi_vcs_info_block {
                vcs_id: id,
                vcs_state: 1,
                usp_id: vcs.usp,
                num_vppbs: listed.len() as u8,
                vppbs: [],
            };
            put(out, &block);
            for (i, b) in listed {
                put(out, &self.vppb_info(id, i, b));
            }
        }
        Ok(Done::Now)
    }

    /// One vPPB's entry: a bind in progress shows its target, an unbind in
    /// progress what is being unbound; unbound fields are FFh.
    fn vppb_info(&self, vcs: u8, vppb: usize, b: Binding) -> cxlmi_cmd_fmapi_vppb_info {
        let changing = self.rebinding.filter(|r| r.vcs == vcs && usize::from(r.vppb) == vppb);
        let shown = match changing {
            Some(r) if r.to != Binding::Unbound => r.to,
            _ => b,
        };
        let (status, port, ld) = match shown {
            Binding::Unbound => (binding_status::UNBOUND, 0xff, 0xff),
            Binding::Port(p) => (binding_status::PORT, p, 0xff),
            Binding::Ld { port, ld } => (binding_status::LD, port, ld),
        };
        let status = if changing.is_some() { binding_status::IN_PROGRESS } else { status };
        cxlmi_cmd_fmapi_vppb_info { binding_status: status, bound_port_id: port, bound_ld_id: ld, rsv1: 0 }
    }

    /// Bind vPPB (5201h, section 7.6.7.2.2), a background operation: an
    /// unbound vPPB of a VCS is bound to a downstream port (LD ID FFFFh) or
    /// to one LD of the MLD behind it. A vPPB already bound, or a port or LD
    /// already bound elsewhere, is Invalid Input; another bind or unbind
    /// still running is Busy.
    fn bind_vppb(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_bind_vppb_req = input(req)?;
        if self.rebinding.is_some() {
            return Err(Rc::CXLMI_RET_BUSY);
        }
        let target = self.bind_target(r.port_id, r.ld_id)?;
        if self.vppb(r.vcs_id, r.vppb_id)? != Binding::Unbound || self.in_use(target) {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        self.start_rebinding(Rebinding { vcs: r.vcs_id, vppb: r.vppb_id, to: target }, BindVppb::OPCODE)
    }

    /// Unbind vPPB (5202h, section 7.6.7.2.3), a background operation. The
    /// option (bits 3:0: wait for link down, managed or surprise hot-remove)
    /// makes no difference to an emulated link; a reserved option, an
    /// unknown or unbound vPPB are Invalid Input.
    fn unbind_vppb(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_unbind_vppb_req = input(req)?;
        if self.rebinding.is_some() {
            return Err(Rc::CXLMI_RET_BUSY);
        }
        if r.option & 0x0f > 2 || self.vppb(r.vcs_id, r.vppb_id)? == Binding::Unbound {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        self.start_rebinding(Rebinding { vcs: r.vcs_id, vppb: r.vppb_id, to: Binding::Unbound }, UnbindVppb::OPCODE)
    }

    fn start_rebinding(&mut self, r: Rebinding, opcode: Opcode) -> Handled {
        let done = self.common.start_background(opcode, 1, false)?;
        self.rebinding = Some(r);
        Ok(done)
    }
}

impl Default for Switch {
    fn default() -> Switch {
        Switch::new()
    }
}

const COMMANDS: &[Cmd<Switch>] = &[
    cmd(Identify::OPCODE, NONE, generic::identify::<Switch>),
    cmd(BgOpStatus::OPCODE, NONE, generic::bg_op_status::<Switch>),
    cmd(GetResponseMsgLimit::OPCODE, NONE, generic::get_response_limit::<Switch>),
    cmd(SetResponseMsgLimit::OPCODE, IMMEDIATE_CONFIG_CHANGE, generic::set_response_limit::<Switch>),
    cmd(RequestBgOpAbort::OPCODE, NONE, generic::request_bg_abort::<Switch>),
    cmd(GetTimestamp::OPCODE, NONE, generic::get_timestamp::<Switch>),
    cmd(SetTimestamp::OPCODE, IMMEDIATE_POLICY_CHANGE, generic::set_timestamp::<Switch>),
    cmd(GetSupportedLogs::OPCODE, NONE, generic::supported_logs::<Switch>),
    cmd(GetLog::OPCODE, NONE, generic::get_log::<Switch>),
    cmd(IdentifySwDevice::OPCODE, NONE, Switch::identify_switch),
    cmd(GetPhysPortState::OPCODE, NONE, Switch::get_phys_port_state),
    cmd(PhysPortControl::OPCODE, IMMEDIATE_CONFIG_CHANGE, Switch::phys_port_control),
    cmd(SendPpbCxlioConfigRequest::OPCODE, IMMEDIATE_CONFIG_CHANGE, Switch::ppb_config_request),
    cmd(GetVcsInfo::OPCODE, NONE, Switch::get_vcs_info),
    cmd(BindVppb::OPCODE, IMMEDIATE_CONFIG_CHANGE | BACKGROUND_OPERATION, Switch::bind_vppb),
    cmd(UnbindVppb::OPCODE, IMMEDIATE_CONFIG_CHANGE | BACKGROUND_OPERATION, Switch::unbind_vppb),
    cmd(generic::TUNNEL, NONE, generic::tunnel::<Switch>),
];

impl Device for Switch {
    fn commands() -> &'static [Cmd<Switch>] {
        COMMANDS
    }

    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    /// A bind or unbind has had its time: the vPPB takes its new binding.
    fn background_done(&mut self, opcode: Opcode) {
        let _ = opcode;
        let Some(r) = self.rebinding.take() else { return };
        if let Some(b) = self.vcss.get_mut(usize::from(r.vcs)).and_then(|v| v.vppbs.get_mut(usize::from(r.vppb))) {
            *b = r.to;
        }
    }

    /// Either reset brings the switch up as it powers on: the power-on
    /// bindings (a bind or unbind under way is lost with the background
    /// operation), PERST# deasserted, configuration spaces at their reset
    /// values; the devices behind the ports reset the same way.
    fn renumber_behind(&mut self, offset: u64) {
        self.ports.iter_mut().filter_map(|p| p.device.as_mut()).for_each(|d| d.renumber(offset));
    }

    fn on_reset(&mut self, kind: ResetKind) {
        self.vcss = Switch::power_on_vcss();
        self.rebinding = None;
        for port in &mut self.ports {
            port.perst = false;
            port.reset_config();
            if let Some(device) = &mut port.device {
                device.reset(kind);
            }
        }
    }

    /// Target type 0 names a physical port; the device behind it answers,
    /// unless it is held in reset by PERST#.
    fn forward(&mut self, target: u8, id: u8, msg: &[u8], out: &mut Vec<u8>) -> bool {
        if target != 0 {
            return false;
        }
        match self.ports.get_mut(usize::from(id)) {
            Some(Port { device: Some(dev), perst: false, .. }) => generic::forward_to(dev.as_mut(), msg, out),
            _ => false,
        }
    }
}
