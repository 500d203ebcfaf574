//! Entries no real reading list holds: a title of megabytes, braces nested thousands deep,
//! an author list the size of a book. Such an entry is a broken or hostile file, not a
//! paper; storing it would bloat every reply, card and index document that shows it. Each
//! is dropped with a warning that says which field and how large; the rest of the file is
//! imported as usual.

use super::{ParseOutput, RawEntry, Warning};

/// Characters a field may hold. Generous: the longest real titles run to a few hundred
/// characters, abstracts to a few thousand.
const MAX_TITLE: usize = 2_000;
const MAX_ABSTRACT: usize = 50_000;
const MAX_SHORT_FIELD: usize = 5_000;
const MAX_AUTHORS: usize = 5_000;
const MAX_AUTHOR: usize = 500;
const MAX_TAGS: usize = 500;
const MAX_LINKS: usize = 500;
/// The verbatim BibTeX entry, abstract and all.
const MAX_BIBTEX: usize = 200_000;
/// Brace depth in a BibTeX entry; real ones protect a word or an accent, two or three deep.
const MAX_BRACE_DEPTH: usize = 64;

/// Drops absurd entries from `out`, with a warning each, and keeps `cites` pointing at the
/// same entries.
pub fn drop_absurd(out: &mut ParseOutput) {
    let verdicts: Vec<Option<String>> = out.entries.iter().map(absurd).collect();
    if verdicts.iter().all(Option::is_none) {
        return;
    }
    let mut new_index = Vec::with_capacity(verdicts.len());
    let mut kept = Vec::with_capacity(out.entries.len());
    for (entry, verdict) in std::mem::take(&mut out.entries).into_iter().zip(verdicts) {
        match verdict {
            Some(why) => {
                new_index.push(None);
                out.warnings.push(Warning {
                    line: entry.line,
                    message: format!("entry skipped: {why}"),
                });
            }
            None => {
                new_index.push(Some(kept.len()));
                kept.push(entry);
            }
        }
    }
    out.entries = kept;
    out.cites = out
        .cites
        .iter()
        .filter_map(|&(a, b)| Some((new_index[a]?, new_index[b]?)))
        .collect();
}

/// Why `e` is absurd, if it is.
fn absurd(e: &RawEntry) -> Option<String> {
    let long = |what: &str, text: &str, max: usize| {
        let n = text.chars().count();
        (n > max).then(|| format!("its {what} is {n} characters long (at most {max})"))
    };
    let many = |what: &str, n: usize, max: usize| {
        (n > max).then(|| format!("it has {n} {what} (at most {max})"))
    };
    long("title", &e.title, MAX_TITLE)
        .or_else(|| {
            long(
                "abstract",
                e.abstract_text.as_deref().unwrap_or(""),
                MAX_ABSTRACT,
            )
        })
        .or_else(|| long("note", e.note.as_deref().unwrap_or(""), MAX_SHORT_FIELD))
        .or_else(|| long("venue", e.venue.as_deref().unwrap_or(""), MAX_SHORT_FIELD))
        .or_else(|| many("authors", e.authors.len(), MAX_AUTHORS))
        .or_else(|| {
            e.authors
                .iter()
                .find_map(|a| long("author name", a, MAX_AUTHOR))
        })
        .or_else(|| many("tags", e.tags.len(), MAX_TAGS))
        .or_else(|| e.tags.iter().find_map(|t| long("tag", t, MAX_AUTHOR)))
        .or_else(|| many("links", e.links.len(), MAX_LINKS))
        .or_else(|| {
            e.links
                .iter()
                .find_map(|l| long("link", &l.url, MAX_SHORT_FIELD))
        })
        .or_else(|| {
            let raw = &e.bibtex.as_ref()?.raw;
            long("BibTeX entry", raw, MAX_BIBTEX).or_else(|| {
                let depth = brace_depth(raw);
                (depth > MAX_BRACE_DEPTH).then(|| {
                    format!("its BibTeX braces nest {depth} deep (at most {MAX_BRACE_DEPTH})")
                })
            })
        })
}

/// The deepest nesting of `{` in `text`, counted without recursion.
fn brace_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::BibEntry;

    fn entry(line: usize, title: &str) -> RawEntry {
        RawEntry {
            line,
            title: title.into(),
            ..RawEntry::default()
        }
    }

    #[test]
    fn an_absurd_entry_is_dropped_with_a_warning_and_citations_follow_the_rest() {
        let mut deep = entry(3, "Deep");
        deep.bibtex = Some(BibEntry {
            raw: format!("@misc{{d, title={}x{}}}", "{".repeat(100), "}".repeat(100)),
            ..BibEntry::default()
        });
        let mut out = ParseOutput {
            entries: vec![
                entry(1, "Hub"),
                entry(2, &"A".repeat(MAX_TITLE + 1)),
                deep,
                entry(4, "Citing"),
            ],
            cites: vec![(1, 0), (3, 0), (2, 0)],
            ..ParseOutput::default()
        };
        drop_absurd(&mut out);
        let titles: Vec<&str> = out.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, vec!["Hub", "Citing"]);
        assert_eq!(out.cites, vec![(1, 0)]);
        let lines: Vec<usize> = out.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![2, 3]);
        assert!(out.warnings[0].message.contains("title is 2001 characters"));
        assert!(out.warnings[1].message.contains("nest 101 deep"));
    }

    #[test]
    fn ordinary_entries_are_untouched() {
        let mut out = ParseOutput {
            entries: vec![entry(1, "Attention Is All You Need")],
            ..ParseOutput::default()
        };
        let before = out.clone();
        drop_absurd(&mut out);
        assert_eq!(out, before);
    }
}
