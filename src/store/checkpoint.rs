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
//! connection to close normally checkpoints the whole log, and a log left by a process
//! killed mid-checkpoint (or closing while another still reads) is completed by the next
//! checkpoint, anyone's.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
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

/// The running task. [`Checkpointer::stop`] ends it and closes its connection; dropping it
/// only aborts the task, and the connection then closes on its own thread.
pub struct Checkpointer {
    task: tokio::task::JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Checkpointer {
    /// Stops checkpointing and waits until the connection is closed, so that a caller
    /// releasing the data folder (to `restore`, say) holds no connection to it after.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        let _ = (&mut self.task).await;
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts checkpointing the database at `path` (already created and in WAL mode) every
/// `every` ([`EVERY`] outside tests).
pub async fn start(path: &Path, every: Duration) -> anyhow::Result<Checkpointer> {
    let mut conn = SqliteConnectOptions::new().filename(path).connect().await?;
    let (stop, mut stopping) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut warned = false;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopping.changed() => break,
            }
            match checkpoint(&mut conn).await {
                Ok(()) => warned = false,
                // Once per spell of failures: the next tick retries, and commits past
                // the backstop still checkpoint.
                Err(e) if !warned => {
                    warned = true;
                    tracing::warn!(error = %e, "background checkpoint failed; retrying");
                }
                Err(_) => {}
            }
        }
        let _ = conn.close().await;
    });
    Ok(Checkpointer { task, stop })
}

/// One PASSIVE checkpoint: copies what it can without waiting for anyone.
pub async fn checkpoint(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::SqlitePool;

    const PAGE: u64 = 4096;

    async fn filler(dir: &Path) -> SqlitePool {
        let pool = super::super::connect(&dir.join("paperclub.db"))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE filler (body BLOB NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    /// `n` commits of about three pages each.
    async fn write(pool: &SqlitePool, n: usize) {
        for _ in 0..n {
            sqlx::query("INSERT INTO filler (body) VALUES (zeroblob(4000))")
                .execute(pool)
                .await
                .unwrap();
        }
    }

    fn pages(dir: &Path, file: &str) -> u64 {
        std::fs::metadata(dir.join(file)).map_or(0, |m| m.len()) / PAGE
    }

    #[tokio::test]
    async fn no_commit_copies_the_log_into_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let pool = filler(dir.path()).await;
        // About 1,650 pages: SQLite's own checkpoints would have restarted the log at 1,000.
        write(&pool, 500).await;
        let log = pages(dir.path(), "paperclub.db-wal");
        assert!(
            log > 1500,
            "the log restarted at {log} pages: a commit checkpointed"
        );
        pool.close().await;
    }

    #[tokio::test]
    async fn after_a_checkpoint_the_log_starts_again_from_its_beginning() {
        let dir = tempfile::tempdir().unwrap();
        let pool = filler(dir.path()).await;
        let options = SqliteConnectOptions::new().filename(dir.path().join("paperclub.db"));
        let mut side = options.connect().await.unwrap();
        write(&pool, 300).await;
        checkpoint(&mut side).await.unwrap();
        write(&pool, 300).await;
        // Without the checkpoint the log would hold both rounds (about 2,000 pages).
        let log = pages(dir.path(), "paperclub.db-wal");
        assert!(
            log < 1300,
            "the log grew to {log} pages: it did not start again"
        );
        side.close().await.unwrap();
        pool.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_task_copies_the_log_into_the_database_and_stops_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let pool = filler(dir.path()).await;
        let task = start(&dir.path().join("paperclub.db"), Duration::from_millis(10))
            .await
            .unwrap();
        write(&pool, 300).await;
        // The rows (a page each) reach the database file itself, not only the log.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while pages(dir.path(), "paperclub.db") < 300 {
            assert!(
                std::time::Instant::now() < deadline,
                "nothing was checkpointed"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        task.stop().await;
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM filler")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(rows, 300);
        pool.close().await;
    }
}
