//! Writing the index: tantivy's writer (one per index across all processes, guarded by its
//! lock file), the generation each commit records, and the reader reloads that follow.
//!
//! Every commit stores in its payload the catalog generation the index has reached (see
//! `store::changes`), so whichever process opens the index next knows which logged changes
//! it still lacks. The writer is taken only while writing and released afterwards: another
//! process (the command line beside the bot) can then take it and apply its own changes.

use super::{schema, Fields, IndexDoc, SearchIndex, SCHEMA_VERSION, WRITER_HEAP_BYTES};
use std::fs;
use std::sync::atomic::Ordering;
use std::sync::PoisonError;
use tantivy::directory::error::LockError;
use tantivy::{IndexWriter, TantivyError, Term};
use tracing::info;

/// The writer and the generation its last commit recorded (`None`: the index has never
/// recorded one, so only a rebuild can vouch for it).
pub(super) struct Held {
    writer: IndexWriter,
    generation: Option<i64>,
}

/// The generation recorded in the index's last commit, as `SearchIndex` stores it in an
/// atomic (`-1` for none).
pub(super) fn encode(generation: Option<i64>) -> i64 {
    generation.unwrap_or(-1)
}

pub(super) fn decode(raw: i64) -> Option<i64> {
    (raw >= 0).then_some(raw)
}

impl SearchIndex {
    /// The generation of the last commit on disk, by any process.
    pub fn committed_generation(&self) -> anyhow::Result<Option<i64>> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.and_then(|p| p.trim().parse().ok()))
    }

    /// The generation the searches of this process see.
    pub fn reader_generation(&self) -> Option<i64> {
        decode(self.reader_generation.load(Ordering::Acquire))
    }

    /// Reloads the reader from the last commit on disk (another process may have written);
    /// returns the generation it now shows.
    pub fn reload(&self) -> anyhow::Result<Option<i64>> {
        // Read before reloading: the reader may then be newer than the number, never older.
        let generation = self.committed_generation()?;
        self.reader.reload()?;
        self.reader_generation
            .store(encode(generation), Ordering::Release);
        Ok(generation)
    }

    /// Takes tantivy's writer lock if no process holds it; `Ok(false)` when one does.
    /// Holding it, this process is the only one that can commit, so the generation it reads
    /// stays true until [`SearchIndex::release`].
    pub fn try_acquire(&self) -> anyhow::Result<bool> {
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_some() {
            return Ok(true);
        }
        // A writer released earlier may still be finishing its merges under the lock.
        let retiring = self
            .retiring
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(handle) = retiring {
            let _ = handle.join();
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let writer = match self
            .index
            .writer_with_num_threads(threads, WRITER_HEAP_BYTES)
        {
            Ok(w) => w,
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        *slot = Some(Held {
            writer,
            generation: self.committed_generation()?,
        });
        Ok(true)
    }

    /// The generation of the last commit, while this process holds the writer.
    pub fn writer_generation(&self) -> Option<i64> {
        let slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        slot.as_ref().and_then(|h| h.generation)
    }

    /// Lets other processes write. The writer finishes its background merges on a thread of
    /// its own, so that many small imports do not leave many small segments behind.
    pub fn release(&self) {
        let held = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(held) = held {
            let handle = std::thread::spawn(move || {
                if let Err(e) = held.writer.wait_merging_threads() {
                    tracing::warn!(error = %e, "search index merge failed");
                }
            });
            *self.retiring.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
        }
    }

    /// Releases the writer and waits for its merges to finish: after this returns, the
    /// writer lock is free for any process (a clean shutdown).
    pub fn finish(&self) {
        self.release();
        let retiring = self
            .retiring
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(handle) = retiring {
            let _ = handle.join();
        }
    }

    /// Replaces everything with `docs`, read at `generation` or later, and commits.
    pub fn rebuild(
        &self,
        docs: impl Iterator<Item = IndexDoc>,
        generation: i64,
    ) -> anyhow::Result<usize> {
        let count = self.write(Some(generation), |w, f| {
            w.delete_all_documents()?;
            let mut n = 0;
            for d in docs {
                w.add_document(schema::to_document(f, &d))?;
                n += 1;
            }
            Ok(n)
        })?;
        if let Some(path) = &self.version_file {
            fs::write(path, SCHEMA_VERSION)?;
        }
        info!(papers = count, generation, "search index rebuilt");
        Ok(count)
    }

    /// Adds or replaces these documents (delete by id, then add), removes `deleted`, commits
    /// and reloads the reader so the next search sees the change.
    ///
    /// The documents bring the index from generation `from` to `to`: the commit records `to`
    /// only when the index is at `from` (an earlier batch that failed leaves a gap that only
    /// a catch-up from the change log may close). Returns the generation recorded.
    pub fn update(
        &self,
        docs: &[IndexDoc],
        deleted: &[i64],
        from: i64,
        to: i64,
    ) -> anyhow::Result<Option<i64>> {
        let at = self.writer_generation_or_disk()?;
        let reached = if at == Some(from) { Some(to) } else { at };
        if docs.is_empty() && deleted.is_empty() && reached == at {
            return Ok(at);
        }
        self.write(reached, |w, f| {
            // A delete only affects documents added before it, so deleting every paper's
            // documents before adding any replaces them (a paper has one per view) instead of
            // removing new versions too.
            for id in docs
                .iter()
                .map(|d| d.id)
                .collect::<std::collections::BTreeSet<_>>()
            {
                w.delete_term(Term::from_field_i64(f.id, id));
            }
            for d in docs {
                w.add_document(schema::to_document(f, d))?;
            }
            for id in deleted {
                w.delete_term(Term::from_field_i64(f.id, *id));
            }
            Ok(())
        })?;
        Ok(reached)
    }

    fn writer_generation_or_disk(&self) -> anyhow::Result<Option<i64>> {
        let held = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        match held.as_ref() {
            Some(h) => Ok(h.generation),
            None => self.committed_generation(),
        }
    }

    /// Runs `ops` on the writer and commits with `generation` as payload; on failure rolls
    /// back so that half a batch never rides along with the next commit. Takes the writer
    /// when this process does not hold it yet, failing if another process does.
    fn write<R>(
        &self,
        generation: Option<i64>,
        ops: impl FnOnce(&mut IndexWriter, &Fields) -> tantivy::Result<R>,
    ) -> anyhow::Result<R> {
        anyhow::ensure!(
            self.try_acquire()?,
            "the search index is being written by another paperclub process"
        );
        // A panic under the lock left at worst uncommitted operations, rolled back below.
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(held) = slot.as_mut() else {
            anyhow::bail!("search index writer released while writing");
        };
        let result = ops(&mut held.writer, &self.fields).map_err(anyhow::Error::from);
        let result = result.and_then(|r| {
            anyhow::ensure!(
                !crate::fault::hit(crate::fault::INDEX_COMMIT),
                "search index commit failed (fault injected by PAPERCLUB_FAULT)"
            );
            let mut commit = held.writer.prepare_commit()?;
            if let Some(g) = generation {
                commit.set_payload(&g.to_string());
            }
            commit.commit()?;
            Ok(r)
        });
        match &result {
            Ok(_) => held.generation = generation,
            Err(_) => {
                let _ = held.writer.rollback();
            }
        }
        drop(slot);
        let r = result?;
        self.reader.reload()?;
        self.reader_generation
            .store(encode(generation), Ordering::Release);
        Ok(r)
    }
}
