//! What students read of a course: `/week` (this week, a week by number or by date) and
//! `/schedule` (the whole term), and how a session's title and day are shown.

use super::course_cmd::{next_post_footer, user_error};
use super::{Caller, Result};
use crate::course::{week_start, Session};
use crate::markdown::escape;
use crate::model::{Paper, Scope};
use crate::state::App;
use crate::view::limits::truncate;
use crate::view::{Embed, Field, Reply};

/// `/week [number or date]`: a week as students see it.
pub(super) async fn week(app: &App, caller: &Caller, which: Option<String>) -> Result<Reply> {
    let guild = caller.scope.0;
    let c = &app.courses;
    user_error(
        async {
            let course = c.require(guild).await?;
            let which = which.as_deref().map(str::trim).filter(|w| !w.is_empty());
            // The instant asked about, unless the week is asked for by number.
            let at = match which {
                None => Some(app.clock.now()),
                Some(w) if w.parse::<usize>().is_ok() => None,
                Some(w) => {
                    let (date, _) = crate::course::parse_when(w)?;
                    course.local_instant(date, chrono::NaiveTime::MIN)
                }
            };
            let (n, session) = match (at, which.and_then(|w| w.parse::<usize>().ok())) {
                (_, Some(n)) => c.week(guild, n).await?,
                (Some(at), None) => c.week_of(guild, at).await?,
                (None, None) => c.week_of(guild, app.clock.now()).await?,
            };
            // A date after the term finds its last week, one before it or in a break the
            // next week: say so rather than pass it off as the week asked for.
            let monday = at.map(|at| week_start(at, &course));
            let note = match monday {
                Some(m) if session.date < m => {
                    Some(format!("The term is over; its last week was week {n}."))
                }
                Some(m) if session.date > m + chrono::Duration::days(6) && n == 1 => {
                    Some("The term has not started yet; this is its first week.".to_string())
                }
                Some(m) if session.date > m + chrono::Duration::days(6) => {
                    Some(format!("No session that week; the next is week {n}."))
                }
                _ => None,
            };
            let (required, optional) = (session.reading_ids(true), session.reading_ids(false));
            let required = app.catalog.papers_by_id(Scope(guild), &required).await?;
            let optional = app.catalog.papers_by_id(Scope(guild), &optional).await?;
            let mut card = week_card(n, &session, &required, &optional);
            card.content = note;
            Ok(card)
        }
        .await,
    )
}

/// `/schedule`: the whole term, one line a week.
pub(super) async fn schedule(app: &App, caller: &Caller) -> Result<Reply> {
    let guild = caller.scope.0;
    user_error(
        async {
            let course = app.courses.require(guild).await?;
            let sessions = app.courses.sessions(guild).await?;
            if sessions.is_empty() {
                return Ok(Reply::text("The course has no sessions yet; an instructor adds them with `/session import` or `/session add`."));
            }
            let lines: Vec<String> = sessions
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let line = format!("**{}.** {} — {}", i + 1, when(s), title(s));
                    if s.skipped {
                        format!("~~{line}~~ (no session)")
                    } else {
                        let req = s.readings.iter().filter(|r| r.required).count();
                        format!("{line} · {req} required, {} optional", s.readings.len() - req)
                    }
                })
                .collect();
            Ok(Reply {
                embeds: vec![Embed {
                    title: Some(format!("Schedule ({} weeks)", sessions.len())),
                    description: Some(lines.join("\n")),
                    footer: Some(next_post_footer(&course)),
                    ..Embed::default()
                }],
                ..Reply::default()
            })
        }
        .await,
    )
}

pub(super) fn title(s: &Session) -> String {
    escape(&truncate(&s.title, 150))
}

/// The session's date (and time) as a Discord timestamp.
pub(super) fn when(s: &Session) -> String {
    let ts = s.starts_at.timestamp();
    match s.time {
        Some(_) => format!("<t:{ts}:f>"),
        None => crate::schedule::render::day(s.date),
    }
}

fn week_card(n: usize, s: &Session, required: &[Paper], optional: &[Paper]) -> Reply {
    let list = |papers: &[Paper]| -> String {
        let lines: Vec<String> = papers
            .iter()
            .map(|p| {
                let t = escape(&truncate(&p.title, 200));
                let t = match p.primary_url() {
                    Some(u) => format!("[{t}](<{u}>)"),
                    None => t,
                };
                format!("• {t} · `{}`", p.key.replace('`', "'"))
            })
            .collect();
        truncate(&lines.join("\n"), crate::view::limits::FIELD_VALUE)
    };
    let mut fields = Vec::new();
    for (name, papers) in [
        ("Required readings", required),
        ("Optional readings", optional),
    ] {
        if !papers.is_empty() {
            fields.push(Field {
                name: name.into(),
                value: list(papers),
                inline: false,
            });
        }
    }
    for (name, team) in [
        ("Notes", &s.notes_team),
        ("Video", &s.video_team),
        ("Presenting", &s.presenters),
    ] {
        if let Some(t) = team {
            fields.push(Field {
                name: name.into(),
                value: escape(&truncate(t, 100)),
                inline: true,
            });
        }
    }
    let description = if s.skipped {
        format!("{} — no session this week.", when(s))
    } else {
        format!("{} · <t:{}:R>", when(s), s.starts_at.timestamp())
    };
    Reply {
        embeds: vec![Embed {
            title: Some(crate::schedule::render::week_title(n, &s.title)),
            description: Some(description),
            fields,
            ..Embed::default()
        }],
        ..Reply::default()
    }
}
