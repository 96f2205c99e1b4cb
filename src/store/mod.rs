//! The durable store: SQLite (embedded default) or PostgreSQL, one set of SQL for both.
//!
//! Queries use `$1` placeholders, ids are TEXT, times are BIGINT unix seconds and
//! binary values are BLOB/BYTEA, so the same query text and row types serve both.

mod acceptances;
mod apis;
pub(crate) mod audit;
mod backchannel;
mod clients;
mod consents;
mod deployments;
mod email_links;
mod grants;
mod invitations;
mod keys;
mod members;
mod meta;
mod outbox;
mod passkeys;
mod phones;
pub mod read_cache;
mod recovery_codes;
mod user_sessions;
pub(crate) mod users;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};

pub use audit::{AuditEvent, AuditQuery, ChainHead, ChainSeal};
pub use backchannel::Delivery;
pub use deployments::Deployment;
pub use grants::{Grant, RefreshToken, Rotation};
pub use invitations::{Invitation, Redemption};
pub use keys::StoredKey;
pub use members::MemberQuery;
pub use outbox::{AbandonedEmail, OutgoingEmail};
pub use passkeys::{Removal, StoredPasskey};
pub use user_sessions::UserSession;

/// Runs `$body` with `$pool` bound to whichever pool backs the store; the body is
/// compiled once per backend, which is how one query text serves both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::store::Db::Sqlite($pool) => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// [`on_pool!`] for a statement that writes. SQLite takes one writer at a
/// time and makes the others wait in its busy handler, which sleeps for up to
/// 100 ms between tries: under load most of a write's time went to sleeping.
/// This node's writers queue on an async lock instead, in order, so each
/// starts the moment the one before commits. (Another process writing, such
/// as the command line, still meets the busy handler.)
macro_rules! on_pool_writing {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::store::Db::Sqlite($pool) => {
                let _writer = $store.sqlite_writer.lock().await;
                $body
            }
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool_writing;

/// Runs `$body` inside a transaction `$tx` on whichever backend, committing
/// on `Ok`; on SQLite as this node's one writer (see [`on_pool_writing!`]),
/// holding SQLite's write lock from the start (`BEGIN IMMEDIATE`): a
/// transaction that read first and wrote later would otherwise fail at once
/// with "database is locked" (no busy wait) whenever another process, such as
/// a node beside the command line, wrote in between.
macro_rules! in_transaction {
    ($store:expr, $tx:ident => $body:expr) => {
        match &$store.db {
            $crate::store::Db::Sqlite(pool) => {
                let _writer = $store.sqlite_writer.lock().await;
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::store::Db::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}
pub(crate) use in_transaction;

/// A page of a list in a stable order (creation time, then id): the rows
/// after `after`, at most `limit` of them. Rows added meanwhile sort after
/// the ones already seen, so paging neither skips nor repeats.
#[derive(Debug, Clone, Default)]
pub struct Keyset {
    pub after: Option<(i64, String)>,
    pub limit: i64,
}

impl Keyset {
    pub(crate) fn after_at(&self) -> Option<i64> {
        self.after.as_ref().map(|(at, _)| *at)
    }

    pub(crate) fn after_id(&self) -> Option<&str> {
        self.after.as_ref().map(|(_, id)| id.as_str())
    }
}

/// `part` for a LIKE pattern with `ESCAPE '\'`: its `%`, `_` and `\` taken literally.
pub(crate) fn escape_like(part: &str) -> String {
    part.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[derive(Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Clone)]
pub struct Store {
    pub(crate) db: Db,
    /// SQLite has no migration lock of its own: processes sharing a data
    /// directory take this file lock to open and migrate one at a time.
    sqlite_lock: Option<PathBuf>,
    /// This node's SQLite writers take turns on this (`on_pool_writing!`).
    sqlite_writer: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Lock(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// Holds an exclusive lock on `path` (when given) until dropped.
async fn lock_file(path: Option<&Path>) -> Result<Option<std::fs::File>, String> {
    let Some(path) = path else { return Ok(None) };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let shown = path.display().to_string();
    tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| e.to_string())?
        .map(Some)
        .map_err(|e| format!("cannot lock {shown}: {e}"))
}

impl Store {
    /// Connects to `database_url`, or to the SQLite file in `data_dir`
    /// (created on first start).
    pub async fn connect(database_url: Option<&str>, data_dir: &std::path::Path) -> Result<Store, String> {
        let url = match database_url {
            Some(url) => url.to_string(),
            None => {
                std::fs::create_dir_all(data_dir)
                    .map_err(|e| format!("cannot create data directory {}: {e}", data_dir.display()))?;
                format!("sqlite:{}", data_dir.join("careid.db").display())
            }
        };
        let shown = crate::secret::SecretUrl::redact(&url);
        let sqlite_lock = url.starts_with("sqlite:").then(|| data_dir.join(".careid.lock"));
        let _guard = lock_file(sqlite_lock.as_deref()).await?;
        let db = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(&url)
                .map_err(|e| format!("database_url {shown}: {e}"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await
                .map_err(|e| format!("cannot open the database {shown}: {e}"))?;
            Db::Sqlite(pool)
        } else {
            let options =
                PgConnectOptions::from_str(&url).map_err(|e| format!("database_url {shown}: {e}"))?;
            // While PostgreSQL is away (a restart, a failover) a request gets
            // its 503 within the acquire timeout instead of hanging; the pool
            // reconnects on its own once the address answers again.
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(3))
                .connect_with(options)
                .await
                .map_err(|e| format!("cannot connect to the database at {shown}: {e}"))?;
            Db::Postgres(pool)
        };
        Ok(Store { db, sqlite_lock, sqlite_writer: Default::default() })
    }

    /// Applies pending migrations; safe to run on every start and from several nodes.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let _guard = lock_file(self.sqlite_lock.as_deref()).await.map_err(StoreError::Lock)?;
        match &self.db {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// A cheap round trip, for readiness.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop))?;
        Ok(())
    }

    pub fn backend_name(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}
