//! Awesome-list markdown: `#### Title` entries under `#`/`##`/`###` section headings, each
//! with a `tag:` line, labelled links (`paper link: [here](url)`) and a fenced `bibtex`
//! block. The entry's identity comes from its BibTeX when it has one and from its paper
//! link otherwise; a paper link that contradicts the BibTeX stays a link and is reported.

use super::bibentry::Macros;
use super::{bibtex, ids, links, mdlinks, ParseOutput, RawEntry, Warning};
use crate::model::Link;
use regex::Regex;
use std::sync::LazyLock;

static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$").expect("static regex"));
static TAG_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-*+]\s+)?[*_]{0,2}tags?[*_]{0,2}\s*[:：][*_]{0,2}\s*(.*)$")
        .expect("static regex")
});
static BACKTICKED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"`([^`]*)`").expect("static regex"));

/// A heading and what sits under it until the next heading.
#[derive(Debug, Default)]
struct Block<'a> {
    level: usize,
    title: String,
    line: usize,
    lines: Vec<&'a str>,
    /// Fenced bibtex blocks: the fence's line and the text inside.
    bibs: Vec<(usize, String)>,
    /// The URL of a linked heading, `#### [Title](url)`.
    url: Option<String>,
}

impl Block<'_> {
    fn has_entry_content(&self) -> bool {
        !self.bibs.is_empty()
            || self
                .lines
                .iter()
                .any(|l| TAG_LINE.is_match(l) || !mdlinks::links_in_line(l).is_empty())
    }
}

pub fn parse(text: &str) -> ParseOutput {
    let mut out = ParseOutput::default();
    let blocks = blocks(text, &mut out.warnings);
    let mut sections: Vec<(usize, String)> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let next_deeper = blocks.get(i + 1).is_some_and(|n| n.level > block.level);
        let is_entry = if block.level >= 4 {
            block.has_entry_content() || !next_deeper
        } else {
            block.has_entry_content()
        };
        if !is_entry {
            sections.retain(|(level, _)| *level < block.level);
            sections.push((block.level, block.title.clone()));
            continue;
        }
        if block.title.is_empty() {
            out.warnings.push(Warning {
                line: block.line,
                message: "entry heading has no title; skipped".to_string(),
            });
            continue;
        }
        // Only headings above this one's level enclose it.
        let enclosing: Vec<(usize, String)> = sections
            .iter()
            .filter(|(level, _)| *level < block.level)
            .cloned()
            .collect();
        let entry = entry(block, &enclosing, &mut out.warnings);
        out.entries.push(entry);
    }
    if out.entries.is_empty() {
        out.warnings.push(Warning {
            line: 1,
            message: "no `#### Title` entries found in this awesome-list file".to_string(),
        });
    }
    super::warn_duplicates(&mut out);
    out
}

/// Splits the file into heading blocks, pulling fenced bibtex out of the text. An
/// unterminated bibtex fence ends at the next heading, with a warning.
fn blocks<'a>(text: &'a str, warnings: &mut Vec<Warning>) -> Vec<Block<'a>> {
    let mut blocks: Vec<Block<'a>> = Vec::new();
    // (fence line, declared as bibtex, collected text)
    let mut fence: Option<(usize, bool, String)> = None;
    for (idx, line) in text.lines().enumerate() {
        let lineno = idx + 1;
        let trimmed = line.trim_start();
        if let Some((start, is_bib, body)) = fence.as_mut() {
            // Only a declared bibtex fence can be cut by a heading: BibTeX lines never start
            // with `#`, while a shell or python block may.
            let heading_interrupts = *is_bib && line.starts_with('#') && HEADING.is_match(line);
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") || heading_interrupts {
                if heading_interrupts {
                    warnings.push(Warning {
                        line: *start,
                        message: "```bibtex block is not closed; read up to the next heading"
                            .to_string(),
                    });
                }
                if *is_bib || body.trim_start().starts_with('@') {
                    if let Some(b) = blocks.last_mut() {
                        b.bibs.push((*start, std::mem::take(body)));
                    }
                }
                fence = None;
                if !heading_interrupts {
                    continue;
                }
            } else {
                body.push_str(line);
                body.push('\n');
                continue;
            }
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let info = trimmed.trim_start_matches(['`', '~']).trim().to_lowercase();
            let is_bib = info.starts_with("bib") || info == "latex" || info == "tex";
            fence = Some((lineno, is_bib, String::new()));
            continue;
        }
        if let Some(c) = HEADING.captures(line) {
            let level = c.get(1).map_or(0, |m| m.as_str().len());
            let raw = c.get(2).map_or("", |m| m.as_str());
            blocks.push(Block {
                level,
                title: clean_title(raw),
                line: lineno,
                url: heading_url(raw),
                ..Block::default()
            });
        } else if let Some(b) = blocks.last_mut() {
            b.lines.push(line);
        }
    }
    if let Some((start, is_bib, body)) = fence {
        if is_bib || body.trim_start().starts_with('@') {
            warnings.push(Warning {
                line: start,
                message: "```bibtex block is not closed; read to the end of the file".to_string(),
            });
            if let Some(b) = blocks.last_mut() {
                b.bibs.push((start, body));
            }
        }
    }
    blocks
}

