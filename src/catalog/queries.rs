//! The catalog's read side: search, tags, lookups by identifier, autocomplete and counts,
//! always as one scope (guild) sees the catalog.

use super::{Catalog, Resolved, SearchResult, Stats, TagCount};
use crate::ingest::ids::{arxiv_id, doi, normalize_title, tag_key};
use crate::model::{Paper, Scope};
use crate::search::SearchQuery;
use crate::store::papers::{self, IdColumn};
use crate::store::{changes, tags};
use std::sync::Arc;

/// A tag as autocomplete needs it: folded key, name as written, paper count.
#[derive(Debug, Clone)]
pub(crate) struct TagEntry {
    key: String,
    name: String,
    count: usize,
}

impl Catalog {
    /// Full-text search; `tags` are tag names as the user typed them.
    pub async fn search(
        &self,
        scope: Scope,
        text: &str,
        tag_names: &[String],
        year: Option<i32>,
        limit: usize,
    ) -> anyhow::Result<Vec<SearchResult>> {
        let query = SearchQuery {
            text: text.to_string(),
            tag_keys: tag_names
                .iter()
                .map(|t| tag_key(t))
                .filter(|k| !k.is_empty())
                .collect(),
            year,
            limit: limit.max(1),
            scope,
        };
        self.refresh().await;
        let hits = self.index.search(&query)?;
        let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
        let mut conn = self.pool.acquire().await?;
        let found = papers::load(&mut conn, scope, &ids).await?;
        let mut by_id: std::collections::HashMap<i64, Paper> =
            found.into_iter().map(|p| (p.id, p)).collect();
        Ok(hits
            .into_iter()
            .filter_map(|h| {
                by_id.remove(&h.id).map(|paper| SearchResult {
                    paper,
                    score: h.score,
                    snippet: h.snippet,
                })
            })
            .collect())
    }

    /// Papers carrying `tag` (any spelling of it), newest first.
    pub async fn by_tag(&self, scope: Scope, tag: &str) -> anyhow::Result<Vec<Paper>> {
        let mut conn = self.pool.acquire().await?;
        let ids = tags::papers_with(&mut conn, scope, &tag_key(tag)).await?;
        Ok(papers::load(&mut conn, scope, &ids).await?)
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

    /// Papers for autocomplete: keys starting with the text, then title matches.
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
        let mut ids = if text.is_empty() {
            Vec::new()
        } else {
            papers::visible_keys_with_prefix(&mut conn, scope, text, limit).await?
        };
        if ids.len() < limit {
            let query = SearchQuery {
                text: text.to_string(),
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
        let s = scope.0 as i64;
        let one = |sql: &'static str| {
            let pool = self.pool.clone();
            async move {
                let n: i64 = sqlx::query_scalar(sql).bind(s).fetch_one(&pool).await?;
                anyhow::Ok(n as usize)
            }
        };
        Ok(Stats {
            papers: one("SELECT COUNT(DISTINCT paper_id) FROM sources WHERE scope IN (0, ?)")
                .await?,
            tags: self.tag_list(scope).await?.len(),
            sources: one("SELECT COUNT(*) FROM sources WHERE scope IN (0, ?)").await?,
            files: one("SELECT COUNT(*) FROM files WHERE scope IN (0, ?)").await?,
            with_bibtex: one(
                "SELECT COUNT(*) FROM papers p WHERE p.bibtex IS NOT NULL AND EXISTS
                 (SELECT 1 FROM sources s WHERE s.paper_id = p.id AND s.scope IN (0, ?))",
            )
            .await?,
            with_abstract: one(
                "SELECT COUNT(*) FROM papers p WHERE p.abstract IS NOT NULL AND EXISTS
                 (SELECT 1 FROM sources s WHERE s.paper_id = p.id AND s.scope IN (0, ?))",
            )
            .await?,
            cites: one(
                "SELECT COUNT(*) FROM cites c JOIN sources s ON s.id = c.source_id
                 WHERE s.scope IN (0, ?)",
            )
            .await?,
            generation,
            index_generation,
            index_behind: index_behind as usize,
        })
    }
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
