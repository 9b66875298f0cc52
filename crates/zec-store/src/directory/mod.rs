//! Accounts and their credentials: small, read on every request, so held in memory and
//! reloaded when the database changes underneath (admin commands run beside a serving zecd).

pub(crate) mod thread;

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use zec_core::{AccountId, Millis};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub created_at: Millis,
}

/// What a credential may do: everything (the default), only read, and/or only within some
/// resource groups of its account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Describe* actions only.
    pub read_only: bool,
    /// Resource group ids; empty means every group.
    pub groups: Vec<String>,
}

impl Scope {
    pub fn allows_group(&self, group: &str) -> bool {
        self.groups.is_empty() || self.groups.iter().any(|g| g == group)
    }

    /// Stored form of the groups: ids separated by commas.
    pub fn groups_column(&self) -> String {
        self.groups.join(",")
    }

    pub fn from_columns(read_only: bool, groups: &str) -> Self {
        Self {
            read_only,
            groups: groups
                .split(',')
                .filter(|g| !g.is_empty())
                .map(String::from)
                .collect(),
        }
    }

    /// For listings: `read-only`, `groups a,b`, `all`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.read_only {
            parts.push("read-only".to_owned());
        }
        if !self.groups.is_empty() {
            parts.push(format!("groups {}", self.groups.join(",")));
        }
        if parts.is_empty() {
            "all".into()
        } else {
            parts.join("; ")
        }
    }
}

/// An access key: id and password for ZC2-HMAC-SHA256. The password is kept because HMAC
/// verification needs it; it never leaves the store except to the verifier.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub id: String,
    pub secret: String,
    pub account: AccountId,
    /// The root credential may call the admin API under `/_zecd/`.
    pub root: bool,
    pub scope: Scope,
    pub created_at: Millis,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("account", &self.account)
            .field("root", &self.root)
            .field("scope", &self.scope)
            .finish()
    }
}

/// A bearer token, known only by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub id: String,
    pub account: AccountId,
    pub name: String,
    pub scope: Scope,
    pub created_at: Millis,
}

/// The SHA-256 a bearer token is stored and looked up by.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[derive(Debug, Default, Clone)]
pub struct Directory {
    pub(crate) accounts: HashMap<AccountId, Account>,
    pub(crate) keys: HashMap<String, Arc<AccessKey>>,
    pub(crate) tokens: HashMap<[u8; 32], Arc<Token>>,
}

impl Directory {
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(&id)
    }

    pub fn key(&self, id: &str) -> Option<Arc<AccessKey>> {
        self.keys.get(id).cloned()
    }

    pub fn token(&self, token: &str) -> Option<Arc<Token>> {
        self.tokens.get(&token_hash(token)).cloned()
    }

    /// Every account.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// Every access key (secrets included: never answer them).
    pub fn keys(&self) -> impl Iterator<Item = &Arc<AccessKey>> {
        self.keys.values()
    }

    /// A token by its id (not its secret).
    pub fn token_by_id(&self, id: &str) -> Option<Arc<Token>> {
        self.tokens.values().find(|t| t.id == id).cloned()
    }
}
