//! Instructor imports, the import report as users read it, and help.

use super::{Caller, Result};
use crate::catalog::{decode, list_name, Catalog, ImportReport, ReadingSession, Removal};
use crate::markdown;
use crate::view::limits::truncate;
use crate::view::{Embed, Reply};

const INSTRUCTORS_ONLY: &str =
    "Only instructors (Manage Server, or the instructor role) can import reading lists.";

pub(super) async fn import(
    catalog: &Catalog,
    caller: &Caller,
    filename: &str,
    bytes: &[u8],
    replace: Option<&str>,
) -> Result<Reply> {
    if !caller.instructor {
        return Ok(Reply::error(INSTRUCTORS_ONLY));
    }
    let text = decode(bytes).unwrap_or_default();
    let name = match catalog
        .upload_name(caller.scope, filename, text, replace)
        .await?
    {
        Ok(name) => name,
        Err(message) => return Ok(Reply::error(message)),
    };
    let mut report = catalog.import_bytes(caller.scope, &name, bytes, None).await;
    // Users know the list by its file name; the prefix only keeps uploads apart from paths.
    report.file = list_name(&report.file).to_string();
    // Warnings quote the list (keys, titles) and the file name is the uploader's.
    Ok(Reply {
        content: Some(markdown::escape(&report_text(&report))),
        ephemeral: true,
        ..Reply::default()
    })
}

/// The server's own lists, newest first.
pub(super) async fn lists(catalog: &Catalog, caller: &Caller) -> Result<Reply> {
    let lists = catalog.lists(caller.scope).await?;
    if lists.is_empty() {
        return Ok(Reply::text(
            "This server has imported no reading lists of its own; it sees the shared catalog. Instructors add one with `/import file`.",
        ));
    }
    let mut out = format!("**Reading lists of this server** ({})\n", lists.len());
    for l in &lists {
        out.push_str(&format!(
            "• {} — {}, {} paper{}, imported {} UTC\n",
            markdown::escape(&l.name),
            l.format,
            l.entries,
            if l.entries == 1 { "" } else { "s" },
            l.imported_at.get(..16).unwrap_or(&l.imported_at),
        ));
    }
    out.push_str("Replace one with `/import file replace:<list>`; remove one with `/import remove list:<list>`.");
    Ok(Reply {
        content: Some(out),
        ..Reply::default()
    })
}

/// Removes one of the server's lists with everything it stated.
pub(super) async fn remove_list(catalog: &Catalog, caller: &Caller, list: &str) -> Result<Reply> {
    if !caller.instructor {
        return Ok(Reply::error(INSTRUCTORS_ONLY));
    }
    Ok(match catalog.remove_list(caller.scope, list).await? {
        Removal::NotFound => Reply::error(format!(
            "This server has no list named {}; `/import list` shows them.",
            super::quoted(list)
        )),
        Removal::ReadBy(sessions) => Reply::error(read_by(list, &sessions)),
        Removal::Removed(papers) => Reply {
            content: Some(format!(
                "✓ Removed {} and what it said about {papers} paper{}; papers other lists name stay.",
                super::quoted(list),
                if papers == 1 { "" } else { "s" }
            )),
            ephemeral: true,
            ..Reply::default()
        },
    })
}

/// Why a list stays: the weeks that would lose readings, named by number and title.
pub fn read_by(list: &str, sessions: &[ReadingSession]) -> String {
    let weeks: Vec<String> = sessions
        .iter()
        .map(|s| {
            format!(
                "week {} (“{}”)",
                s.week,
                markdown::escape(&truncate(&s.title, 80))
            )
        })
        .collect();
    format!(
        "{} stays: it gives {} readings no other list has, and removing it would leave {} without them. Edit or remove {} first (`/session edit week: required:` or `/session remove week:`), or import a new version with `replace:`.",
        super::quoted(list),
        weeks.join(", "),
        if sessions.len() == 1 { "that week" } else { "those weeks" },
        if sessions.len() == 1 { "it" } else { "them" },
    )
}

/// The import report as users read it (command line and Discord).
pub fn report_text(r: &ImportReport) -> String {
    let mut out = String::new();
    match (&r.error, &r.format) {
        (Some(e), _) => out.push_str(&format!("✗ {}: {e}\n", r.file)),
        (None, f) => out.push_str(&format!(
            "{} {} ({}): {} entries — {} new, {} merged, {} unchanged, {} skipped{}\n",
            if r.not_searchable.is_some() {
                "⚠"
            } else {
                "✓"
            },
            r.file,
            f.as_deref().unwrap_or("?"),
            r.entries,
            r.new,
            r.merged,
            r.unchanged,
            r.skipped,
            if r.dropped > 0 {
                format!(", {} dropped", r.dropped)
            } else {
                String::new()
            }
        )),
    }
    if let Some(why) = &r.not_searchable {
        out.push_str(&format!("  ⚠ stored, but not yet searchable: {why}\n"));
    }
    for w in &r.warnings {
        out.push_str(&format!("  ⚠ {}:{}: {}\n", r.file, w.line, w.message));
    }
    out
}

pub(super) fn help() -> Reply {
    Reply {
        embeds: vec![Embed {
            title: Some("paperclub — your course's reading list".into()),
            description: Some(
                [
                    "`/paper search query:<words> [tag:] [limit:]` — find papers by title, authors, abstract or tags",
                    "`/paper tag tag:<tag>` — every paper with a tag",
                    "`/paper show paper:<key, arXiv id, DOI or title>` — one paper in full",
                    "`/tags` — all tags with counts",
                    "`/cite paper:<paper> [format:]` — BibTeX, BibLaTeX, APA, MLA, Chicago, IEEE or Markdown; `papers:\"k1 k2\"` or `tag:` for a .bib file",
                    "`/recommend paper:<paper>` (or `papers:`, `tag:`, `text:`, `session:<week>`, `for:me|team`) — related papers, each with why",
                    "`/import file file:<.md or .bib> [replace:]` · `/import list` · `/import remove list:` — instructors: the server's reading lists",
                    "`/week [week:]` · `/schedule` — this week's readings, a week by number or date, the whole term",
                    "`/course info` · `/course status` — the course, its last and next weekly post; each post announces every session from its time up to the next post's, in the course's time zone",
                    "`/course setup|edit|export|import` · `/session import|add|edit|move|skip|remove|announce` — instructors: the course, its weekly post, its sessions, and the course as a file for next term",
                    "`/team join team:` · `/team list` · `/team members team:` — your course team (one per course); `/team create` · `/team move member: [team:]` — instructors (a move between teams is theirs, and recorded)",
                    "`/note add paper: text:` · `/note list paper:` · `/note edit|delete|publish|history note:` — notes your team sees until published; `/notes export` for a file",
                    "`/slot claim paper:` · `/slot release paper:` · `/slot swap a: b:` · `/slot list [week:]` · `/slot export` — presentation slots for your team, and the schedule as a calendar file",
                    "`/slot assign paper: team: [date:]` · `/slot autofill` — instructors: give slots to teams",
                    "`/read done paper:` · `/read undo paper:` · `/read list` — your reading progress; `/course progress` — instructors: the class's",
                    "`/help` — this message",
                ]
                .join("\n"),
            ),
            ..Embed::default()
        }],
        ..Reply::default()
    }
}
