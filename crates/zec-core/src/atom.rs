//! Interned strings for the values documents share (zone, type, image, network ids, statuses):
//! a million instances in one zone hold one copy of its name, an atom is one pointer (8 bytes,
//! where a `String` is 24 and its heap copy more), and a clone is a pointer copy.
//!
//! Interned strings are never freed: they are the zones, types, images, regions, categories
//! and the ids of networks and resource groups, bounded by what an account holds, as the
//! vocabulary of a catalog is.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{LazyLock, Mutex};

/// One interned string. Two atoms are equal exactly when they are the same pointer.
#[derive(Clone)]
pub struct Atom(&'static &'static str);

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

static ATOMS: LazyLock<Mutex<Map<&'static str, Atom>>> = LazyLock::new(Default::default);

thread_local! {
    /// What this thread has interned already: decoding a million documents on two threads
    /// would otherwise take the global lock for every field.
    static SEEN: RefCell<Map<&'static str, Atom>> = RefCell::new(Map::default());
}

impl Atom {
    pub fn new(s: &str) -> Self {
        if let Some(a) = SEEN.with_borrow(|seen| seen.get(s).cloned()) {
            return a;
        }
        let a = {
            let mut atoms = ATOMS.lock().unwrap_or_else(|e| e.into_inner());
            match atoms.get(s) {
                Some(a) => a.clone(),
                None => {
                    let text: &'static str = Box::leak(Box::from(s));
                    let a = Atom(Box::leak(Box::new(text)));
                    atoms.insert(text, a.clone());
                    a
                }
            }
        };
        SEEN.with_borrow_mut(|seen| seen.insert(*a.0, a.clone()));
        a
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// The empty string.
impl Default for Atom {
    fn default() -> Self {
        Atom::new("")
    }
}

impl PartialEq for Atom {
    fn eq(&self, other: &Atom) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Atom {}

/// As the string's, so that a map keyed by atoms can be asked with a `&str`.
impl Hash for Atom {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl PartialOrd for Atom {
    fn partial_cmp(&self, other: &Atom) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Atom {
    fn cmp(&self, other: &Atom) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Deref for Atom {
    type Target = str;

    fn deref(&self) -> &str {
        self.0
    }
}

impl Borrow<str> for Atom {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Atom {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl From<&str> for Atom {
    fn from(s: &str) -> Self {
        Atom::new(s)
    }
}

impl From<&String> for Atom {
    fn from(s: &String) -> Self {
        Atom::new(s)
    }
}

impl PartialEq<str> for Atom {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Atom {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Atom {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(*self.0, f)
    }
}

impl Serialize for Atom {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Atom {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Atom;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<Atom, E> {
                Ok(Atom::new(v))
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_allocation() {
        let a = Atom::new("asia-east-1a");
        let b: Atom = serde_json::from_str("\"asia-east-1a\"").unwrap();
        assert!(std::ptr::eq(a.0, b.0));
        assert_eq!(std::mem::size_of::<Atom>(), 8);
        assert_eq!(std::mem::size_of::<Option<Atom>>(), 8);
        assert_eq!(a, "asia-east-1a");
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"asia-east-1a\"");
        assert_ne!(Atom::new("x"), a);
    }

    #[test]
    fn atoms_made_on_other_threads_are_the_same_atom() {
        let here = Atom::new("eu-west-1a");
        let there = std::thread::spawn(|| Atom::new("eu-west-1a"))
            .join()
            .unwrap();
        assert_eq!(here, there);
        assert!(std::ptr::eq(here.as_str(), there.as_str()));
        let mut sorted = vec![Atom::new("b"), Atom::new("a"), Atom::new("c")];
        sorted.sort();
        assert_eq!(sorted, ["a", "b", "c"].map(Atom::new));
    }
}
