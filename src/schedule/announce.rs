//! `/session announce`: an instructor posts one session's announcement now, for a session
//! no weekly post will announce (the class is before the first post, or it was moved into
//! a week whose post already went out). Claimed like a weekly post, in one transaction with
//! the sessions it names, so the weekly post never announces it again and the scheduler
//! delivers it exactly once.

use super::claim::{announced, weekly_messages};
use super::plan::Announce;
use crate::course::{refuse, Course, CourseError, Courses, Session};
use crate::store::courses as store;
use crate::store::posts;
use chrono::{DateTime, Utc};

/// Claims a post announcing week `week` now; returns the session and its channel.
pub async fn announce(
    courses: &Courses,
    guild: u64,
    week: usize,
    now: DateTime<Utc>,
) -> Result<(Session, u64), CourseError> {
    let mut tx = courses.pool.begin_with("BEGIN IMMEDIATE").await?;
    let Some(row) = store::course(&mut tx, guild as i64).await? else {
        return refuse("This server has no course yet; use `/course setup` first.");
    };
    let course = Course::from_row(&row)?;
    if let Some(reason) = &course.paused_reason {
        return refuse(format!(
            "Posting is stopped ({}); fix it and `/course edit` to resume first.",
            crate::view::limits::truncate(reason, 200)
        ));
    }
    // The week is resolved under the write lock, so it is the week the post names.
    let sessions = crate::course::load_sessions(&mut tx, guild).await?;
    let Some(session) = week.checked_sub(1).and_then(|i| sessions.get(i)).cloned() else {
        return refuse(format!(
            "There is no week {week}: the course has {} sessions.",
            sessions.len()
        ));
    };
    if session.skipped {
        return refuse(format!(
            "Week {week} is a holiday; there is nothing to announce."
        ));
    }
    let before = announced(&mut tx, guild).await?.get(&session.id).copied();
    if before == Some((session.date, session.time)) {
        return refuse(format!(
            "Week {week} was already announced with this date; nothing was posted again."
        ));
    }
    let post = posts::NewPost {
        guild: guild as i64,
        kind: "announce",
        occurrence_at: now.timestamp(),
        session: Some(session.id),
        channel: course.channel_id as i64,
        state: "claimed",
        mentions: "{}",
        reason: None,
    };
    let id = posts::insert_post(&mut tx, &post, now.timestamp()).await?;
    let time = session.time.map(|t| t.format("%H:%M").to_string());
    posts::add_post_sessions(&mut tx, id, &[(session.id, session.date.to_string(), time)]).await?;
    let due = [Announce {
        session: session.id,
        moved_from: before,
    }];
    let key = super::render::PostKey::new(post.guild, post.kind, post.occurrence_at, post.session);
    let parts = weekly_messages(&mut tx, guild, &sessions, &due, &key, &[]).await?;
    let json = serde_json::to_string(&parts).map_err(anyhow::Error::from)?;
    posts::set_parts(&mut tx, id, &json).await?;
    tx.commit().await?;
    courses.wake.notify_one();
    Ok((session, course.channel_id))
}
