//! FM-API command payloads (CXL r3.1 section 7.6.7, Table 8-215).
//!
//! These are the Fabric Manager commands a switch or multi-logical device
//! answers: physical switch (51xxh), virtual switch (52xxh), MLD port (53xxh),
//! MLD component (54xxh), multi-headed device (55xxh) and dynamic capacity
//! device management (56xxh).
#![allow(non_camel_case_types)]

use cxlmi_derive::Wire;

/// Identify Switch Device output (opcode 5100h, CXL r3.1 section 7.6.7.1.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_identify_sw_device_rsp {
    /// Port through which the request arrived.
    pub ingress_port_id: u8,
    pub rsv1: u8,
    /// Physical ports of the switch.
    pub num_physical_ports: u8,
    /// Virtual CXL switches the switch supports.
    pub num_vcs: u8,
    /// One bit per physical port that is active.
    pub active_port_bitmask: [u8; 32],
    /// One bit per virtual CXL switch that is active.
    pub active_vcs_bitmask: [u8; 32],
    /// Virtual PPBs the switch supports in all.
    pub num_total_vppb: u16,
    /// Virtual PPBs currently bound.
    pub num_active_vppb: u16,
    /// HDM decoders available to each upstream port.
    pub num_hdm_decoder_per_usp: u8,
}

/// Get Physical Port State input (opcode 5101h, CXL r3.1 section 7.6.7.1.2),
/// followed by `num_ports` port ids.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_phys_port_state_req {
    /// Port ids that follow.
    pub num_ports: u8,
    /// The port ids.
    pub ports: [u8; 0],
}

/// The state of one physical switch port (CXL r3.1 section 7.6.7.1.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_port_state_info_block {
    pub port_id: u8,
    /// Disabled, bind in progress, unbind in progress, DSP, USP, fabric port, ...
    pub config_state: u8,
    /// CXL version of the connected device (bit flags).
    pub conn_dev_cxl_ver: u8,
    pub rsv1: u8,
    /// Kind of device connected: none, PCIe, type 1/2/3 SLD or MLD, switch, ...
    pub conn_dev_type: u8,
    /// CXL versions the port supports (bit flags).
    pub port_cxl_ver_bitmask: u8,
    /// Maximum link width, in lanes.
    pub max_link_width: u8,
    /// Negotiated link width, in lanes.
    pub negotiated_link_width: u8,
    /// Supported link speeds (bit flags, one per PCIe generation).
    pub supported_link_speeds_vector: u8,
    /// Maximum link speed (PCIe generation).
    pub max_link_speed: u8,
    /// Current link speed (PCIe generation).
    pub current_link_speed: u8,
    /// LTSSM state of the link.
    pub ltssm_state: u8,
    /// Lowest negotiated lane number.
    pub first_lane_num: u8,
    /// Link state flags: lane reversal, PCIe reset, PERST, PRSNT, power control.
    pub link_state: u16,
    /// Logical devices the connected device supports (MLD ports).
    pub supported_ld_count: u8,
}

/// Get Physical Port State output (opcode 5101h), followed by one info block per port.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_phys_port_state_rsp {
    /// Info blocks that follow.
    pub num_ports: u8,
    pub rsv1: [u8; 3],
    /// The info blocks.
    pub ports: [cxlmi_cmd_fmapi_port_state_info_block; 0],
}

/// Physical Port Control input (opcode 5102h, CXL r3.1 section 7.6.7.1.3).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_phys_port_control_req {
    /// Physical PPB to act on.
    pub ppb_id: u8,
    /// 0: assert PERST, 1: deassert PERST, 2: reset the PPB.
    pub port_opcode: u8,
}

/// Send PPB CXL.io Configuration Request input (opcode 5103h, CXL r3.2 section 7.6.7.1.4).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req {
    /// Physical PPB to send the request to.
    pub ppb_id: u8,
    /// Register number, extended register number, byte enables and the write flag, packed as the spec lays them out.
    pub field_1: [u8; 0x3],
    /// Data to write (ignored for reads).
    pub transaction_data: u32,
}

