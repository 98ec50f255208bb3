//! FM-API responses (CXL r3.1 section 7.6.7): the physical switch, virtual switch, MLD,
//! multi-headed device and DCD management commands, decoded for people.
//!
//! Fixed responses implement [`Decode`]. A response of a fixed part and entries decodes through
//! the `pub fn` named after it, given the fixed part and the entries as slices; the [`Listed`]
//! outputs of those commands implement [`Decode`] through the same functions. Get Virtual CXL
//! Switch Info decodes with [`vcs_info`], given the request's start vPPB: the response does not
//! say which vPPBs it lists.
//!
//! Decoded values are as the commands hand them out: Get DCD Info's total capacity and the DC
//! regions' decode lengths arrive in 256 MB units and leave the commands in bytes
//! ([`crate::commands::fmapi`]), so they are bytes here.

use super::{Decode, Enum, Object, Value, bits, decoded_list, enumeration, flags, unless, uuid};
use crate::commands::Listed;
use crate::commands::fmapi::VcsInfo;
use crate::types::{
    cxlmi_cmd_fmapi_bind_vppb_req, cxlmi_cmd_fmapi_dc_list_tags_rsp, cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp,
    cxlmi_cmd_fmapi_get_dcd_info_rsp, cxlmi_cmd_fmapi_get_domain_validation_sv_rsp,
    cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp, cxlmi_cmd_fmapi_get_head_info_blkfmt,
    cxlmi_cmd_fmapi_get_head_info_rsp, cxlmi_cmd_fmapi_get_host_dc_region_config_rsp,
    cxlmi_cmd_fmapi_get_ld_allocations_rsp, cxlmi_cmd_fmapi_get_ld_info_rsp, cxlmi_cmd_fmapi_get_multiheaded_info_rsp,
    cxlmi_cmd_fmapi_get_phys_port_state_rsp, cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp,
    cxlmi_cmd_fmapi_get_qos_bw_limit_rsp, cxlmi_cmd_fmapi_get_qos_control_rsp, cxlmi_cmd_fmapi_get_qos_status_rsp,
    cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp, cxlmi_cmd_fmapi_identify_sw_device_rsp,
    cxlmi_cmd_fmapi_initiate_dc_add_req, cxlmi_cmd_fmapi_initiate_dc_release_req, cxlmi_cmd_fmapi_ld_allocations_list,
    cxlmi_cmd_fmapi_phys_port_control_req, cxlmi_cmd_fmapi_port_state_info_block,
    cxlmi_cmd_fmapi_set_ld_allocations_rsp, cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp,
    cxlmi_cmd_fmapi_set_qos_bw_limit_rsp, cxlmi_cmd_fmapi_set_qos_control_rsp, cxlmi_cmd_fmapi_unbind_vppb_req,
    cxlmi_cmd_fmapi_vcs_info_block, cxlmi_cmd_fmapi_vppb_info, cxlmi_fmapi_dc_extent, cxlmi_fmapi_dc_region_config,
    cxlmi_fmapi_dc_tag_entry,
};

// ---- Physical switch (51xxh) ----

/// The numbers of the bits set in a bitmask laid out as bytes, bit 0 of byte 0 first: the ports
/// of an Active Port Bitmask, the VCSs of an Active VCS Bitmask, the hosts of a reference bitmap.
pub fn bitmask_members(mask: &[u8]) -> Value {
    Value::List(
        mask.iter()
            .enumerate()
            .flat_map(|(byte, &b)| (0..8).filter(move |bit| b >> bit & 1 == 1).map(move |bit| byte * 8 + bit))
            .map(|n| Value::Unsigned(n as u64))
            .collect(),
    )
}

impl Decode for cxlmi_cmd_fmapi_identify_sw_device_rsp {
    fn decoded(&self) -> Object {
        let d = *self;
        Object::new()
            .with("ingress_port_id", d.ingress_port_id)
            .with("num_physical_ports", d.num_physical_ports)
            .with("num_vcss", d.num_vcs)
            .with("active_port_bitmask", Value::Bytes(d.active_port_bitmask.to_vec()))
            .with("active_ports", bitmask_members(&d.active_port_bitmask))
            .with("active_vcs_bitmask", Value::Bytes(d.active_vcs_bitmask.to_vec()))
            .with("active_vcss", bitmask_members(&d.active_vcs_bitmask))
            .with("num_total_vppbs", d.num_total_vppb)
            .with("num_bound_vppbs", d.num_active_vppb)
            .with("num_hdm_decoders_per_usp", d.num_hdm_decoder_per_usp)
    }
}

/// Current Port Configuration State, bits 3:0 (Table 7-19).
pub const PORT_CONFIG_STATE: [(u64, &str); 7] = [
    (0x0, "disabled"),
    (0x1, "bind_in_progress"),
    (0x2, "unbind_in_progress"),
    (0x3, "dsp"),
    (0x4, "usp"),
    (0x5, "fabric_port"),
    (0xf, "invalid_port_id"),
];

/// The configuration state in which Connected Device Mode and Type are defined.
const PORT_CONFIG_STATE_DSP: u64 = 0x3;

/// Connected Device Mode (Table 7-19; CXL r3.0's Connected Device CXL Version, whose bits 0
/// (CXL 1.1) and 1 (CXL 2.0) read as values 1 and 2 here).
pub const CONNECTED_DEVICE_MODE: [(u64, &str); 6] = [
    (0x00, "not_cxl_or_disconnected"),
    (0x01, "rcd_mode"),
    (0x02, "cxl_68b_flit_and_vh"),
    (0x03, "standard_256b_flit"),
    (0x04, "cxl_latency_optimized_256b_flit"),
    (0x05, "pbr"),
];

/// Connected Device Type (Table 7-19).
pub const CONNECTED_DEVICE_TYPE: [(u64, &str); 7] = [
    (0x00, "no_device"),
    (0x01, "pcie_device"),
    (0x02, "cxl_type_1_device"),
    (0x03, "cxl_type_2_device_or_hbr_switch"),
    (0x04, "cxl_type_3_sld"),
    (0x05, "cxl_type_3_mld"),
    (0x06, "pbr_component"),
];

/// Supported CXL Modes bits (Table 7-19; CXL r3.0's Port CXL Version Bitmask, whose CXL 1.1 and
/// CXL 2.0 bits are bits 0 and 1 here).
pub const SUPPORTED_CXL_MODES: [(u32, &str); 5] = [
    (0, "rcd_mode"),
    (1, "cxl_68b_flit_and_vh"),
    (2, "standard_256b_flit"),
    (3, "cxl_latency_optimized_256b_flit"),
    (4, "pbr"),
];

/// LTSSM State (Table 7-19; the same values in Get Head Info).
pub const LTSSM_STATE: [(u64, &str); 11] = [
    (0x00, "detect"),
    (0x01, "polling"),
    (0x02, "configuration"),
    (0x03, "recovery"),
    (0x04, "l0"),
    (0x05, "l0s"),
    (0x06, "l1"),
    (0x07, "l2"),
    (0x08, "disabled"),
    (0x09, "loopback"),
    (0x0a, "hot_reset"),
];

/// Link State Flags of a physical port (Table 7-19): lane reversal (1: reversed lane order),
/// PERST# (1: in reset), PRSNT# and power control (PWR_CTRL) pin states.
pub const LINK_STATE_FLAGS: [(u32, &str); 4] = [
    (0, "lane_reversal_state"),
    (1, "port_pcie_reset_state"),
    (2, "port_presence_pin_state"),
    (3, "power_control_state"),
];

/// The link speeds, in MT/s, by their encoding in Max Link Speed and Current Link Speed, which
/// is that of the PCIe Link Capabilities and Link Status registers; bit `n` of a Supported Link
/// Speeds Vector (Link Capabilities 2 bits 7:1) is the speed encoded `n + 1`.
pub const LINK_SPEEDS_MT_S: [(u64, u64); 6] =
    [(1, 2_500), (2, 5_000), (3, 8_000), (4, 16_000), (5, 32_000), (6, 64_000)];

/// A Max or Current Link Speed in MT/s, or `Null` for an encoding PCIe does not define.
pub fn link_speed_mt_s(encoded: u8) -> Value {
    LINK_SPEEDS_MT_S.iter().find(|(e, _)| *e == u64::from(encoded)).map_or(Value::Null, |&(_, s)| Value::Unsigned(s))
}

/// The speeds a Supported Link Speeds Vector names, in MT/s, slowest first.
pub fn supported_link_speeds_mt_s(vector: u8) -> Value {
    Value::List(
        LINK_SPEEDS_MT_S.iter().filter(|(e, _)| vector >> (e - 1) & 1 == 1).map(|&(_, s)| Value::Unsigned(s)).collect(),
    )
}

/// The link fields Get Physical Port State and Get Head Info share, with the same encodings.
pub(crate) fn push_link(
    o: &mut Object,
    max_width: u8,
    negotiated_width: u8,
    speeds: u8,
    max_speed: u8,
    current_speed: u8,
) {
    // Link widths are encoded as the PCIe Link Capabilities / Link Status do: the lane count.
    o.push("max_link_width_lanes", max_width);
    o.push("negotiated_link_width_lanes", negotiated_width);
    o.push("supported_link_speeds_vector", speeds);
    o.push("supported_link_speeds_mt_s", supported_link_speeds_mt_s(speeds));
    o.push("max_link_speed", max_speed);
    o.push("max_link_speed_mt_s", link_speed_mt_s(max_speed));
    o.push("current_link_speed", current_speed);
    o.push("current_link_speed_mt_s", link_speed_mt_s(current_speed));
}

