//! `/notes export`: an annotated bibliography as a markdown file, for a week, a paper or a
//! team: each paper's APA citation, then the notes on it the caller may see.

use super::CourseResult;
use crate::cite::{cite_markdown, CiteFormat};
use crate::course::{refuse, Member, Note};
use crate::markdown::escape;
use crate::model::{Paper, Scope};
use crate::state::App;
use crate::view::{Attachment, Reply};
use std::collections::HashMap;
use std::fmt::Write as _;

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportBy {
    /// A week by number (1-based, as in `/schedule`).
    Session(usize),
    Paper(String),
    Team(String),
}

impl ExportBy {
    /// Exactly one of the three options, or the message saying so.
    pub fn from_options(
        session: Option<usize>,
        paper: Option<String>,
        team: Option<String>,
    ) -> Result<ExportBy, &'static str> {
        match (session, paper, team) {
            (Some(n), None, None) => Ok(ExportBy::Session(n)),
            (None, Some(p), None) => Ok(ExportBy::Paper(p)),
            (None, None, Some(t)) => Ok(ExportBy::Team(t)),
            _ => Err("Export one thing: `session:` (a week's number), `paper:` or `team:`."),
        }
    }
}

pub(super) async fn export(
    app: &App,
    guild: u64,
    who: Member<'_>,
    by: ExportBy,
) -> CourseResult<Reply> {
    let c = &app.courses;
    let scope = Scope(guild);
    let (title, filename, papers, notes) = match by {
        ExportBy::Session(n) => {
            let (n, session) = c.week(guild, n).await?;
            let ids: Vec<i64> = session.readings.iter().map(|r| r.paper_id).collect();
            if ids.is_empty() {
                return refuse(format!("Week {n} has no readings to export."));
            }
            let notes = c.visible_notes(guild, who, Some(&ids), None).await?;
            let papers = app.catalog.papers_by_id(scope, &ids).await?;
            let title = session.week_label(n);
            (title, format!("notes-week-{n}.md"), papers, notes)
        }
        ExportBy::Paper(p) => {
            let id = c.paper_id(&app.catalog, guild, &p).await?;
            let notes = c.visible_notes(guild, who, Some(&[id]), None).await?;
            let papers = app.catalog.papers_by_id(scope, &[id]).await?;
            let (title, file) = papers.first().map_or_else(
                || (format!("paper {id}"), "notes.md".to_string()),
                |p| (p.title.clone(), format!("notes-{}.md", file_safe(&p.key))),
            );
            (title, file, papers, notes)
        }
        ExportBy::Team(t) => {
            let team = c.team_named(guild, &t).await?;
            let notes = c.visible_notes(guild, who, None, Some(team.id)).await?;
            // The papers in the order the team first wrote about them.
            let mut ids: Vec<i64> = Vec::new();
            for n in &notes {
                if !ids.contains(&n.paper_id) {
                    ids.push(n.paper_id);
                }
            }
            if ids.is_empty() {
                return refuse(format!(
                    "Team {} has no notes you can see yet.",
                    team.shown()
                ));
            }
            let papers = app.catalog.papers_by_id(scope, &ids).await?;
            let file = format!("notes-{}.md", file_safe(&team.name));
            (format!("Team {}", team.name), file, papers, notes)
        }
    };
    let text = bibliography(&title, &papers, &notes, app.clock.now());
    let count = notes.len();
    Ok(Reply {
        content: Some(format!(
            "✓ Annotated bibliography of {}: {} paper(s), {count} note(s) you can see.",
            escape(&title),
            papers.len()
        )),
        attachments: vec![Attachment {
            filename,
            bytes: text.into_bytes(),
        }],
        ephemeral: true,
        ..Reply::default()
    })
}

/// The markdown file: a heading, then per paper its citation and the notes on it.
fn bibliography(
    title: &str,
    papers: &[Paper],
    notes: &[Note],
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let mut by_paper: HashMap<i64, Vec<&Note>> = HashMap::new();
    for n in notes {
        by_paper.entry(n.paper_id).or_default().push(n);
    }
    let mut out = String::new();
    let _ = writeln!(out, "# Annotated bibliography: {}\n", escape(title));
    let _ = writeln!(
        out,
        "Exported {} UTC. Unpublished notes appear to their team and instructors only, unless the course makes notes class-visible.\n",
        now.format("%Y-%m-%d %H:%M")
    );
    for (i, p) in papers.iter().enumerate() {
        let _ = writeln!(out, "## {}. {}\n", i + 1, escape(&p.title));
        let _ = writeln!(out, "{}\n", cite_markdown(p, CiteFormat::Apa));
        match by_paper.get(&p.id) {
            None => out.push_str("_No notes you can see._\n\n"),
            Some(list) => {
                for n in list {
                    let team = n.team.as_deref().map_or("no team".into(), escape);
                    let seen = if n.published {
                        "published"
                    } else {
                        "unpublished"
                    };
                    let _ = writeln!(
                        out,
                        "**Note #{}** by user {} ({team}, {} UTC, {seen})\n",
                        n.id,
                        n.author,
                        n.written.format("%Y-%m-%d %H:%M")
                    );
                    for line in n.text.lines() {
                        let _ = writeln!(out, "> {}", escape(line));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A name usable in a file name: letters, digits, `-` and `_`.
fn file_safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(60)
        .collect();
    if s.is_empty() {
        "notes".into()
    } else {
        s
    }
}