/// Send PPB CXL.io Configuration Request output (opcode 5103h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_rsp {
    /// Data read (undefined for writes).
    pub return_data: u32,
}

/// Get Domain Validation SV State output (opcode 5104h, CXL r3.1 section 7.6.7.1.5).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp {
    /// 0: no secret value set, 1: set.
    pub secret_value_state: u8,
}

/// Set Domain Validation SV input (opcode 5105h, CXL r3.1 section 7.6.7.1.6).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_domain_validation_sv_req {
    /// The secret value, a UUID.
    pub secret_value_uuid: [u8; 0x10],
}

/// Get VCS Domain Validation SV State input (opcode 5106h, CXL r3.1 section 7.6.7.1.7).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_req {
    /// Virtual CXL switch to query.
    pub vcs_id: u8,
}

/// Get VCS Domain Validation SV State output (opcode 5106h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp {
    /// 0: no secret value set for the VCS, 1: set.
    pub secret_value_state: u8,
}

/// Get Domain Validation SV input (opcode 5107h, CXL r3.1 section 7.6.7.1.8).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_domain_validation_sv_req {
    /// Virtual CXL switch to query.
    pub vcs_id: u8,
}

/// Get Domain Validation SV output (opcode 5107h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_domain_validation_sv_rsp {
    /// The secret value of the VCS, a UUID.
    pub secret_value_uuid: [u8; 0x10],
}

/// Get Virtual CXL Switch Info input (opcode 5200h, CXL r3.2 section 7.6.7.2.1),
/// followed by `num_vcs` VCS ids.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_vcs_info_req {
    /// First vPPB to report in each VCS.
    pub start_vppb: u8,
    /// Most vPPBs to report per VCS.
    pub vppb_list_limit: u8,
    /// VCS ids that follow.
    pub num_vcs: u8,
    /// The VCS ids.
    pub vcs_id_list: [u8; 0],
}

/// The binding of one virtual PPB.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_vppb_info {
    /// Unbound, bind or unbind in progress, bound to a port, or bound to an LD.
    pub binding_status: u8,
    /// Physical port it is bound to.
    pub bound_port_id: u8,
    /// Logical device it is bound to (0xff when bound to a whole port).
    pub bound_ld_id: u8,
    pub rsv1: u8,
}

/// One virtual CXL switch and its vPPBs, as Get Virtual CXL Switch Info
/// reports it; `num_vppbs` vPPB entries follow.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_vcs_info_block {
    pub vcs_id: u8,
    /// 0: disabled, 1: enabled.
    pub vcs_state: u8,
    /// Physical port of its upstream port.
    pub usp_id: u8,
    /// vPPB entries that follow.
    pub num_vppbs: u8,
    /// The vPPB entries.
    pub vppbs: [cxlmi_cmd_fmapi_vppb_info; 0],
}

/// Get Virtual CXL Switch Info output (opcode 5200h), followed by the VCS info
/// blocks (each of variable length).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_vcs_info_rsp {
    /// VCS info blocks that follow.
    pub num_vcs: u8,
    pub rsv1: [u8; 3],
    /// The first info block.
    pub vcs_info_list: [cxlmi_cmd_fmapi_vcs_info_block; 0],
}

/// Bind vPPB input (opcode 5201h, CXL r3.1 section 7.6.7.2.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_bind_vppb_req {
    /// Virtual CXL switch holding the vPPB.
    pub vcs_id: u8,
    /// vPPB to bind.
    pub vppb_id: u8,
    /// Physical port to bind it to.
    pub port_id: u8,
    pub rsv1: u8,
    /// Logical device to bind it to, or 0xffff for the whole port.
    pub ld_id: u16,
}

/// Unbind vPPB input (opcode 5202h, CXL r3.1 section 7.6.7.2.3).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_unbind_vppb_req {
    /// Virtual CXL switch holding the vPPB.
    pub vcs_id: u8,
    /// vPPB to unbind.
    pub vppb_id: u8,
    /// How to unbind: wait for the port to go down, simulate a hot remove, or a surprise remove.
    pub option: u8,
}

