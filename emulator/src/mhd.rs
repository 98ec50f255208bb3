//! A multi-headed dynamic capacity device (MH-DCD): each head is a Type 3
//! device to its host; the LD Pool CCI, reached by tunnelling with target
//! type 1, lets the Fabric Manager see the heads (FM-API 55xxh, CXL r3.2
//! section 7.6.7.5) and move dynamic capacity between them (56xxh, section
//! 7.6.7.6).
//!
//! The device has [`HEADS`] heads, each with one LD (LD n is head n's), and
//! the dynamic capacity regions of [`super::dc`], which every head sees at
//! the same device physical addresses. Host ids in the 56xxh commands are
//! head numbers. Capacity added for a host goes into that head's Type 3
//! dynamic capacity state as pending extents with Add Capacity event
//! records, so the host sees and accepts it with 4801h/4802h on its head; a
//! range one head holds (accepted or offered) is never offered to another.
//! The endpoint opens at head 0, which also answers 5500h and 5501h.

use crate::dc::{DynamicCapacity, Extent, MAX_EXTENTS, MAX_TAGS, Tag};
use crate::device::{
    Cmd, Common, Component, Device, Done, Handled, Rc, ResetKind, cel, cmd, effects::*, input, input_head, put,
};
use crate::generic;
use crate::switch::{LTSSM_L0, MAX_SPEED, SPEEDS_VECTOR};
use crate::type3::Type3;
use cxlmi::cci::Opcode;
use cxlmi::commands::CAPACITY_UNIT;
use cxlmi::commands::Command;
use cxlmi::commands::fmapi::*;
use cxlmi::commands::generic::*;
use cxlmi::types::*;
use cxlmi::wire::Wire;

/// Heads (and hosts) the device has.
pub const HEADS: usize = 2;
/// Each head's link: x8 at up to 32 GT/s (PCIe Gen 5), trained to L0, described as
/// the switch describes its ports.
const HEAD_WIDTH: u8 = 8;

/// Capacity Selection Policy (CXL r3.2 Table 7-66): bits of 5600h's mask,
/// values of 5604h's field.
mod selection {
    pub const FREE: u8 = 0;
    pub const CONTIGUOUS: u8 = 1;
    pub const PRESCRIPTIVE: u8 = 2;
    /// Free, contiguous and prescriptive; shared access is not modelled.
    pub const SUPPORTED: u16 = 0b111;
}

/// Capacity Removal Policy (CXL r3.2 Table 7-68): bits of 5600h's mask,
/// values of bits 3:0 of 5605h's flags (bit 4 forces the removal).
mod removal {
    pub const TAG_BASED: u8 = 0;
    pub const PRESCRIPTIVE: u8 = 1;
    pub const SUPPORTED: u16 = 0b11;
    pub const FORCED: u8 = 1 << 4;
}

/// List Tags: flags bit 0 says the FM holds a reference on the tag, and
/// both bitmaps (bits 0 and 1 of the validity bitmap) are filled in.
const TAG_FM_REFERENCE: u8 = 1;
const TAG_BITMAPS_VALID: u8 = 0b11;

pub struct Mhd {
    pub pool: Pool,
}

/// The LD Pool CCI's state: the heads it manages.
pub struct Pool {
    pub common: Common,
    pub heads: Vec<Type3>,
}

impl Mhd {
    pub fn new() -> Mhd {
        let heads: Vec<Type3> = (0..HEADS as u64)
            .map(|i| {
                let mut head = Type3::with_serial(0x7e48_0000_0000_0000 + i);
                head.common.identity.device_id = 0xe30b;
                head
            })
            .collect();
        let mut pool_id = heads[0].common.identity;
        pool_id.serial_num = 0x7e48_0000_0000_00ff;
        Mhd { pool: Pool { common: Common::new(pool_id), heads } }
    }

    /// The head this endpoint is opened at.
    pub fn head(&mut self) -> &mut Type3 {
        &mut self.pool.heads[0]
    }

