//! Claiming what is due, one course at a time: in one `BEGIN IMMEDIATE` transaction the
//! course is re-read (another process may have claimed since the tick looked), the weekly
//! occurrences and presenter reminders that [`super::plan`] finds due get their `posts`
//! rows, rendered, and the course's next due instants move on. Nothing is sent here.

use super::plan::{plan, Outcome};
use super::render::{self, PostInput};
use crate::catalog::papers_in;
use crate::course::slots::{with_slot_presenters, Slot};
use crate::course::{Course, CourseError, Courses, Session};
use crate::model::Scope;
use crate::store::courses as store;
use crate::store::posts;
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use std::collections::HashSet;
use tracing::{info, warn};

const OFFLINE: &str = "paperclub was offline past the grace window";
const WEEKLY: &str = "weekly";

/// Claims what is due for one course (weekly posts and presenter reminders) in one
/// transaction; returns (posts claimed, weeks missed).
pub(super) async fn claim(
    courses: &Courses,
    guild: u64,
    now: DateTime<Utc>,
) -> Result<(usize, usize), CourseError> {
    let mut tx = courses.pool.begin_with("BEGIN IMMEDIATE").await?;
    let Some(row) = store::course(&mut tx, guild as i64).await? else {
        return Ok((0, 0));
    };
    let course = Course::from_row(&row)?;
    // Re-checked inside the transaction: another process may have claimed since we looked.
    let due = |at: Option<DateTime<Utc>>| at.is_some_and(|t| t <= now);
    if course.paused_reason.is_some() {
        return Ok((0, 0));
    }
    let sessions = crate::course::load_sessions(&mut tx, guild).await?;
    let mut counts = (0, 0);
    if due(course.next_post_at) {
        counts = claim_weekly(&mut tx, &course, &sessions, now).await?;
    }
    if due(course.next_reminder_at) {
        counts.0 += claim_reminders(&mut tx, &course, &sessions, now).await?;
    }
    tx.commit().await?;
    crate::fault::kill_at(crate::fault::AFTER_CLAIM);
    Ok(counts)
}

async fn claim_weekly(
    tx: &mut SqliteConnection,
    course: &Course,
    sessions: &[Session],
    now: DateTime<Utc>,
) -> Result<(usize, usize), CourseError> {
    let (guild, g) = (course.guild_id, course.guild_id as i64);
    let announced: HashSet<i64> = posts::announced(tx, g).await?.into_iter().collect();
    let decided = plan(course, sessions, &announced, now);
    let mut missed: Vec<(i64, DateTime<Utc>)> = posts::unreported_missed(tx, g)
        .await?
        .iter()
        .filter_map(|p| Some((p.id, crate::course::from_unix(p.occurrence_at)?)))
        .collect();
    let (mut claimed, mut missed_now) = (0, 0);
    for d in &decided.decisions {
        let (session, state) = match d.outcome {
            Outcome::Nothing => continue,
            Outcome::Missed(session) => (session, "missed"),
            Outcome::Post(session) => (Some(session), "claimed"),
        };
        let post = posts::NewPost {
            guild: g,
            kind: WEEKLY,
            occurrence_at: d.occurrence.timestamp(),
            session,
            channel: course.channel_id as i64,
            state,
            mentions: "{}",
            reason: (state == "missed").then_some(OFFLINE),
        };
        let id = posts::insert_post(tx, &post, now.timestamp()).await?;
        let Outcome::Post(session_id) = d.outcome else {
            missed.push((id, d.occurrence));
            missed_now += 1;
            warn!(guild_id = guild, occurrence = %d.occurrence, "weekly post missed");
            continue;
        };
        let when: Vec<DateTime<Utc>> = missed.iter().map(|m| m.1).collect();
        let key = render::PostKey::new(g, WEEKLY, post.occurrence_at, Some(session_id));
        let parts = weekly_messages(tx, guild, sessions, session_id, &key, &when).await?;
        save_parts(tx, id, &parts).await?;
        let reported: Vec<i64> = missed.drain(..).map(|m| m.0).collect();
        posts::mark_reported(tx, &reported).await?;
        claimed += 1;
        info!(
            guild_id = guild,
            post = id,
            session = session_id,
            "weekly post claimed"
        );
    }
    store::set_next_post(tx, g, decided.next.map(|t| t.timestamp())).await?;
    Ok((claimed, missed_now))
}

