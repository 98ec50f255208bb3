//! Memory Device commands, as upstream exports them.
