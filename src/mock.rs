//! The mock endpoint API (`cxlmi/test.h`), as upstream exports it.

use core::ffi::{c_int, c_uint, c_void};

use crate::context::open_from_c;
use crate::{bytes_in, cxlmi_ctx, cxlmi_endpoint, endpoint, guard, lock, status};
use cxlmi::cci::Opcode;
use cxlmi::error::{Error, Result};
use cxlmi::transport::mock::Mock;

/// Runs `f` on the mock behind a C endpoint pointer, the endpoint held,
/// refusing NULL and other endpoints.
///
/// # Safety
/// `ep` is NULL or a live endpoint.
unsafe fn with_mock<R>(ep: *mut cxlmi_endpoint, f: impl FnOnce(&mut Mock) -> Result<R>) -> Result<R> {
    let mut core = lock(&unsafe { endpoint(ep) }?.core);
    f(core.transport_mut::<Mock>().ok_or(Error::InvalidArgument("not a mock endpoint"))?)
}

/// Opens a mock endpoint, which answers commands from queued responses.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_open_mock(ctx: *mut cxlmi_ctx) -> *mut cxlmi_endpoint {
    open_from_c(ctx, |c, _| Ok(c.open_mock()))
}

/// Queues a response (return code and a copy of `payload`) for the next
/// command with this command set and command; 0, or -1 with `errno` set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_mock_set_response(
    ep: *mut cxlmi_endpoint,
    command_set: u8,
    command: u8,
    return_code: u16,
    payload: *mut c_void,
    payload_size: usize,
) -> c_int {
    guard(-1, || {
        status(unsafe {
            with_mock(ep, |mock| {
                // A NULL payload queues an empty one, as upstream.
                let data = if payload.is_null() { &[][..] } else { bytes_in(payload.cast(), payload_size)? };
                mock.queue_response(Opcode::new(command_set, command), return_code, data);
                Ok(())
            })
        })
    })
}

/// Drops every queued response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_mock_clear_responses(ep: *mut cxlmi_endpoint) {
    guard((), || {
        let _ = unsafe {
            with_mock(ep, |m| {
                m.clear_responses();
                Ok(())
            })
        };
    })
}

/// Reads the counts of commands received and responses returned (either
/// output may be NULL); 0, or -1 with `errno` set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_mock_get_stats(
    ep: *mut cxlmi_endpoint,
    commands_sent: *mut c_uint,
    responses_returned: *mut c_uint,
) -> c_int {
    guard(-1, || {
        status(unsafe { with_mock(ep, |m| Ok(m.stats())) }.map(|(sent, returned)| {
            // SAFETY: each output is NULL or writable.
            unsafe {
                if let Some(p) = commands_sent.as_mut() {
                    *p = sent;
                }
                if let Some(p) = responses_returned.as_mut() {
                    *p = returned;
                }
            }
        }))
    })
}

/// Reads the last command received: its command set and command, and its
/// payload into `payload` (at most `*payload_size` bytes). `*payload_size`
/// is then set to the full payload size. Any output may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cxlmi_mock_get_last_command(
    ep: *mut cxlmi_endpoint,
    command_set: *mut u8,
    command: *mut u8,
    payload: *mut c_void,
    payload_size: *mut usize,
) -> c_int {
    guard(-1, || {
        status(unsafe { with_mock(ep, |m| Ok(m.last_command().map(|(op, data)| (op, data.to_vec())))) }.map(|last| {
            let (op, data) = last.unwrap_or((Opcode(0), Vec::new()));
            // SAFETY: each output is NULL or writable; payload holds *payload_size bytes.
            unsafe {
                if let Some(p) = command_set.as_mut() {
                    *p = op.command_set();
                }
                if let Some(p) = command.as_mut() {
                    *p = op.command();
                }
                if let Some(size) = payload_size.as_mut() {
                    if !payload.is_null() {
                        let n = (*size).min(data.len());
                        core::ptr::copy_nonoverlapping(data.as_ptr(), payload.cast::<u8>(), n);
                    }
                    *size = data.len();
                }
            }
        }))
    })
}
