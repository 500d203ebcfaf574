//! What the schedule will do for a course from now on, for the replies that set it up or
//! change it and for `/course status`: the next occurrence that will post something (not
//! merely the next occurrence), and the sessions no post will announce because they fall
//! before the next post (the class is tomorrow, the post next Monday) or after the
//! schedule ends. Read-only.

use super::claim::announced;
use super::plan::{next_posting, unannounced};
use crate::course::{Course, CourseError, Courses, Session};
use chrono::{DateTime, Utc};

/// The course's posting outlook, with the course it was read from.
#[derive(Debug, Clone)]
pub struct Outlook {
    pub course: Course,
    /// The next post with something to announce, and the weeks (1-based) it names.
    pub next: Option<(DateTime<Utc>, Vec<usize>)>,
    /// Sessions still ahead that no post will announce, with their week numbers.
    pub unannounced: Vec<(usize, Session)>,
}

pub async fn outlook(
    courses: &Courses,
    guild: u64,
    now: DateTime<Utc>,
) -> Result<Outlook, CourseError> {
    let course = courses.require(guild).await?;
    let mut conn = courses.pool.acquire().await?;
    let sessions = crate::course::load_sessions(&mut conn, guild).await?;
    let announced = announced(&mut conn, guild).await?;
    let week = |id: i64| {
        sessions
            .iter()
            .position(|s| s.id == id)
            .map_or(0, |i| i + 1)
    };
    let next = next_posting(&course, &sessions, &announced)
        .map(|(at, due)| (at, due.iter().map(|a| week(a.session)).collect()));
    let unannounced = unannounced(&course, &sessions, &announced, now)
        .into_iter()
        .map(|s| (week(s.id), s.clone()))
        .collect();
    Ok(Outlook {
        course,
        next,
        unannounced,
    })
}
