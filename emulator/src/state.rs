//! State files: an emulated fabric kept alive across separate runs of a
//! program, so that a flow of several steps (transfer firmware, activate
//! it, reset; bind a vPPB, then unbind it) can be run one step per run of
//! the `cxlmi` tool.
//!
//! A state file records what changed the fabric: every request message the
//! component accepted (answered with Success or Background Operation
//! Started), with the tunnel path it was sent on, and every reset, each
//! with the moment of the emulator's clock at which it happened. Opening a
//! model with a state file builds a fresh component and replays them in
//! order, each at its recorded moment ([`crate::clock`]), which rebuilds the
//! state exactly: a background operation started in an earlier run has been
//! running since then, as on a device that stayed powered, and one aborted
//! stays aborted. New requests and resets are then appended. Requests the
//! component refused changed nothing and are not recorded.
//!
//! The format (version 1) is text, one entry per line, fields separated by
//! one space:
//!
//! ```text
//! cxlmi-emulator-state version=1 model=type3
//! # comment lines start with '#'
//! request 1718000000123456789 fmapi - 00010001000000000000cdab
//! request 1718000000323456789 fmapi 0:2/0:1 00020001000000000000cdab
//! reset 1718000000523456789 cold
//! ```
//!
//! - the first line names the format, its version and the emulator model
//!   (`type3`, `switch`, `mld`, `mhd`) whose requests follow;
//! - `request MOMENT CHANNEL PATH MESSAGE`: MOMENT in nanoseconds since the
//!   UNIX epoch; CHANNEL `cci` or `fmapi`, the channel the outermost message
//!   arrived on (MCTP message type 8 or 7); PATH `-` when the request went
//!   to the opened component itself, else the tunnel hops from the outermost
//!   in, `/`-separated, each `TARGET:ID` (the Tunnel Management Command's
//!   target type and port or LD id, in decimal); MESSAGE the request the
//!   component at the end of the path answered (CCI header and payload) in
//!   hex;
//! - `reset MOMENT KIND`: KIND `cold` or `warm` ([`ResetKind`]).
//!
//! Every entry ends with a newline, written in one piece, so a file cut
//! short (a full disk, a killed writer) ends inside a line and is refused as
//! truncated, as is anything else that does not read as above; a file of
//! another model is refused too. One program at a time may use a state
//! file: two appending at once would each replay only what was there when
//! they opened it.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};

use crate::clock::{self, Moment};
use crate::device::{Component, ResetKind, respond};
use cxlmi::cci::{CATEGORY_REQUEST, HEADER_LEN, Header};
use cxlmi::error::{Error, Result};
use cxlmi::tunnel::{REQUEST_HEADER_LEN, RESPONSE_HEADER_LEN};
use cxlmi::types::cxlmi_cmd_retcode;

/// The first word of a state file.
pub const MAGIC: &str = "cxlmi-emulator-state";
/// The format version this emulator writes and reads.
pub const VERSION: u32 = 1;

/// One hop of a tunnel path: the Tunnel Management Command's target type
/// and port or LD id.
type Hop = (u8, u8);

/// One entry of a state file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    Request { at: Moment, fmapi: bool, path: Vec<Hop>, msg: Vec<u8> },
    Reset { at: Moment, kind: ResetKind },
}

/// The state file an emulator appends to.
pub(crate) struct Journal {
    file: File,
    path: PathBuf,
    /// The line being written, reused.
    line: String,
}

impl Journal {
    /// Records the request `req` if `rsp` says it was accepted, at `at`.
    pub(crate) fn record(&mut self, at: Moment, req: &[u8], rsp: &[u8], fmapi: bool) -> Result<()> {
        let Some((path, msg)) = accepted(req, rsp) else { return Ok(()) };
        self.line.clear();
        write_request(&mut self.line, at, fmapi, &path, msg);
        self.append()
    }

    /// Records a reset at `at`.
    pub(crate) fn record_reset(&mut self, at: Moment, kind: ResetKind) -> Result<()> {
        self.line.clear();
        let _ = writeln!(self.line, "reset {} {}", at.as_nanos(), kind.name());
        self.append()
    }

