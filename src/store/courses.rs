//! `courses`, `sessions` and `session_readings`: a guild's course and its sessions (the
//! posts the scheduler owes them are in [`super::posts`]). Every query is keyed by guild id,
//! so one guild's course can never be read or changed through another's. Instants are UTC
//! unix seconds.

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
    pub teams_locked: bool,
    pub slots_per_team: i64,
    pub session_minutes: i64,
    pub reminder_days: String,
    pub next_post_at: Option<i64>,
    pub next_reminder_at: Option<i64>,
    pub paused_reason: Option<String>,
    /// Why the last claim failed, while it keeps failing (never written by `save_course`,
    /// which clears it).
    #[sqlx(default)]
    pub claim_error: Option<String>,
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

const COURSE_COLUMNS: &str = "guild_id, channel_id, timezone, schedule_input, schedule, start_date,
    end_date, instructor_role, grace_hours, reminder_days, notes_public, teams_locked, slots_per_team, session_minutes,
    next_post_at, next_reminder_at, paused_reason, claim_error";

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
             teams_locked, slots_per_team, session_minutes, next_post_at, next_reminder_at,
             paused_reason, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
         ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,
             timezone = excluded.timezone, schedule_input = excluded.schedule_input,
             schedule = excluded.schedule, start_date = excluded.start_date,
             end_date = excluded.end_date, instructor_role = excluded.instructor_role,
             grace_hours = excluded.grace_hours, reminder_days = excluded.reminder_days,
             notes_public = excluded.notes_public, teams_locked = excluded.teams_locked,
             slots_per_team = excluded.slots_per_team,
             session_minutes = excluded.session_minutes,
             next_post_at = excluded.next_post_at, next_reminder_at = excluded.next_reminder_at,
             paused_reason = NULL, claim_error = NULL, claim_failures = 0,
             claim_retry_at = NULL, updated_at = excluded.updated_at",
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
    .bind(c.teams_locked)
    .bind(c.slots_per_team)
    .bind(c.session_minutes)
    .bind(c.next_post_at)
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Guilds with a weekly post or reminders to look at, at `now` (two index range scans: a
/// tick with nothing due costs two lookups however many courses there are), except those
/// whose claim failed and waits to be tried again.
pub async fn due_courses(conn: &mut SqliteConnection, now: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT guild_id FROM courses WHERE next_post_at <= ?1 AND paused_reason IS NULL
             AND COALESCE(claim_retry_at, 0) <= ?1
         UNION
         SELECT guild_id FROM courses WHERE next_reminder_at <= ?1 AND paused_reason IS NULL
             AND COALESCE(claim_retry_at, 0) <= ?1",
    )
    .bind(now)
    .fetch_all(conn)
    .await
}

/// The earliest instant something may be due: a course's next occurrence (or its retry,
/// after a failed claim) or the end of a claimed post's lease.
pub async fn next_wakeup(conn: &mut SqliteConnection) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT MIN(t) FROM (
             SELECT MIN(next_post_at) AS t FROM courses
                 WHERE paused_reason IS NULL AND claim_retry_at IS NULL
             UNION ALL
             SELECT MIN(next_reminder_at) FROM courses
                 WHERE paused_reason IS NULL AND claim_retry_at IS NULL
             UNION ALL
             SELECT MIN(claim_retry_at) FROM courses
                 WHERE claim_retry_at IS NOT NULL AND paused_reason IS NULL
             UNION ALL
             SELECT MIN(COALESCE(lease_until, 0)) FROM posts WHERE state = 'claimed')",
    )
    .fetch_one(conn)
    .await
}

/// Records that claiming a course's posts failed with `error`: it is tried again at
/// `retry_at`. Returns the error recorded before and how many claims had failed in a row.
pub async fn claim_failed(
    conn: &mut SqliteConnection,
    guild: i64,
    error: &str,
    backoff: impl Fn(i64) -> i64,
) -> sqlx::Result<(Option<String>, i64)> {
    let before: Option<(Option<String>, i64)> =
        sqlx::query_as("SELECT claim_error, claim_failures FROM courses WHERE guild_id = ?")
            .bind(guild)
            .fetch_optional(&mut *conn)
            .await?;
    let (previous, failures) = before.unwrap_or_default();
    sqlx::query(
        "UPDATE courses SET claim_error = ?, claim_failures = ?, claim_retry_at = ?
         WHERE guild_id = ?",
    )
    .bind(error)
    .bind(failures + 1)
    .bind(backoff(failures + 1))
    .bind(guild)
    .execute(conn)
    .await?;
    Ok((previous, failures + 1))
}

/// Forgets a failed claim once a claim of the course went through.
pub async fn claim_succeeded(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE courses SET claim_error = NULL, claim_failures = 0, claim_retry_at = NULL
         WHERE guild_id = ? AND (claim_error IS NOT NULL OR claim_retry_at IS NOT NULL)",
    )
    .bind(guild)
    .execute(conn)
    .await?;
    Ok(())
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

/// Has the next tick look at a guild's presenter reminders (its sessions changed): due at
/// the epoch, so any tick takes it up and sets the real next instant.
pub async fn touch_reminders(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<()> {
    set_next_reminder(conn, guild, Some(0)).await
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

/// Writes a session's date, time, title and teams (its readings, tags and source stay).
pub async fn update_session(
    conn: &mut SqliteConnection,
    guild: i64,
    s: &SessionRow,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sessions SET date = ?, time = ?, starts_at = ?, title = ?, notes_team = ?,
             video_team = ?, presenters = ?
         WHERE id = ? AND guild_id = ?",
    )
    .bind(&s.date)
    .bind(&s.time)
    .bind(s.starts_at)
    .bind(&s.title)
    .bind(&s.notes_team)
    .bind(&s.video_team)
    .bind(&s.presenters)
    .bind(s.id)
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

/// Deletes a guild's course and, through the foreign keys, everything of it: sessions,
/// posts, teams, notes, reading progress.
pub async fn delete_course(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM courses WHERE guild_id = ?")
        .bind(guild)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The first session (by date) that is not skipped and has `paper` among its readings.
pub async fn session_reading(
    conn: &mut SqliteConnection,
    guild: i64,
    paper: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT s.id FROM sessions s JOIN session_readings r ON r.session_id = s.id
         WHERE s.guild_id = ? AND r.paper_id = ? AND NOT s.skipped
         ORDER BY s.starts_at, s.id LIMIT 1",
    )
    .bind(guild)
    .bind(paper)
    .fetch_optional(conn)
    .await
}
