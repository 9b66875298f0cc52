//! Printing answers: JSON (the `response` object, keys sorted, as zeno prints it) or a table.

use crate::profile::Output;
use serde_json::{Map, Value};
use std::fmt::Write;

pub fn render(value: &Value, output: Output) -> String {
    match output {
        Output::Json => json(value),
        Output::Table => table(value),
    }
}

/// Pretty JSON with keys in alphabetical order at every level.
pub fn json(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(&sorted(value)).unwrap_or_default();
    s.push('\n');
    s
}

fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// A response as tables: its scalar fields as `key | value` rows, then each list of objects as
/// a table of their scalar fields (lists of scalars joined by commas; nested objects are left
/// to `--output json`). `requestId` is left out, as zeno leaves it out of tables.
pub fn table(value: &Value) -> String {
    let Some(obj) = value.as_object() else {
        return cell(value) + "\n";
    };
    let mut out = String::new();
    let scalars: Vec<(String, String)> = obj
        .iter()
        .filter(|(k, v)| *k != "requestId" && shown(v))
        .map(|(k, v)| (k.clone(), cell(v)))
        .collect();
    if !scalars.is_empty() {
        let rows: Vec<Vec<String>> = scalars.into_iter().map(|(k, v)| vec![k, v]).collect();
        out.push_str(&grid(None, &rows));
    }
    for (k, v) in obj {
        if let Value::Array(items) = v
            && items.iter().any(Value::is_object)
        {
            let items: Vec<&Map<String, Value>> =
                items.iter().filter_map(Value::as_object).collect();
            out.push_str(&list(k, &items));
        }
    }
    out
}

/// Whether a value fits in a cell.
fn shown(v: &Value) -> bool {
    match v {
        Value::Object(_) => false,
        Value::Array(a) => !a.iter().any(|x| x.is_object() || x.is_array()),
        _ => true,
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// More columns than this, and each item is shown as its own `key | value` table.
const MAX_COLUMNS: usize = 8;

fn list(title: &str, items: &[&Map<String, Value>]) -> String {
    // Columns: every scalar field of any item, in the order the API sends them.
    let mut columns: Vec<&String> = Vec::new();
    for item in items {
        for (k, v) in item.iter() {
            if shown(v) && !columns.contains(&k) {
                columns.push(k);
            }
        }
    }
    if columns.len() > MAX_COLUMNS {
        return items
            .iter()
            .enumerate()
            .map(|(n, item)| {
                let rows: Vec<Vec<String>> = columns
                    .iter()
                    .map(|c| vec![c.to_string(), item.get(*c).map(cell).unwrap_or_default()])
                    .collect();
                format!("{title}[{n}]:\n{}", grid(None, &rows))
            })
            .collect();
    }
    let mut rows = vec![columns.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
    for item in items {
        rows.push(
            columns
                .iter()
                .map(|c| item.get(*c).map(cell).unwrap_or_default())
                .collect(),
        );
    }
    grid(Some(title), &rows)
}

/// Rows in a box; with a title, the first row is a header.
fn grid(title: Option<&str>, rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule = {
        let mut s = String::from("+");
        for w in &widths {
            s.push_str(&"-".repeat(w + 2));
            s.push('+');
        }
        s.push('\n');
        s
    };
    let line = |row: &[String]| {
        let mut s = String::from("|");
        for (c, w) in widths.iter().enumerate() {
            let v = row.get(c).map(String::as_str).unwrap_or("");
            let _ = write!(s, " {v}{} |", " ".repeat(w - v.chars().count()));
        }
        s.push('\n');
        s
    };
    let mut out = String::new();
    if let Some(t) = title {
        let _ = writeln!(out, "{t}:");
    }
    out.push_str(&rule);
    for (n, row) in rows.iter().enumerate() {
        out.push_str(&line(row));
        if title.is_some() && n == 0 {
            out.push_str(&rule);
        }
    }
    out.push_str(&rule);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_is_pretty_and_sorted() {
        let v = json!({"totalCount": 1, "dataSet": [{"status": "RUNNING", "instanceId": "1"}], "requestId": "T1"});
        assert_eq!(
            json(&v),
            "{\n  \"dataSet\": [\n    {\n      \"instanceId\": \"1\",\n      \"status\": \"RUNNING\"\n    }\n  ],\n  \"requestId\": \"T1\",\n  \"totalCount\": 1\n}\n"
        );
    }

    #[test]
    fn wide_items_are_shown_one_by_one() {
        let item: Map<String, Value> = (0..9).map(|n| (format!("f{n}"), json!(n))).collect();
        let v = json!({"dataSet": [item.clone(), item]});
        let t = table(&v);
        assert!(t.starts_with("dataSet[0]:\n+----+---+\n| f0 | 0 |"), "{t}");
        assert!(t.contains("dataSet[1]:"), "{t}");
    }

    #[test]
    fn lists_become_tables_in_the_order_fields_come() {
        let v = json!({
            "requestId": "T1",
            "totalCount": 2,
            "dataSet": [
                {"instanceStatus": "RUNNING", "instanceId": "913659857599463425"},
                {"instanceStatus": "DEPLOYING", "instanceId": "913659857599463428", "extra": null}
            ]
        });
        assert_eq!(
            table(&v),
            "\
+------------+---+
| totalCount | 2 |
+------------+---+
dataSet:
+----------------+--------------------+-------+
| instanceStatus | instanceId         | extra |
+----------------+--------------------+-------+
| RUNNING        | 913659857599463425 |       |
| DEPLOYING      | 913659857599463428 |       |
+----------------+--------------------+-------+
"
        );
    }

    #[test]
    fn nested_values_are_left_to_json_and_scalar_lists_joined() {
        let v = json!({"dataSet": [{"instanceId": "1", "privateIpAddresses": ["10.0.0.2", "10.0.0.3"], "systemDisk": {"diskSize": 20}}]});
        let t = table(&v);
        assert!(t.contains("10.0.0.2,10.0.0.3"), "{t}");
        assert!(!t.contains("diskSize"), "{t}");
    }
}
