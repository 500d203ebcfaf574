//! The course service: set up and edit a guild's course, add, move, skip and remove
//! sessions, and read them back. Every call takes the guild first and touches only that
//! guild's rows; writes that read first run in one `BEGIN IMMEDIATE` transaction.

use super::when::{parse_zone, Schedule};
use super::{refuse, Course, CourseError, Reading, Session};
use crate::catalog::{Catalog, Resolved};
use crate::model::Scope;
use crate::store::courses as store;
use crate::store::posts;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Notify;

pub use super::import::SessionImport;

type Result<T> = std::result::Result<T, CourseError>;

/// The options of `/course setup` and `/course edit`; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseSettings {
    pub channel: Option<u64>,
    pub timezone: Option<String>,
    pub schedule: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub instructor_role: Option<u64>,
    pub grace_hours: Option<u32>,
    /// Every note visible to the class at once (default: to its team until published).
    pub notes_public: Option<bool>,
    /// Students may not join a team by themselves; an instructor places them.
    pub teams_locked: Option<bool>,
    /// Presenter reminders in days before a session: `7,1`, or `none`.
    pub reminders: Option<String>,
    /// How many presentation slots one team may hold.
    pub slots_per_team: Option<u32>,
    /// How long a session lasts, in minutes.
    pub session_minutes: Option<u32>,
}

/// The course service over the shared database.
#[derive(Debug, Clone)]
pub struct Courses {
    pub(crate) pool: SqlitePool,
    /// Wakes this process's scheduler when a course changes (other processes notice at
    /// their next periodic wake-up).
    pub(crate) wake: Arc<Notify>,
}

const MAX_GRACE_HOURS: u32 = 24 * 14;
/// A team's presentations per course unless the course says otherwise.
pub const DEFAULT_SLOTS_PER_TEAM: u32 = 3;
const MAX_SLOTS_PER_TEAM: u32 = 100;
/// A session's length unless the course says otherwise: a typical lecture slot.
pub const DEFAULT_SESSION_MINUTES: u32 = 75;
/// A session lasts at most a day.
pub const MAX_SESSION_MINUTES: u32 = 24 * 60;

impl Courses {
    pub fn new(pool: SqlitePool) -> Courses {
        Courses {
            pool,
            wake: Arc::new(Notify::new()),
        }
    }

    /// The guild's course, if it has one.
    pub async fn course(&self, guild: u64) -> Result<Option<Course>> {
        let mut conn = self.pool.acquire().await?;
        let row = store::course(&mut conn, guild as i64).await?;
        Ok(row.map(|r| Course::from_row(&r)).transpose()?)
    }

    /// The guild's course, or a refusal that says how to create one.
    pub async fn require(&self, guild: u64) -> Result<Course> {
        match self.course(guild).await? {
            Some(c) => Ok(c),
            None => refuse(
                "This server has no course yet. An instructor sets one up with `/course setup channel: timezone: schedule:`.",
            ),
        }
    }

    /// Creates the course (`create`) or changes it; returns it as stored. The next post is
    /// the schedule's first occurrence after `now` within the course's dates.
    pub async fn configure(
        &self,
        guild: u64,
        settings: CourseSettings,
        create: bool,
        now: DateTime<Utc>,
    ) -> Result<Course> {
        if guild == 0 {
            return refuse("Courses belong to a server: use `/course` in a server, or `--guild ID` on the command line.");
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let current = store::course(&mut tx, guild as i64).await?;
        let current = current.map(|r| Course::from_row(&r)).transpose()?;
        let course = match (current, create) {
            (None, false) => {
                return refuse("This server has no course yet; use `/course setup` first.")
            }
            (current, _) => apply(guild, current, settings, now)?,
        };
        store::save_course(&mut tx, &course.to_row(), now.timestamp()).await?;
        // A session keeps its local date and time; its instant follows the zone.
        for s in load_sessions(&mut tx, guild).await? {
            let at = starts_at(&course, s.date, s.time)?;
            if at != s.starts_at {
                let moved = Session { starts_at: at, ..s };
                store::update_session(&mut tx, guild as i64, &moved.to_row(guild)).await?;
            }
        }
        // Posts refused while the channel was wrong go out now if still inside their grace
        // window (a resume after fixing the channel); older ones stay failed.
        let since = (now - course.grace).timestamp();
        posts::requeue_failed(&mut tx, guild as i64, since, course.channel_id as i64).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(course)
    }

    /// The guild's sessions in date order, with their readings.
    pub async fn sessions(&self, guild: u64) -> Result<Vec<Session>> {
        let mut conn = self.pool.acquire().await?;
        load_sessions(&mut conn, guild).await
    }

    /// The `week`-th session (1-based, skipped weeks included) of the guild.
    pub async fn week(&self, guild: u64, week: usize) -> Result<(usize, Session)> {
        let sessions = self.sessions(guild).await?;
        match week.checked_sub(1).and_then(|i| sessions.get(i)) {
            Some(s) => Ok((week, s.clone())),
            None if sessions.is_empty() => {
                // A server with no course at all is told that, not that its course is empty.
                self.require(guild).await?;
                refuse("The course has no sessions yet; an instructor adds them with `/session import` or `/session add`.")
            }
            None => refuse(format!(
                "There is no week {week}: the course has {} sessions.",
                sessions.len()
            )),
        }
    }

    /// The session of the week containing `date`, else the next one after it.
    pub async fn week_of(&self, guild: u64, at: DateTime<Utc>) -> Result<(usize, Session)> {
        let course = self.require(guild).await?;
        let sessions = self.sessions(guild).await?;
        let monday = week_start(at, &course);
        let found = sessions
            .iter()
            .position(|s| s.date >= monday)
            .or(sessions.len().checked_sub(1));
        match found {
            Some(i) => Ok((i + 1, sessions[i].clone())),
            None => refuse("The course has no sessions yet; an instructor adds them with `/session import` or `/session add`."),
        }
    }

    /// The guild's most recent posts, newest first (for `/course status`).
    pub async fn recent_posts(&self, guild: u64, limit: i64) -> Result<Vec<posts::PostRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(posts::recent_posts(&mut conn, guild as i64, limit).await?)
    }
}

