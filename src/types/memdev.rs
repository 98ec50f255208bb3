//! Memory Device command payloads (CXL r3.1 section 8.2.9.9, Table 8-126).
#![allow(non_camel_case_types)]
