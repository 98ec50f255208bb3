//! The MCTP transport: CCI messages as MCTP messages through Linux AF_MCTP
//! datagram sockets, one socket per message type. Type 8 (CXL CCI, DMTF
//! DSP0281) carries the component's own commands; type 7 (CXL FM-API, DMTF
//! DSP0234) carries FM-API commands and every tunnelled command, on a second
//! socket opened when FM-API is enabled.
//!
//! The system calls sit behind [`Sockets`] and [`Datagram`], so tests drive
//! this transport with an in-process peer.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Transport;
use crate::cci::{CATEGORY_RESPONSE, HEADER_LEN, Header};
use crate::error::{Error, Result};
use crate::log::{LOG_DEBUG, LOG_ERR, Logger};
use crate::log_at;

/// The Linux address family of MCTP sockets (not in every libc).
pub const AF_MCTP: libc::c_int = 45;
/// MCTP message type of the CXL FM-API binding (DSP0234).
pub const MCTP_TYPE_CXL_FMAPI: u8 = 0x07;
/// MCTP message type of the CXL CCI binding (DSP0281).
pub const MCTP_TYPE_CXL_CCI: u8 = 0x08;
/// We own the MCTP tag: the kernel allocates it and routes the reply back.
const MCTP_TAG_OWNER: u8 = 0x08;
/// Longest response timeout, and the default (CXL r3.1 section 9.20.2).
pub const MAX_TIMEOUT_MS: u32 = 2000;

/// `struct sockaddr_mctp` of `<linux/mctp.h>`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct sockaddr_mctp {
    pub smctp_family: libc::sa_family_t,
    pub smctp_pad0: u16,
    pub smctp_network: u32,
    pub smctp_addr: u8,
    pub smctp_type: u8,
    pub smctp_tag: u8,
    pub smctp_pad1: u8,
}

const _: () = {
    assert!(size_of::<sockaddr_mctp>() == 12);
    assert!(core::mem::offset_of!(sockaddr_mctp, smctp_network) == 4);
    assert!(core::mem::offset_of!(sockaddr_mctp, smctp_addr) == 8);
    assert!(core::mem::offset_of!(sockaddr_mctp, smctp_type) == 9);
    assert!(core::mem::offset_of!(sockaddr_mctp, smctp_tag) == 10);
};

/// Where MCTP messages of one type go: network, endpoint id, message type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Address {
    pub net: u32,
    pub eid: u8,
    pub message_type: u8,
}

impl Address {
    pub fn sockaddr(&self) -> sockaddr_mctp {
        sockaddr_mctp {
            smctp_family: AF_MCTP as libc::sa_family_t,
            smctp_network: self.net,
            smctp_addr: self.eid,
            smctp_type: self.message_type,
            smctp_tag: MCTP_TAG_OWNER,
            ..Default::default()
        }
    }
}

/// A datagram socket sending to one MCTP address and receiving the replies.
pub trait Datagram: Send {
    /// Sends one whole message.
    fn send(&mut self, msg: &[u8]) -> io::Result<()>;

    /// Waits up to `timeout_ms` (0: without limit) for one message and reads
    /// it into `buf`. Returns the message's whole length, which is more than
    /// `buf.len()` when the message did not fit (the rest is dropped). Fails
    /// with [`io::ErrorKind::TimedOut`] when nothing arrives in time.
    fn recv(&mut self, buf: &mut [u8], timeout_ms: u32) -> io::Result<usize>;
}

/// Opens [`Datagram`] sockets.
pub trait Sockets: Send {
    fn open(&mut self, to: Address) -> io::Result<Box<dyn Datagram>>;
}

/// The kernel's AF_MCTP sockets.
///
/// Why not `mctp-linux` (0.2.0, the latest release; from the authors of the
/// kernel's MCTP stack) behind this seam: it covers tag ownership
/// (`MctpSocket::sendto` with `MCTP_TAG_OWNER` in the address, as
/// `MctpLinuxReq` sends) and network ids (`smctp_network`), but not the rest
/// this transport needs. Its `recvfrom` passes no `MSG_TRUNC` and returns
/// only the bytes copied, so a response longer than the command allows is
/// silently cut to the buffer and would be checked as a shorter one; and it
/// has no per-call timeout, only `SO_RCVTIMEO` on the socket, which takes a
/// `setsockopt` per command and restarts in full after a signal (no
/// deadline). Using it would leave our own `recvmsg` and `poll` here and
/// move only `socket` and `sendto`, for two more crates (`mctp-linux` and
/// `mctp`).
pub struct KernelSockets;

