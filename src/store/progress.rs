//! `reading_progress`: the papers each member marked read in a guild's course. Every query
//! is keyed by guild id; the primary key makes marking idempotent.

use sqlx::{FromRow, SqliteConnection};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct DoneRow {
    pub paper_id: i64,
    pub done_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CountRow {
    pub paper_id: i64,
    pub readers: i64,
}

/// Marks `paper` read by `user`; false when it already was.
pub async fn mark(
    conn: &mut SqliteConnection,
    guild: i64,
    user: i64,
    paper: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO reading_progress (guild_id, user_id, paper_id, done_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (guild_id, user_id, paper_id) DO NOTHING",
    )
    .bind(guild)
    .bind(user)
    .bind(paper)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the mark back; false when there was none.
pub async fn unmark(
    conn: &mut SqliteConnection,
    guild: i64,
    user: i64,
    paper: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "DELETE FROM reading_progress WHERE guild_id = ? AND user_id = ? AND paper_id = ?",
    )
    .bind(guild)
    .bind(user)
    .bind(paper)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The papers `user` marked read, oldest mark first.
pub async fn done_by(
    conn: &mut SqliteConnection,
    guild: i64,
    user: i64,
) -> sqlx::Result<Vec<DoneRow>> {
    sqlx::query_as(
        "SELECT paper_id, done_at FROM reading_progress WHERE guild_id = ? AND user_id = ?
         ORDER BY done_at, paper_id",
    )
    .bind(guild)
    .bind(user)
    .fetch_all(conn)
    .await
}

/// How many members marked each paper read (papers nobody marked are left out).
pub async fn readers(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<Vec<CountRow>> {
    sqlx::query_as(
        "SELECT paper_id, COUNT(*) AS readers FROM reading_progress WHERE guild_id = ?
         GROUP BY paper_id",
    )
    .bind(guild)
    .fetch_all(conn)
    .await
}

/// How many members marked anything read in the guild.
pub async fn members(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(DISTINCT user_id) FROM reading_progress WHERE guild_id = ?")
        .bind(guild)
        .fetch_one(conn)
        .await
}
