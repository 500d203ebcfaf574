//! The catalog's read side: search, tags, lookups by identifier, autocomplete and counts,
//! always as one scope (guild) sees the catalog.

use super::{Catalog, Resolved, SearchResult, Stats, TagCount};
use crate::ingest::ids::{arxiv_id, doi, normalize_title, pasted, tag_key, PaperRef};
use crate::model::{Paper, Scope};
use crate::search::SearchQuery;
use crate::store::papers::{self, IdColumn};
use crate::store::{changes, counts, tags};
use std::sync::Arc;

/// The score of a paper named by a pasted identifier when nothing else matched; with text
/// matches it is this much above the best of them.
const NAMED_SCORE: f32 = 1.0;

/// A tag as autocomplete needs it: folded key, name as written, paper count.
#[derive(Debug, Clone)]
pub(crate) struct TagEntry {
    key: String,
    name: String,
    count: usize,
}

impl Catalog {
    /// Full-text search; `tags` are tag names as the user typed them. Identifiers pasted
    /// into `text` (arXiv ids and links, DOIs) put their papers first, if they carry the tags
    /// and year asked for; the words around them are searched as text. Text that is only
    /// identifiers finds only their papers, never papers that merely mention arXiv.
    pub async fn search(
        &self,
        scope: Scope,
        text: &str,
        tag_names: &[String],
        year: Option<i32>,
        limit: usize,
    ) -> anyhow::Result<Vec<SearchResult>> {
        let limit = limit.max(1);
        let tag_keys: Vec<String> = tag_names
            .iter()
            .map(|t| tag_key(t))
            .filter(|k| !k.is_empty())
            .collect();
        let pasted = pasted(text);
        // Before taking a connection: the check takes one too, and an in-memory catalog
        // has only one.
        self.refresh().await;
        let mut conn = self.pool.acquire().await?;
        let mut results = named(&mut conn, scope, &pasted.refs, &tag_keys, year).await?;
        results.truncate(limit);
        if !pasted.refs.is_empty() && pasted.rest.trim().is_empty() {
            return Ok(results);
        }
        let query = SearchQuery {
            text: pasted.rest,
            tag_keys,
            year,
            limit,
            scope,
        };
        let hits = self.index.search(&query)?;
        let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
        let found = papers::load(&mut conn, scope, &ids).await?;
        let mut by_id: std::collections::HashMap<i64, Paper> =
            found.into_iter().map(|p| (p.id, p)).collect();
        for paper in results.iter().map(|r| r.paper.id) {
            by_id.remove(&paper);
        }
        // Named papers outrank every text match, and say so in the scores users see.
        let best = hits.first().map_or(0.0, |h| h.score);
        for named in &mut results {
            named.score += best;
        }
        let room = limit - results.len();
        results.extend(
            hits.into_iter()
                .filter_map(|h| {
                    by_id.remove(&h.id).map(|paper| SearchResult {
                        paper,
                        score: h.score,
                        snippet: h.snippet,
                    })
                })
                .take(room),
        );
        Ok(results)
    }

    /// Papers carrying `tag` (any spelling of it), newest first.
    pub async fn by_tag(&self, scope: Scope, tag: &str) -> anyhow::Result<Vec<Paper>> {
        self.by_tag_page(scope, tag, 0, None).await
    }

    /// `limit` papers carrying `tag` from `offset` in [`Catalog::by_tag`]'s order (all from
    /// `offset` when `None`): a page costs one page of papers, whatever the tag's size.
    pub async fn by_tag_page(
        &self,
        scope: Scope,
        tag: &str,
        offset: usize,
        limit: Option<usize>,
    ) -> anyhow::Result<Vec<Paper>> {
        let mut conn = self.pool.acquire().await?;
        let ids = tags::papers_with(&mut conn, scope, &tag_key(tag), offset, limit).await?;
        Ok(papers::load(&mut conn, scope, &ids).await?)
    }

    /// How many papers carry `tag`, counted in SQL without loading them.
    pub async fn count_tagged(&self, scope: Scope, tag: &str) -> anyhow::Result<usize> {
        let mut conn = self.pool.acquire().await?;
        Ok(tags::count_papers_with(&mut conn, scope, &tag_key(tag)).await?)
    }

