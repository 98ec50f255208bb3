//! FM-API commands (CXL r3.1 section 7.6.7, Table 8-215): physical switch
//! (51xxh), virtual switch (52xxh), MLD port (53xxh), MLD components
//! (54xxh), multi-headed devices (55xxh) and DCD management (56xxh).
//!
//! Every response that lists entries keeps only as many as arrived and as
//! the caller has room for; the room is what the request asked for, since
//! that is how large a caller sizes its output buffer. Its count field is
//! set to the number kept.

pub use super::WithItems;
use super::{
    CAPACITY_UNIT, Command, Listed, command_set, custom_commands, dc_region_configs, fixed_commands, item_counts,
    listed_commands, room_len, variable_request_commands,
};
use crate::cci::Response;
use crate::cci::{Opcode, ResponseSize};
use crate::error::Result;
use crate::types::*;
use crate::wire::Wire;

/// Tunnel Management Command (5300h, CXL r3.1 section 7.6.7.3.1): not a
/// command of its own here; [`crate::tunnel`] wraps other commands in it.
pub const TUNNEL_MANAGEMENT: Opcode = Opcode::new(0x53, 0x00);

/// Declares commands whose request is a fixed part with entries after it
/// (counted by its count field), and whose response is a fixed part with one
/// entry for each entry sent.
macro_rules! items_listed_commands {
    (@entries $( $(#[$doc:meta])* $name:ident = $op:literal, $req:ty, $item:ty => $rsp:ty, $entry:ty; )*) => {
        &[$( $crate::commands::Entry::of::<$name>(stringify!($name)), )*]
    };
    ($( $(#[$doc:meta])* $name:ident = $op:literal, $req:ty, $item:ty => $rsp:ty, $entry:ty; )*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl $crate::commands::Declared for $name {}
        impl Command for $name {
            const OPCODE: Opcode = Opcode($op);
            type Input<'i> = WithItems<'i, $req, $item>;
            type Output<'o> = Listed<'o, $rsp, $entry>;
            #[inline]
            fn request_len(input: &Self::Input<'_>) -> Result<usize> {
                input.request_len()
            }
            #[inline]
            fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
                input.encode(payload)
            }
            #[inline]
            fn response_size(input: &Self::Input<'_>) -> ResponseSize {
                ResponseSize::fixed(room_len::<$rsp, $entry>(input.items.len()))
            }
            #[inline]
            fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
                Ok(Listed::from_response(rsp, input.items.len()))
            }
        }
    )*};
}

command_set! {
    fixed_commands! {
        /// Identify Switch Device (5100h, section 7.6.7.1.1).
        IdentifySwDevice = 0x5100, () => cxlmi_cmd_fmapi_identify_sw_device_rsp;
        /// Physical Port Control (5102h, section 7.6.7.1.3).
        PhysPortControl = 0x5102, cxlmi_cmd_fmapi_phys_port_control_req => ();
        /// Send PPB CXL.io Configuration Request (5103h, CXL r3.2 section 7.6.7.1.4).
        SendPpbCxlioConfigRequest = 0x5103,
            cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req => cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_rsp;
        /// Get Domain Validation SV State (5104h, section 7.6.7.1.5).
        GetDomainValidationSvState = 0x5104, () => cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp;
        /// Set Domain Validation SV (5105h, section 7.6.7.1.6).
        SetDomainValidationSv = 0x5105, cxlmi_cmd_fmapi_set_domain_validation_sv_req => ();
        /// Get VCS Domain Validation SV State (5106h, section 7.6.7.1.7).
        GetVcsDomainValidationSvState = 0x5106,
            cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_req => cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp;
        /// Get Domain Validation SV (5107h, section 7.6.7.1.8).
        GetDomainValidationSv = 0x5107,
            cxlmi_cmd_fmapi_get_domain_validation_sv_req => cxlmi_cmd_fmapi_get_domain_validation_sv_rsp;
        /// Bind vPPB (5201h, section 7.6.7.2.2).
        BindVppb = 0x5201, cxlmi_cmd_fmapi_bind_vppb_req => ();
        /// Unbind vPPB (5202h, section 7.6.7.2.3).
        UnbindVppb = 0x5202, cxlmi_cmd_fmapi_unbind_vppb_req => ();
        /// Send LD CXL.io Configuration Request (5301h, CXL r3.2 section 7.6.7.3.2).
        SendLdCxlioConfigRequest = 0x5301,
            cxlmi_cmd_fmapi_send_ld_cxlio_config_request_req => cxlmi_cmd_fmapi_send_ld_cxlio_config_request_rsp;
        /// Get LD Info (5400h, section 7.6.7.4.1).
        GetLdInfo = 0x5400, () => cxlmi_cmd_fmapi_get_ld_info_rsp;
        /// Get QoS Control (5403h, section 7.6.7.4.4).
        GetQosControl = 0x5403, () => cxlmi_cmd_fmapi_get_qos_control_rsp;
        /// Set QoS Control (5404h, section 7.6.7.4.5): answers with the settings in force.
        SetQosControl = 0x5404, cxlmi_cmd_fmapi_set_qos_control_req => cxlmi_cmd_fmapi_set_qos_control_rsp;
        /// Get QoS Status (5405h, section 7.6.7.4.6).
        GetQosStatus = 0x5405, () => cxlmi_cmd_fmapi_get_qos_status_rsp;
        /// Set DC Region Configuration (5602h, CXL r3.2 section 7.6.7.6.3).
        SetDcRegionConfig = 0x5602, cxlmi_cmd_fmapi_set_dc_region_config_req => ();
        /// Dynamic Capacity Add Reference (5606h, CXL r3.2 section 7.6.7.6.7).
        DcAddReference = 0x5606, cxlmi_cmd_fmapi_dc_add_ref_req => ();
        /// Dynamic Capacity Remove Reference (5607h, CXL r3.2 section 7.6.7.6.8).
        DcRemoveReference = 0x5607, cxlmi_cmd_fmapi_dc_remove_ref_req => ();
    }
    items_listed_commands! {
        /// Get Physical Port State (5101h, section 7.6.7.1.2): the port ids follow
        /// the fixed part; one info block per port asked for comes back.
        GetPhysPortState = 0x5101, cxlmi_cmd_fmapi_get_phys_port_state_req, u8
            => cxlmi_cmd_fmapi_get_phys_port_state_rsp, cxlmi_cmd_fmapi_port_state_info_block;
        /// Send LD CXL.io Memory Request (5302h, CXL r3.2 section 7.6.7.3.3): the
        /// `transaction_len` data bytes follow the fixed part, and as many come back.
        SendLdCxlioMemRequest = 0x5302, cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req, u8
            => cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_rsp, u8;
        /// Set LD Allocations (5402h, section 7.6.7.4.3): `number_ld` entries follow
        /// the fixed part, and the allocations in force come back.
        SetLdAllocations = 0x5402, cxlmi_cmd_fmapi_set_ld_allocations_req, cxlmi_cmd_fmapi_ld_allocations_list
            => cxlmi_cmd_fmapi_set_ld_allocations_rsp, cxlmi_cmd_fmapi_ld_allocations_list;
        /// Set QoS Allocated BW (5407h, section 7.6.7.4.8): one fraction per LD
        /// follows the fixed part, and the values in force come back.
        SetQosAllocatedBw = 0x5407, cxlmi_cmd_fmapi_set_qos_allocated_bw_req, u8
            => cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp, u8;
        /// Set QoS BW Limit (5409h, section 7.6.7.4.10): one fraction per LD
        /// follows the fixed part, and the values in force come back.
        SetQosBwLimit = 0x5409, cxlmi_cmd_fmapi_set_qos_bw_limit_req, u8 => cxlmi_cmd_fmapi_set_qos_bw_limit_rsp, u8;
    }
    listed_commands! {
        /// Get LD Allocations (5401h, section 7.6.7.4.2): up to
        /// `ld_allocation_list_limit` entries. Fewer come back when the LDs from
        /// the start LD run out first (the list length says how many); upstream
        /// wants exactly the limit and so fails on such an answer.
        GetLdAllocations = 0x5401, cxlmi_cmd_fmapi_get_ld_allocations_req => cxlmi_cmd_fmapi_get_ld_allocations_rsp,
            [cxlmi_cmd_fmapi_ld_allocations_list; up_to |q| q.ld_allocation_list_limit.into()];
        /// Get QoS Allocated BW (5406h, section 7.6.7.4.7): one byte for each of
        /// the `number_ld` LDs asked for.
        GetQosAllocatedBw = 0x5406, cxlmi_cmd_fmapi_get_qos_allocated_bw_req
            => cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp, [u8; exactly |q| q.number_ld.into()];
        /// Get QoS BW Limit (5408h, section 7.6.7.4.9): one byte for each of the
        /// `number_ld` LDs asked for.
        GetQosBwLimit = 0x5408, cxlmi_cmd_fmapi_get_qos_bw_limit_req
            => cxlmi_cmd_fmapi_get_qos_bw_limit_rsp, [u8; exactly |q| q.number_ld.into()];
        /// Get Head Info (5501h, CXL r3.2 section 7.6.7.5.2): one block for each of
        /// the `num_heads` heads asked for.
        GetHeadInfo = 0x5501, cxlmi_cmd_fmapi_get_head_info_req => cxlmi_cmd_fmapi_get_head_info_rsp,
            [cxlmi_cmd_fmapi_get_head_info_blkfmt; exactly |q| q.num_heads.into()];
        /// Get DC Region Extent Lists (5603h, CXL r3.2 section 7.6.7.6.4): up to
        /// `extent_count` extents.
        GetDcRegionExtList = 0x5603, cxlmi_cmd_fmapi_get_dc_region_ext_list_req
            => cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp, [cxlmi_fmapi_dc_extent; up_to |q| q.extent_count as usize];
        /// Dynamic Capacity List Tags (5608h, CXL r3.2 section 7.6.7.6.9): up to
        /// `tags_count` tag entries.
        DcListTags = 0x5608, cxlmi_cmd_fmapi_dc_list_tags_req
            => cxlmi_cmd_fmapi_dc_list_tags_rsp, [cxlmi_fmapi_dc_tag_entry; up_to |q| q.tags_count as usize];
    }
    variable_request_commands! {
        /// Initiate Dynamic Capacity Add (5604h, section 7.6.7.6.5): `ext_count`
        /// extents follow the fixed part.
        InitiateDcAdd = 0x5604, WithItems<cxlmi_cmd_fmapi_initiate_dc_add_req, cxlmi_fmapi_dc_extent>;
        /// Initiate Dynamic Capacity Release (5605h, CXL r3.2 section 7.6.7.6.6):
        /// `ext_count` extents follow the fixed part.
        InitiateDcRelease = 0x5605, WithItems<cxlmi_cmd_fmapi_initiate_dc_release_req, cxlmi_fmapi_dc_extent>;
    }
    custom_commands! {
        /// Get Virtual CXL Switch Info (5200h, CXL r3.2 section 7.6.7.2.1): the VCS
        /// ids follow the fixed part. The response has one block per VCS asked for,
        /// each with up to `vppb_list_limit` vPPB entries.
        GetVcsInfo;
        /// Get Multi-Headed Info (5500h, CXL r3.2 section 7.6.7.5.1): up to
        /// `ld_map_list_limit` LD map entries, at least one.
        GetMultiheadedInfo;
        /// Get DCD Info (5600h, CXL r3.2 section 7.6.7.6.1); the total dynamic
        /// capacity comes back in bytes, as upstream hands it out.
        GetDcdInfo;
        /// Get Host DC Region Configuration (5601h, CXL r3.2 section 7.6.7.6.2).
        ///
        /// On the wire the four extent and tag counts follow the last region
        /// returned; the output struct keeps them after a fixed array of eight
        /// regions, of which `regions_returned` are filled in (decode lengths in
        /// bytes, as upstream hands them out).
        GetHostDcRegionConfig;
    }
}

/// Most data a Send LD CXL.io Memory Request carries (4 KB, as upstream).
pub const LD_CXLIO_MEM_REQUEST_MAX_DATA: usize = 0x1000;

item_counts! {
    cxlmi_cmd_fmapi_get_phys_port_state_req { num_ports: u8 }
    cxlmi_cmd_fmapi_get_phys_port_state_rsp { num_ports: u8 }
    cxlmi_cmd_fmapi_get_vcs_info_req { num_vcs: u8 }
    cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req { transaction_len: u16, max LD_CXLIO_MEM_REQUEST_MAX_DATA }
    cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_rsp { return_size: u16 }
    cxlmi_cmd_fmapi_get_ld_allocations_rsp { ld_allocation_list_len: u8 }
    cxlmi_cmd_fmapi_set_ld_allocations_req { number_ld: u8 }
    cxlmi_cmd_fmapi_set_ld_allocations_rsp { number_ld: u8 }
    cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp { number_ld: u8 }
    cxlmi_cmd_fmapi_set_qos_allocated_bw_req { number_ld: u8 }
    cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp { number_ld: u8 }
    cxlmi_cmd_fmapi_get_qos_bw_limit_rsp { number_ld: u8 }
    cxlmi_cmd_fmapi_set_qos_bw_limit_req { number_ld: u8 }
    cxlmi_cmd_fmapi_set_qos_bw_limit_rsp { number_ld: u8 }
    cxlmi_cmd_fmapi_get_multiheaded_info_rsp { ld_map_len: u8 }
    cxlmi_cmd_fmapi_get_head_info_rsp { num_heads: u8 }
    cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp { extents_returned: u32 }
    cxlmi_cmd_fmapi_initiate_dc_add_req { ext_count: u32 }
    cxlmi_cmd_fmapi_initiate_dc_release_req { ext_count: u32 }
    cxlmi_cmd_fmapi_dc_list_tags_rsp { num_tags_returned: u32 }
}

// ---- Virtual switch (52xxh) ----

/// One VCS info block of a Get VCS Info response, with its vPPB entries.
pub type VcsInfoBlock<'a> = Listed<'a, cxlmi_cmd_fmapi_vcs_info_block, cxlmi_cmd_fmapi_vppb_info>;

/// A decoded Get VCS Info response: the fixed part (`num_vcs` set to the
/// blocks kept) and the VCS info blocks, each of variable length.
#[derive(Clone, Copy, Debug)]
pub struct VcsInfo<'a> {
    pub head: cxlmi_cmd_fmapi_get_vcs_info_rsp,
    /// The received bytes after the fixed part.
    blocks: &'a [u8],
    /// vPPB entries kept per block at most (the request's list limit).
    vppb_room: usize,
}