/// Send LD CXL.io Configuration Request input (opcode 5301h, CXL r3.2 section 7.6.7.3.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_send_ld_cxlio_config_request_req {
    /// PPB the MLD is connected to.
    pub ppb_id: u8,
    /// Register number, extended register number, byte enables and the write flag, packed as the spec lays them out.
    pub field_1: [u8; 0x3],
    /// Logical device to address.
    pub ld_id: u16,
    pub rsvd: [u8; 0x2],
    /// Data to write (ignored for reads).
    pub transaction_data: u32,
}

/// Send LD CXL.io Configuration Request output (opcode 5301h).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_send_ld_cxlio_config_request_rsp {
    /// Data read (undefined for writes).
    pub return_data: u32,
}

/// Send LD CXL.io Memory Request input (opcode 5302h, CXL r3.2 section 7.6.7.3.3),
/// followed by the data to write.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req {
    /// Port the MLD is connected to.
    pub port_id: u8,
    /// Byte enables and the write flag, packed as the spec lays them out.
    pub field_1: [u8; 0x2],
    /// Logical device to address.
    pub ld_id: u16,
    /// Bytes to transfer.
    pub transaction_len: u16,
    /// Address of the access.
    pub transaction_addr: u64,
    /// The data to write.
    pub transaction_data: [u8; 0],
}

/// Send LD CXL.io Memory Request output (opcode 5302h), followed by the data read.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_rsp {
    /// Bytes of data returned.
    pub return_size: u16,
    pub rsvd: [u8; 0x2],
    /// The data read.
    pub return_data: [u8; 0],
}

/// Get LD Info output (opcode 5400h, CXL r3.1 section 7.6.7.4.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_ld_info_rsp {
    /// Total memory of the MLD, in bytes.
    pub memory_size: u64,
    /// Logical devices the MLD supports.
    pub ld_count: u16,
    /// QoS telemetry capabilities (bit flags).
    pub qos_telemetry_capability: u8,
}

/// Get LD Allocations input (opcode 5401h, CXL r3.1 section 7.6.7.4.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_ld_allocations_req {
    /// First LD to report.
    pub start_ld_id: u8,
    /// Most LDs to report.
    pub ld_allocation_list_limit: u8,
}

/// The memory allocated to one LD, in multiples of the memory granularity.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_ld_allocations_list {
    /// Allocation of the first range.
    pub range_1_allocation_mult: u64,
    /// Allocation of the second range.
    pub range_2_allocation_mult: u64,
}

/// Get LD Allocations output (opcode 5401h), followed by one entry per LD.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_ld_allocations_rsp {
    /// LDs enabled in the device.
    pub number_ld: u8,
    /// Allocation unit: 0 = 256 MB, 1 = 512 MB, 2 = 1 GB.
    pub memory_granularity: u8,
    /// First LD reported.
    pub start_ld_id: u8,
    /// Entries that follow.
    pub ld_allocation_list_len: u8,
    /// The entries.
    pub ld_allocation_list: [cxlmi_cmd_fmapi_ld_allocations_list; 0],
}

/// Set LD Allocations input (opcode 5402h, CXL r3.1 section 7.6.7.4.3),
/// followed by one entry per LD.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_ld_allocations_req {
    /// Entries that follow.
    pub number_ld: u8,
    /// LD the first entry is for.
    pub start_ld_id: u8,
    pub rsvd: [u8; 2],
    /// The entries.
    pub ld_allocation_list: [cxlmi_cmd_fmapi_ld_allocations_list; 0],
}

/// Set LD Allocations output (opcode 5402h): the allocations now in effect.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_ld_allocations_rsp {
    /// Entries that follow.
    pub number_ld: u8,
    /// LD the first entry is for.
    pub start_ld_id: u8,
    pub rsvd: [u8; 2],
    /// The entries.
    pub ld_allocation_list: [cxlmi_cmd_fmapi_ld_allocations_list; 0],
}

