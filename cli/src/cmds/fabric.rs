//! The subcommands for the FM-API command set beyond `ports`, `vcs` and `ld` (their arguments are
//! `cxlmi_cli::fabric_args`). Each returns the core's decoded response as JSON; a write returns
//! the state read back after it, with the decoded request (or the device's answer to it) under
//! a key of its own.

use std::collections::BTreeMap;

use cxlmi::Tunnel;
use cxlmi::commands::Command as CxlCommand;
use cxlmi::commands::fmapi::*;
use cxlmi::decode::fmapi as decode;
use cxlmi::types::*;
use serde_json::{Value, json};

use super::{DC_EXTENTS_MAX, Output, Session, merged};
use crate::args::{EXIT_TRANSPORT, Failure, On, Options};
use crate::decoded;
use cxlmi_cli::fabric_args::*;

/// Extents asked for per Get DC Region Extent Lists: 40 bytes each after a 24-byte header, a
/// page within 1 KiB (a component that answers with fewer is asked again from where it stopped).
const EXTENT_PAGE: u32 = 24;
/// Tags asked for per Dynamic Capacity List Tags: 84 bytes each after a 16-byte header.
const TAG_PAGE: u32 = 11;
/// Tags listed at most, whatever a device claims: more than any host bitmap can name holders of.
const TAGS_MAX: usize = 1 << 16;
/// A PPB's or an LD's configuration space: 4 KB of dwords (PCIe extended configuration space).
const CONFIG_SPACE: u64 = 4096;

pub(super) fn run(s: &mut Session, command: &FabricCommand, opts: &Options) -> Result<Output, Failure> {
    let value = match command {
        FabricCommand::Mhd { action, .. } => mhd(s, action.unwrap_or(MhdAction::Info))?,
        FabricCommand::PortControl { ppb, action, .. } => port_control(s, opts, *ppb, *action)?,
        FabricCommand::Bind { on, vcs, vppb } => bind(s, opts, on, *vcs, *vppb)?,
        FabricCommand::Unbind { vcs, vppb, mode, .. } => unbind(s, opts, *vcs, *vppb, *mode)?,
        FabricCommand::LdAllocations { action, .. } => match action {
            None | Some(LdAllocationsAction::Get) => ld_allocations(s)?,
            Some(LdAllocationsAction::Set { allocations }) => set_ld_allocations(s, opts, allocations)?,
        },
        FabricCommand::Qos { action, .. } => qos(s, action.as_ref().unwrap_or(&QosAction::Control { set: None }))?,
        FabricCommand::Dcd { action, .. } => dcd(s, opts, action.as_ref().unwrap_or(&DcdAction::Info))?,
        FabricCommand::DomainValidation { action, .. } => {
            domain_validation(s, action.as_ref().unwrap_or(&DomainValidationAction::State))?
        }
        FabricCommand::PpbConfig { ppb, access, .. } => return config_access(s, opts, Space::Ppb(*ppb), access),
        FabricCommand::LdConfig { ppb, ld_id, access, .. } => {
            return config_access(s, opts, Space::Ld(*ppb, *ld_id), access);
        }
    };
    Ok(value.into())
}

/// A response that lacks what the request asked for.
fn short(s: &Session, what: &str) -> Failure {
    super::failure(EXIT_TRANSPORT, "transport", &s.target, s.cmd, format!("the component returned no {what}"), None)
}

/// Sends a command that may go to the background and waits for it, with a progress bar.
fn exec_background<C: CxlCommand>(s: &mut Session, opts: &Options, input: &C::Input<'_>) -> Result<(), Failure> {
    let bar = super::progress(opts.json, 100, s.cmd);
    let r = s.exec_background::<C>(input, Some(&bar));
    bar.finish_and_clear();
    r
}

// ---- Multi-headed devices (55xxh) ----

/// Get Multi-Headed Info (5500h): every LD's head; or Get Head Info (5501h) of every head.
fn mhd(s: &mut Session, action: MhdAction) -> Result<Value, Failure> {
    let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 0, ld_map_list_limit: u8::MAX };
    let (info, v) = s.exec::<GetMultiheadedInfo, _>(&req, |l| (l.head, decoded::of(&l)))?;
    match action {
        MhdAction::Info => Ok(v),
        MhdAction::Heads => {
            let req = cxlmi_cmd_fmapi_get_head_info_req { start_head: 0, num_heads: info.num_heads };
            s.exec::<GetHeadInfo, _>(&req, |l| decoded::of(&l))
        }
    }
}

