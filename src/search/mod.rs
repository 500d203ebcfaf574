//! Full-text search over the catalog with tantivy. The index is derived from SQLite and can
//! be rebuilt at any time; a schema version file beside it forces a rebuild when it changes.
//! `schema` owns the layout and analyzers, `query` turns user text into term queries (never
//! query syntax), `snippet` renders excerpts, `write` owns the writer and the generation
//! each commit records; this file opens (or wipes) the index and answers searches.

mod collect;
mod query;
mod schema;
mod snippet;
mod stats;
mod stem;
#[cfg(test)]
mod tests;
mod write;

use crate::model::Scope;
use collect::FilteredTopDocs;
use query::Plan;
use schema::Fields;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicI64;
use std::sync::Mutex;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query};
use tantivy::schema::{Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument};
use tracing::{info, warn};

pub use schema::SCHEMA_VERSION;

/// The file beside the index holding [`SCHEMA_VERSION`]; written only once a rebuild has
/// committed, so an index interrupted before its first full build is rebuilt again.
pub const VERSION_FILE: &str = "SCHEMA_VERSION";
/// Results when the query does not say.
pub const DEFAULT_LIMIT: usize = 10;
/// No reply shows more; a bigger request is a bug or an abuse, not a need.
pub const MAX_LIMIT: usize = 1000;
/// Indexing memory for all writer threads together; tantivy flushes a segment when full.
const WRITER_HEAP_BYTES: usize = 64 << 20;

/// What the index holds of one paper as some scopes see it: the global catalog's view of
/// it, or one guild's (a paper has one document per view, all under its id).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDoc {
    pub id: i64,
    pub title: String,
    pub authors: Vec<String>,
    pub abstract_text: Option<String>,
    pub note: Option<String>,
    pub venue: Option<String>,
    pub year: Option<i32>,
    /// `(scope, tag as written)`: which scopes see the paper with which tag.
    pub tags: Vec<(Scope, String)>,
    /// The scopes this document is for.
    pub scopes: Vec<Scope>,
    /// Guilds that have a view of their own of this (global) document's paper: they see
    /// that one instead.
    pub shadowed: Vec<Scope>,
}

/// A search request. `text` is user text, never query syntax.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchQuery {
    pub text: String,
    /// Tag keys (see `ingest::ids::tag_key`); a hit must have all of them.
    pub tag_keys: Vec<String>,
    pub year: Option<i32>,
    pub limit: usize,
    /// Results visible in this scope (and the global one).
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub score: f32,
    /// A short plain-text excerpt around the matched words (may be empty).
    pub snippet: String,
}

/// Hits collected beyond the limit, so that papers tied at the cut are ordered by id too.
const TIE_MARGIN: usize = 8;

/// `top` best first, equal scores by paper id, cut to `limit`: the same papers in the same
/// order however the index's segments lie.
fn settle_ties(
    searcher: &Searcher,
    top: Vec<(f32, DocAddress)>,
    limit: usize,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    let mut ids = HashMap::new();
    let mut keyed = Vec::with_capacity(top.len());
    for (score, address) in top {
        let id = column(&mut ids, searcher, address.segment_ord, "id")?.first(address.doc_id);
        keyed.push((score, id.unwrap_or(i64::MAX), address));
    }
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed.truncate(limit);
    Ok(keyed
        .into_iter()
        .map(|(score, _, address)| (score, address))
        .collect())
}

/// A segment's `i64` fast-field column, opened once per search.
fn column<'a>(
    opened: &'a mut HashMap<u32, tantivy::columnar::Column<i64>>,
    searcher: &Searcher,
    segment: u32,
    field: &str,
) -> tantivy::Result<&'a tantivy::columnar::Column<i64>> {
    Ok(match opened.entry(segment) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(searcher.segment_reader(segment).fast_fields().i64(field)?)
        }
    })
}

