//! Changing a course's sessions: add one defined in chat, edit its title, teams or
//! readings, move it, skip it (a holiday, optionally shifting the later weeks), remove it.
//! Readings are resolved in the guild's catalog; every change has the scheduler look at the
//! course's presenter reminders again.

use super::service::{load_sessions, parse_when, resolve_reading, starts_at};
use super::{refuse, CourseError, Courses, Reading, Session};
use crate::catalog::Catalog;
use crate::store::courses as store;
use chrono::Duration;

type Result<T> = std::result::Result<T, CourseError>;

/// Readings as typed in one option: ids separated by spaces or commas.
pub fn split_ids(text: &str) -> Vec<String> {
    text.split([' ', ','])
        .filter(|k| !k.is_empty())
        .map(String::from)
        .collect()
}

/// A session defined in chat (`/session add`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSession {
    pub date: String,
    pub title: String,
    /// Paper ids (keys, arXiv ids, DOIs, titles) of the required readings.
    pub required: Vec<String>,
    pub optional: Vec<String>,
    pub notes_team: Option<String>,
    pub video_team: Option<String>,
    pub presenters: Option<String>,
}

/// What `/session edit` changes; `None` keeps a field, an empty text clears a team.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionEdit {
    pub title: Option<String>,
    /// Replaces the required readings (paper ids, keys, titles).
    pub required: Option<Vec<String>>,
    pub optional: Option<Vec<String>>,
    pub notes_team: Option<String>,
    pub video_team: Option<String>,
    pub presenters: Option<String>,
}

impl Courses {
    /// Adds a session defined in chat; readings are resolved in the guild's catalog.
    pub async fn add_session(
        &self,
        catalog: &Catalog,
        guild: u64,
        new: NewSession,
    ) -> Result<Session> {
        let course = self.require(guild).await?;
        let (date, time) = parse_when(&new.date)?;
        let title = new.title.trim();
        if title.is_empty() {
            return refuse(
                "A session needs a title: `/session add date:2026-02-03 title:Scaling laws`.",
            );
        }
        let mut readings = Vec::new();
        for (ids, required) in [(&new.required, true), (&new.optional, false)] {
            for id in ids {
                readings.push((resolve_reading(catalog, guild, id).await?, required));
            }
        }
        let row = store::SessionRow {
            id: 0,
            guild_id: guild as i64,
            date: date.to_string(),
            time: time.map(|t| t.format("%H:%M").to_string()),
            starts_at: starts_at(&course, date, time)?.timestamp(),
            title: crate::view::limits::truncate(title, 200),
            tags: "[]".into(),
            notes_team: new.notes_team,
            video_team: new.video_team,
            presenters: new.presenters,
            skipped: false,
            source: None,
        };
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id = store::save_session(&mut tx, &row).await?;
        store::set_readings(&mut tx, id, &readings).await?;
        store::touch_reminders(&mut tx, guild as i64).await?;
        tx.commit().await?;
        self.wake.notify_one();
        let sessions = self.sessions(guild).await?;
        sessions.into_iter().find(|s| s.id == id).ok_or_else(|| {
            CourseError::Internal(anyhow::anyhow!("session {id} vanished after insert"))
        })
    }

