//! What the command line offers: every action of the action table, with the flags of its
//! request type. A flag is the kebab-case of the request field (`--instance-ids` sends
//! `instanceIds`), as in zeno; a field the table marks required is a required flag.

use serde_reflection::{ContainerFormat, Format, Registry, Tracer, TracerConfig};
use std::sync::OnceLock;
use zec_types::{Action, Service};

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
    /// `k=v,k=v`, a JSON object, or `@FILE` holding one.
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

/// The command of an action: its name in kebab-case (`DescribeInstancesStatus` →
/// `describe-instances-status`).
pub fn command_name(action: &str) -> String {
    let mut out = String::with_capacity(action.len() + 8);
    for (i, c) in action.char_indices() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The flag of a request field: its JSON key in kebab-case (`instanceIds` →
/// `instance-ids`); `json_key` is the way back.
pub fn flag_name(key: &str) -> String {
    command_name(key)
}

/// Every action of the table, with the flags its request type has: made once, at start, by
/// reading the request types' serde shapes (serde-reflection).
pub fn actions() -> &'static [ActionSpec] {
    static ACTIONS: OnceLock<Vec<ActionSpec>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let mut out = Vec::new();
        macro_rules! specs {
            ($($service:ident {
                $(
                    $(#[doc = $doc:literal])*
                    $action:ident => $method:ident, $access:ident, $req:ty => $resp:ty,
                        required [$($required:literal),*], version $version:literal;
                )*
            })*) => {
                $($(
                    out.push(spec::<$req>(Action::$action));
                )*)*
            };
        }
        zec_types::for_each_action!(specs);
        out
    })
}

/// The action `wait-instances` polls.
pub fn describe_instances_status() -> &'static ActionSpec {
    actions()
        .iter()
        .find(|a| a.action == Action::DescribeInstancesStatus.name())
        .expect("in the table")
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn spec<'de, T: serde::Deserialize<'de>>(action: Action) -> ActionSpec {
    let mut tracer = Tracer::new(TracerConfig::default());
    let mut fields = Vec::new();
    let traced = tracer.trace_simple_type::<T>().map(|(format, _)| format);
    let Ok(format) = traced else {
        // A request that carries a free-form JSON document (ImportState's `state`): its
        // required fields, each a JSON object given inline or as `@FILE`.
        for name in action.required() {
            fields.push(Field {
                flag: leak(flag_name(name)),
                kind: Kind::Obj(&[]),
                required: true,
            });
        }
        return ActionSpec {
            service: action.service().as_str(),
            command: leak(command_name(action.name())),
            action: action.name(),
            version: action.version(),
            about: action.about().trim(),
            fields: Box::leak(fields.into_boxed_slice()),
        };
    };
    let registry = tracer
        .registry()
        .unwrap_or_else(|e| panic!("{action}: {e}"));
    if let Some(ContainerFormat::Struct(named)) = container(&registry, &format) {
        for f in named {
            fields.push(Field {
                flag: leak(flag_name(&f.name)),
                kind: kind(&registry, &f.value),
                required: action.required().contains(&f.name.as_str()),
            });
        }
    }
    ActionSpec {
        service: action.service().as_str(),
        command: leak(command_name(action.name())),
        action: action.name(),
        version: action.version(),
        about: action.about().trim(),
        fields: Box::leak(fields.into_boxed_slice()),
    }
}

fn container<'a>(registry: &'a Registry, format: &Format) -> Option<&'a ContainerFormat> {
    match format {
        Format::TypeName(name) => registry.get(name),
        Format::Option(inner) => container(registry, inner),
        _ => None,
    }
}

fn unwrap_option(format: &Format) -> &Format {
    match format {
        Format::Option(inner) => unwrap_option(inner),
        other => other,
    }
}

fn scalar(format: &Format) -> Option<Scalar> {
    Some(match unwrap_option(format) {
        Format::Str | Format::Char => Scalar::Str,
        Format::Bool => Scalar::Bool,
        Format::F32 | Format::F64 => Scalar::Float,
        Format::I8
        | Format::I16
        | Format::I32
        | Format::I64
        | Format::I128
        | Format::U8
        | Format::U16
        | Format::U32
        | Format::U64
        | Format::U128 => Scalar::Int,
        _ => return None,
    })
}

