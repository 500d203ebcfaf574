//! Keeping the search index and this process's caches in step with SQLite, whichever
//! process wrote. Every catalog write logs the papers it touched under a new generation
//! (`store::changes`); the index records the generation it has reached in its commit
//! payload. Whoever holds the index writer applies what the log has beyond that, reading
//! the touched papers back from SQLite; every other process reloads its reader and drops
//! its caches when the generation moves.

use super::indexing;
use super::write::Touched;
use super::Catalog;
use crate::store::changes;
use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long an import waits for another process to let go of the index writer (or to
/// apply the import's changes itself) before saying its papers are not yet searchable.
const WRITER_WAIT: Duration = Duration::from_secs(30);
/// A long-running process looks for other processes' writes at most this often, so that
/// autocomplete stays a memory lookup and a change shows within a fraction of a second.
const CHECK_EVERY: Duration = Duration::from_millis(200);

/// What this process last saw of the database's generation.
pub(super) struct Freshness {
    last_check: Mutex<Option<Instant>>,
    seen: AtomicI64,
}

impl Default for Freshness {
    fn default() -> Self {
        Freshness {
            last_check: Mutex::new(None),
            seen: AtomicI64::new(-1),
        }
    }
}

impl Freshness {
    fn due(&self) -> bool {
        let mut last = self
            .last_check
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|t| t.elapsed() < CHECK_EVERY) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }
}

/// Where the index of one import stands: whether this process holds the writer, and the
/// generation the index reaches once the jobs handed out so far have committed.
#[derive(Default)]
pub(super) struct Session {
    planned: Option<i64>,
    /// Latest generation this import wrote.
    pub target: Option<i64>,
}

impl Catalog {
    /// Notices other processes' writes: drops the tag cache, reloads the reader, and
    /// applies logged changes nobody has indexed (a process that died before its index
    /// commit). Cheap when nothing moved; runs at most every [`CHECK_EVERY`].
    pub(super) async fn refresh(&self) {
        if self.freshness.due() {
            if let Err(e) = self.refresh_now().await {
                tracing::warn!(error = %e, "checking for other processes' changes failed");
            }
        }
    }

    pub(super) async fn refresh_now(&self) -> anyhow::Result<()> {
        let db = changes::current(&mut *self.pool.acquire().await?).await?;
        let seen = self.freshness.seen.swap(db, Ordering::AcqRel);
        if seen == db && self.index.reader_generation() >= Some(db) {
            return Ok(());
        }
        if seen != db {
            self.clear_tag_cache();
        }
        if self.index.reload()? >= Some(db) {
            return Ok(());
        }
        // Behind: another process is applying these changes, or died before it could.
        // An import in this process applies them itself when it finishes.
        let Ok(_importing) = self.writer.try_lock() else {
            return Ok(());
        };
        if self.acquire_writer().await? {
            let reached = self.catch_up().await;
            self.index.release();
            reached?;
        }
        Ok(())
    }

    /// Takes the index writer if no process holds it (the check may wait for this
    /// process's last writer to finish merging, so it runs off the async threads).
    pub(super) async fn acquire_writer(&self) -> anyhow::Result<bool> {
        let index = Arc::clone(&self.index);
        tokio::task::spawn_blocking(move || index.try_acquire()).await?
    }

    /// Applies every logged change the index lacks, or rebuilds it when it has never
    /// recorded a generation or claims one the database never reached. The caller holds
    /// the writer. Returns the generation reached.
    pub(super) async fn catch_up(&self) -> anyhow::Result<i64> {
        // The generation is read before the papers, so the documents are at least as new
        // as the generation recorded with them; applying a change twice is harmless.
        let db = changes::current(&mut *self.pool.acquire().await?).await?;
        let index = Arc::clone(&self.index);
        let at = match index.writer_generation() {
            Some(at) if at == db => return Ok(db),
            Some(at) if at < db => at,
            found => {
                tracing::info!(?found, db, "search index generation unusable; rebuilding");
                let docs = indexing::all_docs(&self.pool).await?;
                tokio::task::spawn_blocking(move || index.rebuild(docs.into_iter(), db)).await??;
                return Ok(db);
            }
        };
        let ids = changes::papers_between(&mut *self.pool.acquire().await?, at, db, &[]).await?;
        let (docs, gone) = indexing::docs_for(&self.pool, &ids).await?;
        let reached =
            tokio::task::spawn_blocking(move || index.update(&docs, &gone, at, db)).await??;
        tracing::info!(
            from = at,
            to = db,
            papers = ids.len(),
            "search index caught up"
        );
        reached.ok_or_else(|| anyhow::anyhow!("search index has no generation after catching up"))
    }