// ---- Physical switch (51xxh) ----

/// One port's state (Get Physical Port State, 5101h).
fn port_state(s: &mut Session, port: u8) -> Result<Value, Failure> {
    let head = cxlmi_cmd_fmapi_get_phys_port_state_req { num_ports: 0, ports: [] };
    let state = s.exec::<GetPhysPortState, _>(&WithItems { head, items: &[port] }, |l| {
        l.entries().next().map(|b| decoded::of(&b))
    })?;
    state.ok_or_else(|| short(s, &format!("state for port {port}")))
}

/// Physical Port Control (5102h), then the port's state.
fn port_control(s: &mut Session, opts: &Options, ppb: u8, action: PortAction) -> Result<Value, Failure> {
    match action {
        PortAction::AssertPerst => {
            s.confirm(opts, &format!("assert PERST# on port {ppb}: its link goes down, the device behind it in reset"))?
        }
        PortAction::ResetPpb => s.confirm(opts, &format!("reset the PPB of port {ppb}"))?,
        PortAction::DeassertPerst => {}
    }
    let req = cxlmi_cmd_fmapi_phys_port_control_req { ppb_id: ppb, port_opcode: action.opcode() };
    s.exec::<PhysPortControl, _>(&req, |_| ())?;
    let state = port_state(s, ppb)?;
    Ok(merged(state, json!({ "port_control": decoded::of(&req) })))
}

/// What a configuration request goes to.
#[derive(Clone, Copy)]
enum Space {
    /// A PPB of the switch (5103h).
    Ppb(u8),
    /// An LD of the MLD on a PPB (5301h).
    Ld(u8, u16),
}

/// Send PPB (5103h) or LD (5301h) CXL.io Configuration Request: a dword read, or a write and
/// the dword read back. As text, the offset, byte enables and data are in hex, as registers are
/// read.
fn config_access(s: &mut Session, opts: &Options, space: Space, access: &ConfigAccess) -> Result<Output, Failure> {
    let offset = access.offset;
    if offset % 4 != 0 || offset >= CONFIG_SPACE {
        return Err(s.usage(format!("offset {offset:#x} is not a dword's (a multiple of 4 below {CONFIG_SPACE:#x})")));
    }
    let enables = access.byte_enables;
    if !(1..=0xf).contains(&enables) {
        return Err(s.usage(format!("byte enables {enables:#x} are not 0x1 to 0xf")));
    }
    let write = match access.write {
        Some(v) => Some(u32::try_from(v).map_err(|_| s.usage(format!("{v:#x} is more than 32 bits")))?),
        None => None,
    };
    let what = match space {
        Space::Ppb(p) => format!("the configuration space of port {p}'s PPB"),
        Space::Ld(p, ld) => format!("the configuration space of LD {ld} on port {p}"),
    };
    if let Some(v) = write {
        s.confirm(opts, &format!("write {v:#010x} at offset {offset:#x} of {what}"))?;
        config_request(s, space, offset, enables, Some(v))?;
    }
    let data = config_request(s, space, offset, enables, None)?;
    let (ppb, ld) = match space {
        Space::Ppb(p) => (p, None),
        Space::Ld(p, ld) => (p, Some(ld)),
    };
    let mut value = json!({"ppb_id": ppb});
    let mut text = format!("ppb id        {ppb}\n");
    if let Some(ld) = ld {
        value["ld_id"] = json!(ld);
        text.push_str(&format!("ld id         {ld}\n"));
    }
    value["offset"] = json!(offset);
    value["byte_enables"] = json!(enables);
    text.push_str(&format!("offset        {offset:#x}\nbyte enables  {enables:#x}\n"));
    if let Some(w) = write {
        value["written"] = json!(w);
        text.push_str(&format!("written       {w:#010x}\n"));
    }
    value["data"] = json!(data);
    text.push_str(&format!("data          {data:#010x}\n"));
    Ok(Output { value, text: Some(text) })
}