impl<'a> VcsInfo<'a> {
    /// The blocks kept, each with its `num_vppbs` set to the entries kept.
    pub fn blocks(&self) -> impl Iterator<Item = VcsInfoBlock<'a>> + 'a {
        vcs_blocks(self.blocks, self.head.num_vcs.into(), self.vppb_room)
    }
}

/// Walks at most `max` VCS info blocks in `bytes` as the component laid
/// them out (each followed by as many vPPB entries as it states), keeping
/// at most `vppb_room` entries of each, and stopping at the first block
/// that did not arrive whole.
fn vcs_blocks(bytes: &[u8], max: usize, vppb_room: usize) -> impl Iterator<Item = VcsInfoBlock<'_>> + '_ {
    const BLOCK: usize = cxlmi_cmd_fmapi_vcs_info_block::SIZE;
    let mut at = 0usize;
    (0..max).map_while(move |_| {
        let rest = bytes.get(at..).filter(|r| r.len() >= BLOCK)?;
        let mut block = cxlmi_cmd_fmapi_vcs_info_block::decode(rest);
        let claimed = usize::from(block.num_vppbs);
        let list = Listed::new(block, &rest[BLOCK..], claimed, vppb_room);
        block.num_vppbs = list.count() as u8;
        at += BLOCK + claimed * cxlmi_cmd_fmapi_vppb_info::SIZE;
        Some(Listed { head: block, ..list })
    })
}

