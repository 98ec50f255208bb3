//! A multi-logical device (MLD): the FM-owned LD answers FM-API LD
//! management (CXL r3.1 section 7.6.7.4: LD info, allocations, QoS), and
//! each LD is a Type 3 device reached by tunnelling to it.
//!
//! The device has [`MEMORY_SIZE`] bytes shared by four LDs, allocated in
//! 256 MB units; at power-on each LD has a quarter of it in range 1, an
//! equal share of the bandwidth and no bandwidth limit.

use crate::device::{
    Cmd, Common, Component, Device, Done, Handled, Rc, ResetKind, cmd, effects::*, input, input_head, put,
};
use crate::generic;
use crate::type3::Type3;
use cxlmi::commands::Command;
use cxlmi::commands::fmapi::*;
use cxlmi::commands::generic::*;
use cxlmi::types::*;
use cxlmi::wire::Wire;

/// The MLD's memory, 4 GB.
pub const MEMORY_SIZE: u64 = 4 << 30;
/// LDs the MLD has.
pub const LD_COUNT: usize = 4;
/// Memory Granularity code 0: allocations in multiples of 256 MB (CXL r3.1
/// Table 7-40).
const GRANULARITY: u8 = 0;
const GRANULE: u64 = cxlmi::commands::CAPACITY_UNIT << GRANULARITY;
/// QoS Telemetry Capability: egress port congestion (bit 0) and temporary
/// throughput reduction (bit 1) supported (CXL r3.1 Table 7-38).
const QOS_CAPABILITIES: u8 = 0b11;
/// The QoS Telemetry Control bits defined; the rest are reserved.
const QOS_CONTROL_BITS: u8 = 0b11;
/// Bandwidth fractions are in 1/256 units; FFh means (nearly) all of it.
const NO_LIMIT: u8 = 0xff;

pub struct Mld {
    /// The FM-owned LD, which the FM talks to.
    pub fm_ld: Type3,
    pub lds: Vec<Type3>,
    /// Per LD, range 1 and range 2 allocations in granules.
    pub allocations: Vec<[u64; 2]>,
    pub qos: cxlmi_cmd_fmapi_get_qos_control_rsp,
    /// Per LD, its share of the bandwidth (QoS Allocation Fraction).
    pub allocated_bw: Vec<u8>,
    /// Per LD, its bandwidth cap (QoS Limit Fraction).
    pub bw_limit: Vec<u8>,
}

impl Mld {
    /// Four LDs.
    pub fn new() -> Mld {
        let mut fm_ld = Type3::with_serial(0x7e4d_0000_0000_00ff);
        fm_ld.common.identity.device_id = 0xe30d;
        let lds = (0..LD_COUNT as u64).map(|i| Type3::with_serial(0x7e4d_0000_0000_0000 + i)).collect();
        let share = MEMORY_SIZE / GRANULE / LD_COUNT as u64;
        // The defaults CXL r3.1 Table 7-41 gives for the QoS controls.
        let qos = cxlmi_cmd_fmapi_get_qos_control_rsp {
            qos_telemetry_control: 0,
            egress_moderate_percentage: 10,
            egress_severe_percentage: 25,
            backpressure_sample_interval: 8,
            recmpbasis: 0,
            completion_collection_interval: 64,
        };
        Mld {
            fm_ld,
            lds,
            allocations: vec![[share, 0]; LD_COUNT],
            qos,
            allocated_bw: vec![(256 / LD_COUNT) as u8; LD_COUNT],
            bw_limit: vec![NO_LIMIT; LD_COUNT],
        }
    }

    /// The LDs `start..start + n`, Invalid Input when past the last LD.
    fn ld_range(&self, start: u8, n: usize) -> Result<core::ops::Range<usize>, Rc> {
        let start = usize::from(start);
        let end = start.checked_add(n).filter(|&e| e <= self.lds.len()).ok_or(Rc::CXLMI_RET_INPUT)?;
        Ok(start..end)
    }

    /// Get LD Info (5400h, CXL r3.1 section 7.6.7.4.1).
    fn get_ld_info(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        let rsp = cxlmi_cmd_fmapi_get_ld_info_rsp {
            memory_size: MEMORY_SIZE,
            ld_count: self.lds.len() as u16,
            qos_telemetry_capability: QOS_CAPABILITIES,
        };
        put(out, &rsp);
        Ok(Done::Now)
    }

