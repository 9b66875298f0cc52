//! Instance status strings (spec §4.1).

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! statuses {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// The status of an instance, as `instanceStatus` (DescribeInstancesStatus) and
        /// `status` (DescribeInstances) report it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum InstanceStatus {
            $($(#[$doc])* #[serde(rename = $wire)] $variant,)*
        }

        impl InstanceStatus {
            pub const ALL: &'static [InstanceStatus] = &[$(InstanceStatus::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(InstanceStatus::$variant => $wire,)*
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($wire => Some(InstanceStatus::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

statuses! {
    /// Being created.
    Deploying = "DEPLOYING",
    /// Creation is queued (Terraform knows it; zecd never emits it).
    Pending = "PENDING",
    Running = "RUNNING",
    /// Powering on.
    Booting = "BOOTING",
    Stopping = "STOPPING",
    Stopped = "STOPPED",
    Reboot = "REBOOT",
    /// The operating system is being reinstalled.
    Rebuilding = "REBUILDING",
    /// The instance type is being changed.
    Resizing = "RESIZING",
    /// An image is being made from the instance.
    Imaging = "IMAGING",
    /// Moving to the recycle bin.
    Releasing = "RELEASING",
    /// In the recycle bin.
    Recycle = "RECYCLE",
    /// Being removed from the recycle bin for good.
    Recycling = "RECYCLING",
    CreateFailed = "CREATE_FAILED",
    ReinstallFailed = "REINSTALL_FAILED",
}

impl InstanceStatus {
    /// Statuses an instance only passes through; the Terraform provider polls while it sees them
    /// (spec §4.3 "operating" set, plus REBOOT and IMAGING which also end by themselves).
    pub const fn is_transient(self) -> bool {
        matches!(
            self,
            Self::Deploying
                | Self::Pending
                | Self::Booting
                | Self::Stopping
                | Self::Reboot
                | Self::Rebuilding
                | Self::Resizing
                | Self::Imaging
                | Self::Releasing
                | Self::Recycling
        )
    }

    /// In, or on its way into or out of, the recycle bin.
    pub const fn is_recycled(self) -> bool {
        matches!(self, Self::Releasing | Self::Recycle | Self::Recycling)
    }
}

impl fmt::Display for InstanceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_strings_round_trip_through_serde_and_parse() {
        for &s in InstanceStatus::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<InstanceStatus>(&json).unwrap(), s);
            assert_eq!(InstanceStatus::parse(s.as_str()), Some(s));
        }
        // Prose words of the docs are not enum values (spec §4.1).
        assert_eq!(InstanceStatus::parse("STARTING"), None);
        assert_eq!(InstanceStatus::parse("RECYCLED"), None);
    }
}
