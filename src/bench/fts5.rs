//! The baseline the tantivy index is measured against: the same papers in an in-memory
//! SQLite FTS5 table (the bundled SQLite is built with FTS5), ranked by `bm25()` with the
//! same field weights, queried with user text escaped so it is never FTS5 syntax.

use crate::ingest::ids::tag_key;
use crate::model::Paper;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;

/// Column order of the FTS table and the `bm25()` weights in that order: title ×3,
/// authors ×2, tags ×1.5, abstract ×1, venue ×0.5, as in the tantivy query.
const BM25: &str = "bm25(papers_fts, 3.0, 2.0, 1.5, 1.0, 0.5)";
/// Words kept from one query, as in tantivy's query building.
const MAX_TOKENS: usize = 16;

/// An in-memory FTS5 catalog.
pub struct Fts5Index {
    pool: SqlitePool,
}

impl Fts5Index {
    /// Creates the tables and loads `papers` in one transaction.
    pub async fn load(papers: &[Paper]) -> anyhow::Result<Fts5Index> {
        // An in-memory database lives and dies with its connection: exactly one, kept open.
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        sqlx::query(
            "CREATE VIRTUAL TABLE papers_fts USING fts5(title, authors, tags, abstract, venue, \
             tokenize = 'porter unicode61 remove_diacritics 2')",
        )
        .execute(&pool)
        .await?;
        sqlx::query(
            "CREATE TABLE paper_meta (id INTEGER PRIMARY KEY, year INTEGER, title TEXT NOT NULL)",
        )
        .execute(&pool)
        .await?;
        sqlx::query("CREATE TABLE paper_tags (tag_key TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (tag_key, id)) WITHOUT ROWID")
            .execute(&pool)
            .await?;
        let mut tx = pool.begin().await?;
        for p in papers {
            sqlx::query("INSERT INTO papers_fts (rowid, title, authors, tags, abstract, venue) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(p.id)
                .bind(&p.title)
                .bind(p.authors.join("; "))
                .bind(p.tags.join("; "))
                .bind(p.abstract_text.as_deref().unwrap_or(""))
                .bind(p.venue.as_deref().unwrap_or(""))
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO paper_meta (id, year, title) VALUES (?, ?, ?)")
                .bind(p.id)
                .bind(p.year)
                .bind(&p.title)
                .execute(&mut *tx)
                .await?;
            for t in &p.tags {
                sqlx::query("INSERT OR IGNORE INTO paper_tags (tag_key, id) VALUES (?, ?)")
                    .bind(tag_key(t))
                    .bind(p.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(Fts5Index { pool })
    }

    /// Ids of the best `limit` matches of `text` carrying tag `tag` (a tag key), best first.
    /// Empty text with a tag lists the tag's papers newest first, then by title, as the
    /// tantivy index does; empty text without a tag finds nothing.
    pub async fn search(
        &self,
        text: &str,
        tag: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<Vec<i64>> {
        let limit = i64::try_from(limit.max(1)).unwrap_or(i64::MAX);
        let tag = tag.map(tag_key);
        let Some(expr) = match_expression(text) else {
            let Some(tag) = tag else {
                return Ok(Vec::new());
            };
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT m.id FROM paper_tags t JOIN paper_meta m ON m.id = t.id \
                 WHERE t.tag_key = ? ORDER BY m.year DESC, m.title COLLATE NOCASE LIMIT ?",
            )
            .bind(tag)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            return Ok(rows.into_iter().map(|r| r.0).collect());
        };
        let rows: Vec<(i64,)> = match tag {
            None => {
                sqlx::query_as(&format!(
                    "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY {BM25} LIMIT ?"
                ))
                .bind(expr)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            // Materialized first: with `rowid IN (...)` beside MATCH, SQLite re-runs the
            // full-text query per candidate row (seconds at 100k papers).
            Some(tag) => {
                sqlx::query_as(&format!(
                    "WITH hits AS MATERIALIZED (SELECT rowid AS id, {BM25} AS score \
                     FROM papers_fts WHERE papers_fts MATCH ?) \
                     SELECT h.id FROM hits h JOIN paper_tags t ON t.id = h.id AND t.tag_key = ? \
                     ORDER BY h.score LIMIT ?"
                ))
                .bind(expr)
                .bind(tag)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

/// User text as an FTS5 expression that cannot be syntax: split into words the way the
/// `unicode61` tokenizer does, each word a quoted string (quotes doubled, though the split
/// leaves none), joined with `OR` so that ranking, not all-words matching, decides.
/// `None` when the text has no words.
pub fn match_expression(text: &str) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if words.len() == MAX_TOKENS {
            break;
        }
        let w = w.to_lowercase();
        if !w.is_empty() && !words.contains(&w) {
            words.push(w);
        }
    }
    if words.is_empty() {
        return None;
    }
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    Some(quoted.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::synth;

    #[test]
    fn user_text_becomes_quoted_words() {
        assert_eq!(
            match_expression("self-attention AND (c++)").as_deref(),
            Some(r#""self" OR "attention" OR "and" OR "c""#)
        );
        assert_eq!(match_expression(" \"( :* "), None);
        assert_eq!(
            match_expression("NEAR(a b)").as_deref(),
            Some(r#""near" OR "a" OR "b""#)
        );
    }

    #[tokio::test]
    async fn fts5_is_available_and_ranks_and_filters() -> anyhow::Result<()> {
        let mut papers = synth::papers(200, 11);
        papers[0].title = "Chinchilla zebra quokka".into();
        papers[0].tags = vec!["Quokka Studies".into()];
        let fts = Fts5Index::load(&papers).await?;
        assert_eq!(fts.search("quokka", None, 5).await?, vec![1]);
        assert_eq!(
            fts.search("quokka", Some("quokkastudies"), 5).await?,
            vec![1]
        );
        assert_eq!(fts.search("", Some("quokka studies"), 5).await?, vec![1]);
        for weird in [
            "\"unbalanced",
            "AND OR NOT (",
            "",
            "arXiv:2001.08361",
            "a*b^c",
        ] {
            fts.search(weird, None, 5).await?;
        }
        Ok(())
    }
}