impl Sockets for KernelSockets {
    fn open(&mut self, to: Address) -> io::Result<Box<dyn Datagram>> {
        Ok(Box::new(Socket::open(to)?))
    }
}

/// The kernel's AF_MCTP sockets, as [`crate::Context::scan_mctp`] gives
/// them to the endpoints it opens, except that an endpoint's FM-API socket opens when its
/// first FM-API message is sent, not when FM-API is enabled. A scan enables FM-API on every
/// endpoint mctpd lists it for (type 07h) and on every switch or type 3 device probing finds;
/// a fleet poller that scans a thousand endpoints and speaks FM-API to a few then holds a
/// socket per endpoint, not two, and a scan costs half the socket system calls (`socket`,
/// and `close` when the endpoint goes), which are most of its CPU time. A socket that cannot
/// be opened then fails that first FM-API command, with the `socket` error.
pub struct ScanSockets;

impl Sockets for ScanSockets {
    fn open(&mut self, to: Address) -> io::Result<Box<dyn Datagram>> {
        if to.message_type == MCTP_TYPE_CXL_FMAPI {
            return Ok(Box::new(OnFirstUse { to, socket: None }));
        }
        Ok(Box::new(Socket::open(to)?))
    }
}

/// A socket to `to`, opened the first time it is used.
struct OnFirstUse {
    to: Address,
    socket: Option<Socket>,
}

impl OnFirstUse {
    fn socket(&mut self) -> io::Result<&mut Socket> {
        if self.socket.is_none() {
            self.socket = Some(Socket::open(self.to)?);
        }
        Ok(self.socket.as_mut().expect("opened above"))
    }
}

impl Datagram for OnFirstUse {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.socket()?.send(msg)
    }

    fn recv(&mut self, buf: &mut [u8], timeout_ms: u32) -> io::Result<usize> {
        self.socket()?.recv(buf, timeout_ms)
    }
}

/// One AF_MCTP datagram socket and the address it sends to.
pub struct Socket {
    fd: OwnedFd,
    to: sockaddr_mctp,
}

impl Socket {
    pub fn open(to: Address) -> io::Result<Socket> {
        // SAFETY: plain system call; the descriptor is owned below.
        let fd = unsafe { libc::socket(AF_MCTP, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor nobody else owns.
        Ok(Socket { fd: unsafe { OwnedFd::from_raw_fd(fd) }, to: to.sockaddr() })
    }
}

impl Datagram for Socket {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        // SAFETY: `msg` and the address are live for the call, with their lengths.
        let n = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                msg.as_ptr().cast(),
                msg.len(),
                0,
                (&raw const self.to).cast(),
                size_of::<sockaddr_mctp>() as libc::socklen_t,
            )
        };
        match n {
            n if n < 0 => Err(io::Error::last_os_error()),
            n if n as usize != msg.len() => Err(io::Error::new(io::ErrorKind::WriteZero, "MCTP message sent in part")),
            _ => Ok(()),
        }
    }

    fn recv(&mut self, buf: &mut [u8], timeout_ms: u32) -> io::Result<usize> {
        recv_datagram(&self.fd, buf, timeout_ms)
    }
}

