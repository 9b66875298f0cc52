//! Service `ccs` (2025-09-01): key pairs.

pub mod key_pairs;
