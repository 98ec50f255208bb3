//! What `cxlmi` takes: its command line ([`args`], clap's derive), the parsing of what users type
//! ([`parse`]) and the targets it opens ([`target`]). A library of the tool's crate so that the
//! `cxlmi-docs` program renders man pages and shell completions from the same definitions the
//! tool parses with; the subcommands themselves live in the `cxlmi` binary.

pub mod args;
pub mod device_args;
pub mod fabric_args;
pub mod fleet_args;
pub mod parse;
pub mod target;