    /// Marks week `week` as skipped (a holiday); with `shift`, that week's session and every
    /// later one move a week later instead, and the week becomes a holiday placeholder.
    pub async fn skip(&self, guild: u64, week: usize, shift: bool) -> Result<Session> {
        let course = self.require(guild).await?;
        let (_, found) = self.week(guild, week).await?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // Read again under the write lock: a second skip of the same week at the same
        // moment then sees the first.
        let sessions = load_sessions(&mut tx, guild).await?;
        let Some(session) = sessions.iter().find(|s| s.id == found.id).cloned() else {
            return refuse(format!(
                "Week {week} changed while you asked; `/schedule` shows the weeks now."
            ));
        };
        // Skipping again would say it was done; with `shift` it would add a second holiday
        // and push every later week on once more.
        if session.skipped {
            return refuse(format!(
                "Week {week} (“{}”) is already skipped; nothing changed.",
                crate::markdown::escape(&crate::view::limits::truncate(&session.title, 120))
            ));
        }
        if shift {
            let later: Vec<&Session> = sessions.iter().filter(|s| s.date >= session.date).collect();
            // A week later each, latest first, so no two sessions ever share a date.
            for s in later.iter().rev() {
                let date = s.date + Duration::days(7);
                let at = starts_at(&course, date, s.time)?;
                let moved = Session {
                    date,
                    starts_at: at,
                    ..(*s).clone()
                };
                store::update_session(&mut tx, guild as i64, &moved.to_row(guild)).await?;
            }
            // The week itself becomes a holiday placeholder on the original date.
            let row = store::SessionRow {
                id: 0,
                guild_id: guild as i64,
                date: session.date.to_string(),
                time: None,
                starts_at: starts_at(&course, session.date, None)?.timestamp(),
                title: "No session (holiday)".into(),
                tags: "[]".into(),
                notes_team: None,
                video_team: None,
                presenters: None,
                skipped: true,
                source: None,
            };
            store::save_session(&mut tx, &row).await?;
        } else {
            store::set_skipped(&mut tx, guild as i64, session.id, true).await?;
        }
        store::touch_reminders(&mut tx, guild as i64).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Changes week `week`'s title, teams or readings; returns it as edited. The typed
    /// readings are looked up first; the week is then found and changed under one write
    /// lock, so a removal at the same moment cannot make it edit one week and report
    /// another.
    pub async fn edit_session(
        &self,
        catalog: &Catalog,
        guild: u64,
        week: usize,
        edit: SessionEdit,
    ) -> Result<Session> {
        self.require(guild).await?;
        let title = match edit.title.as_deref().map(str::trim) {
            Some("") => return refuse("A session needs a title."),
            Some(t) => Some(crate::view::limits::truncate(t, 200)),
            None => None,
        };
        let mut typed = Vec::new();
        for given in [&edit.required, &edit.optional] {
            typed.push(match given {
                None => None,
                Some(ids) => {
                    let mut found = Vec::new();
                    for id in ids {
                        found.push(resolve_reading(catalog, guild, id).await?);
                    }
                    Some(found)
                }
            });
        }
        let team = |new: Option<String>, old: &Option<String>| match new {
            Some(t) if t.trim().is_empty() || t.trim() == "none" => None,
            Some(t) => Some(t.trim().to_string()),
            None => old.clone(),
        };
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let session = nth(load_sessions(&mut tx, guild).await?, week)?;
        // A list given replaces the old one; a list not given stays as it was.
        let mut lists = Vec::new();
        for (given, required) in typed.into_iter().zip([true, false]) {
            let ids = given.unwrap_or_else(|| session.reading_ids(required));
            lists.extend(ids.into_iter().map(|id| (id, required)));
        }
        let edited = Session {
            title: title.unwrap_or_else(|| session.title.clone()),
            notes_team: team(edit.notes_team, &session.notes_team),
            video_team: team(edit.video_team, &session.video_team),
            presenters: team(edit.presenters, &session.presenters),
            readings: lists
                .iter()
                .map(|&(paper_id, required)| Reading { paper_id, required })
                .collect(),
            ..session
        };
        store::update_session(&mut tx, guild as i64, &edited.to_row(guild)).await?;
        store::set_readings(&mut tx, edited.id, &lists).await?;
        store::touch_reminders(&mut tx, guild as i64).await?;
        tx.commit().await?;
        self.wake.notify_one();
        let id = edited.id;
        let sessions = self.sessions(guild).await?;
        // Removed since the commit: the edit was made; it is reported as it was written.
        Ok(sessions.into_iter().find(|s| s.id == id).unwrap_or(edited))
    }

    /// Moves week `week` to another date (and time); returns it as moved. The week is
    /// found under the same write lock as the change: a removal at the same moment cannot
    /// make it move a session that is gone, or another week than the one named.
    pub async fn move_week(&self, guild: u64, week: usize, when: &str) -> Result<Session> {
        let course = self.require(guild).await?;
        let (date, time) = parse_when(when)?;
        let at = starts_at(&course, date, time)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let session = nth(load_sessions(&mut tx, guild).await?, week)?;
        let moved = Session {
            date,
            time,
            starts_at: at,
            ..session
        };
        store::update_session(&mut tx, guild as i64, &moved.to_row(guild)).await?;
        store::touch_reminders(&mut tx, guild as i64).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(moved)
    }

    /// Removes week `week` (its presentation slots go with it); its posts stay in the
    /// history. Found and removed in one transaction, so two removals of week 1 at once
    /// remove weeks 1 and 2, as they would one after the other.
    pub async fn remove(&self, guild: u64, week: usize) -> Result<Session> {
        self.require(guild).await?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let session = nth(load_sessions(&mut tx, guild).await?, week)?;
        store::remove_session(&mut tx, guild as i64, session.id).await?;
        store::touch_reminders(&mut tx, guild as i64).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(session)
    }
}

/// Week `week` of `sessions` (1-based, skipped weeks included, as `/schedule` numbers
/// them), or the refusal saying which weeks there are.
fn nth(sessions: Vec<Session>, week: usize) -> Result<Session> {
    let count = sessions.len();
    match week.checked_sub(1).and_then(|i| sessions.into_iter().nth(i)) {
        Some(s) => Ok(s),
        None if count == 0 => refuse("The course has no sessions yet; an instructor adds them with `/session import` or `/session add`."),
        None => refuse(format!(
            "There is no week {week}: the course has {count} sessions."
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;
    use crate::course::{CourseSettings, Courses, NewSession};
    use chrono::{DateTime, NaiveDate, Utc};

    const GUILD: u64 = 7;

    /// The catalog and the course service on one in-memory database (the course module
    /// sits below the application state, so its tests build the two services directly).
    struct Fixture {
        catalog: Catalog,
        courses: Courses,
    }

    /// A course with a session on each of the first four Tuesdays of March 2026.
    async fn four_weeks() -> Fixture {
        let now: DateTime<Utc> = "2026-02-20T12:00:00Z".parse().expect("instant");
        let catalog = Catalog::open_in_memory().await.expect("catalog");
        let app = Fixture {
            courses: Courses::new(catalog.pool().clone()),
            catalog,
        };
        let settings = CourseSettings {
            channel: Some(42),
            timezone: Some("Europe/Berlin".into()),
            schedule: Some("MON 09:00".into()),
            start: Some("2026-03-01".into()),
            ..CourseSettings::default()
        };
        app.courses
            .configure(GUILD, settings, true, now)
            .await
            .expect("course");
        for day in [3, 10, 17, 24] {
            let new = NewSession {
                date: format!("2026-03-{day:02}"),
                title: format!("March {day}"),
                ..NewSession::default()
            };
            app.courses
                .add_session(&app.catalog, GUILD, new)
                .await
                .expect("session");
        }
        app
    }

    #[tokio::test]
    async fn removals_of_week_one_at_the_same_moment_each_remove_a_session() {
        let app = four_weeks().await;
        let c = &app.courses;
        let (a, b, d) = tokio::join!(c.remove(GUILD, 1), c.remove(GUILD, 1), c.remove(GUILD, 1));
        let mut removed: Vec<String> = [a, b, d]
            .into_iter()
            .map(|r| r.expect("removed").title)
            .collect();
        removed.sort();
        // Three removals of week 1 do what they would one after the other.
        assert_eq!(removed, ["March 10", "March 17", "March 3"]);
        let left: Vec<String> = c
            .sessions(GUILD)
            .await
            .expect("sessions")
            .into_iter()
            .map(|s| s.title)
            .collect();
        assert_eq!(left, ["March 24"]);
    }

    #[tokio::test]
    async fn a_move_at_the_moment_of_a_removal_never_reports_a_session_that_is_gone() {
        let app = four_weeks().await;
        let c = &app.courses;
        let (moved, removed) =
            tokio::join!(c.move_week(GUILD, 1, "2026-04-07"), c.remove(GUILD, 1));
        let removed = removed.expect("removed");
        let moved = moved.expect("moved");
        assert_ne!(removed.id, moved.id, "the moved session was removed");
        let sessions = c.sessions(GUILD).await.expect("sessions");
        let april = NaiveDate::from_ymd_opt(2026, 4, 7).expect("date");
        assert!(
            sessions.iter().any(|s| s.id == moved.id && s.date == april),
            "{sessions:?}"
        );
        assert_eq!(sessions.len(), 3);
    }

    #[tokio::test]
    async fn an_edit_at_the_moment_of_a_removal_reports_the_session_it_edited() {
        let app = four_weeks().await;
        let c = &app.courses;
        let edit = crate::course::SessionEdit {
            title: Some("Renamed".into()),
            ..Default::default()
        };
        let (edited, removed) = tokio::join!(
            c.edit_session(&app.catalog, GUILD, 1, edit),
            c.remove(GUILD, 1)
        );
        let (edited, removed) = (edited.expect("edited"), removed.expect("removed"));
        assert_eq!(edited.title, "Renamed");
        let sessions = c.sessions(GUILD).await.expect("sessions");
        assert_eq!(sessions.len(), 3);
        // Either the edit came first and the removal took the renamed week, or the
        // removal came first and the edit renamed the week that became week 1.
        if removed.id != edited.id {
            assert!(
                sessions
                    .iter()
                    .any(|s| s.id == edited.id && s.title == "Renamed"),
                "{sessions:?}"
            );
        } else {
            assert_eq!(removed.title, "Renamed");
        }
    }
}