    /// The index update for one chunk of an import, ready to run on any thread; `None`
    /// when there is nothing to do now or this process cannot take the writer (then
    /// [`Catalog::finish_index`] sees to it). Papers new in the import are indexed from
    /// memory; the others, and whatever other processes logged in between, are read back.
    pub(super) async fn index_job(
        &self,
        touched: Touched,
        session: &mut Session,
    ) -> Option<impl FnOnce() + Send + 'static> {
        let upto = touched.generations.iter().copied().max()?;
        session.target = session.target.max(Some(upto));
        match self.acquire_writer().await {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                tracing::error!(error = %e, "cannot open the search index writer");
                return None;
            }
        }
        let from = match session.planned {
            Some(g) => g,
            None => self.index.writer_generation()?,
        };
        let read = async {
            let mut conn = self.pool.acquire().await?;
            let mut ids =
                changes::papers_between(&mut conn, from, upto, &touched.generations).await?;
            drop(conn);
            ids.extend(&touched.ids);
            indexing::docs_for(&self.pool, &ids).await
        };
        let (read_back, gone) = match read.await {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(error = %e, "reading papers to index failed");
                return None;
            }
        };
        session.planned = Some(upto);
        // A paper new in one file of a batch and merged by a later one is read back: that
        // document, which knows every source, replaces the in-memory one.
        let reread: HashSet<i64> = read_back
            .iter()
            .map(|d| d.id)
            .chain(gone.iter().copied())
            .collect();
        let mut docs = touched.docs;
        docs.retain(|d| !reread.contains(&d.id));
        docs.extend(read_back);
        let index = Arc::clone(&self.index);
        Some(move || {
            if let Err(e) = index.update(&docs, &gone, from, upto) {
                tracing::error!(error = %e, "search index update failed; catching up from the log");
            }
        })
    }

    /// After an import's chunks: applies whatever the index still lacks up to the import's
    /// last generation, then lets go of the writer. When another process holds the writer,
    /// waits for it to let go or to apply these changes itself. `Err` says, for the import
    /// report, why the import's papers are not searchable yet.
    pub(super) async fn finish_index(&self, session: &Session) -> Result<(), String> {
        let Some(target) = session.target else {
            self.index.release();
            return Ok(());
        };
        let deadline = Instant::now() + WRITER_WAIT;
        loop {
            match self.acquire_writer().await {
                Ok(true) => {
                    let reached = self.catch_up().await;
                    self.index.release();
                    return match reached {
                        Ok(g) if g >= target => {
                            self.prune_log(g).await;
                            Ok(())
                        }
                        Ok(g) => Err(format!("the search index reached change {g} of {target}")),
                        Err(e) => {
                            tracing::error!(error = %e, "search index update failed");
                            Err(format!(
                                "the search index update failed ({e}); it is retried at the next \
                                 start, or run `paperclub reindex`"
                            ))
                        }
                    };
                }
                Ok(false) => {}
                Err(e) => return Err(format!("cannot open the search index writer: {e}")),
            }
            if self.index.committed_generation().ok().flatten() >= Some(target) {
                let _ = self.index.reload();
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(
                    "another paperclub process is writing the search index; it applies \
                            this import when it finishes"
                        .into(),
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Drops the change-log rows the index has applied (it never needs them again), so
    /// the log stays as long as what the index lags behind, not a term's history.
    async fn prune_log(&self, reached: i64) {
        let pruned = match self.pool.acquire().await {
            Ok(mut conn) => changes::prune_before(&mut conn, reached).await,
            Err(e) => Err(e),
        };
        if let Err(e) = pruned {
            tracing::warn!(error = %e, "could not prune the change log; it is retried after the next import");
        }
    }

    /// Takes the writer for a rebuild, waiting for another process to let go of it.
    pub(super) async fn wait_for_writer(&self) -> anyhow::Result<()> {
        let deadline = Instant::now() + WRITER_WAIT;
        while !self.acquire_writer().await? {
            anyhow::ensure!(
                Instant::now() < deadline,
                "another paperclub process is writing the search index; try again when it is done"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }
}
