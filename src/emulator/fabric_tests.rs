//! The switch, MLD and MHD models through the public API.
