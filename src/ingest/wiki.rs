//! DokuWiki pages: `====== Title ======` and `==== Section ====` headings, bullets of
//! `[[url|Author et al Year - Title]]` links, bold `**[[...]]**` entries followed by a note.
//! Pages arrive with their newlines or flattened onto one line, so the page is cut into
//! headings and bullets by their markers, not by lines. Internal wiki links
//! (`[[nlp:Language Model]]`) are not papers, and "Related Pages" holds none.

use super::{ids, links, ParseOutput, RawEntry, Warning};
use crate::model::Link;
use regex::Regex;
use std::sync::LazyLock;

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?P<eq>={2,6})[ \t]*(?P<h>[^=\n]+?)[ \t]*={2,6}|(?:^|[ \t])(?P<b>\*)[ \t]")
        .expect("static regex")
});
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[\[(?P<t>[^\]|]*)(?:\|(?P<l>[^\]]*))?\]\]").expect("static regex")
});
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<who>.+?)[ ,]+\(?(?P<y>(?:19|20)\d{2})[a-z]?\)?\s*(?:[-–—:.,]\s*)(?P<t>.+)$")
        .expect("static regex")
});

/// Headings that say nothing about a paper's topic, so they are not tags.
const GENERIC: &[&str] = &[
    "papers",
    "paper",
    "references",
    "readings",
    "links",
    "resources",
    "overview",
    "introduction",
    "misc",
    "miscellaneous",
    "other",
    "others",
];
/// Sections whose links point at other wiki pages, not papers.
const NO_PAPERS: &[&str] = &["related pages", "see also", "related"];

/// A heading or bullet: where it starts, where its text starts, and for a heading its
/// level (1 = `======`) and title.
type Marker = (usize, usize, Option<(usize, String)>);

pub fn parse(text: &str) -> ParseOutput {
    let mut out = ParseOutput::default();
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let mut sections: Vec<(usize, String)> = Vec::new();
    let mut markers: Vec<Marker> = Vec::new();
    for c in MARKER.captures_iter(text) {
        let Some(all) = c.get(0) else { continue };
        let heading = match (c.name("eq"), c.name("h")) {
            // `======` is the top level in DokuWiki, `==` the lowest.
            (Some(eq), Some(h)) => Some((
                7usize.saturating_sub(eq.as_str().len()),
                h.as_str().trim().to_string(),
            )),
            _ => None,
        };
        let start = c.name("b").map_or(all.start(), |b| b.start());
        markers.push((start, all.end(), heading));
    }
    // The text before the first marker, then after each marker up to the next one.
    let first = markers.first().map_or(text.len(), |m| m.0);
    read_segment(text, &newlines, 0, first, &sections, &mut out);
    for (i, (_, after, heading)) in markers.iter().enumerate() {
        if let Some((level, title)) = heading {
            sections.retain(|(l, _)| *l < *level);
            sections.push((*level, title.clone()));
        }
        let end = markers.get(i + 1).map_or(text.len(), |n| n.0);
        read_segment(text, &newlines, *after, end, &sections, &mut out);
    }
    out.entries.sort_by_key(|e| e.line);
    if out.entries.is_empty() {
        out.warnings.push(Warning {
            line: 1,
            message: "no `[[url|Author Year - Title]]` paper links found on this wiki page"
                .to_string(),
        });
    }
    super::warn_duplicates(&mut out);
    out
}

fn is_external(target: &str) -> bool {
    let t = target.trim();
    t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www.")
}

/// 1-based line of byte `offset`, from the sorted offsets of the page's newlines.
fn line_at(newlines: &[usize], offset: usize) -> usize {
    newlines.partition_point(|&n| n < offset) + 1
}