/// Get QoS Control output (opcode 5403h, CXL r3.1 section 7.6.7.4.4).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_qos_control_rsp {
    /// Bit flags: egress port congestion, temporary throughput reduction, completion collection.
    pub qos_telemetry_control: u8,
    /// Egress bandwidth percentage counted as moderate congestion.
    pub egress_moderate_percentage: u8,
    /// Egress bandwidth percentage counted as severe congestion.
    pub egress_severe_percentage: u8,
    /// Backpressure sampling interval, in nanoseconds.
    pub backpressure_sample_interval: u8,
    /// ReqCmpBasis: the bandwidth basis for completion collection.
    pub recmpbasis: u16,
    /// Completion collection interval, in microseconds.
    pub completion_collection_interval: u8,
}

/// Set QoS Control input (opcode 5404h, CXL r3.1 section 7.6.7.4.5).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_qos_control_req {
    /// Bit flags: egress port congestion, temporary throughput reduction, completion collection.
    pub qos_telemetry_control: u8,
    /// Egress bandwidth percentage counted as moderate congestion.
    pub egress_moderate_percentage: u8,
    /// Egress bandwidth percentage counted as severe congestion.
    pub egress_severe_percentage: u8,
    /// Backpressure sampling interval, in nanoseconds.
    pub backpressure_sample_interval: u8,
    /// ReqCmpBasis: the bandwidth basis for completion collection.
    pub recmpbasis: u16,
    /// Completion collection interval, in microseconds.
    pub completion_collection_interval: u8,
}

/// Set QoS Control output (opcode 5404h): the settings now in effect.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_qos_control_rsp {
    /// Bit flags: egress port congestion, temporary throughput reduction, completion collection.
    pub qos_telemetry_control: u8,
    /// Egress bandwidth percentage counted as moderate congestion.
    pub egress_moderate_percentage: u8,
    /// Egress bandwidth percentage counted as severe congestion.
    pub egress_severe_percentage: u8,
    /// Backpressure sampling interval, in nanoseconds.
    pub backpressure_sample_interval: u8,
    /// ReqCmpBasis: the bandwidth basis for completion collection.
    pub recmpbasis: u16,
    /// Completion collection interval, in microseconds.
    pub completion_collection_interval: u8,
}

/// Get QoS Status output (opcode 5405h, CXL r3.1 section 7.6.7.4.6).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_qos_status_rsp {
    /// Average backpressure over the sampling interval, in percent.
    pub backpressure_avg_percentage: u8,
}

/// Get QoS Allocated BW input (opcode 5406h, CXL r3.1 section 7.6.7.4.7).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_qos_allocated_bw_req {
    /// LDs to report.
    pub number_ld: u8,
    /// First LD to report.
    pub start_ld_id: u8,
}

/// Get QoS Allocated BW output (opcode 5406h), followed by one fraction per LD.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp {
    /// Fractions that follow.
    pub number_ld: u8,
    /// LD the first fraction is for.
    pub start_ld_id: u8,
    /// Bandwidth share of each LD, in 1/256 units.
    pub qos_allocation_fraction: [u8; 0],
}

/// Set QoS Allocated BW input (opcode 5407h, CXL r3.1 section 7.6.7.4.8),
/// followed by one fraction per LD.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_qos_allocated_bw_req {
    /// Fractions that follow.
    pub number_ld: u8,
    /// LD the first fraction is for.
    pub start_ld_id: u8,
    /// Bandwidth share of each LD, in 1/256 units.
    pub qos_allocation_fraction: [u8; 0],
}

/// Set QoS Allocated BW output (opcode 5407h): the fractions now in effect.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp {
    /// Fractions that follow.
    pub number_ld: u8,
    /// LD the first fraction is for.
    pub start_ld_id: u8,
    /// Bandwidth share of each LD, in 1/256 units.
    pub qos_allocation_fraction: [u8; 0],
}

/// Get QoS BW Limit input (opcode 5408h, CXL r3.1 section 7.6.7.4.9).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_qos_bw_limit_req {
    /// LDs to report.
    pub number_ld: u8,
    /// First LD to report.
    pub start_ld_id: u8,
}

/// Get QoS BW Limit output (opcode 5408h), followed by one fraction per LD.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_qos_bw_limit_rsp {
    /// Fractions that follow.
    pub number_ld: u8,
    /// LD the first fraction is for.
    pub start_ld_id: u8,
    /// Bandwidth cap of each LD, in 1/256 units.
    pub qos_limit_fraction: [u8; 0],
}