/// The fields of a struct of scalars (what an object flag takes as `k=v,...`).
fn schema(registry: &Registry, format: &Format) -> &'static [(&'static str, Scalar)] {
    let Some(ContainerFormat::Struct(named)) = container(registry, format) else {
        return &[];
    };
    let pairs: Vec<(&'static str, Scalar)> = named
        .iter()
        .filter_map(|f| scalar(&f.value).map(|s| (leak(f.name.clone()), s)))
        .collect();
    Box::leak(pairs.into_boxed_slice())
}

fn kind(registry: &Registry, format: &Format) -> Kind {
    if let Some(s) = scalar(format) {
        return match s {
            Scalar::Str => Kind::Str,
            Scalar::Int => Kind::Int,
            Scalar::Float => Kind::Float,
            Scalar::Bool => Kind::Bool,
        };
    }
    match unwrap_option(format) {
        Format::Seq(item) if scalar(item).is_some() => Kind::List,
        Format::Seq(item) => Kind::ObjList(schema(registry, item)),
        other => match container(registry, other) {
            // `{"tags": [{...}]}`: a list of objects, sent wrapped in its one key.
            Some(ContainerFormat::Struct(named))
                if named.len() == 1
                    && matches!(unwrap_option(&named[0].value), Format::Seq(i) if scalar(i).is_none()) =>
            {
                let Format::Seq(item) = unwrap_option(&named[0].value) else {
                    unreachable!()
                };
                Kind::Wrapped(leak(named[0].name.clone()), schema(registry, item))
            }
            _ => Kind::Obj(schema(registry, other)),
        },
    }
}

/// The services, in the order `zec --help` lists them.
pub fn services() -> impl Iterator<Item = (&'static str, &'static str)> {
    Service::ALL.into_iter().map(|s| (s.as_str(), s.about()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_between_actions_flags_and_fields() {
        assert_eq!(json_key("instance-ids"), "instanceIds");
        assert_eq!(json_key("ipv4-address"), "ipv4Address");
        assert_eq!(json_key("timezone"), "timezone");
        assert_eq!(json_key("instance-type-series"), "instanceTypeSeries");
        assert_eq!(flag_name("instanceTypeSeries"), "instance-type-series");
        assert_eq!(flag_name("ipv4Address"), "ipv4-address");
        assert_eq!(
            command_name("DescribeInstancesStatus"),
            "describe-instances-status"
        );
        for a in actions() {
            for f in a.fields {
                assert_eq!(flag_name(&json_key(f.flag)), f.flag);
            }
        }
    }

    #[test]
    fn every_action_has_one_command_with_the_flags_of_its_request_type() {
        let mut seen = std::collections::HashSet::new();
        for a in actions() {
            assert!(seen.insert((a.service, a.command)), "{}", a.command);
            assert!(services().any(|(s, _)| s == a.service));
        }
        assert_eq!(actions().len(), Action::ALL.len());
        let create = actions()
            .iter()
            .find(|a| a.command == "create-zec-instances")
            .unwrap();
        let flag = |name: &str| create.fields.iter().find(|f| f.flag == name).unwrap();
        assert!(flag("zone-id").required);
        assert_eq!(flag("instance-count").kind, Kind::Int);
        assert!(matches!(flag("tags").kind, Kind::Wrapped("tags", _)));
        assert!(
            matches!(flag("data-disks").kind, Kind::ObjList(s) if s.iter().any(|(k, _)| *k == "diskSize"))
        );
        assert!(matches!(flag("system-disk").kind, Kind::Obj(_)));
        assert_eq!(flag("enable-agent").kind, Kind::Bool);
        let status = describe_instances_status();
        assert!(status.paged());
        assert_eq!(
            status
                .fields
                .iter()
                .find(|f| f.flag == "instance-ids")
                .unwrap()
                .kind,
            Kind::List
        );
        for a in actions() {
            for r in Action::ALL
                .iter()
                .find(|x| x.name() == a.action)
                .unwrap()
                .required()
            {
                assert!(
                    a.fields.iter().any(|f| json_key(f.flag) == *r),
                    "{}: required {r} is not a field",
                    a.action
                );
            }
        }
    }
}