/// Waits for `fd` to be readable until `deadline` (`None`: no limit),
/// retrying when a signal interrupts the wait.
fn wait_readable(fd: &OwnedFd, deadline: Option<Instant>) -> io::Result<()> {
    loop {
        let wait_ms = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                left.as_nanos().div_ceil(1_000_000).min(libc::c_int::MAX as u128) as libc::c_int
            }
        };
        let mut pfd = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one live pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, wait_ms) };
        if rc > 0 {
            return Ok(());
        }
        if rc == 0 {
            return Err(io::Error::from_raw_os_error(libc::ETIMEDOUT));
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Receives one datagram from `fd` within `timeout_ms` (0: no limit), as
/// [`Datagram::recv`] describes.
fn recv_datagram(fd: &OwnedFd, buf: &mut [u8], timeout_ms: u32) -> io::Result<usize> {
    let deadline = (timeout_ms != 0).then(|| Instant::now() + Duration::from_millis(timeout_ms.into()));
    loop {
        wait_readable(fd, deadline)?;
        let mut iov = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
        // SAFETY: zeroed msghdr is valid (no name, no control data).
        let mut msg: libc::msghdr = unsafe { core::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        // MSG_TRUNC: the return value is the datagram's whole length.
        // SAFETY: `msg` points at one iovec over `buf`, live for the call.
        let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, libc::MSG_TRUNC | libc::MSG_DONTWAIT) };
        if n < 0 {
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => continue,
                _ => return Err(e),
            }
        }
        let n = n as usize;
        // Some families report the truncation only in the flags.
        if msg.msg_flags & libc::MSG_TRUNC != 0 && n <= buf.len() {
            return Ok(buf.len() + 1);
        }
        return Ok(n);
    }
}

/// Whether `msg` (all of it, or its first bytes when it was cut) is the
/// response to `request`: a response, with the request's tag and opcode.
/// Everything else about it is checked above the transport.
fn answers(request: &Header, msg: &[u8]) -> bool {
    if msg.len() < HEADER_LEN {
        return false;
    }
    let h = Header::decode(msg);
    h.category == CATEGORY_RESPONSE && h.tag == request.tag && h.opcode == request.opcode
}

/// An MCTP endpoint's CCI, and its FM-API channel while FM-API is enabled.
pub struct Mctp {
    net: u32,
    eid: u8,
    sockets: Box<dyn Sockets>,
    cci: Box<dyn Datagram>,
    fmapi: Option<Box<dyn Datagram>>,
    tag: u8,
    log: Arc<Logger>,
}

impl Mctp {
    /// Opens the CCI socket to endpoint `eid` on network `net`.
    pub fn open(mut sockets: Box<dyn Sockets>, net: u32, eid: u8, log: Arc<Logger>) -> io::Result<Mctp> {
        let cci = sockets.open(Address { net, eid, message_type: MCTP_TYPE_CXL_CCI })?;
        Ok(Mctp { net, eid, sockets, cci, fmapi: None, tag: 0, log })
    }

    fn timed_out(&self) -> Error {
        log_at!(self.log, LOG_DEBUG, "timeout on MCTP socket to {}:{}", self.net, self.eid);
        Error::Timeout
    }

    /// How an MCTP endpoint is named, in messages and when refusing to open it twice.
    pub fn name(net: u32, eid: u8) -> String {
        format!("mctp {net}:{eid}")
    }
}