    /// The head's Command Effects Log: the Type 3 commands, then those the
    /// head answers as an MHD.
    fn cel() -> Vec<u8> {
        let own = HEAD_COMMANDS.iter().map(|&op| {
            let mut e = [0u8; 4];
            op.0.encode(&mut e);
            e
        });
        cel::<Type3>().chain(own).flatten().collect()
    }

    /// Get Supported Logs (0400h) and Get Log (0401h) over [`Mhd::cel`].
    fn logs(&mut self, opcode: Opcode, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let log = Mhd::cel();
        if opcode == GetSupportedLogs::OPCODE {
            return generic::supported_logs_of(log.len(), req, out);
        }
        generic::get_log_of(&log, req, out)
    }

    /// Tunnel Management Command (5300h): target type 1 is the LD Pool CCI.
    fn tunnel(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let pool = &mut self.pool;
        generic::tunnel_via(req, out, |target, _id, msg, out| target == 1 && generic::forward_to(pool, msg, out))
    }
}

impl Default for Mhd {
    fn default() -> Mhd {
        Mhd::new()
    }
}

/// What the head answers beyond its Type 3 table: the tunnel to the pool,
/// and the MHD's own two commands.
const HEAD_COMMANDS: [Opcode; 3] = [generic::TUNNEL, GetMultiheadedInfo::OPCODE, GetHeadInfo::OPCODE];

/// The head is a Type 3 device with a few more commands; it cannot take
/// the Type 3 table as its own (handlers are per type), so it passes
/// everything else to its Type 3 model.
impl Component for Mhd {
    fn answer(&mut self, opcode: Opcode, payload: &[u8], out: &mut Vec<u8>) -> Handled {
        if opcode == GetSupportedLogs::OPCODE || opcode == GetLog::OPCODE {
            self.logs(opcode, payload, out)
        } else if opcode == generic::TUNNEL {
            self.tunnel(payload, out)
        } else if opcode == GetMultiheadedInfo::OPCODE || opcode == GetHeadInfo::OPCODE {
            self.pool.answer(opcode, payload, out)
        } else {
            self.head().answer(opcode, payload, out)
        }
    }

    /// The whole device resets: the LD Pool CCI and every head.
    fn reset(&mut self, kind: ResetKind) {
        self.pool.reset(kind);
    }

    /// Events and health are the head's, as its host reads them.
    fn inject_event(&mut self, log: u8, rec: cxlmi_event_record) -> bool {
        Component::inject_event(self.head(), log, rec)
    }

    fn health_mut(&mut self) -> Option<&mut cxlmi_cmd_memdev_get_health_info_rsp> {
        Component::health_mut(self.head())
    }

    fn renumber(&mut self, offset: u64) {
        self.pool.renumber(offset);
    }
}

/// Dynamic capacity extent on the FM-API wire.
fn wire_extent(e: &Extent) -> cxlmi_fmapi_dc_extent {
    cxlmi_fmapi_dc_extent { start_dpa: e.start, len: e.len, tag: e.tag, shared_seq: e.shared_seq, rsvd: [0; 6] }
}

/// Extents following a request head, exactly `count` of them.
fn extents_after(count: u32, rest: &[u8]) -> Result<Vec<Extent>, Rc> {
    let n = usize::try_from(count).map_err(|_| Rc::CXLMI_RET_PAYLOADLEN)?;
    if n.checked_mul(cxlmi_fmapi_dc_extent::SIZE) != Some(rest.len()) {
        return Err(Rc::CXLMI_RET_PAYLOADLEN);
    }
    Ok((0..n)
        .filter_map(|i| cxlmi_fmapi_dc_extent::decode_nth(rest, i))
        .map(|e| Extent { start: e.start_dpa, len: e.len, tag: e.tag, shared_seq: e.shared_seq })
        .collect())
}

impl Pool {
    fn host(&mut self, id: u16) -> Result<&mut Type3, Rc> {
        self.heads.get_mut(usize::from(id)).ok_or(Rc::CXLMI_RET_INPUT)
    }

