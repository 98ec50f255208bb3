//! CXL decoded for people: the coded fields of responses (bit flags, enumerations, sentinels,
//! event record bodies) as named values, with the raw value kept beside every decoded one.
//!
//! The tool's JSON and text output, the Python helpers and the monitors all read responses
//! through here, so a flag has one name everywhere. Names follow what users already know: the
//! CXL specification's field names in snake case, and where ndctl (`cxl list -H`), rasdaemon or
//! the kernel's `cxl_*` trace events name a field, their name.
//!
//! A decoded response is an [`Object`]: ordered `(name, Value)` pairs. The library has no serde;
//! a [`Value`] maps onto JSON one to one, and [`json`] writes that JSON as text:
//!
//! | `Value` | JSON |
//! |---|---|
//! | `Null` (absent, or "not implemented" sentinels) | `null` |
//! | `Bool`, `Unsigned`, `Signed`, `Float` | `true`/`false`, a number |
//! | `Text` | a string |
//! | `Bytes` | a string of lowercase hex digits, no prefix |
//! | `Enum` | `{"raw": n, "name": "..."}` (`name` null when the value is not one the specification defines) |
//! | `Flags` | `{"raw": n, "flag_name": bool, ...}`, every defined flag present |
//! | `Object`, `List` | an object, an array |

use std::borrow::Cow;

pub mod events;
pub mod fmapi;
pub mod generic;
pub mod health;
pub mod json;
pub mod memdev;

/// One decoded value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    /// Ratios and fractions the specification defines in binary steps (exact in an f64).
    Float(f64),
    Text(Cow<'static, str>),
    Bytes(Vec<u8>),
    Enum(Enum),
    Flags(Flags),
    Object(Object),
    List(Vec<Value>),
}

/// A coded value and its name in the specification.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub raw: u64,
    /// None when the specification defines no such value (reserved, or newer than this library).
    pub name: Option<&'static str>,
}

/// A field of bit flags: the raw value and each defined flag by name.
#[derive(Clone, Debug, PartialEq)]
pub struct Flags {
    pub raw: u64,
    pub flags: Vec<(&'static str, bool)>,
}

impl Flags {
    /// The names of the flags that are set.
    pub fn set(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.flags.iter().filter(|(_, on)| *on).map(|(name, _)| *name)
    }
}

/// Named values in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object(pub Vec<(&'static str, Value)>);

impl Object {
    pub fn new() -> Object {
        Object(Vec::new())
    }

    /// Adds `name: value` and returns the object, for building in one expression.
    pub fn with(mut self, name: &'static str, value: impl Into<Value>) -> Object {
        self.0.push((name, value.into()));
        self
    }

    pub fn push(&mut self, name: &'static str, value: impl Into<Value>) {
        self.0.push((name, value.into()));
    }

    /// The value named `name`, if present.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// A response (or record) that has a decoded form.
pub trait Decode {
    fn decoded(&self) -> Object;
}

/// Each entry of a response's list, decoded.
pub fn decoded_list<T: Decode>(items: &[T]) -> Value {
    Value::List(items.iter().map(|i| Value::Object(i.decoded())).collect())
}

/// `raw` as the enumeration `names` ((value, name) pairs) defines it.
pub fn enumeration(raw: u64, names: &[(u64, &'static str)]) -> Value {
    Value::Enum(Enum { raw, name: names.iter().find(|(v, _)| *v == raw).map(|(_, n)| *n) })
}

/// `raw` as the bit flags `names` ((bit number, name) pairs) define them.
pub fn flags(raw: u64, names: &[(u32, &'static str)]) -> Value {
    Value::Flags(Flags { raw, flags: names.iter().map(|&(bit, name)| (name, raw >> bit & 1 == 1)).collect() })
}

/// Bits `lo..=hi` of `raw`.
pub fn bits(raw: u64, lo: u32, hi: u32) -> u64 {
    (raw >> lo) & (u64::MAX >> (63 - (hi - lo)))
}

/// `value`, or `Null` when it is the field's "not implemented" sentinel.
pub fn unless<T: Into<Value> + PartialEq>(value: T, sentinel: T) -> Value {
    if value == sentinel { Value::Null } else { value.into() }
}

/// A 16-byte UUID in its usual text form (the bytes in wire order, as the specification prints
/// its UUIDs and as the kernel's `%pU` does for CXL).
pub fn uuid(b: &[u8; 16]) -> Value {
    let h = |r: core::ops::Range<usize>| b[r].iter().map(|x| format!("{x:02x}")).collect::<String>();
    Value::Text(format!("{}-{}-{}-{}-{}", h(0..4), h(4..6), h(6..8), h(8..10), h(10..16)).into())
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Unsigned(v.into())
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64);

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Signed(v.into())
            }
        }
    )*};
}
signed!(i8, i16, i32, i64);

impl From<&'static str> for Value {
    fn from(v: &'static str) -> Value {
        Value::Text(Cow::Borrowed(v))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Cow::Owned(v))
    }
}

impl From<Object> for Value {
    fn from(v: Object) -> Value {
        Value::Object(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerations_flags_and_bits() {
        assert_eq!(enumeration(2, &[(1, "one"), (2, "two")]), Value::Enum(Enum { raw: 2, name: Some("two") }));
        assert_eq!(enumeration(9, &[(1, "one")]), Value::Enum(Enum { raw: 9, name: None }));
        let Value::Flags(f) = flags(0b101, &[(0, "a"), (1, "b"), (2, "c")]) else { panic!() };
        assert_eq!(f.flags, vec![("a", true), ("b", false), ("c", true)]);
        assert_eq!(f.set().collect::<Vec<_>>(), vec!["a", "c"]);
        assert_eq!(bits(0b1101_0000, 4, 7), 0b1101);
        assert_eq!(bits(u64::MAX, 0, 63), u64::MAX);
        assert_eq!(unless(0xffu8, 0xff), Value::Null);
        assert_eq!(unless(7u8, 0xff), Value::Unsigned(7));
    }

    #[test]
    fn uuids_print_in_wire_order() {
        let cel = [0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17];
        assert_eq!(uuid(&cel), Value::from("0da9c0b5-bf41-4b78-8f79-96b1623b3f17"));
    }
}