    /// Appends the line in one write, so that it is there whole or cut short.
    fn append(&mut self) -> Result<()> {
        self.file.write_all(self.line.as_bytes()).map_err(|e| {
            Error::Io(std::io::Error::new(e.kind(), format!("cannot record in {}: {e}", self.path.display())))
        })
    }
}

/// Brings `component`, freshly built as model `model`, to the state
/// recorded in the file at `path` and opens the file to record what comes
/// next. A missing or empty file is a fresh start: it is created with its
/// header. A file that is not a state file, is cut short, names another
/// model, or records a request the component no longer accepts, fails with
/// [`Error::Io`] of kind `InvalidData` saying where and why.
pub(crate) fn restore(component: &mut dyn Component, model: &str, path: &Path) -> Result<Journal> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))),
    };
    let fresh = text.is_empty();
    if !fresh {
        let entries = parse(&text, model).map_err(|e| e.into_error(path))?;
        replay(component, &entries).map_err(|e| e.into_error(path))?;
    }
    let mut file = OpenOptions::new().create(true).append(true).open(path).map_err(|e| {
        Error::Io(std::io::Error::new(e.kind(), format!("cannot open {} to record in it: {e}", path.display())))
    })?;
    if fresh {
        let header = format!(
            "{MAGIC} version={VERSION} model={model}\n\
             # request NS cci|fmapi PATH|- MESSAGE-HEX, reset NS cold|warm (NS: ns since the UNIX epoch; \
             PATH: tunnel hops TARGET:ID/..., outermost first)\n"
        );
        file.write_all(header.as_bytes())
            .map_err(|e| Error::Io(std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))))?;
    }
    Ok(Journal { file, path: path.to_path_buf(), line: String::new() })
}

/// What is wrong with a state file, and on which line (1-based; 0 for the
/// file as a whole).
#[derive(Debug, PartialEq, Eq)]
struct Bad {
    line: usize,
    why: String,
}

impl Bad {
    fn at(line: usize, why: impl Into<String>) -> Bad {
        Bad { line, why: why.into() }
    }

    fn into_error(self, path: &Path) -> Error {
        let msg = match self.line {
            0 => format!("emulator state file {}: {}", path.display(), self.why),
            n => format!("emulator state file {}: line {n}: {}", path.display(), self.why),
        };
        Error::Io(std::io::Error::new(ErrorKind::InvalidData, msg))
    }
}

/// Reads a state file's entries, each with its line number, checking that
/// it was written for `model`.
fn parse(bytes: &[u8], model: &str) -> core::result::Result<Vec<(usize, Entry)>, Bad> {
    let text = std::str::from_utf8(bytes).map_err(|_| Bad::at(0, "not a state file (not text)"))?;
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    if !text.ends_with('\n') {
        return Err(Bad::at(lines.len(), "cut short: the file ends inside this line"));
    }
    let header = lines.first().copied().unwrap_or_default();
    let mut fields = header.split(' ');
    if fields.next() != Some(MAGIC) {
        return Err(Bad::at(1, format!("not a state file (it does not start with '{MAGIC}')")));
    }
    let (version, written_for) = match (fields.next(), fields.next(), fields.next()) {
        (Some(v), Some(m), None) => (v.strip_prefix("version="), m.strip_prefix("model=")),
        _ => (None, None),
    };
    let (Some(version), Some(written_for)) = (version, written_for) else {
        return Err(Bad::at(1, format!("the header is not '{MAGIC} version=N model=NAME'")));
    };
    if version != VERSION.to_string() {
        return Err(Bad::at(1, format!("format version {version}; this emulator reads version {VERSION}")));
    }
    if written_for != model {
        return Err(Bad::at(1, format!("written for emulator model '{written_for}', not '{model}'")));
    }
    let mut entries = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(1) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        entries.push((i + 1, parse_entry(line).map_err(|why| Bad::at(i + 1, why))?));
    }
    Ok(entries)
}

