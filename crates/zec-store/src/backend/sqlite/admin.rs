//! The directory's storage primitives on SQLite.

use crate::admin::AdminDb;
use crate::directory::{AccessKey, Account, Scope, Token};
use crate::error::{DbResult, StoreError, db};
use crate::kinds::{self, ResourceGroup};
use rusqlite::{Connection, OptionalExtension, params};
use zec_core::AccountId;

/// A connection used for the directory only.
pub struct SqliteAdmin(pub(crate) Connection);

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

impl SqliteAdmin {
    /// Runs a change to accounts or credentials in a transaction that also bumps the
    /// directory version, so that running servers reload.
    fn change<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> DbResult<T> {
        let tx = self
            .0
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.execute("UPDATE directory SET version = version + 1", [])?;
        tx.commit()?;
        Ok(out)
    }
}

impl AdminDb for SqliteAdmin {
    fn insert_account(
        &mut self,
        name: &str,
        created_at: i64,
    ) -> Result<Option<Account>, StoreError> {
        db! {
            let tx = self
                .0
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let exists: Option<i64> = tx
                .query_row("SELECT id FROM accounts WHERE name = ?1", [name], |r| {
                    r.get(0)
                })
                .optional()?;
            if exists.is_some() {
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO accounts (name, created_at) VALUES (?1, ?2)",
                params![name, created_at],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute("UPDATE directory SET version = version + 1", [])?;
            tx.commit()?;
            Ok(Some(Account {
                id,
                name: name.to_owned(),
                created_at,
            }))
        }
    }

    fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        db! {
            let mut stmt = self
                .0
                .prepare_cached("SELECT id, name, created_at FROM accounts")?;
            let rows = stmt.query_map([], |r| {
                Ok(Account {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        }
    }

    fn put_key(&mut self, key: &AccessKey) -> Result<(), StoreError> {
        db! {
            self.change(|tx| {
                tx.execute(
                    "INSERT INTO access_keys
                     (id, secret, account_id, root, created_at, read_only, resource_groups)
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
                )
            })?;
            Ok(())
        }
    }

    fn keys(&mut self) -> Result<Vec<AccessKey>, StoreError> {
        db! {
            let mut stmt = self.0.prepare_cached(
                "SELECT id, secret, account_id, root, created_at, read_only, resource_groups
                 FROM access_keys",
            )?;
            let rows = stmt.query_map([], key_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        }
    }

    fn remove_key(&mut self, account: AccountId, id: &str) -> Result<bool, StoreError> {
        db! {
            Ok(self.change(|tx| {
                tx.execute(
                    "DELETE FROM access_keys WHERE id = ?1 AND account_id = ?2",
                    params![id, account],
                )
            })? > 0)
        }
    }

    fn put_token(&mut self, t: &Token, hash: &[u8; 32]) -> Result<(), StoreError> {
        db! {
            self.change(|tx| {
                tx.execute(
                "INSERT INTO tokens (id, hash, account_id, name, created_at, read_only, resource_groups)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    t.id,
                    hash.as_slice(),
                    t.account,
                    t.name,
                    t.created_at,
                    t.scope.read_only,
                    t.scope.groups_column()
                ],
            )
            })?;
            Ok(())
        }
    }

    fn tokens(&mut self) -> Result<Vec<(Token, Vec<u8>)>, StoreError> {
        db! {
            let mut stmt = self.0.prepare_cached(
                "SELECT id, account_id, name, created_at, read_only, resource_groups, hash FROM tokens",
            )?;
            let rows = stmt.query_map([], |r| Ok((token_row(r)?, r.get::<_, Vec<u8>>(6)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        }
    }

    fn remove_token(&mut self, account: AccountId, id: &str) -> Result<bool, StoreError> {
        db! {
            Ok(self.change(|tx| {
                tx.execute(
                    "DELETE FROM tokens WHERE id = ?1 AND account_id = ?2",
                    params![id, account],
                )
            })? > 0)
        }
    }

    fn groups(&mut self) -> Result<Vec<ResourceGroup>, StoreError> {
        db! {
            let mut stmt = self
                .0
                .prepare_cached(&format!("SELECT id, doc FROM {}", kinds::groups::TABLE))?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (id, doc) = row?;
                out.push(kinds::decode(kinds::groups::TABLE, id as u64, &doc)?);
            }
            Ok(out)
        }
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        db! {
            Ok(self
                .0
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()?)
        }
    }

    fn directory_version(&mut self) -> Result<i64, StoreError> {
        db! {
            Ok(self
                .0
                .query_row("SELECT version FROM directory", [], |r| r.get(0))?)
        }
    }
}
