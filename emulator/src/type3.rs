//! A Type 3 memory device (single logical device) that keeps state and
//! answers as CXL r3.1 says: event logs, firmware slots, features, partitions,
//! the label storage area, health and alerts, poison and scan media,
//! sanitize, the security state machine and dynamic capacity.
//!
//! The device has 2 GB of static capacity (512 MB volatile-only, 512 MB
//! persistent-only and 1 GB of partitionable capacity that Set Partition
//! Info divides between the two, in steps of the partition alignment, 256 MB
//! unless set otherwise) followed by the dynamic capacity regions of [`dc`].

use crate::dc::{self, DynamicCapacity, Extent};
use crate::device::{Cmd, Common, Device, Done, Handled, Rc, ResetKind, cmd, effects::*, input, input_head, put};
use crate::generic;
use cxlmi::cci::Opcode;
use cxlmi::commands::generic::*;
use cxlmi::commands::memdev::MEDIA_ERROR_UNIT;
use cxlmi::commands::memdev::*;
use cxlmi::commands::{CAPACITY_UNIT, Command};
use cxlmi::types::*;
use cxlmi::wire::Wire;

/// The emulated devices' PCI vendor id: the CXL Consortium's (1E98h), as no
/// real vendor makes them.
pub const VENDOR_ID: u16 = 0x1e98;

/// Static capacity, in 256 MB units.
const TOTAL_UNITS: u64 = 8;
const VOLATILE_ONLY_UNITS: u64 = 2;
const PERSISTENT_ONLY_UNITS: u64 = 2;
/// What Set Partition Info divides between volatile and persistent.
const PARTITIONABLE_UNITS: u64 = TOTAL_UNITS - VOLATILE_ONLY_UNITS - PERSISTENT_ONLY_UNITS;
/// Get Scan Media Results' Scan Stopped Prematurely flag (CXL r3.1 Table 8-146, bit 1).
const SCAN_STOPPED_PREMATURELY: u8 = 0x02;
/// The partitionable capacity is divided in steps of this many 256 MB units
/// unless [`Type3::partition_align`] is set otherwise.
pub const PARTITION_ALIGN_UNITS: u64 = 1;

/// Label Storage Area size in bytes.
pub const LSA_SIZE: usize = 64 << 10;
/// Records each event log holds before it overflows.
pub const EVENT_LOG_SIZE: usize = 32;
/// Media error records the poison list holds.
pub const POISON_LIST_MAX: usize = 64;
/// Locations that may be injected with poison at once.
pub const INJECT_POISON_LIMIT: usize = 16;
/// Wrong passphrases accepted before the attempt count is reached (CXL r3.1
/// section 8.2.9.9.6.1 leaves the number to the device).
pub const PASSPHRASE_ATTEMPTS: u8 = 5;
/// Firmware slots.
pub const FW_SLOTS: u8 = 2;
/// Spare rows for hard Post Package Repair, which replaces a row for good
/// (soft repairs last until reset and use none).
pub const HARD_PPR_SPARES: u32 = 2;
/// Largest firmware image a slot takes.
pub const FW_MAX_IMAGE: u64 = 4 << 20;
/// Transfer FW offsets and part lengths are in units of this many bytes
/// (CXL r3.1 section 8.2.9.3.2).
pub const FW_TRANSFER_UNIT: u64 = 128;

/// Event logs by Get Event Records number (CXL r3.1 Table 8-49).
pub const INFORMATIONAL: u8 = 0;
pub const WARNING: u8 = 1;
pub const FAILURE: u8 = 2;
pub const FATAL: u8 = 3;

/// General Media Event Record UUID (CXL r3.1 Table 8-45), in wire order.
pub const GENERAL_MEDIA_UUID: [u8; 16] =
    [0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f, 0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21, 0xeb, 0xa6];
/// Memory Module Event Record UUID (CXL r3.1 Table 8-48), in wire order.
pub const MEMORY_MODULE_UUID: [u8; 16] =
    [0xfe, 0x92, 0x74, 0x75, 0xdd, 0x59, 0x43, 0x39, 0xa5, 0x86, 0x79, 0xba, 0xb1, 0x13, 0xb7, 0x74];
/// Device Patrol Scrub Control feature (CXL r3.1 section 8.2.9.9.11.1), in wire order.
pub const PATROL_SCRUB_UUID: [u8; 16] =
    [0x96, 0xda, 0xd7, 0xd6, 0xfd, 0xe8, 0x48, 0x2b, 0xa7, 0x33, 0x75, 0x77, 0x4e, 0x06, 0xdb, 0x8a];

const OP_SCAN_MEDIA: Opcode = ScanMedia::OPCODE;
const OP_SANITIZE: Opcode = Sanitize::OPCODE;
const OP_SECURE_ERASE: Opcode = SecureErase::OPCODE;

/// One event log: its records oldest first, and its overflow state (CXL
/// r3.1 section 8.2.9.2.2).
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    pub records: Vec<cxlmi_event_record>,
    /// Records dropped since the log last overflowed, and when the first and
    /// the last were dropped.
    pub overflow: Option<(u16, u64, u64)>,
}

/// A firmware image in a slot: its revision and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FwImage {
    pub revision: [u8; 16],
    pub len: u64,
}

/// Firmware slots and an image transfer in progress.
#[derive(Clone, Debug)]
pub struct Firmware {
    /// Slot 1 to [`FW_SLOTS`], index 0 being slot 1.
    pub slots: Vec<Option<FwImage>>,
    /// Slot the device runs (1-based).
    pub active: u8,
    /// Slot activated for the next cold reset, if any.
    pub staged: Option<u8>,
    /// A transfer in parts: bytes received and the first bytes of the image.
    transfer: Option<(u64, Vec<u8>)>,
}

impl Firmware {
    /// The slot a transfer may store into: not the running one (Invalid Slot).
    fn writable(&mut self, slot: u8) -> Result<&mut Option<FwImage>, Rc> {
        if slot == 0 || slot == self.active {
            return Err(Rc::CXLMI_RET_FWSLOT);
        }
        self.slots.get_mut(usize::from(slot - 1)).ok_or(Rc::CXLMI_RET_FWSLOT)
    }
}

/// The security state machine (CXL r3.1 section 8.2.9.9.6).
#[derive(Clone, Debug, Default)]
pub struct Security {
    pub user: Option<[u8; 32]>,
    pub master: Option<[u8; 32]>,
    pub locked: bool,
    pub frozen: bool,
    /// Wrong passphrases given, user and master.
    pub user_attempts: u8,
    pub master_attempts: u8,
}

impl Security {
    /// Get Security State bits (CXL r3.1 Table 8-148).
    pub fn state(&self) -> u32 {
        u32::from(self.user.is_some())
            | u32::from(self.master.is_some()) << 1
            | u32::from(self.locked) << 2
            | u32::from(self.frozen) << 3
            | u32::from(self.user_attempts >= PASSPHRASE_ATTEMPTS) << 4
            | u32::from(self.master_attempts >= PASSPHRASE_ATTEMPTS) << 5
    }

    /// Checks `given` against the passphrase of `kind` (0 master, 1 user),
    /// counting a wrong one. Invalid Security State when none is set or its
    /// attempts are used up, Incorrect Passphrase when it does not match.
    fn check(&mut self, kind: u8, given: &[u8; 32]) -> Result<(), Rc> {
        let (set, attempts) = match kind {
            0 => (&self.master, &mut self.master_attempts),
            _ => (&self.user, &mut self.user_attempts),
        };
        let Some(want) = set else { return Err(Rc::CXLMI_RET_SECURITY) };
        if *attempts >= PASSPHRASE_ATTEMPTS {
            return Err(Rc::CXLMI_RET_SECURITY);
        }
        if want != given {
            *attempts += 1;
            return Err(Rc::CXLMI_RET_PASSPHRASE);
        }
        *attempts = 0;
        Ok(())
    }
}

/// A poisoned range: DPA, length in 64-byte units and source (CXL r3.1 Table 8-140).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Poison {
    pub dpa: u64,
    pub len: u32,
    /// 0 unknown, 2 internal, 3 injected.
    pub source: u8,
}