fn parse_entry(line: &str) -> core::result::Result<Entry, String> {
    let fields: Vec<&str> = line.split(' ').collect();
    let moment = |s: &str| s.parse::<u64>().map(Moment::from_nanos).map_err(|_| format!("'{s}' is not a moment in ns"));
    match fields[..] {
        ["request", at, channel, path, msg] => {
            let fmapi = match channel {
                "cci" => false,
                "fmapi" => true,
                _ => return Err(format!("channel '{channel}' is neither 'cci' nor 'fmapi'")),
            };
            let msg = unhex(msg).ok_or("the message is not hex digits in pairs")?;
            if !is_request(&msg) {
                return Err("the message is not a CCI request (header, then as many bytes as it says)".into());
            }
            Ok(Entry::Request { at: moment(at)?, fmapi, path: parse_path(path)?, msg })
        }
        ["reset", at, kind] => {
            let kind = ResetKind::from_name(kind).ok_or_else(|| format!("'{kind}' is not a kind of reset"))?;
            Ok(Entry::Reset { at: moment(at)?, kind })
        }
        [word, ..] if word == "request" || word == "reset" => Err(format!("a '{word}' entry with the wrong fields")),
        _ => Err("neither a request nor a reset".into()),
    }
}

/// `-`, or `TARGET:ID` hops joined by `/`.
fn parse_path(s: &str) -> core::result::Result<Vec<Hop>, String> {
    if s == "-" {
        return Ok(Vec::new());
    }
    s.split('/')
        .map(|hop| {
            let (t, id) = hop.split_once(':').ok_or_else(|| format!("tunnel hop '{hop}' is not TARGET:ID"))?;
            match (t.parse(), id.parse()) {
                (Ok(t), Ok(id)) => Ok((t, id)),
                _ => Err(format!("tunnel hop '{hop}' is not two numbers up to 255")),
            }
        })
        .collect()
}

fn write_request(line: &mut String, at: Moment, fmapi: bool, path: &[Hop], msg: &[u8]) {
    let _ = write!(line, "request {} {} ", at.as_nanos(), if fmapi { "fmapi" } else { "cci" });
    if path.is_empty() {
        line.push('-');
    }
    for (i, (target, id)) in path.iter().enumerate() {
        let _ = write!(line, "{}{target}:{id}", if i > 0 { "/" } else { "" });
    }
    line.push(' ');
    line.reserve(msg.len() * 2 + 1);
    for b in msg {
        let _ = write!(line, "{b:02x}");
    }
    line.push('\n');
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes().chunks_exact(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

/// Whether `msg` is a CCI request message whose length agrees with its header.
fn is_request(msg: &[u8]) -> bool {
    if msg.len() < HEADER_LEN {
        return false;
    }
    let h = Header::decode(msg);
    h.category == CATEGORY_REQUEST && h.payload_len == msg.len() - HEADER_LEN
}

/// Follows the request message `req` and its response `rsp` through their
/// Tunnel Management Commands to the request that was finally answered.
/// Returns the hops taken, outermost first, that request, and its
/// response's header; None when the messages do not parse.
fn innermost<'a>(mut req: &'a [u8], mut rsp: &[u8]) -> Option<(Vec<Hop>, &'a [u8], Header)> {
    let mut path = Vec::new();
    loop {
        if req.len() < HEADER_LEN || rsp.len() < HEADER_LEN {
            return None;
        }
        let r = Header::decode(rsp);
        let tunnelled = Header::decode(req).opcode == crate::generic::TUNNEL;
        if !tunnelled || r.return_code != cxlmi_cmd_retcode::CXLMI_RET_SUCCESS as u16 {
            return Some((path, req, r));
        }
        // Request payload: id, target type, size, the message; response
        // payload: length, reserved, the message.
        let (q, p) = (&req[HEADER_LEN..], &rsp[HEADER_LEN..]);
        if q.len() < REQUEST_HEADER_LEN || p.len() < RESPONSE_HEADER_LEN {
            return None;
        }
        path.push((q[1], q[0]));
        req = &q[REQUEST_HEADER_LEN..];
        rsp = &p[RESPONSE_HEADER_LEN..];
    }
}

/// Whether a return code says the request was carried out (at once or in
/// the background).
fn is_accepted(rc: u16) -> bool {
    rc == cxlmi_cmd_retcode::CXLMI_RET_SUCCESS as u16 || rc == cxlmi_cmd_retcode::CXLMI_RET_BACKGROUND as u16
}

/// The tunnel path and the request message that the component at its end
/// accepted, when `rsp` says it did.
fn accepted<'a>(req: &'a [u8], rsp: &[u8]) -> Option<(Vec<Hop>, &'a [u8])> {
    let (path, inner, r) = innermost(req, rsp)?;
    is_accepted(r.return_code).then_some((path, inner))
}

