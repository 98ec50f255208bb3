//! FM-API commands, as upstream exports them.
