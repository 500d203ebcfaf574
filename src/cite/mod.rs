//! Citations: keys in the usual `authorYEARword` style and every output format. BibTeX is
//! the source's own entry where there is one; the prose styles come from a CSL engine
//! (hayagriva with its bundled styles), never from hand-written formatting.

use crate::model::Paper;
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

    pub fn parse(s: &str) -> Option<CiteFormat> {
        CiteFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// One paper in one format. BibTeX-family output ends with a newline.
pub fn cite(paper: &Paper, format: CiteFormat) -> String {
    let _ = (paper, format);
    String::new()
}

/// Several papers: BibTeX-family entries separated by blank lines; prose styles as a
/// bibliography, one reference per line.
pub fn cite_many(papers: &[Paper], format: CiteFormat) -> String {
    papers
        .iter()
        .map(|p| cite(p, format))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The key stem for a paper without a BibTeX key: first author's family name (ASCII,
/// lower-case) + year + first significant title word, e.g. `kaplan2020scaling`. The caller
/// makes it unique (suffix `a`, `b`, ...).
pub fn key_stem(authors: &[String], year: Option<i32>, title: &str) -> String {
    let _ = (authors, year, title);
    String::from("paper")
}
