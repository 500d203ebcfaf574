//! `paper_views`, `source_meta` and `tag_names`: what a guild sees of a paper its own
//! imports named (the global row merged with its own sources), what each guild source said,
//! and each scope's spelling of a tag. See `migrations/0040_scoped_metadata.sql`.

use super::ids_json;
use super::papers::{self, PaperRow};
use crate::model::Scope;
use serde_json::json;
use sqlx::{Row, SqliteConnection};
use std::collections::{HashMap, HashSet};

/// A paper and a guild that sees it through its own imports.
pub type Pair = (i64, Scope);

fn pairs_json(pairs: &[Pair]) -> String {
    json!(pairs
        .iter()
        .map(|(p, s)| json!([p, s.0]))
        .collect::<Vec<_>>())
    .to_string()
}

/// The papers among `ids` that have a global source.
pub async fn with_global_source(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> sqlx::Result<HashSet<i64>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let found: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT paper_id FROM sources
         WHERE scope = 0 AND paper_id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids_json(ids))
    .fetch_all(conn)
    .await?;
    Ok(found.into_iter().collect())
}

/// Every `(paper, guild)` among `ids` where the guild has a source of the paper.
pub async fn guild_pairs(conn: &mut SqliteConnection, ids: &[i64]) -> sqlx::Result<Vec<Pair>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT DISTINCT paper_id, scope FROM sources
         WHERE scope != 0 AND paper_id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids_json(ids))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), Scope(r.get::<i64, _>(1) as u64)))
        .collect())
}

/// Records what each source said (`(source id, JSON array of entries)`), replacing what
/// it said before.
pub async fn write_said(conn: &mut SqliteConnection, rows: &[(i64, String)]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let param = json!(rows
        .iter()
        .map(|(s, said)| json!([s, said]))
        .collect::<Vec<_>>());
    sqlx::query(
        "INSERT OR REPLACE INTO source_meta (source_id, said)
         SELECT value->>0, value->>1 FROM json_each(?)",
    )
    .bind(param.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// What the sources of each pair said, in source order: `(paper, scope, JSON array)`.
pub async fn said_for(
    conn: &mut SqliteConnection,
    pairs: &[Pair],
) -> sqlx::Result<Vec<(i64, Scope, String)>> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT s.paper_id, s.scope, m.said FROM json_each(?) j
         JOIN sources s ON s.paper_id = j.value->>0 AND s.scope = j.value->>1
         JOIN source_meta m ON m.source_id = s.id ORDER BY s.id",
    )
    .bind(pairs_json(pairs))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), Scope(r.get::<i64, _>(1) as u64), r.get(2)))
        .collect())
}

const VIEW_COLUMNS: &str = "paper_id AS id, scope, key, title, title_norm, authors, year, \
                            venue, arxiv, doi, abstract, note, bibtex";

/// The views these papers have, in every scope.
pub async fn views_of(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> sqlx::Result<HashMap<Pair, PaperRow>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = sqlx::query(&format!(
        "SELECT {VIEW_COLUMNS} FROM paper_views WHERE paper_id IN (SELECT value FROM json_each(?))"
    ))
    .bind(ids_json(ids))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let scope = Scope(r.get::<i64, _>("scope") as u64);
            ((r.get("id"), scope), papers::from_row(r))
        })
        .collect())
}

/// Writes these views (inserted or replaced whole).
pub async fn upsert_views(
    conn: &mut SqliteConnection,
    rows: &[(Scope, PaperRow)],
) -> sqlx::Result<()> {
    for chunk in rows.chunks(1000) {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT OR REPLACE INTO paper_views (paper_id, scope, key, title, title_norm, authors,
             year, venue, arxiv, doi, abstract, note, bibtex) ",
        );
        q.push_values(chunk, |mut b, (scope, p)| {
            b.push_bind(p.id)
                .push_bind(scope.0 as i64)
                .push_bind(&p.key)
                .push_bind(&p.title)
                .push_bind(&p.title_norm)
                .push_bind(serde_json::to_string(&p.authors).unwrap_or_else(|_| "[]".into()))
                .push_bind(p.year)
                .push_bind(&p.venue)
                .push_bind(&p.arxiv)
                .push_bind(&p.doi)
                .push_bind(&p.abstract_text)
                .push_bind(&p.note)
                .push_bind(&p.bibtex);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Drops the views of these pairs (their guild no longer has a source of the paper).
pub async fn delete_views(conn: &mut SqliteConnection, pairs: &[Pair]) -> sqlx::Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "DELETE FROM paper_views WHERE (paper_id, scope) IN
         (SELECT value->>0, value->>1 FROM json_each(?))",
    )
    .bind(pairs_json(pairs))
    .execute(conn)
    .await?;
    Ok(())
}

/// `(paper, key, arXiv id, DOI)` of every view, for the importer's identity tables.
pub async fn identity_rows(
    conn: &mut SqliteConnection,
) -> sqlx::Result<Vec<(i64, String, Option<String>, Option<String>)>> {
    sqlx::query_as("SELECT paper_id, key, arxiv, doi FROM paper_views")
        .fetch_all(conn)
        .await
}

/// Gives papers new keys (a guild-only paper that the global catalog now names).
pub async fn rekey_papers(conn: &mut SqliteConnection, rows: &[(i64, String)]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let param = json!(rows.iter().map(|(p, k)| json!([p, k])).collect::<Vec<_>>());
    sqlx::query(
        "UPDATE papers SET key = j.value->>1 FROM json_each(?) AS j WHERE papers.id = j.value->>0",
    )
    .bind(param.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Records how `scope` first wrote each tag (`(tag id, name)`); a spelling already recorded
/// for the scope stays.
pub async fn insert_tag_names(
    conn: &mut SqliteConnection,
    scope: Scope,
    rows: &[(i64, String)],
) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let param = json!(rows.iter().map(|(t, n)| json!([t, n])).collect::<Vec<_>>());
    sqlx::query(
        "INSERT OR IGNORE INTO tag_names (tag_id, scope, name)
         SELECT value->>0, ?, value->>1 FROM json_each(?)",
    )
    .bind(scope.0 as i64)
    .bind(param.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// SQL for the name of tag `t` as scope `{scope}` sees it: the global spelling when the
/// global catalog uses the tag, else the scope's own.
pub fn tag_name_sql(scope: &str) -> String {
    format!(
        "COALESCE((SELECT n.name FROM tag_names n WHERE n.tag_id = t.id AND n.scope = 0),
                  (SELECT n.name FROM tag_names n WHERE n.tag_id = t.id AND n.scope = {scope}),
                  t.name)"
    )
}
