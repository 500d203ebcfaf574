//! One scheduler step and the loop around it. A tick first claims, for every course whose
//! next occurrence has come, what [`super::plan`] decides (in one `BEGIN IMMEDIATE`
//! transaction per course, re-checked inside it, so two processes never claim the same
//! week), then delivers every claimed post whose lease is free, several guilds at once so
//! one slow or rate-limited channel never holds up the others.

use super::claim::{announced, claim, weekly_messages};
use super::deliver::{deliver, Delivered};
use super::plan::{window, Announced};
use super::render::PostKey;
use super::Poster;
use crate::course::{CourseError, Courses};
use crate::store::courses as store;
use crate::store::posts;
use chrono::{DateTime, Duration, Utc};
use std::future::Future;
use std::sync::Arc;
use tracing::{info, warn, Instrument};

/// Deliveries running at once.
const PARALLEL: usize = 16;
/// The loop wakes at least this often (another process may have changed a course).
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(30);

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    pub claimed: usize,
    pub missed: usize,
    pub sent: usize,
    pub failed: usize,
    /// Courses whose claim failed (tried again later, shown in `/course status`).
    pub claim_errors: usize,
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
    // When a backup was last restored, read once per tick and only when something is due:
    // a week due before it may have gone out from the replaced database.
    let mut restored = None;
    if !due.is_empty() {
        restored = Some(last_restore(courses).await?);
    }
    for guild in due {
        let span = tracing::info_span!("claim", guild_id = guild);
        let claimed = claim(courses, guild as u64, now, restored.flatten());
        let errors = match claimed.instrument(span).await {
            Ok(claimed) => {
                report.claimed += claimed.posts;
                report.missed += claimed.missed;
                claimed.errors
            }
            Err(e) => vec![format!("claiming the course's posts: {e}")],
        };
        if !errors.is_empty() {
            report.claim_errors += 1;
            claim_failed(courses, guild, &errors.join("; "), now).await?;
        }
    }
    let pending = {
        let mut conn = courses.pool.acquire().await?;
        posts::deliverable(&mut conn, now.timestamp()).await?
    };
    let restored = match restored {
        None if !pending.is_empty() => last_restore(courses).await?,
        r => r.flatten(),
    };
    let mut running = tokio::task::JoinSet::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    for post in pending {
        let (courses, poster, permits) = (courses.clone(), poster.clone(), permits.clone());
        let span = tracing::info_span!("deliver", guild_id = post.guild_id, post = post.id);
        running.spawn(
            async move {
                let _permit = permits.acquire_owned().await;
                deliver(&courses, poster.as_ref(), post.id, restored, now).await
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

async fn last_restore(courses: &Courses) -> anyhow::Result<Option<i64>> {
    let mut conn = courses.pool.acquire().await?;
    Ok(crate::store::backup::last_restore(&mut conn).await?)
}

/// A failed claim is tried again after a minute, then twice as long after each failure in
/// a row, up to an hour: a course whose claim keeps failing never spins the loop.
fn backoff(failures: i64, now: i64) -> i64 {
    now + 60 * (1_i64 << failures.clamp(1, 7).saturating_sub(1)).min(60)
}

/// Records a failed claim for `/course status` and the retry; logs it only when it is not
/// the error already recorded, so a lasting failure is one warning, not one per try.
async fn claim_failed(
    courses: &Courses,
    guild: i64,
    error: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut conn = courses.pool.acquire().await?;
    let (previous, failures) =
        store::claim_failed(&mut conn, guild, error, |n| backoff(n, now.timestamp())).await?;
    if previous.as_deref() != Some(error) {
        warn!(
            guild_id = guild,
            failures, error, "claiming a course's posts failed; retrying later"
        );
    }
    Ok(())
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

/// What the post at the first occurrence at or after `at` says, without recording
/// anything: the occurrence and its messages (`None` when its window has nothing to
/// announce). A future occurrence shows exactly what it will post; one already handled
/// shows its window's sessions.
pub async fn preview(
    courses: &Courses,
    guild: u64,
    at: DateTime<Utc>,
) -> Result<Option<(DateTime<Utc>, Option<Vec<String>>)>, CourseError> {
    let course = courses.require(guild).await?;
    let Some(occurrence) = course.next_occurrence(at - Duration::seconds(1)) else {
        return Ok(None);
    };
    let mut conn = courses.pool.acquire().await?;
    let sessions = crate::course::load_sessions(&mut conn, guild).await?;
    let handled = course.next_post_at.is_none_or(|next| occurrence < next);
    let announced = match handled {
        true => Announced::new(),
        false => announced(&mut conn, guild).await?,
    };
    let following = course.next_occurrence(occurrence);
    let due = window(&course, &sessions, &announced, occurrence, following);
    // The next post also says which weeks were missed since the last one.
    let mut missed = Vec::new();
    if course.next_post_at == Some(occurrence) {
        for p in posts::unreported_missed(&mut conn, guild as i64).await? {
            missed.extend(crate::course::from_unix(p.occurrence_at));
        }
    }
    let messages = match due.is_empty() {
        true => None,
        false => {
            let key = PostKey::new(guild as i64, "weekly", occurrence.timestamp(), None);
            Some(weekly_messages(&mut conn, guild, &sessions, &due, &key, &missed).await?)
        }
    };
    Ok(Some((occurrence, messages)))
}