impl Decode for cxlmi_cmd_fmapi_port_state_info_block {
    fn decoded(&self) -> Object {
        let p = *self;
        let state = bits(p.config_state.into(), 0, 3);
        // Connected Device Mode and Type are reserved unless the port is a DSP.
        let dsp_only = |raw: u8, names: &[(u64, &'static str)]| {
            if state == PORT_CONFIG_STATE_DSP {
                enumeration(raw.into(), names)
            } else {
                Value::Enum(Enum { raw: raw.into(), name: None })
            }
        };
        let mut o = Object::new()
            .with("port_id", p.port_id)
            .with("current_port_configuration_state", enumeration(state, &PORT_CONFIG_STATE))
            .with("connected_device_mode", dsp_only(p.conn_dev_cxl_ver, &CONNECTED_DEVICE_MODE))
            .with("connected_device_type", dsp_only(p.conn_dev_type, &CONNECTED_DEVICE_TYPE))
            .with("supported_cxl_modes", flags(p.port_cxl_ver_bitmask.into(), &SUPPORTED_CXL_MODES));
        push_link(
            &mut o,
            p.max_link_width,
            p.negotiated_link_width,
            p.supported_link_speeds_vector,
            p.max_link_speed,
            p.current_link_speed,
        );
        o.push("ltssm_state", enumeration(p.ltssm_state.into(), &LTSSM_STATE));
        o.push("first_negotiated_lane_number", p.first_lane_num);
        o.push("link_state_flags", flags(p.link_state.into(), &LINK_STATE_FLAGS));
        o.push("supported_ld_count", p.supported_ld_count);
        o
    }
}

/// Get Physical Port State (5101h, section 7.6.7.1.2): the fixed part and its port information
/// blocks.
pub fn phys_port_state(
    head: &cxlmi_cmd_fmapi_get_phys_port_state_rsp,
    ports: &[cxlmi_cmd_fmapi_port_state_info_block],
) -> Object {
    Object::new().with("num_ports", head.num_ports).with("ports", decoded_list(ports))
}

/// Port Opcode of Physical Port Control (5102h, section 7.6.7.1.3).
pub const PORT_OPCODE: [(u64, &str); 3] = [(0x00, "assert_perst"), (0x01, "deassert_perst"), (0x02, "reset_ppb")];

impl Decode for cxlmi_cmd_fmapi_phys_port_control_req {
    fn decoded(&self) -> Object {
        Object::new()
            .with("ppb_id", self.ppb_id)
            .with("port_opcode", enumeration(self.port_opcode.into(), &PORT_OPCODE))
    }
}

/// Secret Value State of Get (VCS) Domain Validation SV State (5104h, 5106h; sections
/// 7.6.7.1.5 and 7.6.7.1.7).
pub const SECRET_VALUE_STATE: [(u64, &str); 2] = [(0x00, "not_set"), (0x01, "set")];

impl Decode for cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp {
    fn decoded(&self) -> Object {
        Object::new().with("secret_value_state", enumeration(self.secret_value_state.into(), &SECRET_VALUE_STATE))
    }
}

impl Decode for cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp {
    fn decoded(&self) -> Object {
        Object::new().with("secret_value_state", enumeration(self.secret_value_state.into(), &SECRET_VALUE_STATE))
    }
}

impl Decode for cxlmi_cmd_fmapi_get_domain_validation_sv_rsp {
    fn decoded(&self) -> Object {
        Object::new().with("secret_value_uuid", uuid(&self.secret_value_uuid))
    }
}

// ---- Virtual switch (52xxh) ----

/// VCS State of a VCS information block (section 7.6.7.2.1).
pub const VCS_STATE: [(u64, &str); 3] = [(0x00, "disabled"), (0x01, "enabled"), (0xff, "invalid_vcs_id")];

/// PPB Binding Status of a vPPB (section 7.6.7.2.1).
pub const BINDING_STATUS: [(u64, &str); 5] = [
    (0x00, "unbound"),
    (0x01, "bind_or_unbind_in_progress"),
    (0x02, "bound_physical_port"),
    (0x03, "bound_ld"),
    // CXL r3.2 (port-based routing).
    (0x04, "bound_pid"),
];

/// The binding statuses in which the bound port id, and the bound LD id, mean something.
const BOUND_PHYSICAL_PORT: u8 = 0x02;
const BOUND_LD: u8 = 0x03;

impl Decode for cxlmi_cmd_fmapi_vppb_info {
    /// The binding; the port id is `Null` unless the vPPB is bound (to a port or an LD), the LD
    /// id unless it is bound to an LD. A status the specification does not define keeps both
    /// as sent.
    fn decoded(&self) -> Object {
        let v = *self;
        let defined = BINDING_STATUS.iter().any(|&(s, _)| s == u64::from(v.binding_status));
        let port = !defined || matches!(v.binding_status, BOUND_PHYSICAL_PORT | BOUND_LD);
        let ld = !defined || v.binding_status == BOUND_LD;
        Object::new()
            .with("binding_status", enumeration(v.binding_status.into(), &BINDING_STATUS))
            .with("bound_port_id", port.then_some(v.bound_port_id))
            .with("bound_ld_id", ld.then_some(v.bound_ld_id))
    }
}

/// One VCS information block of Get Virtual CXL Switch Info (5200h, section 7.6.7.2.1) and its
/// vPPB entries, the first of which is vPPB `start_vppb` (the request's Start vPPB).
pub fn vcs_info_block(
    block: &cxlmi_cmd_fmapi_vcs_info_block,
    vppbs: &[cxlmi_cmd_fmapi_vppb_info],
    start_vppb: u8,
) -> Object {
    let b = *block;
    let vppbs = vppbs
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut o = Object::new().with("vppb_id", u64::from(start_vppb) + i as u64);
            o.0.extend(v.decoded().0);
            Value::Object(o)
        })
        .collect();
    Object::new()
        .with("vcs_id", b.vcs_id)
        .with("vcs_state", enumeration(b.vcs_state.into(), &VCS_STATE))
        .with("usp_id", b.usp_id)
        .with("num_vppbs", b.num_vppbs)
        .with("vppbs", Value::List(vppbs))
}

/// Get Virtual CXL Switch Info (5200h, section 7.6.7.2.1) as the command hands it out;
/// `start_vppb` is the request's Start vPPB, which numbers the vPPB entries.
pub fn vcs_info(info: &VcsInfo<'_>, start_vppb: u8) -> Object {
    let blocks = info
        .blocks()
        .map(|b| {
            let vppbs: Vec<_> = b.entries().collect();
            Value::Object(vcs_info_block(&b.head, &vppbs, start_vppb))
        })
        .collect();
    Object::new().with("num_vcss", info.head.num_vcs).with("vcss", Value::List(blocks))
}

/// The LD ID of Bind vPPB that binds a whole (SLD) port rather than one LD.
pub const BIND_WHOLE_PORT_LD_ID: u16 = 0xffff;

impl Decode for cxlmi_cmd_fmapi_bind_vppb_req {
    fn decoded(&self) -> Object {
        let b = *self;
        Object::new()
            .with("vcs_id", b.vcs_id)
            .with("vppb_id", b.vppb_id)
            .with("port_id", b.port_id)
            .with("ld_id", unless(b.ld_id, BIND_WHOLE_PORT_LD_ID))
    }
}

/// Unbind Option of Unbind vPPB, bits 3:0 (5202h, section 7.6.7.2.3).
pub const UNBIND_OPTION: [(u64, &str); 3] =
    [(0x0, "wait_for_port_link_down"), (0x1, "simulate_managed_hot_remove"), (0x2, "simulate_surprise_hot_remove")];

impl Decode for cxlmi_cmd_fmapi_unbind_vppb_req {
    fn decoded(&self) -> Object {
        Object::new()
            .with("vcs_id", self.vcs_id)
            .with("vppb_id", self.vppb_id)
            .with("unbind_option", enumeration(bits(self.option.into(), 0, 3), &UNBIND_OPTION))
    }
}

// ---- MLD components (54xxh) ----

/// QoS Telemetry Capability bits of Get LD Info (5400h, section 7.6.7.4.1).
pub const QOS_TELEMETRY_CAPABILITY: [(u32, &str); 2] =
    [(0, "egress_port_congestion_supported"), (1, "temporary_throughput_reduction_supported")];

impl Decode for cxlmi_cmd_fmapi_get_ld_info_rsp {
    fn decoded(&self) -> Object {
        let l = *self;
        Object::new()
            .with("memory_size_bytes", l.memory_size)
            .with("ld_count", l.ld_count)
            .with("qos_telemetry_capability", flags(l.qos_telemetry_capability.into(), &QOS_TELEMETRY_CAPABILITY))
    }
}

/// Memory Granularity of Get LD Allocations (5401h, section 7.6.7.4.2): the unit of the
/// allocation multipliers.
pub const MEMORY_GRANULARITY: [(u64, &str); 3] = [(0, "256_mb"), (1, "512_mb"), (2, "1_gb")];

/// A Memory Granularity in bytes, or `None` for a value the specification does not define.
pub fn memory_granularity_bytes(raw: u8) -> Option<u64> {
    match raw {
        0 => Some(256 << 20),
        1 => Some(512 << 20),
        2 => Some(1 << 30),
        _ => None,
    }
}

