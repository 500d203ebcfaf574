//! Claiming what is due, one course at a time: in one `BEGIN IMMEDIATE` transaction the
//! course is re-read (another process may have claimed since the tick looked), the weekly
//! occurrences and presenter reminders that [`super::plan`] finds due get their `posts`
//! rows, rendered, and the course's next due instants move on. Nothing is sent here. Each
//! item is claimed under its own savepoint: one that fails is left for a later try (and
//! reported) without holding back the others.

use super::plan::{plan, Announce, Announced, Decision, Outcome};
use super::render::{self, PostInput, SessionPost};
use crate::catalog::papers_in;
use crate::course::slots::{with_slot_presenters, Slot};
use crate::course::{Course, CourseError, Courses, Session};
use crate::model::Scope;
use crate::store::courses as store;
use crate::store::posts;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::{Connection, SqliteConnection};
use std::collections::HashSet;
use tracing::{info, warn};

const OFFLINE: &str = "paperclub was offline past the grace window";
/// A week past its grace window, due before a restored backup was taken in: it may have
/// gone out from the database the restore replaced, so no later post calls it missed.
const BEFORE_RESTORE: &str =
    "due before a backup was restored; it may have been posted from the replaced database";
const WEEKLY: &str = "weekly";

/// What one course's claim did.
#[derive(Debug, Default)]
pub(super) struct Claimed {
    pub posts: usize,
    pub missed: usize,
    /// Items that could not be claimed, each with why; they are tried again later.
    pub errors: Vec<String>,
}

/// Claims what is due for one course (weekly posts and presenter reminders) in one
/// transaction; `restored`: when a backup was last restored.
pub(super) async fn claim(
    courses: &Courses,
    guild: u64,
    now: DateTime<Utc>,
    restored: Option<i64>,
) -> Result<Claimed, CourseError> {
    let mut tx = courses.pool.begin_with("BEGIN IMMEDIATE").await?;
    let Some(row) = store::course(&mut tx, guild as i64).await? else {
        return Ok(Claimed::default());
    };
    let course = Course::from_row(&row)?;
    // Re-checked inside the transaction: another process may have claimed since we looked.
    let due = |at: Option<DateTime<Utc>>| at.is_some_and(|t| t <= now);
    if course.paused_reason.is_some() {
        return Ok(Claimed::default());
    }
    let sessions = crate::course::load_sessions(&mut tx, guild).await?;
    let mut claimed = Claimed::default();
    if due(course.next_post_at) {
        claim_weekly(&mut tx, &course, &sessions, now, restored, &mut claimed).await?;
    }
    if due(course.next_reminder_at) {
        claim_reminders(&mut tx, &course, &sessions, now, &mut claimed).await?;
    }
    if claimed.errors.is_empty() && course.claim_error.is_some() {
        store::claim_succeeded(&mut tx, guild as i64).await?;
    }
    tx.commit().await?;
    crate::fault::kill_at(crate::fault::AFTER_CLAIM);
    Ok(claimed)
}

/// Every session's latest announcement in the guild.
pub(super) async fn announced(
    conn: &mut SqliteConnection,
    guild: u64,
) -> Result<Announced, CourseError> {
    let mut map = Announced::new();
    for (session, date, time) in posts::announced(conn, guild as i64).await? {
        let Ok(date) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
            continue;
        };
        let time = time.and_then(|t| NaiveTime::parse_from_str(&t, "%H:%M").ok());
        map.insert(session, (date, time));
    }
    Ok(map)
}

async fn claim_weekly(
    tx: &mut SqliteConnection,
    course: &Course,
    sessions: &[Session],
    now: DateTime<Utc>,
    restored: Option<i64>,
    claimed: &mut Claimed,
) -> Result<(), CourseError> {
    let guild = course.guild_id;
    let announced = announced(tx, guild).await?;
    let decided = plan(course, sessions, &announced, now);
    let mut missed: Vec<(i64, DateTime<Utc>)> = posts::unreported_missed(tx, guild as i64)
        .await?
        .iter()
        .filter_map(|p| Some((p.id, crate::course::from_unix(p.occurrence_at)?)))
        .collect();
    let mut next = decided.next;
    for d in &decided.decisions {
        let unknown = restored.is_some_and(|at| d.occurrence.timestamp() <= at);
        let mut item = tx.begin().await?;
        match claim_occurrence(&mut item, course, sessions, d, &missed, unknown, now).await {
            Ok(post) => {
                item.commit().await?;
                match d.outcome {
                    Outcome::Nothing => {}
                    Outcome::Missed(_) if unknown => claimed.missed += 1,
                    Outcome::Missed(_) => {
                        missed.push((post, d.occurrence));
                        claimed.missed += 1;
                        warn!(guild_id = guild, occurrence = %d.occurrence, "weekly post missed");
                    }
                    Outcome::Post(_) => {
                        missed.clear();
                        claimed.posts += 1;
                        info!(guild_id = guild, post, "weekly post claimed");
                    }
                }
            }
            Err(e) => {
                item.rollback().await?;
                claimed
                    .errors
                    .push(format!("the weekly post of {}: {e}", d.occurrence));
                // This occurrence and the ones after it wait for the next try.
                next = Some(d.occurrence);
                break;
            }
        }
    }
    store::set_next_post(tx, guild as i64, next.map(|t| t.timestamp())).await?;
    Ok(())
}

