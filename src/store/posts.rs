//! `posts`: every message the scheduler owes a course's channel (the weekly post of an
//! occurrence, a presenter reminder), claimed before it is sent, then sent, missed or
//! failed; and the delivery lease that keeps two attempts from sending at once. Instants
//! are UTC unix seconds.

use sqlx::{FromRow, SqliteConnection};

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct PostRow {
    pub id: i64,
    pub guild_id: i64,
    pub kind: String,
    pub occurrence_at: i64,
    pub session_id: Option<i64>,
    pub channel_id: i64,
    pub state: String,
    pub parts: String,
    pub mentions: String,
    pub message_ids: String,
    pub attempts: i64,
    pub lease_until: Option<i64>,
    pub reason: Option<String>,
    pub sent_at: Option<i64>,
}

/// Every announcement of a guild's sessions by a claimed or sent post, oldest first:
/// `(session, local date, local time)` as the post gave them.
pub async fn announced(
    conn: &mut SqliteConnection,
    guild: i64,
) -> sqlx::Result<Vec<(i64, String, Option<String>)>> {
    sqlx::query_as(
        "SELECT ps.session_id, ps.date, ps.time FROM post_sessions ps
         JOIN posts p ON p.id = ps.post_id
         WHERE p.guild_id = ? AND p.state IN ('claimed', 'sent') ORDER BY p.id",
    )
    .bind(guild)
    .fetch_all(conn)
    .await
}

/// Records the sessions post `post` announces (or would have), with their date and time.
pub async fn add_post_sessions(
    conn: &mut SqliteConnection,
    post: i64,
    sessions: &[(i64, String, Option<String>)],
) -> sqlx::Result<()> {
    for (session, date, time) in sessions {
        sqlx::query(
            "INSERT OR REPLACE INTO post_sessions (post_id, session_id, date, time)
             VALUES (?, ?, ?, ?)",
        )
        .bind(post)
        .bind(session)
        .bind(date)
        .bind(time)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Puts a guild's posts that failed at or after `since` (a refused channel) back to be
/// sent, to `channel`: an instructor resumed the course while they were still due.
pub async fn requeue_failed(
    conn: &mut SqliteConnection,
    guild: i64,
    since: i64,
    channel: i64,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE OR IGNORE posts SET state = 'claimed', channel_id = ?, attempts = 0,
             lease_until = NULL, reason = NULL
         WHERE guild_id = ? AND state = 'failed' AND occurrence_at >= ?",
    )
    .bind(channel)
    .bind(guild)
    .bind(since)
    .execute(conn)
    .await?
    .rows_affected())
}

/// A post to record.
pub struct NewPost<'a> {
    pub guild: i64,
    /// `weekly`, or `reminder-N` for N days before the session.
    pub kind: &'a str,
    pub occurrence_at: i64,
    pub session: Option<i64>,
    pub channel: i64,
    pub state: &'a str,
    pub mentions: &'a str,
    pub reason: Option<&'a str>,
}

