//! Accounts, keys and tokens: what the admin subcommands do and what the server makes sure of
//! at start. The rules live here once; each backend supplies the few storage primitives of
//! [`AdminDb`]. (An account's default resource group is made by the store's writer, like every
//! group, the first time the account is seen.)

use crate::StoreError;
use crate::directory::{AccessKey, Account, Directory, Scope, Token, token_hash};
use crate::kinds::ResourceGroup;
use rand::RngExt;
use rand::distr::{Alphanumeric, SampleString};
use std::sync::Arc;
use zec_core::AccountId;
use zec_core::clock::wall_clock_millis;

pub const DEFAULT_ACCOUNT: &str = "default";

/// What a backend stores for the directory. Every change bumps what
/// [`AdminDb::directory_version`] reads, so that running servers reload.
pub trait AdminDb: Send {
    /// Creates an account; `None` if the name is taken.
    fn insert_account(
        &mut self,
        name: &str,
        created_at: i64,
    ) -> Result<Option<Account>, StoreError>;
    fn accounts(&mut self) -> Result<Vec<Account>, StoreError>;
    /// Inserts or replaces a key.
    fn put_key(&mut self, key: &AccessKey) -> Result<(), StoreError>;
    fn keys(&mut self) -> Result<Vec<AccessKey>, StoreError>;
    /// Whether a key of the account was deleted.
    fn remove_key(&mut self, account: AccountId, id: &str) -> Result<bool, StoreError>;
    fn put_token(&mut self, token: &Token, hash: &[u8; 32]) -> Result<(), StoreError>;
    /// Tokens with their hashes.
    fn tokens(&mut self) -> Result<Vec<(Token, Vec<u8>)>, StoreError>;
    fn remove_token(&mut self, account: AccountId, id: &str) -> Result<bool, StoreError>;
    /// Every resource group (as the store last committed them).
    fn groups(&mut self) -> Result<Vec<ResourceGroup>, StoreError>;
    /// Changes whenever the directory may have changed.
    fn directory_version(&mut self) -> Result<i64, StoreError>;
    /// A value of the store's own (the manual clock's time, ...).
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError>;
}

/// Where the time of a manual clock is written down.
pub(crate) const MANUAL_CLOCK_KEY: &str = "manual_clock";

/// The time a manual clock last had on this store, if it ever ran with one.
pub fn manual_clock_time(db: &mut dyn AdminDb) -> Result<Option<zec_core::Millis>, StoreError> {
    Ok(db.meta(MANUAL_CLOCK_KEY)?.and_then(|v| v.parse().ok()))
}

fn random_alnum(n: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), n)
}

/// A version 4 UUID, as the vendor's resource group ids are.
pub(crate) fn new_uuid() -> String {
    let b: [u8; 16] = rand::rng().random();
    let h = hex::encode(b);
    format!(
        "{}-{}-4{}-{:x}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        (b[8] & 0x3) | 0x8,
        &h[17..20],
        &h[20..32]
    )
}

/// Creates an account (a serving store gives it its default resource group).
pub fn create_account(db: &mut dyn AdminDb, name: &str) -> Result<Account, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(StoreError::Invalid(
            "an account name is 1-64 characters".into(),
        ));
    }
    db.insert_account(name, wall_clock_millis())?
        .ok_or_else(|| StoreError::Invalid(format!("account {name} already exists")))
}

pub fn list_accounts(db: &mut dyn AdminDb) -> Result<Vec<Account>, StoreError> {
    let mut a = db.accounts()?;
    a.sort_by_key(|a| a.id);
    Ok(a)
}

pub fn find_account(db: &mut dyn AdminDb, name: &str) -> Result<Account, StoreError> {
    db.accounts()?
        .into_iter()
        .find(|a| a.name == name)
        .ok_or_else(|| StoreError::Invalid(format!("no account named {name}")))
}

/// The default account, created on first use.
pub fn ensure_default_account(db: &mut dyn AdminDb) -> Result<Account, StoreError> {
    match find_account(db, DEFAULT_ACCOUNT) {
        Ok(a) => Ok(a),
        Err(StoreError::Invalid(_)) => match create_account(db, DEFAULT_ACCOUNT) {
            // Another replica made it at the same moment.
            Err(StoreError::Invalid(_)) => find_account(db, DEFAULT_ACCOUNT),
            other => other,
        },
        Err(e) => Err(e),
    }
}

