//! One BibTeX entry, read on its own: the `biblatex` crate's raw parser gives the key,
//! type and field values in source order; here the values get their `@string` macros
//! expanded and their LaTeX decoded, authors are split into display names, and the
//! entry's own identity (arXiv id, DOI), year and venue are read from its fields.

use super::{ids, latex, BibEntry};
use biblatex::{Pair, RawBibliography, RawChunk};
use std::collections::{HashMap, HashSet};

/// `@string` macros by lower-case name, with BibTeX's predefined month names.
#[derive(Debug, Clone)]
pub struct Macros {
    values: HashMap<String, String>,
    /// Names the file itself defined: only these need expanding in a stored entry, since
    /// every BibTeX style knows the month names.
    defined: HashSet<String>,
}

impl Default for Macros {
    fn default() -> Self {
        let months = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        Macros {
            values: months
                .iter()
                .map(|m| (m.get(..3).unwrap_or(m).to_lowercase(), (*m).to_string()))
                .collect(),
            defined: HashSet::new(),
        }
    }
}

impl Macros {
    /// Reads the definitions of one `@string{...}` chunk; returns an error message when the
    /// chunk is malformed.
    pub fn define(&mut self, chunk: &str) -> Result<(), String> {
        let raw = RawBibliography::parse(chunk).map_err(|e| e.kind.to_string())?;
        for pair in raw.abbreviations {
            let value = self.expand(&pair.value.v);
            let name = pair.key.v.to_lowercase();
            self.defined.insert(name.clone());
            self.values.insert(name, value);
        }
        Ok(())
    }

    fn expand(&self, field: &[biblatex::Spanned<RawChunk<'_>>]) -> String {
        field
            .iter()
            .map(|chunk| match chunk.v {
                RawChunk::Normal(s) => s.to_string(),
                RawChunk::Abbreviation(name) => self
                    .values
                    .get(&name.to_lowercase())
                    .cloned()
                    .unwrap_or_else(|| name.to_string()),
            })
            .collect()
    }

    /// The value of a macro the file defined, if `name` is one.
    fn defined(&self, name: &str) -> Option<&str> {
        let name = name.to_lowercase();
        self.defined
            .contains(&name)
            .then(|| self.values.get(&name).map(String::as_str))
            .flatten()
    }
}

/// `source` with every use of a macro the file defined replaced by its value in braces, so
/// the entry stands on its own once stored (`journal = jmlr` becomes `journal = {Journal
/// of Machine Learning Research}`); `None` when the entry uses no such macro.
fn expand_in_source(source: &str, fields: &[Pair<'_>], macros: &Macros) -> Option<String> {
    let uses: Vec<(std::ops::Range<usize>, &str)> = fields
        .iter()
        .flat_map(|pair| &pair.value.v)
        .filter_map(|chunk| match chunk.v {
            RawChunk::Abbreviation(name) => Some((chunk.span.clone(), macros.defined(name)?)),
            RawChunk::Normal(_) => None,
        })
        .collect();
    if uses.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(source.len());
    let mut pos = 0;
    for (span, value) in uses {
        out.push_str(source.get(pos..span.start)?);
        out.push('{');
        out.push_str(value);
        out.push('}');
        pos = span.end;
    }
    out.push_str(source.get(pos..)?);
    Some(out)
}

/// An entry with what is only readable before LaTeX decoding: the split author list.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEntry {
    pub bib: BibEntry,
    pub authors: Vec<String>,
    /// The key as written, when it had to be rewritten to be read.
    pub original_key: Option<String>,
}

/// A failed entry: the message and the byte offset in the chunk where reading stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryError {
    pub offset: usize,
    pub message: String,
}

/// Fields whose values are addresses, where `~` and `_` mean themselves.
const URL_FIELDS: &[&str] = &["url", "doi", "eprint", "pdflink", "pdf", "link", "file"];

/// Parses one entry chunk (`@type{key, ...}` exactly as in the source).
pub fn parse_entry(chunk: &str, macros: &Macros) -> Result<ParsedEntry, EntryError> {
    // The raw parser only knows `{...}` delimiters; `@type(...)` is the same entry.
    let normalized = paren_to_brace(chunk);
    let source = normalized.as_deref().unwrap_or(chunk);
    let (fixed, original_key) = match sanitize_key(source) {
        Some((text, original)) => (Some(text), Some(original)),
        None => (None, None),
    };
    let source = fixed.as_deref().unwrap_or(source);
    let raw = RawBibliography::parse(source).map_err(|e| EntryError {
        offset: e.span.start,
        message: e.kind.to_string(),
    })?;
    let entry = raw.entries.into_iter().next().ok_or_else(|| EntryError {
        offset: 0,
        message: "no entry found".to_string(),
    })?;
    let entry = entry.v;
    // Expanded, the entry is no longer exactly as written, but it is the same entry in
    // BibTeX's own syntax (the key and delimiters as read).
    let stored = expand_in_source(source, &entry.fields, macros).unwrap_or_else(|| chunk.into());
    let mut fields = Vec::with_capacity(entry.fields.len());
    let mut authors = Vec::new();
    for pair in &entry.fields {
        let name = pair.key.v.to_lowercase();
        let value = macros.expand(&pair.value.v);
        if name == "author" && authors.is_empty() {
            authors = split_names(&value);
        }
        let shown = if URL_FIELDS.contains(&name.as_str()) {
            url_value(&value)
        } else {
            latex::decode(&value)
        };
        fields.push((name, shown));
    }
    Ok(ParsedEntry {
        bib: BibEntry {
            key: entry.key.v.trim().to_string(),
            entry_type: entry.kind.v.to_lowercase(),
            raw: stored,
            fields,
        },
        authors,
        original_key,
    })
}

