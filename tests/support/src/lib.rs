//! What the tests share and no library carries: a fake mctpd, the kernel's
//! CXL mailbox ioctls as a script, and a simulated CXL component.

#[cfg(feature = "fake-mctpd")]
pub mod fake_mctpd;
pub mod scripted;
pub mod sim;

use cxlmi::{Error, Tunnel};

/// The `errno` a C caller would see for an error, for the core's tests,
/// which are written in those terms. It repeats the C library's mapping
/// (`errno_of` in src/lib.rs) so that the core's tests do not link the C
/// library; a test of the C crate checks the two agree on every error.
pub trait ErrnoExt {
    fn errno(&self) -> i32;
}

impl ErrnoExt for Error {
    fn errno(&self) -> i32 {
        match self {
            Error::Device(_) => 0,
            Error::InvalidArgument(_) => libc::EINVAL,
            Error::FmapiDisabled | Error::Unsupported(_) => libc::EOPNOTSUPP,
            Error::Protocol(_) => libc::EPROTO,
            Error::Timeout => libc::ETIMEDOUT,
            Error::Io(e) => e.raw_os_error().unwrap_or(libc::EIO),
        }
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
