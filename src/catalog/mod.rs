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

#[doc(hidden)]
pub fn _formats_used(_: Format, _: Scope) {}
