//! What the command line offers: every action zecd serves, with its flags. A flag is the
//! kebab-case of the request field (`--instance-ids` sends `instanceIds`), as in zeno.

/// A value inside an object flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    Str,
    Int,
    Float,
    Bool,
}

/// How a flag's values become JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Float,
    /// `--flag`, `--flag=true` or `--flag=false`.
    Bool,
    /// Repeat the flag or list values after it: `--instance-ids a b`.
    List,
    /// `k=v,k=v` or a JSON object.
    Obj(&'static [(&'static str, Scalar)]),
    /// Each value `k=v,...` or a JSON object, or one JSON array.
    ObjList(&'static [(&'static str, Scalar)]),
    /// As `ObjList`, sent wrapped: `{"<key>": [...]}` (CreateZecInstances' tags).
    Wrapped(&'static str, &'static [(&'static str, Scalar)]),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub flag: &'static str,
    pub kind: Kind,
    pub required: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    pub service: &'static str,
    pub command: &'static str,
    pub action: &'static str,
    pub version: &'static str,
    pub about: &'static str,
    pub fields: &'static [Field],
}

impl ActionSpec {
    /// Whether `--page-all` applies (the action has `--page-num` and `--page-size`).
    pub fn paged(&self) -> bool {
        ["page-num", "page-size"]
            .iter()
            .all(|f| self.fields.iter().any(|x| x.flag == *f))
    }
}

/// The JSON key of a flag: kebab-case to camelCase.
pub fn json_key(flag: &str) -> String {
    let mut out = String::with_capacity(flag.len());
    let mut upper = false;
    for c in flag.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

const fn opt(flag: &'static str, kind: Kind) -> Field {
    Field {
        flag,
        kind,
        required: false,
    }
}

const fn req(flag: &'static str, kind: Kind) -> Field {
    Field {
        flag,
        kind,
        required: true,
    }
}

use Kind::*;

const TAG: &[(&str, Scalar)] = &[("key", Scalar::Str), ("value", Scalar::Str)];
const SYSTEM_DISK: &[(&str, Scalar)] = &[
    ("diskSize", Scalar::Int),
    ("diskCategory", Scalar::Str),
    ("burstingEnabled", Scalar::Bool),
];
const DATA_DISK: &[(&str, Scalar)] = &[
    ("diskSize", Scalar::Int),
    ("diskAmount", Scalar::Int),
    ("diskCategory", Scalar::Str),
    ("burstingEnabled", Scalar::Bool),
];
const INSTANCE_OPTIONS: &[(&str, Scalar)] = &[("nestedVirtualization", Scalar::Bool)];
const FAILURE_RULE: &[(&str, Scalar)] = &[
    ("phase", Scalar::Str),
    ("zone", Scalar::Str),
    ("image", Scalar::Str),
    ("instance_type", Scalar::Str),
    ("count", Scalar::Int),
    ("probability", Scalar::Float),
];
const ERROR_RULE: &[(&str, Scalar)] = &[
    ("action", Scalar::Str),
    ("code", Scalar::Str),
    ("message", Scalar::Str),
    ("count", Scalar::Int),
    ("probability", Scalar::Float),
];

const Z: &str = "2025-09-01";
const PAGE: [Field; 2] = [opt("page-num", Int), opt("page-size", Int)];

macro_rules! fields {
    ($($f:expr),* $(,)?) => { &[$($f),*] };
}

/// The action `wait-instances` polls (first in [`ACTIONS`]; a test checks).
pub const DESCRIBE_INSTANCES_STATUS: &ActionSpec = &ACTIONS[0];

pub const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        service: "zec",
        command: "describe-instances-status",
        action: "DescribeInstancesStatus",
        version: Z,
        about: "The status of instances",
        fields: fields![
            opt("instance-ids", List),
            PAGE[0],
            PAGE[1],
            opt("resource-group-id", Str)
        ],
    },
    ActionSpec {
        service: "zec",
        command: "describe-instances",
        action: "DescribeInstances",
        version: Z,
        about: "Instances, filtered and paged",
        fields: fields![
            opt("instance-ids", List),
            opt("zone-id", Str),
            opt("image-id", Str),
            opt("instance-type", Str),
            opt("instance-type-series", Str),
            opt("ipv4-address", Str),
            opt("ipv6-address", Str),
            opt("status", Str),
            opt("name", Str),
            PAGE[0],
            PAGE[1],
            opt("resource-group-id", Str),
            opt("tag-keys", List),
            opt("tags", ObjList(TAG)),
        ],
    },
    ActionSpec {
        service: "zec",
        command: "create-zec-instances",
        action: "CreateZecInstances",
        version: Z,
        about: "Create instances",
        fields: fields![
            req("zone-id", Str),
            req("image-id", Str),
            req("instance-type", Str),
            req("subnet-id", Str),
            opt("instance-count", Int),
            opt("instance-name", Str),
            opt("password", Str),
            opt("key-id", Str),
            opt("time-zone", Str),
            opt("nic-network-type", Str),
            opt("system-disk", Obj(SYSTEM_DISK)),
            opt("data-disks", ObjList(DATA_DISK)),
            opt("security-group-id", Str),
            opt("placement-group-id", Str),
            opt("lan-ip", Str),
            opt("enable-agent", Bool),
            opt("enable-ip-forward", Bool),
            opt("internet-charge-type", Str),
            opt("traffic-package-size", Float),
            opt("bandwidth", Int),
            opt("eip-bind-type", Str),
            opt("ip-stack-type", Str),
            opt("network-line-type", Str),
            opt("cluster-id", Str),
            opt("resource-group-id", Str),
            opt("tags", Wrapped("tags", TAG)),
            opt("user-data", Str),
            opt("instance-options", Obj(INSTANCE_OPTIONS)),
        ],
    },
    ActionSpec {
        service: "zec",
        command: "start-instances",
        action: "StartInstances",
        version: Z,
        about: "Power on stopped instances",
        fields: fields![req("instance-ids", List)],
    },
    ActionSpec {
        service: "zec",
        command: "stop-instances",
        action: "StopInstances",
        version: Z,
        about: "Power off running instances",
        fields: fields![req("instance-ids", List), opt("force-shutdown", Bool)],
    },
    ActionSpec {
        service: "zec",
        command: "reboot-instances",
        action: "RebootInstances",
        version: Z,
        about: "Reboot running instances",
        fields: fields![req("instance-ids", List), opt("force-reboot", Bool)],
    },
    ActionSpec {
        service: "zec",
        command: "release-instances",
        action: "ReleaseInstances",
        version: Z,
        about: "Move instances to the recycle bin, or destroy recycled ones",
        fields: fields![req("instance-ids", List), opt("depend-resource", Bool)],
    },
    ActionSpec {
        service: "zec",
        command: "modify-instances-attribute",
        action: "ModifyInstancesAttribute",
        version: Z,
        about: "Rename instances",
        fields: fields![req("instance-ids", List), req("instance-name", Str)],
    },
    ActionSpec {
        service: "zec",
        command: "modify-instance-type",
        action: "ModifyInstanceType",
        version: Z,
        about: "Change a stopped instance's type",
        fields: fields![req("instance-id", Str), req("instance-type", Str)],
    },
    ActionSpec {
        service: "zec",
        command: "reset-instance",
        action: "ResetInstance",
        version: Z,
        about: "Reinstall a stopped instance",
        fields: fields![
            req("instance-id", Str),
            opt("image-id", Str),
            opt("password", Str),
            opt("key-id", Str),
            opt("timezone", Str),
            opt("enable-agent", Bool),
            opt("instance-name", Str),
            opt("user-data", Str),
        ],
    },
    ActionSpec {
        service: "zec",
        command: "reset-instance-password",
        action: "ResetInstancePassword",
        version: Z,
        about: "Reset a running instance's password",
        fields: fields![req("instance-id", Str), req("password", Str)],
    },
    ActionSpec {
        service: "zec",
        command: "start-ip-forward",
        action: "StartIpForward",
        version: Z,
        about: "Let an instance forward packets",
        fields: fields![req("instance-id", Str)],
    },
    ActionSpec {
        service: "zec",
        command: "stop-ip-forward",
        action: "StopIpForward",
        version: Z,
        about: "Stop an instance forwarding packets",
        fields: fields![req("instance-id", Str)],
    },
    ActionSpec {
        service: "zec",
        command: "modify-instances-resource-group",
        action: "ModifyInstancesResourceGroup",
        version: "2024-04-01",
        about: "Move instances to another resource group",
        fields: fields![req("instance-ids", List), req("resource-group-id", Str)],
    },
    ActionSpec {
        service: "zec",
        command: "describe-zones",
        action: "DescribeZones",
        version: Z,
        about: "Zones",
        fields: fields![opt("zone-ids", List)],
    },
    ActionSpec {
        service: "zec",
        command: "describe-zone-instance-config-infos",
        action: "DescribeZoneInstanceConfigInfos",
        version: Z,
        about: "Instance types sold per zone",
        fields: fields![opt("zone-id", Str), opt("instance-type", Str)],
    },
    ActionSpec {
        service: "zec",
        command: "describe-images",
        action: "DescribeImages",
        version: Z,
        about: "Images of a zone",
        fields: fields![
            req("zone-id", Str),
            opt("image-ids", List),
            opt("image-name", Str),
            opt("category", Str),
            opt("image-type", Str),
            opt("image-source", Str),
            opt("os-type", Str),
            opt("image-status", Str),
            PAGE[0],
            PAGE[1],
            opt("tag-keys", List),
            opt("tags", ObjList(TAG)),
        ],
    },
    ActionSpec {
        service: "zec",
        command: "describe-vpcs",
        action: "DescribeVpcs",
        version: Z,
        about: "VPCs",
        fields: fields![
            opt("vpc-ids", List),
            opt("name", Str),
            opt("cidr-block", Str),
            PAGE[0],
            PAGE[1],
            opt("resource-group-id", Str),
        ],
    },
    ActionSpec {
        service: "zec",
        command: "describe-subnets",
        action: "DescribeSubnets",
        version: Z,
        about: "Subnets",
        fields: fields![
            opt("subnet-ids", List),
            opt("name", Str),
            opt("cidr-block", Str),
            opt("region-id", Str),
            PAGE[0],
            PAGE[1],
            opt("vpc-ids", List),
        ],
    },
    ActionSpec {
        service: "zec",
        command: "describe-security-groups",
        action: "DescribeSecurityGroups",
        version: Z,
        about: "Security groups",
        fields: fields![
            opt("security-group-ids", List),
            opt("security-group-name", Str),
            opt("is-default", Bool),
            PAGE[0],
            PAGE[1],
        ],
    },
    ActionSpec {
        service: "user",
        command: "describe-resource-groups",
        action: "DescribeResourceGroups",
        version: "2024-05-29",
        about: "Resource groups",
        fields: fields![],
    },
    ActionSpec {
        service: "user",
        command: "create-resource-group",
        action: "CreateResourceGroup",
        version: "2024-05-29",
        about: "Create a resource group",
        fields: fields![req("name", Str)],
    },
    ActionSpec {
        service: "user",
        command: "modify-resource-group",
        action: "ModifyResourceGroup",
        version: "2024-05-29",
        about: "Rename a resource group",
        fields: fields![req("resource-group-id", Str), req("name", Str)],
    },
    ActionSpec {
        service: "user",
        command: "delete-resource-group",
        action: "DeleteResourceGroup",
        version: "2024-05-29",
        about: "Delete an empty resource group",
        fields: fields![req("resource-group-id", Str)],
    },
    ActionSpec {
        service: "user",
        command: "add-resource-resource-group",
        action: "AddResourceResourceGroup",
        version: "2024-05-29",
        about: "Move resources into a resource group",
        fields: fields![req("resource-group-id", Str), req("resources", List)],
    },
    ActionSpec {
        service: "zrm",
        command: "modify-resource-tags",
        action: "ModifyResourceTags",
        version: "2025-10-14",
        about: "Set and remove a resource's tags",
        fields: fields![
            req("resource-uuid", Str),
            opt("replace-tags", ObjList(TAG)),
            opt("delete-tag-keys", List),
        ],
    },
    ActionSpec {
        service: "admin",
        command: "describe-clock",
        action: "DescribeClock",
        version: "2026-11-01",
        about: "zecd: the lifecycle clock",
        fields: fields![],
    },
    ActionSpec {
        service: "admin",
        command: "advance-clock",
        action: "AdvanceClock",
        version: "2026-11-01",
        about: "zecd: move a manual clock forward, e.g. --by 2s",
        fields: fields![req("by", Str)],
    },
    ActionSpec {
        service: "admin",
        command: "describe-faults",
        action: "DescribeFaults",
        version: "2026-11-01",
        about: "zecd: the fault rules in force",
        fields: fields![],
    },
    ActionSpec {
        service: "admin",
        command: "create-faults",
        action: "CreateFaults",
        version: "2026-11-01",
        about: "zecd: add fault rules",
        fields: fields![
            opt("failures", ObjList(FAILURE_RULE)),
            opt("errors", ObjList(ERROR_RULE))
        ],
    },
    ActionSpec {
        service: "admin",
        command: "delete-faults",
        action: "DeleteFaults",
        version: "2026-11-01",
        about: "zecd: remove fault rules (all without --ids)",
        fields: fields![opt("ids", List)],
    },
];

/// The services, in the order `zec --help` lists them.
pub const SERVICES: &[(&str, &str)] = &[
    ("zec", "Elastic compute (and `wait-instances`)"),
    ("user", "Resource groups"),
    ("zrm", "Tags"),
    (
        "admin",
        "zecd's own admin API: the clock and fault rules (root key)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_waiters_action_is_describe_instances_status() {
        assert_eq!(DESCRIBE_INSTANCES_STATUS.action, "DescribeInstancesStatus");
        assert_eq!(DESCRIBE_INSTANCES_STATUS.service, "zec");
    }

    #[test]
    fn flags_map_to_the_sdk_field_names() {
        assert_eq!(json_key("instance-ids"), "instanceIds");
        assert_eq!(json_key("ipv4-address"), "ipv4Address");
        assert_eq!(json_key("timezone"), "timezone");
        assert_eq!(json_key("instance-type-series"), "instanceTypeSeries");
    }

    #[test]
    fn every_action_is_named_once_and_paging_is_detected() {
        let mut seen = std::collections::HashSet::new();
        for a in ACTIONS {
            assert!(seen.insert((a.service, a.command)), "{}", a.command);
            assert!(SERVICES.iter().any(|(s, _)| *s == a.service));
        }
        let paged: Vec<_> = ACTIONS
            .iter()
            .filter(|a| a.paged())
            .map(|a| a.command)
            .collect();
        assert!(paged.contains(&"describe-instances"));
        assert!(!paged.contains(&"describe-zones"));
    }
}