/// Records one occurrence's post (claimed and rendered, missed, or nothing to announce) and
/// the sessions it announces; returns the post's id. A week missed before a restore
/// (`unknown`) is recorded as already reported: the next post does not call it missed.
async fn claim_occurrence(
    conn: &mut SqliteConnection,
    course: &Course,
    sessions: &[Session],
    d: &Decision,
    missed: &[(i64, DateTime<Utc>)],
    unknown: bool,
    now: DateTime<Utc>,
) -> Result<i64, CourseError> {
    let (announces, state): (Vec<Announce>, &str) = match &d.outcome {
        Outcome::Post(a) => (a.clone(), "claimed"),
        Outcome::Missed(ids) => (
            ids.iter()
                .map(|&session| Announce {
                    session,
                    moved_from: None,
                })
                .collect(),
            "missed",
        ),
        Outcome::Nothing => (Vec::new(), "nothing"),
    };
    let post = posts::NewPost {
        guild: course.guild_id as i64,
        kind: WEEKLY,
        occurrence_at: d.occurrence.timestamp(),
        session: announces.first().map(|a| a.session),
        channel: course.channel_id as i64,
        state,
        mentions: "{}",
        reason: match state {
            "missed" if unknown => Some(BEFORE_RESTORE),
            "missed" => Some(OFFLINE),
            "nothing" => Some("no session in this week's window"),
            _ => None,
        },
    };
    let id = posts::insert_post(conn, &post, now.timestamp()).await?;
    let rows: Vec<_> = announces
        .iter()
        .map(|a| {
            let (_, s) = find_session(sessions, a.session)?;
            Ok((
                s.id,
                s.date.to_string(),
                s.time.map(|t| t.format("%H:%M").to_string()),
            ))
        })
        .collect::<Result<_, CourseError>>()?;
    posts::add_post_sessions(conn, id, &rows).await?;
    if state == "missed" && unknown {
        posts::mark_reported(conn, &[id]).await?;
    }
    if state == "claimed" {
        let when: Vec<DateTime<Utc>> = missed.iter().map(|m| m.1).collect();
        let key = render::PostKey::new(post.guild, WEEKLY, post.occurrence_at, None);
        let parts =
            weekly_messages(conn, course.guild_id, sessions, &announces, &key, &when).await?;
        save_parts(conn, id, &parts).await?;
        let reported: Vec<i64> = missed.iter().map(|m| m.0).collect();
        posts::mark_reported(conn, &reported).await?;
    }
    Ok(id)
}

async fn claim_reminders(
    tx: &mut SqliteConnection,
    course: &Course,
    sessions: &[Session],
    now: DateTime<Utc>,
    claimed: &mut Claimed,
) -> Result<(), CourseError> {
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
    let (due, superseded, mut next) = super::reminders(course, sessions, &done, now);
    for (list, state) in [(&superseded, "missed"), (&due, "claimed")] {
        for r in list {
            let mut item = tx.begin().await?;
            match claim_reminder(&mut item, course, sessions, r, state, now).await {
                Ok(()) => {
                    item.commit().await?;
                    if state == "claimed" {
                        claimed.posts += 1;
                        info!(
                            guild_id = guild,
                            session = r.session,
                            days = r.days,
                            "presenter reminder claimed"
                        );
                    }
                }
                Err(e) => {
                    item.rollback().await?;
                    claimed.errors.push(format!(
                        "the {}-day reminder of session {}: {e}",
                        r.days, r.session
                    ));
                    // Looked at again on the next try.
                    next = Some(next.map_or(now, |n| n.min(now)));
                }
            }
        }
    }
    store::set_next_reminder(tx, g, next.map(|t| t.timestamp())).await?;
    Ok(())
}

async fn claim_reminder(
    conn: &mut SqliteConnection,
    course: &Course,
    sessions: &[Session],
    r: &super::DueReminder,
    state: &str,
    now: DateTime<Utc>,
) -> Result<(), CourseError> {
    let (week, session) = find_session(sessions, r.session)?;
    let mentions = render::presenter_mentions(session.presenters.as_deref().unwrap_or_default());
    let post = posts::NewPost {
        guild: course.guild_id as i64,
        kind: &format!("reminder-{}", r.days),
        occurrence_at: r.at.timestamp(),
        session: Some(r.session),
        channel: course.channel_id as i64,
        state,
        mentions: &serde_json::to_string(&mentions).map_err(anyhow::Error::from)?,
        reason: (state == "missed").then_some("a later reminder for the session went out instead"),
    };
    let id = posts::insert_post(conn, &post, now.timestamp()).await?;
    if state == "claimed" {
        let required = readings(conn, course.guild_id, session, true).await?;
        let key = render::PostKey::new(post.guild, post.kind, post.occurrence_at, post.session);
        save_parts(conn, id, &render::reminder(&key, week, session, &required)).await?;
    }
    Ok(())
}

/// The messages of the weekly post `key` announcing `announces`.
pub(super) async fn weekly_messages(
    conn: &mut SqliteConnection,
    guild: u64,
    sessions: &[Session],
    announces: &[Announce],
    key: &render::PostKey,
    missed: &[DateTime<Utc>],
) -> Result<Vec<String>, CourseError> {
    let mut papers = Vec::with_capacity(announces.len());
    for a in announces {
        let (week, session) = find_session(sessions, a.session)?;
        let required = readings(conn, guild, session, true).await?;
        let optional = readings(conn, guild, session, false).await?;
        papers.push((week, session, required, optional, a.moved_from));
    }
    let posts: Vec<SessionPost> = papers
        .iter()
        .map(
            |(week, session, required, optional, moved_from)| SessionPost {
                week: *week,
                session,
                required,
                optional,
                moved_from: *moved_from,
            },
        )
        .collect();
    let input = PostInput {
        sessions: &posts,
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
