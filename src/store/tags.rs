//! `tags` and `paper_tags`: tag names by folded key, which source tagged which paper, and
//! counts and names as a scope sees them.

use crate::model::Scope;
use sqlx::{Row, SqliteConnection};

/// `(key, name, papers)` for every tag visible in `scope`.
pub async fn counts(
    conn: &mut SqliteConnection,
    scope: Scope,
) -> sqlx::Result<Vec<(String, String, usize)>> {
    let rows = sqlx::query(&format!(
        "SELECT t.key, {}, COUNT(DISTINCT pt.paper_id) FROM paper_tags pt
         JOIN tags t ON t.id = pt.tag_id JOIN sources s ON s.id = pt.source_id
         WHERE s.scope IN (0, ?1) GROUP BY t.id",
        super::views::tag_name_sql("?1")
    ))
    .bind(scope.0 as i64)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get::<i64, _>(2) as usize))
        .collect())
}

/// Papers a scope sees with the tag of this key, newest first: `limit` of them from
/// `offset`, or all of them when `limit` is `None`.
pub async fn papers_with(
    conn: &mut SqliteConnection,
    scope: Scope,
    key: &str,
    offset: usize,
    limit: Option<usize>,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM (SELECT DISTINCT p.id AS id,
             CASE WHEN v.paper_id IS NULL THEN p.year ELSE v.year END AS year,
             CASE WHEN v.paper_id IS NULL THEN p.title ELSE v.title END AS title
         FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id
         JOIN sources s ON s.id = pt.source_id JOIN papers p ON p.id = pt.paper_id
         LEFT JOIN paper_views v ON v.paper_id = p.id AND v.scope = ?2
         WHERE t.key = ?1 AND s.scope IN (0, ?2))
         ORDER BY year IS NULL, year DESC, title
         LIMIT ?3 OFFSET ?4",
    )
    .bind(key)
    .bind(scope.0 as i64)
    // SQLite reads a negative limit as "no limit".
    .bind(limit.map_or(-1, |n| n as i64))
    .bind(offset as i64)
    .fetch_all(conn)
    .await
}

/// How many papers a scope sees with the tag of this key.
pub async fn count_papers_with(
    conn: &mut SqliteConnection,
    scope: Scope,
    key: &str,
) -> sqlx::Result<usize> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT pt.paper_id) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id
         JOIN sources s ON s.id = pt.source_id
         WHERE t.key = ? AND s.scope IN (0, ?)",
    )
    .bind(key)
    .bind(scope.0 as i64)
    .fetch_one(conn)
    .await?;
    Ok(n as usize)
}

/// A tag's folded key and its id.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TagId {
    pub key: String,
    pub id: i64,
}

/// Every tag's key and id, for the importer's identity tables.
pub async fn ids(conn: &mut SqliteConnection) -> sqlx::Result<Vec<TagId>> {
    sqlx::query_as("SELECT key, id FROM tags")
        .fetch_all(conn)
        .await
}

/// A tag on a paper as the scope whose source tagged it sees its name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaperTagName {
    pub paper_id: i64,
    pub scope: i64,
    pub name: String,
}

/// The tags on these papers, each named as its tagging scope sees it (the global spelling
/// where there is one).
pub async fn names_on_papers(
    conn: &mut SqliteConnection,
    papers: &[i64],
) -> sqlx::Result<Vec<PaperTagName>> {
    sqlx::query_as(&format!(
        "SELECT DISTINCT pt.paper_id, s.scope, {} AS name FROM paper_tags pt
         JOIN sources s ON s.id = pt.source_id JOIN tags t ON t.id = pt.tag_id
         WHERE pt.paper_id IN (SELECT value FROM json_each(?))",
        super::views::tag_name_sql("s.scope")
    ))
    .bind(super::ids_json(papers))
    .fetch_all(conn)
    .await
}
