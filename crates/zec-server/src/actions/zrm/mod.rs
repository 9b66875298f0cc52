//! Service `zrm` (2025-10-14): tags.

pub mod tags;