impl Transport for Mctp {
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], fmapi: bool, timeout_ms: u32) -> Result<usize> {
        let socket = if fmapi { self.fmapi.as_mut().ok_or(Error::FmapiDisabled)? } else { &mut self.cci };
        if let Err(e) = socket.send(req) {
            log_at!(self.log, LOG_ERR, "failed to send on MCTP socket to {}:{}: {e}", self.net, self.eid);
            return Err(e.into());
        }
        // Datagrams that answer something else (an earlier request whose
        // answer came after its timeout: the kernel keeps a tag routable for
        // longer than we wait; a duplicate; another opcode) are dropped, and
        // the wait for this request's answer goes on until the deadline, so a
        // late answer never stands in for the next command's.
        let request = Header::decode(req);
        let deadline = (timeout_ms != 0).then(|| Instant::now() + Duration::from_millis(timeout_ms.into()));
        loop {
            let left_ms = match deadline {
                None => 0,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    // Whole milliseconds, never 0 (which would wait without limit).
                    Some(left) if !left.is_zero() => left.as_millis().clamp(1, u128::from(u32::MAX)) as u32,
                    _ => return Err(self.timed_out()),
                },
            };
            match socket.recv(rsp, left_ms) {
                Ok(n) => {
                    let kept = n.min(rsp.len());
                    let got = &rsp[..kept];
                    if !answers(&request, got) {
                        let what = if got.len() < HEADER_LEN {
                            format!("a {n}-byte message")
                        } else {
                            let h = Header::decode(got);
                            format!("tag {} opcode {}", h.tag, h.opcode)
                        };
                        log_at!(
                            self.log,
                            LOG_DEBUG,
                            "{}: dropped {what}, which answers no request in flight (tag {}, {})",
                            Mctp::name(self.net, self.eid),
                            request.tag,
                            request.opcode
                        );
                        rsp[..kept].fill(0);
                        continue;
                    }
                    if n > rsp.len() {
                        // Only the room was read: refuse rather than check a
                        // cut message, and leave nothing of it behind.
                        rsp.fill(0);
                        return Err(Error::Protocol("response is longer than the command allows"));
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::TimedOut => return Err(self.timed_out()),
                Err(e) => {
                    log_at!(self.log, LOG_ERR, "failed receiving on MCTP socket from {}:{}: {e}", self.net, self.eid);
                    return Err(e.into());
                }
            }
        }
    }

    /// Upstream numbers MCTP requests from 0, one tag per message sent,
    /// tunnel wrappings included.
    fn next_tag(&mut self) -> u8 {
        let tag = self.tag;
        self.tag = tag.wrapping_add(1);
        tag
    }

    fn max_timeout_ms(&self) -> Option<u32> {
        Some(MAX_TIMEOUT_MS)
    }

    fn default_timeout_ms(&self) -> u32 {
        MAX_TIMEOUT_MS
    }

    fn enable_fmapi(&mut self) -> Result<()> {
        if self.fmapi.is_none() {
            let to = Address { net: self.net, eid: self.eid, message_type: MCTP_TYPE_CXL_FMAPI };
            self.fmapi = Some(self.sockets.open(to)?);
        }
        Ok(())
    }

    fn disable_fmapi(&mut self) {
        self.fmapi = None;
    }

    fn describe(&self) -> String {
        Mctp::name(self.net, self.eid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scanned_endpoint_opens_its_fm_api_socket_when_first_used() {
        let at = |message_type| Address { net: 1, eid: 8, message_type };
        // Without AF_MCTP (as on kernels without MCTP) the CCI socket fails at once; the FM-API
        // one only when a message is sent.
        let cci = ScanSockets.open(at(MCTP_TYPE_CXL_CCI)).err().map(|e| e.raw_os_error());
        let mut fmapi = ScanSockets.open(at(MCTP_TYPE_CXL_FMAPI)).expect("nothing opened yet");
        if let Some(errno) = cci {
            assert_eq!(fmapi.send(&[0; 12]).unwrap_err().raw_os_error(), errno);
            assert_eq!(fmapi.recv(&mut [0; 12], 1).unwrap_err().raw_os_error(), errno);
        }
    }

    /// The real socket code's wait and truncation handling, over a Unix
    /// datagram pair (this kernel may have no AF_MCTP).
    fn unix_pair() -> (OwnedFd, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: two ints for the two descriptors.
        let rc = unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) };
        assert_eq!(rc, 0);
        // SAFETY: fresh descriptors.
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    }

    fn unix_send(fd: &OwnedFd, m: &[u8]) {
        // SAFETY: `m` is live for the call.
        let n = unsafe { libc::send(fd.as_raw_fd(), m.as_ptr().cast(), m.len(), 0) };
        assert_eq!(n as usize, m.len());
    }

    #[test]
    fn real_receive_waits_for_the_timeout() {
        let (a, _b) = unix_pair();
        let start = Instant::now();
        let e = recv_datagram(&a, &mut [0; 16], 50).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(start.elapsed() >= Duration::from_millis(50));
    }

    #[test]
    fn real_receive_reports_whole_length_of_a_cut_datagram() {
        let (a, b) = unix_pair();
        unix_send(&b, &[1, 2, 3, 4, 5, 6]);
        let mut buf = [0; 4];
        assert_eq!(recv_datagram(&a, &mut buf, 100).unwrap(), 6);
        assert_eq!(buf, [1, 2, 3, 4]);
        unix_send(&b, &[7, 8]);
        assert_eq!(recv_datagram(&a, &mut buf, 0).unwrap(), 2);
        assert_eq!(buf[..2], [7, 8]);
    }

    #[test]
    fn real_receive_gets_a_late_datagram() {
        let (a, b) = unix_pair();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            unix_send(&b, &[9; 3]);
            b
        });
        let mut buf = [0; 8];
        assert_eq!(recv_datagram(&a, &mut buf, 2000).unwrap(), 3);
        drop(t.join());
    }
}