    /// [`Catalog::resolve`] for a list of identifiers, in order. Citation keys, what such
    /// lists mostly hold, are found with one query for the whole list; only the rest are
    /// resolved one by one.
    pub async fn resolve_many(&self, scope: Scope, ids: &[&str]) -> anyhow::Result<Vec<Resolved>> {
        let mut conn = self.pool.acquire().await?;
        let trimmed: Vec<&str> = ids.iter().map(|id| id.trim()).collect();
        let mut by_key: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        for (key, id) in papers::find_visible_keys(&mut conn, scope, &trimmed).await? {
            by_key.entry(key.to_lowercase()).or_insert(id);
        }
        let found: Vec<i64> = by_key.values().copied().collect();
        let loaded: std::collections::HashMap<i64, Paper> = papers::load(&mut conn, scope, &found)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        drop(conn);
        let mut out = Vec::with_capacity(ids.len());
        for id in trimmed {
            let paper = by_key
                .get(&id.to_lowercase())
                .and_then(|pid| loaded.get(pid).cloned());
            out.push(match paper {
                Some(p) => Resolved::One(Box::new(p)),
                None => self.resolve(scope, id).await?,
            });
        }
        Ok(out)
    }

    /// Every visible tag with its count, most used first, then by name.
    pub async fn tags(&self, scope: Scope) -> anyhow::Result<Vec<TagCount>> {
        let list = self.tag_list(scope).await?;
        let mut out: Vec<TagCount> = list
            .iter()
            .map(|t| TagCount {
                tag: t.name.clone(),
                count: t.count,
            })
            .collect();
        out.sort_by_cached_key(|t| (std::cmp::Reverse(t.count), t.tag.to_lowercase()));
        Ok(out)
    }

    /// Tags for autocomplete: those whose key starts with what was typed, then those that
    /// contain it, each group most used first.
    pub async fn tag_prefix(
        &self,
        scope: Scope,
        prefix: &str,
        limit: usize,
    ) -> anyhow::Result<Vec<TagCount>> {
        let list = self.tag_list(scope).await?;
        Ok(match_tags(&list, &tag_key(prefix), limit))
    }

    async fn tag_list(&self, scope: Scope) -> anyhow::Result<Arc<Vec<TagEntry>>> {
        self.refresh().await;
        if let Some(list) = self
            .tag_cache
            .read()
            .ok()
            .and_then(|c| c.get(&scope).cloned())
        {
            return Ok(list);
        }
        let mut conn = self.pool.acquire().await?;
        let mut list: Vec<TagEntry> = tags::counts(&mut conn, scope)
            .await?
            .into_iter()
            .map(|(key, name, count)| TagEntry { key, name, count })
            .collect();
        list.sort_by(|a, b| a.key.cmp(&b.key));
        let list = Arc::new(list);
        if let Ok(mut cache) = self.tag_cache.write() {
            cache.insert(scope, list.clone());
        }
        Ok(list)
    }

    /// Papers for autocomplete: the papers of pasted identifiers, then keys starting with
    /// the text, then title matches of the words around any identifier.
    pub async fn paper_prefix(
        &self,
        scope: Scope,
        text: &str,
        limit: usize,
    ) -> anyhow::Result<Vec<Paper>> {
        // Before taking a connection: an in-memory catalog has only one.
        self.refresh().await;
        let mut conn = self.pool.acquire().await?;
        let text = text.trim();
        let pasted = pasted(text);
        let mut ids = pasted_ids(&mut conn, scope, &pasted.refs).await?;
        ids.truncate(limit);
        if pasted.refs.is_empty() && !text.is_empty() {
            ids = papers::visible_keys_with_prefix(&mut conn, scope, text, limit).await?;
        }
        if ids.len() < limit && !pasted.rest.is_empty() {
            let query = SearchQuery {
                text: pasted.rest,
                limit,
                scope,
                ..SearchQuery::default()
            };
            for hit in self.index.search(&query)? {
                if ids.len() >= limit {
                    break;
                }
                if !ids.contains(&hit.id) {
                    ids.push(hit.id);
                }
            }
        }
        Ok(papers::load(&mut conn, scope, &ids).await?)
    }