    /// The regions, as every head sees them.
    fn dc(&self) -> &DynamicCapacity {
        &self.heads[0].dc
    }

    /// Whether a head other than `host` holds (or is offered) a byte of `e`.
    fn held_elsewhere(&self, host: usize, e: &Extent) -> bool {
        let others = self.heads.iter().enumerate().filter(|&(h, _)| h != host).map(|(_, t)| &t.dc);
        others.flat_map(|dc| dc.extents.iter().chain(dc.pending.iter().flatten())).any(|o| o.overlaps(e))
    }

    /// The first `len` bytes of `region`, block aligned, that no head holds
    /// or is offered.
    fn find_free(&self, region: usize, len: u64) -> Option<u64> {
        let r = *self.dc().regions.get(region)?;
        if len == 0 || len % r.block_size != 0 {
            return None;
        }
        let in_use = || self.heads.iter().flat_map(|t| t.dc.extents.iter().chain(t.dc.pending.iter().flatten()));
        let mut start = r.base;
        while r.holds(start, len) {
            let candidate = Extent::new(start, len);
            match in_use().find(|e| e.overlaps(&candidate)) {
                None => return Some(start),
                Some(e) => {
                    let past = e.end().checked_sub(r.base)?;
                    start = r.base.checked_add(past.div_ceil(r.block_size).checked_mul(r.block_size)?)?;
                }
            }
        }
        None
    }

