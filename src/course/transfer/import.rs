//! Setting a guild's course up from a course file: every paper looked up in the target
//! guild's catalog first, then everything written in one transaction.

use super::format::{CourseFile, CourseSpec, NoteSpec, PaperRef, SessionSpec, SlotSpec};
use crate::catalog::{Catalog, Resolved};
use crate::course::service::{apply, starts_at};
use crate::course::{
    refuse, Course, CourseError, CourseSettings, Courses, NOTE_MAX_CHARS, TEAM_NAME_MAX,
};
use crate::ingest::ids::normalize_title;
use crate::model::Scope;
use crate::store::notes::{self as notes_store, NewNoteRow};
use crate::store::{courses as store, slots as slots_store, teams as teams_store};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use std::collections::HashMap;

type Result<T> = std::result::Result<T, CourseError>;

/// How to import a course file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Replace the guild's course (and everything of it) if it has one.
    pub replace: bool,
    /// Post to this channel. Without it the guild's course keeps its channel; only a guild
    /// without a course takes the file's (which the bot checks is the guild's own).
    pub channel: Option<u64>,
    /// Move the course to start on this date (YYYY-MM-DD): every session moves by as many
    /// days as the start does.
    pub start: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseImport {
    pub replaced: bool,
    pub sessions: usize,
    pub readings: usize,
    pub teams: usize,
    pub notes: usize,
    /// Readings and notes whose paper is not in the target catalog, described.
    pub unresolved: Vec<String>,
    /// Notes left out, with why.
    pub skipped_notes: Vec<String>,
    pub slots: usize,
    /// Days every date moved (`--start`).
    pub shifted_days: i64,
}

impl Courses {
    /// Sets up the guild's course from a course file. A guild that has a course is refused
    /// unless `options.replace`, which deletes that course and everything of it first.
    pub async fn import_course(
        &self,
        catalog: &Catalog,
        guild: u64,
        file: CourseFile,
        options: ImportOptions,
        now: DateTime<Utc>,
    ) -> Result<CourseImport> {
        let existing = self.course(guild).await?;
        if let Some(existing) = &existing {
            if !options.replace {
                let sessions = self.sessions(guild).await?.len();
                let teams = self.teams(guild).await?.len();
                return refuse(format!(
                    "This server already has a course (channel <#{}>, {sessions} sessions, {teams} teams). Importing replaces it with everything of it (sessions, teams, notes, slots, reading progress, post history): import again with `--replace` (on Discord `replace: True`) to do that.",
                    existing.channel_id
                ));
            }
        }
        let mut report = CourseImport {
            replaced: existing.is_some(),
            ..CourseImport::default()
        };
        let shift = shift_days(&file, options.start.as_deref())?;
        report.shifted_days = shift.num_days();
        let current = existing.as_ref().map(|c| c.channel_id);
        let course = course_from(guild, &file.course, &options, current, shift, now)?;
        let plan = self
            .plan(catalog, guild, &course, &file, shift, &mut report)
            .await?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        if options.replace {
            store::delete_course(&mut tx, guild as i64).await?;
        } else if store::course(&mut tx, guild as i64).await?.is_some() {
            // Set up by another command since the check above: refused the same way.
            return refuse("This server got a course meanwhile; import again with `--replace` (on Discord `replace: True`) to replace it.");
        }
        store::save_course(&mut tx, &course.to_row(), now.timestamp()).await?;
        let mut team_ids = HashMap::new();
        for t in &file.teams {
            let key = teams_store::name_key(&t.name);
            let role = t.role.map(|r| r as i64);
            let inserted =
                teams_store::insert_team(&mut tx, guild as i64, &t.name, role, now.timestamp())
                    .await?;
            match inserted {
                Some(id) => team_ids.insert(key, id),
                None => {
                    return refuse(format!(
                        "The file names team `{}` twice (in any case), or two teams share a role.",
                        t.name.replace('`', "'")
                    ))
                }
            };
        }
        let mut session_ids = Vec::with_capacity(plan.sessions.len());
        for (row, readings) in &plan.sessions {
            let id = store::save_session(&mut tx, row).await?;
            store::set_readings(&mut tx, id, readings).await?;
            session_ids.push(id);
        }
        for (note, paper_id) in &plan.notes {
            let row = NewNoteRow {
                guild_id: guild as i64,
                author_id: note.author as i64,
                team_id: note
                    .team
                    .as_deref()
                    .and_then(|t| team_ids.get(&teams_store::name_key(t)).copied()),
                paper_id: *paper_id,
                session_id: note
                    .week
                    .and_then(|w| w.checked_sub(1))
                    .and_then(|i| session_ids.get(i).copied()),
                body: note.text.trim().to_string(),
                created_at: note.written_at.timestamp(),
            };
            let id = notes_store::insert_note(&mut tx, &row).await?;
            if note.published {
                notes_store::publish(&mut tx, guild as i64, id).await?;
            }
        }
        for (i, (slot, paper_id)) in plan.slots.iter().enumerate() {
            let session = slot.week.checked_sub(1).and_then(|w| session_ids.get(w));
            let team = team_ids.get(&teams_store::name_key(&slot.team));
            let (Some(&session), Some(&team)) = (session, team) else {
                return refuse(format!(
                    "`slots[{i}]`: the file has no week {} or no team `{}`.",
                    slot.week,
                    slot.team.replace('`', "'")
                ));
            };
            let stored = slots_store::insert(
                &mut tx,
                guild as i64,
                session,
                *paper_id,
                team,
                0,
                now.timestamp(),
            )
            .await?;
            if stored.is_none() {
                return refuse(format!(
                    "`slots[{i}]`: {} is presented twice; a paper has one slot per course.",
                    slot.paper.shown()
                ));
            }
        }
        store::touch_reminders(&mut tx, guild as i64).await?;
        tx.commit().await?;
        self.wake.notify_one();
        report.teams = file.teams.len();
        report.sessions = plan.sessions.len();
        report.readings = plan.sessions.iter().map(|(_, r)| r.len()).sum();
        report.notes = plan.notes.len();
        report.slots = plan.slots.len();
        tracing::info!(
            guild_id = guild,
            sessions = report.sessions,
            teams = report.teams,
            notes = report.notes,
            unresolved = report.unresolved.len(),
            "course imported"
        );
        Ok(report)
    }