/// One configuration request: the register (a dword's byte offset, bits 11:0), the first dword
/// byte enables (15:12) and the transaction type (23: write) in the 24-bit field (CXL r3.2
/// sections 7.6.7.1.4 and 7.6.7.3.2). Returns the data read (for a write, what the component
/// returns).
fn config_request(
    s: &mut Session,
    space: Space,
    offset: u64,
    enables: u64,
    write: Option<u32>,
) -> Result<u32, Failure> {
    let field = offset | enables << 12 | u64::from(write.is_some()) << 23;
    let field_1 = [field as u8, (field >> 8) as u8, (field >> 16) as u8];
    let data = write.unwrap_or(0);
    match space {
        Space::Ppb(ppb_id) => {
            let req = cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req { ppb_id, field_1, transaction_data: data };
            s.exec::<SendPpbCxlioConfigRequest, _>(&req, |r| r.return_data)
        }
        Space::Ld(ppb_id, ld_id) => {
            let req = cxlmi_cmd_fmapi_send_ld_cxlio_config_request_req {
                ppb_id,
                field_1,
                ld_id,
                rsvd: [0; 2],
                transaction_data: data,
            };
            s.exec::<SendLdCxlioConfigRequest, _>(&req, |r| r.return_data)
        }
    }
}

/// Get Domain Validation SV State (5104h), after Set Domain Validation SV (5105h) when asked; Get
/// VCS Domain Validation SV State (5106h); Get Domain Validation SV (5107h).
fn domain_validation(s: &mut Session, action: &DomainValidationAction) -> Result<Value, Failure> {
    match *action {
        DomainValidationAction::State => s.exec::<GetDomainValidationSvState, _>(&(), |r| decoded::of(&r)),
        DomainValidationAction::Set { secret } => {
            let req = cxlmi_cmd_fmapi_set_domain_validation_sv_req { secret_value_uuid: secret };
            s.exec::<SetDomainValidationSv, _>(&req, |_| ())?;
            s.exec::<GetDomainValidationSvState, _>(&(), |r| decoded::of(&r))
        }
        DomainValidationAction::VcsState { vcs } => {
            let req = cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_req { vcs_id: vcs };
            let v = s.exec::<GetVcsDomainValidationSvState, _>(&req, |r| decoded::of(&r))?;
            Ok(merged(json!({ "vcs_id": vcs }), v))
        }
        DomainValidationAction::Secret { vcs } => {
            let req = cxlmi_cmd_fmapi_get_domain_validation_sv_req { vcs_id: vcs };
            let v = s.exec::<GetDomainValidationSv, _>(&req, |r| decoded::of(&r))?;
            Ok(merged(json!({ "vcs_id": vcs }), v))
        }
    }
}

// ---- Virtual switch (52xxh) ----

/// One VCS and every vPPB of it (Get Virtual CXL Switch Info, 5200h).
fn vcs_block(s: &mut Session, vcs: u8) -> Result<Value, Failure> {
    let head =
        cxlmi_cmd_fmapi_get_vcs_info_req { start_vppb: 0, vppb_list_limit: u8::MAX, num_vcs: 0, vcs_id_list: [] };
    let info = s.exec::<GetVcsInfo, _>(&WithItems { head, items: &[vcs] }, |info| {
        decoded::object(&decode::vcs_info(&info, 0))
    })?;
    match info["vcss"].get(0) {
        Some(block) => Ok(block.clone()),
        None => Err(short(s, &format!("information for VCS {vcs}"))),
    }
}

/// Bind vPPB (5201h), waited for, then the VCS. --port and --ld name what to bind: the command
/// goes to the switch itself.
fn bind(s: &mut Session, opts: &Options, on: &On, vcs: u8, vppb: u8) -> Result<Value, Failure> {
    if on.mhd {
        return Err(s.usage("bind goes to the switch: --mhd does not apply"));
    }
    let Some(port) = on.port else {
        return Err(s.usage("bind needs --port, the physical port to bind the vPPB to"));
    };
    s.tunnel = Tunnel::None;
    let ld_id = on.ld.map_or(decode::BIND_WHOLE_PORT_LD_ID, u16::from);
    let req = cxlmi_cmd_fmapi_bind_vppb_req { vcs_id: vcs, vppb_id: vppb, port_id: port, rsv1: 0, ld_id };
    exec_background::<BindVppb>(s, opts, &req)?;
    let block = vcs_block(s, vcs)?;
    Ok(merged(block, json!({ "bind": decoded::of(&req) })))
}

