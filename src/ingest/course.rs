//! Course-site posts: YAML front matter describing one session (title, lecture, tags, the
//! notes and video teams), then `## Required Readings` and `## More Readings` sections of
//! `### Title` readings with author, URL and abstract lines. Whatever follows the reading
//! sections (a student blog, notes, prose headings) is not a reading and is not imported.

use super::{frontmatter, ids, links, mdlinks, ParseOutput, RawEntry, ReadingRole, Warning};
use regex::Regex;
use std::sync::LazyLock;

static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$").expect("static regex"));
static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-+*]|\d+[.)])\s+(.*)$").expect("static regex"));
/// `+ a. Title (May 2025)` or `- 2) Title`: a numbered reading with its details as
/// indented sub-items (`- Link: …`, `- arXiv: …`).
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s{0,1}[-+*]\s+(?:[a-zA-Z]|\d{1,2})[.)]\s+(.+?)\s*(?:\((?:[A-Za-z]{3,9}\.?\s+)?((?:19|20)\d\d)\))?\s*$")
        .expect("static regex")
});
static MD_LINK_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[([^\]]+)\]\(\s*<?([^)\s>]+)>?\s*\)\s*(.*)$").expect("static regex")
});

/// A `### Title` under a readings section, with the lines under it.
struct Reading<'a> {
    line: usize,
    title: String,
    role: ReadingRole,
    section: String,
    body: Vec<&'a str>,
    /// From a numbered reading's `(May 2025)`.
    year: Option<i32>,
}

pub fn parse(text: &str) -> ParseOutput {
    let mut out = ParseOutput::default();
    let (session, body_start) = frontmatter::read(text, &mut out.warnings);
    let session_tags = session.as_ref().map(|s| s.tags.clone()).unwrap_or_default();
    let session_title = session
        .as_ref()
        .map(|s| s.title.clone())
        .unwrap_or_default();
    out.session = session;

    let mut role: Option<(ReadingRole, String)> = None;
    let mut readings: Vec<Reading<'_>> = Vec::new();
    let mut saw_readings_section = false;
    for (idx, line) in text.lines().enumerate().skip(body_start) {
        let lineno = idx + 1;
        // Course sites put a student's blog of the session after this marker.
        if line.trim_start().starts_with("<!--excerpt.start") {
            break;
        }
        if let Some(c) = HEADING.captures(line) {
            let level = c.get(1).map_or(0, |m| m.as_str().len());
            let heading = c.get(2).map_or("", |m| m.as_str());
            // A student's blog of the session follows the readings under its own H1 (or a
            // `Blog` heading): nothing from there on is a reading.
            let blog = heading.trim().eq_ignore_ascii_case("blog");
            if (level == 1 && saw_readings_section) || (level <= 2 && blog) {
                break;
            }
            if level <= 2 {
                role = readings_role(heading).map(|r| (r, clean_title(heading)));
                saw_readings_section |= role.is_some();
                continue;
            }
            if let Some((r, section)) = &role {
                // `### [Title](url)`: the heading's link is read like a URL line.
                let linked = MD_LINK_ONLY.is_match(heading.trim());
                readings.push(Reading {
                    line: lineno,
                    title: clean_title(heading),
                    role: *r,
                    section: section.clone(),
                    body: if linked { vec![heading] } else { Vec::new() },
                    year: None,
                });
            }
            continue;
        }
        let Some((r, section)) = &role else { continue };
        if let Some(c) = NUMBERED.captures(line) {
            let title = c.get(1).map_or("", |m| m.as_str());
            if !MD_LINK_ONLY.is_match(title) {
                readings.push(Reading {
                    line: lineno,
                    title: clean_title(title),
                    role: *r,
                    section: section.clone(),
                    body: Vec::new(),
                    year: c.get(2).and_then(|y| y.as_str().parse().ok()),
                });
                continue;
            }
        }
        match readings.last_mut() {
            Some(reading) if reading.section == *section => reading.body.push(line),
            // A bulleted `[Title](url)` straight under the section heading is a reading too.
            _ => {
                if let Some(item) = bullet_link(line) {
                    readings.push(Reading {
                        line: lineno,
                        title: item.0,
                        role: *r,
                        section: section.clone(),
                        body: vec![item.1],
                        year: None,
                    });
                }
            }
        }
    }

    for reading in readings {
        if let Some(mut entry) = to_entry(&reading) {
            for tag in &session_tags {
                if !entry
                    .tags
                    .iter()
                    .any(|t| ids::tag_key(t) == ids::tag_key(tag))
                {
                    entry.tags.push(tag.clone());
                }
            }
            entry.section = Some(if session_title.is_empty() {
                reading.section.clone()
            } else {
                format!("{session_title} / {}", reading.section)
            });
            out.entries.push(entry);
        }
    }
    if !saw_readings_section {
        out.warnings.push(Warning {
            line: body_start + 1,
            message: "no `## Required Readings` or `## More Readings` section found".to_string(),
        });
    }
    super::warn_duplicates(&mut out);
    out
}

/// The role a `##` heading gives the readings under it; `None` for any other heading,
/// which ends the readings.
fn readings_role(heading: &str) -> Option<ReadingRole> {
    let h = heading.to_lowercase();
    if !(h.contains("reading") || h.contains("paper")) {
        return None;
    }
    if h.contains("note") || h.contains("blog") {
        return None;
    }
    // `Required`, `Require` (a common typo), `Main`, or just `Readings` are the week's
    // readings; `More`, `Extra`, `Optional`, `Further` ones are optional.
    let optional = [
        "more",
        "extra",
        "optional",
        "further",
        "additional",
        "supplement",
        "bonus",
    ];
    Some(if optional.iter().any(|w| h.contains(w)) {
        ReadingRole::Optional
    } else {
        ReadingRole::Required
    })
}

