//! Flag values to a JSON request body.

use crate::spec::{ActionSpec, Field, Kind, Scalar, json_key};
use clap::ArgMatches;
use serde_json::{Map, Value};

/// The request body the flags describe. Flags not given are not sent.
pub fn body(spec: &ActionSpec, m: &ArgMatches) -> Result<Map<String, Value>, String> {
    let mut body = Map::new();
    for f in spec.fields {
        if let Some(v) = value(f, m)? {
            body.insert(json_key(f.flag), v);
        }
    }
    Ok(body)
}

fn value(f: &Field, m: &ArgMatches) -> Result<Option<Value>, String> {
    let id = f.flag;
    let strings = || -> Vec<String> {
        m.get_many::<String>(id)
            .map(|v| v.cloned().collect())
            .unwrap_or_default()
    };
    Ok(match f.kind {
        Kind::Str => m.get_one::<String>(id).map(|s| Value::from(s.as_str())),
        Kind::Int => m.get_one::<i64>(id).map(|n| Value::from(*n)),
        Kind::Float => m.get_one::<f64>(id).map(|n| Value::from(*n)),
        Kind::Bool => m.get_one::<bool>(id).map(|b| Value::from(*b)),
        Kind::List => m.contains_id(id).then(|| Value::from(strings())),
        Kind::Obj(schema) => match m.get_one::<String>(id) {
            None => None,
            Some(s) => Some(object(s, schema).map_err(|e| format!("--{id}: {e}"))?),
        },
        Kind::ObjList(schema) | Kind::Wrapped(_, schema) => {
            if !m.contains_id(id) {
                return Ok(None);
            }
            let items = object_list(&strings(), schema).map_err(|e| format!("--{id}: {e}"))?;
            match f.kind {
                Kind::Wrapped(key, _) => Some(Value::Object(Map::from_iter([(
                    key.to_owned(),
                    Value::Array(items),
                )]))),
                _ => Some(Value::Array(items)),
            }
        }
    })
}

/// `k=v,k=v` (values typed by the schema), a JSON object, or `@FILE` holding one.
pub fn object(s: &str, schema: &[(&str, Scalar)]) -> Result<Value, String> {
    let s = s.trim();
    if let Some(path) = s.strip_prefix('@') {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("{path}: invalid JSON: {e}"))?;
        return if v.is_object() {
            Ok(v)
        } else {
            Err(format!("{path}: expected a JSON object"))
        };
    }
    if s.starts_with('{') {
        let v: Value = serde_json::from_str(s).map_err(|e| format!("invalid JSON: {e}"))?;
        return if v.is_object() {
            Ok(v)
        } else {
            Err("expected a JSON object".into())
        };
    }
    let mut out = Map::new();
    for pair in s.split(',').filter(|p| !p.trim().is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("invalid kv pair \"{pair}\" (expected key=value)"))?;
        let (k, v) = (k.trim(), v.trim());
        let kind = schema
            .iter()
            .find(|(name, _)| *name == k)
            .map_or(Scalar::Str, |(_, kind)| *kind);
        let typed = match kind {
            Scalar::Str => Value::from(v),
            Scalar::Int => Value::from(
                v.parse::<i64>()
                    .map_err(|_| format!("{k}: \"{v}\" is not an integer"))?,
            ),
            Scalar::Float => Value::from(
                v.parse::<f64>()
                    .map_err(|_| format!("{k}: \"{v}\" is not a number"))?,
            ),
            Scalar::Bool => Value::from(
                v.parse::<bool>()
                    .map_err(|_| format!("{k}: \"{v}\" is not true or false"))?,
            ),
        };
        out.insert(k.to_owned(), typed);
    }
    Ok(Value::Object(out))
}

/// Each value an object (kv or JSON), or one JSON array of objects.
pub fn object_list(values: &[String], schema: &[(&str, Scalar)]) -> Result<Vec<Value>, String> {
    if let [one] = values
        && one.trim_start().starts_with('[')
    {
        let v: Value = serde_json::from_str(one).map_err(|e| format!("invalid JSON array: {e}"))?;
        return match v {
            Value::Array(items) if items.iter().all(Value::is_object) => Ok(items),
            _ => Err("expected a JSON array of objects".into()),
        };
    }
    values.iter().map(|v| object(v, schema)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DISK: &[(&str, Scalar)] = &[("diskSize", Scalar::Int), ("burstingEnabled", Scalar::Bool)];

    #[test]
    fn key_values_are_typed_by_the_schema() {
        assert_eq!(
            object(
                "diskSize=40, diskCategory=Standard NVMe SSD,burstingEnabled=true",
                DISK
            )
            .unwrap(),
            json!({"diskSize": 40, "diskCategory": "Standard NVMe SSD", "burstingEnabled": true})
        );
        assert_eq!(
            object(r#"{"diskSize": 20}"#, DISK).unwrap(),
            json!({"diskSize": 20})
        );
        assert!(
            object("diskSize=big", DISK)
                .unwrap_err()
                .contains("not an integer")
        );
        assert!(object("nonsense", DISK).unwrap_err().contains("key=value"));
        assert!(object("[1]", DISK).is_err());
    }

    #[test]
    fn lists_of_objects_repeat_or_come_as_one_array() {
        let tags = &[("key", Scalar::Str), ("value", Scalar::Str)];
        let repeated = object_list(
            &["key=env,value=1".into(), "key=team,value=ops".into()],
            tags,
        )
        .unwrap();
        assert_eq!(
            repeated,
            vec![
                json!({"key": "env", "value": "1"}),
                json!({"key": "team", "value": "ops"})
            ]
        );
        let array = object_list(&[r#"[{"key":"env","value":"1"}]"#.into()], tags).unwrap();
        assert_eq!(array, vec![json!({"key": "env", "value": "1"})]);
        assert!(object_list(&["[1,2]".into()], tags).is_err());
    }
}