/// Unbind vPPB (5202h), waited for, then the VCS.
fn unbind(s: &mut Session, opts: &Options, vcs: u8, vppb: u8, mode: UnbindMode) -> Result<Value, Failure> {
    s.confirm(opts, &format!("unbind vPPB {vppb} of VCS {vcs}: what is bound to it leaves that host"))?;
    let req = cxlmi_cmd_fmapi_unbind_vppb_req { vcs_id: vcs, vppb_id: vppb, option: mode.option() };
    exec_background::<UnbindVppb>(s, opts, &req)?;
    let block = vcs_block(s, vcs)?;
    Ok(merged(block, json!({ "unbind": decoded::of(&req) })))
}

// ---- MLD components (54xxh) ----

/// Every LD's allocation (Get LD Allocations, 5401h, page after page from LD 0): the response's
/// fixed part, made to describe them all, and the entries.
fn read_allocations(
    s: &mut Session,
) -> Result<(cxlmi_cmd_fmapi_get_ld_allocations_rsp, Vec<cxlmi_cmd_fmapi_ld_allocations_list>), Failure> {
    let mut entries = Vec::new();
    let mut first: Option<cxlmi_cmd_fmapi_get_ld_allocations_rsp> = None;
    // Each page brings at least one LD and LD ids are 8 bits: 256 pages at most.
    while let Ok(start_ld_id) = u8::try_from(entries.len()) {
        let req = cxlmi_cmd_fmapi_get_ld_allocations_req { start_ld_id, ld_allocation_list_limit: u8::MAX };
        let (head, got) = s.exec::<GetLdAllocations, _>(&req, |l| (l.head, l.entries().collect::<Vec<_>>()))?;
        let lds = usize::from(first.get_or_insert(head).number_ld);
        if got.is_empty() {
            break;
        }
        entries.extend(got);
        if entries.len() >= lds {
            entries.truncate(lds);
            break;
        }
    }
    let Some(mut head) = first else { return Err(short(s, "LD allocations")) };
    head.start_ld_id = 0;
    head.ld_allocation_list_len = u8::try_from(entries.len()).unwrap_or(u8::MAX);
    Ok((head, entries))
}

fn ld_allocations(s: &mut Session) -> Result<Value, Failure> {
    let (head, entries) = read_allocations(s)?;
    Ok(decoded::object(&decode::ld_allocations(&head, &entries)))
}

/// Set LD Allocations (5402h) for the LDs named, the LDs between them keeping theirs (the
/// command sets a run of LDs), then every LD's allocation.
fn set_ld_allocations(s: &mut Session, opts: &Options, given: &[LdAllocation]) -> Result<Value, Failure> {
    let (head, mut entries) = read_allocations(s)?;
    let unit = decode::memory_granularity_bytes(head.memory_granularity);
    let mut named = BTreeMap::new();
    for a in given {
        if usize::from(a.ld) >= entries.len() {
            return Err(s.usage(format!("LD {} is not one of the {} LDs of the device", a.ld, entries.len())));
        }
        if named.insert(a.ld, *a).is_some() {
            return Err(s.usage(format!("LD {} is given more than once", a.ld)));
        }
    }
    let multiplier = |s: &Session, amount: Amount| match (amount, unit) {
        (Amount::Multiplier(m), _) => Ok(m),
        (Amount::Bytes(b), Some(u)) if b % u == 0 => Ok(b / u),
        (Amount::Bytes(b), Some(u)) => Err(s.usage(format!("{b} bytes is not a multiple of the granularity ({u})"))),
        (Amount::Bytes(_), None) => Err(s.usage(format!(
            "the device's memory granularity ({}) is not one this tool knows: give multipliers",
            head.memory_granularity
        ))),
    };
    for (&ld, a) in &named {
        let e = &mut entries[usize::from(ld)];
        e.range_1_allocation_mult = multiplier(s, a.range_1)?;
        if let Some(r2) = a.range_2 {
            e.range_2_allocation_mult = multiplier(s, r2)?;
        }
    }
    let (Some(&lo), Some(&hi)) = (named.keys().next(), named.keys().next_back()) else {
        return Err(s.usage("no LD given"));
    };
    let lds: Vec<String> = named.keys().map(u8::to_string).collect();
    s.confirm(opts, &format!("change the memory allocated to LD {}", lds.join(", ")))?;
    let items = &entries[usize::from(lo)..=usize::from(hi)];
    let number_ld = u8::try_from(items.len()).map_err(|_| s.usage("more than 255 LDs at once"))?;
    let req =
        cxlmi_cmd_fmapi_set_ld_allocations_req { number_ld, start_ld_id: lo, rsvd: [0; 2], ld_allocation_list: [] };
    let set = s.exec::<SetLdAllocations, _>(&WithItems { head: req, items }, |l| decoded::of(&l))?;
    let after = ld_allocations(s)?;
    Ok(merged(after, json!({ "set": set })))
}

