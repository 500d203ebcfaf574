//! The catalog service: imports files into SQLite (the truth), keeps the tantivy index in
//! step, and answers the read queries every surface needs. Takes a scope (guild) first in
//! every call: a guild sees the global catalog plus what it imported itself.

mod identities;
mod import;
mod indexing;
mod lists;
pub mod merge;
mod open;
mod paged;
mod queries;
mod shared;
mod sync;
mod views;
mod write;

pub use import::{decode, MAX_FILE_BYTES};
pub use lists::{list_name, ListInfo, ReadingSession, Removal, UPLOAD_PREFIX};
pub(crate) use open::lock_file;
pub use open::IN_USE_LOCK;
pub use paged::PagedRequest;
pub use shared::papers_in;

use crate::ingest::Warning;
use crate::model::{Paper, Scope};
use crate::search::SearchIndex;
use serde::Serialize;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// A tag with how many visible papers carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagCount {
    pub tag: String,
    pub count: usize,
}

/// What one file's import did.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub format: Option<String>,
    pub entries: usize,
    pub new: usize,
    pub merged: usize,
    pub unchanged: usize,
    pub skipped: usize,
    /// Source links dropped because a newer version of the file no longer has the entry.
    pub dropped: usize,
    pub warnings: Vec<Warning>,
    /// Set when the file could not be imported at all; nothing was changed.
    pub error: Option<String>,
    /// Set when the file was stored but its papers are not yet searchable; says why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_searchable: Option<String>,
}

/// A search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    #[serde(flatten)]
    pub paper: Paper,
    pub score: f32,
    pub snippet: String,
}

/// What an identifier (key, arXiv id, DOI or title words) resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    One(Box<Paper>),
    /// Several papers match the title words; best first.
    Ambiguous(Vec<Paper>),
    NotFound,
}

/// Counts for `stats`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Stats {
    pub papers: usize,
    pub tags: usize,
    pub sources: usize,
    pub files: usize,
    pub with_bibtex: usize,
    pub with_abstract: usize,
    pub cites: usize,
    /// The change log's latest generation (every catalog write adds one).
    pub generation: i64,
    /// The generation the search index has reached; `None` when it must be rebuilt.
    pub index_generation: Option<i64>,
    /// Logged changes the search index does not have yet.
    pub index_behind: usize,
}

/// The catalog: the SQLite pool (truth) and the search index derived from it.
pub struct Catalog {
    pool: SqlitePool,
    index: Arc<SearchIndex>,
    /// One import at a time: imports are read-then-write and keep `identities` in step.
    writer: tokio::sync::Mutex<()>,
    identities: tokio::sync::Mutex<Option<identities::Identities>>,
    /// Tag counts per scope for autocomplete, dropped after every import here and when
    /// another process's write shows in the change log.
    tag_cache: RwLock<HashMap<Scope, Arc<Vec<queries::TagEntry>>>>,
    freshness: sync::Freshness,
    /// Copies the write-ahead log into the database off the request path (on disk only).
    /// Taken and stopped by [`Catalog::close`]; declared before `_in_use` so that, dropped,
    /// it goes before the folder's lock does.
    checkpoints: std::sync::Mutex<Option<crate::store::checkpoint::Checkpointer>>,
    /// A shared lock on the data folder's `in-use.lock` for as long as this catalog lives:
    /// `paperclub restore` refuses while any process holds it.
    _in_use: Option<std::fs::File>,
}

impl Catalog {
    /// Rebuilds the search index from SQLite; returns the number of papers indexed. Waits
    /// for another process that is writing the index to finish.
    pub async fn reindex(&self) -> anyhow::Result<usize> {
        let _guard = self.writer.lock().await;
        self.wait_for_writer().await?;
        let rebuilt = async {
            let generation =
                crate::store::changes::current(&mut *self.pool.acquire().await?).await?;
            let docs = indexing::all_docs(&self.pool).await?;
            let index = Arc::clone(&self.index);
            let n =
                tokio::task::spawn_blocking(move || index.rebuild(docs.into_iter(), generation))
                    .await??;
            // Other processes may have written while the papers were read.
            self.catch_up().await?;
            anyhow::Ok(n)
        }
        .await;
        self.index.release();
        rebuilt
    }

    /// Waits for a running import and the index's merges to finish, then closes the
    /// database cleanly.
    pub async fn close(&self) {
        let _guard = self.writer.lock().await;
        let index = Arc::clone(&self.index);
        let _ = tokio::task::spawn_blocking(move || index.finish()).await;
        let checkpoints = self
            .checkpoints
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(c) = checkpoints {
            c.stop().await;
        }
        self.pool.close().await;
    }

    fn clear_tag_cache(&self) {
        if let Ok(mut cache) = self.tag_cache.write() {
            cache.clear();
        }
    }
}
