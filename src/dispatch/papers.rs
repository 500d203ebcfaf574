//! Finding papers: search, by tag, one paper in full, and the tag list.

use super::{page_of, pager, quoted, Result};
use crate::catalog::{Catalog, Resolved};
use crate::ingest::ids::tag_key;
use crate::markdown::{self, code};
use crate::model::{Paper, Scope};
use crate::view::cards::{list_line, paper_card, result_card};
use crate::view::limits::{self, truncate};
use crate::view::{Button, ButtonStyle, Embed, Reply};

/// The id of a paper card's "More like this" button: this, then the paper's id.
pub const MORE_LIKE_THIS: &str = "more:";

/// Search results per page: five cards fit Discord's 6,000-character budget.
const RESULTS_PER_PAGE: usize = 5;
/// List lines per page (`/paper tag`, `/tags`).
const LINES_PER_PAGE: usize = 10;
const TAGS_PER_PAGE: usize = 40;
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 50;

pub(super) async fn search(
    catalog: &Catalog,
    scope: Scope,
    query: &str,
    tag: Option<String>,
    limit: Option<usize>,
    page: usize,
) -> Result<Reply> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let tags: Vec<String> = tag
        .iter()
        .filter(|t| !t.trim().is_empty())
        .cloned()
        .collect();
    if query.trim().is_empty() && tags.is_empty() {
        return Ok(Reply::error(
            "Type something to search for, e.g. `scaling laws`.",
        ));
    }
    let results = catalog.search(scope, query, &tags, None, limit).await?;
    let what = match tags.first() {
        Some(t) if query.trim().is_empty() => format!("tagged {}", quoted(t)),
        Some(t) => format!("for {} tagged {}", quoted(query), quoted(t)),
        None => format!("for {}", quoted(query)),
    };
    if results.is_empty() {
        return Ok(Reply::text(format!(
            "No papers found {what}. Try fewer words, or `/tags` to browse."
        )));
    }
    let (slice, pager) = page_of(&results, page, RESULTS_PER_PAGE);
    Ok(Reply {
        content: Some(format!(
            "**{}** result{} {what}",
            results.len(),
            if results.len() == 1 { "" } else { "s" }
        )),
        embeds: slice
            .iter()
            .map(|r| result_card(&r.paper, &r.snippet))
            .collect(),
        pager,
        ..Reply::default()
    })
}

pub(super) async fn by_tag(
    catalog: &Catalog,
    scope: Scope,
    tag: &str,
    page: usize,
) -> Result<Reply> {
    if tag.trim().is_empty() {
        return Ok(Reply::error(
            "Name a tag, e.g. `scaling laws`; `/tags` lists them all.",
        ));
    }
    let total = catalog.count_tagged(scope, tag).await?;
    if total == 0 {
        return no_such_tag(catalog, scope, tag).await;
    }
    // Only the page shown is loaded: a tag may hold thousands of papers.
    let (page, pager) = pager(total, page, LINES_PER_PAGE);
    let papers = catalog
        .by_tag_page(scope, tag, page * LINES_PER_PAGE, Some(LINES_PER_PAGE))
        .await?;
    // The tag as first written (`Scaling Laws`), not as typed (`scaling-laws`).
    let key = tag_key(tag);
    let shown = papers
        .iter()
        .flat_map(|p| &p.tags)
        .find(|t| tag_key(t) == key)
        .map_or(tag.trim(), String::as_str);
    let lines: Vec<String> = papers.iter().map(list_line).collect();
    Ok(Reply {
        embeds: vec![Embed {
            title: Some(truncate(
                &format!(
                    "Tagged “{}” — {total} paper{}",
                    markdown::escape(shown),
                    if total == 1 { "" } else { "s" }
                ),
                limits::EMBED_TITLE,
            )),
            description: Some(lines.join("\n")),
            ..Embed::default()
        }],
        pager,
        ..Reply::default()
    })
}

pub(super) async fn show(catalog: &Catalog, scope: Scope, id: &str) -> Result<Reply> {
    if id.trim().is_empty() {
        return Ok(Reply::error(
            "Name a paper: its citation key, arXiv id, DOI or title words.",
        ));
    }
    match catalog.resolve(scope, id).await? {
        Resolved::One(p) => Ok(Reply {
            embeds: vec![paper_card(&p)],
            // Everything the press needs is in the id, so the card works across restarts.
            buttons: vec![Button {
                id: format!("{MORE_LIKE_THIS}{}", p.id),
                label: "More like this".into(),
                style: ButtonStyle::Secondary,
                typed: format!("/recommend paper:{}", p.key),
            }],
            ..Reply::default()
        }),
        Resolved::Ambiguous(list) => Ok(ambiguous(id, &list)),
        Resolved::NotFound => Ok(not_found(id)),
    }
}

pub(super) fn ambiguous(id: &str, list: &[Paper]) -> Reply {
    let lines: Vec<String> = list.iter().map(|p| format!("• {}", list_line(p))).collect();
    Reply {
        content: Some(format!(
            "Several papers match {}; use a key:\n{}",
            quoted(id),
            lines.join("\n")
        )),
        ephemeral: true,
        ..Reply::default()
    }
}

pub(super) fn not_found(id: &str) -> Reply {
    Reply::error(format!(
        "No paper matches {}. Try `/paper search` with a few title words.",
        quoted(id)
    ))
}

pub(super) async fn tags(catalog: &Catalog, scope: Scope, page: usize) -> Result<Reply> {
    let all = catalog.tags(scope).await?;
    if all.is_empty() {
        return Ok(Reply::text(
            "No tags yet: an instructor can `/import` a reading list.",
        ));
    }
    let (slice, pager) = page_of(&all, page, TAGS_PER_PAGE);
    let lines: Vec<String> = slice
        .iter()
        .map(|t| format!("{} ({})", code(&t.tag), t.count))
        .collect();
    Ok(Reply {
        embeds: vec![Embed {
            title: Some(format!("{} tags", all.len())),
            description: Some(lines.join(" · ")),
            ..Embed::default()
        }],
        pager,
        ..Reply::default()
    })
}

/// A tag no paper carries, with the tags that start like it (or how to list them all).
pub(super) async fn no_such_tag(catalog: &Catalog, scope: Scope, tag: &str) -> Result<Reply> {
    Ok(Reply::error(no_such_tag_text(catalog, scope, tag).await?))
}

/// The words of [`no_such_tag`], for a command that refuses in its own way.
pub(super) async fn no_such_tag_text(catalog: &Catalog, scope: Scope, tag: &str) -> Result<String> {
    let near = catalog.tag_prefix(scope, tag, 5).await?;
    let hint = if near.is_empty() {
        "`/tags` lists every tag.".to_string()
    } else {
        let names: Vec<String> = near.iter().map(|t| code(&t.tag)).collect();
        format!("Did you mean {}?", names.join(", "))
    };
    Ok(format!("No papers are tagged {}. {hint}", quoted(tag)))
}
