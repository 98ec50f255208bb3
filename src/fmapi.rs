//! FM-API commands, as upstream exports them.
//!
//! Requests with entries after their fixed part (port ids, VCS ids,
//! allocations, bandwidth fractions, extents, data) take them from the
//! caller's buffer right after the fixed part, as many as its count field
//! says. Responses with entries are written the same way: the fixed part,
//! then the entries kept, never more than the caller's buffer holds as the
//! request sized it.

use core::ffi::c_int;

use crate::{
    cxlmi_endpoint, input_listed, input_only, input_output, input_with_items, input_with_items_listed, out_ptr,
    output_only, read_with_items, run_command, write_listed,
};
use cxlmi::commands::Command;
use cxlmi::commands::fmapi::*;
use cxlmi::types::*;
use cxlmi::wire::Wire;

/// Identifies the switch (opcode 5100h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_identify_sw_device(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_fmapi_identify_sw_device_rsp,
) -> c_int {
    unsafe { output_only::<IdentifySwDevice, _>(ep, ti, ret) }
}

/// Reads the state of the `in->num_ports` ports listed after the fixed part
/// of `in` (opcode 5101h); `ret` must have room for that many info blocks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_phys_port_state(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_phys_port_state_req,
    ret: *mut cxlmi_cmd_fmapi_get_phys_port_state_rsp,
) -> c_int {
    unsafe { input_with_items_listed::<GetPhysPortState, _, _, _, _>(ep, ti, r#in, ret) }
}

/// Controls a physical port: PERST or a PPB reset (opcode 5102h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_phys_port_control(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_phys_port_control_req,
) -> c_int {
    unsafe { input_only::<PhysPortControl, _>(ep, ti, r#in) }
}

/// Sends a CXL.io configuration request to a PPB (opcode 5103h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_send_ppb_cxlio_config_request(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req,
    ret: *mut cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_rsp,
) -> c_int {
    unsafe { input_output::<SendPpbCxlioConfigRequest, _, _>(ep, ti, r#in, ret) }
}

/// Reads whether a domain validation secret value is set (opcode 5104h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_domain_validation_sv_state(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp,
) -> c_int {
    unsafe { output_only::<GetDomainValidationSvState, _>(ep, ti, ret) }
}

/// Sets the domain validation secret value (opcode 5105h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_set_domain_validation_sv(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_set_domain_validation_sv_req,
) -> c_int {
    unsafe { input_only::<SetDomainValidationSv, _>(ep, ti, r#in) }
}

/// Reads whether a VCS has a domain validation secret value (opcode 5106h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_req,
    ret: *mut cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp,
) -> c_int {
    unsafe { input_output::<GetVcsDomainValidationSvState, _, _>(ep, ti, r#in, ret) }
}

/// Reads a VCS's domain validation secret value (opcode 5107h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_domain_validation_sv(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_domain_validation_sv_req,
    ret: *mut cxlmi_cmd_fmapi_get_domain_validation_sv_rsp,
) -> c_int {
    unsafe { input_output::<GetDomainValidationSv, _, _>(ep, ti, r#in, ret) }
}

/// Reads the VCSs whose `in->num_vcs` ids follow the fixed part of `in`
/// (opcode 5200h). `ret` must have room for the fixed part and `num_vcs`
/// blocks of `vppb_list_limit` vPPB entries each. It receives the fixed part
/// and then the blocks back to back, each followed by its own `num_vppbs`
/// entries (counts set to what was kept); the rest of that room is zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_vcs_info(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_vcs_info_req,
    ret: *mut cxlmi_cmd_fmapi_get_vcs_info_rsp,
) -> c_int {
    unsafe {
        run_command(ep, ti, |ep, t| {
            let q = read_with_items(r#in)?;
            let out = out_ptr(ret)?.cast::<u8>();
            let room = GetVcsInfo::response_size(&q).max;
            let info = ep.execute::<GetVcsInfo>(t, &q)?;
            out.cast::<cxlmi_cmd_fmapi_get_vcs_info_rsp>().write_unaligned(info.head);
            let mut at = cxlmi_cmd_fmapi_get_vcs_info_rsp::SIZE;
            for block in info.blocks() {
                write_listed(out.add(at).cast::<cxlmi_cmd_fmapi_vcs_info_block>(), &block);
                at += cxlmi_cmd_fmapi_vcs_info_block::SIZE + block.count() * cxlmi_cmd_fmapi_vppb_info::SIZE;
            }
            debug_assert!(at <= room);
            core::ptr::write_bytes(out.add(at), 0, room.saturating_sub(at));
            Ok(())
        })
    }
}

/// Binds a vPPB to a physical port or an LD (opcode 5201h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_bind_vppb(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_bind_vppb_req,
) -> c_int {
    unsafe { input_only::<BindVppb, _>(ep, ti, r#in) }
}

/// Unbinds a vPPB (opcode 5202h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_unbind_vppb(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_unbind_vppb_req,
) -> c_int {
    unsafe { input_only::<UnbindVppb, _>(ep, ti, r#in) }
}

/// Sends a CXL.io configuration request to an LD of an MLD (opcode 5301h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_send_ld_cxlio_config_request(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_send_ld_cxlio_config_request_req,
    ret: *mut cxlmi_cmd_fmapi_send_ld_cxlio_config_request_rsp,
) -> c_int {
    unsafe { input_output::<SendLdCxlioConfigRequest, _, _>(ep, ti, r#in, ret) }
}

/// Sends a CXL.io memory request to an LD of an MLD (opcode 5302h): the
/// `in->transaction_len` data bytes (at most 4096) follow the fixed part of
/// `in`, and `ret` must have room for as many after its fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_send_ld_cxlio_mem_request(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req,
    ret: *mut cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_rsp,
) -> c_int {
    unsafe { input_with_items_listed::<SendLdCxlioMemRequest, _, _, _, _>(ep, ti, r#in, ret) }
}

/// Reads the MLD's LD information (opcode 5400h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_ld_info(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_fmapi_get_ld_info_rsp,
) -> c_int {
    unsafe { output_only::<GetLdInfo, _>(ep, ti, ret) }
}

/// Reads LD allocations (opcode 5401h); `ret` must have room for
/// `in->ld_allocation_list_limit` entries after its fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_ld_allocations(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_ld_allocations_req,
    ret: *mut cxlmi_cmd_fmapi_get_ld_allocations_rsp,
) -> c_int {
    unsafe { input_listed::<GetLdAllocations, _, _, _>(ep, ti, r#in, ret) }
}

/// Sets LD allocations (opcode 5402h): `in->number_ld` entries follow the
/// fixed part of `in`; `ret` must have room for as many.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_set_ld_allocations(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_set_ld_allocations_req,
    ret: *mut cxlmi_cmd_fmapi_set_ld_allocations_rsp,
) -> c_int {
    unsafe { input_with_items_listed::<SetLdAllocations, _, _, _, _>(ep, ti, r#in, ret) }
}

/// Reads the QoS telemetry control settings (opcode 5403h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_qos_control(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_fmapi_get_qos_control_rsp,
) -> c_int {
    unsafe { output_only::<GetQosControl, _>(ep, ti, ret) }
}

/// Sets the QoS telemetry control settings and reads back those in force (opcode 5404h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_set_qos_control(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_set_qos_control_req,
    ret: *mut cxlmi_cmd_fmapi_set_qos_control_rsp,
) -> c_int {
    unsafe { input_output::<SetQosControl, _, _>(ep, ti, r#in, ret) }
}

/// Reads the QoS status (opcode 5405h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_qos_status(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_fmapi_get_qos_status_rsp,
) -> c_int {
    unsafe { output_only::<GetQosStatus, _>(ep, ti, ret) }
}

/// Reads the bandwidth allocated to `in->number_ld` LDs (opcode 5406h);
/// `ret` must have room for as many fractions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_qos_allocated_bw(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_qos_allocated_bw_req,
    ret: *mut cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp,
) -> c_int {
    unsafe { input_listed::<GetQosAllocatedBw, _, _, _>(ep, ti, r#in, ret) }
}

/// Sets the bandwidth of `in->number_ld` LDs, whose fractions follow the
/// fixed part of `in` (opcode 5407h); `ret` must have room for as many.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_set_qos_allocated_bw(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_set_qos_allocated_bw_req,
    ret: *mut cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp,
) -> c_int {
    unsafe { input_with_items_listed::<SetQosAllocatedBw, _, _, _, _>(ep, ti, r#in, ret) }
}

/// Reads the bandwidth limits of `in->number_ld` LDs (opcode 5408h); `ret`
/// must have room for as many fractions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_qos_bw_limit(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_qos_bw_limit_req,
    ret: *mut cxlmi_cmd_fmapi_get_qos_bw_limit_rsp,
) -> c_int {
    unsafe { input_listed::<GetQosBwLimit, _, _, _>(ep, ti, r#in, ret) }
}

/// Sets the bandwidth limits of `in->number_ld` LDs, whose fractions follow
/// the fixed part of `in` (opcode 5409h); `ret` must have room for as many.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_set_qos_bw_limit(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_set_qos_bw_limit_req,
    ret: *mut cxlmi_cmd_fmapi_set_qos_bw_limit_rsp,
) -> c_int {
    unsafe { input_with_items_listed::<SetQosBwLimit, _, _, _, _>(ep, ti, r#in, ret) }
}

/// Reads a multi-headed device's LD-to-head map (opcode 5500h); `ret` must
/// have room for `in->ld_map_list_limit` map entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_multiheaded_info(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_multiheaded_info_req,
    ret: *mut cxlmi_cmd_fmapi_get_multiheaded_info_rsp,
) -> c_int {
    unsafe { input_listed::<GetMultiheadedInfo, _, _, _>(ep, ti, r#in, ret) }
}

/// Reads the link state of `in->num_heads` heads (opcode 5501h); `ret` must
/// have room for as many blocks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_head_info(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_head_info_req,
    ret: *mut cxlmi_cmd_fmapi_get_head_info_rsp,
) -> c_int {
    unsafe { input_listed::<GetHeadInfo, _, _, _>(ep, ti, r#in, ret) }
}

/// Reads the dynamic capacity device's information (opcode 5600h); the
/// total dynamic capacity is given in bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_dcd_info(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    ret: *mut cxlmi_cmd_fmapi_get_dcd_info_rsp,
) -> c_int {
    unsafe { output_only::<GetDcdInfo, _>(ep, ti, ret) }
}

/// Reads a host's dynamic capacity region configuration (opcode 5601h);
/// decode lengths are given in bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_dc_reg_config(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_host_dc_region_config_req,
    ret: *mut cxlmi_cmd_fmapi_get_host_dc_region_config_rsp,
) -> c_int {
    unsafe { input_output::<GetHostDcRegionConfig, _, _>(ep, ti, r#in, ret) }
}

/// Configures a dynamic capacity region (opcode 5602h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_set_dc_region_config(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_set_dc_region_config_req,
) -> c_int {
    unsafe { input_only::<SetDcRegionConfig, _>(ep, ti, r#in) }
}

/// Reads a host's dynamic capacity extents (opcode 5603h); `ret` must have
/// room for `in->extent_count` extents after its fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_get_dc_region_ext_list(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_get_dc_region_ext_list_req,
    ret: *mut cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp,
) -> c_int {
    unsafe { input_listed::<GetDcRegionExtList, _, _, _>(ep, ti, r#in, ret) }
}

/// Starts adding dynamic capacity to a host (opcode 5604h); `in->ext_count`
/// extents follow the fixed part of `in`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_initiate_dc_add(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_initiate_dc_add_req,
) -> c_int {
    unsafe { input_with_items::<InitiateDcAdd, _, _>(ep, ti, r#in) }
}

/// Starts releasing dynamic capacity from a host (opcode 5605h);
/// `in->ext_count` extents follow the fixed part of `in`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_initiate_dc_release(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_initiate_dc_release_req,
) -> c_int {
    unsafe { input_with_items::<InitiateDcRelease, _, _>(ep, ti, r#in) }
}

/// Takes a reference on tagged shared capacity (opcode 5606h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_dc_add_reference(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_dc_add_ref_req,
) -> c_int {
    unsafe { input_only::<DcAddReference, _>(ep, ti, r#in) }
}

/// Drops a reference on tagged shared capacity (opcode 5607h).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_dc_remove_reference(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_dc_remove_ref_req,
) -> c_int {
    unsafe { input_only::<DcRemoveReference, _>(ep, ti, r#in) }
}

/// Lists dynamic capacity tags (opcode 5608h); `ret` must have room for
/// `in->tags_count` entries after its fixed part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_cmd_fmapi_dc_list_tags(
    ep: *mut cxlmi_endpoint,
    ti: *mut cxlmi_tunnel_info,
    r#in: *mut cxlmi_cmd_fmapi_dc_list_tags_req,
    ret: *mut cxlmi_cmd_fmapi_dc_list_tags_rsp,
) -> c_int {
    unsafe { input_listed::<DcListTags, _, _, _>(ep, ti, r#in, ret) }
}