/// Heading text without markdown: `[Title](url)` → `Title`, emphasis and backticks dropped.
fn clean_title(raw: &str) -> String {
    let unlinked = raw
        .strip_prefix('[')
        .and_then(|r| r.split_once("]("))
        .map_or(raw, |(t, _)| t);
    unlinked
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_' | '`'))
        .to_string()
}

fn heading_url(raw: &str) -> Option<String> {
    let (_, rest) = raw.strip_prefix('[')?.split_once("](")?;
    let url = rest.split([')', ' ']).next()?.trim();
    url.contains("://").then(|| url.to_string())
}

fn tags_of(line: &str) -> Vec<String> {
    let rest = TAG_LINE
        .captures(line)
        .and_then(|c| c.get(1))
        .map_or("", |m| m.as_str());
    let raw: Vec<&str> = if rest.contains('`') {
        BACKTICKED
            .captures_iter(rest)
            .filter_map(|c| c.get(1).map(|m| m.as_str()))
            .collect()
    } else {
        rest.split(['|', ',', ';']).collect()
    };
    raw.iter()
        .map(|t| t.trim_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_' | '#')))
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

fn entry(block: &Block<'_>, sections: &[(usize, String)], warnings: &mut Vec<Warning>) -> RawEntry {
    let mut e = RawEntry {
        line: block.line,
        title: block.title.clone(),
        ..RawEntry::default()
    };
    if let Some(url) = &block.url {
        let kind = match links::kind_from_url(url) {
            "other" => "paper",
            k => k,
        };
        e.links.push(Link::new(kind, url.as_str()));
    }
    let mut note = Vec::new();
    for line in &block.lines {
        if TAG_LINE.is_match(line) {
            for tag in tags_of(line) {
                push_tag(&mut e.tags, tag);
            }
            continue;
        }
        let found = mdlinks::links_in_line(line);
        if found.is_empty() {
            let prose = line.trim();
            if !prose.is_empty() && !prose.to_lowercase().starts_with("citation") {
                note.push(prose);
            }
        }
        for link in found {
            if !e.links.iter().any(|l| l.url == link.url) {
                e.links.push(link);
            }
        }
    }
    if !note.is_empty() {
        e.note = Some(note.join(" "));
    }
    if !sections.is_empty() {
        let names: Vec<&str> = sections.iter().map(|(_, t)| t.as_str()).collect();
        e.section = Some(names.join(" / "));
    }
    if let Some((_, nearest)) = sections.last() {
        push_tag(&mut e.tags, nearest.clone());
    }
    if let Some((fence_line, body)) = block.bibs.first() {
        read_bib(&mut e, *fence_line, body, warnings);
    }
    apply_link_identity(&mut e, warnings);
    e
}

fn push_tag(tags: &mut Vec<String>, tag: String) {
    let key = ids::tag_key(&tag);
    if !key.is_empty() && !tags.iter().any(|t| ids::tag_key(t) == key) {
        tags.push(tag);
    }
}

/// Fills metadata from the entry's fenced BibTeX (the text after the fence line).
fn read_bib(e: &mut RawEntry, fence_line: usize, body: &str, warnings: &mut Vec<Warning>) {
    let chunks = bibtex::split(body);
    let Some(chunk) = chunks
        .iter()
        .find(|c| !matches!(c.kind.as_str(), "comment" | "string" | "preamble"))
    else {
        if !body.trim().is_empty() {
            warnings.push(Warning {
                line: fence_line,
                message: "bibtex block holds no `@type{key, ...}` entry".to_string(),
            });
        }
        return;
    };
    let mut local = Vec::new();
    let parsed = bibtex::read_chunk(chunk, &Macros::default(), &mut local);
    warnings.extend(local.into_iter().map(|w| Warning {
        line: w.line + fence_line,
        message: super::shift_lines(&w.message, fence_line),
    }));
    let Some(parsed) = parsed else { return };
    let from_bib = bibtex::to_raw_entry(parsed, e.line, &mut Vec::new());
    e.authors = from_bib.authors;
    e.year = from_bib.year;
    e.venue = from_bib.venue;
    e.arxiv = from_bib.arxiv;
    e.doi = from_bib.doi;
    e.abstract_text = from_bib.abstract_text;
    if e.title.is_empty() {
        e.title = from_bib.title;
    }
    e.bibtex = from_bib.bibtex;
}

/// Identity from the paper link when the BibTeX gave none; a warning when they disagree.
pub(crate) fn apply_link_identity(e: &mut RawEntry, warnings: &mut Vec<Warning>) {
    let paper = e
        .links
        .iter()
        .find(|l| l.kind == "paper")
        .or_else(|| e.links.iter().find(|l| ids::arxiv_id(&l.url).is_some()));
    let Some(paper) = paper else { return };
    let link_arxiv = ids::arxiv_id(&paper.url);
    match (&e.arxiv, link_arxiv) {
        (Some(own), Some(linked)) if *own != linked => warnings.push(Warning {
            line: e.line,
            message: format!(
                "paper link points to arXiv {linked} but the entry's BibTeX says {own}; \
                 not merged on the link"
            ),
        }),
        (None, Some(linked)) => e.arxiv = Some(linked),
        _ => {}
    }
    if e.doi.is_none() && e.arxiv.is_none() {
        e.doi = ids::doi(&paper.url);
    }
}

#[cfg(test)]
#[path = "awesome_tests.rs"]
mod tests;