/// The LDs a QoS list covers: LD Info's count, as many as one list can name.
fn qos_lds(s: &mut Session) -> Result<u8, Failure> {
    let info = s.exec::<GetLdInfo, _>(&(), |i| i)?;
    Ok(u8::try_from(info.ld_count).unwrap_or(u8::MAX))
}

/// Which per-LD bandwidth list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bandwidth {
    Allocated,
    Limit,
}

/// Every LD's fraction, raw (256ths), and the list decoded.
fn read_fractions(s: &mut Session, which: Bandwidth, lds: u8) -> Result<(Vec<u8>, Value), Failure> {
    match which {
        Bandwidth::Allocated => {
            let req = cxlmi_cmd_fmapi_get_qos_allocated_bw_req { number_ld: lds, start_ld_id: 0 };
            s.exec::<GetQosAllocatedBw, _>(&req, |l| (l.entries().collect(), decoded::of(&l)))
        }
        Bandwidth::Limit => {
            let req = cxlmi_cmd_fmapi_get_qos_bw_limit_req { number_ld: lds, start_ld_id: 0 };
            s.exec::<GetQosBwLimit, _>(&req, |l| (l.entries().collect(), decoded::of(&l)))
        }
    }
}

/// Get QoS Allocated BW (5406h) or BW Limit (5408h) of every LD, after setting those named
/// (5407h, 5409h; the LDs between them keep theirs).
fn fractions(s: &mut Session, which: Bandwidth, set: Option<&FractionSet>) -> Result<Value, Failure> {
    let lds = qos_lds(s)?;
    let (mut fractions, now) = read_fractions(s, which, lds)?;
    let Some(FractionSet::Set { fractions: given }) = set else { return Ok(now) };
    let mut named = BTreeMap::new();
    for f in given {
        if usize::from(f.ld) >= fractions.len() {
            return Err(s.usage(format!("LD {} is not one of the {} LDs of the device", f.ld, fractions.len())));
        }
        if named.insert(f.ld, f.fraction).is_some() {
            return Err(s.usage(format!("LD {} is given more than once", f.ld)));
        }
        fractions[usize::from(f.ld)] = f.fraction;
    }
    let (Some(&lo), Some(&hi)) = (named.keys().next(), named.keys().next_back()) else {
        return Err(s.usage("no LD given"));
    };
    let items = &fractions[usize::from(lo)..=usize::from(hi)];
    let number_ld = u8::try_from(items.len()).map_err(|_| s.usage("more than 255 LDs at once"))?;
    let set = match which {
        Bandwidth::Allocated => {
            let head =
                cxlmi_cmd_fmapi_set_qos_allocated_bw_req { number_ld, start_ld_id: lo, qos_allocation_fraction: [] };
            s.exec::<SetQosAllocatedBw, _>(&WithItems { head, items }, |l| decoded::of(&l))?
        }
        Bandwidth::Limit => {
            let head = cxlmi_cmd_fmapi_set_qos_bw_limit_req { number_ld, start_ld_id: lo, qos_limit_fraction: [] };
            s.exec::<SetQosBwLimit, _>(&WithItems { head, items }, |l| decoded::of(&l))?
        }
    };
    let (_, after) = read_fractions(s, which, lds)?;
    Ok(merged(after, json!({ "set": set })))
}

/// QoS Telemetry Control bits (CXL r3.1 Table 7-41).
const EGRESS_CONGESTION: u8 = 1 << 0;
const THROUGHPUT_REDUCTION: u8 = 1 << 1;

