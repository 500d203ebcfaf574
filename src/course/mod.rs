//! Courses: one per guild, with its channel, time zone, posting schedule and sessions
//! (date, title, required and optional readings, the teams for notes, video and
//! presenting), its teams and their notes on the readings. All course state lives in SQLite (`store::courses`), keyed by guild; this
//! module turns rows into checked domain values and back, and holds the service every
//! surface calls.

pub mod archive;
mod import;
pub mod notes;
pub mod progress;
pub(crate) mod service;
mod sessions;
pub mod slot_ics;
pub mod slot_plan;
mod slot_spread;
pub mod slot_swap;
pub mod slots;
pub mod team_moves;
pub mod teams;
pub mod transfer;
pub mod when;

/// A post the scheduler made or tried, as the course's status shows it.
pub use crate::store::posts::PostRow;
pub use notes::{Note, Revision, NOTES_PER_HOUR, NOTE_MAX_CHARS};
pub use progress::{ClassProgress, MyProgress, ReadMark, WeekReadings};
pub(crate) use service::load_sessions;
pub use service::{parse_when, week_start};
pub use service::{CourseSettings, Courses, SessionImport};
pub use sessions::{split_ids, NewSession, SessionEdit};
pub use slot_plan::{Plan, Planned};
pub use slot_swap::{SwapPair, SwapState};
pub use slots::{PaperRef, Placed, Slot};
pub use team_moves::{Moved, TeamMove};
pub use teams::{name_key, Member, Membership, Team, TEAM_NAME_MAX};

use crate::store::courses::{CourseRow, SessionRow};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use when::Schedule;

/// What went wrong with a course command: the user's mistake (shown to them as is) or
/// ours (logged, and shown as a generic apology).
#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for CourseError {
    fn from(e: sqlx::Error) -> Self {
        CourseError::Internal(e.into())
    }
}

pub(crate) fn refuse<T>(message: impl Into<String>) -> Result<T, CourseError> {
    Err(CourseError::User(message.into()))
}

/// A guild's course settings, checked.
#[derive(Debug, Clone)]
pub struct Course {
    pub guild_id: u64,
    pub channel_id: u64,
    pub tz: Tz,
    pub schedule: Schedule,
    pub schedule_input: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub instructor_role: Option<u64>,
    pub grace: Duration,
    /// Notes are visible to the whole class as soon as they are written.
    pub notes_public: bool,
    /// A student without a team may not join one by themself (an instructor places them).
    pub teams_locked: bool,
    /// How many presentation slots one team may hold.
    pub slots_per_team: u32,
    /// How long a session lasts (its presentations' end in the `.ics`), in minutes.
    pub session_minutes: u32,
    /// Presenter reminders, in days before a session (e.g. `[7, 1]`).
    pub reminder_days: Vec<u32>,
    pub next_post_at: Option<DateTime<Utc>>,
    pub next_reminder_at: Option<DateTime<Utc>>,
    pub paused_reason: Option<String>,
    /// Why claiming the course's posts keeps failing (retried later, shown in status).
    pub claim_error: Option<String>,
}

impl Course {
    pub(crate) fn from_row(row: &CourseRow) -> anyhow::Result<Course> {
        let date = |d: &Option<String>| -> anyhow::Result<Option<NaiveDate>> {
            d.as_deref()
                .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
                .transpose()
                .map_err(|e| anyhow::anyhow!("course {}: bad stored date: {e}", row.guild_id))
        };
        Ok(Course {
            guild_id: row.guild_id as u64,
            channel_id: row.channel_id as u64,
            tz: when::parse_zone(&row.timezone).map_err(anyhow::Error::msg)?,
            schedule: Schedule::parse(&row.schedule).map_err(anyhow::Error::msg)?,
            schedule_input: row.schedule_input.clone(),
            start: date(&row.start_date)?,
            end: date(&row.end_date)?,
            instructor_role: row.instructor_role.map(|r| r as u64),
            grace: Duration::hours(row.grace_hours),
            notes_public: row.notes_public,
            teams_locked: row.teams_locked,
            slots_per_team: row.slots_per_team.clamp(0, i64::from(u32::MAX)) as u32,
            session_minutes: row.session_minutes.clamp(1, i64::from(u32::MAX)) as u32,
            reminder_days: parse_reminder_days(&row.reminder_days).map_err(anyhow::Error::msg)?,
            next_post_at: row.next_post_at.and_then(from_unix),
            next_reminder_at: row.next_reminder_at.and_then(from_unix),
            paused_reason: row.paused_reason.clone(),
            claim_error: row.claim_error.clone(),
        })
    }

    pub(crate) fn to_row(&self) -> CourseRow {
        CourseRow {
            guild_id: self.guild_id as i64,
            channel_id: self.channel_id as i64,
            timezone: self.tz.name().to_string(),
            schedule_input: self.schedule_input.clone(),
            schedule: self.schedule.expr.clone(),
            start_date: self.start.map(|d| d.to_string()),
            end_date: self.end.map(|d| d.to_string()),
            instructor_role: self.instructor_role.map(|r| r as i64),
            grace_hours: self.grace.num_hours(),
            notes_public: self.notes_public,
            teams_locked: self.teams_locked,
            slots_per_team: i64::from(self.slots_per_team),
            session_minutes: i64::from(self.session_minutes),
            reminder_days: self
                .reminder_days
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(","),
            next_post_at: self.next_post_at.map(|t| t.timestamp()),
            next_reminder_at: self.next_reminder_at.map(|t| t.timestamp()),
            paused_reason: self.paused_reason.clone(),
            claim_error: self.claim_error.clone(),
        }
    }

