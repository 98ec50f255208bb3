//! The host end of the QEMU guest's second serial port (tests/qemu/run.sh): answers MCTP over
//! DSP0253 serial framing with the emulated CXL fabric, so the guest's real kernel MCTP stack
//! (the N_MCTP line discipline, AF_MCTP sockets) can be tested against something that answers.
//!
//! `cxlmi-qemu-responder SOCKET [--eid N]` listens on the unix socket SOCKET, where QEMU's chardev
//! connects, and serves until QEMU closes it. At EID 8 (by default) sits the emulator's switch
//! model (`Model::Switch`: a Type 3 device behind port 1, an MLD behind port 2), answering CCI
//! (MCTP type 8) and FM-API (type 7) messages; tunnelled commands reach the devices behind it.
//!
//! Framing, FCS, fragmentation into the serial MTU, reassembly and tag handling are mctp-estack's;
//! this program only moves bytes and hands whole messages to `cxlmi_emulator::respond`.
//!
//! Two vendor opcodes, which no emulated device has, steer it from the guest (CXL reserves
//! C000h-FFFFh for vendors):
//! - `SILENCE` (CF5Eh): answered with success; then the next request is dropped unanswered, so the
//!   guest can test its timeout.
//! - `REPORT` (CF7Ah): answered with what this side saw of that very request: its MCTP tag value,
//!   its CCI message tag, its MCTP type, how many requests came before it (a u32), and the MCTP
//!   tag value of the last request it dropped (FFh: none).

use std::future::Future;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::pin::pin;
use std::process::ExitCode;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use cxlmi_emulator::{Component, Model, respond};
use embedded_io_async::ErrorKind;
use mctp::{Eid, MsgIC, MsgType, Tag};
use mctp_estack::Stack;
use mctp_estack::fragment::SendOutput;
use mctp_estack::serial::MctpSerialHandler;

/// The MCTP serial binding's baseline transmission unit is 64 bytes (DSP0253); the kernel's
/// mctp-serial uses that as its MTU, so packets are a 4-byte header and at most 64 payload bytes.
const SERIAL_MTU: usize = 4 + 64;
const MCTP_TYPE_FMAPI: u8 = 0x07;
const MCTP_TYPE_CCI: u8 = 0x08;
const OPCODE_SILENCE: u16 = 0xcf5e;
const OPCODE_REPORT: u16 = 0xcf7a;
/// Enough for a 2 KiB CXL payload, its 12-byte CCI header and a tunnel wrapping or two.
const NEEDED_MESSAGE: usize = 4096;

/// The serial line's two directions, as the async byte streams mctp-estack's serial binding reads
/// and writes. The socket is blocking, so the futures never wait: [`block_on`] polls them once.
struct Rx(BufReader<UnixStream>);
struct Tx(BufWriter<UnixStream>);

impl embedded_io_async::ErrorType for Rx {
    type Error = ErrorKind;
}
impl embedded_io_async::ErrorType for Tx {
    type Error = ErrorKind;
}
impl embedded_io_async::Read for Rx {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        self.0.read(buf).map_err(|_| ErrorKind::Other)
    }
}
impl embedded_io_async::Write for Tx {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        self.0.write(buf).map_err(|_| ErrorKind::Other)
    }
    async fn flush(&mut self) -> Result<(), ErrorKind> {
        self.0.flush().map_err(|_| ErrorKind::Other)
    }
}

/// Runs a future whose I/O blocks instead of returning Pending.
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// What the responder keeps between messages.
struct Responder {
    fabric: Box<dyn Component>,
    requests: u32,
    silence_next: bool,
    dropped_tag: Option<u8>,
}

impl Responder {
    /// The reply to one whole message (`None`: stay silent).
    fn answer(&mut self, typ: u8, mctp_tag: u8, msg: &[u8]) -> Option<Vec<u8>> {
        if typ != MCTP_TYPE_CCI && typ != MCTP_TYPE_FMAPI {
            eprintln!("responder: ignoring a message of MCTP type {typ:#04x}");
            return None;
        }
        let seen = self.requests;
        self.requests += 1;
        if msg.len() < 12 {
            eprintln!("responder: dropping a {}-byte message (no CCI header)", msg.len());
            return None;
        }
        // CCI message header (CXL r3.1 Figure 7-19): category, tag, reserved, opcode (LE), ...
        let (cci_tag, opcode) = (msg[1], u16::from_le_bytes([msg[3], msg[4]]));
        eprintln!(
            "responder: #{seen} type {typ} MCTP tag {mctp_tag} CCI tag {cci_tag} opcode {opcode:04x}h, {} bytes",
            msg.len()
        );
        if self.silence_next {
            self.silence_next = false;
            self.dropped_tag = Some(mctp_tag);
            eprintln!("responder: staying silent, as asked");
            return None;
        }
        let vendor = match opcode {
            OPCODE_SILENCE => {
                self.silence_next = true;
                Some(Vec::new())
            }
            OPCODE_REPORT => {
                let mut p = vec![mctp_tag, cci_tag, typ];
                p.extend_from_slice(&seen.to_le_bytes());
                p.push(self.dropped_tag.unwrap_or(0xff));
                Some(p)
            }
            _ => None,
        };
        let mut out = Vec::new();
        match vendor {
            Some(payload) => {
                // A success response to a request header: category 1, same tag and opcode.
                out.extend_from_slice(&[1, cci_tag, 0, msg[3], msg[4]]);
                let len = payload.len() as u32;
                out.extend_from_slice(&[len as u8, (len >> 8) as u8, ((len >> 16) & 0x0f) as u8, 0, 0, 0, 0]);
                out.extend_from_slice(&payload);
            }
            None => {
                if !respond(self.fabric.as_mut(), msg, typ == MCTP_TYPE_FMAPI, &mut out) {
                    eprintln!("responder: the fabric drops this message");
                    return None;
                }
            }
        }
        Some(out)
    }
}