    /// Get LD Allocations (5401h, section 7.6.7.4.2): from `start_ld_id`, at
    /// most `ld_allocation_list_limit` LDs (at least 1), fewer when the LDs
    /// end first. A start past the last LD is Invalid Input.
    fn get_ld_allocations(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_get_ld_allocations_req = input(req)?;
        let start = usize::from(r.start_ld_id);
        if r.ld_allocation_list_limit == 0 || start >= self.lds.len() {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        let n = usize::from(r.ld_allocation_list_limit).min(self.lds.len() - start);
        let head = cxlmi_cmd_fmapi_get_ld_allocations_rsp {
            number_ld: self.lds.len() as u8,
            memory_granularity: GRANULARITY,
            start_ld_id: r.start_ld_id,
            ld_allocation_list_len: n as u8,
            ld_allocation_list: [],
        };
        put(out, &head);
        self.put_allocations(start..start + n, out);
        Ok(Done::Now)
    }

    fn put_allocations(&self, lds: core::ops::Range<usize>, out: &mut Vec<u8>) {
        for [r1, r2] in &self.allocations[lds] {
            put(
                out,
                &cxlmi_cmd_fmapi_ld_allocations_list { range_1_allocation_mult: *r1, range_2_allocation_mult: *r2 },
            );
        }
    }

    /// Set LD Allocations (5402h, section 7.6.7.4.3): `number_ld` entries
    /// for the LDs from `start_ld_id`. All LDs together may not take more
    /// than the device has (Invalid Input); the allocations in force come
    /// back.
    fn set_ld_allocations(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        type Entry = cxlmi_cmd_fmapi_ld_allocations_list;
        let (head, entries) = input_head::<cxlmi_cmd_fmapi_set_ld_allocations_req>(req)?;
        let n = usize::from(head.number_ld);
        if entries.len() != n * Entry::SIZE {
            return Err(Rc::CXLMI_RET_PAYLOADLEN);
        }
        let range = self.ld_range(head.start_ld_id, n)?;
        let mut next = self.allocations.clone();
        for (i, slot) in range.clone().enumerate() {
            let e = Entry::decode_nth(entries, i).ok_or(Rc::CXLMI_RET_PAYLOADLEN)?;
            next[slot] = [e.range_1_allocation_mult, e.range_2_allocation_mult];
        }
        let granules = next.iter().flatten().try_fold(0u64, |sum, &g| sum.checked_add(g));
        if granules.and_then(|g| g.checked_mul(GRANULE)).is_none_or(|bytes| bytes > MEMORY_SIZE) {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        self.allocations = next;
        put(
            out,
            &cxlmi_cmd_fmapi_set_ld_allocations_rsp {
                number_ld: head.number_ld,
                start_ld_id: head.start_ld_id,
                rsvd: [0; 2],
                ld_allocation_list: [],
            },
        );
        self.put_allocations(range, out);
        Ok(Done::Now)
    }

    /// Get QoS Control (5403h, section 7.6.7.4.4).
    fn get_qos_control(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        put(out, &self.qos);
        Ok(Done::Now)
    }

    /// Set QoS Control (5404h, section 7.6.7.4.5): the percentages are 1 to
    /// 100 (moderate no more than severe), the backpressure sample interval
    /// 0 to 15 ns, and reserved control bits clear; otherwise Invalid Input.
    fn set_qos_control(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        let r: cxlmi_cmd_fmapi_set_qos_control_req = input(req)?;
        let percent = 1..=100;
        if r.qos_telemetry_control & !QOS_CONTROL_BITS != 0
            || !percent.contains(&r.egress_moderate_percentage)
            || !percent.contains(&r.egress_severe_percentage)
            || r.egress_moderate_percentage > r.egress_severe_percentage
            || r.backpressure_sample_interval > 15
        {
            return Err(Rc::CXLMI_RET_INPUT);
        }
        self.qos = cxlmi_cmd_fmapi_get_qos_control_rsp {
            qos_telemetry_control: r.qos_telemetry_control,
            egress_moderate_percentage: r.egress_moderate_percentage,
            egress_severe_percentage: r.egress_severe_percentage,
            backpressure_sample_interval: r.backpressure_sample_interval,
            recmpbasis: r.recmpbasis,
            completion_collection_interval: r.completion_collection_interval,
        };
        put(out, &self.qos);
        Ok(Done::Now)
    }

    /// Get QoS Status (5405h, section 7.6.7.4.6): no traffic crosses an
    /// emulated link, so the egress port is never backpressured.
    fn get_qos_status(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        input::<()>(req)?;
        put(out, &cxlmi_cmd_fmapi_get_qos_status_rsp { backpressure_avg_percentage: 0 });
        Ok(Done::Now)
    }

    /// Get QoS Allocated BW (5406h) and Get QoS BW Limit (5408h), sections
    /// 7.6.7.4.7 and 7.6.7.4.9: one fraction for each of `number_ld` LDs
    /// from `start_ld_id`; past the last LD is Invalid Input.
    fn get_fractions(&self, which: &[u8], req: &[u8], out: &mut Vec<u8>) -> Handled {
        let [number_ld, start_ld_id] = input::<[u8; 2]>(req)?;
        let range = self.ld_range(start_ld_id, usize::from(number_ld))?;
        out.extend_from_slice(&[number_ld, start_ld_id]);
        out.extend_from_slice(&which[range]);
        Ok(Done::Now)
    }

    /// Set QoS Allocated BW (5407h) and Set QoS BW Limit (5409h), sections
    /// 7.6.7.4.8 and 7.6.7.4.10: `number_ld` fractions follow the head; the
    /// fractions in force come back.
    fn set_fractions(which: &mut [u8], req: &[u8], out: &mut Vec<u8>) -> Handled {
        let ([number_ld, start_ld_id], fractions) = input_head::<[u8; 2]>(req)?;
        if fractions.len() != usize::from(number_ld) {
            return Err(Rc::CXLMI_RET_PAYLOADLEN);
        }
        let start = usize::from(start_ld_id);
        let slots = which.get_mut(start..start + fractions.len()).ok_or(Rc::CXLMI_RET_INPUT)?;
        slots.copy_from_slice(fractions);
        out.extend_from_slice(&[number_ld, start_ld_id]);
        out.extend_from_slice(slots);
        Ok(Done::Now)
    }

    fn get_qos_allocated_bw(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        self.get_fractions(&self.allocated_bw, req, out)
    }

    fn set_qos_allocated_bw(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        Mld::set_fractions(&mut self.allocated_bw, req, out)
    }

    fn get_qos_bw_limit(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        self.get_fractions(&self.bw_limit, req, out)
    }

    fn set_qos_bw_limit(&mut self, req: &[u8], out: &mut Vec<u8>) -> Handled {
        Mld::set_fractions(&mut self.bw_limit, req, out)
    }
}

impl Default for Mld {
    fn default() -> Mld {
        Mld::new()
    }
}

const COMMANDS: &[Cmd<Mld>] = &[
    cmd(Identify::OPCODE, NONE, generic::identify::<Mld>),
    cmd(BgOpStatus::OPCODE, NONE, generic::bg_op_status::<Mld>),
    cmd(RequestBgOpAbort::OPCODE, NONE, generic::request_bg_abort::<Mld>),
    cmd(GetTimestamp::OPCODE, NONE, generic::get_timestamp::<Mld>),
    cmd(SetTimestamp::OPCODE, IMMEDIATE_POLICY_CHANGE, generic::set_timestamp::<Mld>),
    cmd(GetSupportedLogs::OPCODE, NONE, generic::supported_logs::<Mld>),
    cmd(GetLog::OPCODE, NONE, generic::get_log::<Mld>),
    cmd(generic::TUNNEL, NONE, generic::tunnel::<Mld>),
    cmd(GetLdInfo::OPCODE, NONE, Mld::get_ld_info),
    cmd(GetLdAllocations::OPCODE, NONE, Mld::get_ld_allocations),
    cmd(SetLdAllocations::OPCODE, IMMEDIATE_CONFIG_CHANGE, Mld::set_ld_allocations),
    cmd(GetQosControl::OPCODE, NONE, Mld::get_qos_control),
    cmd(SetQosControl::OPCODE, IMMEDIATE_POLICY_CHANGE, Mld::set_qos_control),
    cmd(GetQosStatus::OPCODE, NONE, Mld::get_qos_status),
    cmd(GetQosAllocatedBw::OPCODE, NONE, Mld::get_qos_allocated_bw),
    cmd(SetQosAllocatedBw::OPCODE, IMMEDIATE_POLICY_CHANGE, Mld::set_qos_allocated_bw),
    cmd(GetQosBwLimit::OPCODE, NONE, Mld::get_qos_bw_limit),
    cmd(SetQosBwLimit::OPCODE, IMMEDIATE_POLICY_CHANGE, Mld::set_qos_bw_limit),
];

impl Device for Mld {
    fn commands() -> &'static [Cmd<Mld>] {
        COMMANDS
    }

    fn common(&mut self) -> &mut Common {
        &mut self.fm_ld.common
    }

    /// The LDs reset with the MLD; the FM's LD allocations and QoS
    /// settings are the device's configuration and stay.
    fn renumber_behind(&mut self, offset: u64) {
        self.lds.iter_mut().for_each(|ld| ld.renumber(offset));
    }

    fn on_reset(&mut self, kind: ResetKind) {
        for ld in &mut self.lds {
            ld.reset(kind);
        }
    }

    /// Target type 0 names an LD.
    fn forward(&mut self, target: u8, id: u8, msg: &[u8], out: &mut Vec<u8>) -> bool {
        match (target, self.lds.get_mut(usize::from(id))) {
            (0, Some(ld)) => generic::forward_to(ld, msg, out),
            _ => false,
        }
    }
}
