//! Accounts, keys, tokens and resource groups in the database: what the admin subcommands do,
//! and what the server makes sure of at start.

use crate::StoreError;
use crate::directory::{AccessKey, Account, Directory, ResourceGroup, Scope, Token, token_hash};
use rand::RngExt;
use rand::distr::{Alphanumeric, SampleString};
use rusqlite::{Connection, OptionalExtension, params};
use std::sync::Arc;
use zec_core::AccountId;
use zec_core::clock::wall_clock_millis;

pub const DEFAULT_ACCOUNT: &str = "default";
pub const DEFAULT_GROUP_NAME: &str = "Default Resource Group";

fn random_alnum(n: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), n)
}

pub(crate) fn new_uuid() -> String {
    let b: [u8; 16] = rand::rng().random();
    let h = hex::encode(b);
    // RFC 4122 version 4 layout, as the vendor's resource group ids are.
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

/// Creates an account with its default resource group.
pub fn create_account(conn: &mut Connection, name: &str) -> Result<Account, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(StoreError::Invalid(
            "an account name is 1-64 characters".into(),
        ));
    }
    let now = wall_clock_millis();
    let tx = conn.transaction()?;
    let exists: Option<i64> = tx
        .query_row("SELECT id FROM accounts WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?;
    if exists.is_some() {
        return Err(StoreError::Invalid(format!(
            "account {name} already exists"
        )));
    }
    tx.execute(
        "INSERT INTO accounts (name, created_at) VALUES (?1, ?2)",
        params![name, now],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO resource_groups (id, account_id, name, is_default, created_at)
         VALUES (?1, ?2, ?3, 1, ?4)",
        params![new_uuid(), id, DEFAULT_GROUP_NAME, now],
    )?;
    tx.commit()?;
    Ok(Account {
        id,
        name: name.to_owned(),
        created_at: now,
    })
}

