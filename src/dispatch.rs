//! The commands every surface offers, as data: the Discord adapter and the chat REPL both
//! turn user input into a [`Request`], call [`handle`], and render the [`Reply`].

use crate::catalog::{Catalog, ImportReport, Resolved};
use crate::cite::{self, CiteFormat};
use crate::ingest::ids::tag_key;
use crate::model::{Paper, Scope};
use crate::view::cards::{escape_md, list_line, paper_card, result_card};
use crate::view::limits::{self, truncate};
use crate::view::{Attachment, Embed, Pager, Reply};
use tracing::Instrument;

/// Who is asking, in which guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub scope: Scope,
    pub user_id: u64,
    /// Has Manage Server or the configured instructor role.
    pub instructor: bool,
}

/// One command invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Search {
        query: String,
        tag: Option<String>,
        limit: Option<usize>,
        page: usize,
    },
    Tag {
        tag: String,
        page: usize,
    },
    Show {
        paper: String,
    },
    Tags {
        page: usize,
    },
    Cite {
        /// One paper (key, arXiv id, DOI or title words).
        paper: Option<String>,
        /// Several keys separated by spaces or commas.
        papers: Option<String>,
        tag: Option<String>,
        format: CiteFormat,
    },
    Import {
        filename: String,
        bytes: Vec<u8>,
    },
    Help,
}

/// An autocomplete choice: what the user sees and the value sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

/// Search results per page: five cards fit Discord's 6,000-character budget.
const RESULTS_PER_PAGE: usize = 5;
/// List lines per page (`/paper tag`, `/tags`).
const LINES_PER_PAGE: usize = 10;
const TAGS_PER_PAGE: usize = 40;
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 50;
/// Papers in one multi-paper citation request.
const MAX_CITE: usize = 200;

/// Runs one request. Never fails: user mistakes come back as short ephemeral replies,
/// internal errors are logged with context and shown as a generic message.
pub async fn handle(catalog: &Catalog, caller: &Caller, request: Request) -> Reply {
    let name = request.name();
    let span = tracing::info_span!(
        "command",
        name,
        guild = caller.scope.0,
        user = caller.user_id
    );
    run(catalog, caller, request).instrument(span).await
}

async fn run(catalog: &Catalog, caller: &Caller, request: Request) -> Reply {
    let name = request.name();
    let result = match request {
        Request::Search {
            query,
            tag,
            limit,
            page,
        } => search(catalog, caller.scope, &query, tag, limit, page).await,
        Request::Tag { tag, page } => by_tag(catalog, caller.scope, &tag, page).await,
        Request::Show { paper } => show(catalog, caller.scope, &paper).await,
        Request::Tags { page } => tags(catalog, caller.scope, page).await,
        Request::Cite {
            paper,
            papers,
            tag,
            format,
        } => cite_request(catalog, caller.scope, paper, papers, tag, format).await,
        Request::Import { filename, bytes } => import(catalog, caller, &filename, &bytes).await,
        Request::Help => Ok(help()),
    };
    match result {
        Ok(reply) => reply.fit(),
        Err(e) => {
            tracing::error!(command = name, error = ?e, "command failed");
            Reply::error("Something went wrong on our side; it has been logged. Please try again.")
        }
    }
}

impl Request {
    /// The command's name as users type it.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Search { .. } => "paper search",
            Request::Tag { .. } => "paper tag",
            Request::Show { .. } => "paper show",
            Request::Tags { .. } => "tags",
            Request::Cite { .. } => "cite",
            Request::Import { .. } => "import",
            Request::Help => "help",
        }
    }

    /// The same request at another page, for pagination controls.
    pub fn with_page(&self, new: usize) -> Option<Request> {
        let mut r = self.clone();
        match &mut r {
            Request::Search { page, .. } | Request::Tag { page, .. } | Request::Tags { page } => {
                *page = new;
                Some(r)
            }
            _ => None,
        }
    }
}

type Result<T> = anyhow::Result<T>;

/// Slices one page out of `items`; the page is clamped to the last one.
fn page_of<T>(items: &[T], page: usize, per: usize) -> (&[T], Option<Pager>) {
    let pages = items.len().div_ceil(per).max(1);
    let page = page.min(pages - 1);
    let slice = &items[page * per..((page + 1) * per).min(items.len())];
    (slice, (pages > 1).then_some(Pager { page, pages }))
}