/// Allocation entries, the first for LD `start_ld_id`, with their sizes when the unit is known.
fn ld_allocation_list(start_ld_id: u8, entries: &[cxlmi_cmd_fmapi_ld_allocations_list], unit: Option<u64>) -> Value {
    let bytes = |mult: u64| unit.and_then(|u| mult.checked_mul(u));
    Value::List(
        entries
            .iter()
            .enumerate()
            .map(|(i, &e)| {
                let (r1, r2) = (e.range_1_allocation_mult, e.range_2_allocation_mult);
                Object::new()
                    .with("ld_id", u64::from(start_ld_id) + i as u64)
                    .with("range_1_allocation_multiplier", r1)
                    .with("range_1_allocation_bytes", bytes(r1))
                    .with("range_2_allocation_multiplier", r2)
                    .with("range_2_allocation_bytes", bytes(r2))
                    .into()
            })
            .collect(),
    )
}

/// Get LD Allocations (5401h, section 7.6.7.4.2): the fixed part and its allocation entries,
/// with each range's size in bytes (`Null` when the granularity is not one the specification
/// defines).
pub fn ld_allocations(
    head: &cxlmi_cmd_fmapi_get_ld_allocations_rsp,
    entries: &[cxlmi_cmd_fmapi_ld_allocations_list],
) -> Object {
    let h = *head;
    let unit = memory_granularity_bytes(h.memory_granularity);
    Object::new()
        .with("number_of_lds", h.number_ld)
        .with("memory_granularity", enumeration(h.memory_granularity.into(), &MEMORY_GRANULARITY))
        .with("memory_granularity_bytes", unit)
        .with("start_ld_id", h.start_ld_id)
        .with("ld_allocation_list_length", h.ld_allocation_list_len)
        .with("lds", ld_allocation_list(h.start_ld_id, entries, unit))
}

/// Set LD Allocations output (5402h, section 7.6.7.4.3): the allocations in force. It states no
/// granularity, so the sizes in bytes are `Null`.
pub fn set_ld_allocations(
    head: &cxlmi_cmd_fmapi_set_ld_allocations_rsp,
    entries: &[cxlmi_cmd_fmapi_ld_allocations_list],
) -> Object {
    Object::new()
        .with("number_of_lds", head.number_ld)
        .with("start_ld_id", head.start_ld_id)
        .with("lds", ld_allocation_list(head.start_ld_id, entries, None))
}

/// QoS Telemetry Control bits of Get/Set QoS Control (5403h, 5404h; sections 7.6.7.4.4 and
/// 7.6.7.4.5).
pub const QOS_TELEMETRY_CONTROL: [(u32, &str); 2] =
    [(0, "egress_port_congestion_enable"), (1, "temporary_throughput_reduction_enable")];

/// The QoS Control payload, which Get QoS Control answers and Set QoS Control echoes. The two
/// intervals are in nanoseconds (the specification's defaults, 8 and 64, read as 800 ns of
/// backpressure history and a 64 ns completion interval); an interval or basis of 0 disables
/// its mechanism.
fn qos_control(control: u8, moderate: u8, severe: u8, backpressure: u8, basis: u16, completion: u8) -> Object {
    Object::new()
        .with("qos_telemetry_control", flags(control.into(), &QOS_TELEMETRY_CONTROL))
        .with("egress_moderate_percent", moderate)
        .with("egress_severe_percent", severe)
        .with("backpressure_sample_interval_ns", backpressure)
        .with("req_cmp_basis", basis)
        .with("completion_collection_interval_ns", completion)
}

impl Decode for cxlmi_cmd_fmapi_get_qos_control_rsp {
    fn decoded(&self) -> Object {
        let q = *self;
        qos_control(
            q.qos_telemetry_control,
            q.egress_moderate_percentage,
            q.egress_severe_percentage,
            q.backpressure_sample_interval,
            q.recmpbasis,
            q.completion_collection_interval,
        )
    }
}

impl Decode for cxlmi_cmd_fmapi_set_qos_control_rsp {
    fn decoded(&self) -> Object {
        let q = *self;
        qos_control(
            q.qos_telemetry_control,
            q.egress_moderate_percentage,
            q.egress_severe_percentage,
            q.backpressure_sample_interval,
            q.recmpbasis,
            q.completion_collection_interval,
        )
    }
}

impl Decode for cxlmi_cmd_fmapi_get_qos_status_rsp {
    fn decoded(&self) -> Object {
        Object::new().with("backpressure_average_percent", self.backpressure_avg_percentage)
    }
}

/// A QoS fraction (the fraction times 256, so 0 to 255/256) as a number: 256ths are exact in
/// binary floating point.
pub fn fraction_of_256(raw: u8) -> Value {
    Value::Float(f64::from(raw) / 256.0)
}

/// One fraction per LD, the first for LD `start_ld_id`, raw and as a ratio.
fn fractions(start_ld_id: u8, fractions: &[u8], raw: &'static str, ratio: &'static str) -> Value {
    Value::List(
        fractions
            .iter()
            .enumerate()
            .map(|(i, &f)| {
                Object::new()
                    .with("ld_id", u64::from(start_ld_id) + i as u64)
                    .with(raw, f)
                    .with(ratio, fraction_of_256(f))
                    .into()
            })
            .collect(),
    )
}

fn allocated_bw(number_ld: u8, start_ld_id: u8, f: &[u8]) -> Object {
    Object::new()
        .with("number_ld", number_ld)
        .with("start_ld_id", start_ld_id)
        .with("lds", fractions(start_ld_id, f, "qos_allocation_fraction", "qos_allocation_ratio"))
}

fn bw_limit(number_ld: u8, start_ld_id: u8, f: &[u8]) -> Object {
    Object::new()
        .with("number_ld", number_ld)
        .with("start_ld_id", start_ld_id)
        .with("lds", fractions(start_ld_id, f, "qos_limit_fraction", "qos_limit_ratio"))
}

/// Get QoS Allocated BW (5406h, section 7.6.7.4.7): each LD's share of the bandwidth, in 256ths
/// and as a decimal ratio.
pub fn qos_allocated_bw(head: &cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp, fractions: &[u8]) -> Object {
    allocated_bw(head.number_ld, head.start_ld_id, fractions)
}

/// Set QoS Allocated BW output (5407h, section 7.6.7.4.8): the shares in force.
pub fn set_qos_allocated_bw(head: &cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp, fractions: &[u8]) -> Object {
    allocated_bw(head.number_ld, head.start_ld_id, fractions)
}

/// Get QoS BW Limit (5408h, section 7.6.7.4.9): each LD's bandwidth cap, in 256ths and as a
/// decimal ratio.
pub fn qos_bw_limit(head: &cxlmi_cmd_fmapi_get_qos_bw_limit_rsp, fractions: &[u8]) -> Object {
    bw_limit(head.number_ld, head.start_ld_id, fractions)
}

/// Set QoS BW Limit output (5409h, section 7.6.7.4.10): the caps in force.
pub fn set_qos_bw_limit(head: &cxlmi_cmd_fmapi_set_qos_bw_limit_rsp, fractions: &[u8]) -> Object {
    bw_limit(head.number_ld, head.start_ld_id, fractions)
}

// ---- Multi-headed devices (55xxh) ----

/// An LD Map entry for an LD assigned to no head.
pub const LD_NOT_ASSIGNED: u8 = 0xff;

/// Get Multi-Headed Info (5500h, section 7.6.7.5.1): the fixed part and its LD map, each LD
/// with the port number of its head (`Null` when it has none).
pub fn multiheaded_info(head: &cxlmi_cmd_fmapi_get_multiheaded_info_rsp, ld_map: &[u8]) -> Object {
    let h = *head;
    let map = ld_map
        .iter()
        .enumerate()
        .map(|(i, &port)| {
            Object::new()
                .with("ld_id", u64::from(h.start_ld_id) + i as u64)
                .with("head_port_number", unless(port, LD_NOT_ASSIGNED))
                .into()
        })
        .collect();
    Object::new()
        .with("num_lds", h.num_lds)
        .with("num_heads", h.num_heads)
        .with("start_ld_id", h.start_ld_id)
        .with("ld_map_length", h.ld_map_len)
        .with("ld_map", Value::List(map))
}

/// Link State Flags of a head (section 7.6.7.5.2): lane reversal (1: reversed lane order) and
/// PERST# (1: in reset).
pub const HEAD_LINK_STATE_FLAGS: [(u32, &str); 2] = [(0, "lane_reversal_state"), (1, "port_pcie_reset_state")];

impl Decode for cxlmi_cmd_fmapi_get_head_info_blkfmt {
    /// The link fields are bits 5:0 of their bytes (bits 7:6 reserved), encoded as in Get
    /// Physical Port State.
    fn decoded(&self) -> Object {
        let h = *self;
        let low6 = |b: u8| b & 0x3f;
        let mut o = Object::new().with("port_number", h.port_num);
        push_link(&mut o, low6(h.field_1), low6(h.field_2), low6(h.field_3), low6(h.field_4), low6(h.field_5));
        o.push("ltssm_state", enumeration(h.ltssm_state.into(), &LTSSM_STATE));
        o.push("first_negotiated_lane_number", h.first_negotiated_lane_num);
        o.push("link_state_flags", flags(h.link_state_flags.into(), &HEAD_LINK_STATE_FLAGS));
        o
    }
}

/// Get Head Info (5501h, section 7.6.7.5.2): the fixed part and its head information blocks.
pub fn head_info(head: &cxlmi_cmd_fmapi_get_head_info_rsp, heads: &[cxlmi_cmd_fmapi_get_head_info_blkfmt]) -> Object {
    Object::new().with("num_heads", head.num_heads).with("heads", decoded_list(heads))
}

