//! Write-ahead-log checkpoints off the request path. By default SQLite checkpoints inside
//! whichever commit takes the log past 1,000 pages: that commit copies the log into the
//! database and syncs it, milliseconds to tens of milliseconds on a slow disk, once every
//! few hundred small writes, which makes it the p99 of every write command. Connections to
//! a data folder leave that to a commit only once the log passes [`BACKSTOP`] pages, and
//! each process runs this task instead: a PASSIVE checkpoint on its own connection twice a
//! second, which copies what no reader still needs and never waits for or blocks a writer.
//!
//! The backstop is there because the log starts again from its beginning only when a
//! checkpoint has caught up with it before the next write: between a bot's commands it
//! does, but under writes without pause (a large import) it may not, and the log would
//! grow without end.
//!
//! Nothing depends on one process's task: every process on the folder runs one, the last
//! connection to close checkpoints the whole log (SQLite always does), and a log left by a
//! process killed mid-checkpoint is completed by the next checkpoint, anyone's.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};
use std::path::Path;
use std::time::Duration;

/// Log pages past which a commit checkpoints after all (SQLite's default is 1,000). Under
/// writes without pause a commit then copies 2,000 pages now and then: in a Python
/// prototype of 20,000 commits, a longest commit of 12–17 ms against 36–44 ms at SQLite's
/// default, whose checkpoints come twice as often, and 99–100 ms at 8,000 pages.
pub const BACKSTOP: u32 = 2000;

/// How often the log is copied into the database: a hundred writes a second of a few pages
/// each add some 150 pages between two checkpoints.
pub const EVERY: Duration = Duration::from_millis(500);

/// The running task; dropping it stops the checkpoints (the pool's last connection to
/// close still checkpoints everything).
pub struct Checkpointer(tokio::task::JoinHandle<()>);

impl Checkpointer {
    pub fn stop(&self) {
        self.0.abort();
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts checkpointing the database at `path` (already created and in WAL mode) every
/// `every` ([`EVERY`] outside tests).
pub async fn start(path: &Path, every: Duration) -> anyhow::Result<Checkpointer> {
    let mut conn = SqliteConnectOptions::new().filename(path).connect().await?;
    Ok(Checkpointer(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = checkpoint(&mut conn).await {
                tracing::debug!(error = %e, "background checkpoint failed; the next one retries");
            }
        }
    })))
}

async fn checkpoint(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 500 commits of about three pages each (about 1,650 in all, under [`BACKSTOP`]), with
    /// a pause after each as between a bot's commands; returns the log's size in pages.
    async fn write_and_measure(dir: &Path) -> u64 {
        let db = dir.join("paperclub.db");
        let pool = super::super::connect(&db).await.unwrap();
        sqlx::query("CREATE TABLE filler (body BLOB NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        for _ in 0..500 {
            sqlx::query("INSERT INTO filler (body) VALUES (zeroblob(4000))")
                .execute(&pool)
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        let wal = std::fs::metadata(dir.join("paperclub.db-wal"))
            .unwrap()
            .len();
        pool.close().await;
        wal / 4096
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_commit_copies_the_log_into_the_database() {
        let dir = tempfile::tempdir().unwrap();
        // SQLite's own checkpoints would have restarted the log at about 1,000 pages.
        let pages = write_and_measure(dir.path()).await;
        assert!(
            pages > 1500,
            "the log restarted at {pages} pages: a commit checkpointed"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_task_keeps_the_log_short_and_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("paperclub.db");
        drop(super::super::connect(&db).await.unwrap());
        let task = start(&db, Duration::from_millis(10)).await.unwrap();
        let pages = write_and_measure(dir.path()).await;
        task.stop();
        // Without the task the same writes leave about 1,650 pages.
        assert!(
            pages < 800,
            "the log grew to {pages} pages: nothing checkpointed it"
        );
        let pool = super::super::connect(&db).await.unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM filler")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(rows, 500);
    }
}
