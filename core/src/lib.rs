//! libcxlmi in Rust: CXL Management Interface commands to CXL devices and
//! switches over MCTP or the Linux mailbox ioctl.
//!
//! This is the safe core; it knows CXL and nothing of C. Read it bottom-up:
//!
//! * [`wire`] and [`types`]: little-endian encoding, and the payload structs
//!   (`#[repr(C)]`, shared with the C library's header);
//! * [`cci`]: the CCI message (header, response checks) and [`error`];
//! * [`commands`]: every command, described once;
//! * [`transport`]: moving one framed message (mock, MCTP, the kernel
//!   mailbox); [`tunnel`]: wrapping a message for a switch, an MLD or a
//!   multi-headed device;
//! * [`endpoint`]: one open component and the path every command takes;
//!   [`context`]: opening endpoints; [`discovery`]: finding them;
//!   [`target`]: the one syntax naming them.
//!
//! The C ABI (`libcxlmi.so`) is the crate `cxlmi-ffi` over this one; the
//! emulated fabric is `cxlmi-emulator`, a transport of this crate's.

pub mod cci;
pub mod commands;
pub mod context;
pub mod decode;
pub mod discovery;
pub mod endpoint;
pub mod error;
pub mod fleet;
pub mod log;
pub mod target;
pub mod transport;
pub mod tunnel;
pub mod types;
pub mod wire;

/// This library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use cci::{Opcode, Response};
pub use context::Context;
pub use endpoint::Endpoint;
pub use error::{Error, Result};
pub use target::{ParseTargetError, Target};
pub use tunnel::Tunnel;
