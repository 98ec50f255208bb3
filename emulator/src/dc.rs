//! Dynamic capacity state (CXL r3.1 section 9.13.3), shared by the Type 3
//! model (4800h-4803h, the host's view) and the MHD LD Pool CCI (FM-API
//! 5600h-5608h, the fabric manager's view of a head).
//!
//! Capacity moves in two steps. The FM offers extents ([`DynamicCapacity::offer`]):
//! they become pending and the host is told by Add Capacity event records in
//! its dynamic capacity event log (log 4). The host answers with Add Dynamic
//! Capacity Response (4802h, [`DynamicCapacity::accept`]), naming the parts
//! it takes; those become accepted extents, the rest is dropped. Releasing
//! goes the other way: the host releases accepted capacity on its own
//! (4803h, [`DynamicCapacity::release`]), or the FM asks it to
//! ([`DynamicCapacity::request_release`]), which posts Release Capacity
//! records (or removes the capacity at once when forced).
//!
//! Everything here is plain state: mutating calls return the event records
//! the device must post, and [`crate::type3::Type3`] posts them
//! ([`crate::type3::Type3::offer_dc`] and friends do both at once).
//! Lengths and addresses are in bytes; only the wire formats count decode
//! lengths in 256 MB units, and the handlers convert.

use cxlmi::types::{cxlmi_event_record, cxlmi_memdev_get_list_extent};
use cxlmi::wire::Wire;

/// A tag the orchestrator gives capacity (CXL r3.1 Table 8-51); all zero is "no tag".
pub type Tag = [u8; 16];

/// Most regions a device has (CXL r3.1 section 8.2.9.9.9.1).
pub const MAX_REGIONS: usize = 8;

/// Extents the device tracks at most, accepted and pending together
/// (what Get DC Configuration reports as extents supported).
pub const MAX_EXTENTS: u32 = 32;

/// Distinct tags the device tracks at most.
pub const MAX_TAGS: u32 = 16;

/// The Dynamic Capacity Event Record's UUID (CXL r3.1 Table 8-55), in wire order.
pub const EVENT_UUID: [u8; 16] =
    [0xca, 0x95, 0xaf, 0xa7, 0xf1, 0x83, 0x40, 0x18, 0x8c, 0x2f, 0x95, 0x26, 0x8e, 0x10, 0x1a, 0x2a];

/// The event log dynamic capacity records go to (Get Event Records log 4).
pub const EVENT_LOG: u8 = 4;

/// Dynamic Capacity Event Record types (CXL r3.1 Table 8-55, Event Type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum EventType {
    /// Capacity offered to the host, to accept with 4802h.
    AddCapacity = 0,
    /// The FM asks the host to release capacity with 4803h.
    ReleaseCapacity = 1,
    /// Capacity taken away without the host's consent.
    ForcedCapacityRelease = 2,
    /// A region's configuration changed (Set DC Region Configuration).
    RegionConfigurationUpdated = 3,
}

/// One dynamic capacity region (CXL r3.1 Table 8-167 as 4800h reports it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// Device physical address where the region starts (256 MB aligned).
    pub base: u64,
    /// Bytes of DPA space the region decodes (a multiple of 256 MB).
    pub decode_len: u64,
    /// Usable bytes of the region (at most `decode_len`).
    pub len: u64,
    /// Extents come in multiples of this many bytes, aligned to it (a power of two).
    pub block_size: u64,
    /// Block sizes the region supports: bit n set means 2^n bytes (5600h).
    pub supported_block_sizes: u64,
    /// DSMAS handle of the CDAT entry describing the region.
    pub dsmad_handle: u32,
    /// The region's capacity is read-only to the host (flag bit 3).
    pub read_only: bool,
    /// Released capacity is sanitized before reuse (flag bit 0).
    pub sanitize_on_release: bool,
}

impl Region {
    /// The region's flags byte as 4800h reports it.
    pub fn flags(&self) -> u8 {
        u8::from(self.sanitize_on_release) | (u8::from(self.read_only) << 3)
    }

    /// Whether `[start, start + len)` lies inside the usable part of the
    /// region and is made of whole blocks.
    pub fn holds(&self, start: u64, len: u64) -> bool {
        let Some(end) = start.checked_add(len) else { return false };
        let Some(region_end) = self.base.checked_add(self.len) else { return false };
        // A zero block size is no region at all (and must not be divided by).
        self.block_size != 0
            && len > 0
            && start >= self.base
            && end <= region_end
            && (start - self.base) % self.block_size == 0
            && len % self.block_size == 0
    }
}

