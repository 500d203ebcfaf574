//! `files`, `sources`, `links` and `cites`: what each imported file stated about which
//! paper. Everything a source stated is deleted with it (foreign-key cascades).

use crate::model::Scope;
use sqlx::{Row, SqliteConnection};
use std::collections::HashMap;

/// A file as last imported.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    pub id: i64,
    pub hash: String,
}

pub async fn find_file(
    conn: &mut SqliteConnection,
    scope: Scope,
    path: &str,
) -> sqlx::Result<Option<FileRow>> {
    let row = sqlx::query("SELECT id, hash FROM files WHERE scope = ? AND path = ?")
        .bind(scope.0 as i64)
        .bind(path)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| FileRow {
        id: r.get(0),
        hash: r.get(1),
    }))
}

/// Creates or refreshes the file row; returns its id.
pub async fn upsert_file(
    conn: &mut SqliteConnection,
    scope: Scope,
    path: &str,
    format: &str,
    hash: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO files (scope, path, format, hash, imported_at) VALUES (?, ?, ?, ?, datetime('now'))
         ON CONFLICT (scope, path) DO UPDATE SET format = excluded.format, hash = excluded.hash,
         imported_at = excluded.imported_at RETURNING id",
    )
    .bind(scope.0 as i64)
    .bind(path)
    .bind(format)
    .bind(hash)
    .fetch_one(conn)
    .await
}

/// The file's current sources: paper id to source id.
pub async fn sources_of_file(
    conn: &mut SqliteConnection,
    file_id: i64,
) -> sqlx::Result<HashMap<i64, i64>> {
    let rows = sqlx::query("SELECT paper_id, id FROM sources WHERE file_id = ?")
        .bind(file_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Deletes sources (and, by cascade, their tags, links and citation edges).
pub async fn delete_sources(conn: &mut SqliteConnection, ids: &[i64]) -> sqlx::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM sources WHERE id IN (SELECT value FROM json_each(?))")
        .bind(super::ids_json(ids))
        .execute(conn)
        .await?;
    Ok(())
}

/// Every scope a paper is visible in.
pub async fn scopes_of(conn: &mut SqliteConnection, paper_id: i64) -> sqlx::Result<Vec<Scope>> {
    let rows: Vec<i64> =
        sqlx::query_scalar("SELECT DISTINCT scope FROM sources WHERE paper_id = ? ORDER BY scope")
            .bind(paper_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|s| Scope(s as u64)).collect())
}

/// Ids of all papers that have at least one source.
pub async fn visible_paper_ids(conn: &mut SqliteConnection) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT DISTINCT paper_id FROM sources ORDER BY paper_id")
        .fetch_all(conn)
        .await
}

/// Papers that cite `paper` or that it cites, as `scope` sees the edges.
pub async fn cite_neighbours(
    conn: &mut SqliteConnection,
    scope: Scope,
    paper: i64,
) -> sqlx::Result<(Vec<i64>, Vec<i64>)> {
    let rows = sqlx::query(
        "SELECT c.citing, c.cited FROM cites c JOIN sources s ON s.id = c.source_id
         WHERE (c.citing = ? OR c.cited = ?) AND s.scope IN (0, ?)",
    )
    .bind(paper)
    .bind(paper)
    .bind(scope.0 as i64)
    .fetch_all(conn)
    .await?;
    let (mut cites, mut cited_by) = (Vec::new(), Vec::new());
    for r in rows {
        let (citing, cited): (i64, i64) = (r.get(0), r.get(1));
        if citing == paper {
            cites.push(cited);
        } else {
            cited_by.push(citing);
        }
    }
    Ok((cites, cited_by))
}