// ---- DCD management (56xxh) ----

/// Selection Policy of Initiate Dynamic Capacity Add, bits 3:0 (5604h, section 7.6.7.6.5).
pub const SELECTION_POLICY: [(u64, &str); 4] =
    [(0x0, "free"), (0x1, "contiguous"), (0x2, "prescriptive"), (0x3, "enable_shared_access")];

/// Supported Add Capacity Selection Policies of Get DCD Info (section 7.6.7.6.1): bit `n` for
/// the [`SELECTION_POLICY`] of value `n`.
pub const ADD_CAPACITY_SELECTION_POLICIES: [(u32, &str); 4] =
    [(0, "free"), (1, "contiguous"), (2, "prescriptive"), (3, "enable_shared_access")];

/// Removal Policy of Initiate Dynamic Capacity Release, flags bits 3:0 (5605h, section
/// 7.6.7.6.6).
pub const REMOVAL_POLICY: [(u64, &str); 2] = [(0x0, "tag_based"), (0x1, "prescriptive")];

/// Supported Release Capacity Removal Policies of Get DCD Info (section 7.6.7.6.1): bit `n` for
/// the [`REMOVAL_POLICY`] of value `n`.
pub const RELEASE_CAPACITY_REMOVAL_POLICIES: [(u32, &str); 2] = [(0, "tag_based"), (1, "prescriptive")];

/// The sizes, in bytes, a Supported Block Size Mask names: bit `n` is 2^n bytes.
pub fn block_sizes_bytes(mask: u64) -> Value {
    Value::List((0..64).filter(|n| mask >> n & 1 == 1).map(|n| Value::Unsigned(1 << n)).collect())
}

impl Decode for cxlmi_cmd_fmapi_get_dcd_info_rsp {
    /// The regions are those the device supports (at most eight); the total capacity is in
    /// bytes, as Get DCD Info hands it out.
    fn decoded(&self) -> Object {
        let d = *self;
        let masks = [
            d.region_0_supported_blk_sz_mask,
            d.region_1_supported_blk_sz_mask,
            d.region_2_supported_blk_sz_mask,
            d.region_3_supported_blk_sz_mask,
            d.region_4_supported_blk_sz_mask,
            d.region_5_supported_blk_sz_mask,
            d.region_6_supported_blk_sz_mask,
            d.region_7_supported_blk_sz_mask,
        ];
        let regions = masks
            .iter()
            .take(d.num_supported_dc_regions.into())
            .enumerate()
            .map(|(i, &mask)| {
                Object::new()
                    .with("region_id", i as u64)
                    .with("supported_block_size_mask", mask)
                    .with("supported_block_sizes_bytes", block_sizes_bytes(mask))
                    .into()
            })
            .collect();
        Object::new()
            .with("num_hosts", d.num_hosts)
            .with("num_supported_dc_regions", d.num_supported_dc_regions)
            .with(
                "supported_add_capacity_selection_policies",
                flags(d.capacity_selection_policies.into(), &ADD_CAPACITY_SELECTION_POLICIES),
            )
            .with(
                "supported_release_capacity_removal_policies",
                flags(d.capacity_removal_policies.into(), &RELEASE_CAPACITY_REMOVAL_POLICIES),
            )
            .with("sanitize_on_release_config_support_mask", d.sanitize_on_release_config_mask)
            .with("sanitize_on_release_configurable_regions", bitmask_members(&[d.sanitize_on_release_config_mask]))
            .with("total_dynamic_capacity_bytes", d.total_dynamic_capacity)
            .with("regions", Value::List(regions))
    }
}

/// The DSMAS Flags of a DC region (section 7.6.7.6.2; the CDAT DSMAS entry's flags).
pub const DSMAS_FLAGS: [(u32, &str); 5] = [
    (2, "nonvolatile"),
    (3, "sharable"),
    (4, "hw_managed_coherency"),
    (5, "interconnect_specific_dc_management"),
    (6, "read_only"),
];

impl Decode for cxlmi_fmapi_dc_region_config {
    /// The decode length is in bytes, as Get Host DC Region Configuration hands it out.
    fn decoded(&self) -> Object {
        let r = *self;
        Object::new()
            .with("base_dpa", r.base)
            .with("decode_length_bytes", r.decode_len)
            .with("length_bytes", r.region_len)
            .with("block_size_bytes", r.block_size)
            .with("dsmas_flags", flags(r.flags.into(), &DSMAS_FLAGS))
            .with("sanitize_on_release", r.sanitize_on_release & 1 == 1)
    }
}

impl Decode for cxlmi_cmd_fmapi_get_host_dc_region_config_rsp {
    /// The regions returned (no more than the eight the output holds).
    fn decoded(&self) -> Object {
        let c = *self;
        let regions = c.region_configs;
        Object::new()
            .with("host_id", c.host_id)
            .with("num_available_regions", c.num_regions)
            .with("regions_returned", c.regions_returned)
            .with("regions", decoded_list(&regions[..usize::from(c.regions_returned).min(regions.len())]))
            .with("total_supported_extents", c.num_extents_supported)
            .with("available_extents", c.num_extents_available)
            .with("total_supported_tags", c.num_tags_supported)
            .with("available_tags", c.num_tags_available)
    }
}

impl Decode for cxlmi_fmapi_dc_extent {
    fn decoded(&self) -> Object {
        let e = *self;
        super::memdev::dc_extent(e.start_dpa, e.len, &e.tag, e.shared_seq)
    }
}

/// Get DC Region Extent Lists (5603h, section 7.6.7.6.4): the fixed part and its extents.
pub fn dc_region_extents(
    head: &cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp,
    extents: &[cxlmi_fmapi_dc_extent],
) -> Object {
    let h = *head;
    Object::new()
        .with("host_id", h.host_id)
        .with("start_extent_index", h.start_ext_index)
        .with("returned_extent_count", h.extents_returned)
        .with("total_extent_count", h.total_extents)
        .with("generation_number", h.list_generation_num)
        .with("extents", decoded_list(extents))
}

impl Decode for cxlmi_cmd_fmapi_initiate_dc_add_req {
    /// The fixed part; the extents that follow decode one by one.
    fn decoded(&self) -> Object {
        let a = *self;
        Object::new()
            .with("host_id", a.host_id)
            .with("selection_policy", enumeration(bits(a.selection_policy.into(), 0, 3), &SELECTION_POLICY))
            .with("region_number", a.region_num)
            .with("length_bytes", a.length)
            .with("tag", uuid(&a.tag))
            .with("extent_count", a.ext_count)
    }
}

/// The Flags byte of Initiate Dynamic Capacity Release (section 7.6.7.6.6): the removal policy
/// (bits 3:0), Forced Removal (bit 4) and Sanitize on Release (bit 5).
pub fn dc_release_flags(raw: u8) -> Value {
    let raw = u64::from(raw);
    Object::new()
        .with("raw", raw)
        .with("removal_policy", enumeration(bits(raw, 0, 3), &REMOVAL_POLICY))
        .with("forced_removal", bits(raw, 4, 4) == 1)
        .with("sanitize_on_release", bits(raw, 5, 5) == 1)
        .into()
}

impl Decode for cxlmi_cmd_fmapi_initiate_dc_release_req {
    /// The fixed part; the extents that follow decode one by one.
    fn decoded(&self) -> Object {
        let r = *self;
        Object::new()
            .with("host_id", r.host_id)
            .with("flags", dc_release_flags(r.flags))
            .with("length_bytes", r.length)
            .with("tag", uuid(&r.tag))
            .with("extent_count", r.ext_count)
    }
}

/// Validity Bitmap of Dynamic Capacity List Tags (5608h, CXL r3.2 section 7.6.7.6.9): which of
/// the tag entries' host bitmaps hold information.
pub const TAG_VALIDITY: [(u32, &str); 2] = [(0, "reference_bitmap_valid"), (1, "pending_reference_bitmap_valid")];

/// Dynamic Capacity List Tags (5608h, CXL r3.2 section 7.6.7.6.9): the fixed part and its tag
/// entries, each with the hosts holding a reference and those with one pending (`Null` when the
/// validity bitmap says the bitmap is not valid). The entries' flags are kept as sent.
pub fn dc_tags(head: &cxlmi_cmd_fmapi_dc_list_tags_rsp, tags: &[cxlmi_fmapi_dc_tag_entry]) -> Object {
    let h = *head;
    let valid = |bit: u32| h.validity_bitmap >> bit & 1 == 1;
    let hosts = |bit: u32, bitmap: &[u8]| if valid(bit) { bitmask_members(bitmap) } else { Value::Null };
    let entries = tags
        .iter()
        .map(|t| {
            Object::new()
                .with("tag", uuid(&t.tag))
                .with("flags", t.flags)
                .with("reference_hosts", hosts(0, &t.ref_bitmap))
                .with("pending_reference_hosts", hosts(1, &t.pending_ref_bitmap))
                .into()
        })
        .collect();
    Object::new()
        .with("generation_number", h.generation_num)
        .with("total_num_tags", h.total_num_tags)
        .with("num_tags_returned", h.num_tags_returned)
        .with("validity_bitmap", flags(h.validity_bitmap.into(), &TAG_VALIDITY))
        .with("tags", Value::List(entries))
}

// ---- The commands' listed outputs ----

