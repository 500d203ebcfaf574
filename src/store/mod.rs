//! SQLite, the source of truth: connecting (WAL, foreign keys, busy timeout), migrating
//! from `migrations/`, and one file of queries per table group. Functions take a
//! connection (`&mut SqliteConnection`) so callers choose pool or transaction.

pub mod backup;
pub mod bulk;
pub mod changes;
pub mod checkpoint;
pub mod counts;
pub mod courses;
pub mod embeddings;
pub mod notes;
pub mod paged;
pub mod papers;
pub mod posts;
pub mod progress;
pub mod recommend;
pub mod slots;
pub mod sources;
pub mod tags;
pub mod team_moves;
pub mod teams;
pub mod views;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Opens (creating when missing) the database file and applies pending migrations.
pub async fn connect(path: &Path) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    open(options, 4)
        .await
        .with_context(|| format!("opening database {}", path.display()))
}

/// A private in-memory database (tests, benchmarks). One connection, because every
/// connection to `:memory:` would be a different database.
pub async fn connect_in_memory() -> anyhow::Result<SqlitePool> {
    open(SqliteConnectOptions::from_str("sqlite::memory:")?, 1).await
}

async fn open(options: SqliteConnectOptions, max: u32) -> anyhow::Result<SqlitePool> {
    let options = options
        .journal_mode(SqliteJournalMode::Wal)
        // NORMAL is durable across application crashes in WAL mode; only a power loss can
        // drop the last commits, never corrupt the file.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // A background task copies the log into the database (`checkpoint`), so that
        // no request pays for it; a commit does only when the task falls far behind.
        .pragma("wal_autocheckpoint", checkpoint::BACKSTOP.to_string())
        // 32 MB of page cache per connection (default 2 MB): a large import's transaction
        // then stays in memory until commit instead of spilling pages early.
        .pragma("cache_size", "-32768");
    let pool = SqlitePoolOptions::new()
        .max_connections(max)
        // An in-memory database lives as long as its one connection.
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("applying database migrations")?;
    Ok(pool)
}

/// `?` placeholders for a JSON array of ids bound as one parameter: lets one statement take
/// any number of ids without building SQL text.
pub(crate) fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}