    /// The rows to write, every paper looked up before the transaction opens (the catalog
    /// needs a connection of its own, and an in-memory database has one).
    async fn plan<'f>(
        &self,
        catalog: &Catalog,
        guild: u64,
        course: &Course,
        file: &'f CourseFile,
        shift: Duration,
        report: &mut CourseImport,
    ) -> Result<Plan<'f>> {
        let mut found: HashMap<PaperRef, Option<i64>> = HashMap::new();
        let mut sessions = Vec::new();
        for (i, s) in file.sessions.iter().enumerate() {
            let row = session_row(guild, course, s, i, shift)?;
            let mut readings = Vec::new();
            for r in &s.readings {
                let wanted = r.paper();
                match lookup(catalog, guild, &wanted, &mut found).await? {
                    Some(id) => readings.push((id, r.required)),
                    None => report.unresolved.push(format!(
                        "week {} (“{}”): {} reading {} is not in this server's catalog",
                        i + 1,
                        s.title,
                        if r.required { "required" } else { "optional" },
                        wanted.shown()
                    )),
                }
            }
            sessions.push((row, readings));
        }
        let mut notes = Vec::new();
        for (i, n) in file.notes.iter().flatten().enumerate() {
            let chars = n.text.trim().chars().count();
            if chars == 0 || chars > NOTE_MAX_CHARS {
                report.skipped_notes.push(format!(
                    "notes[{i}]: {chars} characters; a note has 1 to {NOTE_MAX_CHARS}"
                ));
                continue;
            }
            match lookup(catalog, guild, &n.paper, &mut found).await? {
                Some(id) => notes.push((n, id)),
                None => report.skipped_notes.push(format!(
                    "notes[{i}]: its paper {} is not in this server's catalog",
                    n.paper.shown()
                )),
            }
        }
        let mut slots = Vec::new();
        for (i, slot) in file.slots.iter().enumerate() {
            match lookup(catalog, guild, &slot.paper, &mut found).await? {
                Some(id) => slots.push((slot, id)),
                None => report.unresolved.push(format!(
                    "slots[{i}]: {}'s presentation of {} (week {}): the paper is not in this server's catalog",
                    slot.team,
                    slot.paper.shown(),
                    slot.week
                )),
            }
        }
        for (i, t) in file.teams.iter().enumerate() {
            let name = t.name.trim();
            if name.is_empty()
                || name.chars().count() > TEAM_NAME_MAX
                || name.contains(['\n', '\r'])
            {
                return refuse(format!(
                    "`teams[{i}].name`: a team name is one line of 1 to {TEAM_NAME_MAX} characters."
                ));
            }
        }
        Ok(Plan {
            sessions,
            notes,
            slots,
        })
    }
}

/// What an import writes.
struct Plan<'f> {
    sessions: Vec<(store::SessionRow, Vec<(i64, bool)>)>,
    notes: Vec<(&'f NoteSpec, i64)>,
    slots: Vec<(&'f SlotSpec, i64)>,
}

/// How far `--start` moves the course: from the file's start (else its first session).
fn shift_days(file: &CourseFile, start: Option<&str>) -> Result<Duration> {
    let Some(text) = start.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Duration::zero());
    };
    let Ok(new) = NaiveDate::parse_from_str(text, "%Y-%m-%d") else {
        return refuse(format!(
            "{} is not a date; write it as YYYY-MM-DD.",
            crate::markdown::code(&format!(
                "--start {}",
                crate::view::limits::truncate(text, 40)
            ))
        ));
    };
    let old = file
        .course
        .start
        .or_else(|| file.sessions.iter().map(|s| s.date).min());
    Ok(old.map_or(Duration::zero(), |old| new - old))
}

