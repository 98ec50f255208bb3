//! Little-endian wire encoding of payload structs.
//!
//! CXL r3.1 section 8.2.8.4 fixes every mailbox payload as little-endian. The
//! `#[repr(C, packed)]` payload structs derive [`Wire`] so a struct is read
//! from and written to wire bytes field by field, converting byte order on
//! big-endian hosts and compiling to plain copies on little-endian ones.

/// A value with a fixed little-endian wire form of `SIZE` bytes.
pub trait Wire: Sized + Copy {
    /// Bytes this value takes on the wire.
    const SIZE: usize;
    /// Reads the value from the first `SIZE` bytes of `buf` (which must hold them).
    fn decode(buf: &[u8]) -> Self;
    /// Writes the value into the first `SIZE` bytes of `buf` (which must hold them).
    fn encode(&self, buf: &mut [u8]);

    /// The all-zero value, as upstream's `calloc`ed structs start.
    fn zeroed() -> Self {
        const ZEROS: [u8; 4096] = [0; 4096];
        debug_assert!(Self::SIZE <= ZEROS.len());
        Self::decode(&ZEROS)
    }

    /// Reads the `i`th of consecutive values starting at `buf`, if `buf` holds it.
    fn decode_nth(buf: &[u8], i: usize) -> Option<Self> {
        let start = i.checked_mul(Self::SIZE)?;
        let end = start.checked_add(Self::SIZE)?;
        buf.get(start..end).map(Self::decode)
    }
}

macro_rules! int_wire {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            #[inline]
            fn decode(buf: &[u8]) -> Self {
                <$t>::from_le_bytes(buf[..Self::SIZE].try_into().unwrap())
            }
            #[inline]
            fn encode(&self, buf: &mut [u8]) {
                buf[..Self::SIZE].copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
int_wire!(u8, i8, u16, u32, u64, i32);

impl<T: Wire, const N: usize> Wire for [T; N] {
    const SIZE: usize = T::SIZE * N;
    #[inline]
    fn decode(buf: &[u8]) -> Self {
        let _ = &buf[..Self::SIZE];
        core::array::from_fn(|i| T::decode(&buf[i * T::SIZE..]))
    }
    #[inline]
    fn encode(&self, buf: &mut [u8]) {
        let _ = &buf[..Self::SIZE];
        for (i, v) in self.iter().enumerate() {
            v.encode(&mut buf[i * T::SIZE..]);
        }
    }
}

/// Encodes `v` into a fresh vector (tests and the safe API use it).
pub fn to_vec<T: Wire>(v: &T) -> Vec<u8> {
    let mut out = vec![0u8; T::SIZE];
    v.encode(&mut out);
    out
}

/// No payload.
impl Wire for () {
    const SIZE: usize = 0;
    fn decode(_: &[u8]) -> Self {}
    fn encode(&self, _: &mut [u8]) {}
}

/// Three consecutive wire values, for message heads not worth a struct of
/// their own (the emulator's view of a tunnel request).
impl<A: Wire, B: Wire, C: Wire> Wire for (A, B, C) {
    const SIZE: usize = A::SIZE + B::SIZE + C::SIZE;
    fn decode(buf: &[u8]) -> Self {
        (A::decode(buf), B::decode(&buf[A::SIZE..]), C::decode(&buf[A::SIZE + B::SIZE..]))
    }
    fn encode(&self, buf: &mut [u8]) {
        self.0.encode(buf);
        self.1.encode(&mut buf[A::SIZE..]);
        self.2.encode(&mut buf[A::SIZE + B::SIZE..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_little_endian() {
        let mut b = [0u8; 8];
        0x1122_3344_5566_7788u64.encode(&mut b);
        assert_eq!(b, [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
        assert_eq!(u64::decode(&b), 0x1122_3344_5566_7788);
        0xabcdu16.encode(&mut b);
        assert_eq!(&b[..2], &[0xcd, 0xab]);
    }

    #[test]
    fn arrays_round_trip() {
        let v: [u16; 3] = [1, 0x0203, 0xfffe];
        let bytes = to_vec(&v);
        assert_eq!(bytes, [1, 0, 3, 2, 0xfe, 0xff]);
        assert_eq!(<[u16; 3]>::decode(&bytes), v);
    }

    #[test]
    fn decode_nth_stops_at_the_end() {
        let b = [1u8, 0, 2, 0, 3];
        assert_eq!(u16::decode_nth(&b, 1), Some(2));
        assert_eq!(u16::decode_nth(&b, 2), None);
        assert_eq!(u16::decode_nth(&b, usize::MAX), None);
    }
}
