//! FM-API commands (CXL r3.1 section 7.6.7, Table 8-215).