    /// Get Multi-Headed Info (5500h, CXL r3.2 section 7.6.7.5.1): the map of
    /// LDs to heads from `start_ld_id`, at most `ld_map_list_limit` entries.
    fn get_multiheaded_info(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_get_multiheaded_info_req = input(req)?;
        let lds = self.heads.len();
        let start = usize::from(r.start_ld_id);
        if start >= lds {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let n = usize::from(r.ld_map_list_limit).min(lds - start);
        let head = cxlmi_cmd_fmapi_get_multiheaded_info_rsp {
            num_lds: lds as u8,
            num_heads: self.heads.len() as u8,
            rsvd1: [0; 2],
            start_ld_id: r.start_ld_id,
            ld_map_len: n as u8,
            rsvd2: [0; 2],
            ld_map: [],
        };
        put(out, &head);
        // LD n belongs to head n.
        out.extend((start..start + n).map(|ld| ld as u8));
        Ok(Done::Now)
    }

    /// Get Head Info (5501h, section 7.6.7.5.2): `num_heads` heads from
    /// `start_head`; past the last head is Invalid Input.
    fn get_head_info(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_get_head_info_req = input(req)?;
        let start = usize::from(r.start_head);
        let end = start + usize::from(r.num_heads);
        if end > self.heads.len() {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        put(out, &cxlmi_cmd_fmapi_get_head_info_rsp { num_heads: r.num_heads, rsvd: [0; 3], head_info_list: [] });
        for head in start..end {
            let block = cxlmi_cmd_fmapi_get_head_info_blkfmt {
                port_num: head as u8,
                field_1: HEAD_WIDTH,
                field_2: HEAD_WIDTH,
                field_3: SPEEDS_VECTOR,
                field_4: MAX_SPEED,
                field_5: MAX_SPEED,
                ltssm_state: LTSSM_L0,
                first_negotiated_lane_num: 0,
                link_state_flags: 0,
            };
            put(out, &block);
        }
        Ok(Done::Now)
    }

    /// Get DCD Info (5600h, section 7.6.7.6.1).
    fn get_dcd_info(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        let dc = self.dc();
        let mut rsp = cxlmi_cmd_fmapi_get_dcd_info_rsp::zeroed();
        rsp.num_hosts = self.heads.len() as u8;
        rsp.num_supported_dc_regions = dc.regions.len() as u8;
        rsp.capacity_selection_policies = selection::SUPPORTED;
        rsp.capacity_removal_policies = removal::SUPPORTED;
        // Every region's sanitize-on-release setting can be changed.
        rsp.sanitize_on_release_config_mask = ((1u16 << dc.regions.len()) - 1) as u8;
        rsp.total_dynamic_capacity = dc.total_capacity() / CAPACITY_UNIT;
        let masks: Vec<u64> = dc.regions.iter().map(|r| r.supported_block_sizes).collect();
        let mask = |i: usize| masks.get(i).copied().unwrap_or(0);
        rsp.region_0_supported_blk_sz_mask = mask(0);
        rsp.region_1_supported_blk_sz_mask = mask(1);
        rsp.region_2_supported_blk_sz_mask = mask(2);
        rsp.region_3_supported_blk_sz_mask = mask(3);
        rsp.region_4_supported_blk_sz_mask = mask(4);
        rsp.region_5_supported_blk_sz_mask = mask(5);
        rsp.region_6_supported_blk_sz_mask = mask(6);
        rsp.region_7_supported_blk_sz_mask = mask(7);
        put(out, &rsp);
        Ok(Done::Now)
    }

    /// Get Host DC Region Configuration (5601h, section 7.6.7.6.2): up to
    /// `region_cnt` regions from `start_region_id`, then the host's extent
    /// and tag counts right after the last region returned.
    fn get_host_region_config(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_get_host_dc_region_config_req = input(req)?;
        let dc = &self.host(r.host_id)?.dc;
        let regions = dc.regions.get(usize::from(r.start_region_id)..).filter(|g| !g.is_empty());
        let regions = regions.ok_or(Rc::CXLMI_RET_INPUT)?;
        let n = regions.len().min(usize::from(r.region_cnt));
        put(out, &{ r.host_id });
        out.extend_from_slice(&[dc.regions.len() as u8, n as u8]);
        for g in &regions[..n] {
            let config = cxlmi_fmapi_dc_region_config {
                base: g.base,
                decode_len: g.decode_len / CAPACITY_UNIT,
                region_len: g.len,
                block_size: g.block_size,
                flags: u8::from(g.read_only) << 3,
                rsvd: [0; 3],
                sanitize_on_release: u8::from(g.sanitize_on_release),
                rsvd2: [0; 3],
            };
            put(out, &config);
        }
        put(out, &[MAX_EXTENTS, dc.extents_available(), MAX_TAGS, dc.tags_available()]);
        Ok(Done::Now)
    }

    /// Set DC Region Configuration (5602h, section 7.6.7.6.3): the block
    /// size and sanitize-on-release of a region, for every head alike (each
    /// host gets a Region Configuration Updated record). A block size the
    /// region does not support is Invalid Input; changing it while any head
    /// holds capacity in the region is Busy; either way no head changes.
    fn set_region_config(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_set_dc_region_config_req = input(req)?;
        let region = usize::from(r.region_id);
        let sanitize = r.sanitize_on_release & 1 != 0;
        for head in &self.heads {
            head.dc.clone().configure_region(region, r.block_sz, sanitize)?;
        }
        for head in &mut self.heads {
            head.configure_dc_region(region, r.block_sz, sanitize)?;
        }
        Ok(Done::Now)
    }

    /// Get DC Region Extent Lists (5603h, section 7.6.7.6.4): the host's
    /// accepted extents from `start_ext_index`, at most `extent_count`.
    fn get_extent_list(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_get_dc_region_ext_list_req = input(req)?;
        let dc = &self.host(r.host_id)?.dc;
        let (extents, total, generation) = dc.extent_list(r.start_ext_index, r.extent_count)?;
        let head = cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp {
            host_id: r.host_id,
            rsvd1: [0; 2],
            start_ext_index: r.start_ext_index,
            extents_returned: extents.len() as u32,
            total_extents: total,
            list_generation_num: generation,
            rsvd2: [0; 4],
            extents: [],
        };
        put(out, &head);
        for e in extents {
            put(out, &wire_extent(e));
        }
        Ok(Done::Now)
    }

    /// Initiate Dynamic Capacity Add (5604h, section 7.6.7.6.5): offers
    /// capacity to a host. Free and contiguous take `length` bytes of
    /// `region_num` where no head holds any (one extent, tagged `tag`);
    /// prescriptive offers the extents given, each with its own tag. Not
    /// enough free capacity is Resources Exhausted; extents outside the
    /// regions, overlapping capacity in use, or held by another head answer
    /// as [`super::dc`] says.
    fn initiate_add(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let (r, rest) = input_head::<cxlmi_cmd_fmapi_initiate_dc_add_req>(req)?;
        let given = extents_after(r.ext_count, rest)?;
        let host = usize::from(r.host_id);
        if host >= self.heads.len() {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let extents = match r.selection_policy & 0x0f {
            selection::FREE | selection::CONTIGUOUS => {
                let region = usize::from(r.region_num);
                let r_block = self.dc().regions.get(region).ok_or(Rc::CXLMI_RET_INPUT)?.block_size;
                if r.length == 0 || r.length % r_block != 0 {
                    return Err(Rc::CXLMI_RET_INPUT);
                }
                let start = self.find_free(region, r.length).ok_or(Rc::CXLMI_RET_RESOURCEEXHAUSTED)?;
                vec![Extent { tag: r.tag, ..Extent::new(start, r.length) }]
            }
            selection::PRESCRIPTIVE => {
                if given.iter().any(|e| self.held_elsewhere(host, e)) {
                    return Err(Rc::CXLMI_RET_EXTLIST);
                }
                given
            }
            _ => return Err(Rc::CXLMI_RET_INPUT),
        };
        self.heads[host].offer_dc(&extents)?;
        Ok(Done::Now)
    }

    /// Initiate Dynamic Capacity Release (5605h, section 7.6.7.6.6): asks a
    /// host to release capacity (or takes it at once when forced): every
    /// accepted extent carrying `tag` (tag-based; the length is not
    /// checked), or the extents given (prescriptive).
    fn initiate_release(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let (r, rest) = input_head::<cxlmi_cmd_fmapi_initiate_dc_release_req>(req)?;
        let given = extents_after(r.ext_count, rest)?;
        let head = self.host(r.host_id)?;
        let extents = match r.flags & 0x0f {
            removal::TAG_BASED => head.dc.extents_tagged(&r.tag),
            removal::PRESCRIPTIVE => given,
            _ => return Err(Rc::CXLMI_RET_INPUT),
        };
        head.request_dc_release(&extents, r.flags & removal::FORCED != 0)?;
        Ok(Done::Now)
    }

    /// Dynamic Capacity Add Reference (5606h) and Remove Reference (5607h),
    /// sections 7.6.7.6.7 and 7.6.7.6.8: the FM's reference is kept by each
    /// head that tracks the tag; a tag no head tracks (or, to remove, no
    /// head holds a reference on) is Invalid Input.
    fn reference(&mut self, req: &[u8], add: bool) -> Handled {
        let tag: Tag = input(req)?;
        let mut done = false;
        for head in &mut self.heads {
            let r = if add { head.dc.add_reference(tag) } else { head.dc.remove_reference(tag) };
            done |= r.is_ok();
        }
        if done { Ok(Done::Now) } else { Err(Rc::CXLMI_RET_INPUT) }
    }

    fn add_reference(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        self.reference(req, true)
    }

    fn remove_reference(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        self.reference(req, false)
    }

    /// Dynamic Capacity List Tags (5608h, section 7.6.7.6.9): the tags of
    /// all heads, each with a bit per host holding capacity with it
    /// (accepted: reference bitmap; offered: pending bitmap), from
    /// `start_idx`, at most `tags_count`. A start past the end is Invalid
    /// Input.
    fn list_tags(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_dc_list_tags_req = input(req)?;
        let mut tags: Vec<cxlmi_fmapi_dc_tag_entry> = Vec::new();
        let mut generation = 0u32;
        for (h, head) in self.heads.iter().enumerate() {
            generation = generation.wrapping_add(head.dc.tag_generation);
            for t in head.dc.tags() {
                let i = match tags.iter().position(|e| e.tag == t.tag) {
                    Some(i) => i,
                    None => {
                        tags.push(cxlmi_fmapi_dc_tag_entry {
                            tag: t.tag,
                            flags: 0,
                            rsvd: [0; 3],
                            ref_bitmap: [0; 32],
                            pending_ref_bitmap: [0; 32],
                        });
                        tags.len() - 1
                    }
                };
                let e = &mut tags[i];
                if t.accepted {
                    e.ref_bitmap[h / 8] |= 1 << (h % 8);
                }
                if t.pending {
                    e.pending_ref_bitmap[h / 8] |= 1 << (h % 8);
                }
                if t.fm_reference {
                    e.flags |= TAG_FM_REFERENCE;
                }
            }
        }
        let start = usize::try_from(r.start_idx).map_err(|_| Rc::CXLMI_RET_INPUT)?;
        let rest = tags.get(start..).ok_or(Rc::CXLMI_RET_INPUT)?;
        let n = rest.len().min(usize::try_from(r.tags_count).unwrap_or(usize::MAX));
        let head = cxlmi_cmd_fmapi_dc_list_tags_rsp {
            generation_num: generation,
            total_num_tags: tags.len() as u32,
            num_tags_returned: n as u32,
            validity_bitmap: TAG_BITMAPS_VALID,
            rsvd: [0; 3],
            tags_list: [],
        };
        put(out, &head);
        for e in &rest[..n] {
            put(out, e);
        }
        Ok(Done::Now)
    }
}

const POOL_COMMANDS: &[Cmd<Pool>] = &[
    cmd(Identify::OPCODE, NONE, generic::identify::<Pool>),
    cmd(GetSupportedLogs::OPCODE, NONE, generic::supported_logs::<Pool>),
    cmd(GetLog::OPCODE, NONE, generic::get_log::<Pool>),
    cmd(GetMultiheadedInfo::OPCODE, NONE, Pool::get_multiheaded_info),
    cmd(GetHeadInfo::OPCODE, NONE, Pool::get_head_info),
    cmd(GetDcdInfo::OPCODE, NONE, Pool::get_dcd_info),
    cmd(GetHostDcRegionConfig::OPCODE, NONE, Pool::get_host_region_config),
    cmd(SetDcRegionConfig::OPCODE, IMMEDIATE_CONFIG_CHANGE | IMMEDIATE_LOG_CHANGE, Pool::set_region_config),
    cmd(GetDcRegionExtList::OPCODE, NONE, Pool::get_extent_list),
    cmd(InitiateDcAdd::OPCODE, IMMEDIATE_CONFIG_CHANGE | IMMEDIATE_LOG_CHANGE, Pool::initiate_add),
    cmd(InitiateDcRelease::OPCODE, IMMEDIATE_CONFIG_CHANGE | IMMEDIATE_LOG_CHANGE, Pool::initiate_release),
    cmd(DcAddReference::OPCODE, IMMEDIATE_POLICY_CHANGE, Pool::add_reference),
    cmd(DcRemoveReference::OPCODE, IMMEDIATE_POLICY_CHANGE, Pool::remove_reference),
    cmd(DcListTags::OPCODE, NONE, Pool::list_tags),
];

impl Device for Pool {
    fn commands() -> &'static [Cmd<Pool>] {
        POOL_COMMANDS
    }

    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    /// The heads reset with the pool; the dynamic capacity regions and what
    /// the hosts hold of them stay.
    fn renumber_behind(&mut self, offset: u64) {
        self.heads.iter_mut().for_each(|head| head.renumber(offset));
    }

    fn on_reset(&mut self, kind: ResetKind) {
        for head in &mut self.heads {
            head.reset(kind);
        }
    }
}
