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

/// The id the next inserted source gets (the caller holds the write lock).
pub async fn next_id(conn: &mut SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM sources")
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

/// Ids of all papers that have at least one source.
pub async fn visible_paper_ids(conn: &mut SqliteConnection) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT DISTINCT paper_id FROM sources ORDER BY paper_id")
        .fetch_all(conn)
        .await
}
