//! Opening a data folder: one process at a time creates, migrates and checks it (a file
//! lock, so two processes started at once on a new folder neither race the migrations nor
//! both build the index), then the index catches up with whatever the change log has
//! beyond the generation it recorded.

use super::{sync, Catalog};
use crate::search::SearchIndex;
use crate::store::{changes, checkpoint};
use fs4::fs_std::FileExt;
use sqlx::SqlitePool;
use std::fs::{File, OpenOptions};
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The lock file in the data folder, held while a process opens it.
const OPEN_LOCK: &str = "open.lock";
/// Held shared by every process using the folder, exclusively by `restore`.
pub const IN_USE_LOCK: &str = "in-use.lock";

impl Catalog {
    /// Opens (creating and migrating) the catalog in `data_dir`, and brings the index up to
    /// the database's generation: applies the logged changes it lacks, or rebuilds it when
    /// it is missing, of another schema version, or has no generation. A failure there is
    /// logged, not fatal: SQLite answers, and the index catches up at the next write or
    /// start (`paperclub stats` shows how far behind it is).
    pub async fn open(data_dir: &Path) -> anyhow::Result<Catalog> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            anyhow::anyhow!("cannot create data folder {}: {e}", data_dir.display())
        })?;
        let _lock = lock(&data_dir.join(OPEN_LOCK)).await?;
        let in_use = lock_file(&data_dir.join(IN_USE_LOCK))?;
        in_use.lock_shared().map_err(|e| {
            anyhow::anyhow!("cannot lock {}: {e}", data_dir.join(IN_USE_LOCK).display())
        })?;
        let db = data_dir.join("paperclub.db");
        let pool = crate::store::connect(&db).await?;
        let checkpoints = checkpoint::start(&db, checkpoint::EVERY).await?;
        let (index, stale) = SearchIndex::open(&data_dir.join("index"))?;
        let mut catalog = Catalog::new(pool, index);
        catalog._in_use = Some(in_use);
        catalog.checkpoints = std::sync::Mutex::new(Some(checkpoints));
        if let Err(e) = catalog.bring_index_up_to_date(stale).await {
            tracing::warn!(error = %e, "search index not brought up to date; searches may miss recent changes");
        }
        Ok(catalog)
    }

    /// A fresh catalog in memory (tests, benchmarks).
    pub async fn open_in_memory() -> anyhow::Result<Catalog> {
        let pool = crate::store::connect_in_memory().await?;
        let index = SearchIndex::in_ram()?;
        // An empty index for an empty database: generation 0.
        index.rebuild(std::iter::empty(), 0)?;
        index.release();
        Ok(Catalog::new(pool, index))
    }

    fn new(pool: SqlitePool, index: SearchIndex) -> Catalog {
        Catalog {
            pool,
            index: Arc::new(index),
            writer: tokio::sync::Mutex::new(()),
            identities: tokio::sync::Mutex::new(None),
            tag_cache: RwLock::new(std::collections::HashMap::new()),
            freshness: sync::Freshness::default(),
            checkpoints: std::sync::Mutex::new(None),
            _in_use: None,
        }
    }

    async fn bring_index_up_to_date(&self, stale: bool) -> anyhow::Result<()> {
        let db = changes::current(&mut *self.pool.acquire().await?).await?;
        let at = self.index.reload()?;
        if !stale && at == Some(db) {
            return Ok(());
        }
        tracing::info!(stale, index = ?at, db, "search index behind the database; catching up");
        if stale {
            self.reindex().await?;
            return Ok(());
        }
        let _guard = self.writer.lock().await;
        if !self.acquire_writer().await? {
            // The process holding the writer applies the log before it lets go.
            tracing::info!("another process holds the search index writer; it catches up");
            return Ok(());
        }
        let reached = self.catch_up().await;
        self.index.release();
        reached.map(|_| ())
    }
}

/// Takes the exclusive lock on `path`, waiting for another process that holds it.
async fn lock(path: &Path) -> anyhow::Result<File> {
    let file = lock_file(path)?;
    Ok(tokio::task::spawn_blocking(move || file.lock_exclusive().map(|()| file)).await??)
}

/// A lock file, created when missing.
pub(crate) fn lock_file(path: &Path) -> anyhow::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))
}