fn qos(s: &mut Session, action: &QosAction) -> Result<Value, Failure> {
    match action {
        QosAction::Control { set: None } => s.exec::<GetQosControl, _>(&(), |q| decoded::of(&q)),
        QosAction::Control { set: Some(set) } => {
            let QosControlSet::Set {
                egress_congestion,
                temporary_throughput_reduction,
                moderate,
                severe,
                sample_interval,
                req_cmp_basis,
                completion_interval,
            } = set;
            let now = s.exec::<GetQosControl, _>(&(), |q| q)?;
            let bit = |control: u8, mask: u8, want: Option<OnOff>| match want {
                Some(OnOff::On) => control | mask,
                Some(OnOff::Off) => control & !mask,
                None => control,
            };
            let control = bit(now.qos_telemetry_control, EGRESS_CONGESTION, *egress_congestion);
            let control = bit(control, THROUGHPUT_REDUCTION, *temporary_throughput_reduction);
            let req = cxlmi_cmd_fmapi_set_qos_control_req {
                qos_telemetry_control: control,
                egress_moderate_percentage: moderate.unwrap_or(now.egress_moderate_percentage),
                egress_severe_percentage: severe.unwrap_or(now.egress_severe_percentage),
                backpressure_sample_interval: sample_interval.unwrap_or(now.backpressure_sample_interval),
                recmpbasis: req_cmp_basis.unwrap_or(now.recmpbasis),
                completion_collection_interval: completion_interval.unwrap_or(now.completion_collection_interval),
            };
            let set = s.exec::<SetQosControl, _>(&req, |q| decoded::of(&q))?;
            let after = s.exec::<GetQosControl, _>(&(), |q| decoded::of(&q))?;
            Ok(merged(after, json!({ "set": set })))
        }
        QosAction::Status => s.exec::<GetQosStatus, _>(&(), |q| decoded::of(&q)),
        QosAction::AllocatedBw { set } => fractions(s, Bandwidth::Allocated, set.as_ref()),
        QosAction::BwLimit { set } => fractions(s, Bandwidth::Limit, set.as_ref()),
    }
}

// ---- DCD management (56xxh) ----

fn dcd(s: &mut Session, opts: &Options, action: &DcdAction) -> Result<Value, Failure> {
    match action {
        DcdAction::Info => s.exec::<GetDcdInfo, _>(&(), |i| decoded::of(&i)),
        DcdAction::RegionConfig { host, set: None } => region_config(s, *host).map(|(_, v)| v),
        DcdAction::RegionConfig {
            host,
            set: Some(RegionConfigSet::Set { region, block_size, sanitize_on_release }),
        } => set_region_config(s, *host, *region, *block_size, *sanitize_on_release),
        DcdAction::Extents { host, start } => extents(s, *host, *start),
        DcdAction::Add { host, region, policy, length, tag, extents } => {
            add(s, *host, *region, *policy, *length, *tag, extents)
        }
        DcdAction::Release { host, policy, forced, sanitize, length, tag, extents } => {
            let how = Release { policy: *policy, forced: *forced, sanitize: *sanitize };
            release(s, opts, *host, how, *length, *tag, extents)
        }
        DcdAction::AddReference { tag } => {
            s.exec::<DcAddReference, _>(&cxlmi_cmd_fmapi_dc_add_ref_req { tag: *tag }, |_| ())?;
            tags(s, 0)
        }
        DcdAction::RemoveReference { tag } => {
            s.exec::<DcRemoveReference, _>(&cxlmi_cmd_fmapi_dc_remove_ref_req { tag: *tag }, |_| ())?;
            tags(s, 0)
        }
        DcdAction::Tags { start } => tags(s, *start),
    }
}

/// Get Host DC Region Configuration (5601h) of every region of `host`.
fn region_config(
    s: &mut Session,
    host: u16,
) -> Result<(cxlmi_cmd_fmapi_get_host_dc_region_config_rsp, Value), Failure> {
    let req = cxlmi_cmd_fmapi_get_host_dc_region_config_req {
        host_id: host,
        region_cnt: cxlmi::commands::MAX_DC_REGIONS as u8,
        start_region_id: 0,
    };
    s.exec::<GetHostDcRegionConfig, _>(&req, |c| (c, decoded::of(&c)))
}

