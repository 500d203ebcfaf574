//! Sessions from course-site posts: each post is imported into the guild's catalog (so its
//! readings become papers the guild can search and cite, merged the way the catalog
//! merges), then becomes one session whose readings point at those papers. The date comes
//! from the front matter, else the file name (`2024-02-06-title.md`), else the schedule's
//! next free occurrence in file order from the course's start.

use super::service::{parse_when, starts_at};
use super::{refuse, Course, CourseError, Courses};
use crate::catalog::{decode, Catalog, ImportReport, Resolved};
use crate::ingest::{self, Format, ReadingRole};
use crate::model::Scope;
use crate::store::courses as store;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

/// What importing one post did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionImport {
    pub file: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub required: usize,
    pub optional: usize,
    /// Readings the catalog could not place (reported, not fatal).
    pub unplaced: Vec<String>,
    pub catalog: ImportReport,
    pub error: Option<String>,
}

impl Courses {
    /// Imports course posts as sessions of the guild's course, in the order given.
    pub async fn import_posts(
        &self,
        catalog: &Catalog,
        guild: u64,
        files: Vec<(String, Vec<u8>)>,
        now: DateTime<Utc>,
    ) -> Result<Vec<SessionImport>, CourseError> {
        let course = self.require(guild).await?;
        let mut out = Vec::new();
        // A `.zip` of posts stands for the posts in it.
        let mut posts = Vec::new();
        for (name, bytes) in files {
            if !super::archive::is_zip(&bytes) {
                posts.push((name, bytes));
                continue;
            }
            match super::archive::unpack(&name, &bytes) {
                Ok(inside) => posts.extend(inside),
                Err(e) => return refuse(e),
            }
        }
        // Undated posts take the schedule's occurrences after the last dated session (or
        // the course's start), one each, in file order; never one already handled, whose
        // week's post has gone (the window rule would announce the session nowhere).
        let mut cursor = {
            let mut conn = self.pool.acquire().await?;
            let last = store::last_session_date(&mut conn, guild as i64).await?;
            let last = last.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            let from = last
                .and_then(|d| course.local_instant(d, NaiveTime::MIN))
                .map(|t| t + chrono::Duration::days(1))
                .or_else(|| {
                    course
                        .start
                        .and_then(|d| course.local_instant(d, NaiveTime::MIN))
                })
                .unwrap_or(now);
            let from = course.next_post_at.map_or(from, |next| from.max(next));
            from - chrono::Duration::seconds(1)
        };
        for (name, bytes) in posts {
            let result = self
                .import_post(catalog, &course, &name, &bytes, &mut cursor)
                .await;
            out.push(match result {
                Ok(report) => report,
                Err(CourseError::User(message)) => SessionImport {
                    file: name,
                    title: String::new(),
                    date: None,
                    required: 0,
                    optional: 0,
                    unplaced: Vec::new(),
                    catalog: ImportReport::default(),
                    error: Some(message),
                },
                Err(e) => return Err(e),
            });
        }
        Ok(out)
    }

