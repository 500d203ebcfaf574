//! Writing a guild's course out as a course file.

use super::format::{
    CourseFile, CourseSpec, NoteSpec, PaperRef, ReadingSpec, SessionSpec, SlotSpec, TeamSpec,
    FORMAT, VERSION,
};
use crate::catalog::Catalog;
use crate::course::{Course, CourseError, Courses};
use crate::model::Scope;
use crate::store::courses as store;
use crate::store::notes::{self as notes_store, NoteFilter, Viewer};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

type Result<T> = std::result::Result<T, CourseError>;

impl Courses {
    /// The guild's course as a course file; with `notes`, every note too.
    pub async fn export_course(
        &self,
        catalog: &Catalog,
        guild: u64,
        notes: bool,
        now: DateTime<Utc>,
    ) -> Result<CourseFile> {
        let course = self.require(guild).await?;
        let sessions = self.sessions(guild).await?;
        let teams = self.teams(guild).await?;
        let slots = self.slots(guild).await?;
        let mut conn = self.pool.acquire().await?;
        // The post each session came from, so that importing the post again updates it.
        let sources: HashMap<i64, String> = store::sessions(&mut conn, guild as i64)
            .await?
            .into_iter()
            .filter_map(|r| r.source.map(|s| (r.id, s)))
            .collect();
        let note_rows = if notes {
            let everyone = Viewer {
                user_id: 0,
                team_id: None,
                all: true,
            };
            notes_store::visible(&mut conn, guild as i64, everyone, NoteFilter::default()).await?
        } else {
            Vec::new()
        };
        drop(conn);
        let mut ids: Vec<i64> = sessions
            .iter()
            .flat_map(|s| s.readings.iter().map(|r| r.paper_id))
            .collect();
        ids.extend(note_rows.iter().map(|n| n.paper_id));
        ids.extend(slots.iter().map(|s| s.paper_id));
        ids.sort_unstable();
        ids.dedup();
        let papers: HashMap<i64, PaperRef> = catalog
            .papers_by_id(Scope(guild), &ids)
            .await?
            .into_iter()
            .map(|p| {
                let r = PaperRef {
                    key: Some(p.key),
                    arxiv: p.arxiv,
                    doi: p.doi,
                    title: Some(p.title),
                };
                (p.id, r)
            })
            .collect();
        let paper = |id: i64| papers.get(&id).cloned().unwrap_or_default();
        let week_of: HashMap<i64, usize> = sessions
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i + 1))
            .collect();
        Ok(CourseFile {
            format: FORMAT.into(),
            version: VERSION,
            exported_at: Some(now),
            course: course_spec(&course),
            sessions: sessions
                .iter()
                .map(|s| SessionSpec {
                    date: s.date,
                    time: s.time.map(|t| t.format("%H:%M").to_string()),
                    title: s.title.clone(),
                    tags: s.tags.clone(),
                    notes_team: s.notes_team.clone(),
                    video_team: s.video_team.clone(),
                    presenters: s.presenters.clone(),
                    skipped: s.skipped,
                    source: sources.get(&s.id).cloned(),
                    readings: s
                        .readings
                        .iter()
                        .map(|r| {
                            let p = paper(r.paper_id);
                            ReadingSpec {
                                key: p.key,
                                arxiv: p.arxiv,
                                doi: p.doi,
                                title: p.title,
                                required: r.required,
                            }
                        })
                        .collect(),
                })
                .collect(),
            teams: teams
                .into_iter()
                .map(|t| TeamSpec {
                    name: t.name,
                    role: t.role,
                })
                .collect(),
            slots: slots
                .into_iter()
                .filter_map(|s| {
                    Some(SlotSpec {
                        paper: paper(s.paper_id),
                        week: *week_of.get(&s.session_id)?,
                        team: s.team.name,
                    })
                })
                .collect(),
            notes: notes.then(|| {
                note_rows
                    .into_iter()
                    .map(|n| NoteSpec {
                        paper: paper(n.paper_id),
                        week: n.session_id.and_then(|s| week_of.get(&s).copied()),
                        author: n.author_id as u64,
                        team: n.team_name,
                        text: n.body,
                        published: n.published,
                        written_at: crate::course::from_unix(n.created_at).unwrap_or_default(),
                    })
                    .collect()
            }),
        })
    }
}

fn course_spec(c: &Course) -> CourseSpec {
    CourseSpec {
        channel: c.channel_id,
        timezone: c.tz.name().to_string(),
        schedule: c.schedule_input.clone(),
        start: c.start,
        end: c.end,
        instructor_role: c.instructor_role,
        grace_hours: c.grace.num_hours() as u32,
        reminders: if c.reminder_days.is_empty() {
            "none".into()
        } else {
            c.reminder_days
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        },
        notes_public: c.notes_public,
        teams_locked: c.teams_locked,
        slots_per_team: c.slots_per_team,
        session_minutes: c.session_minutes,
    }
}
