//! Every command, described once: its opcode, how its request is encoded,
//! how long its response may be, and how the response is decoded.
//!
//! Commands of a common shape are declared as one line of data each:
//! `fixed_commands!` (a fixed request struct and a fixed response struct),
//! `variable_request_commands!` (a fixed head with data bytes or counted
//! entries, empty response), `listed_commands!` (a fixed request, a
//! response of a fixed part and entries) and `raw_read_commands!` (raw
//! bytes of a requested length). Commands with rules of their own implement
//! [`Command`] by hand next to them, with the shared pieces below.

pub mod catalog;
pub mod fmapi;
pub mod generic;
pub mod memdev;

use crate::cci::Response;
use crate::cci::{Opcode, ResponseSize};
use crate::error::{Error, Result};
use crate::wire::Wire;

/// Implemented only by the declaring macros (`command_set!` and the macros
/// inside it): a command type must be declared there to implement
/// [`Command`], so the declarations are the complete list of commands.
pub trait Declared {}

/// One CXL command.
pub trait Command: Declared {
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

/// One typed command, as the registry lists it ([`catalog`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub opcode: Opcode,
    /// The command type's name, e.g. `Identify` (in `cxlmi::commands::generic`).
    pub name: &'static str,
    /// Its module under [`crate::commands`]: `generic`, `memdev` or `fmapi`.
    pub set: &'static str,
}

impl Entry {
    /// The entry of command type `C`, named `name`; its set is filled in by
    /// [`catalog::commands`].
    pub const fn of<C: Command>(name: &'static str) -> Entry {
        Entry { opcode: C::OPCODE, name, set: "" }
    }
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
    (@entries $( $(#[$doc:meta])* $name:ident = $op:literal, $req:ty => $rsp:ty; )*) => {
        &[$( $crate::commands::Entry::of::<$name>(stringify!($name)), )*]
    };
    ($( $(#[$doc:meta])* $name:ident = $op:literal, $req:ty => $rsp:ty; )*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl $crate::commands::Declared for $name {}
        impl $crate::commands::Command for $name {
            const OPCODE: $crate::cci::Opcode = $crate::cci::Opcode($op);
            type Input<'i> = $req;
            type Output<'o> = $rsp;
            #[inline]
            fn request_len(_: &$req) -> $crate::error::Result<usize> {
                Ok(<$req as $crate::wire::Wire>::SIZE)
            }
            #[inline]
            fn encode(input: &$req, payload: &mut [u8]) {
                $crate::wire::Wire::encode(input, payload)
            }
            #[inline]
            fn response_size(_: &$req) -> $crate::cci::ResponseSize {
                $crate::cci::ResponseSize::fixed(<$rsp as $crate::wire::Wire>::SIZE)
            }
            #[inline]
            fn decode<'o>(_: &$req, rsp: $crate::cci::Response<'o>) -> $crate::error::Result<$rsp> {
                Ok(<$rsp as $crate::wire::Wire>::decode(rsp.bytes))
            }
        }
    )*};
}
pub(crate) use fixed_commands;

/// A fixed request head followed by raw data bytes (firmware, feature data,
/// label data, security protocol data); the message length says how many.
pub struct WithData<'a, H> {
    pub head: H,
    pub data: &'a [u8],
}

impl<H: Wire> WithData<'_, H> {
    /// Request bytes, refused past the CCI message limit.
    pub fn request_len(&self) -> Result<usize> {
        len_with_items::<H, u8>(self.data.len())
    }

    /// Writes the head, then the data.
    pub fn encode(&self, payload: &mut [u8]) {
        self.head.encode(payload);
        payload[H::SIZE..][..self.data.len()].copy_from_slice(self.data);
    }
}

/// A fixed request head followed by entries, whose count the head states
/// (port ids, DPA ranges, allocations, bandwidth fractions, extents, data
/// bytes).
#[derive(Clone, Copy, Debug)]
pub struct WithItems<'a, H, E> {
    pub head: H,
    pub items: &'a [E],
}

impl<H: Wire + ItemCount, E: Wire> WithItems<'_, H, E> {
    /// Request bytes, refusing more entries than the head's count field may
    /// state, or than a CCI message carries.
    pub fn request_len(&self) -> Result<usize> {
        items_len::<H, E>(self.items.len())
    }

    /// Writes the head, its count set to the entries given (whatever the
    /// caller left in it), then the entries.
    pub fn encode(&self, payload: &mut [u8]) {
        let mut head = self.head;
        head.set_item_count(self.items.len());
        encode_with_items(&head, self.items, payload)
    }
}