fn course_from(
    guild: u64,
    spec: &CourseSpec,
    options: &ImportOptions,
    current_channel: Option<u64>,
    shift: Duration,
    now: DateTime<Utc>,
) -> Result<Course> {
    // The channel given with the import is the importer's own, not the file's; a file from
    // another server names that server's channel, so the guild's current one comes next.
    if options.channel == Some(0) {
        return Err(CourseError::User(
            "`channel` must be a Discord channel id (digits), not 0.".into(),
        ));
    }
    let date = |d: Option<NaiveDate>| d.map(|d| (d + shift).to_string()).unwrap_or_default();
    let settings = CourseSettings {
        channel: Some(options.channel.or(current_channel).unwrap_or(spec.channel)),
        timezone: Some(spec.timezone.clone()),
        schedule: Some(spec.schedule.clone()),
        start: Some(date(spec.start)),
        end: Some(date(spec.end)),
        instructor_role: spec.instructor_role,
        grace_hours: Some(spec.grace_hours),
        notes_public: Some(spec.notes_public),
        teams_locked: Some(spec.teams_locked),
        reminders: Some(spec.reminders.clone()),
        slots_per_team: Some(spec.slots_per_team),
        session_minutes: Some(spec.session_minutes),
    };
    // A schedule that no longer fires is what an earlier term's file meets; other refusals
    // (a zone, a reminder) are about the file itself and get no hint about dates.
    apply(guild, None, settings, now).map_err(|e| match e {
        CourseError::User(m) if m.contains("never fires") => CourseError::User(format!(
            "{m} Importing an earlier term? `--start YYYY-MM-DD` moves the course and its sessions to a new first day."
        )),
        CourseError::User(m) => CourseError::User(format!("In the file's `course`: {m}")),
        e => e,
    })
}

fn session_row(
    guild: u64,
    course: &Course,
    s: &SessionSpec,
    i: usize,
    shift: Duration,
) -> Result<store::SessionRow> {
    let title = s.title.trim();
    if title.is_empty() {
        return refuse(format!(
            "`sessions[{i}].title` is empty; a session needs a title."
        ));
    }
    let time = match s.time.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(NaiveTime::parse_from_str(t, "%H:%M").or_else(|_| {
            refuse(format!(
                "`sessions[{i}].time` is {}; write it as HH:MM, e.g. 14:00.",
                crate::markdown::code(&crate::view::limits::truncate(t, 20))
            ))
        })?),
    };
    let date = s.date + shift;
    Ok(store::SessionRow {
        id: 0,
        guild_id: guild as i64,
        date: date.to_string(),
        time: time.map(|t| t.format("%H:%M").to_string()),
        starts_at: starts_at(course, date, time)?.timestamp(),
        title: crate::view::limits::truncate(title, 200),
        tags: serde_json::to_string(&s.tags).unwrap_or_else(|_| "[]".into()),
        notes_team: s.notes_team.clone(),
        video_team: s.video_team.clone(),
        presenters: s.presenters.clone(),
        skipped: s.skipped,
        source: s.source.clone(),
    })
}

/// The target guild's paper for `wanted`: by arXiv id, DOI, key, then exact title, each
/// confirmed against what the catalog found (a lookup by words may find another paper).
async fn lookup(
    catalog: &Catalog,
    guild: u64,
    wanted: &PaperRef,
    found: &mut HashMap<PaperRef, Option<i64>>,
) -> Result<Option<i64>> {
    if let Some(known) = found.get(wanted) {
        return Ok(*known);
    }
    let same =
        |a: &Option<String>, b: &str| a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(b));
    let mut hit = None;
    if let Some(a) = &wanted.arxiv {
        hit = one(catalog, guild, &format!("arXiv:{a}"), |p| same(&p.arxiv, a)).await?;
    }
    if let (None, Some(d)) = (hit, &wanted.doi) {
        hit = one(catalog, guild, d, |p| same(&p.doi, d)).await?;
    }
    if let (None, Some(k)) = (hit, &wanted.key) {
        hit = one(catalog, guild, k, |p| p.key.eq_ignore_ascii_case(k)).await?;
    }
    if let (None, Some(t)) = (hit, &wanted.title) {
        let norm = normalize_title(t);
        hit = one(catalog, guild, t, |p| normalize_title(&p.title) == norm).await?;
    }
    found.insert(wanted.clone(), hit);
    Ok(hit)
}

async fn one(
    catalog: &Catalog,
    guild: u64,
    id: &str,
    confirm: impl Fn(&crate::model::Paper) -> bool,
) -> Result<Option<i64>> {
    Ok(match catalog.resolve(Scope(guild), id).await? {
        Resolved::One(p) if confirm(&p) => Some(p.id),
        _ => None,
    })
}
