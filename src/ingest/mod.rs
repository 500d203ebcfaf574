//! Reading lists in, raw entries out. One pure parser per input format (no I/O, no
//! database): each takes the file's text and returns what it found, with the line of every
//! entry and every warning. Merging into the catalog happens in `crate::catalog`.

pub mod arxiv;
pub mod awesome;
pub mod bibentry;
pub mod bibtex;
pub mod course;
pub mod detect;
pub mod files;
pub mod frontmatter;
pub mod hub;
pub mod ids;
pub mod latex;
pub mod links;
pub mod mdlinks;
pub mod sanity;
pub mod wiki;

use crate::model::Link;
use serde::{Deserialize, Serialize};

/// The input formats paperclub reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Awesome-list markdown: `#### Title`, `tag:` line, `paper link:`, fenced bibtex.
    Awesome,
    /// Citation-hub page: one hub paper with abstract and the papers citing it.
    Hub,
    /// Course-site post: YAML front matter, required and more readings.
    Course,
    /// DokuWiki page: `[[url|Author et al Year - Title]]` links under `==== Section ====`.
    Wiki,
    /// BibTeX / BibLaTeX file.
    Bibtex,
    /// arXiv metadata, one JSON object per line (the metadata snapshot or a daily listing).
    ArxivJsonl,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Awesome => "awesome-list",
            Format::Hub => "citation-hub",
            Format::Course => "course-post",
            Format::Wiki => "dokuwiki",
            Format::Bibtex => "bibtex",
            Format::ArxivJsonl => "arxiv-jsonl",
        }
    }
}

/// A parsed BibTeX entry, kept both verbatim (to hand out as the source's own citation) and
/// as fields (to fill in metadata).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BibEntry {
    pub key: String,
    /// Lower-case entry type: `article`, `misc`, `inproceedings`, ...
    pub entry_type: String,
    /// The entry's text as written in the source, with the `@string` macros the file
    /// defined expanded so that it stands on its own.
    pub raw: String,
    /// Field name (lower-case) to value with LaTeX accents and braces decoded for display.
    pub fields: Vec<(String, String)>,
}

impl BibEntry {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Whether a course reading is required or optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadingRole {
    Required,
    Optional,
}

/// One paper as one source describes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawEntry {
    /// 1-based line where the entry starts.
    pub line: usize,
    pub title: String,
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub venue: Option<String>,
    pub abstract_text: Option<String>,
    /// One-line summary (hub page) or note (wiki bold entry).
    pub note: Option<String>,
    pub tags: Vec<String>,
    /// Headings the entry sits under, outermost first, joined with " / ".
    pub section: Option<String>,
    pub links: Vec<Link>,
    /// Identity as the entry itself states it (BibTeX eprint / DOI, or its paper link when
    /// the entry has no BibTeX). A link that contradicts the entry's BibTeX is kept as a
    /// link, not used here, and reported as a warning.
    pub arxiv: Option<String>,
    pub doi: Option<String>,
    pub bibtex: Option<BibEntry>,
    /// Set for course-post readings.
    pub role: Option<ReadingRole>,
}

/// A course session described by a course-site post's front matter.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SessionMeta {
    pub title: String,
    pub lecture: Option<String>,
    pub tags: Vec<String>,
    pub notes_team: Option<String>,
    pub video_team: Option<String>,
    /// `date:` of the front matter as written (a date, or a date and time).
    pub date: Option<String>,
    /// `presenters:` / `present:` of the front matter (team or people).
    pub presenters: Option<String>,
}

/// A message from a parser that read part of a file (a fenced BibTeX block, YAML front
/// matter) names lines of that part; a reader looks for them in the file, so every
/// `line N` moves down by `offset`.
pub(crate) fn shift_lines(message: &str, offset: usize) -> String {
    static LINE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\bline (\d+)").expect("static regex"));
    LINE.replace_all(message, |c: &regex::Captures| {
        // A number too large to be a line (a key such as `line 99999999999999999999`)
        // stays as written.
        match c[1].parse::<usize>() {
            Ok(n) => format!("line {}", n.saturating_add(offset)),
            Err(_) => c[0].to_string(),
        }
    })
    .into_owned()
}

/// A problem in the input that did not stop the parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

/// Everything one parser found in one file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParseOutput {
    pub entries: Vec<RawEntry>,
    /// `(citing, cited)` as indices into `entries`.
    pub cites: Vec<(usize, usize)>,
    pub session: Option<SessionMeta>,
    pub warnings: Vec<Warning>,
}

/// Parses `text` as `format`; absurd entries (see [`sanity`]) are dropped with a warning.
pub fn parse(format: Format, text: &str) -> ParseOutput {
    let mut out = match format {
        Format::Awesome => awesome::parse(text),
        Format::Hub => hub::parse(text),
        Format::Course => course::parse(text),
        Format::Wiki => wiki::parse(text),
        Format::Bibtex => bibtex::parse(text),
        Format::ArxivJsonl => arxiv::parse(text),
    };
    sanity::drop_absurd(&mut out);
    out
}

/// Warns about entries that repeat an earlier one in the same file (same arXiv id, DOI,
/// BibTeX key or title). Both are kept: merging them is the catalog's job.
pub(crate) fn warn_duplicates(out: &mut ParseOutput) {
    use std::collections::HashMap;
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    let mut found = Vec::new();
    for entry in &out.entries {
        let mut keys = Vec::new();
        if let Some(a) = &entry.arxiv {
            keys.push(("arXiv id", a.clone()));
        }
        if let Some(d) = &entry.doi {
            keys.push(("DOI", d.clone()));
        }
        if let Some(b) = entry.bibtex.as_ref().filter(|b| !b.key.is_empty()) {
            keys.push(("BibTeX key", b.key.clone()));
        }
        // Generic titles ("Editorial", "Introduction") repeat across different papers, so a
        // title only counts together with the first author's last name.
        let title = ids::normalize_title(&entry.title);
        if !title.is_empty() {
            let first_author = entry
                .authors
                .first()
                .and_then(|a| a.split_whitespace().last())
                .map(ids::normalize_title)
                .unwrap_or_default();
            keys.push(("title", format!("{title}|{first_author}")));
        }
        let earlier = keys.iter().find_map(|k| seen.get(k).map(|line| (k, *line)));
        if let Some(((what, key), line)) = earlier {
            let value = key.split('|').next().unwrap_or(key);
            found.push(Warning {
                line: entry.line,
                message: format!(
                    "duplicate of the entry at line {line} (same {what} `{value}`); kept for merging"
                ),
            });
        }
        for k in keys {
            seen.entry(k).or_insert(entry.line);
        }
    }
    out.warnings.extend(found);
}

#[cfg(test)]
mod robust_tests;

#[cfg(test)]
mod examples_tests;

#[cfg(test)]
mod shift_tests {
    use super::shift_lines;

    #[test]
    fn line_numbers_move_by_the_offset_and_a_huge_number_stays_as_written() {
        assert_eq!(
            shift_lines(
                "entry (starting line 2) could not be read; up to line 4",
                10
            ),
            "entry (starting line 12) could not be read; up to line 14"
        );
        let key = "@article{line 18446744073709551615 stops inside a value at line 3";
        assert_eq!(
            shift_lines(key, usize::MAX),
            "@article{line 18446744073709551615 stops inside a value at line 18446744073709551615"
        );
        let huge = "@article{line 99999999999999999999999 at line 1";
        assert_eq!(
            shift_lines(huge, 1),
            "@article{line 99999999999999999999999 at line 2"
        );
    }
}