/// A dynamic capacity extent: a range of DPA given to (or offered to) the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extent {
    /// Device physical address of its first byte.
    pub start: u64,
    /// Length in bytes.
    pub len: u64,
    /// The orchestrator's tag.
    pub tag: Tag,
    /// Sequence number of shared capacity (0 for capacity owned by one host).
    pub shared_seq: u16,
}

impl Extent {
    /// An untagged extent.
    pub fn new(start: u64, len: u64) -> Extent {
        Extent { start, len, tag: [0; 16], shared_seq: 0 }
    }

    /// One past its last byte (saturating; extents are checked before they get here).
    pub fn end(&self) -> u64 {
        self.start.saturating_add(self.len)
    }

    /// Whether it shares a byte with `other`.
    pub fn overlaps(&self, other: &Extent) -> bool {
        self.start < other.end() && other.start < self.end()
    }

    /// Whether `[start, start + len)` lies within it.
    pub fn contains(&self, start: u64, len: u64) -> bool {
        start >= self.start && start.checked_add(len).is_some_and(|end| end <= self.end())
    }

    /// The 40-byte Dynamic Capacity Extent of the wire (CXL r3.1 Table 8-51),
    /// as 4801h lists it and event records carry it.
    pub fn to_wire(&self) -> cxlmi_memdev_get_list_extent {
        cxlmi_memdev_get_list_extent {
            start_dpa: self.start,
            len: self.len,
            tag: self.tag,
            shared_seq: self.shared_seq,
            rsvd: [0; 6],
        }
    }
}

/// One tag the device tracks, as Dynamic Capacity List Tags (5608h) reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagInfo {
    pub tag: Tag,
    /// The host holds accepted capacity with this tag.
    pub accepted: bool,
    /// Capacity with this tag is offered and not yet accepted.
    pub pending: bool,
    /// The FM holds a reference on it (5606h / 5607h).
    pub fm_reference: bool,
}

/// Why a dynamic capacity request was refused; the handlers map it to the
/// return code the spec gives for the command at hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DcError {
    /// A malformed request: no such region, an unsupported block size, no
    /// extents, a response with no offer pending.
    Invalid,
    /// An extent outside every region, or not matching what is offered or accepted.
    Address,
    /// Extents that overlap each other or capacity already in use.
    ExtentList,
    /// More extents or tags than the device tracks.
    Exhausted,
    /// The region has capacity in use.
    Busy,
}

/// The dynamic capacity state of one host's view of a device.
#[derive(Clone, Debug)]
pub struct DynamicCapacity {
    /// The regions, at most [`MAX_REGIONS`], in DPA order.
    pub regions: Vec<Region>,
    /// Capacity the host has accepted, in the order it was accepted.
    pub extents: Vec<Extent>,
    /// Offers not yet answered, oldest first; each offer is answered by
    /// one Add Dynamic Capacity Response (or a run of them with More set).
    pub pending: Vec<Vec<Extent>>,
    /// Accepted capacity the FM asked the host to release, not yet released.
    pub releasing: Vec<Extent>,
    /// Tags the FM holds a reference on.
    pub fm_references: Vec<Tag>,
    /// Changes whenever the accepted extent list changes (4801h, 5603h).
    pub generation: u32,
    /// Changes whenever the set of tags changes (5608h).
    pub tag_generation: u32,
}

impl DynamicCapacity {
    /// Two regions of 1 GB each, with 2 MB blocks, starting at `base` (the
    /// end of the device's static capacity).
    pub fn new(base: u64) -> DynamicCapacity {
        let gb = 1u64 << 30;
        let region = |i: u64| Region {
            base: base + i * gb,
            decode_len: gb,
            len: gb,
            block_size: 2 << 20,
            // 2 MB to 256 MB.
            supported_block_sizes: (21..=28).map(|n| 1u64 << n).sum(),
            dsmad_handle: i as u32,
            read_only: false,
            sanitize_on_release: i == 1,
        };
        DynamicCapacity {
            regions: vec![region(0), region(1)],
            extents: Vec::new(),
            pending: Vec::new(),
            releasing: Vec::new(),
            fm_references: Vec::new(),
            generation: 0,
            tag_generation: 0,
        }
    }

    /// Total dynamic capacity in bytes (the regions' decode lengths).
    pub fn total_capacity(&self) -> u64 {
        self.regions.iter().map(|r| r.decode_len).sum()
    }

