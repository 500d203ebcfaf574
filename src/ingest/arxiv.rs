//! arXiv metadata as JSON lines, one paper per line, in either of the two schemas people
//! have: the public metadata snapshot (`id`, `title`, `authors` as one string plus
//! `authors_parsed`, `abstract`, `categories` as one space-separated string, `doi`,
//! `journal-ref`) and the daily listing dumps (`authors` as a list, the abstract called
//! `summary`, `categories` as a list). Titles and abstracts are arXiv's LaTeX source with
//! hard line breaks: math and accents are decoded as BibTeX fields are, lines joined.
//! arXiv classes (`cs.CL`, `q-bio.NC`, `hep-th`) become tags; the ACM (`I.2.7`) and MSC
//! (`68T50`) codes authors add to the same field do not, since no one browses by them.
//! Repeated ids (a listing repeats cross-lists and weekends) are kept: the catalog merges
//! them by arXiv id, as it merges the same paper met in two files.

use super::{ids, latex, ParseOutput, RawEntry, Warning};
use crate::model::Link;
use regex::Regex;
use serde::Deserialize;
use std::sync::LazyLock;

/// `archive` or `archive-sub` with an optional `.Subject` (`cs.CL`, `stat.ML`,
/// `physics.med-ph`, `cond-mat.mes-hall`) or a dashed archive alone (`hep-th`, `quant-ph`).
static ARXIV_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[a-z]+(?:-[a-z]+)?\.[A-Za-z]+(?:-[a-z]+)?|[a-z]+-[a-z]+)$")
        .expect("static regex")
});

/// One line of either schema; every field optional so that a sparse record still parses
/// and says what it lacks.
#[derive(Debug, Deserialize)]
struct Record {
    id: Option<String>,
    title: Option<String>,
    authors: Option<Authors>,
    /// The snapshot's `[last, first, suffix]` triples: better than splitting its string.
    authors_parsed: Option<Vec<Vec<String>>>,
    #[serde(alias = "summary")]
    r#abstract: Option<String>,
    categories: Option<Categories>,
    doi: Option<String>,
    #[serde(rename = "journal-ref")]
    journal_ref: Option<String>,
    abs: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Authors {
    List(Vec<String>),
    Joined(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Categories {
    List(Vec<String>),
    Joined(String),
}

/// Whether `text` looks like arXiv JSON lines: its first non-blank line is a JSON object
/// with an `id` and a `title`.
pub fn looks_like(text: &str) -> bool {
    let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return false;
    };
    first.starts_with('{')
        && serde_json::from_str::<serde_json::Value>(first)
            .is_ok_and(|v| v.get("id").is_some_and(|i| i.is_string()) && v.get("title").is_some())
}

pub fn parse(text: &str) -> ParseOutput {
    let mut out = ParseOutput::default();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let warn = |message: String| Warning {
            line: line_no,
            message,
        };
        match serde_json::from_str::<Record>(line) {
            Ok(record) => match entry(record, line_no) {
                Ok(e) => out.entries.push(e),
                Err(why) => out.warnings.push(warn(why)),
            },
            Err(e) => out.warnings.push(warn(format!(
                "not an arXiv JSON record ({e}); expected one JSON object per line"
            ))),
        }
    }
    out
}

fn entry(r: Record, line: usize) -> Result<RawEntry, String> {
    let title = r.title.as_deref().map(text).unwrap_or_default();
    if title.is_empty() {
        return Err("record without a title; skipped".into());
    }
    let arxiv = r.id.as_deref().and_then(ids::arxiv_id);
    let mut links = Vec::new();
    if let Some(id) = &arxiv {
        let url = r
            .abs
            .filter(|u| u.starts_with("https://"))
            .unwrap_or_else(|| format!("https://arxiv.org/abs/{id}"));
        links.push(Link::new("paper", url));
    }
    Ok(RawEntry {
        line,
        year: arxiv.as_deref().and_then(ids::arxiv_year),
        authors: authors(r.authors, r.authors_parsed),
        venue: r.journal_ref.as_deref().map(text).filter(|v| !v.is_empty()),
        abstract_text: r.r#abstract.as_deref().map(text).filter(|a| !a.is_empty()),
        tags: r.categories.map(classes).unwrap_or_default(),
        doi: r.doi.as_deref().and_then(ids::doi),
        arxiv,
        links,
        title,
        ..RawEntry::default()
    })
}

/// Display text: LaTeX decoded where there is any, hard line breaks joined.
fn text(s: &str) -> String {
    if s.contains(['\\', '$']) {
        latex::decode(s)
    } else {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

fn authors(joined: Option<Authors>, parsed: Option<Vec<Vec<String>>>) -> Vec<String> {
    if let Some(parsed) = parsed.filter(|p| !p.is_empty()) {
        return parsed
            .iter()
            .map(|parts| {
                // `[last, first, suffix...]` reads "first last suffix".
                let (first, last, suffix) = match parts.as_slice() {
                    [last, first, suffix @ ..] => (first.as_str(), last.as_str(), suffix),
                    [last] => ("", last.as_str(), &[][..]),
                    [] => ("", "", &[][..]),
                };
                let name: Vec<&str> = [first, last]
                    .into_iter()
                    .chain(suffix.iter().map(String::as_str))
                    .filter(|p| !p.trim().is_empty())
                    .collect();
                text(&name.join(" "))
            })
            .filter(|a| !a.is_empty())
            .collect();
    }
    let names: Vec<String> = match joined {
        Some(Authors::List(list)) => list,
        Some(Authors::Joined(s)) => s
            .split(',')
            .flat_map(|part| part.split(" and "))
            .map(str::to_owned)
            .collect(),
        None => Vec::new(),
    };
    names
        .iter()
        .map(|a| text(a))
        .filter(|a| !a.is_empty())
        .collect()
}

/// The arXiv classes among the codes of a `categories` field, each once, in order.
fn classes(c: Categories) -> Vec<String> {
    let codes: Vec<String> = match c {
        Categories::List(list) => list,
        Categories::Joined(s) => vec![s],
    };
    let mut out: Vec<String> = Vec::new();
    for code in codes
        .iter()
        .flat_map(|c| c.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == ';'))
    {
        if ARXIV_CLASS.is_match(code) && !out.iter().any(|o| o == code) {
            out.push(code.to_owned());
        }
    }
    out
}

#[cfg(test)]
#[path = "arxiv_tests.rs"]
mod tests;