/// Set DC Region Configuration (5602h), what is not given as the region is now, then `host`'s
/// regions.
fn set_region_config(
    s: &mut Session,
    host: u16,
    region: u8,
    block_size: Option<u64>,
    sanitize: Option<OnOff>,
) -> Result<Value, Failure> {
    let (block_sz, sanitize) = match (block_size, sanitize) {
        (Some(b), Some(on)) => (b, on.on()),
        _ => {
            let (now, _) = region_config(s, host)?;
            let regions = now.region_configs;
            let returned = usize::from(now.regions_returned).min(regions.len());
            let Some(r) = regions[..returned].get(usize::from(region)) else {
                return Err(s.usage(format!("host {host} has no region {region}")));
            };
            (block_size.unwrap_or(r.block_size), sanitize.map_or(r.sanitize_on_release & 1 == 1, OnOff::on))
        }
    };
    let req = cxlmi_cmd_fmapi_set_dc_region_config_req {
        region_id: region,
        rsvd: [0; 3],
        block_sz,
        sanitize_on_release: u8::from(sanitize),
        rsvd2: [0; 3],
    };
    s.exec::<SetDcRegionConfig, _>(&req, |_| ())?;
    region_config(s, host).map(|(_, v)| v)
}

/// Get DC Region Extent Lists (5603h) of `host` from extent `start`, page after page until the
/// total the first page states (at most [`DC_EXTENTS_MAX`]).
fn extents(s: &mut Session, host: u16, start: u32) -> Result<Value, Failure> {
    let mut extents = Vec::new();
    let mut first: Option<cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp> = None;
    let mut at = start;
    loop {
        let req = cxlmi_cmd_fmapi_get_dc_region_ext_list_req {
            host_id: host,
            rsvd: [0; 2],
            extent_count: EXTENT_PAGE,
            start_ext_index: at,
        };
        let (head, got) = s.exec::<GetDcRegionExtList, _>(&req, |l| (l.head, l.entries().collect::<Vec<_>>()))?;
        let total = first.get_or_insert(head).total_extents;
        let Ok(n) = u32::try_from(got.len()) else { break };
        extents.extend(got);
        match at.checked_add(n) {
            Some(next) if n > 0 && next < total && extents.len() < DC_EXTENTS_MAX => at = next,
            _ => break,
        }
    }
    extents.truncate(DC_EXTENTS_MAX);
    let Some(mut head) = first else { return Err(short(s, "extent list")) };
    head.start_ext_index = start;
    head.extents_returned = u32::try_from(extents.len()).unwrap_or(u32::MAX);
    Ok(decoded::object(&decode::dc_region_extents(&head, &extents)))
}

/// Dynamic Capacity List Tags (5608h) from tag `start`, page after page until the total the first
/// page states (at most [`TAGS_MAX`]).
fn tags(s: &mut Session, start: u32) -> Result<Value, Failure> {
    let mut tags = Vec::new();
    let mut first: Option<cxlmi_cmd_fmapi_dc_list_tags_rsp> = None;
    let mut at = start;
    loop {
        let req = cxlmi_cmd_fmapi_dc_list_tags_req { start_idx: at, tags_count: TAG_PAGE };
        let (head, got) = s.exec::<DcListTags, _>(&req, |l| (l.head, l.entries().collect::<Vec<_>>()))?;
        let total = first.get_or_insert(head).total_num_tags;
        let Ok(n) = u32::try_from(got.len()) else { break };
        tags.extend(got);
        match at.checked_add(n) {
            Some(next) if n > 0 && next < total && tags.len() < TAGS_MAX => at = next,
            _ => break,
        }
    }
    tags.truncate(TAGS_MAX);
    let Some(mut head) = first else { return Err(short(s, "tag list")) };
    head.num_tags_returned = u32::try_from(tags.len()).unwrap_or(u32::MAX);
    Ok(decoded::object(&decode::dc_tags(&head, &tags)))
}

/// What a host holds after an add or a release: its regions (with the extents and tags it can
/// still take), its extents and the device's tags.
fn host_state(s: &mut Session, host: u16) -> Result<Value, Failure> {
    let (_, regions) = region_config(s, host)?;
    let extent_list = extents(s, host, 0)?;
    let tag_list = tags(s, 0)?;
    Ok(json!({"region_config": regions, "extent_list": extent_list, "tag_list": tag_list}))
}

/// The extents given on the command line, on the wire, each with the tag.
fn wire_extents(given: &[(u64, u64)], tag: [u8; 16]) -> Vec<cxlmi_fmapi_dc_extent> {
    given
        .iter()
        .map(|&(start_dpa, len)| cxlmi_fmapi_dc_extent { start_dpa, len, tag, shared_seq: 0, rsvd: [0; 6] })
        .collect()
}

