//! Each API version answers with its own shape (the official SDKs' response models for that
//! version): fields one version has and the other does not are marked on the model with
//! `#[serde(skip_serializing_if = "shape::…")]`, and the server serializes an answer inside
//! [`for_version`], which sets the version those marks consult.
//!
//! A thread-local, not a parameter: serde's derive has no way to pass one, and serializing an
//! answer is synchronous, so the version cannot leak to another request.

use std::cell::Cell;

/// The versions whose answers differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// zec `2025-09-01` (and every other service's only version).
    Newest,
    /// zec `2024-04-01`.
    V2024,
}

impl Shape {
    /// The shape of an answer to a request of this API version.
    pub fn of(version: &str) -> Self {
        match version {
            "2024-04-01" => Shape::V2024,
            _ => Shape::Newest,
        }
    }
}

thread_local! {
    static CURRENT: Cell<Shape> = const { Cell::new(Shape::Newest) };
}

/// Runs `f` (a serialization) with answers shaped for `shape`.
pub fn for_version<T>(shape: Shape, f: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|c| c.replace(shape));
    let out = f();
    CURRENT.with(|c| c.set(before));
    out
}

fn current() -> Shape {
    CURRENT.with(Cell::get)
}

/// For fields the 2024-04-01 models do not have.
pub fn not_in_2024<T>(_: &T) -> bool {
    current() == Shape::V2024
}

/// For optional fields the 2024-04-01 models do not have.
pub fn none_or_not_in_2024<T>(v: &Option<T>) -> bool {
    v.is_none() || current() == Shape::V2024
}

/// For fields only the 2024-04-01 models have.
pub fn only_in_2024<T>(_: &T) -> bool {
    current() != Shape::V2024
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Both {
        shared: u8,
        #[serde(skip_serializing_if = "not_in_2024")]
        newer: u8,
        #[serde(skip_serializing_if = "only_in_2024")]
        older: u8,
    }

    #[test]
    fn each_version_gets_its_own_fields() {
        let v = Both {
            shared: 1,
            newer: 2,
            older: 3,
        };
        let json = |s| for_version(s, || serde_json::to_string(&v).unwrap());
        assert_eq!(json(Shape::Newest), r#"{"shared":1,"newer":2}"#);
        assert_eq!(json(Shape::V2024), r#"{"shared":1,"older":3}"#);
        // Outside, the newest.
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"shared":1,"newer":2}"#
        );
        assert_eq!(Shape::of("2024-04-01"), Shape::V2024);
        assert_eq!(Shape::of("2025-09-01"), Shape::Newest);
    }
}