async fn claim_reminders(
    tx: &mut SqliteConnection,
    course: &Course,
    sessions: &[Session],
    now: DateTime<Utc>,
) -> Result<usize, CourseError> {
    let (guild, g) = (course.guild_id, course.guild_id as i64);
    // Teams holding a slot in a session present it too.
    let slots: Vec<Slot> = crate::store::slots::slots(tx, g)
        .await?
        .into_iter()
        .map(Slot::from_row)
        .collect();
    let sessions = &with_slot_presenters(sessions, &slots);
    let done: HashSet<(i64, u32)> = posts::reminders_done(tx, g)
        .await?
        .into_iter()
        .filter_map(|(s, kind)| Some((s, kind.strip_prefix("reminder-")?.parse().ok()?)))
        .collect();
    let (due, superseded, next) = super::reminders(course, sessions, &done, now);
    for (list, state) in [(&superseded, "missed"), (&due, "claimed")] {
        for r in list {
            let (week, session) = find_session(sessions, r.session)?;
            let mentions =
                render::presenter_mentions(session.presenters.as_deref().unwrap_or_default());
            let post = posts::NewPost {
                guild: g,
                kind: &format!("reminder-{}", r.days),
                occurrence_at: r.at.timestamp(),
                session: Some(r.session),
                channel: course.channel_id as i64,
                state,
                mentions: &serde_json::to_string(&mentions).map_err(anyhow::Error::from)?,
                reason: (state == "missed")
                    .then_some("a later reminder for the session went out instead"),
            };
            let id = posts::insert_post(tx, &post, now.timestamp()).await?;
            if state == "claimed" {
                let required = readings(tx, guild, session, true).await?;
                let key = render::PostKey::new(g, post.kind, post.occurrence_at, post.session);
                save_parts(tx, id, &render::reminder(&key, week, session, &required)).await?;
                info!(
                    guild_id = guild,
                    post = id,
                    session = r.session,
                    days = r.days,
                    "presenter reminder claimed"
                );
            }
        }
    }
    store::set_next_reminder(tx, g, next.map(|t| t.timestamp())).await?;
    Ok(due.len())
}

/// The messages of the weekly post `key` announcing `session_id`.
pub(super) async fn weekly_messages(
    conn: &mut SqliteConnection,
    guild: u64,
    sessions: &[Session],
    session_id: i64,
    key: &render::PostKey,
    missed: &[DateTime<Utc>],
) -> Result<Vec<String>, CourseError> {
    let (week, session) = find_session(sessions, session_id)?;
    let required = readings(conn, guild, session, true).await?;
    let optional = readings(conn, guild, session, false).await?;
    let input = PostInput {
        week,
        session,
        required: &required,
        optional: &optional,
        missed,
    };
    Ok(render::render(key, &input))
}

/// A session and its 1-based week number.
fn find_session(sessions: &[Session], id: i64) -> Result<(usize, &Session), CourseError> {
    sessions
        .iter()
        .enumerate()
        .find(|(_, s)| s.id == id)
        .map(|(i, s)| (i + 1, s))
        .ok_or_else(|| CourseError::Internal(anyhow::anyhow!("session {id} not found")))
}

/// A session's required (or optional) readings as the guild sees them.
async fn readings(
    conn: &mut SqliteConnection,
    guild: u64,
    session: &Session,
    required: bool,
) -> Result<Vec<crate::model::Paper>, CourseError> {
    Ok(papers_in(conn, Scope(guild), &session.reading_ids(required)).await?)
}

async fn save_parts(
    conn: &mut SqliteConnection,
    post: i64,
    parts: &[String],
) -> Result<(), CourseError> {
    let json = serde_json::to_string(parts).map_err(anyhow::Error::from)?;
    Ok(posts::set_parts(conn, post, &json).await?)
}
