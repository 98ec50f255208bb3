//! Generic Component commands (CXL r3.1 section 8.2.9.1 to 8.2.9.5) every
//! model answers the same way from its [`Common`] state, and the Tunnel
//! Management Command of the models that tunnel. A model lists them in its
//! own table as `generic::identify::<Self>` and so on.

use crate::device::{Common, Device, Done, Handled, Rc, cel, input, input_head, put, respond};
use cxlmi::cci::{HEADER_LEN, Opcode};
use cxlmi::commands::generic::CEL_UUID;
use cxlmi::types::*;
use cxlmi::wire::Wire;

/// Tunnel Management Command (CXL r3.1 section 7.6.7.3.1).
pub const TUNNEL: Opcode = cxlmi::tunnel::OPCODE;

/// Identify (0001h).
pub fn identify<D: Device>(d: &mut D, req: &[u8], out: &mut Vec<u8>) -> Handled {
    input::<()>(req)?;
    let id = d.common().identity;
    put(out, &id);
    Ok(Done::Now)
}

/// Background Operation Status (0002h): bit 0 of the status says one is
/// running, bits 7:1 its percentage; the opcode and return code are of the
/// running operation, else of the last one that finished.
pub fn bg_op_status<D: Device>(d: &mut D, req: &[u8], out: &mut Vec<u8>) -> Handled {
    input::<()>(req)?;
    let c: &Common = d.common();
    let mut rsp = cxlmi_cmd_bg_op_status_rsp::zeroed();
    if let Some((op, pct)) = c.background() {
        rsp.status = 1 | (pct << 1);
        rsp.opcode = op.0;
    } else if let Some(f) = c.finished {
        rsp.status = f.percent << 1;
        rsp.opcode = f.opcode.0;
        rsp.returncode = f.rc as u16;
    }
    put(out, &rsp);
    Ok(Done::Now)
}

/// Get Response Message Limit (0003h).
pub fn get_response_limit<D: Device>(d: &mut D, req: &[u8], out: &mut Vec<u8>) -> Handled {
    input::<()>(req)?;
    put(out, &cxlmi_cmd_get_response_msg_limit_rsp { limit: d.common().response_limit });
    Ok(Done::Now)
}

/// Set Response Message Limit (0004h): 256 bytes (2^8) up to the device's
/// own maximum message size (CXL r3.1 section 8.2.9.1.4).
pub fn set_response_limit<D: Device>(d: &mut D, req: &[u8], out: &mut Vec<u8>) -> Handled {
    let r: cxlmi_cmd_set_response_msg_limit_req = input(req)?;
    let c = d.common();
    if r.limit < 8 || r.limit > c.identity.max_msg_size {
        return Err(Rc::CXLMI_RET_INPUT);
    }
    c.response_limit = r.limit;
    put(out, &cxlmi_cmd_set_response_msg_limit_rsp { limit: r.limit });
    Ok(Done::Now)
}

/// Request Background Operation Abort (0005h).
pub fn request_bg_abort<D: Device>(d: &mut D, req: &[u8], _out: &mut Vec<u8>) -> Handled {
    input::<()>(req)?;
    d.common().abort_background()
}

/// Get Timestamp (0300h): nanoseconds since the epoch, counting from the
/// last Set Timestamp (0 when never set).
pub fn get_timestamp<D: Device>(d: &mut D, req: &[u8], out: &mut Vec<u8>) -> Handled {
    input::<()>(req)?;
    put(out, &cxlmi_cmd_get_timestamp_rsp { timestamp: d.common().now_ns() });
    Ok(Done::Now)
}

/// Set Timestamp (0301h).
pub fn set_timestamp<D: Device>(d: &mut D, req: &[u8], _out: &mut Vec<u8>) -> Handled {
    let r: cxlmi_cmd_set_timestamp_req = input(req)?;
    d.common().set_timestamp(r.timestamp);
    Ok(Done::Now)
}

/// The CEL's size in bytes.
fn cel_size<D: Device>() -> usize {
    D::commands().len() * 4
}

/// Get Supported Logs (0400h): the Command Effects Log.
pub fn supported_logs<D: Device>(_d: &mut D, req: &[u8], out: &mut Vec<u8>) -> Handled {
    supported_logs_of(cel_size::<D>(), req, out)
}

/// Get Supported Logs (0400h) of a device whose CEL is `cel_len` bytes.
pub fn supported_logs_of(cel_len: usize, req: &[u8], out: &mut Vec<u8>) -> Handled {
    input::<()>(req)?;
    let mut head = cxlmi_cmd_get_supported_logs_rsp::zeroed();
    head.num_supported_log_entries = 1;
    put(out, &head);
    let log_size = u32::try_from(cel_len).map_err(|_| Rc::CXLMI_RET_INTERNAL)?;
    put(out, &cxlmi_supported_log_entry { uuid: CEL_UUID, log_size });
    Ok(Done::Now)
}

/// Get Log (0401h) of the CEL, which is generated from the command table.
pub fn get_log<D: Device>(_d: &mut D, req: &[u8], out: &mut Vec<u8>) -> Handled {
    let log: Vec<u8> = cel::<D>().flatten().collect();
    get_log_of(&log, req, out)
}

/// Get Log (0401h): `length` bytes from `offset` of the CEL `log`. Another
/// UUID is Invalid Log; a range past the log's end is Invalid Input.
pub fn get_log_of(log: &[u8], req: &[u8], out: &mut Vec<u8>) -> Handled {
    let r: cxlmi_cmd_get_log_req = input(req)?;
    if r.uuid != CEL_UUID {
        return Err(Rc::CXLMI_RET_LOG);
    }
    let (offset, length) = (r.offset as usize, r.length as usize);
    let part = offset.checked_add(length).and_then(|end| log.get(offset..end)).ok_or(Rc::CXLMI_RET_INPUT)?;
    out.extend_from_slice(part);
    Ok(Done::Now)
}

/// Tunnel Management Command (5300h), forwarded by the device's
/// [`Device::forward`].
pub fn tunnel<D: Device>(d: &mut D, req: &[u8], out: &mut Vec<u8>) -> Handled {
    tunnel_via(req, out, |target, id, msg, out| d.forward(target, id, msg, out))
}

/// Tunnel Management Command (5300h): unwraps the request, has `forward`
/// answer it at the port or LD it names (false: no such target), and wraps
/// the answer. A command size that disagrees with the payload, or a target
/// that is not there, is Invalid Input.
pub fn tunnel_via(req: &[u8], out: &mut Vec<u8>, forward: impl FnOnce(u8, u8, &[u8], &mut Vec<u8>) -> bool) -> Handled {
    let ((id, target, size), inner) = input_head::<(u8, u8, u16)>(req)?;
    if usize::from(size) != inner.len() || inner.len() < HEADER_LEN {
        return Err(Rc::CXLMI_RET_INPUT);
    }
    let start = out.len();
    put(out, &0u32); // response length and reserved, filled in below
    if !forward(target, id, inner, out) {
        return Err(Rc::CXLMI_RET_INPUT);
    }
    let len = u16::try_from(out.len() - start - 4).map_err(|_| Rc::CXLMI_RET_INTERNAL)?;
    len.encode(&mut out[start..]);
    Ok(Done::Now)
}

/// Answers a message forwarded to `component` through a tunnel, which
/// reaches it as its FM-owned CCI does. A message it drops is a tunnelling
/// failure: the device answering the tunnel reports Invalid Input.
pub fn forward_to(component: &mut dyn crate::device::Component, msg: &[u8], out: &mut Vec<u8>) -> bool {
    respond(component, msg, true, out)
}