/// The Monday of the week holding `at`, in the course's time zone: weeks run Monday to
/// Sunday wherever the course meets.
pub fn week_start(at: DateTime<Utc>, course: &Course) -> chrono::NaiveDate {
    let day = at.with_timezone(&course.tz).date_naive();
    day - Duration::days(chrono::Datelike::weekday(&day).num_days_from_monday() as i64)
}

/// The course after applying `settings` to `current` (or to nothing, for a new course).
pub(crate) fn apply(
    guild: u64,
    current: Option<Course>,
    s: CourseSettings,
    now: DateTime<Utc>,
) -> Result<Course> {
    let missing = |what: &str| CourseError::User(format!("`/course setup` needs `{what}:`."));
    let channel = match (s.channel, &current) {
        (Some(c), _) => c,
        (None, Some(c)) => c.channel_id,
        (None, None) => return Err(missing("channel")),
    };
    // Discord ids start above zero; 0 would be taken here and fail at the first post.
    if channel == 0 {
        return refuse("`channel` must be a Discord channel id (digits), not 0.");
    }
    let tz = match (&s.timezone, &current) {
        (Some(z), _) => parse_zone(z).map_err(CourseError::User)?,
        (None, Some(c)) => c.tz,
        (None, None) => return Err(missing("timezone")),
    };
    let (schedule, schedule_input) = match (&s.schedule, &current) {
        (Some(text), _) => (
            Schedule::parse(text).map_err(CourseError::User)?,
            text.trim().to_string(),
        ),
        (None, Some(c)) => (c.schedule.clone(), c.schedule_input.clone()),
        (None, None) => return Err(missing("schedule")),
    };
    let date = |d: &Option<String>, keep: Option<NaiveDate>| -> Result<Option<NaiveDate>> {
        match d.as_deref().map(str::trim) {
            None => Ok(keep),
            Some("" | "none") => Ok(None),
            Some(text) => parse_date(text).map(Some),
        }
    };
    let start = date(&s.start, current.as_ref().and_then(|c| c.start))?;
    let end = date(&s.end, current.as_ref().and_then(|c| c.end))?;
    if let (Some(a), Some(b)) = (start, end) {
        if b < a {
            return refuse(format!("The course ends ({b}) before it starts ({a})."));
        }
    }
    let grace = s
        .grace_hours
        .or(current.as_ref().map(|c| c.grace.num_hours() as u32))
        .unwrap_or(24);
    if grace > MAX_GRACE_HOURS {
        return refuse(format!(
            "`grace_hours` is at most {MAX_GRACE_HOURS} (two weeks)."
        ));
    }
    if s.slots_per_team
        .is_some_and(|n| n == 0 || n > MAX_SLOTS_PER_TEAM)
    {
        return refuse(format!(
            "`slots_per_team` is a number from 1 to {MAX_SLOTS_PER_TEAM}."
        ));
    }
    if s.session_minutes
        .is_some_and(|n| n == 0 || n > MAX_SESSION_MINUTES)
    {
        return refuse(format!(
            "`session_minutes` is how long a session lasts, from 1 to {MAX_SESSION_MINUTES} minutes (24 hours); e.g. 90."
        ));
    }
    let mut course = Course {
        guild_id: guild,
        channel_id: channel,
        tz,
        schedule,
        schedule_input,
        start,
        end,
        instructor_role: s
            .instructor_role
            .filter(|&r| r != 0)
            .or(current.as_ref().and_then(|c| c.instructor_role)),
        grace: Duration::hours(grace as i64),
        teams_locked: s
            .teams_locked
            .or(current.as_ref().map(|c| c.teams_locked))
            .unwrap_or(false),
        notes_public: s
            .notes_public
            .or(current.as_ref().map(|c| c.notes_public))
            .unwrap_or(false),
        slots_per_team: s
            .slots_per_team
            .or(current.as_ref().map(|c| c.slots_per_team))
            .unwrap_or(DEFAULT_SLOTS_PER_TEAM),
        session_minutes: s
            .session_minutes
            .or(current.as_ref().map(|c| c.session_minutes))
            .unwrap_or(DEFAULT_SESSION_MINUTES),
        reminder_days: match &s.reminders {
            Some(text) => super::parse_reminder_days(text).map_err(CourseError::User)?,
            None => current
                .as_ref()
                .map_or(vec![7, 1], |c| c.reminder_days.clone()),
        },
        next_post_at: None,
        next_reminder_at: None,
        paused_reason: None,
        claim_error: None,
    };
    // An occurrence that came while the course was paused or the bot was down is still
    // handled after the edit: posted inside its grace window, recorded as missed after it.
    let from = match current.and_then(|c| c.next_post_at) {
        Some(due) if due <= now => due - Duration::seconds(1),
        _ => now,
    };
    course.next_post_at = course.next_occurrence(from);
    if course.next_post_at.is_none() {
        return refuse(format!(
            "The schedule {} never fires {}. Check the expression and the course dates.",
            crate::markdown::code(&course.schedule_input),
            match course.end {
                Some(end) => format!("between now and the course's end ({end})"),
                None => "again".to_string(),
            }
        ));
    }
    Ok(course)
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    if text.trim().is_empty() {
        return refuse("Give a date as YYYY-MM-DD, e.g. 2026-02-03.");
    }
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").or_else(|_| {
        refuse(format!(
            "{} is not a date; write it as YYYY-MM-DD, e.g. 2026-02-03.",
            crate::markdown::code(&crate::view::limits::truncate(text, 40))
        ))
    })
}