/// Set QoS BW Limit input (opcode 5409h, CXL r3.1 section 7.6.7.4.10),
/// followed by one fraction per LD.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_qos_bw_limit_req {
    /// Fractions that follow.
    pub number_ld: u8,
    /// LD the first fraction is for.
    pub start_ld_id: u8,
    /// Bandwidth cap of each LD, in 1/256 units.
    pub qos_limit_fraction: [u8; 0],
}

/// Set QoS BW Limit output (opcode 5409h): the limits now in effect.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_qos_bw_limit_rsp {
    /// Fractions that follow.
    pub number_ld: u8,
    /// LD the first fraction is for.
    pub start_ld_id: u8,
    /// Bandwidth cap of each LD, in 1/256 units.
    pub qos_limit_fraction: [u8; 0],
}

/// Get Multi-Headed Info input (opcode 5500h, CXL r3.2 section 7.6.7.5.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_multiheaded_info_req {
    /// First LD to map.
    pub start_ld_id: u8,
    /// Most LDs to map.
    pub ld_map_list_limit: u8,
}

/// Get Multi-Headed Info output (opcode 5500h), followed by the LD-to-head map.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_multiheaded_info_rsp {
    /// LDs the device supports.
    pub num_lds: u8,
    /// Heads (upstream ports) the device has.
    pub num_heads: u8,
    pub rsvd1: [u8; 2],
    /// First LD in the map.
    pub start_ld_id: u8,
    /// Map entries that follow.
    pub ld_map_len: u8,
    pub rsvd2: [u8; 2],
    /// For each LD, the head it is assigned to (0xff: none).
    pub ld_map: [u8; 0],
}

/// Get Head Info input (opcode 5501h, CXL r3.2 section 7.6.7.5.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_head_info_req {
    /// First head to report.
    pub start_head: u8,
    /// Heads to report.
    pub num_heads: u8,
}

/// The link state of one head of a multi-headed device.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_head_info_blkfmt {
    /// Port number of the head.
    pub port_num: u8,
    /// Maximum link width.
    pub field_1: u8,
    /// Negotiated link width.
    pub field_2: u8,
    /// Supported link speeds vector.
    pub field_3: u8,
    /// Maximum link speed.
    pub field_4: u8,
    /// Current link speed.
    pub field_5: u8,
    /// LTSSM state of the link.
    pub ltssm_state: u8,
    /// Lowest negotiated lane number.
    pub first_negotiated_lane_num: u8,
    /// Link state flags.
    pub link_state_flags: u8,
}

/// Get Head Info output (opcode 5501h), followed by one block per head.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_head_info_rsp {
    /// Blocks that follow.
    pub num_heads: u8,
    pub rsvd: [u8; 0x3],
    /// The blocks.
    pub head_info_list: [cxlmi_cmd_fmapi_get_head_info_blkfmt; 0],
}

/// Get DCD Info output (opcode 5600h, CXL r3.2 section 7.6.7.6.1).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_dcd_info_rsp {
    /// Hosts the device can serve.
    pub num_hosts: u8,
    /// Dynamic capacity regions the device supports (at most 8).
    pub num_supported_dc_regions: u8,
    pub rsvd1: [u8; 0x2],
    /// How the device may choose capacity to add (bit flags).
    pub capacity_selection_policies: u16,
    pub rsvd2: [u8; 0x2],
    /// How the device may choose capacity to remove (bit flags).
    pub capacity_removal_policies: u16,
    /// One bit per region whose sanitize-on-release setting can be changed.
    pub sanitize_on_release_config_mask: u8,
    pub rsvd3: u8,
    /// Total dynamic capacity, in multiples of 256 MB.
    pub total_dynamic_capacity: u64,
    /// Block sizes region 0 supports: bit n set means 2^n bytes.
    pub region_0_supported_blk_sz_mask: u64,
    /// Block sizes region 1 supports (valid if it exists).
    pub region_1_supported_blk_sz_mask: u64,
    /// Block sizes region 2 supports (valid if it exists).
    pub region_2_supported_blk_sz_mask: u64,
    /// Block sizes region 3 supports (valid if it exists).
    pub region_3_supported_blk_sz_mask: u64,
    /// Block sizes region 4 supports (valid if it exists).
    pub region_4_supported_blk_sz_mask: u64,
    /// Block sizes region 5 supports (valid if it exists).
    pub region_5_supported_blk_sz_mask: u64,
    /// Block sizes region 6 supports (valid if it exists).
    pub region_6_supported_blk_sz_mask: u64,
    /// Block sizes region 7 supports (valid if it exists).
    pub region_7_supported_blk_sz_mask: u64,
}

