//! One scheduler step and the loop around it. A tick first claims, for every course whose
//! next occurrence has come, what [`super::plan`] decides (in one `BEGIN IMMEDIATE`
//! transaction per course, re-checked inside it, so two processes never claim the same
//! week), then delivers every claimed post whose lease is free, several guilds at once so
//! one slow or rate-limited channel never holds up the others.

use super::plan::{plan, Outcome};
use super::render::{self, PostInput};
use super::{Mentions, PostError, Poster};
use crate::catalog::papers_in;
use crate::course::{Course, CourseError, Courses, Session};
use crate::model::Scope;
use crate::store::courses as store;
use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;
use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use tracing::{info, warn, Instrument};

/// How long a delivery may run before another attempt may take over (a crashed process's
/// lease simply runs out).
const LEASE: Duration = Duration::seconds(60);
/// A failed attempt (network, Discord 5xx) is retried after this long.
const RETRY: Duration = Duration::seconds(60);
/// 429s waited out within one delivery before leaving it to a later tick.
const MAX_RATE_LIMIT_WAITS: usize = 5;
/// Deliveries running at once.
const PARALLEL: usize = 16;
/// The loop wakes at least this often (another process may have changed a course).
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(30);

const OFFLINE: &str = "paperclub was offline past the grace window";
const WEEKLY: &str = "weekly";

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    pub claimed: usize,
    pub missed: usize,
    pub sent: usize,
    pub failed: usize,
    /// Deliveries left for a later tick (rate limits, network errors).
    pub retrying: usize,
}

/// Claims what is due at `now`, then delivers every deliverable post.
pub async fn tick<P: Poster + 'static>(
    courses: &Courses,
    poster: &Arc<P>,
    now: DateTime<Utc>,
) -> anyhow::Result<TickReport> {
    let mut report = TickReport::default();
    let due = {
        let mut conn = courses.pool.acquire().await?;
        store::due_courses(&mut conn, now.timestamp()).await?
    };
    for guild in due {
        let span = tracing::info_span!("claim", guild_id = guild);
        match claim(courses, guild as u64, now).instrument(span).await {
            Ok((claimed, missed)) => {
                report.claimed += claimed;
                report.missed += missed;
            }
            Err(e) => warn!(guild_id = guild, error = %e, "claiming the weekly post failed"),
        }
    }
    let pending = {
        let mut conn = courses.pool.acquire().await?;
        store::deliverable(&mut conn, now.timestamp()).await?
    };
    let mut running = tokio::task::JoinSet::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    for post in pending {
        let (courses, poster, permits) = (courses.clone(), poster.clone(), permits.clone());
        let span = tracing::info_span!("deliver", guild_id = post.guild_id, post = post.id);
        running.spawn(
            async move {
                let _permit = permits.acquire_owned().await;
                deliver(&courses, poster.as_ref(), post.id, now).await
            }
            .instrument(span),
        );
    }
    while let Some(done) = running.join_next().await {
        match done {
            Ok(Ok(Delivered::Sent)) => report.sent += 1,
            Ok(Ok(Delivered::Failed)) => report.failed += 1,
            Ok(Ok(Delivered::Later)) => report.retrying += 1,
            Ok(Ok(Delivered::Elsewhere)) => {}
            Ok(Err(e)) => {
                report.retrying += 1;
                warn!(error = %e, "delivering a weekly post failed");
            }
            Err(e) => warn!(error = %e, "a delivery task panicked"),
        }
    }
    Ok(report)
}

/// Runs [`tick`] until `shutdown` resolves, sleeping until the next due time (or at most
/// [`MAX_SLEEP`], or until a course changes).
pub async fn run<P: Poster + 'static>(
    courses: Courses,
    clock: Arc<dyn crate::clock::Clock>,
    poster: Arc<P>,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let now = clock.now();
        match tick(&courses, &poster, now).await {
            Ok(r) if r != TickReport::default() => info!(?r, "scheduler tick"),
            Ok(_) => {}
            Err(e) => warn!(error = %e, "scheduler tick failed"),
        }
        let wake = match courses.pool.acquire().await {
            Ok(mut conn) => store::next_wakeup(&mut conn).await.ok().flatten(),
            Err(_) => None,
        };
        let now = clock.now().timestamp();
        let wait = wake.map_or(MAX_SLEEP, |at| {
            std::time::Duration::from_secs(at.saturating_sub(now).max(0) as u64).min(MAX_SLEEP)
        });
        // Never spin: something due right now was just handled or is leased elsewhere.
        let wait = wait.max(std::time::Duration::from_millis(200));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = courses.wake.notified() => {}
            () = &mut shutdown => break,
        }
    }
}

