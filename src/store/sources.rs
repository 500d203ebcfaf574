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

/// An imported file as the list command shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub path: String,
    pub format: String,
    pub imported_at: String,
    pub entries: i64,
}

/// The files a scope imported itself, newest first, with how many papers each speaks for.
pub async fn files_of_scope(
    conn: &mut SqliteConnection,
    scope: Scope,
) -> sqlx::Result<Vec<ListRow>> {
    let rows = sqlx::query(
        "SELECT f.path, f.format, f.imported_at, (SELECT COUNT(*) FROM sources s WHERE s.file_id = f.id)
         FROM files f WHERE f.scope = ? ORDER BY f.imported_at DESC, f.id DESC",
    )
    .bind(scope.0 as i64)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| ListRow {
            path: r.get(0),
            format: r.get(1),
            imported_at: r.get(2),
            entries: r.get(3),
        })
        .collect())
}

/// Paths of a scope's files that start with `prefix`, for picking a free upload name.
pub async fn paths_with_prefix(
    conn: &mut SqliteConnection,
    scope: Scope,
    prefix: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT path FROM files WHERE scope = ? AND substr(path, 1, length(?)) = ?")
        .bind(scope.0 as i64)
        .bind(prefix)
        .bind(prefix)
        .fetch_all(conn)
        .await
}

/// Deletes a file with everything it stated; returns the papers it spoke for.
pub async fn delete_file(conn: &mut SqliteConnection, file_id: i64) -> sqlx::Result<Vec<i64>> {
    let papers = sqlx::query_scalar("SELECT paper_id FROM sources WHERE file_id = ?")
        .bind(file_id)
        .fetch_all(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM files WHERE id = ?")
        .bind(file_id)
        .execute(conn)
        .await?;
    Ok(papers)
}

/// A course session that reads a paper only one file speaks for (within what the
/// session's guild sees), with its week number as `/schedule` counts weeks.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReaderRow {
    pub guild_id: i64,
    pub week: i64,
    pub title: String,
}

/// The sessions that would lose a reading if `file` went: a reading whose paper no other
/// file of the session's guild or of the global catalog names (the guild would no longer
/// see it). A guild's file can only matter to that guild's sessions; a global file, to
/// every guild's.
pub async fn sessions_reading_only(
    conn: &mut SqliteConnection,
    file: i64,
    scope: Scope,
) -> sqlx::Result<Vec<ReaderRow>> {
    sqlx::query_as(
        "SELECT DISTINCT s.guild_id, s.title,
            (SELECT COUNT(*) FROM sessions w WHERE w.guild_id = s.guild_id
             AND (w.starts_at, w.id) <= (s.starts_at, s.id)) AS week
         FROM session_readings r JOIN sessions s ON s.id = r.session_id
         WHERE r.paper_id IN (SELECT paper_id FROM sources WHERE file_id = ?1)
           AND (?2 = 0 OR s.guild_id = ?2)
           AND NOT EXISTS (SELECT 1 FROM sources o JOIN files f ON f.id = o.file_id
                           WHERE o.paper_id = r.paper_id AND o.file_id != ?1
                             AND f.scope IN (0, s.guild_id))
         ORDER BY s.guild_id, week",
    )
    .bind(file)
    .bind(scope.0 as i64)
    .fetch_all(conn)
    .await
}

/// A scope that has a source of a paper.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaperScope {
    pub paper_id: i64,
    pub scope: i64,
}

/// Each scope with a source of one of these papers, once per paper.
pub async fn scopes_of(
    conn: &mut SqliteConnection,
    papers: &[i64],
) -> sqlx::Result<Vec<PaperScope>> {
    sqlx::query_as(
        "SELECT DISTINCT paper_id, scope FROM sources
         WHERE paper_id IN (SELECT value FROM json_each(?))",
    )
    .bind(super::ids_json(papers))
    .fetch_all(conn)
    .await
}