/// Keys written with spaces, braces or backslashes (`Chrupa{\l}a`, `Fallah Tehrani`) are
/// not valid keys; they are rewritten without those characters so the entry still reads.
/// Returns the rewritten source and the key as written.
fn sanitize_key(source: &str) -> Option<(String, String)> {
    let open = source.find('{')?;
    let rest = source.get(open + 1..)?;
    let end = rest.find([',', '\n']).unwrap_or(rest.len());
    let written = rest.get(..end)?;
    let trimmed = written.trim();
    let bad = |c: char| c.is_whitespace() || matches!(c, '{' | '}' | '\\' | '(' | ')' | '^');
    if !trimmed.chars().any(bad) {
        return None;
    }
    let key: String = trimmed.chars().filter(|c| !bad(*c)).collect();
    let mut out = String::with_capacity(source.len());
    out.push_str(source.get(..=open)?);
    out.push_str(&key);
    out.push_str(rest.get(end..)?);
    Some((out, trimmed.to_string()))
}

/// `@type( ... )` rewritten as `@type{ ... }`; `None` when the chunk already uses braces.
fn paren_to_brace(chunk: &str) -> Option<String> {
    let open = chunk.find(['{', '('])?;
    if chunk.get(open..open + 1) != Some("(") {
        return None;
    }
    let close = chunk.rfind(')')?;
    if close <= open {
        return None;
    }
    let mut s = String::with_capacity(chunk.len());
    s.push_str(chunk.get(..open)?);
    s.push('{');
    s.push_str(chunk.get(open + 1..close)?);
    s.push('}');
    Some(s)
}

/// A URL-ish value: `\url{}` wrappers, braces and backslash escapes removed, `~` kept.
fn url_value(value: &str) -> String {
    let v = value.trim().replace("\\url", "").replace("\\href", "");
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if !matches!(c, '{' | '}' | '\\') && !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// Splits a raw `author` value on top-level ` and ` and turns each `Last, First` into a
/// display name `First Last`. `others` (BibTeX's "et al.") is dropped.
pub fn split_names(raw: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    let words: Vec<&str> = raw.split_whitespace().collect();
    for word in words {
        if depth == 0 && word.eq_ignore_ascii_case("and") {
            names.push(std::mem::take(&mut current));
            continue;
        }
        for c in word.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    names.push(current);
    names
        .iter()
        .map(|n| display_name(n))
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("others"))
        .collect()
}

fn display_name(raw: &str) -> String {
    let parts = split_top_level_commas(raw);
    let decoded: Vec<String> = parts.iter().map(|p| latex::decode(p)).collect();
    match decoded.as_slice() {
        [last, first] if !first.is_empty() => format!("{first} {last}"),
        [last, jr, first] if !first.is_empty() => format!("{first} {last} {jr}"),
        _ => decoded.join(" "),
    }
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

fn split_top_level_commas(s: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
}

/// The first plausible four-digit year in `year`, else in `date`.
pub fn year(bib: &BibEntry) -> Option<i32> {
    ["year", "date"]
        .iter()
        .filter_map(|f| bib.field(f))
        .find_map(|v| {
            let digits: Vec<char> = v.chars().collect();
            digits.windows(4).find_map(|w| {
                let s: String = w.iter().collect();
                s.parse::<i32>().ok().filter(|y| (1000..=2200).contains(y))
            })
        })
}

/// Where the work appeared; arXiv-only entries say "arXiv".
pub fn venue(bib: &BibEntry) -> Option<String> {
    for field in [
        "journal",
        "journaltitle",
        "booktitle",
        "howpublished",
        "school",
        "institution",
    ] {
        let Some(v) = bib.field(field).map(str::trim).filter(|v| !v.is_empty()) else {
            continue;
        };
        if v.contains("://") || v.starts_with("www.") {
            continue;
        }
        if v.to_lowercase().starts_with("arxiv") || v.to_lowercase().contains("arxiv preprint") {
            return Some("arXiv".to_string());
        }
        return Some(v.to_string());
    }
    arxiv(bib).map(|_| "arXiv".to_string())
}

/// The arXiv id the entry states: `eprint` (when arXiv), else its URL, DOI or an
/// `arXiv:` mention in the journal or note.
pub fn arxiv(bib: &BibEntry) -> Option<String> {
    let prefix = bib
        .field("archiveprefix")
        .or_else(|| bib.field("eprinttype"))
        .map(|p| p.trim().to_lowercase());
    if let Some(eprint) = bib.field("eprint") {
        if prefix.as_deref().is_none_or(|p| p == "arxiv") {
            if let Some(id) = ids::arxiv_id(eprint) {
                return Some(id);
            }
        }
    }
    // DBLP writes CoRR papers as `journal = {CoRR}, volume = {abs/2001.08361}`.
    let corr = bib
        .field("volume")
        .and_then(|v| v.trim().strip_prefix("abs/"))
        .and_then(ids::arxiv_id);
    corr.or_else(|| {
        ["url", "doi", "journal", "note", "howpublished", "pdflink"]
            .iter()
            .filter_map(|f| bib.field(f))
            .find_map(ids::arxiv_id)
    })
}

/// The DOI the entry states (`doi` field, else a `doi.org` URL); arXiv's own DOIs are left
/// to the arXiv id.
pub fn doi(bib: &BibEntry) -> Option<String> {
    let from_field = bib.field("doi").and_then(ids::doi);
    let from_url = bib
        .field("url")
        .filter(|u| u.contains("doi.org"))
        .and_then(ids::doi);
    from_field
        .or(from_url)
        .filter(|d| !d.starts_with("10.48550/arxiv"))
}