impl Command for GetVcsInfo {
    const OPCODE: Opcode = Opcode(0x5200);
    type Input<'i> = WithItems<'i, cxlmi_cmd_fmapi_get_vcs_info_req, u8>;
    type Output<'o> = VcsInfo<'o>;
    #[inline]
    fn request_len(input: &Self::Input<'_>) -> Result<usize> {
        input.request_len()
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    #[inline]
    fn response_size(input: &Self::Input<'_>) -> ResponseSize {
        let block =
            room_len::<cxlmi_cmd_fmapi_vcs_info_block, cxlmi_cmd_fmapi_vppb_info>(input.head.vppb_list_limit.into());
        let max = cxlmi_cmd_fmapi_get_vcs_info_rsp::SIZE + input.items.len() * block;
        // Upstream expects at least one block with one vPPB; a request that
        // allows less (no VCS ids, a limit of 0) can only be answered with less.
        let min = cxlmi_cmd_fmapi_get_vcs_info_rsp::SIZE
            + cxlmi_cmd_fmapi_vcs_info_block::SIZE
            + cxlmi_cmd_fmapi_vppb_info::SIZE;
        ResponseSize::between(min.min(max), max)
    }
    #[inline]
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<VcsInfo<'o>> {
        let mut head = cxlmi_cmd_fmapi_get_vcs_info_rsp::decode(rsp.bytes);
        let blocks = rsp.sent().get(cxlmi_cmd_fmapi_get_vcs_info_rsp::SIZE..).unwrap_or(&[]);
        let vppb_room = usize::from(input.head.vppb_list_limit);
        let max = usize::from(head.num_vcs).min(input.items.len());
        head.num_vcs = vcs_blocks(blocks, max, vppb_room).count() as u8;
        Ok(VcsInfo { head, blocks, vppb_room })
    }
}

// ---- Multi-headed devices (55xxh) ----

