//! libcxlmi in Rust: CXL Management Interface commands to CXL devices and
//! switches over MCTP or the Linux mailbox ioctl.
//!
//! The safe core (this crate's Rust API) knows CXL: the CCI message framing,
//! every command's payload and size rules, tunnelling and the transports. The
//! [`ffi`] module is the C boundary only and wraps the core into the exact
//! `cxlmi_*` ABI of upstream libcxlmi.

pub mod types;
pub mod wire;
pub mod cci;
pub mod commands;
pub mod discovery;
pub mod emulator;
pub mod endpoint;
pub mod error;
pub mod log;
pub mod transport;
pub mod tunnel;

pub use cci::Opcode;
pub use endpoint::{Context, Endpoint, Response, Tunnel};
pub use error::{Error, Result};
pub mod ffi;
