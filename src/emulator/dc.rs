//! Dynamic capacity state (CXL r3.1 section 9.13.3), shared by the Type 3 model (4800h-4803h) and the MHD LD Pool CCI (5600h-5608h).