/// A fixed part, of a request or a response, with a field stating how many
/// entries follow it. Declared with `item_counts!`.
pub trait ItemCount {
    /// Most entries the field may state.
    const MAX_ITEMS: usize;
    /// The count the field states.
    fn item_count(&self) -> usize;
    /// Sets the field to `n`, at most [`Self::MAX_ITEMS`].
    fn set_item_count(&mut self, n: usize);
}

/// Declares which field of a fixed part counts the entries after it, and
/// its type: `head { field: u8 }`. The most it may state is what the type
/// holds, or a smaller bound the command sets: `head { field: u16, max N }`.
macro_rules! item_counts {
    (@max $ty:ty) => { <$ty>::MAX as usize };
    (@max $ty:ty, $max:expr) => { $max };
    ($( $head:ty { $count:ident: $ty:ty $(, max $max:expr)? } )*) => {
        /// Which field of each fixed part counts the entries after it, by C
        /// name: what the Python module sizes flexible arrays by.
        pub const ITEM_COUNTS: &[(&str, &str)] = &[$( (stringify!($head), stringify!($count)), )*];
        $(
        impl $crate::commands::ItemCount for $head {
            const MAX_ITEMS: usize = $crate::commands::item_counts!(@max $ty $(, $max)?);
            #[inline]
            fn item_count(&self) -> usize {
                self.$count as usize
            }
            #[inline]
            fn set_item_count(&mut self, n: usize) {
                debug_assert!(n <= Self::MAX_ITEMS);
                self.$count = n as $ty;
            }
        }
    )*
    };
}
pub(crate) use item_counts;

impl<'a, H: Wire + ItemCount, E: Wire> Listed<'a, H, E> {
    /// Decodes a response of a fixed part and entries: keeps at most `room`
    /// entries, no more than the fixed part claims and no more than arrived,
    /// and sets its count field to the number kept.
    pub fn from_response(rsp: Response<'a>, room: usize) -> Self {
        let mut head = H::decode(rsp.bytes);
        let entries = rsp.sent().get(H::SIZE..).unwrap_or_default();
        let list = Listed::new(head, entries, head.item_count(), room);
        head.set_item_count(list.count());
        Listed { head, ..list }
    }
}

