//! What can go wrong, classified by what the caller should do about it. No driver type
//! appears here: database errors become [`StoreError::Unavailable`] (try again) or
//! [`StoreError::Internal`] (unreadable data) with their cause in words.

use zec_types::ApiError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// Refused, with the vendor's code: tell the caller exactly this.
    #[error("{0}")]
    Refused(ApiError),
    /// The store cannot be reached, a write could not be committed (nothing of it was
    /// applied), or the store has shut down: the caller may try again.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Stored data that cannot be read, or a broken invariant: the cause belongs in the log.
    #[error("internal: {0}")]
    Internal(String),
    /// An administrative request that makes no sense (unknown account, duplicate name).
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    pub(crate) fn closed() -> Self {
        StoreError::Unavailable("the store is shut down".into())
    }
}

impl From<ApiError> for StoreError {
    fn from(e: ApiError) -> Self {
        StoreError::Refused(e)
    }
}

/// A database driver's error, inside the crate. Converted to a [`StoreError`] at the crate's
/// edge.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DbError {
    /// Already classified (a refusal, unreadable data) on its way out.
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", crate::backend::postgres::describe(.0))]
    Postgres(#[from] postgres::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<DbError> for StoreError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Store(e) => e,
            other => StoreError::Unavailable(format!("database: {other}")),
        }
    }
}

/// What the backends' own functions answer: `?` takes driver errors and store errors alike.
pub(crate) type DbResult<T> = Result<T, DbError>;

/// A block whose `?` takes driver and store errors alike, answering a [`StoreError`].
macro_rules! db {
    ($($body:tt)*) => {
        (|| -> $crate::error::DbResult<_> { $($body)* })().map_err($crate::error::StoreError::from)
    };
}
pub(crate) use db;
