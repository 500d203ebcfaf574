//! BibTeX / BibLaTeX files. Real `.bib` files carry broken entries (a missing brace, a
//! stray comma) and a whole-file parser would reject them all, so the file is first cut
//! into entries here with a brace-balanced scan from each `@type{`, and each entry is read
//! on its own (see `bibentry`): one broken entry costs one warning, not the file.

use super::bibentry::{self, Macros, ParsedEntry};
use super::{links, ParseOutput, RawEntry, Warning};
use crate::model::Link;
use regex::Regex;
use std::sync::LazyLock;

static SWALLOWED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i),\s*[a-z]+\s*=\s*\S").expect("static regex"));

/// One `@type{...}` span of the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk<'a> {
    /// 1-based line of the `@`.
    pub line: usize,
    /// Lower-case entry type: `article`, `string`, `comment`, ...
    pub kind: String,
    /// The entry's text exactly as written, from `@` to its closing delimiter.
    pub text: &'a str,
    /// Braces still open where the entry stopped; 0 when it closed properly.
    pub open: usize,
}

pub fn parse(text: &str) -> ParseOutput {
    let mut out = ParseOutput::default();
    let mut macros = Macros::default();
    for chunk in split(text) {
        match chunk.kind.as_str() {
            "comment" | "preamble" => {}
            "string" => {
                if let Err(e) = macros.define(chunk.text) {
                    out.warnings.push(Warning {
                        line: chunk.line,
                        message: format!("@string definition could not be read ({e}); ignored"),
                    });
                }
            }
            _ => {
                if let Some(parsed) = read_chunk(&chunk, &macros, &mut out.warnings) {
                    out.entries
                        .push(to_raw_entry(parsed, chunk.line, &mut out.warnings));
                }
            }
        }
    }
    if out.entries.is_empty() && out.warnings.is_empty() && !text.trim().is_empty() {
        out.warnings.push(Warning {
            line: 1,
            message: "no BibTeX entries (`@type{key, ...}`) found".to_string(),
        });
    }
    super::warn_duplicates(&mut out);
    out
}

/// Reads one entry chunk, pushing a warning when it is broken; an entry missing only its
/// closing brace is read as far as it goes, one that stops inside a value is skipped.
pub fn read_chunk(
    chunk: &Chunk<'_>,
    macros: &Macros,
    warnings: &mut Vec<Warning>,
) -> Option<ParsedEntry> {
    let key = chunk
        .text
        .split_once(['{', '('])
        .map(|(_, rest)| rest.split(',').next().unwrap_or("").trim())
        .unwrap_or("");
    let label = if key.is_empty() {
        format!("@{}", chunk.kind)
    } else {
        format!("@{}{{{key}", chunk.kind)
    };
    let last = chunk.line + chunk.text.matches('\n').count();
    if chunk.open > 1 {
        // Inside a value as well as the entry: the text stops mid-field (a download cut
        // off), and closing it would store a cut title ("Scaling Laws for Neural Lang").
        warnings.push(Warning {
            line: chunk.line,
            message: format!(
                "BibTeX entry {label} stops inside a value at line {last} (is the file cut off?); skipped"
            ),
        });
        return None;
    }
    let result = if chunk.open > 0 {
        // On a new line: the last line may be a `%` comment that would swallow the brace.
        let added = format!("\n{}", "}".repeat(chunk.open));
        let closed = format!("{}{added}", chunk.text);
        // A value that swallowed the next fields (`title = {x, author = ...`) means the
        // brace went missing mid-entry: reading it would import garbage.
        let r = bibentry::parse_entry(&closed, macros)
            .ok()
            .filter(|p| !p.bib.fields.iter().any(|(_, v)| SWALLOWED.is_match(v)))
            .map(|mut p| {
                // Stored as written (unclosed), keeping any macros expanded in it.
                p.bib.raw = match p.bib.raw.strip_suffix(&added) {
                    Some(expanded) if p.bib.raw != closed => expanded.to_string(),
                    _ => chunk.text.to_string(),
                };
                p
            });
        warnings.push(Warning {
            line: chunk.line,
            message: format!(
                "BibTeX entry {label} is not closed (missing `}}`); {} up to line {last}",
                if r.is_some() { "read" } else { "skipped" }
            ),
        });
        return r;
    } else {
        bibentry::parse_entry(chunk.text, macros)
    };
    match result {
        Ok(p) => {
            if let Some(original) = &p.original_key {
                warnings.push(Warning {
                    line: chunk.line,
                    message: format!(
                        "BibTeX key `{original}` has characters keys cannot hold; read as `{}`",
                        p.bib.key
                    ),
                });
            }
            Some(p)
        }
        Err(e) => {
            let before = chunk.text.get(..e.offset).unwrap_or(chunk.text);
            warnings.push(Warning {
                line: chunk.line + before.matches('\n').count(),
                message: format!(
                    "BibTeX entry {label} (starting line {}) could not be read: {}; skipped",
                    chunk.line, e.message
                ),
            });
            None
        }
    }
}