    async fn import_post(
        &self,
        catalog: &Catalog,
        course: &Course,
        name: &str,
        bytes: &[u8],
        cursor: &mut DateTime<Utc>,
    ) -> Result<SessionImport, CourseError> {
        let guild = course.guild_id;
        let text = decode(bytes).or_else(refuse)?;
        let parsed = ingest::course::parse(text);
        let Some(meta) = parsed.session.clone() else {
            return refuse("not a course post (it needs `---` front matter with a `title:`)");
        };
        let report = catalog
            .import_bytes(Scope(guild), name, bytes, Some(Format::Course))
            .await;
        if let Some(e) = &report.error {
            return refuse(e.clone());
        }
        let before = {
            let mut conn = self.pool.acquire().await?;
            store::session_date_by_source(&mut conn, guild as i64, name).await?
        };
        // An undated post imported again keeps the date it was given the first time.
        let kept = before.map(|(d, t)| match t {
            Some(t) => format!("{d} {t}"),
            None => d,
        });
        let stated = meta.date.as_deref().or_else(|| dated_name(name));
        let (date, time) = match stated.or(kept.as_deref()) {
            // Only the front matter can be wrong here: a file name's date and a kept date
            // were read before. The whole value is quoted, not the word that failed.
            Some(when) => parse_when(when.get(..16).unwrap_or(when).trim_end_matches(['Z', ' ']))
                .or_else(|_| parse_when(when.get(..10).unwrap_or(when)))
                .or_else(|_| refuse(format!(
                    "the front matter's `date:` is {}; write it as YYYY-MM-DD, optionally with HH:MM, e.g. 2026-02-03 14:00",
                    crate::markdown::code(&crate::view::limits::truncate(when, 40))
                )))?,
            None => {
                let Some(next) = course.schedule.next(course.tz, *cursor) else {
                    return refuse("no date, and the schedule has no later occurrence to give it");
                };
                *cursor = next;
                (next.with_timezone(&course.tz).date_naive(), None)
            }
        };
        let mut at_line = Vec::new();
        {
            let mut conn = self.pool.acquire().await?;
            for entry in &parsed.entries {
                at_line.push(
                    store::imported_paper(&mut conn, guild as i64, name, entry.line as i64).await?,
                );
            }
        }
        let mut readings = Vec::new();
        let mut unplaced = Vec::new();
        for (entry, at) in parsed.entries.iter().zip(at_line) {
            let found = match at {
                Some(id) => Some(id),
                None => by_identity(catalog, guild, entry).await?,
            };
            match found {
                Some(id) => readings.push((id, entry.role != Some(ReadingRole::Optional))),
                None => unplaced.push(entry.title.clone()),
            }
        }
        let title = if meta.title.trim().is_empty() {
            name.rsplit(['/', '\\']).next().unwrap_or(name).to_string()
        } else {
            meta.title.trim().to_string()
        };
        let row = store::SessionRow {
            id: 0,
            guild_id: guild as i64,
            date: date.to_string(),
            time: time.map(|t| t.format("%H:%M").to_string()),
            starts_at: starts_at(course, date, time)?.timestamp(),
            title: crate::view::limits::truncate(&title, 200),
            tags: serde_json::to_string(&meta.tags).unwrap_or_else(|_| "[]".into()),
            notes_team: meta.notes_team.clone(),
            video_team: meta.video_team.clone(),
            presenters: meta.presenters.clone(),
            skipped: false,
            source: Some(name.to_string()),
        };
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id = store::save_session(&mut tx, &row).await?;
        store::set_readings(&mut tx, id, &readings).await?;
        store::touch_reminders(&mut tx, guild as i64).await?;
        tx.commit().await?;
        let required = readings.iter().filter(|r| r.1).count();
        Ok(SessionImport {
            file: name.to_string(),
            title,
            date: Some(date),
            required,
            optional: readings.len() - required,
            unplaced,
            catalog: report,
            error: None,
        })
    }
}

/// `2024-02-06` from `posts/2024-02-06-scaling.md`.
fn dated_name(name: &str) -> Option<&str> {
    // `discord:2024-02-06-x.md` (an upload) as well as `posts/2024-02-06-x.md`.
    let base = name.rsplit(['/', '\\', ':']).next().unwrap_or(name);
    let date = base.get(..10)?;
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .map(|_| date)
}

/// A reading that did not become its own source (it merged with an earlier reading of the
/// same post) is found by its arXiv id, DOI or title.
async fn by_identity(
    catalog: &Catalog,
    guild: u64,
    entry: &ingest::RawEntry,
) -> Result<Option<i64>, CourseError> {
    let ids = [
        entry.arxiv.clone(),
        entry.doi.clone(),
        Some(entry.title.clone()),
    ];
    for id in ids.into_iter().flatten().filter(|i| !i.trim().is_empty()) {
        if let Resolved::One(p) = catalog.resolve(Scope(guild), &id).await? {
            return Ok(Some(p.id));
        }
    }
    Ok(None)
}
