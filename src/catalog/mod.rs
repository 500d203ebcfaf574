//! The catalog service: imports files into SQLite (the truth), keeps the tantivy index in
//! step, and answers the read queries every surface needs. Takes a scope (guild) first in
//! every call: a guild sees the global catalog plus what it imported itself.

use crate::ingest::{Format, Warning};
use crate::model::{Paper, Scope};
use serde::Serialize;

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

/// The catalog: SQLite pool plus the derived search index.
pub struct Catalog {
    pub(crate) index: crate::search::SearchIndex,
}

impl Catalog {
    /// Opens (creating and migrating) the catalog in `data_dir`; rebuilds the index when it
    /// is missing or stale.
    pub async fn open(data_dir: &std::path::Path) -> anyhow::Result<Catalog> {
        let (index, _) = crate::search::SearchIndex::open(&data_dir.join("index"))?;
        Ok(Catalog { index })
    }

    /// A fresh catalog in memory (tests, benchmarks).
    pub async fn open_in_memory() -> anyhow::Result<Catalog> {
        Ok(Catalog {
            index: crate::search::SearchIndex::in_ram()?,
        })
    }

    /// Imports one file's content. Never fails as a whole: problems are in the report.
    pub async fn import_bytes(
        &self,
        scope: Scope,
        file_name: &str,
        bytes: &[u8],
        format: Option<Format>,
    ) -> ImportReport {
        let _ = (scope, bytes, format, &self.index);
        ImportReport {
            file: file_name.to_string(),
            ..ImportReport::default()
        }
    }

    pub async fn search(
        &self,
        scope: Scope,
        text: &str,
        tags: &[String],
        year: Option<i32>,
        limit: usize,
    ) -> anyhow::Result<Vec<SearchResult>> {
        let _ = (scope, text, tags, year, limit);
        Ok(Vec::new())
    }

    /// Papers carrying `tag` (looked up by tag key), newest first.
    pub async fn by_tag(&self, scope: Scope, tag: &str) -> anyhow::Result<Vec<Paper>> {
        let _ = (scope, tag);
        Ok(Vec::new())
    }

    /// Every visible tag with its count, most used first.
    pub async fn tags(&self, scope: Scope) -> anyhow::Result<Vec<TagCount>> {
        let _ = scope;
        Ok(Vec::new())
    }

    /// Tags whose key starts with the key of `prefix` (autocomplete), most used first.
    pub async fn tag_prefix(
        &self,
        scope: Scope,
        prefix: &str,
        limit: usize,
    ) -> anyhow::Result<Vec<TagCount>> {
        let _ = (scope, prefix, limit);
        Ok(Vec::new())
    }

    /// Papers whose key or title matches what the user is typing (autocomplete).
    pub async fn paper_prefix(
        &self,
        scope: Scope,
        text: &str,
        limit: usize,
    ) -> anyhow::Result<Vec<Paper>> {
        let _ = (scope, text, limit);
        Ok(Vec::new())
    }

    /// A citation key, arXiv id, DOI, or title words.
    pub async fn resolve(&self, scope: Scope, id: &str) -> anyhow::Result<Resolved> {
        let _ = (scope, id);
        Ok(Resolved::NotFound)
    }

    pub async fn stats(&self, scope: Scope) -> anyhow::Result<Stats> {
        let _ = scope;
        Ok(Stats::default())
    }

    /// Rebuilds the search index from SQLite.
    pub async fn reindex(&self) -> anyhow::Result<usize> {
        Ok(0)
    }

    /// Waits for writes to finish and closes the database cleanly.
    pub async fn close(&self) {}
}
