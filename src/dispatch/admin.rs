//! Instructor imports, the import report as users read it, and help.

use super::{Caller, Result};
use crate::catalog::{Catalog, ImportReport};
use crate::markdown;
use crate::view::{Embed, Reply};

pub(super) async fn import(
    catalog: &Catalog,
    caller: &Caller,
    filename: &str,
    bytes: &[u8],
) -> Result<Reply> {
    if !caller.instructor {
        return Ok(Reply::error(
            "Only instructors (Manage Server, or the instructor role) can import reading lists.",
        ));
    }
    let name = format!(
        "discord:{}",
        filename.rsplit(['/', '\\']).next().unwrap_or(filename)
    );
    let report = catalog.import_bytes(caller.scope, &name, bytes, None).await;
    // Warnings quote the list (keys, titles) and the file name is the uploader's.
    Ok(Reply {
        content: Some(markdown::escape(&report_text(&report))),
        ephemeral: true,
        ..Reply::default()
    })
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
                    "`/import file:<.md or .bib>` — instructors: add a reading list",
                    "`/week [week:]` · `/schedule` — this week's readings, a week by number or date, the whole term",
                    "`/course info` · `/course status` — the course, its last and next weekly post",
                    "`/course setup` · `/session import|add|edit|move|skip|remove` — instructors: the course, its weekly post and its sessions",
                    "`/team join team:` · `/team list` — your course team (one per course)",
                    "`/note add paper: text:` · `/note list paper:` · `/note publish note:` — notes your team sees until published; `/notes export` for a file",
                    "`/help` — this message",
                ]
                .join("\n"),
            ),
            ..Embed::default()
        }],
        ..Reply::default()
    }
}
