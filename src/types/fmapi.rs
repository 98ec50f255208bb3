//! FM-API command payloads (CXL r3.1 section 7.6.7, Table 8-215).
#![allow(non_camel_case_types)]