/// Declares commands whose request is a fixed head and a variable part
/// (`WithData<head>`: raw bytes; `WithItems<head, entry>`: entries the head
/// counts) and whose response is empty.
macro_rules! variable_request_commands {
    (@entries $( $(#[$doc:meta])* $name:ident = $op:literal, $shape:ident<$($arg:ty),+>; )*) => {
        &[$( $crate::commands::Entry::of::<$name>(stringify!($name)), )*]
    };
    ($( $(#[$doc:meta])* $name:ident = $op:literal, $shape:ident<$($arg:ty),+>; )*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl $crate::commands::Declared for $name {}
        impl $crate::commands::Command for $name {
            const OPCODE: $crate::cci::Opcode = $crate::cci::Opcode($op);
            type Input<'i> = $crate::commands::$shape<'i, $($arg),+>;
            type Output<'o> = ();
            #[inline]
            fn request_len(input: &Self::Input<'_>) -> $crate::error::Result<usize> {
                input.request_len()
            }
            #[inline]
            fn encode(input: &Self::Input<'_>, payload: &mut [u8]) {
                input.encode(payload)
            }
            #[inline]
            fn response_size(_: &Self::Input<'_>) -> $crate::cci::ResponseSize {
                $crate::cci::ResponseSize::fixed(0)
            }
            #[inline]
            fn decode<'o>(_: &Self::Input<'_>, _: $crate::cci::Response<'o>) -> $crate::error::Result<()> {
                Ok(())
            }
        }
    )*};
}
pub(crate) use variable_request_commands;

/// Declares commands that read exactly as many raw bytes as the request's
/// length field asks for; a length past the CCI message limit is refused
/// before anything is sent.
macro_rules! raw_read_commands {
    (@entries $( $(#[$doc:meta])* $name:ident = $op:literal, $req:ty { $len:ident }; )*) => {
        &[$( $crate::commands::Entry::of::<$name>(stringify!($name)), )*]
    };
    ($( $(#[$doc:meta])* $name:ident = $op:literal, $req:ty { $len:ident }; )*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl $crate::commands::Declared for $name {}
        impl $crate::commands::Command for $name {
            const OPCODE: $crate::cci::Opcode = $crate::cci::Opcode($op);
            type Input<'i> = $req;
            type Output<'o> = &'o [u8];
            #[inline]
            fn request_len(input: &$req) -> $crate::error::Result<usize> {
                if input.$len as usize > $crate::cci::MAX_PAYLOAD_LEN {
                    return Err($crate::error::Error::InvalidArgument("length asked for exceeds the CCI message limit"));
                }
                Ok(<$req as $crate::wire::Wire>::SIZE)
            }
            #[inline]
            fn encode(input: &$req, payload: &mut [u8]) {
                $crate::wire::Wire::encode(input, payload)
            }
            #[inline]
            fn response_size(input: &$req) -> $crate::cci::ResponseSize {
                $crate::cci::ResponseSize::fixed(input.$len as usize)
            }
            #[inline]
            fn decode<'o>(_: &$req, rsp: $crate::cci::Response<'o>) -> $crate::error::Result<&'o [u8]> {
                Ok(rsp.bytes)
            }
        }
    )*};
}
pub(crate) use raw_read_commands;

/// Declares commands whose request is one fixed struct (or `()`) and whose
/// response is a fixed part followed by entries, of which at most `room`
/// are kept (computed from the request `q`). The response holds `exactly`
/// that room, or is `up_to` it; a room no message could carry is refused
/// before anything is sent.
macro_rules! listed_commands {
    (@entries $( $(#[$doc:meta])* $name:ident = $op:literal, $req:ty
        => $rsp:ty, [$entry:ty; $size:ident |$q:pat_param| $room:expr]; )*) => {
        &[$( $crate::commands::Entry::of::<$name>(stringify!($name)), )*]
    };
    (@size exactly, $rsp:ty, $entry:ty, $room:expr) => {
        $crate::cci::ResponseSize::fixed($crate::commands::room_len::<$rsp, $entry>($room))
    };
    (@size up_to, $rsp:ty, $entry:ty, $room:expr) => {
        $crate::cci::ResponseSize::between(
            <$rsp as $crate::wire::Wire>::SIZE,
            $crate::commands::room_len::<$rsp, $entry>($room),
        )
    };
    ($( $(#[$doc:meta])* $name:ident = $op:literal, $req:ty
        => $rsp:ty, [$entry:ty; $size:ident |$q:pat_param| $room:expr]; )*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl $crate::commands::Declared for $name {}
        impl $name {
            /// Entries kept at most, and so the room the caller's output must have.
            pub fn room($q: &$req) -> usize {
                $room
            }
        }
        impl $crate::commands::Command for $name {
            const OPCODE: $crate::cci::Opcode = $crate::cci::Opcode($op);
            type Input<'i> = $req;
            type Output<'o> = $crate::commands::Listed<'o, $rsp, $entry>;
            #[inline]
            fn request_len(_: &$req) -> $crate::error::Result<usize> {
                Ok(<$req as $crate::wire::Wire>::SIZE)
            }
            #[inline]
            fn encode(input: &$req, payload: &mut [u8]) {
                $crate::wire::Wire::encode(input, payload)
            }
            #[inline]
            fn response_size(input: &$req) -> $crate::cci::ResponseSize {
                $crate::commands::listed_commands!(@size $size, $rsp, $entry, Self::room(input))
            }
            #[inline]
            fn decode<'o>(input: &$req, rsp: $crate::cci::Response<'o>) -> $crate::error::Result<Self::Output<'o>> {
                Ok($crate::commands::Listed::from_response(rsp, Self::room(input)))
            }
        }
    )*};
}
pub(crate) use listed_commands;

/// Declares the commands whose [`Command`] implementation is written by
/// hand below them (the declaration is the type; its `impl` must follow).
macro_rules! custom_commands {
    (@entries $( $(#[$doc:meta])* $name:ident; )*) => {
        &[$( $crate::commands::Entry::of::<$name>(stringify!($name)), )*]
    };
    ($( $(#[$doc:meta])* $name:ident; )*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl $crate::commands::Declared for $name {}
    )*};
}
pub(crate) use custom_commands;

/// A command set's module declares all its commands inside one
/// `command_set!`, through the declaring macros above; besides declaring
/// them, it lists them as the module's `COMMANDS`, which the
/// [`catalog`] gathers. So the declarations are the one list of commands.
macro_rules! command_set {
    ($( $kind:ident! { $($rows:tt)* } )*) => {
        $( $kind! { $($rows)* } )*

        /// Every command this module declares, by declaring macro.
        pub const COMMANDS: &[&[$crate::commands::Entry]] = &[
            $( $kind! { @entries $($rows)* }, )*
        ];
    };
}
pub(crate) use command_set;

/// Encodes a fixed request head followed by `items`, each in wire form.
#[inline]
pub fn encode_with_items<H: Wire, E: Wire>(head: &H, items: &[E], payload: &mut [u8]) {
    head.encode(payload);
    for (i, item) in items.iter().enumerate() {
        item.encode(&mut payload[H::SIZE + i * E::SIZE..]);
    }
}

/// Request bytes of a head and `n` items of `E`, refused when past the
/// CCI message limit.
#[inline]
pub fn len_with_items<H: Wire, E: Wire>(n: usize) -> Result<usize> {
    n.checked_mul(E::SIZE)
        .and_then(|b| b.checked_add(H::SIZE))
        .filter(|&len| len <= crate::cci::MAX_PAYLOAD_LEN)
        .ok_or(Error::InvalidArgument("request payload exceeds the CCI message limit"))
}

/// Request bytes of a head and `n` entries it counts, refusing more entries
/// than its count field may state, or than a CCI message carries.
#[inline]
pub fn items_len<H: Wire + ItemCount, E: Wire>(n: usize) -> Result<usize> {
    if n > H::MAX_ITEMS {
        return Err(Error::InvalidArgument("more entries than the request's count field can state"));
    }
    len_with_items::<H, E>(n)
}

/// Payload bytes of a fixed part and `n` entries: the most a response may
/// carry. A request may ask for more entries than one message holds (the
/// count is a limit for the component, not data we send), so the room is
/// capped at the CCI message limit instead of refusing the command.
pub(crate) fn room_len<H: Wire, E: Wire>(n: usize) -> usize {
    n.saturating_mul(E::SIZE).saturating_add(H::SIZE).min(crate::cci::MAX_PAYLOAD_LEN)
}

/// Dynamic capacity regions a device has at most (CXL r3.1 section 9.13.3),
/// and so the region arrays of the Get DC Configuration (4800h) and Get Host
/// DC Region Configuration (5601h) outputs.
pub const MAX_DC_REGIONS: usize = 8;

/// 256 MB, the unit CXL states memory capacities in on the wire: Identify
/// Memory Device's and the partitions' capacities (CXL r3.1 sections
/// 8.2.9.9.1.1, 8.2.9.9.2.1) and dynamic capacity lengths (decode lengths,
/// total capacity; those the library hands out in bytes, as upstream does).
pub const CAPACITY_UNIT: u64 = 256 << 20;

/// Decodes dynamic capacity region configurations as Get Dynamic Capacity
/// Configuration (4800h) and Get Host DC Region Configuration (5601h) both
/// lay them out: `head` bytes, the regions returned, then four u32 counts
/// (extents supported and available, tags supported and available) right
/// after the last region returned.
///
/// Fills `regions` with those kept, no more than `claimed`, than `regions`
/// holds, and than arrived whole with the counts after them, passing each
/// through `fix`. Returns how many were kept, and the four counts.
pub(crate) fn dc_region_configs<R: Wire>(
    rsp: Response<'_>,
    head: usize,
    claimed: usize,
    regions: &mut [R],
    fix: impl Fn(&mut R),
) -> (usize, [u32; 4]) {
    const COUNTS: usize = <[u32; 4]>::SIZE;
    let arrived = rsp.sent().len().saturating_sub(head + COUNTS) / R::SIZE;
    let n = claimed.min(regions.len()).min(arrived);
    for (i, r) in regions.iter_mut().take(n).enumerate() {
        *r = R::decode(&rsp.bytes[head + i * R::SIZE..]);
        fix(r);
    }
    (n, <[u32; 4]>::decode(&rsp.bytes[head + n * R::SIZE..]))
}

#[cfg(test)]
pub(crate) mod testing {
    //! Running commands against a mock endpoint in unit tests.
    use crate::cci::Opcode;
    use crate::log::Logger;
    use crate::{Context, Endpoint};

    pub fn mock_endpoint() -> Endpoint {
        Context::new(Logger::stderr(0)).open_mock()
    }

    /// Queues `payload` as the answer to `op` on a fresh mock endpoint.
    pub fn answering(op: u16, rc: u16, payload: &[u8]) -> Endpoint {
        let mut ep = mock_endpoint();
        ep.transport_mut::<crate::transport::mock::Mock>().unwrap().queue_response(Opcode(op), rc, payload);
        ep
    }

    /// The payload of the last command the mock received.
    pub fn sent(ep: &mut Endpoint) -> Vec<u8> {
        ep.transport_mut::<crate::transport::mock::Mock>()
            .unwrap()
            .last_command()
            .map(|(_, p)| p.to_vec())
            .unwrap_or_default()
    }
}