/// A request's fixed part decoded, with its extents.
fn with_extents(fixed: Value, extents: &[cxlmi_fmapi_dc_extent]) -> Value {
    let list: Vec<Value> = extents.iter().map(decoded::of).collect();
    merged(fixed, json!({ "extents": list }))
}

/// Initiate Dynamic Capacity Add (5604h), then the host's state.
fn add(
    s: &mut Session,
    host: u16,
    region: u8,
    policy: AddPolicy,
    length: Option<u64>,
    tag: Option<[u8; 16]>,
    given: &[(u64, u64)],
) -> Result<Value, Failure> {
    let length = match (policy, length, given.is_empty()) {
        (AddPolicy::Free | AddPolicy::Contiguous, Some(l), true) => l,
        (AddPolicy::Free | AddPolicy::Contiguous, None, _) => {
            return Err(s.usage("the free and contiguous policies need --length"));
        }
        (AddPolicy::Prescriptive, _, true) => return Err(s.usage("the prescriptive policy needs --extent")),
        (AddPolicy::Prescriptive, Some(l), false) => l,
        (AddPolicy::Prescriptive, None, false) => given
            .iter()
            .try_fold(0u64, |sum, &(_, len)| sum.checked_add(len))
            .ok_or_else(|| s.usage("the extents' lengths add up to more than 64 bits"))?,
        (AddPolicy::EnableSharedAccess, l, true) => l.unwrap_or(0),
        (_, _, false) => return Err(s.usage("--extent is for the prescriptive policy")),
    };
    let tag = tag.unwrap_or([0; 16]);
    let extents = wire_extents(given, tag);
    let head = cxlmi_cmd_fmapi_initiate_dc_add_req {
        host_id: host,
        selection_policy: policy.value(),
        region_num: region,
        length,
        tag,
        ext_count: u32::try_from(extents.len()).unwrap_or(u32::MAX),
        extents: [],
    };
    s.exec::<InitiateDcAdd, _>(&WithItems { head, items: &extents }, |_| ())?;
    let state = host_state(s, host)?;
    Ok(merged(json!({ "add": with_extents(decoded::of(&head), &extents) }), state))
}

/// How capacity is released.
#[derive(Clone, Copy)]
struct Release {
    policy: ReleasePolicy,
    forced: bool,
    sanitize: bool,
}

/// Initiate Dynamic Capacity Release (5605h), then the host's state.
fn release(
    s: &mut Session,
    opts: &Options,
    host: u16,
    how: Release,
    length: Option<u64>,
    tag: Option<[u8; 16]>,
    given: &[(u64, u64)],
) -> Result<Value, Failure> {
    match (how.policy, tag, given.is_empty()) {
        (ReleasePolicy::TagBased, None, _) => return Err(s.usage("the tag-based policy needs --tag")),
        (ReleasePolicy::TagBased, Some(_), false) => return Err(s.usage("--extent is for the prescriptive policy")),
        (ReleasePolicy::Prescriptive, _, true) => return Err(s.usage("the prescriptive policy needs --extent")),
        _ => {}
    }
    let taking = if how.forced { "take dynamic capacity from" } else { "ask for dynamic capacity back from" };
    s.confirm(opts, &format!("{taking} host {host}"))?;
    let length = match length {
        Some(l) => l,
        None => given
            .iter()
            .try_fold(0u64, |sum, &(_, len)| sum.checked_add(len))
            .ok_or_else(|| s.usage("the extents' lengths add up to more than 64 bits"))?,
    };
    let tag = tag.unwrap_or([0; 16]);
    let extents = wire_extents(given, tag);
    // Flags (CXL r3.2 Table 7-70): removal policy bits 3:0, Forced Removal bit 4, Sanitize on
    // Release bit 5.
    let flags = how.policy.value() | u8::from(how.forced) << 4 | u8::from(how.sanitize) << 5;
    let head = cxlmi_cmd_fmapi_initiate_dc_release_req {
        host_id: host,
        flags,
        rsvd: 0,
        length,
        tag,
        ext_count: u32::try_from(extents.len()).unwrap_or(u32::MAX),
        extents: [],
    };
    s.exec::<InitiateDcRelease, _>(&WithItems { head, items: &extents }, |_| ())?;
    let state = host_state(s, host)?;
    Ok(merged(json!({ "release": with_extents(decoded::of(&head), &extents) }), state))
}