fn serve(stream: UnixStream, eid: u8) -> io::Result<()> {
    let start = Instant::now();
    let now = || start.elapsed().as_millis() as u64;
    let mut rx = Rx(BufReader::new(stream.try_clone()?));
    let mut tx = Tx(BufWriter::new(stream));
    let mut serial = MctpSerialHandler::new();
    let mut stack = Stack::new(Eid(eid), SERIAL_MTU, now());
    let mut responder =
        Responder { fabric: Model::Switch.build(), requests: 0, silence_next: false, dropped_tag: None };
    loop {
        let packet = match block_on(serial.recv_async(&mut rx)) {
            Ok(p) => p.to_vec(),
            // EOF: QEMU closed the line (the guest powered off).
            Err(_) => return Ok(()),
        };
        stack.update(now()).map_err(|e| io::Error::other(format!("{e:?}")))?;
        let (source, tag, typ, msg) = match stack.receive(&packet) {
            Ok(Some((m, handle))) => {
                let got = (m.source, m.tag, m.typ, m.payload.to_vec());
                stack.finished_receive(handle);
                got
            }
            Ok(None) => continue,
            Err(e) => {
                eprintln!("responder: packet refused by the MCTP stack: {e:?}");
                continue;
            }
        };
        let Tag::Owned(tv) = tag else {
            eprintln!("responder: ignoring a response from EID {}", source.0);
            continue;
        };
        let Some(reply) = responder.answer(typ.0, tv.0, &msg) else { continue };
        // The reply carries the request's tag value with Tag Owner clear (DSP0236 8.4).
        let mut fragmenter = stack
            .start_send(source, MsgType(typ.0), Some(Tag::Unowned(tv)), false, MsgIC(false), None, None)
            .map_err(|e| io::Error::other(format!("start_send: {e:?}")))?;
        let mut buf = [0u8; SERIAL_MTU];
        let mut packets = 0;
        loop {
            match fragmenter.fragment(&reply, &mut buf) {
                SendOutput::Packet(p) => {
                    block_on(serial.send_async(p, &mut tx)).map_err(|e| io::Error::other(format!("{e:?}")))?;
                    packets += 1;
                }
                SendOutput::Complete { .. } => break,
                SendOutput::Error { err, .. } => return Err(io::Error::other(format!("fragment: {err:?}"))),
            }
        }
        tx.0.flush()?;
        eprintln!("responder:   answered {} bytes in {packets} packets", reply.len());
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (path, eid) = match args.as_slice() {
        [_, path] => (path.clone(), 8),
        [_, path, flag, eid] if flag == "--eid" => match eid.parse() {
            Ok(eid) => (path.clone(), eid),
            Err(_) => (String::new(), 0),
        },
        _ => (String::new(), 0),
    };
    if path.is_empty() {
        eprintln!("usage: cxlmi-qemu-responder SOCKET [--eid N]");
        return ExitCode::from(2);
    }
    if mctp_estack::config::MAX_PAYLOAD < NEEDED_MESSAGE {
        eprintln!(
            "responder: mctp-estack was built for {}-byte messages; rebuild with MCTP_ESTACK_MAX_MESSAGE=8192",
            mctp_estack::config::MAX_PAYLOAD
        );
        return ExitCode::FAILURE;
    }
    let _ = std::fs::remove_file(&path);
    let listener = match UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("responder: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("responder: EID {eid}, the emulated switch, waiting on {path}");
    let result = listener.accept().and_then(|(stream, _)| serve(stream, eid));
    match result {
        Ok(()) => {
            eprintln!("responder: the line closed");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("responder: {e}");
            ExitCode::FAILURE
        }
    }
}
