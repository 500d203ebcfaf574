//! Citations: keys in the usual `authorYEARword` style and every output format. BibTeX is
//! the source's own entry where there is one; the prose styles come from a CSL engine
//! (hayagriva with its bundled styles), never from hand-written formatting.

mod bibtex;
mod convert;
mod csl;
mod key;
mod latex;
mod names;

#[cfg(test)]
mod tests;

use crate::markdown;
use crate::model::Paper;
use bibtex::Dialect;
use csl::{Markup, Prose};
use serde::{Deserialize, Serialize};

/// Output formats for `cite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CiteFormat {
    #[default]
    Bibtex,
    Biblatex,
    Apa,
    Mla,
    Chicago,
    Ieee,
    Markdown,
}

impl CiteFormat {
    pub const ALL: [CiteFormat; 7] = [
        CiteFormat::Bibtex,
        CiteFormat::Biblatex,
        CiteFormat::Apa,
        CiteFormat::Mla,
        CiteFormat::Chicago,
        CiteFormat::Ieee,
        CiteFormat::Markdown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CiteFormat::Bibtex => "bibtex",
            CiteFormat::Biblatex => "biblatex",
            CiteFormat::Apa => "apa",
            CiteFormat::Mla => "mla",
            CiteFormat::Chicago => "chicago",
            CiteFormat::Ieee => "ieee",
            CiteFormat::Markdown => "markdown",
        }
    }

    /// BibTeX and BibLaTeX: output is a `.bib` entry rather than prose.
    pub fn is_bib(self) -> bool {
        matches!(self, CiteFormat::Bibtex | CiteFormat::Biblatex)
    }

    fn prose(self) -> Option<Prose> {
        match self {
            CiteFormat::Apa => Some(Prose::Apa),
            CiteFormat::Mla => Some(Prose::Mla),
            CiteFormat::Chicago => Some(Prose::Chicago),
            CiteFormat::Ieee => Some(Prose::Ieee),
            CiteFormat::Bibtex | CiteFormat::Biblatex | CiteFormat::Markdown => None,
        }
    }

    pub fn parse(s: &str) -> Option<CiteFormat> {
        CiteFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// One paper in one format. BibTeX-family output ends with a newline; prose styles and
/// markdown are one line of plain text.
pub fn cite(paper: &Paper, format: CiteFormat) -> String {
    render_one(paper, format, Markup::Plain)
}

/// Like [`cite`], but the prose styles come as chat markdown: titles and venues the style
/// italicises in `*...*`, markdown specials escaped. BibTeX-family and markdown output is
/// the same as [`cite`].
pub fn cite_markdown(paper: &Paper, format: CiteFormat) -> String {
    render_one(paper, format, Markup::Markdown)
}

fn render_one(paper: &Paper, format: CiteFormat, markup: Markup) -> String {
    let key = cite_key(paper);
    match format.prose() {
        Some(style) => csl::render(&[(key, paper)], style, markup, false).concat(),
        None => render_entry(paper, format, &key),
    }
}

/// BibTeX, BibLaTeX or the markdown link for one paper, generated entries under `key`.
fn render_entry(paper: &Paper, format: CiteFormat, key: &str) -> String {
    let source = paper.bibtex.as_deref().filter(|b| b.contains('@'));
    match format {
        CiteFormat::Bibtex => match source {
            Some(src) if src.ends_with('\n') => src.to_string(),
            Some(src) => format!("{src}\n"),
            None => bibtex::generate(paper, key, Dialect::Bibtex).write(),
        },
        CiteFormat::Biblatex => source
            .and_then(convert::to_biblatex)
            .unwrap_or_else(|| bibtex::generate(paper, key, Dialect::Biblatex).write()),
        _ => markdown_link(paper),
    }
}

/// Several papers: BibTeX-family entries separated by blank lines (a `.bib` file); prose
/// styles as a bibliography in the style's own order, one reference per line, numeric
/// styles with their `[n]` labels; markdown links one per line.
pub fn cite_many(papers: &[Paper], format: CiteFormat) -> String {
    let keys = unique_keys(papers);
    match format.prose() {
        Some(style) => {
            let keyed: Vec<(String, &Paper)> = keys.into_iter().zip(papers).collect();
            csl::render(&keyed, style, Markup::Plain, true).join("\n")
        }
        None => papers
            .iter()
            .zip(&keys)
            .map(|(p, k)| render_entry(p, format, k))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// See [`key::key_stem`]: first author's family name, year, first significant title word;
/// without authors, the first significant title word, year, the next one.
pub fn key_stem(authors: &[String], year: Option<i32>, title: &str) -> String {
    key::key_stem(authors, year, title)
}

/// `[Title](url) — Authors (Year)`; without a URL the title is plain text. The title's
/// markdown specials are escaped, and `[`/`]` so they cannot close the link early.
pub fn markdown_link(paper: &Paper) -> String {
    let title = paper.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = if title.is_empty() {
        String::from("Untitled")
    } else {
        markdown::escape(&title)
    };
    let mut out = match paper.primary_url().filter(|u| !u.trim().is_empty()) {
        // `<...>` keeps parentheses in the URL from ending the link.
        Some(u) => format!("[{title}](<{}>)", u.trim().replace(['<', '>'], "")),
        None => title,
    };
    let authors = author_summary(&paper.authors);
    match (authors.is_empty(), paper.year) {
        (false, Some(y)) => out.push_str(&format!(" — {} ({y})", markdown::escape(&authors))),
        (false, None) => out.push_str(&format!(" — {}", markdown::escape(&authors))),
        (true, Some(y)) => out.push_str(&format!(" ({y})")),
        (true, None) => {}
    }
    out
}

/// "Kaplan", "Kaplan & McCandlish", "Kaplan et al." from the family names.
fn author_summary(authors: &[String]) -> String {
    let families: Vec<String> = authors
        .iter()
        .map(|a| names::split(a).family)
        .filter(|f| !f.is_empty())
        .collect();
    match families.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} & {b}"),
        [a, ..] => format!("{a} et al."),
    }
}

/// The paper's catalog key, or a generated stem when the catalog has none.
fn cite_key(paper: &Paper) -> String {
    if paper.key.trim().is_empty() {
        key_stem(&paper.authors, paper.year, &paper.title)
    } else {
        paper.key.trim().to_string()
    }
}

/// Keys for one bibliography or .bib file: repeats would collide in LaTeX and in the CSL
/// engine, so the second `kaplan2020scaling` becomes `kaplan2020scalingb`, and so on.
fn unique_keys(papers: &[Paper]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    papers
        .iter()
        .map(|p| {
            let base = cite_key(p);
            let mut k = base.clone();
            let mut n = 1u32;
            while !seen.insert(k.clone()) {
                n += 1;
                let suffix = char::from_digit(n + 9, 36).filter(|_| n < 27);
                k = match suffix {
                    Some(c) => format!("{base}{c}"),
                    None => format!("{base}{n}"),
                };
            }
            k
        })
        .collect()
}
