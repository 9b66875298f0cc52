//! zecd's domain, free of I/O: instances, the lifecycle state machine, the catalog, the
//! validation of requests against it, identifiers and the injected clock.

#![forbid(unsafe_code)]

pub mod atom;
pub mod catalog;
pub mod change;
pub mod cidr;
pub mod clock;
pub mod create;
pub mod faults;
pub mod guest;
pub mod ids;
pub mod instance;
pub mod keys;
pub mod lifecycle;
pub mod networks;
pub mod params;
pub mod reset;
pub mod rules;
pub mod steps;

pub use atom::Atom;
pub use catalog::Catalog;
pub use change::Change;
pub use clock::{Clock, ManualClock, Millis, SystemClock};
pub use instance::{AccountId, Instance};
pub use lifecycle::{Operation, Phase, Target, Timings};
pub use params::Page;
pub use steps::{Life, Step};