/// The groups a scope names must be the account's.
fn check_scope(db: &mut dyn AdminDb, account: AccountId, scope: &Scope) -> Result<(), StoreError> {
    let groups = db.groups()?;
    for g in &scope.groups {
        if !groups.iter().any(|x| &x.id == g && x.account == account) {
            return Err(StoreError::Invalid(format!(
                "the account has no resource group {g}"
            )));
        }
    }
    Ok(())
}

/// Creates an access key for an account: a 24-character id and a 32-character password.
pub fn create_key(
    db: &mut dyn AdminDb,
    account: AccountId,
    root: bool,
    scope: Scope,
) -> Result<AccessKey, StoreError> {
    check_scope(db, account, &scope)?;
    let key = AccessKey {
        id: random_alnum(24).to_uppercase(),
        secret: random_alnum(32),
        account,
        root,
        scope,
        created_at: wall_clock_millis(),
    };
    db.put_key(&key)?;
    Ok(key)
}

/// Makes sure a given key exists, with this password, as a root key of the account
/// (`ZECD_ACCESS_KEY_ID` / `ZECD_ACCESS_KEY_PASSWORD`).
pub fn ensure_key(
    db: &mut dyn AdminDb,
    account: AccountId,
    id: &str,
    secret: &str,
) -> Result<(), StoreError> {
    let (id, secret) = (id.trim(), secret.trim());
    if id.is_empty() || secret.is_empty() {
        return Err(StoreError::Invalid(
            "an access key id and password must not be empty".into(),
        ));
    }
    db.put_key(&AccessKey {
        id: id.to_owned(),
        secret: secret.to_owned(),
        account,
        root: true,
        scope: Scope::default(),
        created_at: wall_clock_millis(),
    })
}

pub fn count_keys(db: &mut dyn AdminDb) -> Result<usize, StoreError> {
    Ok(db.keys()?.len())
}

pub fn list_keys(db: &mut dyn AdminDb, account: AccountId) -> Result<Vec<AccessKey>, StoreError> {
    let mut keys: Vec<_> = db
        .keys()?
        .into_iter()
        .filter(|k| k.account == account)
        .collect();
    keys.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(keys)
}

pub fn delete_key(db: &mut dyn AdminDb, account: AccountId, id: &str) -> Result<(), StoreError> {
    if db.remove_key(account, id)? {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("no key {id} in this account")))
    }
}

/// Creates a bearer token (`pat_` and 64 hex digits). Only its hash is stored; the token is
/// returned once.
pub fn create_token(
    db: &mut dyn AdminDb,
    account: AccountId,
    name: &str,
    scope: Scope,
) -> Result<(Token, String), StoreError> {
    check_scope(db, account, &scope)?;
    let secret: [u8; 32] = rand::rng().random();
    let token = format!("pat_{}", hex::encode(secret));
    let record = Token {
        id: format!("tok-{}", random_alnum(10).to_lowercase()),
        account,
        name: name.to_owned(),
        scope,
        created_at: wall_clock_millis(),
    };
    db.put_token(&record, &token_hash(&token))?;
    Ok((record, token))
}

pub fn list_tokens(db: &mut dyn AdminDb, account: AccountId) -> Result<Vec<Token>, StoreError> {
    let mut tokens: Vec<_> = db
        .tokens()?
        .into_iter()
        .map(|(t, _)| t)
        .filter(|t| t.account == account)
        .collect();
    tokens.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(tokens)
}

pub fn delete_token(db: &mut dyn AdminDb, account: AccountId, id: &str) -> Result<(), StoreError> {
    if db.remove_token(account, id)? {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "no token {id} in this account"
        )))
    }
}

/// Reads the whole directory.
pub fn load_directory(db: &mut dyn AdminDb) -> Result<Directory, StoreError> {
    let mut d = Directory::default();
    for a in db.accounts()? {
        d.accounts.insert(a.id, a);
    }
    for k in db.keys()? {
        d.keys.insert(k.id.clone(), Arc::new(k));
    }
    for (token, hash) in db.tokens()? {
        if let Ok(hash) = <[u8; 32]>::try_from(hash.as_slice()) {
            d.tokens.insert(hash, Arc::new(token));
        }
    }
    Ok(d)
}
