//! `paged_requests`: the request behind a reply's Previous/Next buttons, under the id the
//! buttons carry. Every read is keyed by guild, so an id pressed in another guild finds
//! nothing; adding a request prunes those older than the caller's cutoff.

use sqlx::{FromRow, SqliteConnection};

/// A paged request as stored: `kind` is `search`, `tag` or `tags`; the other fields are
/// those the kind has.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct PagedRow {
    pub user_id: i64,
    pub kind: String,
    pub query: Option<String>,
    pub tag: Option<String>,
    pub max_results: Option<i64>,
}

/// Removes requests made before `cutoff`, stores `row` for `guild` at `now`, returns its id.
/// Run it in one transaction, so the prune and the insert land together.
pub async fn insert(
    conn: &mut SqliteConnection,
    guild: i64,
    row: &PagedRow,
    now: i64,
    cutoff: i64,
) -> sqlx::Result<i64> {
    sqlx::query("DELETE FROM paged_requests WHERE created_at < ?")
        .bind(cutoff)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query(
        "INSERT INTO paged_requests (guild_id, user_id, kind, query, tag, max_results, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(guild)
    .bind(row.user_id)
    .bind(&row.kind)
    .bind(&row.query)
    .bind(&row.tag)
    .bind(row.max_results)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.last_insert_rowid())
}

/// The request `id` of `guild`, unless it was made before `cutoff` (or never, or elsewhere).
pub async fn get(
    conn: &mut SqliteConnection,
    guild: i64,
    id: i64,
    cutoff: i64,
) -> sqlx::Result<Option<PagedRow>> {
    sqlx::query_as(
        "SELECT user_id, kind, query, tag, max_results FROM paged_requests
         WHERE guild_id = ? AND id = ? AND created_at >= ?",
    )
    .bind(guild)
    .bind(id)
    .bind(cutoff)
    .fetch_optional(conn)
    .await
}

/// How many requests are stored, in every guild (tests of pruning).
pub async fn count(conn: &mut SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM paged_requests")
        .fetch_one(conn)
        .await
}