    /// A citation key, arXiv id or link, DOI, or title words.
    pub async fn resolve(&self, scope: Scope, id: &str) -> anyhow::Result<Resolved> {
        let id = id.trim();
        if id.is_empty() {
            return Ok(Resolved::NotFound);
        }
        let mut conn = self.pool.acquire().await?;
        let mut found = papers::find_visible(&mut conn, scope, IdColumn::Key, id)
            .await?
            .first()
            .copied();
        let lookups = [(IdColumn::Arxiv, arxiv_id(id)), (IdColumn::Doi, doi(id))];
        for (column, value) in lookups {
            if let (None, Some(v)) = (found, value) {
                found = papers::find_visible(&mut conn, scope, column, &v)
                    .await?
                    .first()
                    .copied();
            }
        }
        let norm = normalize_title(id);
        if found.is_none() && !norm.is_empty() {
            let exact = papers::find_visible(&mut conn, scope, IdColumn::TitleNorm, &norm).await?;
            if exact.len() == 1 {
                found = exact.first().copied();
            }
        }
        if let Some(pid) = found {
            let mut list = papers::load(&mut conn, scope, &[pid]).await?;
            return Ok(list
                .pop()
                .map_or(Resolved::NotFound, |p| Resolved::One(Box::new(p))));
        }
        drop(conn);
        // Title words: the papers whose title contains every word typed.
        let hits = self.search(scope, id, &[], None, 10).await?;
        let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
        let mut full: Vec<Paper> = hits
            .iter()
            .filter(|h| {
                let title = format!(" {} ", normalize_title(&h.paper.title));
                words.iter().all(|w| title.contains(&format!(" {w} ")))
            })
            .map(|h| h.paper.clone())
            .collect();
        Ok(match full.len() {
            1 => Resolved::One(Box::new(full.remove(0))),
            0 if hits.is_empty() => Resolved::NotFound,
            // One paper matches at all (by author or abstract): that is the one meant.
            0 if hits.len() == 1 => Resolved::One(Box::new(hits[0].paper.clone())),
            0 => Resolved::Ambiguous(hits.into_iter().take(5).map(|h| h.paper).collect()),
            _ => Resolved::Ambiguous(full.into_iter().take(5).collect()),
        })
    }

    /// Counts of what `scope` sees, and how far the search index is behind the database.
    pub async fn stats(&self, scope: Scope) -> anyhow::Result<Stats> {
        if let Err(e) = self.refresh_now().await {
            tracing::warn!(error = %e, "search index not brought up to date");
        }
        let mut conn = self.pool.acquire().await?;
        let generation = changes::current(&mut conn).await?;
        let index_generation = self.index.committed_generation()?;
        let index_behind = changes::count_after(&mut conn, index_generation.unwrap_or(0)).await?;
        drop(conn);
        let counts = counts::of_scope(&mut *self.pool.acquire().await?, scope).await?;
        Ok(Stats {
            papers: counts.papers as usize,
            tags: self.tag_list(scope).await?.len(),
            sources: counts.sources as usize,
            files: counts.files as usize,
            with_bibtex: counts.with_bibtex as usize,
            with_abstract: counts.with_abstract as usize,
            cites: counts.cites as usize,
            generation,
            index_generation,
            index_behind: index_behind as usize,
        })
    }
}

/// The papers that pasted identifiers name, as results, if they have the tags and year
/// asked for.
async fn named(
    conn: &mut sqlx::SqliteConnection,
    scope: Scope,
    refs: &[PaperRef],
    tag_keys: &[String],
    year: Option<i32>,
) -> sqlx::Result<Vec<SearchResult>> {
    let ids = pasted_ids(conn, scope, refs).await?;
    Ok(papers::load(conn, scope, &ids)
        .await?
        .into_iter()
        .filter(|p| year.is_none_or(|y| p.year == Some(y)))
        .filter(|p| {
            tag_keys
                .iter()
                .all(|k| p.tags.iter().any(|t| tag_key(t) == *k))
        })
        .map(|paper| SearchResult {
            paper,
            score: NAMED_SCORE,
            snippet: String::new(),
        })
        .collect())
}

/// The visible papers that pasted identifiers name, in the order pasted.
async fn pasted_ids(
    conn: &mut sqlx::SqliteConnection,
    scope: Scope,
    refs: &[PaperRef],
) -> sqlx::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for r in refs {
        let (column, value) = match r {
            PaperRef::Arxiv(a) => (IdColumn::Arxiv, a),
            PaperRef::Doi(d) => (IdColumn::Doi, d),
        };
        for id in papers::find_visible(conn, scope, column, value).await? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

/// Prefix matches first, then substring matches, each most used first.
fn match_tags(list: &[TagEntry], key: &str, limit: usize) -> Vec<TagCount> {
    let start = list.partition_point(|t| t.key.as_str() < key);
    let mut prefix: Vec<&TagEntry> = list[start..]
        .iter()
        .take_while(|t| t.key.starts_with(key))
        .collect();
    prefix.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    let mut out: Vec<&TagEntry> = prefix.into_iter().take(limit).collect();
    if out.len() < limit && !key.is_empty() {
        let mut inner: Vec<&TagEntry> = list
            .iter()
            .filter(|t| !t.key.starts_with(key) && t.key.contains(key))
            .collect();
        inner.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        out.extend(inner.into_iter().take(limit - out.len()));
    }
    out.into_iter()
        .map(|t| TagCount {
            tag: t.name.clone(),
            count: t.count,
        })
        .collect()
}