/// Claims what is due for one course (weekly posts and presenter reminders) in one
/// transaction; returns (posts claimed, weeks missed).
async fn claim(
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
    crash_point("after-claim");
    Ok(counts)
}

async fn claim_weekly(
    tx: &mut SqliteConnection,
    course: &Course,
    sessions: &[Session],
    now: DateTime<Utc>,
) -> Result<(usize, usize), CourseError> {
    let (guild, g) = (course.guild_id, course.guild_id as i64);
    let announced: HashSet<i64> = store::announced(tx, g).await?.into_iter().collect();
    let decided = plan(course, sessions, &announced, now);
    let mut missed: Vec<(i64, DateTime<Utc>)> = store::unreported_missed(tx, g)
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
        let post = store::NewPost {
            guild: g,
            kind: WEEKLY,
            occurrence_at: d.occurrence.timestamp(),
            session,
            channel: course.channel_id as i64,
            state,
            mentions: "{}",
            reason: (state == "missed").then_some(OFFLINE),
        };
        let id = store::insert_post(tx, &post, now.timestamp()).await?;
        let Outcome::Post(session_id) = d.outcome else {
            missed.push((id, d.occurrence));
            missed_now += 1;
            warn!(guild_id = guild, occurrence = %d.occurrence, "weekly post missed");
            continue;
        };
        let when: Vec<DateTime<Utc>> = missed.iter().map(|m| m.1).collect();
        let (week, session) = find_session(sessions, session_id)?;
        let required = readings(tx, guild, session, true).await?;
        let optional = readings(tx, guild, session, false).await?;
        let input = PostInput {
            week,
            session,
            required: &required,
            optional: &optional,
            missed: &when,
        };
        save_parts(tx, id, &render::render(id, &input)).await?;
        let reported: Vec<i64> = missed.drain(..).map(|m| m.0).collect();
        store::mark_reported(tx, &reported).await?;
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
    let done: HashSet<(i64, u32)> = store::reminders_done(tx, g)
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
            let post = store::NewPost {
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
            let id = store::insert_post(tx, &post, now.timestamp()).await?;
            if state == "claimed" {
                let required = readings(tx, guild, session, true).await?;
                save_parts(tx, id, &render::reminder(id, week, session, &required)).await?;
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
    Ok(store::set_parts(conn, post, &json).await?)
}

enum Delivered {
    Sent,
    Failed,
    /// Left for a later tick.
    Later,
    /// Another attempt holds the lease.
    Elsewhere,
}

/// Sends the parts of one claimed post that are not confirmed yet.
async fn deliver<P: Poster>(
    courses: &Courses,
    poster: &P,
    post: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Delivered> {
    let lease = {
        let mut conn = courses.pool.acquire().await?;
        store::take_lease(&mut conn, post, now.timestamp(), (now + LEASE).timestamp()).await?
    };
    let Some(row) = lease else {
        return Ok(Delivered::Elsewhere);
    };
    let parts: Vec<String> = serde_json::from_str(&row.parts)?;
    let mentions: Mentions = serde_json::from_str(&row.mentions)?;
    let mut sent: Vec<String> = serde_json::from_str(&row.message_ids)?;
    let channel = row.channel_id as u64;
    // A second attempt may follow a crash after Discord accepted a message we never
    // recorded: look for it before sending again.
    let recovering = row.attempts > 1;
    for part in sent.len()..parts.len() {
        let marker = render::marker(post, part + 1, parts.len());
        let mut result = if recovering {
            poster
                .find(channel, &marker)
                .await
                .map(|found| found.map(|id| id.to_string()))
        } else {
            Ok(None)
        };
        if let Ok(None) = result {
            let nonce = render::nonce(post, part + 1);
            result = send_with_waits(poster, channel, &parts[part], &nonce, &mentions)
                .await
                .map(|id| Some(id.to_string()));
        }
        match result {
            Ok(Some(id)) => {
                crash_point("after-send");
                sent.push(id);
                let mut conn = courses.pool.acquire().await?;
                store::set_message_ids(&mut conn, post, &serde_json::to_string(&sent)?).await?;
            }
            Ok(None) => unreachable!("a send returns an id or an error"),
            Err(PostError::Refused(reason)) => {
                let mut tx = courses.pool.begin_with("BEGIN IMMEDIATE").await?;
                store::finish_post(&mut tx, post, "failed", Some(&reason), now.timestamp()).await?;
                store::pause(&mut tx, row.guild_id, &reason).await?;
                tx.commit().await?;
                warn!(
                    guild_id = row.guild_id,
                    post, reason, "weekly post refused; course paused"
                );
                return Ok(Delivered::Failed);
            }
            Err(PostError::RateLimited(_)) | Err(PostError::Failed(_)) => {
                let reason = match result {
                    Err(PostError::Failed(e)) => e,
                    _ => "Discord kept rate-limiting the channel".to_string(),
                };
                let mut conn = courses.pool.acquire().await?;
                store::release(&mut conn, post, (now + RETRY).timestamp(), &reason).await?;
                return Ok(Delivered::Later);
            }
        }
    }
    let mut conn = courses.pool.acquire().await?;
    store::finish_post(&mut conn, post, "sent", None, now.timestamp()).await?;
    info!(
        guild_id = row.guild_id,
        post,
        messages = sent.len(),
        "weekly post sent"
    );
    Ok(Delivered::Sent)
}

/// Crash-test hook: with `PAPERCLUB_FAULT` naming this point, the process kills itself
/// with SIGKILL right here (the worst moments: after a claim commits, and after Discord
/// took a message we have not recorded yet). Tests of whole processes set it; nothing else
/// does.
fn crash_point(point: &str) {
    if std::env::var("PAPERCLUB_FAULT").is_ok_and(|v| v == point) {
        warn!(point, "PAPERCLUB_FAULT: killing this process");
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &std::process::id().to_string()])
            .status();
        std::process::abort();
    }
}

/// Sends one message, waiting out Discord's 429s a few times.
async fn send_with_waits<P: Poster>(
    poster: &P,
    channel: u64,
    content: &str,
    nonce: &str,
    mentions: &Mentions,
) -> Result<u64, PostError> {
    let mut waits = 0;
    loop {
        match poster.send(channel, content, nonce, mentions).await {
            Err(PostError::RateLimited(after)) if waits < MAX_RATE_LIMIT_WAITS => {
                waits += 1;
                tokio::time::sleep(after.min(std::time::Duration::from_secs(60))).await;
            }
            other => return other,
        }
    }
}

/// What would be posted at the first occurrence at or after `at`, without recording
/// anything: the occurrence and the messages (`None` when it has nothing to announce).
pub async fn preview(
    courses: &Courses,
    guild: u64,
    at: DateTime<Utc>,
) -> Result<Option<(DateTime<Utc>, Option<Vec<String>>)>, CourseError> {
    let mut course = courses.require(guild).await?;
    let Some(occurrence) = course.next_occurrence(at - Duration::seconds(1)) else {
        return Ok(None);
    };
    course.next_post_at = Some(occurrence);
    let mut conn = courses.pool.acquire().await?;
    let sessions = crate::course::load_sessions(&mut conn, guild).await?;
    let announced: HashSet<i64> = store::announced(&mut conn, guild as i64)
        .await?
        .into_iter()
        .collect();
    let decided = plan(&course, &sessions, &announced, occurrence);
    let messages = match decided.decisions.first().map(|d| d.outcome) {
        Some(Outcome::Post(id)) => {
            let (week, session) = find_session(&sessions, id)?;
            let required = readings(&mut conn, guild, session, true).await?;
            let optional = readings(&mut conn, guild, session, false).await?;
            let input = PostInput {
                week,
                session,
                required: &required,
                optional: &optional,
                missed: &[],
            };
            Some(render::render(0, &input))
        }
        _ => None,
    };
    Ok(Some((occurrence, messages)))
}
