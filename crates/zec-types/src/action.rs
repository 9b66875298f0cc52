//! Services, API versions and actions: what `POST /api/v2/{service}` with `x-zc-action` and
//! `x-zc-version` can name (spec §1.1, §1.6).

use std::fmt;

/// A service, the last segment of the request path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Elastic compute: `/api/v2/zec`.
    Zec,
    /// Users and resource groups: `/api/v2/user`.
    User,
    /// Tags: `/api/v2/zrm`.
    Zrm,
    /// zecd's own admin API, `/_zecd/api`: clock and faults; root credential only.
    Admin,
}

impl Service {
    /// The service of `/api/v2/{segment}`.
    pub fn from_path(segment: &str) -> Option<Self> {
        match segment {
            "zec" => Some(Self::Zec),
            "user" => Some(Self::User),
            "zrm" => Some(Self::Zrm),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Zec => "zec",
            Self::User => "user",
            Self::Zrm => "zrm",
            Self::Admin => "admin",
        }
    }

    /// API versions accepted in `x-zc-version`. The first is the newest, used when a client
    /// sends none. Terraform mixes both zec versions (spec §1.6); their shapes are compatible.
    pub const fn versions(self) -> &'static [&'static str] {
        match self {
            Self::Zec => &["2025-09-01", "2024-04-01"],
            Self::User => &["2024-05-29"],
            Self::Zrm => &["2025-10-14"],
            Self::Admin => &["2026-11-01"],
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! actions {
    ($($service:ident { $($variant:ident,)* })*) => {
        /// An action zecd serves.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($($variant,)*)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$($(Action::$variant,)*)*];

            pub const fn name(self) -> &'static str {
                match self {
                    $($(Action::$variant => stringify!($variant),)*)*
                }
            }

            pub const fn service(self) -> Service {
                match self {
                    $($(Action::$variant => Service::$service,)*)*
                }
            }

            /// Resolves an action name within a service. Names are case-sensitive, as the
            /// vendor's are.
            pub fn lookup(service: Service, name: &str) -> Option<Self> {
                match (service, name) {
                    $($((Service::$service, stringify!($variant)) => Some(Action::$variant),)*)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    Zec {
        DescribeInstancesStatus,
        DescribeInstances,
        CreateZecInstances,
        DescribeZones,
        DescribeZoneInstanceConfigInfos,
        DescribeImages,
        DescribeVpcs,
        DescribeSubnets,
        DescribeSecurityGroups,
        StartInstances,
        StopInstances,
        RebootInstances,
        ReleaseInstances,
        ModifyInstancesAttribute,
        ModifyInstanceType,
        ResetInstance,
        ResetInstancePassword,
        StartIpForward,
        StopIpForward,
        ModifyInstancesResourceGroup,
    }
    User {
        DescribeResourceGroups,
        CreateResourceGroup,
        ModifyResourceGroup,
        DeleteResourceGroup,
        AddResourceResourceGroup,
    }
    Zrm {
        ModifyResourceTags,
    }
    Admin {
        DescribeClock,
        AdvanceClock,
        DescribeFaults,
        CreateFaults,
        DeleteFaults,
    }
}

impl Action {
    /// Read-only actions: they change nothing.
    pub fn is_read_only(self) -> bool {
        self.name().starts_with("Describe")
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_found_by_its_name_in_its_service_only() {
        for &a in Action::ALL {
            assert_eq!(Action::lookup(a.service(), a.name()), Some(a));
        }
        assert_eq!(
            Action::lookup(Service::Zec, "describeinstancesstatus"),
            None
        );
        assert_eq!(Action::lookup(Service::Zec, "NoSuchAction"), None);
    }

    #[test]
    fn zec_accepts_both_versions_terraform_sends() {
        assert!(Service::Zec.versions().contains(&"2025-09-01"));
        assert!(Service::Zec.versions().contains(&"2024-04-01"));
        assert_eq!(Service::from_path("zec"), Some(Service::Zec));
        assert_eq!(Service::from_path("user"), Some(Service::User));
        assert_eq!(Service::from_path("zrm"), Some(Service::Zrm));
        assert_eq!(
            Service::from_path("admin"),
            None,
            "the admin API has its own path"
        );
        assert_eq!(Service::from_path("ZEC"), None);
    }
}
