//! Reading progress: each member marks the papers they have read (`/read done`), sees
//! their own progress through the course's readings week by week (`/read list`), and
//! instructors see how many members marked each required reading (`/course progress`).
//! Marks are per guild and per member; the bot cannot list a server's members, so the
//! class size shown is the number of members who marked anything.

use super::service::resolve_reading;
use super::{CourseError, Courses, Reading, Session};
use crate::catalog::Catalog;
use crate::store::progress as store;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

type Result<T> = std::result::Result<T, CourseError>;

/// What `/read done` or `/read undo` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadMark {
    pub paper_id: i64,
    /// False when the paper already was (or, for undo, was not) marked.
    pub changed: bool,
    /// The first week whose readings include the paper, if any (1-based).
    pub week: Option<usize>,
}

/// One week's readings with, for each, a member's mark or the class's count.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekReadings<T> {
    pub week: usize,
    pub session: Session,
    pub readings: Vec<(Reading, T)>,
}

/// A member's own progress.
#[derive(Debug, Clone, PartialEq)]
pub struct MyProgress {
    /// Weeks with readings (skipped weeks left out), each reading marked done or not.
    pub weeks: Vec<WeekReadings<bool>>,
    /// Papers marked read that are no reading of the course.
    pub other: Vec<i64>,
}

impl MyProgress {
    /// Required readings done, and required readings in all.
    pub fn required(&self) -> (usize, usize) {
        let required = self.weeks.iter().flat_map(|w| &w.readings);
        let (done, all) = required
            .filter(|(r, _)| r.required)
            .fold((0, 0), |(d, a), (_, done)| (d + usize::from(*done), a + 1));
        (done, all)
    }
}

/// The class's progress on the required readings.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassProgress {
    /// Weeks with required readings, each with how many members marked it read.
    pub weeks: Vec<WeekReadings<usize>>,
    /// Members who marked anything read.
    pub members: usize,
}

/// The weeks with readings, numbered as `/schedule` numbers them (skipped ones count).
fn weeks_with_readings(sessions: Vec<Session>) -> impl Iterator<Item = (usize, Session)> {
    sessions
        .into_iter()
        .enumerate()
        .filter(|(_, s)| !s.skipped && !s.readings.is_empty())
        .map(|(i, s)| (i + 1, s))
}

impl Courses {
    /// Marks `paper` (key, arXiv id, DOI or title) read by `user`.
    pub async fn mark_read(
        &self,
        catalog: &Catalog,
        guild: u64,
        user: u64,
        paper: &str,
        now: DateTime<Utc>,
    ) -> Result<ReadMark> {
        self.require(guild).await?;
        let paper_id = resolve_reading(catalog, guild, paper).await?;
        let mut conn = self.pool.acquire().await?;
        let changed = store::mark(
            &mut conn,
            guild as i64,
            user as i64,
            paper_id,
            now.timestamp(),
        )
        .await?;
        drop(conn);
        if changed {
            tracing::info!(
                guild_id = guild,
                user_id = user,
                paper = paper_id,
                "reading marked done"
            );
        }
        Ok(ReadMark {
            paper_id,
            changed,
            week: self.week_reading(guild, paper_id).await?,
        })
    }

    /// Takes back `user`'s mark on `paper`.
    pub async fn unmark_read(
        &self,
        catalog: &Catalog,
        guild: u64,
        user: u64,
        paper: &str,
    ) -> Result<ReadMark> {
        self.require(guild).await?;
        let paper_id = resolve_reading(catalog, guild, paper).await?;
        let mut conn = self.pool.acquire().await?;
        let changed = store::unmark(&mut conn, guild as i64, user as i64, paper_id).await?;
        drop(conn);
        Ok(ReadMark {
            paper_id,
            changed,
            week: self.week_reading(guild, paper_id).await?,
        })
    }

    async fn week_reading(&self, guild: u64, paper: i64) -> Result<Option<usize>> {
        let sessions = self.sessions(guild).await?;
        Ok(weeks_with_readings(sessions)
            .find(|(_, s)| s.readings.iter().any(|r| r.paper_id == paper))
            .map(|(week, _)| week))
    }

    /// `user`'s marks against the course's readings.
    pub async fn my_progress(&self, guild: u64, user: u64) -> Result<MyProgress> {
        self.require(guild).await?;
        let sessions = self.sessions(guild).await?;
        let mut conn = self.pool.acquire().await?;
        let done: Vec<i64> = store::done_by(&mut conn, guild as i64, user as i64)
            .await?
            .into_iter()
            .map(|r| r.paper_id)
            .collect();
        drop(conn);
        let marked: HashSet<i64> = done.iter().copied().collect();
        let mut readings_of_course = HashSet::new();
        let weeks: Vec<WeekReadings<bool>> = weeks_with_readings(sessions)
            .map(|(week, session)| {
                let readings = session
                    .readings
                    .iter()
                    .map(|r| {
                        readings_of_course.insert(r.paper_id);
                        (*r, marked.contains(&r.paper_id))
                    })
                    .collect();
                WeekReadings {
                    week,
                    session,
                    readings,
                }
            })
            .collect();
        let other = done
            .into_iter()
            .filter(|p| !readings_of_course.contains(p))
            .collect();
        Ok(MyProgress { weeks, other })
    }

    /// How many members marked each required reading, week by week (instructors; checked
    /// by the caller).
    pub async fn class_progress(&self, guild: u64) -> Result<ClassProgress> {
        self.require(guild).await?;
        let sessions = self.sessions(guild).await?;
        let mut conn = self.pool.acquire().await?;
        let counts: HashMap<i64, usize> = store::readers(&mut conn, guild as i64)
            .await?
            .into_iter()
            .map(|r| (r.paper_id, r.readers as usize))
            .collect();
        let members = store::members(&mut conn, guild as i64).await? as usize;
        drop(conn);
        let weeks = weeks_with_readings(sessions)
            .filter_map(|(week, session)| {
                let readings: Vec<(Reading, usize)> = session
                    .readings
                    .iter()
                    .filter(|r| r.required)
                    .map(|r| (*r, counts.get(&r.paper_id).copied().unwrap_or(0)))
                    .collect();
                (!readings.is_empty()).then_some(WeekReadings {
                    week,
                    session,
                    readings,
                })
            })
            .collect();
        Ok(ClassProgress { weeks, members })
    }
}