/// `Listed` outputs decode through the function for their fixed part and entries.
macro_rules! listed_decode {
    ($( $head:ty, $entry:ty => $decode:ident; )*) => {$(
        impl Decode for Listed<'_, $head, $entry> {
            fn decoded(&self) -> Object {
                let entries: Vec<$entry> = self.entries().collect();
                $decode(&self.head, &entries)
            }
        }
    )*};
}

listed_decode! {
    cxlmi_cmd_fmapi_get_phys_port_state_rsp, cxlmi_cmd_fmapi_port_state_info_block => phys_port_state;
    cxlmi_cmd_fmapi_get_ld_allocations_rsp, cxlmi_cmd_fmapi_ld_allocations_list => ld_allocations;
    cxlmi_cmd_fmapi_set_ld_allocations_rsp, cxlmi_cmd_fmapi_ld_allocations_list => set_ld_allocations;
    cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp, u8 => qos_allocated_bw;
    cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp, u8 => set_qos_allocated_bw;
    cxlmi_cmd_fmapi_get_qos_bw_limit_rsp, u8 => qos_bw_limit;
    cxlmi_cmd_fmapi_set_qos_bw_limit_rsp, u8 => set_qos_bw_limit;
    cxlmi_cmd_fmapi_get_multiheaded_info_rsp, u8 => multiheaded_info;
    cxlmi_cmd_fmapi_get_head_info_rsp, cxlmi_cmd_fmapi_get_head_info_blkfmt => head_info;
    cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp, cxlmi_fmapi_dc_extent => dc_region_extents;
    cxlmi_cmd_fmapi_dc_list_tags_rsp, cxlmi_fmapi_dc_tag_entry => dc_tags;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cci::Response;
    use crate::commands::Command;
    use crate::commands::fmapi::{
        DcListTags, GetDcRegionExtList, GetDcdInfo, GetHeadInfo, GetHostDcRegionConfig, GetLdAllocations,
        GetMultiheadedInfo, GetPhysPortState, GetQosAllocatedBw, GetQosBwLimit, GetVcsInfo, WithItems,
    };
    use crate::decode::Flags;
    use crate::types::*;
    use crate::wire::Wire;

    fn named(raw: u64, name: &'static str) -> Value {
        Value::Enum(Enum { raw, name: Some(name) })
    }

    fn unnamed(raw: u64) -> Value {
        Value::Enum(Enum { raw, name: None })
    }

    fn numbers(n: &[u64]) -> Value {
        Value::List(n.iter().copied().map(Value::Unsigned).collect())
    }

    fn list(v: Option<&Value>) -> &[Value] {
        let Some(Value::List(l)) = v else { panic!("not a list: {v:?}") };
        l
    }

    fn object(v: &Value) -> &Object {
        let Value::Object(o) = v else { panic!("not an object: {v:?}") };
        o
    }

    fn set_flags(v: Option<&Value>) -> Vec<&'static str> {
        let Some(Value::Flags(f)) = v else { panic!("not flags: {v:?}") };
        f.set().collect()
    }

    /// A response of exactly the bytes the component sent.
    fn sent(bytes: &[u8]) -> Response<'_> {
        Response { bytes, len: bytes.len() }
    }

    #[test]
    fn identify_switch_device_from_its_bytes() {
        // Section 7.6.7.1.1: 00h ingress port, 02h physical ports, 03h VCSs, 04h active port
        // bitmask (32 bytes), 24h active VCS bitmask (32 bytes), 44h total vPPBs, 46h bound vPPBs,
        // 48h HDM decoders per USP.
        let mut b = [0u8; 0x49];
        b[0x00] = 2;
        b[0x02] = 16;
        b[0x03] = 2;
        b[0x04] = 0b1000_0001; // ports 0 and 7
        b[0x05] = 0b0000_0010; // port 9
        b[0x23] = 0x80; // port 255
        b[0x24] = 0b11; // VCSs 0 and 1
        b[0x44..0x46].copy_from_slice(&[0x12, 0x00]);
        b[0x46..0x48].copy_from_slice(&[0x02, 0x01]);
        b[0x48] = 4;
        let d = cxlmi_cmd_fmapi_identify_sw_device_rsp::decode(&b).decoded();
        assert_eq!(d.get("ingress_port_id"), Some(&Value::Unsigned(2)));
        assert_eq!(d.get("num_physical_ports"), Some(&Value::Unsigned(16)));
        assert_eq!(d.get("num_vcss"), Some(&Value::Unsigned(2)));
        assert_eq!(d.get("active_ports"), Some(&numbers(&[0, 7, 9, 255])));
        assert_eq!(d.get("active_vcss"), Some(&numbers(&[0, 1])));
        let Some(Value::Bytes(mask)) = d.get("active_port_bitmask") else { panic!() };
        assert_eq!(mask[..], b[0x04..0x24]);
        assert_eq!(d.get("num_total_vppbs"), Some(&Value::Unsigned(18)));
        assert_eq!(d.get("num_bound_vppbs"), Some(&Value::Unsigned(258)));
        assert_eq!(d.get("num_hdm_decoders_per_usp"), Some(&Value::Unsigned(4)));
    }

    /// A port information block (Table 7-19): 00h port id, 01h configuration state, 02h
    /// connected device mode, 03h reserved, 04h connected device type, 05h supported CXL modes,
    /// 06h max width, 07h negotiated width, 08h supported speeds, 09h max speed, 0Ah current
    /// speed, 0Bh LTSSM state, 0Ch first lane (`bytes`), then 0Dh link state flags (2) and 0Fh
    /// supported LD count.
    fn port_block(bytes: [u8; 13], link: u16, lds: u8) -> Vec<u8> {
        let mut b = bytes.to_vec();
        b.extend_from_slice(&link.to_le_bytes());
        b.push(lds);
        b
    }

    #[test]
    fn physical_port_state_from_its_bytes() {
        let mut b = vec![4, 0, 0, 0]; // four blocks follow
        // A DSP with an MLD, 256B flit mode, x16 capable, x8 at 16 GT/s of 32, L0, lanes reversed.
        b.extend(port_block([1, 0x03, 0x03, 0, 0x05, 0b0000_0110, 16, 8, 0x1f, 5, 4, 0x04, 0], 0x0001, 16));
        // The USP: device mode and type are reserved there; PERST# asserted.
        b.extend(port_block([0, 0x04, 0x02, 0, 0x00, 0b0000_0010, 16, 16, 0x0f, 4, 4, 0x07, 0], 0x0002, 0));
        // A DSP reporting values the specification does not define.
        b.extend(port_block([9, 0x03, 0x06, 0, 0x07, 0, 4, 0, 0x40, 7, 0, 0x0b, 0], 0, 1));
        // A port id the switch does not have.
        b.extend(port_block([200, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 0));
        let ids = [1u8, 0, 9, 200];
        let input =
            WithItems { head: cxlmi_cmd_fmapi_get_phys_port_state_req { num_ports: 4, ports: [] }, items: &ids };
        let d = GetPhysPortState::decode(&input, sent(&b)).unwrap().decoded();
        assert_eq!(d.get("num_ports"), Some(&Value::Unsigned(4)));
        let ports = list(d.get("ports"));

        let dsp = object(&ports[0]);
        assert_eq!(dsp.get("port_id"), Some(&Value::Unsigned(1)));
        assert_eq!(dsp.get("current_port_configuration_state"), Some(&named(3, "dsp")));
        assert_eq!(dsp.get("connected_device_mode"), Some(&named(3, "standard_256b_flit")));
        assert_eq!(dsp.get("connected_device_type"), Some(&named(5, "cxl_type_3_mld")));
        assert_eq!(set_flags(dsp.get("supported_cxl_modes")), ["cxl_68b_flit_and_vh", "standard_256b_flit"]);
        assert_eq!(dsp.get("max_link_width_lanes"), Some(&Value::Unsigned(16)));
        assert_eq!(dsp.get("negotiated_link_width_lanes"), Some(&Value::Unsigned(8)));
        assert_eq!(dsp.get("supported_link_speeds_vector"), Some(&Value::Unsigned(0x1f)));
        assert_eq!(dsp.get("supported_link_speeds_mt_s"), Some(&numbers(&[2_500, 5_000, 8_000, 16_000, 32_000])));
        assert_eq!(dsp.get("max_link_speed"), Some(&Value::Unsigned(5)));
        assert_eq!(dsp.get("max_link_speed_mt_s"), Some(&Value::Unsigned(32_000)));
        assert_eq!(dsp.get("current_link_speed_mt_s"), Some(&Value::Unsigned(16_000)));
        assert_eq!(dsp.get("ltssm_state"), Some(&named(4, "l0")));
        assert_eq!(dsp.get("first_negotiated_lane_number"), Some(&Value::Unsigned(0)));
        let Some(Value::Flags(Flags { raw: 1, flags })) = dsp.get("link_state_flags") else { panic!() };
        assert_eq!(
            *flags,
            [
                ("lane_reversal_state", true),
                ("port_pcie_reset_state", false),
                ("port_presence_pin_state", false),
                ("power_control_state", false)
            ]
        );
        assert_eq!(dsp.get("supported_ld_count"), Some(&Value::Unsigned(16)));

        let usp = object(&ports[1]);
        assert_eq!(usp.get("current_port_configuration_state"), Some(&named(4, "usp")));
        assert_eq!(usp.get("connected_device_mode"), Some(&unnamed(2)));
        assert_eq!(usp.get("connected_device_type"), Some(&unnamed(0)));
        assert_eq!(usp.get("ltssm_state"), Some(&named(7, "l2")));
        assert_eq!(set_flags(usp.get("link_state_flags")), ["port_pcie_reset_state"]);

        let odd = object(&ports[2]);
        assert_eq!(odd.get("connected_device_mode"), Some(&unnamed(6)));
        assert_eq!(odd.get("connected_device_type"), Some(&unnamed(7)));
        // Bit 6 of the vector is reserved; encoding 7 is no speed PCIe defines.
        assert_eq!(odd.get("supported_link_speeds_mt_s"), Some(&numbers(&[])));
        assert_eq!(odd.get("max_link_speed_mt_s"), Some(&Value::Null));
        assert_eq!(odd.get("current_link_speed_mt_s"), Some(&Value::Null));
        assert_eq!(odd.get("ltssm_state"), Some(&unnamed(0x0b)));

        let missing = object(&ports[3]);
        assert_eq!(missing.get("current_port_configuration_state"), Some(&named(0xf, "invalid_port_id")));
        assert_eq!(missing.get("connected_device_type"), Some(&unnamed(0)));
    }

    #[test]
    fn link_speeds_by_encoding() {
        let mt_s: Vec<_> = (0..=7).map(link_speed_mt_s).collect();
        assert_eq!(mt_s[0], Value::Null);
        assert_eq!(Value::List(mt_s[1..7].to_vec()), numbers(&[2_500, 5_000, 8_000, 16_000, 32_000, 64_000]));
        assert_eq!(mt_s[7], Value::Null);
        assert_eq!(supported_link_speeds_mt_s(0b0010_0001), numbers(&[2_500, 64_000]));
    }

    #[test]
    fn virtual_switch_info_from_its_bytes() {
        // Section 7.6.7.2.1: 00h number of VCSs, 04h VCS information blocks: 00h VCS id, 01h
        // state, 02h USP id, 03h number of vPPBs, 04h vPPB entries of 4 bytes (binding status,
        // bound port id, bound LD id, reserved).
        let mut b = vec![3, 0, 0, 0];
        b.extend([0, 0x01, 4, 4]);
        b.extend([0x00, 0xff, 0xff, 0]); // unbound
        b.extend([0x02, 3, 0xff, 0]); // bound to physical port 3
        b.extend([0x03, 5, 2, 0]); // bound to LD 2 of port 5
        b.extend([0x01, 6, 0xff, 0]); // bind or unbind in progress
        b.extend([1, 0x02, 0, 0]); // a state the specification does not define
        b.extend([7, 0xff, 0, 0]); // no such VCS
        let vcs_ids = [0u8, 1, 7];
        let input = WithItems {
            head: cxlmi_cmd_fmapi_get_vcs_info_req { start_vppb: 2, vppb_list_limit: 4, num_vcs: 3, vcs_id_list: [] },
            items: &vcs_ids,
        };
        let info = GetVcsInfo::decode(&input, sent(&b)).unwrap();
        let d = vcs_info(&info, 2);
        assert_eq!(d.get("num_vcss"), Some(&Value::Unsigned(3)));
        let vcss = list(d.get("vcss"));
        assert_eq!(vcss.len(), 3);

        let vcs = object(&vcss[0]);
        assert_eq!(vcs.get("vcs_id"), Some(&Value::Unsigned(0)));
        assert_eq!(vcs.get("vcs_state"), Some(&named(1, "enabled")));
        assert_eq!(vcs.get("usp_id"), Some(&Value::Unsigned(4)));
        assert_eq!(vcs.get("num_vppbs"), Some(&Value::Unsigned(4)));
        let vppbs: Vec<_> = list(vcs.get("vppbs")).iter().map(object).collect();
        let row = |o: &Object| ["vppb_id", "binding_status", "bound_port_id", "bound_ld_id"].map(|f| o.get(f).cloned());
        let n = |v: u64| Some(Value::Unsigned(v));
        let null = Some(Value::Null);
        assert_eq!(row(vppbs[0]), [n(2), Some(named(0, "unbound")), null.clone(), null.clone()]);
        assert_eq!(row(vppbs[1]), [n(3), Some(named(2, "bound_physical_port")), n(3), null.clone()]);
        assert_eq!(row(vppbs[2]), [n(4), Some(named(3, "bound_ld")), n(5), n(2)]);
        assert_eq!(row(vppbs[3]), [n(5), Some(named(1, "bind_or_unbind_in_progress")), null.clone(), null]);

        assert_eq!(object(&vcss[1]).get("vcs_state"), Some(&unnamed(2)));
        assert_eq!(list(object(&vcss[1]).get("vppbs")).len(), 0);
        assert_eq!(object(&vcss[2]).get("vcs_state"), Some(&named(0xff, "invalid_vcs_id")));
    }

    #[test]
    fn vppb_with_an_undefined_status_keeps_its_ids() {
        let d = cxlmi_cmd_fmapi_vppb_info::decode(&[0x05, 7, 1, 0]).decoded();
        assert_eq!(d.get("binding_status"), Some(&unnamed(5)));
        assert_eq!(d.get("bound_port_id"), Some(&Value::Unsigned(7)));
        assert_eq!(d.get("bound_ld_id"), Some(&Value::Unsigned(1)));
    }

    #[test]
    fn switch_requests_and_their_tables() {
        // Physical Port Control: 00h PPB id, 01h port opcode.
        let d = cxlmi_cmd_fmapi_phys_port_control_req::decode(&[3, 0x02]).decoded();
        assert_eq!(d.get("port_opcode"), Some(&named(2, "reset_ppb")));
        let d = cxlmi_cmd_fmapi_phys_port_control_req::decode(&[3, 0x03]).decoded();
        assert_eq!(d.get("port_opcode"), Some(&unnamed(3)));
        assert_eq!(PORT_OPCODE[..2], [(0, "assert_perst"), (1, "deassert_perst")]);
        // Bind vPPB: 00h VCS, 01h vPPB, 02h port, 03h reserved, 04h LD id (FFFFh: the whole port).
        let d = cxlmi_cmd_fmapi_bind_vppb_req::decode(&[0, 1, 2, 0, 0xff, 0xff]).decoded();
        assert_eq!(d.get("ld_id"), Some(&Value::Null));
        let d = cxlmi_cmd_fmapi_bind_vppb_req::decode(&[0, 1, 2, 0, 0x03, 0x00]).decoded();
        assert_eq!(d.get("ld_id"), Some(&Value::Unsigned(3)));
        // Unbind vPPB: 02h bits 3:0 unbind option, bits 7:4 reserved.
        let d = cxlmi_cmd_fmapi_unbind_vppb_req::decode(&[1, 2, 0xf1]).decoded();
        assert_eq!(d.get("unbind_option"), Some(&named(1, "simulate_managed_hot_remove")));
        let d = cxlmi_cmd_fmapi_unbind_vppb_req::decode(&[1, 2, 0x03]).decoded();
        assert_eq!(d.get("unbind_option"), Some(&unnamed(3)));
        // Domain validation secret value state and value.
        let d = cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp::decode(&[1]).decoded();
        assert_eq!(d.get("secret_value_state"), Some(&named(1, "set")));
        let d = cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp::decode(&[2]).decoded();
        assert_eq!(d.get("secret_value_state"), Some(&unnamed(2)));
        let sv = [0x11u8, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00];
        let d = cxlmi_cmd_fmapi_get_domain_validation_sv_rsp::decode(&sv).decoded();
        assert_eq!(d.get("secret_value_uuid"), Some(&Value::from("11223344-5566-7788-99aa-bbccddeeff00")));
    }

    #[test]
    fn ld_info_from_its_bytes() {
        // Section 7.6.7.4.1: 00h memory size (8), 08h LD count (2), 0Ah QoS telemetry capability.
        let b = [0, 0, 0, 0, 4, 0, 0, 0, 16, 0, 0b01];
        let d = cxlmi_cmd_fmapi_get_ld_info_rsp::decode(&b).decoded();
        assert_eq!(d.get("memory_size_bytes"), Some(&Value::Unsigned(16 << 30)));
        assert_eq!(d.get("ld_count"), Some(&Value::Unsigned(16)));
        let Some(Value::Flags(Flags { raw: 1, flags })) = d.get("qos_telemetry_capability") else { panic!() };
        assert_eq!(
            *flags,
            [("egress_port_congestion_supported", true), ("temporary_throughput_reduction_supported", false)]
        );
    }

    #[test]
    fn ld_allocations_in_bytes() {
        // Section 7.6.7.4.2: 00h number of LDs, 01h memory granularity, 02h start LD id, 03h list
        // length, 04h entries of range 1 and range 2 multipliers (8 bytes each).
        let mut b = vec![4, 1, 1, 2];
        for mult in [2u64, 0, 1, 3] {
            b.extend(mult.to_le_bytes());
        }
        let req = cxlmi_cmd_fmapi_get_ld_allocations_req { start_ld_id: 1, ld_allocation_list_limit: 2 };
        let d = GetLdAllocations::decode(&req, sent(&b)).unwrap().decoded();
        assert_eq!(d.get("number_of_lds"), Some(&Value::Unsigned(4)));
        assert_eq!(d.get("memory_granularity"), Some(&named(1, "512_mb")));
        assert_eq!(d.get("memory_granularity_bytes"), Some(&Value::Unsigned(512 << 20)));
        assert_eq!(d.get("start_ld_id"), Some(&Value::Unsigned(1)));
        let lds: Vec<_> = list(d.get("lds")).iter().map(object).collect();
        assert_eq!(lds.len(), 2);
        assert_eq!(lds[0].get("ld_id"), Some(&Value::Unsigned(1)));
        assert_eq!(lds[0].get("range_1_allocation_multiplier"), Some(&Value::Unsigned(2)));
        assert_eq!(lds[0].get("range_1_allocation_bytes"), Some(&Value::Unsigned(1 << 30)));
        assert_eq!(lds[0].get("range_2_allocation_bytes"), Some(&Value::Unsigned(0)));
        assert_eq!(lds[1].get("ld_id"), Some(&Value::Unsigned(2)));
        assert_eq!(lds[1].get("range_2_allocation_multiplier"), Some(&Value::Unsigned(3)));
        assert_eq!(lds[1].get("range_2_allocation_bytes"), Some(&Value::Unsigned(3 * (512 << 20))));

        // A granularity the specification does not define: no sizes.
        b[1] = 3;
        let d = GetLdAllocations::decode(&req, sent(&b)).unwrap().decoded();
        assert_eq!(d.get("memory_granularity"), Some(&unnamed(3)));
        assert_eq!(d.get("memory_granularity_bytes"), Some(&Value::Null));
        assert_eq!(object(&list(d.get("lds"))[0]).get("range_1_allocation_bytes"), Some(&Value::Null));
        assert_eq!(memory_granularity_bytes(0), Some(256 << 20));
        assert_eq!(memory_granularity_bytes(2), Some(1 << 30));
    }

    #[test]
    fn qos_control_and_status_from_their_bytes() {
        // Section 7.6.7.4.4: 00h QoS telemetry control, 01h egress moderate %, 02h egress severe %,
        // 03h backpressure sample interval, 04h ReqCmpBasis (2), 06h completion collection interval.
        let b = [0b11, 10, 25, 8, 0x34, 0x12, 64];
        let d = cxlmi_cmd_fmapi_get_qos_control_rsp::decode(&b).decoded();
        assert_eq!(
            set_flags(d.get("qos_telemetry_control")),
            ["egress_port_congestion_enable", "temporary_throughput_reduction_enable"]
        );
        assert_eq!(d.get("egress_moderate_percent"), Some(&Value::Unsigned(10)));
        assert_eq!(d.get("egress_severe_percent"), Some(&Value::Unsigned(25)));
        assert_eq!(d.get("backpressure_sample_interval_ns"), Some(&Value::Unsigned(8)));
        assert_eq!(d.get("req_cmp_basis"), Some(&Value::Unsigned(0x1234)));
        assert_eq!(d.get("completion_collection_interval_ns"), Some(&Value::Unsigned(64)));
        assert_eq!(cxlmi_cmd_fmapi_set_qos_control_rsp::decode(&b).decoded(), d);
        // Section 7.6.7.4.6: 00h backpressure average percentage.
        let d = cxlmi_cmd_fmapi_get_qos_status_rsp::decode(&[42]).decoded();
        assert_eq!(d.get("backpressure_average_percent"), Some(&Value::Unsigned(42)));
    }

    #[test]
    fn qos_bandwidth_fractions_of_256() {
        // Sections 7.6.7.4.7 and 7.6.7.4.9: 00h number of LDs, 01h start LD id, 02h one byte per
        // LD, the fraction times 256.
        let req = cxlmi_cmd_fmapi_get_qos_allocated_bw_req { number_ld: 3, start_ld_id: 2 };
        let d = GetQosAllocatedBw::decode(&req, sent(&[3, 2, 64, 128, 255])).unwrap().decoded();
        let lds: Vec<_> = list(d.get("lds")).iter().map(object).collect();
        let row = |o: &Object| {
            (o.get("ld_id").cloned(), o.get("qos_allocation_fraction").cloned(), o.get("qos_allocation_ratio").cloned())
        };
        let n = |v: u64| Some(Value::Unsigned(v));
        let t = |f: f64| Some(Value::Float(f));
        assert_eq!(row(lds[0]), (n(2), n(64), t(0.25)));
        assert_eq!(row(lds[1]), (n(3), n(128), t(0.5)));
        assert_eq!(row(lds[2]), (n(4), n(255), t(0.99609375)));

        let req = cxlmi_cmd_fmapi_get_qos_bw_limit_req { number_ld: 2, start_ld_id: 0 };
        let d = GetQosBwLimit::decode(&req, sent(&[2, 0, 0, 1])).unwrap().decoded();
        let lds: Vec<_> = list(d.get("lds")).iter().map(object).collect();
        assert_eq!(lds[0].get("qos_limit_ratio"), Some(&Value::Float(0.0)));
        assert_eq!(lds[1].get("qos_limit_fraction"), Some(&Value::Unsigned(1)));
        assert_eq!(lds[1].get("qos_limit_ratio"), Some(&Value::Float(0.00390625)));
    }

    #[test]
    fn multiheaded_info_from_its_bytes() {
        // Section 7.6.7.5.1: 00h LDs, 01h heads, 04h start LD id, 05h LD map length, 08h LD map
        // (the head's port number per LD, FFh for none).
        let b = [16, 2, 0, 0, 4, 3, 0, 0, 0, 1, 0xff];
        let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 4, ld_map_list_limit: 3 };
        let d = GetMultiheadedInfo::decode(&req, sent(&b)).unwrap().decoded();
        assert_eq!(d.get("num_lds"), Some(&Value::Unsigned(16)));
        assert_eq!(d.get("num_heads"), Some(&Value::Unsigned(2)));
        assert_eq!(d.get("ld_map_length"), Some(&Value::Unsigned(3)));
        let map: Vec<_> = list(d.get("ld_map"))
            .iter()
            .map(|e| (object(e).get("ld_id").cloned().unwrap(), object(e).get("head_port_number").cloned().unwrap()))
            .collect();
        assert_eq!(
            map,
            [
                (Value::Unsigned(4), Value::Unsigned(0)),
                (Value::Unsigned(5), Value::Unsigned(1)),
                (Value::Unsigned(6), Value::Null)
            ]
        );
    }

    #[test]
    fn head_info_from_its_bytes() {
        // Section 7.6.7.5.2: 00h heads, 04h blocks of 9 bytes: port number, max width, negotiated
        // width, supported speeds, max speed, current speed (each bits 5:0), LTSSM state, first
        // lane, link state flags.
        let mut b = vec![2, 0, 0, 0];
        b.extend([1, 0x10, 0x08, 0x1f, 5, 5, 0x04, 0, 0x01]);
        b.extend([2, 0xc4, 0x04, 0x07, 3, 3, 0x10, 4, 0x02]); // reserved bits 7:6 set in the width
        let req = cxlmi_cmd_fmapi_get_head_info_req { start_head: 0, num_heads: 2 };
        let d = GetHeadInfo::decode(&req, sent(&b)).unwrap().decoded();
        let heads: Vec<_> = list(d.get("heads")).iter().map(object).collect();
        assert_eq!(heads[0].get("port_number"), Some(&Value::Unsigned(1)));
        assert_eq!(heads[0].get("max_link_width_lanes"), Some(&Value::Unsigned(16)));
        assert_eq!(heads[0].get("current_link_speed_mt_s"), Some(&Value::Unsigned(32_000)));
        assert_eq!(heads[0].get("ltssm_state"), Some(&named(4, "l0")));
        assert_eq!(set_flags(heads[0].get("link_state_flags")), ["lane_reversal_state"]);
        assert_eq!(heads[1].get("max_link_width_lanes"), Some(&Value::Unsigned(4)));
        assert_eq!(heads[1].get("supported_link_speeds_mt_s"), Some(&numbers(&[2_500, 5_000, 8_000])));
        assert_eq!(heads[1].get("ltssm_state"), Some(&unnamed(0x10)));
        assert_eq!(heads[1].get("first_negotiated_lane_number"), Some(&Value::Unsigned(4)));
        assert_eq!(set_flags(heads[1].get("link_state_flags")), ["port_pcie_reset_state"]);
    }

    #[test]
    fn dcd_info_from_its_bytes() {
        // Section 7.6.7.6.1: 00h hosts, 01h regions, 04h add selection policies (2), 08h release
        // removal policies (2), 0Ah sanitize-on-release configuration mask, 0Ch total dynamic
        // capacity in 256 MB units (8), 14h one supported block size mask per region (8 each).
        let mut b = vec![0u8; 84];
        b[0x00] = 2;
        b[0x01] = 2;
        b[0x04..0x06].copy_from_slice(&[0b0101, 0]); // free, prescriptive
        b[0x08..0x0a].copy_from_slice(&[0b0010, 0]); // prescriptive
        b[0x0a] = 0b10;
        b[0x0c] = 8;
        b[0x14..0x1c].copy_from_slice(&((1u64 << 21) | (1 << 30)).to_le_bytes());
        b[0x1c..0x24].copy_from_slice(&(1u64 << 28).to_le_bytes());
        b[0x24..0x2c].fill(0xff); // past the regions supported
        let d = GetDcdInfo::decode(&(), sent(&b)).unwrap().decoded();
        assert_eq!(d.get("num_hosts"), Some(&Value::Unsigned(2)));
        assert_eq!(set_flags(d.get("supported_add_capacity_selection_policies")), ["free", "prescriptive"]);
        let Some(Value::Flags(Flags { raw: 2, flags })) = d.get("supported_release_capacity_removal_policies") else {
            panic!()
        };
        assert_eq!(*flags, [("tag_based", false), ("prescriptive", true)]);
        assert_eq!(d.get("sanitize_on_release_configurable_regions"), Some(&numbers(&[1])));
        assert_eq!(d.get("total_dynamic_capacity_bytes"), Some(&Value::Unsigned(2 << 30)));
        let regions: Vec<_> = list(d.get("regions")).iter().map(object).collect();
        assert_eq!(regions.len(), 2);
        assert_eq!(regions[0].get("supported_block_sizes_bytes"), Some(&numbers(&[2 << 20, 1 << 30])));
        assert_eq!(regions[1].get("region_id"), Some(&Value::Unsigned(1)));
        assert_eq!(regions[1].get("supported_block_sizes_bytes"), Some(&numbers(&[256 << 20])));
    }

    #[test]
    fn host_dc_region_config_from_its_bytes() {
        // Section 7.6.7.6.2: 00h host id (2), 02h regions available, 03h regions returned, 04h
        // region configurations of 40 bytes (00h base, 08h decode length in 256 MB units, 10h
        // length, 18h block size, 20h DSMAS flags, 24h sanitize on release), then the extent and
        // tag counts (4 bytes each).
        let mut b = vec![0x01, 0x00, 2, 1];
        b.extend(0x1_0000_0000u64.to_le_bytes());
        b.extend(4u64.to_le_bytes());
        b.extend(0x4000_0000u64.to_le_bytes());
        b.extend(0x20_0000u64.to_le_bytes());
        b.extend([0b0100_1000, 0, 0, 0, 0x01, 0, 0, 0]); // sharable, read-only; sanitized on release
        for count in [512u32, 500, 0, 0] {
            b.extend(count.to_le_bytes());
        }
        let req = cxlmi_cmd_fmapi_get_host_dc_region_config_req { host_id: 1, region_cnt: 8, start_region_id: 0 };
        let d = GetHostDcRegionConfig::decode(&req, sent(&b)).unwrap().decoded();
        assert_eq!(d.get("host_id"), Some(&Value::Unsigned(1)));
        assert_eq!(d.get("num_available_regions"), Some(&Value::Unsigned(2)));
        let regions: Vec<_> = list(d.get("regions")).iter().map(object).collect();
        assert_eq!(regions.len(), 1);
        let r = regions[0];
        assert_eq!(r.get("base_dpa"), Some(&Value::Unsigned(0x1_0000_0000)));
        assert_eq!(r.get("decode_length_bytes"), Some(&Value::Unsigned(1 << 30)));
        assert_eq!(r.get("length_bytes"), Some(&Value::Unsigned(1 << 30)));
        assert_eq!(r.get("block_size_bytes"), Some(&Value::Unsigned(2 << 20)));
        assert_eq!(set_flags(r.get("dsmas_flags")), ["sharable", "read_only"]);
        assert_eq!(r.get("sanitize_on_release"), Some(&Value::Bool(true)));
        assert_eq!(d.get("total_supported_extents"), Some(&Value::Unsigned(512)));
        assert_eq!(d.get("available_extents"), Some(&Value::Unsigned(500)));
        assert_eq!(d.get("available_tags"), Some(&Value::Unsigned(0)));
    }

    #[test]
    fn region_extents_from_their_bytes() {
        // Section 7.6.7.6.4: 00h host id (2), 04h start extent index, 08h extents returned, 0Ch
        // total extents, 10h generation number, 18h extents of 40 bytes (00h start DPA, 08h length,
        // 10h tag (16), 20h shared extent sequence (2)).
        let mut b = vec![0x01, 0x00, 0, 0];
        for v in [0u32, 2, 5, 9, 0] {
            b.extend(v.to_le_bytes());
        }
        let tag = [0xa1u8, 0xb2, 0xc3, 0xd4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        b.extend(0x4000_0000u64.to_le_bytes());
        b.extend(0x1000_0000u64.to_le_bytes());
        b.extend(tag);
        b.extend([0x02, 0x00, 0, 0, 0, 0, 0, 0]);
        b.extend(0x5000_0000u64.to_le_bytes());
        b.extend(0x0800_0000u64.to_le_bytes());
        b.extend([0u8; 24]);
        let req = cxlmi_cmd_fmapi_get_dc_region_ext_list_req {
            host_id: 1,
            rsvd: [0; 2],
            extent_count: 2,
            start_ext_index: 0,
        };
        let d = GetDcRegionExtList::decode(&req, sent(&b)).unwrap().decoded();
        assert_eq!(d.get("returned_extent_count"), Some(&Value::Unsigned(2)));
        assert_eq!(d.get("total_extent_count"), Some(&Value::Unsigned(5)));
        assert_eq!(d.get("generation_number"), Some(&Value::Unsigned(9)));
        let extents: Vec<_> = list(d.get("extents")).iter().map(object).collect();
        assert_eq!(extents[0].get("start_dpa"), Some(&Value::Unsigned(0x4000_0000)));
        assert_eq!(extents[0].get("length_bytes"), Some(&Value::Unsigned(256 << 20)));
        assert_eq!(extents[0].get("tag"), Some(&Value::from("a1b2c3d4-0102-0304-0506-0708090a0b0c")));
        assert_eq!(extents[0].get("shared_extent_sequence"), Some(&Value::Unsigned(2)));
        assert_eq!(extents[1].get("tag"), Some(&Value::from("00000000-0000-0000-0000-000000000000")));
    }

    #[test]
    fn dc_add_and_release_requests() {
        // Section 7.6.7.6.5: 00h host id (2), 02h selection policy (bits 3:0), 03h region, 04h
        // length (8), 0Ch tag (16), 1Ch extent count (4).
        let mut b = vec![0x02, 0x00, 0x02, 1];
        b.extend((1u64 << 30).to_le_bytes());
        b.extend([0u8; 16]);
        b.extend(0u32.to_le_bytes());
        let d = cxlmi_cmd_fmapi_initiate_dc_add_req::decode(&b).decoded();
        assert_eq!(d.get("selection_policy"), Some(&named(2, "prescriptive")));
        assert_eq!(d.get("region_number"), Some(&Value::Unsigned(1)));
        assert_eq!(d.get("length_bytes"), Some(&Value::Unsigned(1 << 30)));
        b[2] = 0x04;
        let d = cxlmi_cmd_fmapi_initiate_dc_add_req::decode(&b).decoded();
        assert_eq!(d.get("selection_policy"), Some(&unnamed(4)));
        // Section 7.6.7.6.6: 02h flags: removal policy (bits 3:0), forced removal (4), sanitize (5).
        b[2] = 0b0011_0001;
        let d = cxlmi_cmd_fmapi_initiate_dc_release_req::decode(&b).decoded();
        let flags = object(d.get("flags").unwrap());
        assert_eq!(flags.get("raw"), Some(&Value::Unsigned(0x31)));
        assert_eq!(flags.get("removal_policy"), Some(&named(1, "prescriptive")));
        assert_eq!(flags.get("forced_removal"), Some(&Value::Bool(true)));
        assert_eq!(flags.get("sanitize_on_release"), Some(&Value::Bool(true)));
        // Get DCD Info's policy bits are the policies' values.
        for (bit, name) in ADD_CAPACITY_SELECTION_POLICIES {
            assert!(SELECTION_POLICY.contains(&(u64::from(bit), name)));
        }
        for (bit, name) in RELEASE_CAPACITY_REMOVAL_POLICIES {
            assert!(REMOVAL_POLICY.contains(&(u64::from(bit), name)));
        }
    }

    #[test]
    fn dc_tags_from_their_bytes() {
        // CXL r3.2 section 7.6.7.6.9: 00h generation, 04h total tags, 08h tags returned, 0Ch
        // validity bitmap, 10h entries of 84 bytes (00h tag, 10h flags, 14h reference bitmap (32),
        // 34h pending reference bitmap (32)).
        let mut b = vec![0u8; 16 + 84];
        b[0x00] = 7;
        b[0x04] = 1;
        b[0x08] = 1;
        b[0x0c] = 0b01; // only the reference bitmaps are valid
        b[0x10..0x20].copy_from_slice(&[0x5a; 16]);
        b[0x10 + 0x14] = 0b101; // hosts 0 and 2
        b[0x10 + 0x14 + 31] = 0x80; // host 255
        b[0x10 + 0x34 + 1] = 1; // host 8, pending (but not valid)
        let req = cxlmi_cmd_fmapi_dc_list_tags_req { start_idx: 0, tags_count: 1 };
        let d = DcListTags::decode(&req, sent(&b)).unwrap().decoded();
        assert_eq!(d.get("generation_number"), Some(&Value::Unsigned(7)));
        assert_eq!(set_flags(d.get("validity_bitmap")), ["reference_bitmap_valid"]);
        let tags: Vec<_> = list(d.get("tags")).iter().map(object).collect();
        assert_eq!(tags[0].get("tag"), Some(&Value::from("5a5a5a5a-5a5a-5a5a-5a5a-5a5a5a5a5a5a")));
        assert_eq!(tags[0].get("reference_hosts"), Some(&numbers(&[0, 2, 255])));
        assert_eq!(tags[0].get("pending_reference_hosts"), Some(&Value::Null));

        b[0x0c] = 0b11;
        let d = DcListTags::decode(&req, sent(&b)).unwrap().decoded();
        assert_eq!(object(&list(d.get("tags"))[0]).get("pending_reference_hosts"), Some(&numbers(&[8])));
    }

    #[test]
    fn fractions_are_numbers() {
        assert_eq!(fraction_of_256(0), Value::Float(0.0));
        assert_eq!(fraction_of_256(1), Value::Float(0.00390625));
        assert_eq!(fraction_of_256(192), Value::Float(0.75));
        assert_eq!(block_sizes_bytes(1 << 63), numbers(&[1 << 63]));
    }
}
