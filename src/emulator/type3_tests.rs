//! The Type 3 model through the public API.
