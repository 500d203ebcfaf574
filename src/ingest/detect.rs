//! Format detection from content. Each format has a mark no other one carries (a JSON
//! record per line, front matter, hub page chrome, `####` entries with tag/link lines, DokuWiki headings and links,
//! a file made of `@type{` entries); they are checked from the most to the least specific.
//! The file name only breaks ties, and nothing recognisable gives `None`.

use super::{arxiv, bibtex, Format};
use regex::Regex;
use std::sync::LazyLock;

static WIKI_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"={2,6}[ \t]*[^=\n]+?[ \t]*={2,6}").expect("static regex"));
static AWESOME_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^\s*(?:[-*+]\s+)?(?:tags?\s*[:：]|paper\s+link|[a-z]+\s+link\s*:|```\s*bib)")
        .expect("static regex")
});

/// Guesses the format of `text`; `file_name` breaks ties (a `.bib` extension).
pub fn detect(text: &str, file_name: &str) -> Option<Format> {
    let is_bib_file = file_name.to_lowercase().ends_with(".bib");
    if arxiv::looks_like(text) {
        return Some(Format::ArxivJsonl);
    }
    if has_course_front_matter(text) {
        return Some(Format::Course);
    }
    // Compared without lower-casing each line into a new string: no other character
    // lower-cases into these ASCII words (the Kelvin sign's `k` appears in none of them).
    let hub_marks = text.lines().any(|l| {
        let l = l.trim();
        l.as_bytes()
            .get(..9)
            .is_some_and(|head| head.eq_ignore_ascii_case(b"super hub"))
            || l.eq_ignore_ascii_case("citing papers explorer")
            || l.eq_ignore_ascii_case("representative citing papers")
    });
    if hub_marks {
        return Some(Format::Hub);
    }
    let chunks = bibtex::split(text);
    // Any entry with text in it makes the share above zero.
    if is_bib_file
        && chunks
            .iter()
            .any(|c| c.text.split_whitespace().next().is_some())
    {
        return Some(Format::Bibtex);
    }
    let has_entry_headings = text.lines().any(|l| l.trim_start().starts_with("#### "));
    if has_entry_headings && AWESOME_MARK.is_match(text) {
        return Some(Format::Awesome);
    }
    let wiki_heading = text.contains("====== ")
        || text
            .lines()
            .any(|l| l.trim_start().starts_with("==") && WIKI_HEADING.is_match(l));
    if wiki_heading || text.contains("[[http") {
        return Some(Format::Wiki);
    }
    if bib_share(text, &chunks) >= 0.5 {
        return Some(Format::Bibtex);
    }
    None
}

/// Front matter between `---` lines that names a `layout` or `title`.
fn has_course_front_matter(text: &str) -> bool {
    let mut lines = text
        .trim_start_matches('\u{feff}')
        .lines()
        .skip_while(|l| l.trim().is_empty());
    if lines.next().map(str::trim) != Some("---") {
        return false;
    }
    for line in lines {
        let l = line.trim();
        if l == "---" || l == "..." {
            return false;
        }
        if l.starts_with("layout:") || l.starts_with("title:") {
            return true;
        }
    }
    false
}

/// Share of the non-blank text that lies inside `@type{...}` entries.
fn bib_share(text: &str, chunks: &[bibtex::Chunk<'_>]) -> f64 {
    let total: usize = text.split_whitespace().map(str::len).sum();
    if total == 0 {
        return 0.0;
    }
    let inside: usize = chunks
        .iter()
        .map(|c| c.text.split_whitespace().map(str::len).sum::<usize>())
        .sum();
    inside as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWESOME: &str = include_str!("../../tests/fixtures/ingest/awesome_messy.md");
    const COURSE: &str = include_str!("../../tests/fixtures/ingest/course_post.md");
    const WIKI_FLAT: &str = include_str!("../../tests/fixtures/ingest/wiki_flat.txt");
    const WIKI_LINES: &str = include_str!("../../tests/fixtures/ingest/wiki_lines.txt");
    const HUB: &str = include_str!("../../tests/fixtures/ingest/hub_page.txt");
    const BIB: &str = include_str!("../../tests/fixtures/ingest/messy.bib");
    const ARXIV_DAILY: &str = include_str!("../../tests/fixtures/ingest/arxiv_daily.jsonl");
    const ARXIV_SNAPSHOT: &str = include_str!("../../tests/fixtures/ingest/arxiv_snapshot.jsonl");

    #[test]
    fn each_fixture_is_recognised_from_content() {
        assert_eq!(detect(AWESOME, "list.md"), Some(Format::Awesome));
        assert_eq!(detect(COURSE, "post.md"), Some(Format::Course));
        assert_eq!(detect(WIKI_FLAT, "page.txt"), Some(Format::Wiki));
        assert_eq!(detect(WIKI_LINES, "page"), Some(Format::Wiki));
        assert_eq!(detect(HUB, "hub.txt"), Some(Format::Hub));
        assert_eq!(detect(BIB, "refs.txt"), Some(Format::Bibtex));
        assert_eq!(detect(BIB, "refs.bib"), Some(Format::Bibtex));
        assert_eq!(
            detect(ARXIV_DAILY, "2025-05-01.jsonl"),
            Some(Format::ArxivJsonl)
        );
        assert_eq!(detect(ARXIV_SNAPSHOT, "part"), Some(Format::ArxivJsonl));
    }

    #[test]
    fn bib_extension_breaks_ties() {
        let mostly_prose = "Our reading list, see below. It is long and chatty and has lots of words in it before the single entry.\n@misc{a, title={T}}\n";
        assert_eq!(detect(mostly_prose, "notes.txt"), None);
        assert_eq!(detect(mostly_prose, "refs.BIB"), Some(Format::Bibtex));
    }

    #[test]
    fn unrecognisable_text_is_none() {
        assert_eq!(detect("", "x.md"), None);
        assert_eq!(detect("# Notes\n\nNothing to import.\n", "x.md"), None);
        assert_eq!(detect("---\nfoo: bar\n---\n", "x.md"), None);
        assert_eq!(detect("\u{0}\u{1}binary\u{fffd}", "x.bin"), None);
    }
}