/// Reads the paper links of one bullet (or paragraph) `text[start..end]`.
fn read_segment(
    text: &str,
    newlines: &[usize],
    start: usize,
    end: usize,
    sections: &[(usize, String)],
    out: &mut ParseOutput,
) {
    let Some(segment) = text.get(start..end) else {
        return;
    };
    if sections
        .last()
        .is_some_and(|(_, s)| NO_PAPERS.contains(&s.to_lowercase().as_str()))
    {
        return;
    }
    let found: Vec<_> = LINK.captures_iter(segment).collect();
    for (i, c) in found.iter().enumerate() {
        let (Some(all), Some(target)) = (c.get(0), c.name("t")) else {
            continue;
        };
        let url = target.as_str().trim();
        if !is_external(url) {
            continue;
        }
        let line = line_at(newlines, start + all.start());
        let Some(label) = c
            .name("l")
            .map(|l| l.as_str().trim())
            .filter(|l| !l.is_empty())
        else {
            out.warnings.push(Warning {
                line,
                message: format!("link {url} has no `|Author Year - Title` label; skipped"),
            });
            continue;
        };
        let mut entry = from_label(label, url, line);
        let before = segment.get(..all.start()).unwrap_or("").trim_end();
        let after = segment.get(all.end()..).unwrap_or("");
        if before.ends_with("**") && after.starts_with("**") {
            // The note runs to the next paper link (internal links are part of the note).
            let stop = found
                .iter()
                .skip(i + 1)
                .filter(|n| n.name("t").is_some_and(|t| is_external(t.as_str())))
                .find_map(|n| n.get(0))
                .map_or(segment.len(), |n| n.start());
            let note = segment
                .get(all.end() + 2..stop)
                .map(plain)
                .unwrap_or_default();
            entry.note = (!note.is_empty()).then_some(note);
        }
        if !sections.is_empty() {
            let names: Vec<&str> = sections.iter().map(|(_, s)| s.as_str()).collect();
            entry.section = Some(names.join(" / "));
        }
        for (_, s) in sections {
            let generic = GENERIC.contains(&s.to_lowercase().as_str());
            if !generic
                && !entry
                    .tags
                    .iter()
                    .any(|t| ids::tag_key(t) == ids::tag_key(s))
            {
                entry.tags.push(s.clone());
            }
        }
        out.entries.push(entry);
    }
}

/// `Kaplan et al 2020 - Scaling Laws ...`, `Google 2023 - PaLM 2 ...`, or just a title.
fn from_label(label: &str, url: &str, line: usize) -> RawEntry {
    let mut entry = RawEntry {
        line,
        title: label.to_string(),
        ..RawEntry::default()
    };
    if let Some(c) = LABEL.captures(label) {
        let who = c.name("who").map_or("", |m| m.as_str()).trim();
        let who = who.trim_end_matches('.').trim_end_matches(",").trim();
        let who = who
            .strip_suffix("et al")
            .or_else(|| who.strip_suffix("et. al"))
            .unwrap_or(who)
            .trim()
            .trim_end_matches(',')
            .trim();
        let names: Vec<String> = who
            .split(" and ")
            .flat_map(|p| p.split(['&', ',']))
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let plausible =
            !names.is_empty() && names.iter().all(|n| n.split_whitespace().count() <= 3);
        if plausible {
            entry.authors = names;
            entry.year = c.name("y").and_then(|y| y.as_str().parse().ok());
            entry.title = c.name("t").map_or("", |m| m.as_str()).trim().to_string();
        }
    }
    let kind = match links::kind_from_url(url) {
        "other" => "paper",
        k => k,
    };
    entry.links.push(Link::new(kind, url));
    entry.arxiv = ids::arxiv_id(url);
    if entry.arxiv.is_none() {
        entry.doi = ids::doi(url);
    }
    entry
}

/// Note text without wiki markup: `[[target|label]]` → label, bold and bullets dropped.
fn plain(s: &str) -> String {
    let unlinked = LINK.replace_all(s, |c: &regex::Captures<'_>| {
        c.name("l")
            .or_else(|| c.name("t"))
            .map_or(String::new(), |m| m.as_str().to_string())
    });
    unlinked
        .replace("**", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
#[path = "wiki_tests.rs"]
mod tests;
