//! The catalog's domain types, shared by every surface: a paper as stored and shown, its
//! links and where it came from. Pure data; no I/O and no Discord types.

use serde::{Deserialize, Serialize};

/// Which guild a row belongs to. `Scope::GLOBAL` (0) is the instance-wide catalog that
/// command-line imports write to; a guild sees the global catalog plus its own imports.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Scope(pub u64);

impl Scope {
    pub const GLOBAL: Scope = Scope(0);
}

/// A link of a paper, classified by what it points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// `paper`, `code`, `dataset`, `blog`, `homepage`, `video`, `slides`, `other`, ...
    pub kind: String,
    pub url: String,
}

impl Link {
    pub fn new(kind: impl Into<String>, url: impl Into<String>) -> Self {
        Link {
            kind: kind.into(),
            url: url.into(),
        }
    }
}

/// Where a paper was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: String,
    pub format: String,
    pub section: Option<String>,
    pub line: usize,
}

/// A paper as the catalog knows it after merging every source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paper {
    #[serde(skip)]
    pub id: i64,
    /// Citation key: the source's BibTeX key where there is one, generated otherwise.
    pub key: String,
    pub title: String,
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub venue: Option<String>,
    /// Tags as first written; lookups go through [`crate::ingest::ids::tag_key`].
    pub tags: Vec<String>,
    pub links: Vec<Link>,
    /// arXiv id without version, e.g. `2001.08361`.
    pub arxiv: Option<String>,
    /// DOI, lower-cased.
    pub doi: Option<String>,
    #[serde(rename = "abstract")]
    pub abstract_text: Option<String>,
    /// A one-line summary or note from a source (hub summary, wiki note).
    pub note: Option<String>,
    pub sources: Vec<SourceRef>,
    /// The source's own BibTeX entry, verbatim, when a source had one.
    #[serde(skip)]
    pub bibtex: Option<String>,
}

impl Paper {
    /// The canonical link to the paper: its arXiv abstract page, else its DOI, else the
    /// paper link a source gave, else any link.
    pub fn primary_url(&self) -> Option<String> {
        if let Some(a) = &self.arxiv {
            return Some(format!("https://arxiv.org/abs/{a}"));
        }
        if let Some(d) = &self.doi {
            return Some(format!("https://doi.org/{d}"));
        }
        if let Some(l) = self.links.iter().find(|l| l.kind == "paper") {
            return Some(l.url.clone());
        }
        self.links.first().map(|l| l.url.clone())
    }
}