/// The tantivy index: schema and field handles built once, one writer behind a lock
/// (taken only while writing, so that another process sharing the data folder can write
/// in between; see `write`), and a reader reloaded after each commit.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<Option<write::Held>>,
    /// A released writer finishing its merges; joined before the next one is created.
    retiring: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// The generation the reader was last loaded at (see `write::encode`).
    reader_generation: AtomicI64,
    /// Where the schema version goes after a rebuild; `None` for an index in memory.
    version_file: Option<PathBuf>,
    stats_cache: stats::SegmentCache,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. The flag is true when the index
    /// was missing or had another schema version, so the caller must rebuild it.
    ///
    /// A version file that is missing, unreadable or different, or an index that fails to
    /// open, wipes `dir` and starts fresh: the index is derived data. A non-empty `dir` that
    /// holds no index at all is refused rather than wiped, in case of a mistyped path.
    pub fn open(dir: &Path) -> anyhow::Result<(SearchIndex, bool)> {
        fs::create_dir_all(dir)?;
        let version_file = dir.join(VERSION_FILE);
        let on_disk = fs::read_to_string(&version_file).ok();
        if on_disk.as_deref().map(str::trim) == Some(SCHEMA_VERSION) {
            match Self::open_existing(dir, &version_file) {
                Ok(index) => return Ok((index, false)),
                Err(e) => {
                    warn!(dir = %dir.display(), error = %e, "search index unreadable; rebuilding")
                }
            }
        } else {
            info!(dir = %dir.display(), found = ?on_disk, want = SCHEMA_VERSION, "search index missing or outdated; rebuilding");
        }
        wipe(dir)?;
        let (schema, fields) = schema::build();
        let index = Index::create_in_dir(dir, schema)?;
        Ok((Self::from_index(index, fields, Some(version_file))?, true))
    }

    fn open_existing(dir: &Path, version_file: &Path) -> anyhow::Result<SearchIndex> {
        let (schema, fields) = schema::build();
        let index = Index::open_in_dir(dir)?;
        anyhow::ensure!(
            index.schema() == schema,
            "schema on disk differs from this build's"
        );
        Self::from_index(index, fields, Some(version_file.to_path_buf()))
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_ram() -> anyhow::Result<SearchIndex> {
        let (schema, fields) = schema::build();
        Self::from_index(Index::create_in_ram(schema), fields, None)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        version_file: Option<PathBuf>,
    ) -> anyhow::Result<SearchIndex> {
        schema::register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let index = SearchIndex {
            index,
            fields,
            reader,
            writer: Mutex::new(None),
            retiring: Mutex::new(None),
            reader_generation: AtomicI64::new(write::encode(None)),
            version_file,
            stats_cache: stats::SegmentCache::default(),
        };
        index.reload()?;
        Ok(index)
    }

    /// Hits for `query`, best first; see [`SearchQuery`]. Any user text is accepted and
    /// never an error. Text without words plus a tag or year filter lists every match,
    /// newest first then by title, with score 0; text without words and no filter finds
    /// nothing. `limit` 0 means [`DEFAULT_LIMIT`]; it is capped at [`MAX_LIMIT`].
    pub fn search(&self, query: &SearchQuery) -> anyhow::Result<Vec<Hit>> {
        let limit = match query.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let searcher = self.reader.searcher();
        // Collected with a margin, then ordered by score and paper id: tantivy breaks ties
        // by document address, which moves when segments are rewritten or merged.
        let (limit, wanted) = (limit + TIE_MARGIN, limit);
        let stats =
            stats::GlobalStats::new(&searcher, &self.stats_cache, &self.fields, query.scope.0)?;
        match query::plan(&searcher, &stats, &self.fields, query)? {
            Plan::Nothing => Ok(Vec::new()),
            Plan::Ranked {
                text,
                filter,
                narrow: true,
            } => {
                let both =
                    BooleanQuery::new(vec![(Occur::Must, filter), (Occur::Must, text.box_clone())]);
                let top = searcher.search_with_statistics_provider(
                    &both,
                    &TopDocs::with_limit(limit),
                    &stats,
                )?;
                let top = settle_ties(&searcher, top, wanted)?;
                self.hits(&searcher, &stats, text.as_ref(), top)
            }
            Plan::Ranked {
                text,
                filter,
                narrow: false,
            } => {
                let filter = filter.weight(EnableScoring::disabled_from_searcher(&searcher))?;
                let top = searcher.search_with_statistics_provider(
                    text.as_ref(),
                    &FilteredTopDocs::new(limit, filter),
                    &stats,
                )?;
                let top = settle_ties(&searcher, top, wanted)?;
                self.hits(&searcher, &stats, text.as_ref(), top)
            }
            Plan::Browse(q) => self.browse(&searcher, q.as_ref(), wanted),
        }
    }

    /// Hits with snippets for ranked results; `text` is the query the words came from.
    fn hits(
        &self,
        searcher: &Searcher,
        stats: &stats::GlobalStats<'_>,
        text: &dyn Query,
        top: Vec<(f32, DocAddress)>,
    ) -> anyhow::Result<Vec<Hit>> {
        // As `SnippetGenerator::create`, with the statistics that rank: a guild's documents
        // never change which fragment another scope is shown.
        let generator = |field: Field| {
            let mut terms = std::collections::BTreeSet::new();
            text.query_terms(&mut |term, _| {
                if term.field() == field {
                    terms.insert(term.clone());
                }
            });
            let mut weights = std::collections::BTreeMap::new();
            for term in terms {
                let Some(word) = term.value().as_str().map(str::to_string) else {
                    continue;
                };
                if stats.visible_doc_freq(&term).ok()? > 0 {
                    let df = tantivy::query::Bm25StatisticsProvider::doc_freq(stats, &term).ok()?;
                    weights.insert(word, 1.0 / (1.0 + df as f32));
                }
            }
            let tokenizer = searcher.index().tokenizer_for_field(field).ok()?;
            Some(SnippetGenerator::new(
                weights,
                tokenizer,
                field,
                snippet::FRAGMENT_CHARS,
            ))
        };
        let (abs_gen, title_gen) = (
            generator(self.fields.abstract_text),
            generator(self.fields.title),
        );
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let Some(doc) = self.stored(searcher, address)? else {
                continue;
            };
            let snippet = snippet::render(
                abs_gen.as_ref(),
                title_gen.as_ref(),
                &doc.abstract_text,
                &doc.title,
            );
            hits.push(Hit {
                id: doc.id,
                score,
                snippet,
            });
        }
        Ok(hits)
    }

    /// Every match of a filter-only query, newest first then by title. Years come from the
    /// fast field; stored titles are read only for the page plus the papers tied with its
    /// last year, so a tag with thousands of papers costs a sort, not thousands of reads.
    fn browse(&self, searcher: &Searcher, q: &dyn Query, limit: usize) -> anyhow::Result<Vec<Hit>> {
        let matches = searcher.search(q, &DocSetCollector)?;
        let mut years = HashMap::new();
        let mut by_year = Vec::with_capacity(matches.len());
        for address in matches {
            let year = column(&mut years, searcher, address.segment_ord, "year")?;
            by_year.push((year.first(address.doc_id), address));
        }
        // Descending; `None` (no year) sorts below every year, so it comes last.
        by_year.sort_unstable_by_key(|(year, _)| std::cmp::Reverse(*year));
        if by_year.len() > limit {
            let cutoff = by_year[limit - 1].0;
            by_year.retain(|(year, _)| *year >= cutoff);
        }
        let mut rows = Vec::with_capacity(by_year.len());
        for (year, address) in by_year {
            if let Some(doc) = self.stored(searcher, address)? {
                rows.push((year, doc));
            }
        }
        rows.sort_by(|(ya, a), (yb, b)| {
            yb.cmp(ya)
                .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
                .then(a.id.cmp(&b.id))
        });
        Ok(rows
            .into_iter()
            .take(limit)
            .map(|(_, doc)| Hit {
                id: doc.id,
                score: 0.0,
                snippet: snippet::lead(&doc.abstract_text),
            })
            .collect())
    }

    /// The stored fields of one hit; `None` for a document without an id, which this
    /// module never writes.
    fn stored(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> anyhow::Result<Option<StoredDoc>> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        Ok(doc
            .get_first(self.fields.id)
            .and_then(|v| v.as_i64())
            .map(|id| StoredDoc {
                id,
                title: text(self.fields.title),
                abstract_text: text(self.fields.abstract_text),
            }))
    }

    /// Number of documents.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

struct StoredDoc {
    id: i64,
    title: String,
    abstract_text: String,
}

/// Empties `dir` for a fresh index, keeping the directory itself (it may be a mount point).
fn wipe(dir: &Path) -> anyhow::Result<()> {
    let entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    let looks_like_index = entries.iter().any(|e| {
        let name = e.file_name();
        name == "meta.json" || name == VERSION_FILE || name == ".managed.json"
    });
    anyhow::ensure!(
        entries.is_empty() || looks_like_index,
        "refusing to wipe {}: it is not empty and holds no search index",
        dir.display()
    );
    for e in entries {
        let path = e.path();
        if e.file_type()?.is_dir() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}
