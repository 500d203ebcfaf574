//! `changes`: the change log the search index catches up from. Each catalog write appends
//! one row, in its own transaction, naming the papers it touched; the row's generation is
//! the catalog's version number.

use super::ids_json;
use sqlx::SqliteConnection;

/// Records that the current transaction touched `papers`; returns the new generation.
pub async fn append(conn: &mut SqliteConnection, papers: &[i64]) -> sqlx::Result<i64> {
    sqlx::query_scalar("INSERT INTO changes (papers) VALUES (?) RETURNING generation")
        .bind(ids_json(papers))
        .fetch_one(conn)
        .await
}

/// The latest generation; 0 before the first change.
pub async fn current(conn: &mut SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(generation), 0) FROM changes")
        .fetch_one(conn)
        .await
}

/// Papers touched by the changes after `after` up to `upto`, leaving out the generations
/// in `except` (changes whose documents the caller already has).
pub async fn papers_between(
    conn: &mut SqliteConnection,
    after: i64,
    upto: i64,
    except: &[i64],
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT DISTINCT p.value FROM changes c, json_each(c.papers) p
         WHERE c.generation > ? AND c.generation <= ?
           AND c.generation NOT IN (SELECT value FROM json_each(?))
         ORDER BY p.value",
    )
    .bind(after)
    .bind(upto)
    .bind(ids_json(except))
    .fetch_all(conn)
    .await
}

/// How many changes came after `after`.
pub async fn count_after(conn: &mut SqliteConnection, after: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM changes WHERE generation > ?")
        .bind(after)
        .fetch_one(conn)
        .await
}

/// Forgets the changes before `generation`, which the search index has applied: the log
/// holds what the index may still need, not the catalog's history. The latest row always
/// stays (the index is never past the database), so [`current`] still reads the generation.
pub async fn prune_before(conn: &mut SqliteConnection, generation: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM changes WHERE generation < ?")
        .bind(generation)
        .execute(conn)
        .await?
        .rows_affected())
}