/// `LIMA: Less Is More for Alignment / ` → `LIMA: Less Is More for Alignment`;
/// `## Required Readings:` → `Required Readings`; `[Title](url)` → `Title`.
fn clean_title(raw: &str) -> String {
    let raw = MD_LINK_ONLY
        .captures(raw.trim())
        .and_then(|c| c.get(1))
        .map_or(raw, |m| m.as_str());
    let t = raw.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '/' | ':' | '*' | '_' | '`' | '|' | '-' | '–')
    });
    let without_number = t
        .split_once(['.', ')'])
        .filter(|(n, rest)| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && rest.starts_with(' ')
        })
        .map_or(t, |(_, rest)| rest.trim());
    without_number.to_string()
}

fn bullet_link(line: &str) -> Option<(String, &str)> {
    let item = BULLET.captures(line)?.get(1)?.as_str();
    let title = MD_LINK_ONLY.captures(item)?.get(1)?.as_str();
    let title = clean_title(title);
    (title.split_whitespace().count() >= 2).then_some((title, line))
}

fn to_entry(reading: &Reading<'_>) -> Option<RawEntry> {
    let mut entry = RawEntry {
        line: reading.line,
        title: reading.title.clone(),
        role: Some(reading.role),
        year: reading.year,
        ..RawEntry::default()
    };
    if entry.title.is_empty() {
        return None;
    }
    let mut details = 0;
    let mut prose = 0;
    let mut abstract_parts: Vec<&str> = Vec::new();
    for line in &reading.body {
        let item = BULLET
            .captures(line)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str());
        let text = item.unwrap_or(line).trim();
        if text.is_empty() {
            continue;
        }
        // `arXiv: 2203.15556` names the paper without a link.
        let bare_arxiv = text
            .get(..6)
            .filter(|p| p.eq_ignore_ascii_case("arxiv:"))
            .and_then(|_| ids::arxiv_id(&format!("arXiv:{}", text[6..].trim())));
        if let Some(id) = bare_arxiv {
            details += 1;
            entry.links.push(crate::model::Link::new(
                "paper",
                format!("https://arxiv.org/abs/{id}"),
            ));
            continue;
        }
        let found = mdlinks::links_in_line(text);
        if !found.is_empty() {
            details += 1;
            for mut link in found {
                let has_paper = entry.links.iter().any(|l| l.kind == "paper");
                if link.kind == "other" && !has_paper {
                    link.kind = "paper".to_string();
                }
                if !entry.links.iter().any(|l| l.url == link.url) {
                    entry.links.push(link);
                }
            }
            continue;
        }
        if item.is_none() {
            prose += 1;
            continue;
        }
        details += 1;
        if entry.authors.is_empty() && looks_like_authors(text) {
            entry.authors = split_authors(text);
        } else {
            abstract_parts.push(text);
        }
    }
    // Prose under a heading with no reading details is a student's write-up, not a paper.
    if details == 0 && prose > 0 {
        return None;
    }
    if !abstract_parts.is_empty() {
        entry.abstract_text = Some(abstract_parts.join("\n"));
    }
    entry.arxiv = entry.links.iter().find_map(|l| ids::arxiv_id(&l.url));
    if entry.arxiv.is_none() {
        entry.doi = entry.links.iter().find_map(|l| ids::doi(&l.url));
    }
    for link in &mut entry.links {
        if ids::arxiv_id(&link.url).is_some() {
            link.kind = "paper".to_string();
        } else if link.kind == "other" {
            link.kind = links::kind_from_url(&link.url).to_string();
        }
    }
    Some(entry)
}

const PARTICLES: &[&str] = &[
    "de", "van", "der", "von", "la", "le", "da", "di", "del", "den", "al", "bin", "dos",
];

/// A line of person names: `Jared Kaplan, Sam McCandlish, Tom B. Brown`.
fn looks_like_authors(text: &str) -> bool {
    let text = strip_et_al(text);
    if text.is_empty() || text.chars().count() > 800 || text.contains("://") {
        return false;
    }
    let names = name_parts(text);
    !names.is_empty()
        && names.iter().all(|name| {
            let words: Vec<&str> = name.split_whitespace().collect();
            (1..=5).contains(&words.len())
                && words.iter().all(|w| {
                    let first = w.chars().next().unwrap_or(' ');
                    first.is_uppercase() || PARTICLES.contains(w)
                })
        })
}

fn strip_et_al(text: &str) -> &str {
    let t = text.trim().trim_end_matches('.');
    t.strip_suffix("et al")
        .or_else(|| t.strip_suffix("et al,"))
        .unwrap_or(t)
        .trim()
        .trim_end_matches(',')
        .trim()
}

fn name_parts(text: &str) -> Vec<&str> {
    text.split([',', ';', '&'])
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty() && *p != "and")
        .collect()
}

fn split_authors(text: &str) -> Vec<String> {
    name_parts(strip_et_al(text))
        .into_iter()
        .map(String::from)
        .collect()
}

#[cfg(test)]
#[path = "course_tests.rs"]
mod tests;