/// Get Host DC Region Configuration input (opcode 5601h, CXL r3.2 section 7.6.7.6.2).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_host_dc_region_config_req {
    /// Host whose regions to report.
    pub host_id: u16,
    /// Most regions to report (at most 8 fit the output).
    pub region_cnt: u8,
    /// First region to report.
    pub start_region_id: u8,
}

/// One dynamic capacity region of a host, as the FM sees it.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_fmapi_dc_region_config {
    /// Region base, a device physical address.
    pub base: u64,
    /// Decode length, in multiples of 256 MB.
    pub decode_len: u64,
    /// Usable length of the region in bytes.
    pub region_len: u64,
    /// Block size in bytes.
    pub block_size: u64,
    /// Region flags (bit 3: read-only).
    pub flags: u8,
    pub rsvd: [u8; 3],
    /// Bit 0: the region is sanitized when capacity is released.
    pub sanitize_on_release: u8,
    pub rsvd2: [u8; 3],
}

/// Get Host DC Region Configuration output (opcode 5601h). The region array
/// is fixed at eight entries; `regions_returned` of them are filled in.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_host_dc_region_config_rsp {
    /// Host the regions belong to.
    pub host_id: u16,
    /// Regions the host has.
    pub num_regions: u8,
    /// Regions returned here.
    pub regions_returned: u8,
    /// The regions.
    pub region_configs: [cxlmi_fmapi_dc_region_config; 8],
    /// Extents the device can track for the host.
    pub num_extents_supported: u32,
    /// Extents it can still accept.
    pub num_extents_available: u32,
    /// Tags the device can track for the host.
    pub num_tags_supported: u32,
    /// Tags it can still accept.
    pub num_tags_available: u32,
}

/// Set DC Region Configuration input (opcode 5602h, CXL r3.2 section 7.6.7.6.3).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_set_dc_region_config_req {
    /// Region to configure.
    pub region_id: u8,
    pub rsvd: [u8; 3],
    /// New block size in bytes (one the region supports).
    pub block_sz: u64,
    /// Bit 0: sanitize the region's capacity when it is released.
    pub sanitize_on_release: u8,
    pub rsvd2: [u8; 3],
}

/// Get DC Region Extent Lists input (opcode 5603h, CXL r3.2 section 7.6.7.6.4).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_dc_region_ext_list_req {
    /// Host whose extents to list.
    pub host_id: u16,
    pub rsvd: [u8; 2],
    /// Most extents to return.
    pub extent_count: u32,
    /// Index of the first extent to return.
    pub start_ext_index: u32,
}

/// One dynamic capacity extent (CXL r3.2 section 7.6.7.6).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_fmapi_dc_extent {
    /// Device physical address where the extent starts.
    pub start_dpa: u64,
    /// Extent length in bytes.
    pub len: u64,
    /// Tag of the extent.
    pub tag: [u8; 0x10],
    /// Sequence number of a shared extent.
    pub shared_seq: u16,
    pub rsvd: [u8; 6],
}

/// Get DC Region Extent Lists output (opcode 5603h), followed by the extents.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp {
    /// Host the extents belong to.
    pub host_id: u16,
    pub rsvd1: [u8; 2],
    /// Index of the first extent returned.
    pub start_ext_index: u32,
    /// Extents returned here.
    pub extents_returned: u32,
    /// Extents the host has in all.
    pub total_extents: u32,
    /// Changes whenever the host's extent list changes.
    pub list_generation_num: u32,
    pub rsvd2: [u8; 4],
    /// The extents.
    pub extents: [cxlmi_fmapi_dc_extent; 0],
}