    /// The first occurrence after `after` inside the course's dates: not before the start
    /// date, not after the end date (both local days).
    pub fn next_occurrence(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let floor = self
            .start
            .and_then(|d| self.local_instant(d, NaiveTime::MIN))
            .map(|t| t - Duration::seconds(1));
        let after = floor.map_or(after, |f| f.max(after));
        let next = self.schedule.next(self.tz, after)?;
        match self.end {
            Some(end) if next.with_timezone(&self.tz).date_naive() > end => None,
            _ => Some(next),
        }
    }

    /// The instant the course's last day ends, when it has an end date: no post announces a
    /// session after it.
    pub fn term_end(&self) -> Option<DateTime<Utc>> {
        let day_after = self.end?.succ_opt()?;
        self.local_instant(day_after, NaiveTime::MIN)
    }

    /// A local date and time in the course's zone as an instant.
    pub fn local_instant(&self, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
        when::resolve_local(self.tz, date.and_time(time))
    }
}

#[cfg(test)]
impl Course {
    /// A course for unit tests: Mondays 09:00 in Berlin, a day's grace, reminders 7 and 1
    /// days before, nothing scheduled yet.
    pub(crate) fn for_tests() -> Course {
        Course {
            guild_id: 1,
            channel_id: 2,
            tz: when::parse_zone("Europe/Berlin").expect("zone"),
            schedule: Schedule::parse("MON 09:00").expect("schedule"),
            schedule_input: "MON 09:00".into(),
            start: None,
            end: None,
            instructor_role: None,
            grace: Duration::hours(24),
            notes_public: false,
            teams_locked: false,
            slots_per_team: 3,
            session_minutes: 75,
            reminder_days: vec![7, 1],
            next_post_at: None,
            next_reminder_at: None,
            paused_reason: None,
            claim_error: None,
        }
    }
}

/// One session of a course.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: i64,
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub starts_at: DateTime<Utc>,
    pub title: String,
    pub tags: Vec<String>,
    pub notes_team: Option<String>,
    pub video_team: Option<String>,
    pub presenters: Option<String>,
    pub skipped: bool,
    pub readings: Vec<Reading>,
}

/// A catalog paper read in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub paper_id: i64,
    pub required: bool,
}

impl Session {
    pub(crate) fn from_row(row: &SessionRow, readings: Vec<Reading>) -> anyhow::Result<Session> {
        Ok(Session {
            id: row.id,
            date: NaiveDate::parse_from_str(&row.date, "%Y-%m-%d")
                .map_err(|e| anyhow::anyhow!("session {}: bad stored date: {e}", row.id))?,
            time: row
                .time
                .as_deref()
                .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok()),
            starts_at: from_unix(row.starts_at).unwrap_or_default(),
            title: row.title.clone(),
            tags: serde_json::from_str(&row.tags).unwrap_or_default(),
            notes_team: row.notes_team.clone(),
            video_team: row.video_team.clone(),
            presenters: row.presenters.clone(),
            skipped: row.skipped,
            readings,
        })
    }

    /// The row of this session, as `store::courses::update_session` writes it.
    pub(crate) fn to_row(&self, guild: u64) -> SessionRow {
        SessionRow {
            id: self.id,
            guild_id: guild as i64,
            date: self.date.to_string(),
            time: self.time.map(|t| t.format("%H:%M").to_string()),
            starts_at: self.starts_at.timestamp(),
            title: self.title.clone(),
            tags: serde_json::to_string(&self.tags).unwrap_or_else(|_| "[]".into()),
            notes_team: self.notes_team.clone(),
            video_team: self.video_team.clone(),
            presenters: self.presenters.clone(),
            skipped: self.skipped,
            source: None,
        }
    }

    /// The paper ids of the required (or the optional) readings, in order.
    pub fn reading_ids(&self, required: bool) -> Vec<i64> {
        self.readings
            .iter()
            .filter(|r| r.required == required)
            .map(|r| r.paper_id)
            .collect()
    }

    /// `Week 3: Scaling laws` as plain text, or the title alone when it already names its
    /// week (course posts are often titled `Week 3: ...`), so no "Week 3: Week 3:".
    pub fn week_label(&self, week: usize) -> String {
        if names_its_week(&self.title) {
            self.title.clone()
        } else {
            format!("Week {week}: {}", self.title)
        }
    }

    /// The instant the window rule places this session at: its start, or for a session
    /// with only a date the last second of that local day, so that it belongs to the last
    /// post on or before its day (a Monday post announces that Monday's class).
    pub fn announce_at(&self, tz: Tz) -> DateTime<Utc> {
        match self.time {
            Some(_) => self.starts_at,
            None => {
                let next_day = self.date.succ_opt().unwrap_or(self.date);
                when::resolve_local(tz, next_day.and_time(NaiveTime::MIN))
                    .map_or(self.starts_at, |t| t - Duration::seconds(1))
            }
        }
    }
}

/// `7,1` (days before a session); empty or `none` for no reminders.
pub fn parse_reminder_days(text: &str) -> Result<Vec<u32>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let mut days = Vec::new();
    for part in text.split([',', ' ']).filter(|p| !p.is_empty()) {
        match part.trim_end_matches('d').parse::<u32>() {
            Ok(d) if (1..=28).contains(&d) => days.push(d),
            _ => {
                return Err(format!(
                    "{} is not a number of days from 1 to 28; write reminders as `7,1`, or `none`.",
                    crate::markdown::code(&crate::view::limits::truncate(part, 20))
                ))
            }
        }
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Ok(days)
}

pub(crate) fn from_unix(secs: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(secs, 0).single()
}

/// Whether a session's title already names its week (`Week 3: Scaling laws`), so that
/// headings and files do not say "Week 3: Week 3:".
pub fn names_its_week(title: &str) -> bool {
    title.trim_start().to_lowercase().starts_with("week")
}
