//! The catalog service: imports files into SQLite (the truth), keeps the tantivy index in
//! step, and answers the read queries every surface needs. Takes a scope (guild) first in
//! every call: a guild sees the global catalog plus what it imported itself.

mod identities;
mod import;
mod indexing;
pub mod merge;
mod queries;
mod shared;
mod write;

pub use import::{decode, MAX_FILE_BYTES};
pub use shared::papers_in;

use crate::ingest::Warning;
use crate::model::{Paper, Scope};
use crate::search::SearchIndex;
use serde::Serialize;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::path::Path;
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
}

/// The catalog: the SQLite pool (truth) and the search index derived from it.
pub struct Catalog {
    pool: SqlitePool,
    index: Arc<SearchIndex>,
    /// One import at a time: imports are read-then-write and keep `identities` in step.
    writer: tokio::sync::Mutex<()>,
    identities: tokio::sync::Mutex<Option<identities::Identities>>,
    /// Tag counts per scope for autocomplete, dropped after every import.
    tag_cache: RwLock<HashMap<Scope, Arc<Vec<queries::TagEntry>>>>,
}

impl Catalog {
    /// Opens (creating and migrating) the catalog in `data_dir`, and rebuilds the index
    /// when it is missing, of another schema version, or out of step with the database.
    pub async fn open(data_dir: &Path) -> anyhow::Result<Catalog> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            anyhow::anyhow!("cannot create data folder {}: {e}", data_dir.display())
        })?;
        let pool = crate::store::connect(&data_dir.join("paperclub.db")).await?;
        let (index, stale) = SearchIndex::open(&data_dir.join("index"))?;
        let catalog = Catalog::new(pool, index);
        let papers = catalog.visible_count().await?;
        if stale || catalog.index.len() != papers as u64 {
            tracing::info!(
                papers,
                indexed = catalog.index.len(),
                "search index stale; rebuilding"
            );
            catalog.reindex().await?;
        }
        Ok(catalog)
    }

    /// A fresh catalog in memory (tests, benchmarks).
    pub async fn open_in_memory() -> anyhow::Result<Catalog> {
        let pool = crate::store::connect_in_memory().await?;
        Ok(Catalog::new(pool, SearchIndex::in_ram()?))
    }

    fn new(pool: SqlitePool, index: SearchIndex) -> Catalog {
        Catalog {
            pool,
            index: Arc::new(index),
            writer: tokio::sync::Mutex::new(()),
            identities: tokio::sync::Mutex::new(None),
            tag_cache: RwLock::new(HashMap::new()),
        }
    }

    /// Rebuilds the search index from SQLite; returns the number of papers indexed.
    pub async fn reindex(&self) -> anyhow::Result<usize> {
        let _guard = self.writer.lock().await;
        let docs = indexing::all_docs(&self.pool).await?;
        self.index.rebuild(docs.into_iter())
    }

    /// Waits for a running import to finish, then closes the database cleanly.
    pub async fn close(&self) {
        let _guard = self.writer.lock().await;
        self.pool.close().await;
    }

    fn clear_tag_cache(&self) {
        if let Ok(mut cache) = self.tag_cache.write() {
            cache.clear();
        }
    }

    /// The index update for papers an import touched, ready to run on any thread; `None`
    /// when there is nothing to do. Failures are logged: SQLite has the data, and the next
    /// start (or `paperclub reindex`) repairs the index.
    async fn index_job(&self, touched: write::Touched) -> Option<impl FnOnce() + Send + 'static> {
        if touched.is_empty() {
            return None;
        }
        let (read_back, gone) = match indexing::docs_for(&self.pool, &touched.ids).await {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(error = %e, "reading papers to index failed; run `paperclub reindex`");
                return None;
            }
        };
        // A paper new in one file of a batch and merged by a later one is read back: that
        // document, which knows every source, replaces the in-memory one.
        let reread: std::collections::HashSet<i64> = touched.ids.iter().copied().collect();
        let mut docs = touched.docs;
        docs.retain(|d| !reread.contains(&d.id));
        docs.extend(read_back);
        let index = Arc::clone(&self.index);
        Some(move || {
            if let Err(e) = index.update(&docs, &gone) {
                tracing::error!(error = %e, "search index update failed; run `paperclub reindex`");
            }
        })
    }

    async fn visible_count(&self) -> anyhow::Result<usize> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT paper_id) FROM sources")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as usize)
    }
}