pub fn list_accounts(conn: &Connection) -> Result<Vec<Account>, StoreError> {
    let mut stmt = conn.prepare("SELECT id, name, created_at FROM accounts ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Account {
            id: r.get(0)?,
            name: r.get(1)?,
            created_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find_account(conn: &Connection, name: &str) -> Result<Account, StoreError> {
    conn.query_row(
        "SELECT id, name, created_at FROM accounts WHERE name = ?1",
        [name],
        |r| {
            Ok(Account {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::Invalid(format!("no account named {name}")))
}

/// The default account, created on first use.
pub fn ensure_default_account(conn: &mut Connection) -> Result<Account, StoreError> {
    match find_account(conn, DEFAULT_ACCOUNT) {
        Ok(a) => Ok(a),
        Err(StoreError::Invalid(_)) => create_account(conn, DEFAULT_ACCOUNT),
        Err(e) => Err(e),
    }
}

/// Creates an access key for an account: a 24-character id and a 32-character password.
pub fn create_key(
    conn: &Connection,
    account: AccountId,
    root: bool,
    scope: Scope,
) -> Result<AccessKey, StoreError> {
    check_scope(conn, account, &scope)?;
    let key = AccessKey {
        id: random_alnum(24).to_uppercase(),
        secret: random_alnum(32),
        account,
        root,
        scope,
        created_at: wall_clock_millis(),
    };
    insert_key(conn, &key)?;
    Ok(key)
}

fn insert_key(conn: &Connection, key: &AccessKey) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO access_keys (id, secret, account_id, root, created_at, read_only, resource_groups)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET secret = excluded.secret,
             account_id = excluded.account_id, root = excluded.root,
             read_only = excluded.read_only, resource_groups = excluded.resource_groups",
        params![
            key.id,
            key.secret,
            key.account,
            key.root,
            key.created_at,
            key.scope.read_only,
            key.scope.groups_column()
        ],
    )?;
    Ok(())
}

/// The groups a scope names must be the account's.
fn check_scope(conn: &Connection, account: AccountId, scope: &Scope) -> Result<(), StoreError> {
    for g in &scope.groups {
        let found: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM resource_groups WHERE id = ?1 AND account_id = ?2",
                params![g, account],
                |r| r.get(0),
            )
            .optional()?;
        if found.is_none() {
            return Err(StoreError::Invalid(format!(
                "the account has no resource group {g}"
            )));
        }
    }
    Ok(())
}

/// Makes sure a given key exists, with this password, as a root key of the account
/// (`ZECD_ACCESS_KEY_ID` / `ZECD_ACCESS_KEY_PASSWORD`).
pub fn ensure_key(
    conn: &Connection,
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
    insert_key(
        conn,
        &AccessKey {
            id: id.to_owned(),
            secret: secret.to_owned(),
            account,
            root: true,
            scope: Scope::default(),
            created_at: wall_clock_millis(),
        },
    )
}

pub fn count_keys(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM access_keys", [], |r| r.get(0))?)
}

pub fn list_keys(conn: &Connection, account: AccountId) -> Result<Vec<AccessKey>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, secret, account_id, root, created_at, read_only, resource_groups
         FROM access_keys WHERE account_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([account], key_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn delete_key(conn: &Connection, account: AccountId, id: &str) -> Result<(), StoreError> {
    let n = conn.execute(
        "DELETE FROM access_keys WHERE id = ?1 AND account_id = ?2",
        params![id, account],
    )?;
    if n == 0 {
        return Err(StoreError::Invalid(format!("no key {id} in this account")));
    }
    Ok(())
}

/// Creates a bearer token (`pat_` and 64 hex digits). Only its hash is stored; the token is
/// returned once.
pub fn create_token(
    conn: &Connection,
    account: AccountId,
    name: &str,
    scope: Scope,
) -> Result<(Token, String), StoreError> {
    check_scope(conn, account, &scope)?;
    let secret: [u8; 32] = rand::rng().random();
    let token = format!("pat_{}", hex::encode(secret));
    let record = Token {
        id: format!("tok-{}", random_alnum(10).to_lowercase()),
        account,
        name: name.to_owned(),
        scope,
        created_at: wall_clock_millis(),
    };
    conn.execute(
        "INSERT INTO tokens (id, hash, account_id, name, created_at, read_only, resource_groups)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            record.id,
            token_hash(&token).as_slice(),
            account,
            record.name,
            record.created_at,
            record.scope.read_only,
            record.scope.groups_column()
        ],
    )?;
    Ok((record, token))
}

pub fn list_tokens(conn: &Connection, account: AccountId) -> Result<Vec<Token>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, account_id, name, created_at, read_only, resource_groups FROM tokens
         WHERE account_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([account], token_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn delete_token(conn: &Connection, account: AccountId, id: &str) -> Result<(), StoreError> {
    let n = conn.execute(
        "DELETE FROM tokens WHERE id = ?1 AND account_id = ?2",
        params![id, account],
    )?;
    if n == 0 {
        return Err(StoreError::Invalid(format!(
            "no token {id} in this account"
        )));
    }
    Ok(())
}

fn key_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccessKey> {
    Ok(AccessKey {
        id: r.get(0)?,
        secret: r.get(1)?,
        account: r.get(2)?,
        root: r.get(3)?,
        created_at: r.get(4)?,
        scope: Scope::from_columns(r.get(5)?, &r.get::<_, String>(6)?),
    })
}

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Token> {
    Ok(Token {
        id: r.get(0)?,
        account: r.get(1)?,
        name: r.get(2)?,
        created_at: r.get(3)?,
        scope: Scope::from_columns(r.get(4)?, &r.get::<_, String>(5)?),
    })
}

/// Reads the whole directory.
pub fn load_directory(conn: &Connection) -> Result<Directory, StoreError> {
    let mut d = Directory::default();
    for a in list_accounts(conn)? {
        d.accounts.insert(a.id, a);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, secret, account_id, root, created_at, read_only, resource_groups
         FROM access_keys",
    )?;
    let keys = stmt.query_map([], key_row)?;
    for k in keys {
        let k = k?;
        d.keys.insert(k.id.clone(), Arc::new(k));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, account_id, name, created_at, read_only, resource_groups, hash FROM tokens",
    )?;
    let tokens = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(6)?, token_row(r)?)))?;
    for t in tokens {
        let (hash, token) = t?;
        if let Ok(hash) = <[u8; 32]>::try_from(hash.as_slice()) {
            d.tokens.insert(hash, Arc::new(token));
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, account_id, name, is_default, created_at FROM resource_groups",
    )?;
    let groups = stmt.query_map([], |r| {
        Ok(ResourceGroup {
            id: r.get(0)?,
            account: r.get(1)?,
            name: r.get(2)?,
            is_default: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    for g in groups {
        let g = g?;
        d.groups.insert(g.id.clone(), g);
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::open_connection;

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_connection(&dir.path().join("zecd.db")).unwrap();
        (dir, conn)
    }

    #[test]
    fn accounts_get_a_default_group_and_unique_names() {
        let (_d, mut conn) = db();
        let a = create_account(&mut conn, "team-a").unwrap();
        assert!(create_account(&mut conn, "team-a").is_err());
        assert!(create_account(&mut conn, " ").is_err());
        let dir = load_directory(&conn).unwrap();
        let g = dir.default_group(a.id).unwrap();
        assert_eq!(g.name, DEFAULT_GROUP_NAME);
        assert_eq!(g.id.len(), 36);
        assert_eq!(&g.id[14..15], "4");
    }

    #[test]
    fn keys_and_tokens_belong_to_their_account() {
        let (_d, mut conn) = db();
        let a = create_account(&mut conn, "a").unwrap();
        let b = create_account(&mut conn, "b").unwrap();
        let key = create_key(&conn, a.id, false, Scope::default()).unwrap();
        let (tok, secret) = create_token(&conn, b.id, "ci", Scope::default()).unwrap();
        assert!(secret.starts_with("pat_") && secret.len() == 68);
        let dir = load_directory(&conn).unwrap();
        assert_eq!(dir.key(&key.id).unwrap().account, a.id);
        assert_eq!(dir.token(&secret).unwrap().id, tok.id);
        assert!(dir.token("pat_nope").is_none());
        // Tokens are stored hashed only.
        let stored: Vec<u8> = conn
            .query_row("SELECT hash FROM tokens", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, token_hash(&secret));
        assert!(delete_key(&conn, b.id, &key.id).is_err());
        delete_key(&conn, a.id, &key.id).unwrap();
        delete_token(&conn, b.id, &tok.id).unwrap();
        let dir = load_directory(&conn).unwrap();
        assert!(dir.key(&key.id).is_none() && dir.token(&secret).is_none());
    }

    #[test]
    fn scopes_are_kept_and_name_only_the_accounts_own_groups() {
        let (_d, mut conn) = db();
        let a = create_account(&mut conn, "a").unwrap();
        let b = create_account(&mut conn, "b").unwrap();
        let dir = load_directory(&conn).unwrap();
        let own = dir.default_group(a.id).unwrap().id.clone();
        let theirs = dir.default_group(b.id).unwrap().id.clone();
        let scope = Scope {
            read_only: true,
            groups: vec![own.clone()],
        };
        let key = create_key(&conn, a.id, false, scope.clone()).unwrap();
        let (tok, secret) = create_token(&conn, a.id, "ro", scope.clone()).unwrap();
        let dir = load_directory(&conn).unwrap();
        assert_eq!(dir.key(&key.id).unwrap().scope, scope);
        assert_eq!(dir.token(&secret).unwrap().scope, scope);
        assert_eq!(list_tokens(&conn, a.id).unwrap()[0].id, tok.id);
        let foreign = Scope {
            read_only: false,
            groups: vec![theirs],
        };
        assert!(create_key(&conn, a.id, false, foreign.clone()).is_err());
        assert!(create_token(&conn, a.id, "x", foreign).is_err());
        assert_eq!(scope.describe(), format!("read-only; groups {own}"));
        assert_eq!(Scope::default().describe(), "all");
    }

    #[test]
    fn ensure_key_sets_the_password_of_a_root_key() {
        let (_d, mut conn) = db();
        let a = ensure_default_account(&mut conn).unwrap();
        assert_eq!(ensure_default_account(&mut conn).unwrap(), a);
        ensure_key(&conn, a.id, "AKID", "one").unwrap();
        ensure_key(&conn, a.id, "AKID", "two").unwrap();
        let k = load_directory(&conn).unwrap().key("AKID").unwrap();
        assert_eq!((k.secret.as_str(), k.root), ("two", true));
        assert_eq!(count_keys(&conn).unwrap(), 1);
        assert!(!format!("{k:?}").contains("two"));
    }
}
