//! Every command, described once: its opcode, how its request is encoded,
//! how long its response may be, and how the response is decoded.
//!
//! Commands with a fixed request struct and a fixed response struct are
//! declared as one line of data with [`fixed_commands!`]; commands with
//! variable-length parts implement [`Command`] by hand next to them.

pub mod fmapi;
pub mod generic;
pub mod memdev;

use crate::cci::{Opcode, ResponseSize};
use crate::endpoint::Response;
use crate::error::Result;
use crate::wire::Wire;

/// One CXL command.
pub trait Command {
    const OPCODE: Opcode;
    /// What the caller gives.
    type Input<'i>;
    /// What a successful response decodes to; it may borrow the endpoint's
    /// response buffer.
    type Output<'o>;
    /// Request payload bytes (refusing inputs that would not fit).
    fn request_len(input: &Self::Input<'_>) -> Result<usize>;
    /// Writes exactly `request_len` payload bytes.
    fn encode(input: &Self::Input<'_>, payload: &mut [u8]);
    /// The response payload sizes the command accepts.
    fn response_size(input: &Self::Input<'_>) -> ResponseSize;
    /// Decodes a checked response.
    fn decode<'o>(input: &Self::Input<'_>, rsp: Response<'o>) -> Result<Self::Output<'o>>;
}

/// A response with a fixed part `H` followed by entries `E`, of which only
/// as many are kept as were received and as the caller has room for.
#[derive(Clone, Copy, Debug)]
pub struct Listed<'a, H, E> {
    /// The fixed part; its count field states how many entries follow
    /// (set to the number kept).
    pub head: H,
    entries: &'a [u8],
    count: usize,
    _entry: core::marker::PhantomData<E>,
}

impl<'a, H, E: Wire> Listed<'a, H, E> {
    /// Keeps at most `claimed` entries (the response's own count), no more
    /// than `room` (what the caller's buffer holds), and no more than the
    /// `entries` bytes hold.
    pub fn new(head: H, entries: &'a [u8], claimed: usize, room: usize) -> Self {
        let count = claimed.min(room).min(entries.len() / E::SIZE.max(1));
        Listed { head, entries, count, _entry: core::marker::PhantomData }
    }

    /// How many entries were kept.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The entries, decoded from the wire one at a time.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = E> + 'a {
        let bytes = self.entries;
        (0..self.count).map(move |i| E::decode(&bytes[i * E::SIZE..]))
    }
}

/// Declares commands whose request and response are each one fixed struct
/// (or `()` for none).
macro_rules! fixed_commands {
    ($( $(#[$doc:meta])* $name:ident = $op:literal, $req:ty => $rsp:ty; )*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl $crate::commands::Command for $name {
            const OPCODE: $crate::cci::Opcode = $crate::cci::Opcode($op);
            type Input<'i> = $req;
            type Output<'o> = $rsp;
            fn request_len(_: &$req) -> $crate::error::Result<usize> {
                Ok(<$req as $crate::wire::Wire>::SIZE)
            }
            fn encode(input: &$req, payload: &mut [u8]) {
                $crate::wire::Wire::encode(input, payload)
            }
            fn response_size(_: &$req) -> $crate::cci::ResponseSize {
                $crate::cci::ResponseSize::fixed(<$rsp as $crate::wire::Wire>::SIZE)
            }
            fn decode<'o>(_: &$req, rsp: $crate::endpoint::Response<'o>) -> $crate::error::Result<$rsp> {
                Ok(<$rsp as $crate::wire::Wire>::decode(rsp.bytes))
            }
        }
    )*};
}
pub(crate) use fixed_commands;

/// A fixed request head followed by raw data bytes (firmware, feature data,
/// label data, security protocol data).
pub struct WithData<'a, H> {
    pub head: H,
    pub data: &'a [u8],
}

/// Declares commands whose request is a fixed head plus data bytes and whose
/// response is empty.
macro_rules! data_commands {
    ($( $(#[$doc:meta])* $name:ident = $op:literal, $head:ty; )*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl $crate::commands::Command for $name {
            const OPCODE: $crate::cci::Opcode = $crate::cci::Opcode($op);
            type Input<'i> = $crate::commands::WithData<'i, $head>;
            type Output<'o> = ();
            fn request_len(input: &Self::Input<'_>) -> $crate::error::Result<usize> {
                $crate::commands::len_with_items::<$head, u8>(input.data.len())
            }
            fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
                $crate::wire::Wire::encode(&input.head, payload);
                payload[<$head as $crate::wire::Wire>::SIZE..][..input.data.len()].copy_from_slice(input.data);
            }
            fn response_size(_: &Self::Input<'_>) -> $crate::cci::ResponseSize {
                $crate::cci::ResponseSize::fixed(0)
            }
            fn decode<'o>(_: &Self::Input<'_>, _: $crate::endpoint::Response<'o>) -> $crate::error::Result<()> {
                Ok(())
            }
        }
    )*};
}
pub(crate) use data_commands;

/// Encodes a fixed request head followed by `items`, each in wire form.
pub(crate) fn encode_with_items<H: Wire, E: Wire>(head: &H, items: &[E], payload: &mut [u8]) {
    head.encode(payload);
    for (i, item) in items.iter().enumerate() {
        item.encode(&mut payload[H::SIZE + i * E::SIZE..]);
    }
}

/// Request bytes of a head and `n` items of `E`, refused when past the
/// CCI message limit.
pub(crate) fn len_with_items<H: Wire, E: Wire>(n: usize) -> Result<usize> {
    n.checked_mul(E::SIZE)
        .and_then(|b| b.checked_add(H::SIZE))
        .filter(|&len| len <= crate::cci::MAX_PAYLOAD_LEN)
        .ok_or(crate::error::Error::InvalidArgument("request payload exceeds the CCI message limit"))
}

#[cfg(test)]
pub(crate) mod testing {
    //! Running commands against a mock endpoint in unit tests.
    use crate::cci::Opcode;
    use crate::endpoint::{Context, Endpoint};
    use crate::log::Logger;

    pub fn mock_endpoint() -> Endpoint {
        Context::new(Logger::stderr(0)).open_mock()
    }

    /// Queues `payload` as the answer to `op` on a fresh mock endpoint.
    pub fn answering(op: u16, rc: u16, payload: &[u8]) -> Endpoint {
        let mut ep = mock_endpoint();
        ep.mock().unwrap().queue_response(Opcode(op), rc, payload);
        ep
    }

    /// The payload of the last command the mock received.
    pub fn sent(ep: &mut Endpoint) -> Vec<u8> {
        ep.mock().unwrap().last_command().map(|(_, p)| p.to_vec()).unwrap_or_default()
    }
}
