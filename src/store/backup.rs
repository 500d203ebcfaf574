//! The database file as a whole: a consistent copy taken while other processes keep writing
//! (`VACUUM INTO` reads one snapshot), what a copy holds, read without changing it, and the
//! record of restores (posts due before one may already be in their channel).

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use std::path::Path;

/// Writes a consistent copy of the database to `dest` (which must not exist).
pub async fn vacuum_into(conn: &mut SqliteConnection, dest: &Path) -> sqlx::Result<()> {
    sqlx::query("VACUUM INTO ?")
        .bind(dest.to_string_lossy().as_ref())
        .execute(conn)
        .await?;
    Ok(())
}

/// What a database copy holds, as far as a restore needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyInfo {
    /// `ok`, or SQLite's list of problems.
    pub integrity: String,
    /// The newest migration applied to the copy.
    pub migration: Option<i64>,
    pub papers: i64,
    pub courses: i64,
}

/// Opens `path` read-only (no migration, no journal changes) and checks it.
pub async fn inspect(path: &Path) -> anyhow::Result<CopyInfo> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    let migration: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await?;
    let count = |table: &'static str| format!("SELECT COUNT(*) FROM {table}");
    let papers: i64 = sqlx::query_scalar(&count("papers"))
        .fetch_one(&mut conn)
        .await?;
    let courses: i64 = sqlx::query_scalar(&count("courses"))
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0);
    conn.close().await?;
    Ok(CopyInfo {
        integrity: problems.join("; "),
        migration,
        papers,
        courses,
    })
}

/// Records that a copy of `source` was restored at `at` (unix seconds).
pub async fn record_restore(
    conn: &mut SqliteConnection,
    at: i64,
    source: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO restores (restored_at, source) VALUES (?, ?)")
        .bind(at)
        .bind(source)
        .execute(conn)
        .await?;
    Ok(())
}

/// When the last restore happened, if any.
pub async fn last_restore(conn: &mut SqliteConnection) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT MAX(restored_at) FROM restores")
        .fetch_one(conn)
        .await
}

/// The newest migration this build knows.
pub fn newest_migration() -> Option<i64> {
    sqlx::migrate!("./migrations")
        .migrations
        .iter()
        .map(|m| m.version)
        .max()
}