    /// The region that holds `[start, start + len)` in whole blocks.
    pub fn region_of(&self, start: u64, len: u64) -> Option<usize> {
        self.regions.iter().position(|r| r.holds(start, len))
    }

    /// Extents tracked now, accepted and pending.
    fn tracked(&self) -> usize {
        self.extents.len() + self.pending.iter().map(Vec::len).sum::<usize>()
    }

    /// Extents the device can still track.
    pub fn extents_available(&self) -> u32 {
        MAX_EXTENTS.saturating_sub(self.tracked() as u32)
    }

    /// Every distinct non-zero tag the device tracks, in the order first seen,
    /// with who holds it.
    pub fn tags(&self) -> Vec<TagInfo> {
        let mut out: Vec<TagInfo> = Vec::new();
        let offered = self.pending.iter().flatten().map(|e| (e.tag, false, true, false));
        let accepted = self.extents.iter().map(|e| (e.tag, true, false, false));
        let referenced = self.fm_references.iter().map(|t| (*t, false, false, true));
        for (tag, accepted, pending, fm_reference) in accepted.chain(offered).chain(referenced) {
            if tag == [0; 16] {
                continue;
            }
            match out.iter_mut().find(|t| t.tag == tag) {
                Some(t) => {
                    t.accepted |= accepted;
                    t.pending |= pending;
                    t.fm_reference |= fm_reference;
                }
                None => out.push(TagInfo { tag, accepted, pending, fm_reference }),
            }
        }
        out
    }

    /// Tags the device can still track.
    pub fn tags_available(&self) -> u32 {
        MAX_TAGS.saturating_sub(self.tags().len() as u32)
    }

    /// Up to `count` accepted extents from index `start`, with the total and
    /// the generation number (4801h, 5603h). A start past the end is
    /// [`DcError::Invalid`]; a start at the end lists none.
    pub fn extent_list(&self, start: u32, count: u32) -> Result<(&[Extent], u32, u32), DcError> {
        let start = start as usize;
        let rest = self.extents.get(start..).ok_or(DcError::Invalid)?;
        let n = rest.len().min(count as usize);
        Ok((&rest[..n], self.extents.len() as u32, self.generation))
    }

    /// The first free `len` bytes of `region` (not accepted, offered or
    /// being released), block aligned: what an FM add with the "free" or
    /// "contiguous" policy takes.
    pub fn find_free(&self, region: usize, len: u64) -> Option<u64> {
        let r = self.regions.get(region)?;
        if len == 0 || r.block_size == 0 || len % r.block_size != 0 {
            return None;
        }
        let mut start = r.base;
        loop {
            let candidate = Extent::new(start, len);
            if !r.holds(start, len) {
                return None;
            }
            match self.in_use().find(|e| e.overlaps(&candidate)) {
                None => return Some(start),
                // Skip past the blocker, rounded up to the next block.
                Some(e) => {
                    let past = e.end().checked_sub(r.base)?;
                    start = r.base.checked_add(past.div_ceil(r.block_size).checked_mul(r.block_size)?)?;
                }
            }
        }
    }

    /// Every extent that holds capacity: accepted or offered.
    fn in_use(&self) -> impl Iterator<Item = &Extent> {
        self.extents.iter().chain(self.pending.iter().flatten())
    }

    /// Offers `extents` to the host as one add request (FM-API 5604h): checks
    /// each lies in a region in whole blocks and overlaps nothing in use,
    /// makes them pending, and returns the Add Capacity event records to
    /// post (all but the last flagged More, CXL r3.1 section 9.13.3.3).
    pub fn offer(&mut self, extents: &[Extent]) -> Result<Vec<cxlmi_event_record>, DcError> {
        if extents.is_empty() {
            return Err(DcError::Invalid);
        }
        for (i, e) in extents.iter().enumerate() {
            if self.region_of(e.start, e.len).is_none() {
                return Err(DcError::Address);
            }
            if extents[..i].iter().any(|o| o.overlaps(e)) || self.in_use().any(|o| o.overlaps(e)) {
                return Err(DcError::ExtentList);
            }
        }
        if extents.len() > self.extents_available() as usize {
            return Err(DcError::Exhausted);
        }
        let new_tags = extents.iter().filter(|e| e.tag != [0; 16] && !self.tags().iter().any(|t| t.tag == e.tag));
        let mut distinct: Vec<Tag> = new_tags.map(|e| e.tag).collect();
        distinct.dedup();
        if distinct.len() > self.tags_available() as usize {
            return Err(DcError::Exhausted);
        }
        self.pending.push(extents.to_vec());
        self.tag_generation = self.tag_generation.wrapping_add(1);
        Ok(self.records(EventType::AddCapacity, extents))
    }