/// Wraps `inner` in a Tunnel Management Command per hop, the last hop innermost.
fn wrap(path: &[Hop], inner: &[u8]) -> Result<Vec<u8>> {
    let mut msg = inner.to_vec();
    for &(target, id) in path.iter().rev() {
        let mut outer = Vec::with_capacity(msg.len() + HEADER_LEN + REQUEST_HEADER_LEN);
        cxlmi::tunnel::wrap(&mut outer, 0, target, id, &msg)?;
        msg = outer;
    }
    Ok(msg)
}

/// Replays `entries` into `component`, each at its moment; a request the
/// component does not accept again is an error, as the state would differ
/// from what was recorded from then on.
fn replay(component: &mut dyn Component, entries: &[(usize, Entry)]) -> core::result::Result<(), Bad> {
    let mut out = Vec::new();
    for (line, entry) in entries {
        match entry {
            Entry::Request { at, fmapi, path, msg } => {
                let wrapped = wrap(path, msg).map_err(|e| Bad::at(*line, format!("cannot tunnel the request: {e}")))?;
                out.clear();
                let answered = clock::at(*at, || respond(component, &wrapped, *fmapi, &mut out));
                let refused = |why: String| Bad::at(*line, format!("the model no longer accepts this request: {why}"));
                if !answered {
                    return Err(refused("it drops the message".into()));
                }
                let (_, req, r) =
                    innermost(&wrapped, &out).ok_or_else(|| refused("its answer does not parse".into()))?;
                if !is_accepted(r.return_code) {
                    let opcode = Header::decode(req).opcode;
                    return Err(refused(format!("{opcode}: {}", Error::Device(r.return_code))));
                }
            }
            Entry::Reset { at, kind } => clock::at(*at, || component.reset(*kind)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(tag: u8, opcode: u16, payload: &[u8]) -> Vec<u8> {
        let mut msg = vec![0; HEADER_LEN];
        Header::request(tag, cxlmi::cci::Opcode(opcode), payload.len()).encode(&mut msg);
        msg.extend_from_slice(payload);
        msg
    }

    #[test]
    fn entries_read_back_as_written() {
        let msg = request(3, 0x4101, &[4, 0, 0, 0, 0, 0, 0, 0, 0]);
        let mut text = format!("{MAGIC} version=1 model=switch\n# a comment\n\n");
        let at = Moment::from_nanos(1_718_000_000_123_456_789);
        write_request(&mut text, at, true, &[(0, 2), (0, 1)], &msg);
        write_request(&mut text, at, false, &[], &msg);
        text.push_str("reset 5 warm\n");
        let entries = parse(text.as_bytes(), "switch").unwrap();
        assert_eq!(
            entries,
            [
                (4, Entry::Request { at, fmapi: true, path: vec![(0, 2), (0, 1)], msg: msg.clone() }),
                (5, Entry::Request { at, fmapi: false, path: vec![], msg }),
                (6, Entry::Reset { at: Moment::from_nanos(5), kind: ResetKind::Warm }),
            ]
        );
        assert!(text.lines().nth(3).unwrap().starts_with("request 1718000000123456789 fmapi 0:2/0:1 0003000141090000"));
    }

    #[test]
    fn what_is_not_a_state_file_is_refused_with_its_line() {
        let head = format!("{MAGIC} version=1 model=type3\n");
        let good = request(0, 1, &[]).iter().map(|b| format!("{b:02x}")).collect::<String>();
        let cases: &[(String, usize, &str)] = &[
            ("hello\n".into(), 1, "not a state file"),
            (format!("{MAGIC} version=2 model=type3\n"), 1, "version 2"),
            (format!("{MAGIC} model=type3\n"), 1, "header"),
            (format!("{MAGIC} version=1 model=mhd\n"), 1, "model 'mhd', not 'type3'"),
            (format!("{head}request 1 cci - {good}"), 2, "cut short"),
            (format!("{MAGIC} version=1 mod"), 1, "cut short"),
            (format!("{head}request 1 cci - {good} extra\n"), 2, "wrong fields"),
            (format!("{head}request x cci - {good}\n"), 2, "moment"),
            (format!("{head}request 1 mctp - {good}\n"), 2, "channel"),
            (format!("{head}request 1 cci 0:300 {good}\n"), 2, "up to 255"),
            (format!("{head}request 1 cci 0 {good}\n"), 2, "TARGET:ID"),
            (format!("{head}request 1 cci - {}\n", &good[1..]), 2, "hex"),
            (format!("{head}request 1 cci - 0g{}\n", &good[2..]), 2, "hex"),
            (format!("{head}request 1 cci - {good}00\n"), 2, "not a CCI request"),
            (format!("{head}reset 1 lukewarm\n"), 2, "kind of reset"),
            (format!("{head}poke 1\n"), 2, "neither"),
        ];
        for (text, line, says) in cases {
            let bad = parse(text.as_bytes(), "type3").unwrap_err();
            assert_eq!(bad.line, *line, "{text:?}: {bad:?}");
            assert!(bad.why.contains(says), "{text:?}: {bad:?}");
        }
        assert!(parse(&[0xff, b'\n'], "type3").unwrap_err().why.contains("not text"));
        // Every cut of a good file is refused, never a panic.
        let whole = format!("{head}request 1 fmapi 1:255 {good}\nreset 2 cold\n");
        for n in 1..whole.len() {
            if whole.as_bytes()[n - 1] != b'\n' {
                assert!(parse(&whole.as_bytes()[..n], "type3").is_err(), "cut at {n}");
            }
        }
        assert_eq!(parse(whole.as_bytes(), "type3").unwrap().len(), 2);
    }

    #[test]
    fn only_accepted_requests_are_followed_to_their_end() {
        let inner = request(1, 0x0001, &[]);
        let wrapped = wrap(&[(0, 2), (1, 255)], &inner).unwrap();
        let answer = |rc: u16, payload: &[u8]| {
            let mut m = vec![0; HEADER_LEN];
            let h = Header {
                category: cxlmi::cci::CATEGORY_RESPONSE,
                tag: 0,
                opcode: cxlmi::cci::Opcode(0x5300),
                payload_len: payload.len(),
                background: false,
                return_code: rc,
                vendor_ext_status: 0,
            };
            h.encode(&mut m);
            m.extend_from_slice(payload);
            m
        };
        let tunnel_ok = |inner_rsp: &[u8]| {
            let mut p = (inner_rsp.len() as u16).to_le_bytes().to_vec();
            p.extend_from_slice(&[0, 0]);
            p.extend_from_slice(inner_rsp);
            answer(0, &p)
        };
        let accepted_inner = tunnel_ok(&tunnel_ok(&answer(1, &[])));
        assert_eq!(accepted(&wrapped, &accepted_inner), Some((vec![(0, 2), (1, 255)], &inner[..])));
        let refused_inner = tunnel_ok(&tunnel_ok(&answer(3, &[])));
        assert_eq!(accepted(&wrapped, &refused_inner), None);
        assert_eq!(accepted(&wrapped, &answer(2, &[])), None, "the tunnel refused");
        assert_eq!(accepted(&wrapped, &answer(0, &[1])), None, "a tunnel answer too short");
        assert_eq!(accepted(&inner, &answer(0, &[])), Some((vec![], &inner[..])));
    }
}
