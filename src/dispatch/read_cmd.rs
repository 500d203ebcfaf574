//! `/read done|undo|list`: a member's own reading progress, and `/course progress`: for
//! instructors, how many members marked each required reading, week by week. Paper titles
//! are escaped; the replies ping nobody.

use super::course_cmd::{done, user_error};
use super::team_cmd::NOT_IN_A_SERVER;
use super::{Caller, Result};
use crate::course::{CourseError, WeekReadings};
use crate::markdown::escape;
use crate::model::Scope;
use crate::state::App;
use crate::view::limits::truncate;
use crate::view::{Embed, Reply};
use std::collections::HashMap;

/// `/read ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadRequest {
    Done { paper: String },
    Undo { paper: String },
    List,
}

type CourseResult<T> = std::result::Result<T, CourseError>;

pub(super) async fn read(app: &App, caller: &Caller, request: ReadRequest) -> Result<Reply> {
    let guild = caller.scope.0;
    if guild == Scope::GLOBAL.0 {
        return Ok(Reply::error(NOT_IN_A_SERVER));
    }
    user_error(run(app, guild, caller.user_id, request).await)
}

async fn run(app: &App, guild: u64, user: u64, request: ReadRequest) -> CourseResult<Reply> {
    let c = &app.courses;
    Ok(match request {
        ReadRequest::Done { paper } => {
            let mark = c
                .mark_read(&app.catalog, guild, user, &paper, app.clock.now())
                .await?;
            let title = titles(app, guild, &[mark.paper_id])
                .await?
                .remove(&mark.paper_id);
            let title = title.unwrap_or_default();
            let week = match mark.week {
                Some(w) => format!(" (a reading of week {w})"),
                None => " (not a reading of this course)".to_string(),
            };
            done(if mark.changed {
                format!("✓ Marked “{title}” as read{week}. `/read list` shows your progress.")
            } else {
                format!("✓ “{title}” was already marked as read.")
            })
        }
        ReadRequest::Undo { paper } => {
            let mark = c.unmark_read(&app.catalog, guild, user, &paper).await?;
            let title = titles(app, guild, &[mark.paper_id])
                .await?
                .remove(&mark.paper_id);
            let title = title.unwrap_or_default();
            if mark.changed {
                done(format!("✓ “{title}” is no longer marked as read."))
            } else {
                Reply::error(format!("“{title}” was not marked as read."))
            }
        }
        ReadRequest::List => {
            let mine = c.my_progress(guild, user).await?;
            let mut ids: Vec<i64> = mine
                .weeks
                .iter()
                .flat_map(|w| w.readings.iter().map(|(r, _)| r.paper_id))
                .collect();
            ids.extend(&mine.other);
            let titles = titles(app, guild, &ids).await?;
            let mut lines = week_lines(&mine.weeks, |r, done| {
                let mark = if *done { "✅" } else { "⬜" };
                let optional = if r.required { "" } else { " (optional)" };
                format!("{mark} {}{optional}", title_of(&titles, r.paper_id))
            });
            if !mine.other.is_empty() {
                lines.push(String::new());
                lines.push("**Also read**".into());
                lines.extend(
                    mine.other
                        .iter()
                        .map(|p| format!("✅ {}", title_of(&titles, *p))),
                );
            }
            if lines.is_empty() {
                lines.push("The course has no readings yet.".into());
            }
            let (done, all) = mine.required();
            Reply {
                embeds: vec![Embed {
                    title: Some("Your reading progress".into()),
                    description: Some(lines.join("\n")),
                    footer: Some(format!(
                        "{done} of {all} required readings done · /read done paper: marks one"
                    )),
                    ..Embed::default()
                }],
                ephemeral: true,
                ..Reply::default()
            }
        }
    })
}

/// `/course progress`: per week, how many members marked each required reading read.
pub(super) async fn class_progress(app: &App, guild: u64) -> CourseResult<Reply> {
    let class = app.courses.class_progress(guild).await?;
    let ids: Vec<i64> = class
        .weeks
        .iter()
        .flat_map(|w| w.readings.iter().map(|(r, _)| r.paper_id))
        .collect();
    let titles = titles(app, guild, &ids).await?;
    let mut lines = week_lines(&class.weeks, |r, readers| {
        let who = if *readers == 1 { "member" } else { "members" };
        format!("• {} — {readers} {who}", title_of(&titles, r.paper_id))
    });
    if lines.is_empty() {
        lines.push("The course has no required readings yet.".into());
    }
    Ok(Reply {
        embeds: vec![Embed {
            title: Some("Reading progress: required readings marked read".into()),
            description: Some(lines.join("\n")),
            footer: Some(format!(
                "{} member(s) have marked readings with /read done",
                class.members
            )),
            ..Embed::default()
        }],
        ephemeral: true,
        ..Reply::default()
    })
}

/// A heading per week, then one line per reading.
fn week_lines<T>(
    weeks: &[WeekReadings<T>],
    line: impl Fn(&crate::course::Reading, &T) -> String,
) -> Vec<String> {
    let mut lines = Vec::new();
    for w in weeks {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(
            "**Week {}** · {} · {}",
            w.week,
            w.session.date,
            escape(&truncate(&w.session.title, 120))
        ));
        lines.extend(w.readings.iter().map(|(r, t)| line(r, t)));
    }
    lines
}

fn title_of(titles: &HashMap<i64, String>, id: i64) -> String {
    titles
        .get(&id)
        .cloned()
        .unwrap_or_else(|| format!("paper {id}"))
}

/// Escaped, shortened titles of papers as the guild sees them.
async fn titles(app: &App, guild: u64, ids: &[i64]) -> CourseResult<HashMap<i64, String>> {
    let papers = app.catalog.papers_by_id(Scope(guild), ids).await?;
    Ok(papers
        .into_iter()
        .map(|p| (p.id, escape(&truncate(&p.title, 150))))
        .collect())
}
