//! `courses`, `sessions`, `session_readings` and `posts`: a guild's course and the record
//! of every weekly post. Every query is keyed by guild id, so one guild's course can never
//! be read or changed through another's. Instants are UTC unix seconds.

use sqlx::{FromRow, SqliteConnection};

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct CourseRow {
    pub guild_id: i64,
    pub channel_id: i64,
    pub timezone: String,
    pub schedule_input: String,
    pub schedule: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub instructor_role: Option<i64>,
    pub grace_hours: i64,
    pub notes_public: bool,
    pub reminder_days: String,
    pub next_post_at: Option<i64>,
    pub next_reminder_at: Option<i64>,
    pub paused_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub guild_id: i64,
    pub date: String,
    pub time: Option<String>,
    pub starts_at: i64,
    pub title: String,
    pub tags: String,
    pub notes_team: Option<String>,
    pub video_team: Option<String>,
    pub presenters: Option<String>,
    pub skipped: bool,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ReadingRow {
    pub session_id: i64,
    pub paper_id: i64,
    pub required: bool,
    pub position: i64,
}

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

const COURSE_COLUMNS: &str = "guild_id, channel_id, timezone, schedule_input, schedule, start_date,
    end_date, instructor_role, grace_hours, reminder_days, notes_public, next_post_at,
    next_reminder_at, paused_reason";

pub async fn course(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<Option<CourseRow>> {
    sqlx::query_as(&format!(
        "SELECT {COURSE_COLUMNS} FROM courses WHERE guild_id = ?"
    ))
    .bind(guild)
    .fetch_optional(conn)
    .await
}

/// Creates or replaces a guild's course settings (sessions and posts stay); clears a pause
/// and has the next tick look for presenter reminders.
pub async fn save_course(conn: &mut SqliteConnection, c: &CourseRow, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO courses (guild_id, channel_id, timezone, schedule_input, schedule,
             start_date, end_date, instructor_role, grace_hours, reminder_days, notes_public,
             next_post_at, next_reminder_at, paused_reason, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
         ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,
             timezone = excluded.timezone, schedule_input = excluded.schedule_input,
             schedule = excluded.schedule, start_date = excluded.start_date,
             end_date = excluded.end_date, instructor_role = excluded.instructor_role,
             grace_hours = excluded.grace_hours, reminder_days = excluded.reminder_days,
             notes_public = excluded.notes_public,
             next_post_at = excluded.next_post_at, next_reminder_at = excluded.next_reminder_at,
             paused_reason = NULL, updated_at = excluded.updated_at",
    )
    .bind(c.guild_id)
    .bind(c.channel_id)
    .bind(&c.timezone)
    .bind(&c.schedule_input)
    .bind(&c.schedule)
    .bind(&c.start_date)
    .bind(&c.end_date)
    .bind(c.instructor_role)
    .bind(c.grace_hours)
    .bind(&c.reminder_days)
    .bind(c.notes_public)
    .bind(c.next_post_at)
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Guilds with a weekly post or reminders to look at, at `now` (two index range scans: a
/// tick with nothing due costs two lookups however many courses there are).
pub async fn due_courses(conn: &mut SqliteConnection, now: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT guild_id FROM courses WHERE next_post_at <= ? AND paused_reason IS NULL
         UNION
         SELECT guild_id FROM courses WHERE next_reminder_at <= ? AND paused_reason IS NULL",
    )
    .bind(now)
    .bind(now)
    .fetch_all(conn)
    .await
}

/// The earliest instant something may be due: a course's next occurrence or the end of
/// a claimed post's lease.
pub async fn next_wakeup(conn: &mut SqliteConnection) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT MIN(t) FROM (
             SELECT MIN(next_post_at) AS t FROM courses WHERE paused_reason IS NULL
             UNION ALL
             SELECT MIN(next_reminder_at) FROM courses WHERE paused_reason IS NULL
             UNION ALL
             SELECT MIN(COALESCE(lease_until, 0)) FROM posts WHERE state = 'claimed')",
    )
    .fetch_one(conn)
    .await
}

pub async fn set_next_post(
    conn: &mut SqliteConnection,
    guild: i64,
    at: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE courses SET next_post_at = ? WHERE guild_id = ?")
        .bind(at)
        .bind(guild)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_next_reminder(
    conn: &mut SqliteConnection,
    guild: i64,
    at: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE courses SET next_reminder_at = ? WHERE guild_id = ?")
        .bind(at)
        .bind(guild)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn pause(conn: &mut SqliteConnection, guild: i64, reason: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE courses SET paused_reason = ? WHERE guild_id = ?")
        .bind(reason)
        .bind(guild)
        .execute(conn)
        .await?;
    Ok(())
}

const SESSION_COLUMNS: &str = "id, guild_id, date, time, starts_at, title, tags, notes_team,
    video_team, presenters, skipped, source";

/// A guild's sessions in date order.
pub async fn sessions(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE guild_id = ? ORDER BY starts_at, id"
    ))
    .bind(guild)
    .fetch_all(conn)
    .await
}

/// The readings of a guild's sessions, in each session's order.
pub async fn readings(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<Vec<ReadingRow>> {
    sqlx::query_as(
        "SELECT r.session_id, r.paper_id, r.required, r.position FROM session_readings r
         JOIN sessions s ON s.id = r.session_id WHERE s.guild_id = ?
         ORDER BY r.session_id, r.required DESC, r.position",
    )
    .bind(guild)
    .fetch_all(conn)
    .await
}

/// Inserts a session, or updates the one imported from the same `source`; returns its id.
pub async fn save_session(conn: &mut SqliteConnection, s: &SessionRow) -> sqlx::Result<i64> {
    let existing: Option<i64> = match &s.source {
        Some(source) => {
            sqlx::query_scalar("SELECT id FROM sessions WHERE guild_id = ? AND source = ?")
                .bind(s.guild_id)
                .bind(source)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let id =
        match existing {
            Some(id) => {
                sqlx::query(
                    "UPDATE sessions SET date = ?, time = ?, starts_at = ?, title = ?, tags = ?,
                     notes_team = ?, video_team = ?, presenters = ?
                 WHERE id = ? AND guild_id = ?",
                )
                .bind(&s.date)
                .bind(&s.time)
                .bind(s.starts_at)
                .bind(&s.title)
                .bind(&s.tags)
                .bind(&s.notes_team)
                .bind(&s.video_team)
                .bind(&s.presenters)
                .bind(id)
                .bind(s.guild_id)
                .execute(&mut *conn)
                .await?;
                id
            }
            None => sqlx::query_scalar(
                "INSERT INTO sessions (guild_id, date, time, starts_at, title, tags, notes_team,
                 video_team, presenters, skipped, source)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(s.guild_id)
            .bind(&s.date)
            .bind(&s.time)
            .bind(s.starts_at)
            .bind(&s.title)
            .bind(&s.tags)
            .bind(&s.notes_team)
            .bind(&s.video_team)
            .bind(&s.presenters)
            .bind(s.skipped)
            .bind(&s.source)
            .fetch_one(&mut *conn)
            .await?,
        };
    Ok(id)
}

/// Replaces a session's readings with `(paper_id, required)` in order.
pub async fn set_readings(
    conn: &mut SqliteConnection,
    session: i64,
    readings: &[(i64, bool)],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM session_readings WHERE session_id = ?")
        .bind(session)
        .execute(&mut *conn)
        .await?;
    for (position, (paper, required)) in readings.iter().enumerate() {
        sqlx::query(
            "INSERT OR IGNORE INTO session_readings (session_id, paper_id, required, position)
             VALUES (?, ?, ?, ?)",
        )
        .bind(session)
        .bind(paper)
        .bind(required)
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Has the next tick look at a guild's presenter reminders (its sessions changed).
pub async fn touch_reminders(
    conn: &mut SqliteConnection,
    guild: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE courses SET next_reminder_at = ? WHERE guild_id = ?")
        .bind(now)
        .bind(guild)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_skipped(
    conn: &mut SqliteConnection,
    guild: i64,
    session: i64,
    skipped: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE sessions SET skipped = ? WHERE id = ? AND guild_id = ?")
        .bind(skipped)
        .bind(session)
        .bind(guild)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a session to another local date/time (its instant recomputed by the caller).
pub async fn move_session(
    conn: &mut SqliteConnection,
    guild: i64,
    session: i64,
    date: &str,
    time: Option<&str>,
    starts_at: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sessions SET date = ?, time = ?, starts_at = ? WHERE id = ? AND guild_id = ?",
    )
    .bind(date)
    .bind(time)
    .bind(starts_at)
    .bind(session)
    .bind(guild)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn remove_session(
    conn: &mut SqliteConnection,
    guild: i64,
    session: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM sessions WHERE id = ? AND guild_id = ?")
        .bind(session)
        .bind(guild)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Sessions a post has been claimed or sent for.
pub async fn announced(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT session_id FROM posts WHERE guild_id = ? AND kind = 'weekly'
         AND session_id IS NOT NULL AND state IN ('claimed', 'sent')",
    )
    .bind(guild)
    .fetch_all(conn)
    .await
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

/// The paper an imported file's entry at `line` became (course posts map each reading to
/// the paper the catalog merged it into).
pub async fn imported_paper(
    conn: &mut SqliteConnection,
    scope: i64,
    path: &str,
    line: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT s.paper_id FROM sources s JOIN files f ON f.id = s.file_id
         WHERE f.scope = ? AND f.path = ? AND s.line = ?",
    )
    .bind(scope)
    .bind(path)
    .bind(line)
    .fetch_optional(conn)
    .await
}

/// The latest session date of a guild (undated imports continue after it).
pub async fn last_session_date(
    conn: &mut SqliteConnection,
    guild: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT MAX(date) FROM sessions WHERE guild_id = ?")
        .bind(guild)
        .fetch_one(conn)
        .await
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

/// The local date and time of the session imported from `source`, if any.
pub async fn session_date_by_source(
    conn: &mut SqliteConnection,
    guild: i64,
    source: &str,
) -> sqlx::Result<Option<(String, Option<String>)>> {
    sqlx::query_as("SELECT date, time FROM sessions WHERE guild_id = ? AND source = ?")
        .bind(guild)
        .bind(source)
        .fetch_optional(conn)
        .await
}