    /// The host's Add Dynamic Capacity Response (4802h) to the oldest offer:
    /// each `(start, len)` must lie within one offered extent (the host may
    /// take part of one) and not overlap another. The ranges become accepted
    /// extents with the offer's tag; unless `more` is set the offer is then
    /// closed, dropping what was not taken. An empty answer declines it all.
    pub fn accept(&mut self, ranges: &[(u64, u64)], more: bool) -> Result<(), DcError> {
        let offer = self.pending.first().ok_or(DcError::Invalid)?;
        let mut taken = Vec::with_capacity(ranges.len());
        for &(start, len) in ranges {
            if len == 0 || self.region_of(start, len).is_none() {
                return Err(DcError::Address);
            }
            let from = offer.iter().find(|e| e.contains(start, len)).ok_or(DcError::Address)?;
            let e = Extent { start, len, ..*from };
            if taken.iter().any(|t: &Extent| t.overlaps(&e)) || self.extents.iter().any(|t| t.overlaps(&e)) {
                return Err(DcError::ExtentList);
            }
            taken.push(e);
        }
        if !more {
            self.pending.remove(0);
        }
        if !taken.is_empty() {
            self.extents.extend(taken);
            self.generation = self.generation.wrapping_add(1);
        }
        self.tag_generation = self.tag_generation.wrapping_add(1);
        Ok(())
    }

    /// The host releases accepted capacity (4803h): each `(start, len)` must
    /// lie within one accepted extent; it is cut out of it (splitting the
    /// extent when it is taken from the middle). Checks all before changing anything.
    pub fn release(&mut self, ranges: &[(u64, u64)]) -> Result<(), DcError> {
        for (i, &(start, len)) in ranges.iter().enumerate() {
            if len == 0 || self.region_of(start, len).is_none() {
                return Err(DcError::Address);
            }
            if !self.extents.iter().any(|e| e.contains(start, len)) {
                return Err(DcError::Address);
            }
            let this = Extent::new(start, len);
            if ranges[..i].iter().any(|&(s, l)| Extent::new(s, l).overlaps(&this)) {
                return Err(DcError::ExtentList);
            }
        }
        // Cutting may split one extent in two: check there is room first.
        let splits = ranges
            .iter()
            .filter(|&&(s, l)| self.extents.iter().any(|e| s > e.start && s.saturating_add(l) < e.end()))
            .count();
        if splits > self.extents_available() as usize {
            return Err(DcError::Exhausted);
        }
        for &(start, len) in ranges {
            self.cut(start, len);
        }
        if !ranges.is_empty() {
            self.generation = self.generation.wrapping_add(1);
            self.tag_generation = self.tag_generation.wrapping_add(1);
        }
        Ok(())
    }

    /// Removes `[start, start + len)` from the accepted extent containing it,
    /// and from the extents waiting to be released.
    fn cut(&mut self, start: u64, len: u64) {
        let end = start.saturating_add(len);
        let Some(i) = self.extents.iter().position(|e| e.contains(start, len)) else { return };
        let e = self.extents.remove(i);
        let mut at = i;
        for (s, l) in [(e.start, start - e.start), (end, e.end() - end)] {
            if l > 0 {
                self.extents.insert(at, Extent { start: s, len: l, ..e });
                at += 1;
            }
        }
        let gone = Extent::new(start, len);
        self.releasing.retain(|r| !r.overlaps(&gone));
    }

    /// The FM asks the host to give back accepted capacity (5605h): each
    /// extent must lie within accepted capacity. Unless `forced`, they wait
    /// for the host's Release Dynamic Capacity and Release Capacity records
    /// are returned; forced, the capacity is removed at once and Forced
    /// Capacity Release records are returned.
    pub fn request_release(&mut self, extents: &[Extent], forced: bool) -> Result<Vec<cxlmi_event_record>, DcError> {
        if extents.is_empty() {
            return Err(DcError::Invalid);
        }
        let mut wire = Vec::with_capacity(extents.len());
        for e in extents {
            let held = self.extents.iter().find(|a| a.contains(e.start, e.len)).ok_or(DcError::Address)?;
            // Report the tag the capacity was accepted with.
            wire.push(Extent { tag: held.tag, shared_seq: held.shared_seq, ..*e });
        }
        if forced {
            let ranges: Vec<(u64, u64)> = extents.iter().map(|e| (e.start, e.len)).collect();
            self.release(&ranges)?;
            return Ok(self.records(EventType::ForcedCapacityRelease, &wire));
        }
        self.releasing.extend(wire.iter().copied());
        Ok(self.records(EventType::ReleaseCapacity, &wire))
    }

