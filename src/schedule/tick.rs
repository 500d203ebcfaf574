//! One scheduler step and the loop around it. A tick first claims, for every course whose
//! next occurrence has come, what [`super::plan`] decides (in one `BEGIN IMMEDIATE`
//! transaction per course, re-checked inside it, so two processes never claim the same
//! week), then delivers every claimed post whose lease is free, several guilds at once so
//! one slow or rate-limited channel never holds up the others.

use super::claim::{claim, weekly_messages};
use super::deliver::{deliver, Delivered};
use super::plan::{plan, Outcome};
use super::render::PostKey;
use super::Poster;
use crate::course::{CourseError, Courses};
use crate::store::courses as store;
use crate::store::posts;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;
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
        posts::deliverable(&mut conn, now.timestamp()).await?
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
    let announced: HashSet<i64> = posts::announced(&mut conn, guild as i64)
        .await?
        .into_iter()
        .collect();
    let decided = plan(&course, &sessions, &announced, occurrence);
    let messages = match decided.decisions.first().map(|d| d.outcome) {
        Some(Outcome::Post(id)) => {
            let key = PostKey::new(guild as i64, "weekly", occurrence.timestamp(), None);
            Some(weekly_messages(&mut conn, guild, &sessions, id, &key, &[]).await?)
        }
        _ => None,
    };
    Ok(Some((occurrence, messages)))
}