impl Command for GetMultiheadedInfo {
    const OPCODE: Opcode = Opcode(0x5500);
    type Input<'i> = cxlmi_cmd_fmapi_get_multiheaded_info_req;
    type Output<'o> = Listed<'o, cxlmi_cmd_fmapi_get_multiheaded_info_rsp, u8>;
    #[inline]
    fn request_len(_: &Self::Input<'_>) -> Result<usize> {
        Ok(cxlmi_cmd_fmapi_get_multiheaded_info_req::SIZE)
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    #[inline]
    fn response_size(input: &Self::Input<'_>) -> ResponseSize {
        let max = room_len::<cxlmi_cmd_fmapi_get_multiheaded_info_rsp, u8>(input.ld_map_list_limit.into());
        // The limit only bounds the map; the component returns at least one
        // entry (upstream commit e440bd1). A limit of 0 allows none.
        let min = room_len::<cxlmi_cmd_fmapi_get_multiheaded_info_rsp, u8>(1);
        ResponseSize::between(min.min(max), max)
    }
    #[inline]
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        Ok(Listed::from_response(rsp, input.ld_map_list_limit.into()))
    }
}

// ---- DCD management (56xxh) ----

impl Command for GetDcdInfo {
    const OPCODE: Opcode = Opcode(0x5600);
    type Input<'i> = ();
    type Output<'o> = cxlmi_cmd_fmapi_get_dcd_info_rsp;
    #[inline]
    fn request_len(_: &()) -> Result<usize> {
        Ok(0)
    }
    #[inline]
    fn encode(_: &(), _: &mut [u8]) {}
    #[inline]
    fn response_size(_: &()) -> ResponseSize {
        ResponseSize::fixed(cxlmi_cmd_fmapi_get_dcd_info_rsp::SIZE)
    }
    #[inline]
    fn decode<'o>(_: &(), rsp: Response<'o>) -> Result<Self::Output<'o>> {
        let mut info = cxlmi_cmd_fmapi_get_dcd_info_rsp::decode(rsp.bytes);
        info.rsvd1 = [0; 2];
        info.rsvd2 = [0; 2];
        info.rsvd3 = 0;
        info.total_dynamic_capacity = info.total_dynamic_capacity.wrapping_mul(CAPACITY_UNIT);
        Ok(info)
    }
}

/// The response's fixed part before the regions.
const HOST_DC_REGION_HEAD: usize = 4;