/// `2026-02-03`, `2026-02-03 14:00` or `2026-02-03T14:00`.
pub fn parse_when(text: &str) -> Result<(NaiveDate, Option<NaiveTime>)> {
    let text = text.trim();
    let (d, t) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (text, None),
    };
    let date = parse_date(d)?;
    let time = match t.filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(
            NaiveTime::parse_from_str(t, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
                .or_else(|_| {
                    refuse(format!(
                        "{} is not a time; write it as HH:MM, e.g. 14:00.",
                        crate::markdown::code(&crate::view::limits::truncate(t, 20))
                    ))
                })?,
        ),
    };
    Ok((date, time))
}

pub(crate) fn starts_at(
    course: &Course,
    date: NaiveDate,
    time: Option<NaiveTime>,
) -> Result<DateTime<Utc>> {
    course
        .local_instant(date, time.unwrap_or(NaiveTime::MIN))
        .ok_or_else(|| {
            CourseError::User(format!(
                "{date} has no such local time in {}.",
                course.tz.name()
            ))
        })
}

pub(crate) async fn resolve_reading(catalog: &Catalog, guild: u64, id: &str) -> Result<i64> {
    if id.trim().is_empty() {
        return refuse("Name a paper: its citation key, arXiv id, DOI or title words.");
    }
    // In a code span, where Discord shows a backslash as written (`smith_2020`, not
    // `smith\_2020`).
    let shown = crate::markdown::code(&crate::view::limits::truncate(id.trim(), 80));
    match catalog.resolve(Scope(guild), id).await? {
        Resolved::One(p) => Ok(p.id),
        Resolved::Ambiguous(papers) => refuse(format!(
            "{shown} matches several papers ({}); use a citation key.",
            papers.iter().take(3).map(|p| crate::markdown::code(&p.key)).collect::<Vec<_>>().join(", ")
        )),
        Resolved::NotFound => refuse(format!("No paper {shown} in this server's catalog; import it first, or check the key with `/paper search`.")),
    }
}

pub(crate) async fn load_sessions(
    conn: &mut sqlx::SqliteConnection,
    guild: u64,
) -> Result<Vec<Session>> {
    let rows = store::sessions(conn, guild as i64).await?;
    let mut readings: HashMap<i64, Vec<Reading>> = HashMap::new();
    for r in store::readings(conn, guild as i64).await? {
        readings.entry(r.session_id).or_default().push(Reading {
            paper_id: r.paper_id,
            required: r.required,
        });
    }
    Ok(rows
        .iter()
        .map(|r| Session::from_row(r, readings.remove(&r.id).unwrap_or_default()))
        .collect::<anyhow::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(r: Result<(NaiveDate, Option<NaiveTime>)>) -> String {
        match r {
            Err(CourseError::User(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_mistyped_date_or_time_is_quoted_as_typed_in_a_code_span() {
        // Discord shows backslashes inside a code span as written, so no markdown escapes.
        assert!(refusal(parse_when("-1")).starts_with("`-1` is not a date"));
        assert!(refusal(parse_when("2026-03-03 *9:00")).starts_with("`*9:00` is not a time"));
        assert!(refusal(parse_when("`x`")).starts_with("`'x'` is not a date"));
        // An empty code span would show as two backticks.
        assert_eq!(
            refusal(parse_when(" ")),
            "Give a date as YYYY-MM-DD, e.g. 2026-02-03."
        );
    }
}