/// Records a post; the unique key on `(guild_id, kind, occurrence_at)` makes a second claim
/// of the same occurrence fail instead of posting twice.
pub async fn insert_post(
    conn: &mut SqliteConnection,
    p: &NewPost<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO posts (guild_id, kind, occurrence_at, session_id, channel_id, state,
             mentions, reason, claimed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(p.guild)
    .bind(p.kind)
    .bind(p.occurrence_at)
    .bind(p.session)
    .bind(p.channel)
    .bind(p.state)
    .bind(p.mentions)
    .bind(p.reason)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// `(session, kind)` of every reminder claimed or sent in a guild.
pub async fn reminders_done(
    conn: &mut SqliteConnection,
    guild: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT session_id, kind FROM posts WHERE guild_id = ? AND kind LIKE 'reminder-%'
         AND session_id IS NOT NULL AND state IN ('claimed', 'sent')",
    )
    .bind(guild)
    .fetch_all(conn)
    .await
}

const POST_COLUMNS: &str = "id, guild_id, kind, occurrence_at, session_id, channel_id, state,
    parts, mentions, message_ids, attempts, lease_until, reason, sent_at";

/// Claimed posts whose lease is free at `now`: new ones, and ones a crashed or failed
/// attempt left behind.
pub async fn deliverable(conn: &mut SqliteConnection, now: i64) -> sqlx::Result<Vec<PostRow>> {
    sqlx::query_as(&format!(
        "SELECT {POST_COLUMNS} FROM posts WHERE state = 'claimed'
         AND COALESCE(lease_until, 0) <= ? ORDER BY occurrence_at, id"
    ))
    .bind(now)
    .fetch_all(conn)
    .await
}

/// Takes the delivery lease of a claimed post until `until`; false when another attempt
/// holds it or the post is no longer claimed.
pub async fn take_lease(
    conn: &mut SqliteConnection,
    post: i64,
    now: i64,
    until: i64,
) -> sqlx::Result<Option<PostRow>> {
    sqlx::query_as(&format!(
        "UPDATE posts SET lease_until = ?, attempts = attempts + 1
         WHERE id = ? AND state = 'claimed' AND COALESCE(lease_until, 0) <= ?
         RETURNING {POST_COLUMNS}"
    ))
    .bind(until)
    .bind(post)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn set_message_ids(
    conn: &mut SqliteConnection,
    post: i64,
    ids: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE posts SET message_ids = ? WHERE id = ?")
        .bind(ids)
        .bind(post)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a post: `sent`, or `failed` with the reason; frees the lease.
pub async fn finish_post(
    conn: &mut SqliteConnection,
    post: i64,
    state: &str,
    reason: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE posts SET state = ?, reason = ?, sent_at = CASE WHEN ? = 'sent' THEN ? END,
             lease_until = NULL WHERE id = ?",
    )
    .bind(state)
    .bind(reason)
    .bind(state)
    .bind(now)
    .bind(post)
    .execute(conn)
    .await?;
    Ok(())
}

/// Releases a lease early with the reason of a failed attempt, so the next tick retries.
pub async fn release(
    conn: &mut SqliteConnection,
    post: i64,
    retry_at: i64,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE posts SET lease_until = ?, reason = ? WHERE id = ? AND state = 'claimed'")
        .bind(retry_at)
        .bind(reason)
        .bind(post)
        .execute(conn)
        .await?;
    Ok(())
}

/// A guild's posts, newest first.
pub async fn recent_posts(
    conn: &mut SqliteConnection,
    guild: i64,
    limit: i64,
) -> sqlx::Result<Vec<PostRow>> {
    sqlx::query_as(&format!(
        "SELECT {POST_COLUMNS} FROM posts WHERE guild_id = ?
         ORDER BY occurrence_at DESC, id DESC LIMIT ?"
    ))
    .bind(guild)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Missed occurrences no post has mentioned yet, oldest first.
pub async fn unreported_missed(
    conn: &mut SqliteConnection,
    guild: i64,
) -> sqlx::Result<Vec<PostRow>> {
    sqlx::query_as(&format!(
        "SELECT {POST_COLUMNS} FROM posts WHERE guild_id = ? AND kind = 'weekly'
         AND state = 'missed' AND reported = 0 ORDER BY occurrence_at"
    ))
    .bind(guild)
    .fetch_all(conn)
    .await
}

pub async fn mark_reported(conn: &mut SqliteConnection, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("UPDATE posts SET reported = 1 WHERE id IN (SELECT value FROM json_each(?))")
        .bind(super::ids_json(ids))
        .execute(conn)
        .await?;
    Ok(())
}

/// The rendered messages of a claimed post.
pub async fn set_parts(conn: &mut SqliteConnection, post: i64, parts: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE posts SET parts = ? WHERE id = ?")
        .bind(parts)
        .bind(post)
        .execute(conn)
        .await?;
    Ok(())
}
