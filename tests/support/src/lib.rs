//! What the tests share and no library carries: a fake mctpd, the kernel's
//! CXL mailbox ioctls as a script, and a simulated CXL component.

#[cfg(feature = "fake-mctpd")]
pub mod fake_mctpd;
pub mod scripted;
pub mod sim;

#[cfg(feature = "errno")]
use cxlmi::Error;
use cxlmi::Tunnel;

/// Whether this build links the C library crate (feature `errno`): a shared
/// object built on it exports the C library's functions too.
pub const LINKS_C_LIBRARY: bool = cfg!(feature = "errno");

/// The `errno` a C caller would see for an error, for tests written in
/// those terms: the C library's own mapping.
#[cfg(feature = "errno")]
pub trait ErrnoExt {
    fn errno(&self) -> i32;
}

#[cfg(feature = "errno")]
impl ErrnoExt for Error {
    fn errno(&self) -> i32 {
        cxlmi_ffi::errno_of(self)
    }
}

/// The tunnel a C caller describes with `struct cxlmi_tunnel_info { port,
/// ld, level, mhd }`, as the C library reads it, for tests written in those
/// terms.
pub fn tunnel(port: i32, ld: i32, level: i32, mhd: bool) -> Tunnel {
    let id = |v: i32| u8::try_from(v).expect("a port or LD id of 0 to 255");
    match (level, mhd) {
        (0, _) => Tunnel::None,
        (1, true) => Tunnel::LdPool,
        (1, false) => Tunnel::Port(id(if ld == -1 { port } else { ld })),
        (2, _) => Tunnel::PortThenLd { port: id(port), ld: id(ld) },
        _ => panic!("tunnel level {level}"),
    }
}
