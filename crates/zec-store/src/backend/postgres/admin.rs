//! The directory's storage primitives on PostgreSQL. Every change bumps the `directory`
//! version in the same transaction, so that every replica reloads.

use crate::admin::AdminDb;
use crate::directory::{AccessKey, Account, Scope, Token};
use crate::error::{StoreError, db};
use crate::kinds::{self, ResourceGroup};
use postgres::{Client, Row, Transaction};
use zec_core::AccountId;

/// A connection used for the directory only.
pub struct PgAdmin(pub(crate) super::Pg);

impl PgAdmin {
    fn c(&mut self) -> Result<&mut Client, StoreError> {
        self.0.client()
    }

    /// Every resource group, from their documents.
    pub(crate) fn read_groups(
        client: &mut impl postgres::GenericClient,
    ) -> crate::error::DbResult<Vec<ResourceGroup>> {
        let mut out = Vec::new();
        for row in client.query(
            &format!(
                "SELECT id, doc FROM {} WHERE doc IS NOT NULL",
                kinds::groups::TABLE
            ),
            &[],
        )? {
            let id: i64 = row.get(0);
            let doc: &[u8] = row.get(1);
            out.push(kinds::decode(kinds::groups::TABLE, id as u64, doc)?);
        }
        Ok(out)
    }
}

fn bump(tx: &mut Transaction<'_>) -> Result<(), postgres::Error> {
    tx.execute("UPDATE directory SET version = version + 1", &[])?;
    Ok(())
}

fn key_row(r: &Row) -> AccessKey {
    AccessKey {
        id: r.get(0),
        secret: r.get(1),
        account: r.get(2),
        root: r.get(3),
        created_at: r.get(4),
        scope: Scope::from_columns(r.get(5), r.get::<_, &str>(6)),
    }
}

impl AdminDb for PgAdmin {
    fn insert_account(
        &mut self,
        name: &str,
        created_at: i64,
    ) -> Result<Option<Account>, StoreError> {
        db! {
            let mut tx = self.c()?.transaction()?;
            let Some(row) = tx.query_opt(
                "INSERT INTO accounts (name, created_at) VALUES ($1, $2)
                 ON CONFLICT (name) DO NOTHING RETURNING id",
                &[&name, &created_at],
            )?
            else {
                return Ok(None);
            };
            let id: i64 = row.get(0);
            bump(&mut tx)?;
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
            Ok(self
                .c()?
                .query("SELECT id, name, created_at FROM accounts", &[])?
                .iter()
                .map(|r| Account {
                    id: r.get(0),
                    name: r.get(1),
                    created_at: r.get(2),
                })
                .collect())
        }
    }

    fn put_key(&mut self, key: &AccessKey) -> Result<(), StoreError> {
        db! {
            let mut tx = self.c()?.transaction()?;
            tx.execute(
                "INSERT INTO access_keys
                     (id, secret, account_id, root, created_at, read_only, resource_groups)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (id) DO UPDATE SET secret = excluded.secret,
                     account_id = excluded.account_id, root = excluded.root,
                     read_only = excluded.read_only, resource_groups = excluded.resource_groups",
                &[
                    &key.id,
                    &key.secret,
                    &key.account,
                    &key.root,
                    &key.created_at,
                    &key.scope.read_only,
                    &key.scope.groups_column(),
                ],
            )?;
            bump(&mut tx)?;
            tx.commit()?;
            Ok(())
        }
    }

    fn keys(&mut self) -> Result<Vec<AccessKey>, StoreError> {
        db! {
            Ok(self
                .c()?
                .query(
                    "SELECT id, secret, account_id, root, created_at, read_only, resource_groups
                     FROM access_keys",
                    &[],
                )?
                .iter()
                .map(key_row)
                .collect())
        }
    }

    fn remove_key(&mut self, account: AccountId, id: &str) -> Result<bool, StoreError> {
        db! {
            let mut tx = self.c()?.transaction()?;
            let n = tx.execute(
                "DELETE FROM access_keys WHERE id = $1 AND account_id = $2",
                &[&id, &account],
            )?;
            bump(&mut tx)?;
            tx.commit()?;
            Ok(n > 0)
        }
    }

    fn put_token(&mut self, t: &Token, hash: &[u8; 32]) -> Result<(), StoreError> {
        db! {
            let mut tx = self.c()?.transaction()?;
            tx.execute(
                "INSERT INTO tokens (id, hash, account_id, name, created_at, read_only, resource_groups)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &t.id,
                    &hash.as_slice(),
                    &t.account,
                    &t.name,
                    &t.created_at,
                    &t.scope.read_only,
                    &t.scope.groups_column(),
                ],
            )?;
            bump(&mut tx)?;
            tx.commit()?;
            Ok(())
        }
    }

    fn tokens(&mut self) -> Result<Vec<(Token, Vec<u8>)>, StoreError> {
        db! {
            Ok(self
                .c()?
                .query(
                    "SELECT id, account_id, name, created_at, read_only, resource_groups, hash
                     FROM tokens",
                    &[],
                )?
                .iter()
                .map(|r| {
                    (
                        Token {
                            id: r.get(0),
                            account: r.get(1),
                            name: r.get(2),
                            created_at: r.get(3),
                            scope: Scope::from_columns(r.get(4), r.get::<_, &str>(5)),
                        },
                        r.get(6),
                    )
                })
                .collect())
        }
    }

    fn remove_token(&mut self, account: AccountId, id: &str) -> Result<bool, StoreError> {
        db! {
            let mut tx = self.c()?.transaction()?;
            let n = tx.execute(
                "DELETE FROM tokens WHERE id = $1 AND account_id = $2",
                &[&id, &account],
            )?;
            bump(&mut tx)?;
            tx.commit()?;
            Ok(n > 0)
        }
    }

    fn groups(&mut self) -> Result<Vec<ResourceGroup>, StoreError> {
        db! {
            let client = self.c()?;
            PgAdmin::read_groups(client)
        }
    }

    fn directory_version(&mut self) -> Result<i64, StoreError> {
        db! {
            Ok(self
                .c()?
                .query_one("SELECT version FROM directory", &[])?
                .get(0))
        }
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        db! {
            Ok(self
                .c()?
                .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
                .map(|r| r.get(0)))
        }
    }
}
