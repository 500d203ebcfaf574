//! `/note add|list|edit|delete|publish|history` and `/notes export`. A note is shown as
//! text, never as markup or a mention: its text is escaped and replies go out with no
//! allowed mentions. Which notes a caller sees is decided in the store.

use super::course_cmd::{done, user_error};
use super::team_cmd::{member, NOT_IN_A_SERVER};
use super::{Caller, Result};
use crate::course::{CourseError, Member, Note};
use crate::markdown::escape;
use crate::model::{Paper, Scope};
use crate::state::App;
use crate::view::limits::{self, truncate};
use crate::view::{Embed, Reply};

mod export;

pub use export::ExportBy;

/// `/note ...` and `/notes export`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteRequest {
    Add { paper: String, text: String },
    List { paper: String },
    Edit { note: i64, text: String },
    Delete { note: i64 },
    Publish { note: i64 },
    History { note: i64 },
    Export(ExportBy),
}

type CourseResult<T> = std::result::Result<T, CourseError>;

pub(super) async fn note(app: &App, caller: &Caller, request: NoteRequest) -> Result<Reply> {
    let guild = caller.scope.0;
    if guild == Scope::GLOBAL.0 {
        return Ok(Reply::error(NOT_IN_A_SERVER));
    }
    let who = member(app, caller).await?;
    user_error(run(app, guild, who, request).await)
}

async fn run(app: &App, guild: u64, who: Member<'_>, request: NoteRequest) -> CourseResult<Reply> {
    let c = &app.courses;
    let now = app.clock.now();
    Ok(match request {
        NoteRequest::Add { paper, text } => {
            let n = c
                .add_note(&app.catalog, guild, who, &paper, &text, now)
                .await?;
            let title = paper_title(app, guild, n.paper_id).await?;
            let public = c.course(guild).await?.is_some_and(|c| c.notes_public);
            let audience = match &n.team {
                _ if public => "this course's notes are visible to the whole class".to_string(),
                Some(t) => format!(
                    "team `{}` sees it until you `/note publish note:{}`",
                    t.replace('`', "'"),
                    n.id
                ),
                None => format!(
                    "only you see it (you are in no team) until you `/note publish note:{}`",
                    n.id
                ),
            };
            done(format!("✓ Note #{} on “{title}” saved; {audience}.", n.id))
        }
        NoteRequest::List { paper } => {
            let id = c.paper_id(&app.catalog, guild, &paper).await?;
            let notes = c.visible_notes(guild, who, Some(&[id]), None).await?;
            let title = paper_title(app, guild, id).await?;
            list_reply(&title, &notes)
        }
        NoteRequest::Edit { note, text } => {
            let n = c.edit_note(guild, who, note, &text, now).await?;
            done(format!(
                "✓ Note #{} updated; its earlier text is kept ({} earlier version{}).",
                n.id,
                n.revisions,
                if n.revisions == 1 { "" } else { "s" }
            ))
        }
        NoteRequest::Delete { note } => {
            let n = c.delete_note(guild, who, note).await?;
            done(format!("✓ Note #{} deleted.", n.id))
        }
        NoteRequest::Publish { note } => {
            let n = c.publish_note(guild, who, note).await?;
            done(format!(
                "✓ Note #{} is published: the whole class sees it.",
                n.id
            ))
        }
        NoteRequest::History { note } => {
            let revisions = c.note_revisions(guild, who, note).await?;
            let n = c.note(guild, note).await?;
            let mut lines: Vec<String> = revisions
                .iter()
                .map(|r| {
                    format!(
                        "<t:{}:f> replaced:\n{}",
                        r.replaced.timestamp(),
                        quote(&r.text)
                    )
                })
                .collect();
            lines.push(format!("Now:\n{}", quote(&n.text)));
            Reply {
                embeds: vec![Embed {
                    title: Some(format!(
                        "Note #{} — {} earlier version(s)",
                        n.id,
                        revisions.len()
                    )),
                    description: Some(truncate(&lines.join("\n\n"), limits::EMBED_DESCRIPTION)),
                    ..Embed::default()
                }],
                ephemeral: true,
                ..Reply::default()
            }
        }
        NoteRequest::Export(by) => export::export(app, guild, who, by).await?,
    })
}

async fn paper_title(app: &App, guild: u64, id: i64) -> CourseResult<String> {
    let papers: Vec<Paper> = app.catalog.papers_by_id(Scope(guild), &[id]).await?;
    Ok(papers.first().map_or_else(
        || format!("paper {id}"),
        |p| escape(&truncate(&p.title, 150)),
    ))
}

/// A note's text as an escaped block quote.
fn quote(text: &str) -> String {
    text.lines()
        .map(|l| format!("> {}", escape(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The header line of a note: number, author, team, time, who sees it.
fn header(n: &Note) -> String {
    let team = n
        .team
        .as_deref()
        .map_or("no team".to_string(), |t| format!("team {}", escape(t)));
    let seen = if n.published {
        "published"
    } else {
        "unpublished"
    };
    let edited = if n.revisions > 0 { " · edited" } else { "" };
    format!(
        "**#{}** · <@{}> · {team} · <t:{}:f> · {seen}{edited}",
        n.id,
        n.author,
        n.written.timestamp()
    )
}

/// The notes on one paper, newest kept when they do not all fit in one embed. Private,
/// as every reply that can hold an unpublished note: a student's list shows their team's
/// notes and an instructor's every team's, which the channel must not see. The empty
/// answer is the same private embed, so nothing tells the channel whether notes exist (and
/// the command line does not read it as a refusal).
fn list_reply(title: &str, notes: &[Note]) -> Reply {
    let heading = truncate(&format!("Notes on {title}"), limits::EMBED_TITLE);
    if notes.is_empty() {
        return Reply {
            embeds: vec![Embed {
                title: Some(heading),
                description: Some(format!(
                    "No notes you can see on “{title}” yet; write one with `/note add`."
                )),
                ..Embed::default()
            }],
            ephemeral: true,
            ..Reply::default()
        };
    }
    let budget = limits::EMBED_DESCRIPTION - 200;
    let mut shown: Vec<String> = Vec::new();
    let mut used = 0;
    for n in notes.iter().rev() {
        let block = format!("{}\n{}", header(n), quote(&n.text));
        if used + block.chars().count() + 2 > budget && !shown.is_empty() {
            break;
        }
        used += block.chars().count() + 2;
        shown.push(block);
    }
    let left = notes.len() - shown.len();
    shown.reverse();
    Reply {
        embeds: vec![Embed {
            title: Some(heading),
            description: Some(truncate(&shown.join("\n\n"), limits::EMBED_DESCRIPTION)),
            footer: Some(match left {
                0 => format!("{} note(s)", notes.len()),
                n => format!("{n} older note(s) not shown: /notes export paper: has them all"),
            }),
            ..Embed::default()
        }],
        ephemeral: true,
        ..Reply::default()
    }
}