fn quoted(s: &str) -> String {
    format!("“{}”", escape_md(&truncate(s.trim(), 100)))
}

async fn search(
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

async fn by_tag(catalog: &Catalog, scope: Scope, tag: &str, page: usize) -> Result<Reply> {
    if tag.trim().is_empty() {
        return Ok(Reply::error(
            "Name a tag, e.g. `scaling laws`; `/tags` lists them all.",
        ));
    }
    let papers = catalog.by_tag(scope, tag).await?;
    if papers.is_empty() {
        let near = catalog.tag_prefix(scope, tag, 5).await?;
        let hint = if near.is_empty() {
            "`/tags` lists every tag.".to_string()
        } else {
            let names: Vec<String> = near.iter().map(|t| format!("`{}`", t.tag)).collect();
            format!("Did you mean {}?", names.join(", "))
        };
        return Ok(Reply::error(format!(
            "No papers are tagged {}. {hint}",
            quoted(tag)
        )));
    }
    // The tag as first written (`Scaling Laws`), not as typed (`scaling-laws`).
    let key = tag_key(tag);
    let shown = papers
        .iter()
        .flat_map(|p| &p.tags)
        .find(|t| tag_key(t) == key)
        .map_or(tag.trim(), String::as_str);
    let (slice, pager) = page_of(&papers, page, LINES_PER_PAGE);
    let lines: Vec<String> = slice.iter().map(list_line).collect();
    Ok(Reply {
        embeds: vec![Embed {
            title: Some(truncate(
                &format!(
                    "Tagged “{shown}” — {} paper{}",
                    papers.len(),
                    if papers.len() == 1 { "" } else { "s" }
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

async fn show(catalog: &Catalog, scope: Scope, id: &str) -> Result<Reply> {
    match catalog.resolve(scope, id).await? {
        Resolved::One(p) => Ok(Reply {
            embeds: vec![paper_card(&p)],
            ..Reply::default()
        }),
        Resolved::Ambiguous(list) => Ok(ambiguous(id, &list)),
        Resolved::NotFound => Ok(not_found(id)),
    }
}

fn ambiguous(id: &str, list: &[Paper]) -> Reply {
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

fn not_found(id: &str) -> Reply {
    Reply::error(format!(
        "No paper matches {}. Try `/paper search` with a few title words.",
        quoted(id)
    ))
}

async fn tags(catalog: &Catalog, scope: Scope, page: usize) -> Result<Reply> {
    let all = catalog.tags(scope).await?;
    if all.is_empty() {
        return Ok(Reply::text(
            "No tags yet: an instructor can `/import` a reading list.",
        ));
    }
    let (slice, pager) = page_of(&all, page, TAGS_PER_PAGE);
    let lines: Vec<String> = slice
        .iter()
        .map(|t| format!("`{}` ({})", t.tag.replace('`', "'"), t.count))
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

async fn cite_request(
    catalog: &Catalog,
    scope: Scope,
    paper: Option<String>,
    papers: Option<String>,
    tag: Option<String>,
    format: CiteFormat,
) -> Result<Reply> {
    let many_keys = papers.filter(|p| !p.trim().is_empty());
    let tag = tag.filter(|t| !t.trim().is_empty());
    if many_keys.is_none() && tag.is_none() {
        let Some(id) = paper.filter(|p| !p.trim().is_empty()) else {
            return Ok(Reply::error(
                "Name a paper (key, arXiv id, DOI or title words), or give `papers:` or `tag:`.",
            ));
        };
        return Ok(match catalog.resolve(scope, &id).await? {
            Resolved::One(p) => single_citation(&p, format),
            Resolved::Ambiguous(list) => ambiguous(&id, &list),
            Resolved::NotFound => not_found(&id),
        });
    }
    let mut list: Vec<Paper> = Vec::new();
    let mut missing = Vec::new();
    for id in paper
        .iter()
        .chain(many_keys.iter())
        .flat_map(|s| s.split([' ', ',', ';', '\n']))
    {
        if id.trim().is_empty() {
            continue;
        }
        match catalog.resolve(scope, id).await? {
            Resolved::One(p) => list.push(*p),
            _ => missing.push(id.trim().to_string()),
        }
    }
    if let Some(t) = &tag {
        list.extend(catalog.by_tag(scope, t).await?);
    }
    let mut seen = std::collections::HashSet::new();
    list.retain(|p| seen.insert(p.id));
    if !missing.is_empty() {
        let names: Vec<String> = missing
            .iter()
            .take(10)
            .map(|m| format!("`{}`", m.replace('`', "'")))
            .collect();
        return Ok(Reply::error(format!(
            "Not found: {}. Nothing was cited.",
            names.join(", ")
        )));
    }
    if list.is_empty() {
        return Ok(Reply::error("No papers to cite."));
    }
    if list.len() > MAX_CITE {
        return Ok(Reply::error(format!(
            "That is {} papers; cite at most {MAX_CITE} at once.",
            list.len()
        )));
    }
    let body = cite::cite_many(&list, format);
    let (filename, what) = match format {
        CiteFormat::Bibtex | CiteFormat::Biblatex => ("references.bib", "BibTeX"),
        CiteFormat::Markdown => ("references.md", "Markdown"),
        _ => ("references.txt", format.name()),
    };
    Ok(Reply {
        content: Some(format!("{} references ({what}) attached.", list.len())),
        attachments: vec![Attachment {
            filename: filename.into(),
            bytes: body.into_bytes(),
        }],
        ..Reply::default()
    })
}

fn single_citation(p: &Paper, format: CiteFormat) -> Reply {
    let text = cite::cite(p, format);
    let block = match format {
        CiteFormat::Bibtex | CiteFormat::Biblatex => format!("```bibtex\n{}\n```", text.trim_end()),
        CiteFormat::Markdown => format!("```md\n{}\n```", text.trim_end()),
        _ => cite::cite_markdown(p, format).trim_end().to_string(),
    };
    if block.chars().count() <= limits::CONTENT {
        return Reply::text(block);
    }
    Reply {
        content: Some(format!(
            "The citation of `{}` is long; it is attached.",
            p.key
        )),
        attachments: vec![Attachment {
            filename: format!("{}.bib", p.key),
            bytes: text.into_bytes(),
        }],
        ..Reply::default()
    }
}

async fn import(catalog: &Catalog, caller: &Caller, filename: &str, bytes: &[u8]) -> Result<Reply> {
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
    Ok(Reply {
        content: Some(report_text(&report)),
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
            "✓ {} ({}): {} entries — {} new, {} merged, {} unchanged, {} skipped{}\n",
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
    for w in &r.warnings {
        out.push_str(&format!("  ⚠ {}:{}: {}\n", r.file, w.line, w.message));
    }
    out
}

fn help() -> Reply {
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
                    "`/import file:<.md or .bib>` — instructors: add a reading list",
                    "`/help` — this message",
                ]
                .join("\n"),
            ),
            ..Embed::default()
        }],
        ..Reply::default()
    }
}

/// Tag names for autocomplete: at most 25, each within Discord's 100-character limit.
pub async fn complete_tag(catalog: &Catalog, scope: Scope, partial: &str) -> Vec<Choice> {
    match catalog.tag_prefix(scope, partial, limits::CHOICES).await {
        Ok(tags) => tags
            .into_iter()
            .filter(|t| t.tag.chars().count() <= limits::CHOICE_VALUE)
            .map(|t| Choice {
                name: truncate(&format!("{} ({})", t.tag, t.count), limits::CHOICE_NAME),
                value: t.tag,
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = ?e, "tag autocomplete failed");
            Vec::new()
        }
    }
}

/// Paper titles and keys for autocomplete (value is the citation key).
pub async fn complete_paper(catalog: &Catalog, scope: Scope, partial: &str) -> Vec<Choice> {
    match catalog.paper_prefix(scope, partial, limits::CHOICES).await {
        Ok(papers) => papers
            .into_iter()
            .filter(|p| p.key.chars().count() <= limits::CHOICE_VALUE)
            .map(|p| {
                let year = p.year.map(|y| format!(" ({y})")).unwrap_or_default();
                let suffix = format!("{year} — {}", p.key);
                let room = limits::CHOICE_NAME
                    .saturating_sub(suffix.chars().count())
                    .max(10);
                Choice {
                    name: truncate(
                        &format!("{}{suffix}", truncate(&p.title, room)),
                        limits::CHOICE_NAME,
                    ),
                    value: p.key,
                }
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = ?e, "paper autocomplete failed");
            Vec::new()
        }
    }
}