impl Command for GetHostDcRegionConfig {
    const OPCODE: Opcode = Opcode(0x5601);
    type Input<'i> = cxlmi_cmd_fmapi_get_host_dc_region_config_req;
    type Output<'o> = cxlmi_cmd_fmapi_get_host_dc_region_config_rsp;
    #[inline]
    fn request_len(_: &Self::Input<'_>) -> Result<usize> {
        Ok(cxlmi_cmd_fmapi_get_host_dc_region_config_req::SIZE)
    }
    #[inline]
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
        input.encode(payload)
    }
    #[inline]
    fn response_size(_: &Self::Input<'_>) -> ResponseSize {
        let max = cxlmi_cmd_fmapi_get_host_dc_region_config_rsp::SIZE;
        ResponseSize::between(max - super::MAX_DC_REGIONS * cxlmi_fmapi_dc_region_config::SIZE, max)
    }
    #[inline]
    fn decode<'o>(_: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>> {
        let mut out = cxlmi_cmd_fmapi_get_host_dc_region_config_rsp::zeroed();
        out.host_id = u16::decode(rsp.bytes);
        out.num_regions = rsp.bytes[2];
        let mut regions = out.region_configs;
        let (n, counts) = dc_region_configs(rsp, HOST_DC_REGION_HEAD, rsp.bytes[3].into(), &mut regions, |r| {
            r.decode_len = r.decode_len.wrapping_mul(CAPACITY_UNIT);
            r.rsvd = [0; 3];
            r.rsvd2 = [0; 3];
        });
        out.regions_returned = n as u8;
        out.region_configs = regions;
        [out.num_extents_supported, out.num_extents_available, out.num_tags_supported, out.num_tags_available] = counts;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{answering, mock_endpoint, sent};
    use super::*;
    use crate::cci::MAX_PAYLOAD_LEN;
    use crate::error::Error;
    use crate::tunnel::Tunnel;
    use crate::wire::to_vec;

    /// A response as the component sent `sent` bytes of it, zero-filled up to `max`.
    fn response(sent: &[u8], max: usize) -> (Vec<u8>, usize) {
        let mut b = sent.to_vec();
        b.resize(max.max(sent.len()), 0);
        (b, sent.len())
    }

    fn is_invalid<T>(r: Result<T>) -> bool {
        matches!(r, Err(Error::InvalidArgument(_)))
    }

    #[test]
    fn identify_switch_decodes_little_endian() {
        let mut wire = vec![0u8; 73];
        wire[0] = 2;
        wire[2] = 32;
        wire[3] = 4;
        wire[4] = 0x81;
        wire[36] = 0x03;
        wire[68..72].copy_from_slice(&[0x34, 0x12, 0x78, 0x56]);
        wire[72] = 8;
        let mut ep = answering(0x5100, 0, &wire);
        let id = ep.execute::<IdentifySwDevice>(Tunnel::None, &()).unwrap();
        assert_eq!((id.ingress_port_id, id.num_physical_ports, id.num_vcs), (2, 32, 4));
        assert_eq!((id.active_port_bitmask[0], id.active_vcs_bitmask[0]), (0x81, 0x03));
        assert_eq!(({ id.num_total_vppb }, { id.num_active_vppb }, id.num_hdm_decoder_per_usp), (0x1234, 0x5678, 8));
        assert!(sent(&mut ep).is_empty());
    }

    #[test]
    fn fixed_requests_encode_little_endian_with_reserved_zeroed() {
        let mut ep = mock_endpoint();
        let bind = cxlmi_cmd_fmapi_bind_vppb_req { vcs_id: 1, vppb_id: 2, port_id: 3, rsv1: 0xee, ld_id: 0xabcd };
        assert!(matches!(ep.execute::<BindVppb>(Tunnel::None, &bind), Err(Error::Device(3))));
        assert_eq!(sent(&mut ep), [1, 2, 3, 0, 0xcd, 0xab]);

        let ld = cxlmi_cmd_fmapi_send_ld_cxlio_config_request_req {
            ppb_id: 9,
            field_1: [0x10, 0x20, 0x30],
            ld_id: 0x0102,
            rsvd: [0xee; 2],
            transaction_data: 0xa1b2_c3d4,
        };
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(
            Opcode(0x5301),
            0,
            &[0x78, 0x56, 0x34, 0x12],
        );
        let r = ep.execute::<SendLdCxlioConfigRequest>(Tunnel::None, &ld).unwrap();
        assert_eq!({ r.return_data }, 0x1234_5678);
        assert_eq!(sent(&mut ep), [9, 0x10, 0x20, 0x30, 0x02, 0x01, 0, 0, 0xd4, 0xc3, 0xb2, 0xa1]);

        let region = cxlmi_cmd_fmapi_set_dc_region_config_req {
            region_id: 5,
            rsvd: [0xee; 3],
            block_sz: 0x0102_0304_0506_0708,
            sanitize_on_release: 1,
            rsvd2: [0xee; 3],
        };
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(Opcode(0x5602), 0, &[]);
        ep.execute::<SetDcRegionConfig>(Tunnel::None, &region).unwrap();
        assert_eq!(sent(&mut ep), [5, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 1, 0, 0, 0]);

        let qos = cxlmi_cmd_fmapi_set_qos_control_req {
            qos_telemetry_control: 1,
            egress_moderate_percentage: 2,
            egress_severe_percentage: 3,
            backpressure_sample_interval: 4,
            recmpbasis: 0x0506,
            completion_collection_interval: 7,
        };
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(
            Opcode(0x5404),
            0,
            &[1, 2, 3, 4, 0x06, 0x05, 7],
        );
        let r = ep.execute::<SetQosControl>(Tunnel::None, &qos).unwrap();
        assert_eq!({ r.recmpbasis }, 0x0506);
        assert_eq!(sent(&mut ep), [1, 2, 3, 4, 0x06, 0x05, 7]);
    }

    #[test]
    fn phys_port_state_request_and_clamped_response() {
        let ports = [1u8, 7, 9];
        let input =
            WithItems { head: cxlmi_cmd_fmapi_get_phys_port_state_req { num_ports: 0, ports: [] }, items: &ports[..] };
        assert_eq!(GetPhysPortState::response_size(&input), ResponseSize::fixed(4 + 3 * 16));
        let mut wire = vec![0u8; 4 + 3 * 16];
        wire[0] = 200; // claims more than asked for
        for i in 0..3 {
            wire[4 + i * 16] = ports[i];
            wire[4 + i * 16 + 13..4 + i * 16 + 15].copy_from_slice(&[0x01, 0x80]);
        }
        let mut ep = answering(0x5101, 0, &wire);
        let list = ep.execute::<GetPhysPortState>(Tunnel::None, &input).unwrap();
        assert_eq!((list.count(), list.head.num_ports), (3, 3));
        let blocks: Vec<_> = list.entries().collect();
        assert_eq!(blocks.iter().map(|b| b.port_id).collect::<Vec<_>>(), ports);
        assert_eq!({ blocks[2].link_state }, 0x8001);
        assert_eq!(sent(&mut ep), [3, 1, 7, 9]);

        // Only what arrived is kept.
        let (b, len) = response(&wire[..4 + 16 + 5], wire.len());
        let list = GetPhysPortState::decode(&input, Response { bytes: &b, len }).unwrap();
        assert_eq!((list.count(), list.head.num_ports), (1, 1));
    }

    #[test]
    fn vcs_info_walks_variable_blocks_within_the_requested_room() {
        let ids = [0u8, 1];
        let input = WithItems {
            head: cxlmi_cmd_fmapi_get_vcs_info_req { start_vppb: 1, vppb_list_limit: 2, num_vcs: 0, vcs_id_list: [] },
            items: &ids[..],
        };
        let size = GetVcsInfo::response_size(&input);
        assert_eq!(size, ResponseSize::between(12, 4 + 2 * (4 + 2 * 4)));
        // VCS 0 with one vPPB, then VCS 1 claiming three (one more than the limit) of which two fit.
        let wire = [
            2, 0, 0, 0, //
            0, 1, 5, 1, 2, 5, 0xff, 0, //
            1, 1, 6, 3, 3, 6, 0, 0, 3, 6, 1, 0,
        ];
        assert_eq!((wire.len(), size.max), (24, 28));
        let mut ep = answering(0x5200, 0, &wire);
        let info = ep.execute::<GetVcsInfo>(Tunnel::None, &input).unwrap();
        assert_eq!(info.head.num_vcs, 2);
        let blocks: Vec<_> = info.blocks().collect();
        assert_eq!((blocks[0].head.vcs_id, blocks[0].head.num_vppbs, blocks[0].count()), (0, 1, 1));
        assert_eq!((blocks[1].head.vcs_id, blocks[1].head.usp_id, blocks[1].head.num_vppbs), (1, 6, 2));
        let v: Vec<_> = blocks[1].entries().map(|e| (e.binding_status, e.bound_port_id, e.bound_ld_id)).collect();
        assert_eq!(v, [(3, 6, 0), (3, 6, 1)]);
        assert_eq!(sent(&mut ep), [1, 2, 2, 0, 1]);

        // A response claiming more VCSs than asked for keeps those asked for;
        // a block that did not arrive whole ends the walk.
        let mut lying = wire;
        lying[0] = 9;
        let (b, len) = response(&lying[..4 + 8 + 2], size.max);
        let info = GetVcsInfo::decode(&input, Response { bytes: &b, len }).unwrap();
        assert_eq!(info.head.num_vcs, 1);
        let (b, len) = response(&lying, size.max);
        assert_eq!(GetVcsInfo::decode(&input, Response { bytes: &b, len }).unwrap().head.num_vcs, 2);

        // A limit of 0 cannot be answered with upstream's one-vPPB minimum.
        let one = [3u8];
        let none =
            WithItems { head: cxlmi_cmd_fmapi_get_vcs_info_req { vppb_list_limit: 0, ..input.head }, items: &one[..] };
        assert_eq!(GetVcsInfo::response_size(&none), ResponseSize::between(8, 8));
    }

    #[test]
    fn ld_cxlio_mem_request_data_both_ways() {
        let data = [0x99u8, 0x98, 0x97, 0x96];
        let head = cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req {
            port_id: 3,
            field_1: [0x0f, 0x80],
            ld_id: 0x0102,
            transaction_len: 0,
            transaction_addr: 0x1122_3344_5566_7788,
            transaction_data: [],
        };
        let input = WithItems { head, items: &data[..] };
        assert_eq!(SendLdCxlioMemRequest::response_size(&input), ResponseSize::fixed(8));
        let mut ep = answering(0x5302, 0, &[0x10, 0x00, 0, 0, 0xa, 0xb, 0xc, 0xd]);
        let r = ep.execute::<SendLdCxlioMemRequest>(Tunnel::None, &input).unwrap();
        // return_size 16 is more than the 4 bytes asked for and sent.
        assert_eq!(({ r.head.return_size }, r.entries().collect::<Vec<_>>()), (4, vec![0xa, 0xb, 0xc, 0xd]));
        assert_eq!(
            sent(&mut ep),
            [3, 0x0f, 0x80, 0x02, 0x01, 4, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x99, 0x98, 0x97, 0x96]
        );

        let big = vec![0u8; LD_CXLIO_MEM_REQUEST_MAX_DATA + 1];
        let (before, _) = ep.transport_mut::<crate::transport::mock::Mock>().unwrap().stats();
        assert!(is_invalid(ep.execute::<SendLdCxlioMemRequest>(Tunnel::None, &WithItems { head, items: &big[..] })));
        assert_eq!(
            ep.transport_mut::<crate::transport::mock::Mock>().unwrap().stats().0,
            before,
            "refused before sending"
        );
        let max = &big[..LD_CXLIO_MEM_REQUEST_MAX_DATA];
        assert_eq!(SendLdCxlioMemRequest::request_len(&WithItems { head, items: max }).unwrap(), 15 + 0x1000);
    }

    #[test]
    fn ld_allocations_get_and_set() {
        let req = cxlmi_cmd_fmapi_get_ld_allocations_req { start_ld_id: 1, ld_allocation_list_limit: 2 };
        let mut wire = vec![4, 1, 1, 5];
        wire.extend_from_slice(&0x0102_0304_0506_0708u64.to_le_bytes());
        wire.extend_from_slice(&2u64.to_le_bytes());
        wire.extend_from_slice(&3u64.to_le_bytes());
        wire.extend_from_slice(&4u64.to_le_bytes());
        let mut ep = answering(0x5401, 0, &wire);
        let list = ep.execute::<GetLdAllocations>(Tunnel::None, &req).unwrap();
        assert_eq!((list.head.number_ld, list.head.ld_allocation_list_len, list.count()), (4, 2, 2));
        let e: Vec<_> = list.entries().map(|e| (e.range_1_allocation_mult, e.range_2_allocation_mult)).collect();
        assert_eq!(e, [(0x0102_0304_0506_0708, 2), (3, 4)]);
        assert_eq!(sent(&mut ep), [1, 2]);

        let entries = [
            cxlmi_cmd_fmapi_ld_allocations_list { range_1_allocation_mult: 0x0a0b, range_2_allocation_mult: 1 },
            cxlmi_cmd_fmapi_ld_allocations_list { range_1_allocation_mult: 2, range_2_allocation_mult: 3 },
        ];
        let input = WithItems {
            head: cxlmi_cmd_fmapi_set_ld_allocations_req {
                number_ld: 2,
                start_ld_id: 6,
                rsvd: [0xee; 2],
                ld_allocation_list: [],
            },
            items: &entries[..],
        };
        let mut rsp = vec![7, 6, 0, 0]; // claims 7
        rsp.extend_from_slice(&to_vec(&entries[1]));
        rsp.extend_from_slice(&to_vec(&entries[0]));
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(Opcode(0x5402), 0, &rsp);
        let list = ep.execute::<SetLdAllocations>(Tunnel::None, &input).unwrap();
        assert_eq!((list.head.number_ld, list.head.start_ld_id), (2, 6));
        assert_eq!(list.entries().map(|e| e.range_1_allocation_mult).collect::<Vec<_>>(), [2, 0x0a0b]);
        let mut want = vec![2, 6, 0, 0, 0x0b, 0x0a, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
        want.extend_from_slice(&to_vec(&entries[1]));
        assert_eq!(sent(&mut ep), want);
    }

    #[test]
    fn qos_bandwidth_lists() {
        let req = cxlmi_cmd_fmapi_get_qos_allocated_bw_req { number_ld: 3, start_ld_id: 1 };
        assert_eq!(GetQosAllocatedBw::response_size(&req), ResponseSize::fixed(5));
        let mut ep = answering(0x5406, 0, &[250, 1, 10, 20, 30]);
        let list = ep.execute::<GetQosAllocatedBw>(Tunnel::None, &req).unwrap();
        assert_eq!((list.head.number_ld, list.entries().collect::<Vec<_>>()), (3, vec![10, 20, 30]));
        assert_eq!(sent(&mut ep), [3, 1]);

        let limits = [0x40u8, 0x80];
        let input = WithItems {
            head: cxlmi_cmd_fmapi_set_qos_bw_limit_req { number_ld: 2, start_ld_id: 4, qos_limit_fraction: [] },
            items: &limits[..],
        };
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(
            Opcode(0x5409),
            0,
            &[2, 4, 0x41, 0x81],
        );
        let list = ep.execute::<SetQosBwLimit>(Tunnel::None, &input).unwrap();
        assert_eq!(list.entries().collect::<Vec<_>>(), [0x41, 0x81]);
        assert_eq!(sent(&mut ep), [2, 4, 0x40, 0x80]);

        let many = [0u8; 256];
        let input = WithItems { head: input.head, items: &many[..] };
        assert!(is_invalid(SetQosBwLimit::request_len(&input)));
    }

    #[test]
    fn multiheaded_info_sizes_and_clamp() {
        let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 0, ld_map_list_limit: 4 };
        assert_eq!(GetMultiheadedInfo::response_size(&req), ResponseSize::between(9, 12));
        let zero = cxlmi_cmd_fmapi_get_multiheaded_info_req { ld_map_list_limit: 0, ..req };
        assert_eq!(GetMultiheadedInfo::response_size(&zero), ResponseSize::between(8, 8));
        let wire = [16, 2, 0, 0, 0, 200, 0, 0, 0, 1, 0xff, 1];
        let mut ep = answering(0x5500, 0, &wire);
        let list = ep.execute::<GetMultiheadedInfo>(Tunnel::None, &req).unwrap();
        assert_eq!((list.head.num_lds, list.head.num_heads, list.head.ld_map_len), (16, 2, 4));
        assert_eq!(list.entries().collect::<Vec<_>>(), [0, 1, 0xff, 1]);
        // Two map entries arrived.
        let (b, len) = response(&wire[..10], 12);
        let list = GetMultiheadedInfo::decode(&req, Response { bytes: &b, len }).unwrap();
        assert_eq!(list.head.ld_map_len, 2);
    }

    #[test]
    fn head_info_blocks() {
        let req = cxlmi_cmd_fmapi_get_head_info_req { start_head: 1, num_heads: 2 };
        assert_eq!(GetHeadInfo::response_size(&req), ResponseSize::fixed(4 + 18));
        let mut wire = vec![3, 0, 0, 0];
        wire.extend((0..18).map(|i| i as u8));
        let mut ep = answering(0x5501, 0, &wire);
        let list = ep.execute::<GetHeadInfo>(Tunnel::None, &req).unwrap();
        assert_eq!(list.head.num_heads, 2);
        let b: Vec<_> = list.entries().collect();
        assert_eq!((b[1].port_num, b[1].link_state_flags), (9, 17));
        assert_eq!(sent(&mut ep), [1, 2]);
    }

    #[test]
    fn dcd_info_capacity_in_bytes() {
        let mut wire = vec![0u8; 84];
        wire[0] = 2;
        wire[1] = 8;
        wire[2] = 0xee;
        wire[4..6].copy_from_slice(&0x0102u16.to_le_bytes());
        wire[8..10].copy_from_slice(&0x0304u16.to_le_bytes());
        wire[10] = 0x0f;
        wire[12..20].copy_from_slice(&3u64.to_le_bytes());
        wire[76..84].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
        let mut ep = answering(0x5600, 0, &wire);
        let info = ep.execute::<GetDcdInfo>(Tunnel::None, &()).unwrap();
        assert_eq!((info.num_hosts, info.num_supported_dc_regions, info.rsvd1), (2, 8, [0, 0]));
        assert_eq!(({ info.capacity_selection_policies }, { info.capacity_removal_policies }), (0x0102, 0x0304));
        assert_eq!({ info.total_dynamic_capacity }, 3 * 256 * 1024 * 1024);
        assert_eq!({ info.region_7_supported_blk_sz_mask }, 0x1122_3344_5566_7788);
    }

    #[test]
    fn host_region_config_counts_follow_the_returned_regions() {
        let req = cxlmi_cmd_fmapi_get_host_dc_region_config_req { host_id: 0x0201, region_cnt: 8, start_region_id: 0 };
        assert_eq!(GetHostDcRegionConfig::response_size(&req), ResponseSize::between(20, 340));
        let mut wire = vec![0x01, 0x02, 4, 2];
        for i in 0..2u64 {
            let mut r = cxlmi_fmapi_dc_region_config::zeroed();
            r.base = 0x1000 * (i + 1);
            r.decode_len = i + 1;
            r.region_len = 0x2000;
            r.block_size = 0x200;
            r.flags = 8;
            r.rsvd = [0xee; 3];
            r.sanitize_on_release = 1;
            wire.extend_from_slice(&to_vec(&r));
        }
        for v in [10u32, 11, 12, 13] {
            wire.extend_from_slice(&v.to_le_bytes());
        }
        let mut ep = answering(0x5601, 0, &wire);
        let c = ep.execute::<GetHostDcRegionConfig>(Tunnel::None, &req).unwrap();
        assert_eq!(sent(&mut ep), [0x01, 0x02, 8, 0]);
        assert_eq!(({ c.host_id }, c.num_regions, c.regions_returned), (0x0201, 4, 2));
        let r = c.region_configs;
        assert_eq!(({ r[1].base }, { r[1].decode_len }, r[1].flags, r[1].rsvd), (0x2000, 2 << 28, 8, [0; 3]));
        assert_eq!({ r[2].base }, 0);
        assert_eq!(({ c.num_extents_supported }, { c.num_extents_available }), (10, 11));
        assert_eq!(({ c.num_tags_supported }, { c.num_tags_available }), (12, 13));

        // A count past the eight regions the output holds keeps eight.
        let mut full = vec![0u8; 340];
        full[3] = 200;
        full[324..328].copy_from_slice(&77u32.to_le_bytes());
        let c = GetHostDcRegionConfig::decode(&req, Response { bytes: &full, len: 340 }).unwrap();
        assert_eq!((c.regions_returned, { c.num_extents_supported }), (8, 77));
    }

    #[test]
    fn extent_list_and_tags_clamped_and_bounded() {
        let req = cxlmi_cmd_fmapi_get_dc_region_ext_list_req {
            host_id: 0x0102,
            rsvd: [0xee; 2],
            extent_count: 2,
            start_ext_index: 0x0a0b_0c0d,
        };
        let mut wire = vec![0x02, 0x01, 0, 0];
        for v in [0x0a0b_0c0du32, 9, 30, 5, 0] {
            wire.extend_from_slice(&v.to_le_bytes());
        }
        let mut e = cxlmi_fmapi_dc_extent::zeroed();
        e.start_dpa = 0x4000_0000;
        e.len = 0x1000_0000;
        e.tag = [7; 16];
        e.shared_seq = 0x0304;
        wire.extend_from_slice(&to_vec(&e));
        wire.extend_from_slice(&to_vec(&e));
        let mut ep = answering(0x5603, 0, &wire);
        let list = ep.execute::<GetDcRegionExtList>(Tunnel::None, &req).unwrap();
        assert_eq!(
            ({ list.head.extents_returned }, { list.head.total_extents }, { list.head.list_generation_num }),
            (2, 30, 5)
        );
        let got: Vec<_> = list.entries().collect();
        assert_eq!(({ got[1].start_dpa }, { got[1].shared_seq }, got[1].tag), (0x4000_0000, 0x0304, [7; 16]));
        assert_eq!(sent(&mut ep), [0x02, 0x01, 0, 0, 2, 0, 0, 0, 0x0d, 0x0c, 0x0b, 0x0a]);

        let tags = cxlmi_cmd_fmapi_dc_list_tags_req { start_idx: 0x0102_0304, tags_count: 1 };
        let mut wire = vec![0u8; 16 + 84];
        wire[8] = 5; // claims five tags
        wire[12] = 1;
        wire[16..32].fill(0x33);
        wire[32] = 4;
        let mut ep = answering(0x5608, 0, &wire);
        let list = ep.execute::<DcListTags>(Tunnel::None, &tags).unwrap();
        assert_eq!(({ list.head.num_tags_returned }, list.head.validity_bitmap), (1, 1));
        let t = list.entries().next().unwrap();
        assert_eq!((t.tag, t.flags), ([0x33; 16], 4));
        assert_eq!(sent(&mut ep), [4, 3, 2, 1, 1, 0, 0, 0]);

        // A limit larger than any message is sent as asked; the room is
        // capped at the CCI limit, so all five claimed tags (the mock
        // zero-fills the four it was not given) are kept.
        let huge = cxlmi_cmd_fmapi_dc_list_tags_req { tags_count: u32::MAX, ..tags };
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(DcListTags::OPCODE, 0, &wire);
        let list = ep.execute::<DcListTags>(Tunnel::None, &huge).unwrap();
        assert_eq!(list.count(), 5);
        assert_eq!(sent(&mut ep), [4, 3, 2, 1, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(DcListTags::response_size(&huge).max, MAX_PAYLOAD_LEN);
    }

    #[test]
    fn dc_add_and_release_send_their_extents() {
        let mut e = cxlmi_fmapi_dc_extent::zeroed();
        e.start_dpa = 0x0102_0304_0506_0708;
        e.len = 0x1000;
        e.tag = [0xaa; 16];
        e.shared_seq = 0x0b0c;
        e.rsvd = [0xee; 6];
        let extents = [e, e];
        let mut head = cxlmi_cmd_fmapi_initiate_dc_add_req::zeroed();
        head.host_id = 0x0201;
        head.selection_policy = 2;
        head.region_num = 1;
        head.length = 0x2000;
        head.tag = [0x55; 16];
        head.ext_count = 99; // the entries given win
        let mut ep = answering(0x5604, 0, &[]);
        ep.execute::<InitiateDcAdd>(Tunnel::None, &WithItems { head, items: &extents[..] }).unwrap();
        let p = sent(&mut ep);
        assert_eq!(p.len(), 32 + 80);
        assert_eq!(&p[..12], &[0x01, 0x02, 2, 1, 0, 0x20, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&p[12..28], &[0x55; 16]);
        assert_eq!(&p[28..32], &[2, 0, 0, 0]);
        let mut want_ext = to_vec(&e);
        want_ext[34..40].fill(0);
        assert_eq!(&p[32..72], &want_ext[..]);
        assert_eq!(&p[32..40], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(&p[72..], &want_ext[..]);

        let mut rel = cxlmi_cmd_fmapi_initiate_dc_release_req::zeroed();
        rel.host_id = 3;
        rel.flags = 0x21;
        rel.rsvd = 0xee;
        rel.length = 0x0100_0000_0000;
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(Opcode(0x5605), 0, &[]);
        ep.execute::<InitiateDcRelease>(Tunnel::None, &WithItems { head: rel, items: &extents[..1] }).unwrap();
        let p = sent(&mut ep);
        assert_eq!(&p[..12], &[3, 0, 0x21, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
        assert_eq!(&p[28..32], &[1, 0, 0, 0]);
        assert_eq!(p.len(), 72);

        let too_many = vec![e; (MAX_PAYLOAD_LEN - 32) / 40 + 1];
        assert!(is_invalid(InitiateDcAdd::request_len(&WithItems { head, items: &too_many[..] })));
        assert!(InitiateDcAdd::request_len(&WithItems { head, items: &too_many[1..] }).is_ok());
    }

    #[test]
    fn fmapi_commands_refused_when_disabled() {
        let mut ep = answering(0x5400, 0, &[0; 11]);
        ep.disable_fmapi();
        assert!(matches!(ep.execute::<GetLdInfo>(Tunnel::None, &()), Err(Error::FmapiDisabled)));
        assert_eq!(ep.transport_mut::<crate::transport::mock::Mock>().unwrap().stats().0, 0);
        ep.enable_fmapi().unwrap();
        let info = ep.execute::<GetLdInfo>(Tunnel::None, &()).unwrap();
        assert_eq!({ info.ld_count }, 0);
    }

    #[test]
    fn device_errors_pass_through() {
        let mut ep = answering(0x5606, 2, &[]);
        let r = ep.execute::<DcAddReference>(Tunnel::None, &cxlmi_cmd_fmapi_dc_add_ref_req { tag: [1; 16] });
        assert!(matches!(r, Err(Error::Device(2))));
        assert_eq!(sent(&mut ep), [1; 16]);
    }
}