/// Initiate Dynamic Capacity Add input (opcode 5604h, CXL r3.1 section 7.6.7.6.5),
/// followed by `ext_count` extents when the policy names them.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_initiate_dc_add_req {
    /// Host to give the capacity to.
    pub host_id: u16,
    /// Free, contiguous, prescriptive or enable-shared-access.
    pub selection_policy: u8,
    /// Region to take the capacity from.
    pub region_num: u8,
    /// Capacity to add, in bytes (free and contiguous policies).
    pub length: u64,
    /// Tag for the new extents.
    pub tag: [u8; 0x10],
    /// Extents that follow.
    pub ext_count: u32,
    /// The extents.
    pub extents: [cxlmi_fmapi_dc_extent; 0],
}

/// Initiate Dynamic Capacity Release input (opcode 5605h, CXL r3.2 section
/// 7.6.7.6.6), followed by `ext_count` extents when the policy names them.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_initiate_dc_release_req {
    /// Host to take the capacity from.
    pub host_id: u16,
    /// Removal policy, forced removal and sanitize-on-release flags.
    pub flags: u8,
    pub rsvd: u8,
    /// Capacity to release, in bytes (tag-based policy).
    pub length: u64,
    /// Tag of the extents to release.
    pub tag: [u8; 0x10],
    /// Extents that follow.
    pub ext_count: u32,
    /// The extents.
    pub extents: [cxlmi_fmapi_dc_extent; 0],
}

/// Dynamic Capacity Add Reference input (opcode 5606h, CXL r3.2 section 7.6.7.6.7).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_dc_add_ref_req {
    /// Tag of the shared capacity to hold a reference on.
    pub tag: [u8; 0x10],
}

/// Dynamic Capacity Remove Reference input (opcode 5607h, CXL r3.2 section 7.6.7.6.8).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_dc_remove_ref_req {
    /// Tag of the shared capacity to drop the reference on.
    pub tag: [u8; 0x10],
}

/// Dynamic Capacity List Tags input (opcode 5608h, CXL r3.2 section 7.6.7.6.9).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_dc_list_tags_req {
    /// Index of the first tag to return.
    pub start_idx: u32,
    /// Most tags to return.
    pub tags_count: u32,
}

/// One tag and who references it, as Dynamic Capacity List Tags reports it.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_fmapi_dc_tag_entry {
    /// The tag.
    pub tag: [u8; 0x10],
    /// Tag flags.
    pub flags: u8,
    pub rsvd: [u8; 3],
    /// One bit per host holding a reference on the tagged capacity.
    pub ref_bitmap: [u8; 0x20],
    /// One bit per host with a reference still pending.
    pub pending_ref_bitmap: [u8; 0x20],
}

