//! Memory Device commands (CXL r3.1 section 8.2.9.9, Table 8-126).