/// Metadata of a parsed entry as a catalog entry.
pub fn to_raw_entry(parsed: ParsedEntry, line: usize, warnings: &mut Vec<Warning>) -> RawEntry {
    let bib = parsed.bib;
    let mut title = bib.field("title").unwrap_or("").to_string();
    if title.is_empty() {
        warnings.push(Warning {
            line,
            message: format!("BibTeX entry `{}` has no title; its key is used", bib.key),
        });
        title = bib.key.clone();
    }
    let mut entry_links: Vec<Link> = Vec::new();
    for field in ["url", "pdflink", "pdf"] {
        if let Some(url) = bib.field(field).filter(|u| u.contains("://")) {
            if !entry_links.iter().any(|l| l.url == url) {
                entry_links.push(Link::new(
                    links::kind_from_url(url).replace("other", "paper"),
                    url,
                ));
            }
        }
    }
    let tags = bib
        .field("keywords")
        .map(|k| {
            k.split([',', ';'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    RawEntry {
        line,
        title,
        authors: parsed.authors,
        year: bibentry::year(&bib),
        venue: bibentry::venue(&bib),
        abstract_text: bib
            .field("abstract")
            .filter(|a| !a.is_empty())
            .map(String::from),
        tags,
        links: entry_links,
        arxiv: bibentry::arxiv(&bib),
        doi: bibentry::doi(&bib),
        bibtex: Some(bib),
        ..RawEntry::default()
    }
}

/// Cuts `text` into `@type{...}` chunks. Text between entries is a comment to BibTeX and
/// is skipped. An entry that is still open when a later line starts with `@type{` is cut
/// there, so a missing brace does not swallow the rest of the file.
pub fn split(text: &str) -> Vec<Chunk<'_>> {
    // Every delimiter is ASCII, and UTF-8 continuation bytes never equal an ASCII byte, so
    // byte positions of delimiters are always char boundaries.
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'@' => {
                if let Some((kind, delim, body)) = entry_head(bytes, i) {
                    let (end, open, lines, next) = scan_body(bytes, body, delim);
                    chunks.push(Chunk {
                        line,
                        kind,
                        text: text.get(i..end).unwrap_or(""),
                        open,
                    });
                    line += lines;
                    i = next;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    chunks
}

/// At an `@`: the lower-case type, the delimiter and the index after it, when this is
/// `@type{` or `@type(`.
fn entry_head(bytes: &[u8], at: usize) -> Option<(String, u8, usize)> {
    let mut k = at + 1;
    while bytes.get(k).is_some_and(|b| *b == b' ' || *b == b'\t') {
        k += 1;
    }
    let start = k;
    while bytes
        .get(k)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        k += 1;
    }
    if k == start {
        return None;
    }
    let kind = String::from_utf8_lossy(&bytes[start..k]).to_lowercase();
    while bytes.get(k).is_some_and(|b| b.is_ascii_whitespace()) {
        k += 1;
    }
    match bytes.get(k) {
        Some(&d @ (b'{' | b'(')) => Some((kind, d, k + 1)),
        _ => None,
    }
}

/// Scans an entry body from `start` (just after its opening delimiter). Returns the end of
/// the chunk, the braces left open, the newlines passed and where scanning resumes.
fn scan_body(bytes: &[u8], start: usize, delim: u8) -> (usize, usize, usize, usize) {
    let mut depth: usize = usize::from(delim == b'{');
    let mut lines = 0;
    let mut j = start;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' if bytes.get(j + 1).is_some_and(|b| *b != b'\n') => j += 1,
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if delim == b'{' && depth == 0 {
                    return (j + 1, 0, lines, j + 1);
                }
            }
            b')' if delim == b'(' && depth == 0 => return (j + 1, 0, lines, j + 1),
            b'\n' => {
                lines += 1;
                let mut k = j + 1;
                while bytes.get(k).is_some_and(|b| *b == b' ' || *b == b'\t') {
                    k += 1;
                }
                if bytes.get(k) == Some(&b'@') && entry_head(bytes, k).is_some() {
                    return (j, depth.max(1), lines, j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
    (bytes.len(), depth.max(1), lines, bytes.len())
}

#[cfg(test)]
#[path = "bibtex_tests.rs"]
mod tests;