    /// Accepted extents carrying `tag` (what a tag-based FM release takes).
    pub fn extents_tagged(&self, tag: &Tag) -> Vec<Extent> {
        self.extents.iter().filter(|e| &e.tag == tag).copied().collect()
    }

    /// The FM takes a reference on tagged capacity (5606h): the tag must be tracked.
    pub fn add_reference(&mut self, tag: Tag) -> Result<(), DcError> {
        if tag == [0; 16] || !self.tags().iter().any(|t| t.tag == tag) {
            return Err(DcError::Invalid);
        }
        if !self.fm_references.contains(&tag) {
            self.fm_references.push(tag);
            self.tag_generation = self.tag_generation.wrapping_add(1);
        }
        Ok(())
    }

    /// The FM drops its reference (5607h): it must hold one.
    pub fn remove_reference(&mut self, tag: Tag) -> Result<(), DcError> {
        let i = self.fm_references.iter().position(|t| *t == tag).ok_or(DcError::Invalid)?;
        self.fm_references.remove(i);
        self.tag_generation = self.tag_generation.wrapping_add(1);
        Ok(())
    }

    /// Set DC Region Configuration (5602h): `block_size` must be one the
    /// region supports, and it cannot change while the region holds
    /// capacity. Returns the Region Configuration Updated record to post.
    pub fn configure_region(
        &mut self,
        region: usize,
        block_size: u64,
        sanitize_on_release: bool,
    ) -> Result<cxlmi_event_record, DcError> {
        let r = *self.regions.get(region).ok_or(DcError::Invalid)?;
        if !block_size.is_power_of_two() || r.supported_block_sizes & block_size == 0 {
            return Err(DcError::Invalid);
        }
        let in_region = |e: &Extent| e.start < r.base.saturating_add(r.decode_len) && e.end() > r.base;
        if block_size != r.block_size && self.in_use().any(in_region) {
            return Err(DcError::Busy);
        }
        let r = &mut self.regions[region];
        r.block_size = block_size;
        r.sanitize_on_release = sanitize_on_release;
        let mut rec = self.record(EventType::RegionConfigurationUpdated, None, false);
        rec.data[4] = region as u8;
        // Validity flags bit 0: the updated region index is valid.
        rec.data[1] = 1;
        Ok(rec)
    }

    /// One event record per extent, all but the last flagged More.
    fn records(&self, kind: EventType, extents: &[Extent]) -> Vec<cxlmi_event_record> {
        let last = extents.len().saturating_sub(1);
        extents.iter().enumerate().map(|(i, e)| self.record(kind, Some(e), i < last)).collect()
    }

    /// A Dynamic Capacity Event Record (CXL r3.1 Table 8-55): informational,
    /// handle and timestamp left for the log to fill in. Data layout: type,
    /// validity flags, host id (2), updated region index, flags (bit 0
    /// More), 2 reserved, the 40-byte extent, 24 reserved, then the extents
    /// and tags still available.
    pub fn record(&self, kind: EventType, extent: Option<&Extent>, more: bool) -> cxlmi_event_record {
        let mut rec = cxlmi_event_record::zeroed();
        rec.uuid = EVENT_UUID;
        rec.length = cxlmi_event_record::SIZE as u8;
        rec.data[0] = kind as u8;
        rec.data[5] = u8::from(more);
        if let Some(e) = extent {
            e.to_wire().encode(&mut rec.data[8..48]);
        }
        self.extents_available().encode(&mut rec.data[72..76]);
        self.tags_available().encode(&mut rec.data[76..80]);
        rec
    }
}

/// Maps a [`DcError`] to the return code the Memory Device and FM-API
/// dynamic capacity commands answer with.
pub fn return_code(e: DcError) -> crate::device::Rc {
    use crate::device::Rc;
    match e {
        DcError::Invalid => Rc::CXLMI_RET_INPUT,
        DcError::Address => Rc::CXLMI_RET_PADDR,
        DcError::ExtentList => Rc::CXLMI_RET_EXTLIST,
        DcError::Exhausted => Rc::CXLMI_RET_RESOURCEEXHAUSTED,
        DcError::Busy => Rc::CXLMI_RET_BUSY,
    }
}

impl From<DcError> for crate::device::Rc {
    fn from(e: DcError) -> crate::device::Rc {
        return_code(e)
    }
}