/// Dynamic Capacity List Tags output (opcode 5608h), followed by the tag entries.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Wire)]
pub struct cxlmi_cmd_fmapi_dc_list_tags_rsp {
    /// Changes whenever the tag list changes.
    pub generation_num: u32,
    /// Tags the device holds in all.
    pub total_num_tags: u32,
    /// Tags returned here.
    pub num_tags_returned: u32,
    /// Which of the bitmaps in the entries are valid.
    pub validity_bitmap: u8,
    pub rsvd: [u8; 3],
    /// The tag entries.
    pub tags_list: [cxlmi_fmapi_dc_tag_entry; 0],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Wire, to_vec};
    use core::mem::offset_of;

    #[test]
    fn offsets_match_the_reference() {
        assert_eq!(offset_of!(cxlmi_cmd_fmapi_identify_sw_device_rsp, num_total_vppb), 68);
        assert_eq!(offset_of!(cxlmi_cmd_fmapi_port_state_info_block, link_state), 13);
        assert_eq!(offset_of!(cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req, transaction_addr), 7);
        assert_eq!(offset_of!(cxlmi_cmd_fmapi_get_dcd_info_rsp, total_dynamic_capacity), 12);
        assert_eq!(offset_of!(cxlmi_cmd_fmapi_get_host_dc_region_config_rsp, num_extents_supported), 324);
        assert_eq!(offset_of!(cxlmi_cmd_fmapi_initiate_dc_add_req, ext_count), 28);
        assert_eq!(offset_of!(cxlmi_cmd_fmapi_dc_list_tags_rsp, tags_list), 16);
        assert_eq!(offset_of!(cxlmi_fmapi_dc_tag_entry, pending_ref_bitmap), 52);
    }

    #[test]
    fn switch_identify_round_trips_little_endian() {
        let mut id = cxlmi_cmd_fmapi_identify_sw_device_rsp::zeroed();
        id.num_physical_ports = 8;
        id.active_port_bitmask[0] = 0x81;
        id.num_total_vppb = 0x0102;
        id.num_active_vppb = 0x0304;
        id.num_hdm_decoder_per_usp = 4;
        let b = to_vec(&id);
        assert_eq!(b.len(), 73);
        assert_eq!(b[4], 0x81);
        assert_eq!(&b[68..72], &[0x02, 0x01, 0x04, 0x03]);
        assert_eq!(b[72], 4);
        let back = cxlmi_cmd_fmapi_identify_sw_device_rsp::decode(&b);
        assert_eq!({ back.num_active_vppb }, 0x0304);
        assert_eq!(to_vec(&back), b);
    }

    #[test]
    fn unaligned_memory_request_fields_encode_in_place() {
        let mut req = cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req::zeroed();
        req.port_id = 3;
        req.ld_id = 0xa0b0;
        req.transaction_len = 0x0040;
        req.transaction_addr = 0x1122_3344_5566_7788;
        let b = to_vec(&req);
        assert_eq!(&b[3..5], &[0xb0, 0xa0]);
        assert_eq!(&b[5..7], &[0x40, 0x00]);
        assert_eq!(&b[7..15], &[0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
        let back = cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req::decode(&b);
        assert_eq!({ back.transaction_addr }, 0x1122_3344_5566_7788);
    }

    #[test]
    fn host_region_config_round_trips() {
        let mut rsp = cxlmi_cmd_fmapi_get_host_dc_region_config_rsp::zeroed();
        rsp.host_id = 0x0201;
        rsp.region_configs[7].sanitize_on_release = 1;
        rsp.region_configs[7].base = 0xdead_beef_0000;
        rsp.num_tags_available = 0x0a0b_0c0d;
        let b = to_vec(&rsp);
        let r7 = 4 + 7 * 40;
        assert_eq!(&b[0..2], &[0x01, 0x02]);
        assert_eq!(&b[r7..r7 + 8], &[0, 0, 0xef, 0xbe, 0xad, 0xde, 0, 0]);
        assert_eq!(b[r7 + 36], 1);
        assert_eq!(&b[336..340], &[0x0d, 0x0c, 0x0b, 0x0a]);
        let back = cxlmi_cmd_fmapi_get_host_dc_region_config_rsp::decode(&b);
        assert_eq!({ back.region_configs[7].base }, 0xdead_beef_0000);
        assert_eq!(to_vec(&back), b);
    }

    #[test]
    fn dc_add_request_with_extents() {
        let mut req = cxlmi_cmd_fmapi_initiate_dc_add_req::zeroed();
        req.host_id = 1;
        req.length = 0x1000_0000;
        req.ext_count = 1;
        let mut ext = cxlmi_fmapi_dc_extent::zeroed();
        ext.start_dpa = 0x4000_0000;
        ext.len = 0x1000_0000;
        let mut buf = vec![0u8; 32 + 40];
        req.encode(&mut buf);
        ext.encode(&mut buf[32..]);
        assert_eq!(&buf[4..12], &[0, 0, 0, 0x10, 0, 0, 0, 0]);
        assert_eq!(&buf[28..32], &[1, 0, 0, 0]);
        assert_eq!(&buf[32..40], &[0, 0, 0, 0x40, 0, 0, 0, 0]);
        let back = cxlmi_fmapi_dc_extent::decode_nth(&buf[32..], 0).unwrap();
        assert_eq!({ back.len }, 0x1000_0000);
    }
}