impl Poison {
    fn end(&self) -> u64 {
        self.dpa.saturating_add(u64::from(self.len) * MEDIA_ERROR_UNIT)
    }

    fn record(&self) -> cxlmi_memdev_media_err_record {
        cxlmi_memdev_media_err_record {
            media_err_addr: self.dpa | u64::from(self.source),
            media_err_len: self.len,
            rsvd1: [0; 4],
        }
    }
}

/// A scan media request and, once it has run, what it found.
#[derive(Clone, Debug)]
pub struct Scan {
    pub start: u64,
    /// Length in 64-byte units.
    pub len: u64,
    pub no_events: bool,
    /// The errors found and not yet read (None until the scan completes).
    pub found: Option<Vec<Poison>>,
}

/// Device Patrol Scrub Control's state (CXL r3.1 Table 8-210 and 8-211).
#[derive(Clone, Copy, Debug)]
pub struct PatrolScrub {
    /// Hours a scrub cycle takes.
    pub cycle_hours: u8,
    pub enabled: bool,
}

/// Fewest hours a patrol scrub cycle may take.
const SCRUB_MIN_CYCLE_HOURS: u8 = 1;
const SCRUB_DEFAULT: PatrolScrub = PatrolScrub { cycle_hours: 12, enabled: true };

/// A Type 3 memory device: its state, answered by the command table below.
/// The fields are public so a model built around it (an MLD's LDs, an MHD's
/// heads) or a test can set up or inspect the state directly.
pub struct Type3 {
    pub common: Common,
    /// Dynamic capacity: regions, accepted and pending extents.
    pub dc: DynamicCapacity,
    /// Informational, warning, failure, fatal and dynamic capacity logs.
    pub events: [EventLog; 5],
    next_handle: u16,
    /// Event interrupt settings per log (0102h/0103h).
    pub interrupt_policy: [u8; 5],
    pub fw: Firmware,
    /// Active and next partition, volatile and persistent, in 256 MB units
    /// (each the volatile-only or persistent-only capacity plus its share of
    /// the partitionable capacity).
    pub active_partition: (u64, u64),
    pub next_partition: Option<(u64, u64)>,
    /// Partition Alignment (Identify Memory Device), in 256 MB units: Set
    /// Partition Info takes multiples of it; 0 says the partitionable
    /// capacity cannot be divided differently.
    pub partition_align: u64,
    pub lsa: Vec<u8>,
    pub health: cxlmi_cmd_memdev_get_health_info_rsp,
    pub alerts: cxlmi_cmd_memdev_get_alert_config_rsp,
    /// Shutdown state: dirty.
    pub dirty: bool,
    pub poison: Vec<Poison>,
    /// When the poison list last overflowed.
    poison_overflow: Option<u64>,
    /// Where the next Get Poison List of the same range resumes.
    poison_resume: Option<(u64, u64, usize)>,
    pub scan: Option<Scan>,
    pub security: Security,
    pub scrub: PatrolScrub,
    /// Spare rows left for hard Post Package Repair.
    pub hard_ppr_spares: u32,
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
        let mut revision = [0u8; 16];
        revision[..9].copy_from_slice(b"EMU 1.0.0");
        let mut t = Type3 {
            common: Common::new(identity),
            dc: DynamicCapacity::new(TOTAL_UNITS * CAPACITY_UNIT),
            events: Default::default(),
            next_handle: 1,
            interrupt_policy: [0; 5],
            fw: Firmware {
                slots: vec![Some(FwImage { revision, len: 1 << 20 }), None],
                active: 1,
                staged: None,
                transfer: None,
            },
            // Half the partitionable capacity each way.
            active_partition: (
                VOLATILE_ONLY_UNITS + PARTITIONABLE_UNITS / 2,
                PERSISTENT_ONLY_UNITS + PARTITIONABLE_UNITS - PARTITIONABLE_UNITS / 2,
            ),
            next_partition: None,
            partition_align: PARTITION_ALIGN_UNITS,
            lsa: vec![0; LSA_SIZE],
            health: cxlmi_cmd_memdev_get_health_info_rsp {
                health_status: 0,
                media_status: 0,
                additional_status: 0,
                life_used: 3,
                device_temperature: 38,
                dirty_shutdown_count: 0,
                corrected_volatile_error_count: 0,
                corrected_persistent_error_count: 0,
            },
            alerts: cxlmi_cmd_memdev_get_alert_config_rsp {
                valid_alerts: 0,
                programmable_alerts: 0x1f,
                life_used_critical_alert_threshold: 90,
                life_used_programmable_warning_threshold: 0,
                device_over_temperature_critical_alert_threshold: 85,
                device_under_temperature_critical_alert_threshold: (-10i16) as u16,
                device_over_temperature_programmable_warning_threshold: 0,
                device_under_temperature_programmable_warning_threshold: 0,
                corrected_volatile_mem_error_programmable_warning_threshold: 0,
                corrected_persistent_mem_error_programmable_warning_threshold: 0,
            },
            dirty: false,
            poison: Vec::new(),
            poison_overflow: None,
            poison_resume: None,
            scan: None,
            security: Security::default(),
            scrub: SCRUB_DEFAULT,
            hard_ppr_spares: HARD_PPR_SPARES,
        };
        // A device that has just come up reports its health once.
        let mut rec = cxlmi_event_record::zeroed();
        rec.uuid = MEMORY_MODULE_UUID;
        // Device Event Type 0: health status change; then the health info.
        rec.data[0] = 0;
        t.health.encode(&mut rec.data[1..]);
        t.post_event(INFORMATIONAL, rec);
        t
    }

    /// Adds `rec` to event log `log` (0 to 4), giving it a handle, the
    /// timestamp and its length; a full log counts it as overflow instead.
    /// Returns the handle, or None when the log was full or does not exist.
    pub fn post_event(&mut self, log: u8, mut rec: cxlmi_event_record) -> Option<u16> {
        let now = self.common.now_ns();
        let l = self.events.get_mut(usize::from(log))?;
        if l.records.len() >= EVENT_LOG_SIZE {
            let (n, first, _) = l.overflow.unwrap_or((0, now, now));
            l.overflow = Some((n.saturating_add(1), first, now));
            return None;
        }
        let handle = self.next_handle;
        // Handles are never 0 (CXL r3.1 Table 8-43) and never reused while live.
        self.next_handle = match self.next_handle.wrapping_add(1) {
            0 => 1,
            h => h,
        };
        rec.handle = handle;
        rec.length = cxlmi_event_record::SIZE as u8;
        rec.timestamp = now;
        if log < dc::EVENT_LOG {
            // Severity (flags bits 1:0) follows the log for the ones we make.
            rec.flags[0] = (rec.flags[0] & !3) | log;
        }
        l.records.push(rec);
        Some(handle)
    }

    /// Posts dynamic capacity records to the DC event log.
    fn post_dc(&mut self, records: Vec<cxlmi_event_record>) {
        for r in records {
            self.post_event(dc::EVENT_LOG, r);
        }
    }

    /// FM-initiated add: offers `extents` to the host (pending until it
    /// answers with 4802h) and posts Add Capacity records.
    pub fn offer_dc(&mut self, extents: &[Extent]) -> Result<(), Rc> {
        let records = self.dc.offer(extents)?;
        self.post_dc(records);
        Ok(())
    }

    /// FM-initiated release: asks the host to release `extents` (or removes
    /// them at once when `forced`) and posts the records saying so.
    pub fn request_dc_release(&mut self, extents: &[Extent], forced: bool) -> Result<(), Rc> {
        let records = self.dc.request_release(extents, forced)?;
        self.post_dc(records);
        Ok(())
    }

    /// Set DC Region Configuration: changes a region and posts the Region
    /// Configuration Updated record.
    pub fn configure_dc_region(&mut self, region: usize, block_size: u64, sanitize_on_release: bool) -> Result<(), Rc> {
        let record = self.dc.configure_region(region, block_size, sanitize_on_release)?;
        self.post_dc(vec![record]);
        Ok(())
    }

    /// Bytes a response may carry (the response message limit).
    fn room(&self) -> usize {
        1usize << self.common.response_limit.min(20)
    }

    /// Static capacity in bytes.
    fn static_bytes() -> u64 {
        TOTAL_UNITS * CAPACITY_UNIT
    }

    /// Media is unavailable while sanitize or secure erase runs (CXL r3.1
    /// section 8.2.9.9.5.1): Busy.
    fn media_ready(&self) -> Result<(), Rc> {
        match self.common.background() {
            Some((op, _)) if op == OP_SANITIZE || op == OP_SECURE_ERASE => Err(Rc::CXLMI_RET_BUSY),
            _ => Ok(()),
        }
    }

    /// Media contents cannot be touched while sanitizing, nor while locked.
    fn media_writable(&self) -> Result<(), Rc> {
        self.media_ready()?;
        if self.security.locked {
            return Err(Rc::CXLMI_RET_SECURITY);
        }
        Ok(())
    }

    /// Checks a DPA range for the poison and scan media commands: 64-byte
    /// aligned (Invalid Input) and inside static capacity or accepted
    /// dynamic capacity (Invalid Physical Address). `len` is in 64-byte units.
    fn check_range(&self, dpa: u64, len: u64) -> Result<(), Rc> {
        if dpa % MEDIA_ERROR_UNIT != 0 || len == 0 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let bytes = len.checked_mul(MEDIA_ERROR_UNIT).ok_or(Rc::CXLMI_RET_PADDR)?;
        let end = dpa.checked_add(bytes).ok_or(Rc::CXLMI_RET_PADDR)?;
        if end <= Self::static_bytes() || self.dc.extents.iter().any(|e| e.contains(dpa, bytes)) {
            Ok(())
        } else {
            Err(Rc::CXLMI_RET_PADDR)
        }
    }

    /// Additional Status of the health info from the alert configuration
    /// (CXL r3.1 Table 8-133): life used and temperature, warning or critical.
    fn additional_status(&self) -> u8 {
        let (h, a) = (&self.health, &self.alerts);
        let life = if h.life_used >= a.life_used_critical_alert_threshold {
            2
        } else if a.valid_alerts & 1 != 0 && h.life_used >= a.life_used_programmable_warning_threshold {
            1
        } else {
            0
        };
        let t = h.device_temperature as i16;
        let over_critical = a.device_over_temperature_critical_alert_threshold as i16;
        let under_critical = a.device_under_temperature_critical_alert_threshold as i16;
        let temperature = if t >= over_critical || t <= under_critical {
            2
        } else if (a.valid_alerts & 2 != 0 && t >= a.device_over_temperature_programmable_warning_threshold as i16)
            || (a.valid_alerts & 4 != 0 && t <= a.device_under_temperature_programmable_warning_threshold as i16)
        {
            1
        } else {
            0
        };
        let volatile = a.valid_alerts & 8 != 0
            && h.corrected_volatile_error_count
                >= u32::from(a.corrected_volatile_mem_error_programmable_warning_threshold);
        let persistent = a.valid_alerts & 16 != 0
            && h.corrected_persistent_error_count
                >= u32::from(a.corrected_persistent_mem_error_programmable_warning_threshold);
        life | temperature << 2 | u8::from(volatile) << 4 | u8::from(persistent) << 5
    }

    /// Adds a poisoned range, merging with one at the same address; a full
    /// list overflows instead.
    fn add_poison(&mut self, p: Poison) {
        if self.poison.iter().any(|q| q.dpa == p.dpa) {
            return;
        }
        if self.poison.len() >= POISON_LIST_MAX {
            self.poison_overflow = Some(self.common.now_ns());
            return;
        }
        self.poison.push(p);
        self.poison.sort_by_key(|q| q.dpa);
    }

    /// What sanitize and secure erase leave behind: no poison, nothing
    /// scanned; sanitize also zeroes the label storage area.
    fn erase(&mut self, labels: bool) {
        self.poison.clear();
        self.poison_overflow = None;
        self.poison_resume = None;
        self.scan = None;
        if labels {
            self.lsa.fill(0);
        }
    }

    // Event records (CXL r3.1 section 8.2.9.2).

    /// Get Event Records (0100h): as many of the log's records, oldest
    /// first, as fit the response limit and the library's 20; More Event
    /// Records when some are left, Overflow with its counts.
    fn get_event_records(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_get_event_records_req = input(req)?;
        let room = self.room();
        let log = self.events.get(usize::from(r.event_log)).ok_or(Rc::CXLMI_RET_INPUT)?;
        let fit = (room.saturating_sub(cxlmi_cmd_get_event_records_rsp::SIZE) / cxlmi_event_record::SIZE)
            .min(CXLMI_MAX_SUPPORTED_EVENT_RECORDS);
        let n = log.records.len().min(fit);
        let mut head = cxlmi_cmd_get_event_records_rsp::zeroed();
        if let Some((count, first, last)) = log.overflow {
            head.flags |= 1;
            head.overflow_err_count = count;
            head.first_overflow_timestamp = first;
            head.last_overflow_timestamp = last;
        }
        if n < log.records.len() {
            head.flags |= 2;
        }
        head.record_count = n as u16;
        put(out, &head);
        for rec in &log.records[..n] {
            put(out, rec);
        }
        Ok(Done::Now)
    }

    /// Clear Event Records (0101h): the handles given, all of which must be
    /// in the log (else Invalid Handle and nothing is cleared), or with
    /// Clear All set (and no handles) the whole log and its overflow.
    fn clear_event_records(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let (r, rest) = input_head::<cxlmi_cmd_clear_event_records_req>(req)?;
        if rest.len() != usize::from(r.nr_recs) * 2 {
            return Err(Rc::CXLMI_RET_PAYLOADLEN);
        }
        let log = self.events.get_mut(usize::from(r.event_log)).ok_or(Rc::CXLMI_RET_INPUT)?;
        if r.clear_flags & 1 != 0 {
            if r.nr_recs != 0 {
                return Err(Rc::CXLMI_RET_INPUT);
            }
            log.records.clear();
            log.overflow = None;
            return Ok(Done::Now);
        }
        if r.nr_recs == 0 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let handles: Vec<u16> = rest.chunks_exact(2).map(u16::decode).collect();
        if !handles.iter().all(|h| log.records.iter().any(|rec| rec.handle == *h)) {
            return Err(Rc::CXLMI_RET_HANDLE);
        }
        log.records.retain(|rec| !handles.contains(&{ rec.handle }));
        if log.records.is_empty() {
            log.overflow = None;
        }
        Ok(Done::Now)
    }

    /// Get Event Interrupt Policy (0102h).
    fn get_interrupt_policy(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        let mut bytes = [0u8; cxlmi_cmd_get_event_interrupt_policy_rsp::SIZE];
        let n = bytes.len();
        bytes.copy_from_slice(&self.interrupt_policy[..n]);
        out.extend_from_slice(&bytes);
        Ok(Done::Now)
    }

    /// Set Event Interrupt Policy (0103h): interrupt mode 3 is reserved
    /// (CXL r3.1 Table 8-52), so Invalid Input.
    fn set_interrupt_policy(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        input::<cxlmi_cmd_set_event_interrupt_policy_req>(req)?;
        if req.iter().any(|s| s & 3 == 3) {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        self.interrupt_policy[..req.len()].copy_from_slice(req);
        Ok(Done::Now)
    }

    // Firmware update (CXL r3.1 section 8.2.9.3).

    /// Get FW Info (0200h): slots, active and staged slot, revisions.
    fn get_fw_info(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        let mut rsp = cxlmi_cmd_get_fw_info_rsp::zeroed();
        rsp.slots_supported = self.fw.slots.len().min(4) as u8;
        rsp.slot_info = self.fw.active | self.fw.staged.unwrap_or(0) << 3;
        // Bit 0: online activation supported.
        rsp.caps = 1;
        let revs = [&mut rsp.fw_rev1, &mut rsp.fw_rev2, &mut rsp.fw_rev3, &mut rsp.fw_rev4];
        for (rev, slot) in revs.into_iter().zip(&self.fw.slots) {
            if let Some(img) = slot {
                *rev = img.revision.map(|b| b as core::ffi::c_char);
            }
        }
        put(out, &rsp);
        Ok(Done::Now)
    }

    /// Transfer FW (0201h): a full transfer, or initiate / continue / end
    /// parts at consecutive offsets (in 128-byte units), or abort. A part out
    /// of order is FW Transfer Out of Order; an initiate or full transfer
    /// during one is FW Transfer in Progress; the active slot or a slot out
    /// of range is Invalid Slot.
    fn transfer_fw(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let (r, data) = input_head::<cxlmi_cmd_transfer_fw_req>(req)?;
        let offset = u64::from(r.offset) * FW_TRANSFER_UNIT;
        let len = data.len() as u64;
        match r.action {
            // Full transfer, and initiate.
            0 | 1 => {
                if self.fw.transfer.is_some() {
                    return Err(Rc::CXLMI_RET_FWINPROGRESS);
                }
                if offset != 0 || len == 0 || len > FW_MAX_IMAGE {
                    return Err(Rc::CXLMI_RET_INPUT);
                }
                if r.action == 0 {
                    let slot = self.fw.writable(r.slot)?;
                    *slot = Some(image(data, len));
                } else {
                    if len % FW_TRANSFER_UNIT != 0 {
                        return Err(Rc::CXLMI_RET_INPUT);
                    }
                    self.fw.transfer = Some((len, data[..data.len().min(16)].to_vec()));
                }
            }
            // Continue and end.
            2 | 3 => {
                let Some((received, head)) = &mut self.fw.transfer else {
                    return Err(Rc::CXLMI_RET_FWOOO);
                };
                if offset != *received {
                    return Err(Rc::CXLMI_RET_FWOOO);
                }
                let total = received.saturating_add(len);
                if len == 0 || total > FW_MAX_IMAGE || (r.action == 2 && len % FW_TRANSFER_UNIT != 0) {
                    return Err(Rc::CXLMI_RET_INPUT);
                }
                if r.action == 2 {
                    *received = total;
                    return Ok(Done::Now);
                }
                let head = image(head, total);
                *self.fw.writable(r.slot)? = Some(head);
                self.fw.transfer = None;
            }
            4 => self.fw.transfer = None,
            _ => return Err(Rc::CXLMI_RET_INPUT),
        }
        Ok(Done::Now)
    }

    /// Activate FW (0202h): online (0) at once, or (1) at the next cold
    /// reset. An empty slot, a slot out of range, or the running slot
    /// online, is Invalid Slot.
    fn activate_fw(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_activate_fw_req = input(req)?;
        if r.action > 1 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let slot = usize::from(r.slot).checked_sub(1).and_then(|i| self.fw.slots.get(i));
        let filled = matches!(slot, Some(Some(_)));
        if !filled || (r.action == 0 && r.slot == self.fw.active) {
            return Err(Rc::CXLMI_RET_FWSLOT);
        }
        if r.action == 0 {
            self.fw.active = r.slot;
            self.fw.staged = None;
        } else {
            self.fw.staged = Some(r.slot);
        }
        Ok(Done::Now)
    }

    // Features (CXL r3.1 section 8.2.9.6).

    /// The supported features, in index order.
    fn features() -> [cxlmi_supported_feature_entry; 1] {
        [cxlmi_supported_feature_entry {
            feature_id: PATROL_SCRUB_UUID,
            feature_index: 0,
            get_feature_size: 4,
            set_feature_size: 2,
            // Changeable; default selection supported (bits 0 and 5 of the attribute flags, CXL
            // r3.1 Table 8-97; bit 6, saved selection, it does not support).
            attribute_flags: 1 | 1 << 5,
            get_feature_version: 1,
            set_feature_version: 1,
            set_feature_effects: IMMEDIATE_CONFIG_CHANGE,
            rsvd: [0; 18],
        }]
    }

    /// Patrol scrub readable attributes (CXL r3.1 Table 8-210): capabilities
    /// (cycle changeable), the cycle in hours and the minimum, the flags (enabled).
    fn scrub_bytes(s: PatrolScrub) -> [u8; 4] {
        [1, s.cycle_hours, SCRUB_MIN_CYCLE_HOURS, u8::from(s.enabled)]
    }

    /// Get Supported Features (0500h): entries from the start index, as many
    /// as `count` bytes hold.
    fn get_supported_features(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_get_supported_features_req = input(req)?;
        let all = Self::features();
        let rest = all.get(usize::from(r.starting_feature_index)..).ok_or(Rc::CXLMI_RET_INPUT)?;
        if rest.is_empty() {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let fit = (r.count as usize / cxlmi_supported_feature_entry::SIZE).min(
            self.room().saturating_sub(cxlmi_cmd_get_supported_features_rsp::SIZE)
                / cxlmi_supported_feature_entry::SIZE,
        );
        let n = rest.len().min(fit);
        let mut head = cxlmi_cmd_get_supported_features_rsp::zeroed();
        head.num_supported_feature_entries = n as u16;
        head.device_supported_features = all.len() as u16;
        put(out, &head);
        for (i, e) in rest[..n].iter().enumerate() {
            let mut e = *e;
            e.feature_index = r.starting_feature_index + i as u16;
            put(out, &e);
        }
        Ok(Done::Now)
    }

    /// Get Feature (0501h): `count` bytes from `offset` of the current (0)
    /// or default (1) value; saved values (2) are not kept.
    fn get_feature(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_get_feature_req = input(req)?;
        if r.feature_id != PATROL_SCRUB_UUID {
            return Err(Rc::CXLMI_RET_UNSUPPORTED);
        }
        let value = match r.selection {
            0 => Self::scrub_bytes(self.scrub),
            1 => Self::scrub_bytes(SCRUB_DEFAULT),
            _ => return Err(Rc::CXLMI_RET_FEATURESELVALUE),
        };
        let (offset, count) = (usize::from(r.offset), usize::from(r.count));
        let bytes = offset.checked_add(count).and_then(|end| value.get(offset..end)).ok_or(Rc::CXLMI_RET_INPUT)?;
        out.extend_from_slice(bytes);
        Ok(Done::Now)
    }

    /// Set Feature (0502h): the full writable attributes in one transfer
    /// (flags bits 2:0 = 0), version 1: the scrub cycle in hours (at least
    /// the minimum) and the enable flag.
    fn set_feature(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let (r, data) = input_head::<cxlmi_cmd_set_feature_req>(req)?;
        if r.feature_id != PATROL_SCRUB_UUID {
            return Err(Rc::CXLMI_RET_UNSUPPORTED);
        }
        if r.version != 1 {
            return Err(Rc::CXLMI_RET_FEATUREVERSION);
        }
        let flags = r.set_feature_flags;
        match flags & 7 {
            0 => {}
            // Transfers in parts are not kept: nothing is in progress to continue.
            1..=4 => return Err(Rc::CXLMI_RET_FEATURETRANSFEROOO),
            _ => return Err(Rc::CXLMI_RET_INPUT),
        }
        // Saved across reset (bit 3) is not supported.
        if flags & 8 != 0 || r.offset != 0 || data.len() != 2 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        if data[0] < SCRUB_MIN_CYCLE_HOURS || data[1] & !1 != 0 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        self.scrub = PatrolScrub { cycle_hours: data[0], enabled: data[1] & 1 != 0 };
        Ok(Done::Now)
    }

    // Memory device (CXL r3.1 section 8.2.9.9).

    /// Identify Memory Device (4000h).
    fn memdev_identify(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        let mut id = cxlmi_cmd_memdev_identify_rsp::zeroed();
        let active = usize::from(self.fw.active.saturating_sub(1));
        if let Some(Some(img)) = self.fw.slots.get(active) {
            id.fw_revision = img.revision.map(|b| b as core::ffi::c_char);
        }
        id.total_capacity = TOTAL_UNITS;
        id.volatile_capacity = VOLATILE_ONLY_UNITS;
        id.persistent_capacity = PERSISTENT_ONLY_UNITS;
        id.partition_align = self.partition_align;
        id.info_event_log_size = EVENT_LOG_SIZE as u16;
        id.warning_event_log_size = EVENT_LOG_SIZE as u16;
        id.failure_event_log_size = EVENT_LOG_SIZE as u16;
        id.fatal_event_log_size = EVENT_LOG_SIZE as u16;
        id.lsa_size = LSA_SIZE as u32;
        id.poison_list_max_mer = (POISON_LIST_MAX as u32).to_le_bytes()[..3].try_into().unwrap_or([0; 3]);
        id.inject_poison_limit = INJECT_POISON_LIMIT as u16;
        // Bit 1: the device scans for poison (Scan Media).
        id.poison_caps = 0x02;
        #[cfg(not(feature = "cxl2_0"))]
        {
            id.dc_event_log_size = EVENT_LOG_SIZE as u16;
        }
        put(out, &id);
        Ok(Done::Now)
    }

    /// Get Partition Info (4100h): the active partition, and the next one
    /// if a change waits for the next cold reset (both 0 when none does).
    fn get_partition_info(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        let (next_vmem, next_pmem) = self.next_partition.unwrap_or((0, 0));
        let (active_vmem, active_pmem) = self.active_partition;
        put(out, &cxlmi_cmd_memdev_get_partition_info_rsp { active_vmem, active_pmem, next_vmem, next_pmem });
        Ok(Done::Now)
    }

    /// Set Partition Info (4101h, CXL r3.1 section 8.2.9.9.2.2). Volatile
    /// Capacity is the part of the partitionable capacity (total less
    /// volatile-only and persistent-only, Identify Memory Device) to make
    /// volatile; the rest of it becomes persistent. So the partition is
    /// volatile-only + share, persistent-only + (partitionable - share), as
    /// ndctl's `cxl set-partition` computes its request. A share larger than
    /// the partitionable capacity, or not a multiple of the partition
    /// alignment, is Invalid Input, as are reserved flag bits; a device with
    /// no alignment (nothing partitionable) answers Unsupported.
    ///
    /// Immediate (flags bit 0): this device can repartition while running,
    /// so the partition becomes active at once and a change waiting for a
    /// reset is dropped (it is superseded). Without it the partition becomes
    /// the next one, which Get Partition Info reports and the next cold
    /// reset makes active (the CEL says both: configuration change after
    /// cold reset, and immediate configuration change).
    fn set_partition_info(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_set_partition_info_req = input(req)?;
        if self.partition_align == 0 {
            return Err(Rc::CXLMI_RET_UNSUPPORTED);
        }
        self.media_writable()?;
        if r.flags & !1 != 0 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let share = r.volatile_capacity;
        if share > PARTITIONABLE_UNITS || share % self.partition_align != 0 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let p = (VOLATILE_ONLY_UNITS + share, PERSISTENT_ONLY_UNITS + (PARTITIONABLE_UNITS - share));
        if r.flags & 1 != 0 {
            self.active_partition = p;
            self.next_partition = None;
        } else {
            self.next_partition = Some(p);
        }
        Ok(Done::Now)
    }

    /// Get LSA (4102h): past the area's end, or more than the response
    /// limit, is Invalid Input.
    fn get_lsa(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_get_lsa_req = input(req)?;
        self.media_ready()?;
        let (offset, length) = (r.offset as usize, r.length as usize);
        if length > self.room() {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let bytes = offset.checked_add(length).and_then(|end| self.lsa.get(offset..end)).ok_or(Rc::CXLMI_RET_INPUT)?;
        out.extend_from_slice(bytes);
        Ok(Done::Now)
    }

    /// Set LSA (4103h): past the area's end is Invalid Input.
    fn set_lsa(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let (r, data) = input_head::<cxlmi_cmd_memdev_set_lsa_req>(req)?;
        self.media_ready()?;
        let offset = r.offset as usize;
        let area =
            offset.checked_add(data.len()).and_then(|end| self.lsa.get_mut(offset..end)).ok_or(Rc::CXLMI_RET_INPUT)?;
        area.copy_from_slice(data);
        Ok(Done::Now)
    }

    /// Get Health Info (4200h), its additional status from the alert configuration.
    fn get_health_info(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        let mut h = self.health;
        h.additional_status = self.additional_status();
        put(out, &h);
        Ok(Done::Now)
    }

    /// Get Alert Configuration (4201h).
    fn get_alert_config(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        put(out, &self.alerts);
        Ok(Done::Now)
    }

    /// Set Alert Configuration (4202h): for each alert whose Valid Alert
    /// Action bit is set, enables or disables its programmable warning and
    /// sets its threshold. A warning past its critical threshold (CXL r3.1
    /// section 8.2.9.9.3.3) is Invalid Input, and nothing changes.
    fn set_alert_config(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_set_alert_config_req = input(req)?;
        if r.valid_alert_actions & !0x1f != 0 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let mut a = self.alerts;
        let act = r.valid_alert_actions;
        if act & 1 != 0 {
            if r.life_used_programmable_warning_threshold >= a.life_used_critical_alert_threshold {
                return Err(Rc::CXLMI_RET_INPUT);
            }
            a.life_used_programmable_warning_threshold = r.life_used_programmable_warning_threshold;
        }
        if act & 2 != 0 {
            let t = r.device_over_temperature_programmable_warning_threshold;
            if t as i16 >= a.device_over_temperature_critical_alert_threshold as i16 {
                return Err(Rc::CXLMI_RET_INPUT);
            }
            a.device_over_temperature_programmable_warning_threshold = t;
        }
        if act & 4 != 0 {
            let t = r.device_under_temperature_programmable_warning_threshold;
            if t as i16 <= a.device_under_temperature_critical_alert_threshold as i16 {
                return Err(Rc::CXLMI_RET_INPUT);
            }
            a.device_under_temperature_programmable_warning_threshold = t;
        }
        if act & 8 != 0 {
            a.corrected_volatile_mem_error_programmable_warning_threshold =
                r.corrected_volatile_mem_error_programmable_warning_threshold;
        }
        if act & 16 != 0 {
            a.corrected_persistent_mem_error_programmable_warning_threshold =
                r.corrected_persistent_mem_error_programmable_warning_threshold;
        }
        a.valid_alerts = (a.valid_alerts & !act) | (r.enable_alert_actions & act);
        self.alerts = a;
        Ok(Done::Now)
    }

    /// Get Shutdown State (4203h).
    fn get_shutdown_state(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        put(out, &cxlmi_cmd_memdev_get_shutdown_state_rsp { state: u8::from(self.dirty) });
        Ok(Done::Now)
    }

    /// Set Shutdown State (4204h): bit 0 dirty; other bits are reserved.
    fn set_shutdown_state(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_set_shutdown_state_req = input(req)?;
        if r.state & !1 != 0 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        self.dirty = r.state & 1 != 0;
        Ok(Done::Now)
    }

    // Poison and media scanning (CXL r3.1 section 8.2.9.9.4).

    /// Get Poison List (4300h): the records overlapping the range, as many
    /// as fit the response; More Media Error Records (flag bit 0) when some
    /// are left, which the next request for the same range returns. Flag bit
    /// 1 is overflow, bit 2 a scan media in progress.
    fn get_poison_list(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_get_poison_list_req = input(req)?;
        self.media_ready()?;
        let (addr, len) = (r.get_poison_list_phy_addr, r.get_poison_list_phy_addr_len);
        self.check_range(addr, len)?;
        let end = addr.saturating_add(len.saturating_mul(MEDIA_ERROR_UNIT));
        let hits: Vec<Poison> = self.poison.iter().filter(|p| p.dpa < end && p.end() > addr).copied().collect();
        let skip = match self.poison_resume {
            Some((a, l, next)) if (a, l) == (addr, len) => next.min(hits.len()),
            _ => 0,
        };
        let fit = (self.room().saturating_sub(cxlmi_cmd_memdev_get_poison_list_rsp::SIZE)
            / cxlmi_memdev_media_err_record::SIZE)
            .min(cxlmi::commands::memdev::MAX_POISON_RECORDS);
        let n = (hits.len() - skip).min(fit);
        let more = skip + n < hits.len();
        self.poison_resume = more.then_some((addr, len, skip + n));
        let mut head = cxlmi_cmd_memdev_get_poison_list_rsp::zeroed();
        head.poison_list_flags = u8::from(more);
        if let Some(t) = self.poison_overflow {
            head.poison_list_flags |= 2;
            head.overflow_timestamp = t;
        }
        if matches!(self.common.background(), Some((op, _)) if op == OP_SCAN_MEDIA) {
            head.poison_list_flags |= 4;
        }
        head.more_err_media_record_cnt = n as u16;
        put(out, &head);
        for p in &hits[skip..skip + n] {
            put(out, &p.record());
        }
        Ok(Done::Now)
    }

    /// Inject Poison (4301h): one 64-byte line, injected poison counted
    /// against the inject limit (Inject Poison Limit Reached).
    fn inject_poison(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_inject_poison_req = input(req)?;
        self.media_writable()?;
        let dpa = r.inject_poison_phy_addr;
        self.check_range(dpa, 1)?;
        if self.poison.iter().any(|p| p.dpa <= dpa && p.end() > dpa) {
            return Ok(Done::Now);
        }
        if self.poison.iter().filter(|p| p.source == 3).count() >= INJECT_POISON_LIMIT {
            return Err(Rc::CXLMI_RET_POISONLMT);
        }
        self.add_poison(Poison { dpa, len: 1, source: 3 });
        Ok(Done::Now)
    }

    /// Clear Poison (4302h): writes the line (its data are not kept) and
    /// removes it from the poison list, splitting a longer poisoned range.
    fn clear_poison(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_clear_poison_req = input(req)?;
        self.media_writable()?;
        let dpa = r.clear_poison_phy_addr;
        self.check_range(dpa, 1)?;
        self.forget_poison(dpa);
        Ok(Done::Now)
    }

    /// Takes the 64-byte line at `dpa` off the poison list, splitting a
    /// longer poisoned range around it.
    fn forget_poison(&mut self, dpa: u64) {
        let mut kept = Vec::with_capacity(self.poison.len() + 1);
        for p in self.poison.drain(..) {
            if p.dpa > dpa || p.end() <= dpa {
                kept.push(p);
                continue;
            }
            let before = (dpa - p.dpa) / MEDIA_ERROR_UNIT;
            let after = u64::from(p.len).saturating_sub(before + 1);
            if before > 0 {
                kept.push(Poison { len: before as u32, ..p });
            }
            if after > 0 {
                kept.push(Poison { dpa: dpa + MEDIA_ERROR_UNIT, len: after as u32, ..p });
            }
        }
        self.poison = kept;
        self.poison_resume = None;
    }

    /// Perform Maintenance (0600h, CXL r3.1 section 8.2.9.7.1): no operation
    /// (class 00h), and soft or hard Post Package Repair (class 01h,
    /// Tables 8-103 and 8-104), which replaces the row holding a DPA, so the
    /// poison there is gone. A hard repair uses up a spare row (Resources
    /// Exhausted when none is left); Query Resources only asks. Every other
    /// operation is Invalid Input, as the section has a device answer one it
    /// does not support.
    fn perform_maintenance(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let (op, params) = input_head::<cxlmi_cmd_perform_maintenance_req>(req)?;
        match (op.operation_class, op.operation_subclass) {
            (0, 0) => Ok(Done::Now),
            (1, subclass @ (0 | 1)) => {
                let ppr: cxlmi_maintenance_ppr_params = input(params)?;
                self.media_writable()?;
                let hard = subclass == 1;
                if hard && self.hard_ppr_spares == 0 {
                    return Err(Rc::CXLMI_RET_RESOURCEEXHAUSTED);
                }
                if ppr.flags & 1 != 0 {
                    return Ok(Done::Now);
                }
                // The row holding the address, whatever its offset in a line.
                let dpa = ppr.dpa - ppr.dpa % MEDIA_ERROR_UNIT;
                self.check_range(dpa, 1)?;
                self.forget_poison(dpa);
                if hard {
                    self.hard_ppr_spares -= 1;
                }
                Ok(Done::Now)
            }
            _ => Err(Rc::CXLMI_RET_INPUT),
        }
    }

    /// Get Scan Media Capabilities (4303h): an estimate of 1 ms per 16 MB.
    fn get_scan_media_caps(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_get_scan_media_capabilities_req = input(req)?;
        self.media_ready()?;
        let (addr, len) = (r.get_scan_media_capabilities_start_physaddr, r.get_scan_media_capabilities_physaddr_length);
        self.check_range(addr, len)?;
        let ms = (len.saturating_mul(64) >> 24).clamp(1, u64::from(u32::MAX)) as u32;
        put(out, &cxlmi_cmd_memdev_get_scan_media_capabilities_rsp { estimated_scan_media_time: ms });
        Ok(Done::Now)
    }

    /// Scan Media (4304h): a background operation; when it completes the
    /// poison in the range are its results, each also a General Media event
    /// record unless flag bit 0 says not to.
    fn scan_media(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_scan_media_req = input(req)?;
        self.media_writable()?;
        let (start, len) = (r.scan_media_physaddr, r.scan_media_physaddr_length);
        self.check_range(start, len)?;
        if r.scan_media_flags & !1 != 0 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let done = self.common.start_background(OP_SCAN_MEDIA, 1, true)?;
        self.scan = Some(Scan { start, len, no_events: r.scan_media_flags & 1 != 0, found: None });
        Ok(done)
    }

    /// The scan has run: record what is poisoned in its range.
    fn scan_done(&mut self) {
        let Some(scan) = &mut self.scan else { return };
        let end = scan.start.saturating_add(scan.len.saturating_mul(64));
        let found: Vec<Poison> = self.poison.iter().filter(|p| p.dpa < end && p.end() > scan.start).copied().collect();
        let no_events = scan.no_events;
        scan.found = Some(found.clone());
        if no_events {
            return;
        }
        for p in found {
            let mut rec = cxlmi_event_record::zeroed();
            rec.uuid = GENERAL_MEDIA_UUID;
            p.dpa.encode(&mut rec.data[0..8]);
            // Descriptor bit 0: uncorrectable; type 0: media ECC error;
            // transaction type 3: host scan media.
            rec.data[8] = 1;
            rec.data[9] = 0;
            rec.data[10] = 3;
            self.post_event(WARNING, rec);
        }
    }

    /// Get Scan Media Results (4305h): Busy while the scan runs; the errors
    /// it found, as many as fit, More (flag bit 0) while some are left. A
    /// scan that was aborted reports Scan Stopped Prematurely (bit 1) and
    /// where to restart.
    fn get_scan_media_results(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        if matches!(self.common.background(), Some((op, _)) if op == OP_SCAN_MEDIA) {
            return Err(Rc::CXLMI_RET_BUSY);
        }
        let fit = (self.room().saturating_sub(cxlmi_cmd_memdev_get_scan_media_results_rsp::SIZE)
            / cxlmi_media_error_record::SIZE)
            .min(cxlmi::commands::memdev::MAX_SCAN_MEDIA_RECORDS);
        let mut head = cxlmi_cmd_memdev_get_scan_media_results_rsp::zeroed();
        let mut records = Vec::new();
        match &mut self.scan {
            Some(Scan { start, len, found: None, .. }) => {
                head.scan_media_restart_physaddr = *start;
                head.scan_media_restart_physaddr_length = *len;
                head.scan_media_flags = SCAN_STOPPED_PREMATURELY;
            }
            Some(Scan { found: Some(found), .. }) => {
                let n = found.len().min(fit);
                records = found.drain(..n).collect();
                head.scan_media_flags = u8::from(!found.is_empty());
            }
            None => {}
        }
        head.media_error_count = records.len() as u16;
        put(out, &head);
        for p in records {
            let rec = cxlmi_media_error_record {
                media_error_address: p.dpa | u64::from(p.source),
                media_error_length: p.len,
                rsvd: [0; 4],
            };
            put(out, &rec);
        }
        Ok(Done::Now)
    }

    // Sanitize and security (CXL r3.1 sections 8.2.9.9.5 and 8.2.9.9.6).

    /// Sanitize (4400h): a background operation; when it completes no
    /// poison is left and the label storage area is zeroed. Not while locked.
    fn sanitize(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        self.media_writable()?;
        self.common.start_background(OP_SANITIZE, 2, true)
    }

    /// Secure Erase (4401h): a background operation; user data (and so
    /// its poison) are gone when it completes.
    fn secure_erase(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        self.media_writable()?;
        self.common.start_background(OP_SECURE_ERASE, 1, true)
    }

    /// Get Security State (4500h).
    fn get_security_state(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        put(out, &cxlmi_cmd_memdev_get_security_state_rsp { security_state: self.security.state() });
        Ok(Done::Now)
    }

    /// Refuses security changes when frozen (Invalid Security State), and a
    /// passphrase type other than master (0) or user (1) as Invalid Input.
    fn security_changeable(&self, kind: u8) -> Result<(), Rc> {
        if kind > 1 {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        if self.security.frozen {
            return Err(Rc::CXLMI_RET_SECURITY);
        }
        Ok(())
    }

    /// Set Passphrase (4501h): a first passphrase of its type needs no
    /// current one; changing one needs it. Not while locked.
    fn set_passphrase(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_set_passphrase_req = input(req)?;
        self.security_changeable(r.passphrase_type)?;
        if self.security.locked {
            return Err(Rc::CXLMI_RET_SECURITY);
        }
        let set = if r.passphrase_type == 0 { self.security.master.is_some() } else { self.security.user.is_some() };
        if set {
            self.security.check(r.passphrase_type, &r.current_passphrase)?;
        }
        match r.passphrase_type {
            0 => self.security.master = Some(r.new_passphrase),
            _ => self.security.user = Some(r.new_passphrase),
        }
        Ok(Done::Now)
    }

    /// Disable Passphrase (4502h): needs the passphrase; not while locked.
    fn disable_passphrase(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_disable_passphrase_req = input(req)?;
        self.security_changeable(r.passphrase_type)?;
        if self.security.locked {
            return Err(Rc::CXLMI_RET_SECURITY);
        }
        self.security.check(r.passphrase_type, &r.passphrase)?;
        match r.passphrase_type {
            0 => self.security.master = None,
            _ => self.security.user = None,
        }
        Ok(Done::Now)
    }

    /// Unlock (4503h): only a locked device, with its user passphrase.
    fn unlock(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_unlock_req = input(req)?;
        self.security_changeable(1)?;
        if !self.security.locked {
            return Err(Rc::CXLMI_RET_SECURITY);
        }
        self.security.check(1, &r.current_passphrase)?;
        self.security.locked = false;
        Ok(Done::Now)
    }

    /// Freeze Security State (4504h): until the next cold reset.
    fn freeze_security(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        self.security.frozen = true;
        Ok(Done::Now)
    }

    /// Passphrase Secure Erase (4505h): with the master or the user
    /// passphrase, erases user data at once; the user passphrase goes with
    /// the data, so the device is left unlocked with only the master set.
    fn passphrase_secure_erase(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_passphrase_secure_erase_req = input(req)?;
        self.security_changeable(r.passphrase_type)?;
        self.media_ready()?;
        if self.common.busy() {
            return Err(Rc::CXLMI_RET_BUSY);
        }
        self.security.check(r.passphrase_type, &r.passphrase)?;
        self.erase(false);
        self.security.user = None;
        self.security.user_attempts = 0;
        self.security.locked = false;
        Ok(Done::Now)
    }

    // Dynamic capacity (CXL r3.1 section 8.2.9.9.9).

    /// Get Dynamic Capacity Configuration (4800h): regions from the start
    /// one, decode lengths in 256 MB units, then the four counts.
    fn get_dc_config(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_get_dc_config_req = input(req)?;
        let regions = self.dc.regions.get(usize::from(r.start_region_id)..).ok_or(Rc::CXLMI_RET_INPUT)?;
        if regions.is_empty() {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let n = regions.len().min(usize::from(r.region_cnt));
        put(out, &[self.dc.regions.len() as u8, n as u8, 0, 0, 0, 0, 0, 0]);
        for reg in &regions[..n] {
            let c = cxlmi_dc_region_config {
                base: reg.base,
                decode_len: reg.decode_len / CAPACITY_UNIT,
                region_len: reg.len,
                block_size: reg.block_size,
                dsmadhandle: reg.dsmad_handle,
                flags: reg.flags(),
                rsvd2: [0; 3],
            };
            put(out, &c);
        }
        put(out, &[dc::MAX_EXTENTS, self.dc.extents_available(), dc::MAX_TAGS, self.dc.tags_available()]);
        Ok(Done::Now)
    }

    /// Get Dynamic Capacity Extent List (4801h): accepted extents from the
    /// start index, as many as asked for and fit the response.
    fn get_dc_extent_list(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_memdev_get_dc_extent_list_req = input(req)?;
        let fit = self.room().saturating_sub(cxlmi_cmd_memdev_get_dc_extent_list_rsp::SIZE)
            / cxlmi_memdev_get_list_extent::SIZE;
        let count = r.extent_cnt.min(fit as u32);
        let (extents, total, generation) = self.dc.extent_list(r.start_extent_idx, count)?;
        let head = cxlmi_cmd_memdev_get_dc_extent_list_rsp {
            num_extents_returned: extents.len() as u32,
            total_num_extents: total,
            generation_num: generation,
            rsvd: [0; 4],
            extents: [],
        };
        put(out, &head);
        for e in extents {
            put(out, &e.to_wire());
        }
        Ok(Done::Now)
    }

    /// The extents after an Add DC Response or Release DC head, exactly as
    /// many as it counts.
    fn dc_ranges(count: u32, rest: &[u8]) -> Result<Vec<(u64, u64)>, Rc> {
        let size = cxlmi_memdev_dc_extent::SIZE;
        if (count as usize).checked_mul(size) != Some(rest.len()) {
            return Err(Rc::CXLMI_RET_PAYLOADLEN);
        }
        Ok(rest.chunks_exact(size).map(cxlmi_memdev_dc_extent::decode).map(|e| (e.start_dpa, e.len)).collect())
    }

    /// Add Dynamic Capacity Response (4802h): the host takes (part of) the
    /// oldest offer; with no offer pending it is Invalid Input.
    fn add_dc_response(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let (r, rest) = input_head::<cxlmi_cmd_memdev_add_dc_response_req>(req)?;
        let ranges = Self::dc_ranges(r.updated_extent_list_size, rest)?;
        self.media_ready()?;
        self.dc.accept(&ranges, r.flags & 1 != 0)?;
        Ok(Done::Now)
    }

    /// Release Dynamic Capacity (4803h): the host gives back accepted capacity.
    fn release_dc(&mut self, req: &[u8], _out: &mut Vec<u8>) -> Handled {
        let (r, rest) = input_head::<cxlmi_cmd_memdev_release_dc_req>(req)?;
        let ranges = Self::dc_ranges(r.updated_extent_list_size, rest)?;
        if ranges.is_empty() {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        self.media_ready()?;
        self.dc.release(&ranges)?;
        Ok(Done::Now)
    }
}

/// A firmware image's revision: its first 16 bytes when they are printable
/// ASCII (NUL padded), else a name made from its size.
fn image(head: &[u8], len: u64) -> FwImage {
    let mut revision = [0u8; 16];
    let first = &head[..head.len().min(16)];
    let printable = !first.is_empty() && first.iter().all(|&b| b == 0 || b.is_ascii_graphic() || b == b' ');
    if printable {
        revision[..first.len()].copy_from_slice(first);
    } else {
        let name = format!("IMG {len}");
        let n = name.len().min(16);
        revision[..n].copy_from_slice(&name.as_bytes()[..n]);
    }
    FwImage { revision, len }
}

impl Default for Type3 {
    fn default() -> Type3 {
        Type3::new()
    }
}

/// Effects of the commands that start abortable background operations.
const BACKGROUND_ABORTABLE: u16 = BACKGROUND_OPERATION | ABORTABLE;

const COMMANDS: &[Cmd<Type3>] = &[
    cmd(Identify::OPCODE, NONE, generic::identify::<Type3>),
    cmd(BgOpStatus::OPCODE, NONE, generic::bg_op_status::<Type3>),
    cmd(GetResponseMsgLimit::OPCODE, NONE, generic::get_response_limit::<Type3>),
    cmd(SetResponseMsgLimit::OPCODE, IMMEDIATE_CONFIG_CHANGE, generic::set_response_limit::<Type3>),
    cmd(RequestBgOpAbort::OPCODE, NONE, generic::request_bg_abort::<Type3>),
    cmd(GetEventRecords::OPCODE, NONE, Type3::get_event_records),
    cmd(ClearEventRecords::OPCODE, IMMEDIATE_LOG_CHANGE, Type3::clear_event_records),
    cmd(GetEventInterruptPolicy::OPCODE, NONE, Type3::get_interrupt_policy),
    cmd(SetEventInterruptPolicy::OPCODE, IMMEDIATE_CONFIG_CHANGE, Type3::set_interrupt_policy),
    cmd(GetFwInfo::OPCODE, NONE, Type3::get_fw_info),
    cmd(TransferFw::OPCODE, CONFIG_CHANGE_COLD_RESET, Type3::transfer_fw),
    cmd(ActivateFw::OPCODE, CONFIG_CHANGE_COLD_RESET | IMMEDIATE_CONFIG_CHANGE, Type3::activate_fw),
    cmd(GetTimestamp::OPCODE, NONE, generic::get_timestamp::<Type3>),
    cmd(SetTimestamp::OPCODE, IMMEDIATE_POLICY_CHANGE, generic::set_timestamp::<Type3>),
    cmd(GetSupportedLogs::OPCODE, NONE, generic::supported_logs::<Type3>),
    cmd(GetLog::OPCODE, NONE, generic::get_log::<Type3>),
    cmd(GetSupportedFeatures::OPCODE, NONE, Type3::get_supported_features),
    cmd(GetFeature::OPCODE, NONE, Type3::get_feature),
    cmd(SetFeature::OPCODE, IMMEDIATE_CONFIG_CHANGE, Type3::set_feature),
    cmd(PerformMaintenance::OPCODE, IMMEDIATE_CONFIG_CHANGE | IMMEDIATE_DATA_CHANGE, Type3::perform_maintenance),
    cmd(MemdevIdentify::OPCODE, NONE, Type3::memdev_identify),
    cmd(GetPartitionInfo::OPCODE, NONE, Type3::get_partition_info),
    cmd(SetPartitionInfo::OPCODE, CONFIG_CHANGE_COLD_RESET | IMMEDIATE_CONFIG_CHANGE, Type3::set_partition_info),
    cmd(GetLsa::OPCODE, NONE, Type3::get_lsa),
    cmd(SetLsa::OPCODE, IMMEDIATE_CONFIG_CHANGE | IMMEDIATE_DATA_CHANGE, Type3::set_lsa),
    cmd(GetHealthInfo::OPCODE, NONE, Type3::get_health_info),
    cmd(GetAlertConfig::OPCODE, NONE, Type3::get_alert_config),
    cmd(SetAlertConfig::OPCODE, IMMEDIATE_POLICY_CHANGE, Type3::set_alert_config),
    cmd(GetShutdownState::OPCODE, NONE, Type3::get_shutdown_state),
    cmd(SetShutdownState::OPCODE, IMMEDIATE_POLICY_CHANGE, Type3::set_shutdown_state),
    cmd(GetPoisonList::OPCODE, NONE, Type3::get_poison_list),
    cmd(InjectPoison::OPCODE, IMMEDIATE_DATA_CHANGE, Type3::inject_poison),
    cmd(ClearPoison::OPCODE, IMMEDIATE_DATA_CHANGE, Type3::clear_poison),
    cmd(GetScanMediaCapabilities::OPCODE, NONE, Type3::get_scan_media_caps),
    cmd(ScanMedia::OPCODE, IMMEDIATE_LOG_CHANGE | BACKGROUND_ABORTABLE, Type3::scan_media),
    cmd(GetScanMediaResults::OPCODE, NONE, Type3::get_scan_media_results),
    cmd(Sanitize::OPCODE, IMMEDIATE_DATA_CHANGE | SECURITY_STATE_CHANGE | BACKGROUND_ABORTABLE, Type3::sanitize),
    cmd(SecureErase::OPCODE, IMMEDIATE_DATA_CHANGE | SECURITY_STATE_CHANGE | BACKGROUND_ABORTABLE, Type3::secure_erase),
    cmd(GetSecurityState::OPCODE, NONE, Type3::get_security_state),
    cmd(SetPassphrase::OPCODE, SECURITY_STATE_CHANGE, Type3::set_passphrase),
    cmd(DisablePassphrase::OPCODE, SECURITY_STATE_CHANGE, Type3::disable_passphrase),
    cmd(Unlock::OPCODE, SECURITY_STATE_CHANGE, Type3::unlock),
    cmd(FreezeSecurityState::OPCODE, SECURITY_STATE_CHANGE, Type3::freeze_security),
    cmd(PassphraseSecureErase::OPCODE, IMMEDIATE_DATA_CHANGE | SECURITY_STATE_CHANGE, Type3::passphrase_secure_erase),
    cmd(GetDcConfig::OPCODE, NONE, Type3::get_dc_config),
    cmd(GetDcExtentList::OPCODE, NONE, Type3::get_dc_extent_list),
    cmd(AddDcResponse::OPCODE, IMMEDIATE_DATA_CHANGE | IMMEDIATE_CONFIG_CHANGE, Type3::add_dc_response),
    cmd(ReleaseDc::OPCODE, IMMEDIATE_DATA_CHANGE | IMMEDIATE_CONFIG_CHANGE, Type3::release_dc),
];

impl Device for Type3 {
    fn commands() -> &'static [Cmd<Type3>] {
        COMMANDS
    }

    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    fn background_done(&mut self, opcode: Opcode) {
        match opcode {
            OP_SANITIZE => self.erase(true),
            OP_SECURE_ERASE => self.erase(false),
            OP_SCAN_MEDIA => self.scan_done(),
            _ => {}
        }
    }

    /// Any reset abandons a firmware transfer in parts and where Get Poison
    /// List would resume. A cold reset also makes the next partition and the
    /// staged firmware active, locks a device with a user passphrase, clears
    /// freezing and the attempt counts, and counts a dirty shutdown when the
    /// shutdown state was left dirty. Memory contents (LSA, poison, extents)
    /// and event logs persist.
    fn on_reset(&mut self, kind: ResetKind) {
        self.fw.transfer = None;
        self.poison_resume = None;
        if kind != ResetKind::Cold {
            return;
        }
        if let Some(p) = self.next_partition.take() {
            self.active_partition = p;
        }
        if let Some(slot) = self.fw.staged.take() {
            self.fw.active = slot;
        }
        let s = &mut self.security;
        s.locked = s.user.is_some();
        s.frozen = false;
        s.user_attempts = 0;
        s.master_attempts = 0;
        if self.dirty {
            self.health.dirty_shutdown_count = self.health.dirty_shutdown_count.wrapping_add(1);
        }
        self.dirty = false;
    }

    /// A record for a full log is lost as the device loses one, counted as
    /// overflow: the log still took it.
    fn accept_event(&mut self, log: u8, rec: cxlmi_event_record) -> bool {
        if usize::from(log) >= self.events.len() {
            return false;
        }
        self.post_event(log, rec);
        true
    }

    fn health_info_mut(&mut self) -> Option<&mut cxlmi_cmd_memdev_get_health_info_rsp> {
        Some(&mut self.health)
    }
}
