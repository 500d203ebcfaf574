//! Generated BibTeX and BibLaTeX entries for papers without a source entry of their own:
//! the entry type chosen from the venue text, arXiv papers as eprints, and every value made
//! safe by [`super::latex`] so that bibtex, biber and the biblatex crate all read it back.

use super::latex;
use crate::model::Paper;

/// Which dialect to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Bibtex,
    Biblatex,
}

/// What kind of venue a free-text venue names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueKind {
    Proceedings,
    Journal,
    /// A blog, a website, a preprint server: not a publication venue for the entry type.
    Other,
}

/// Substrings (of the lower-cased venue) that mark a conference or workshop.
const PROCEEDINGS_WORDS: &[&str] = &[
    "proceedings",
    "conference",
    "workshop",
    "symposium",
    "findings of",
    "neural information processing systems",
    "congress",
    "meeting of",
];

/// Acronyms of conferences, matched as whole words.
const CONFERENCES: &[&str] = &[
    "neurips",
    "nips",
    "icml",
    "iclr",
    "acl",
    "emnlp",
    "naacl",
    "eacl",
    "coling",
    "aacl",
    "conll",
    "cvpr",
    "iccv",
    "eccv",
    "wacv",
    "bmvc",
    "aaai",
    "ijcai",
    "kdd",
    "sigir",
    "www",
    "wsdm",
    "cikm",
    "recsys",
    "icassp",
    "interspeech",
    "uai",
    "aistats",
    "colt",
    "corl",
    "rss",
    "icra",
    "iros",
    "siggraph",
    "chi",
    "uist",
    "cscw",
    "osdi",
    "sosp",
    "nsdi",
    "eurosys",
    "mlsys",
    "sigmod",
    "vldb",
    "icde",
    "focs",
    "stoc",
    "soda",
    "icse",
    "fse",
    "pldi",
    "popl",
    "isca",
    "micro",
    "asplos",
    "fat",
    "facct",
    "miccai",
    "lrec",
    "icon",
];

/// Substrings that mark a journal.
const JOURNAL_WORDS: &[&str] = &[
    "journal",
    "transactions",
    "letters",
    "review",
    "magazine",
    "annals",
    "bulletin",
    "quarterly",
    "communications of",
];

/// Journal acronyms and names matched as whole words.
const JOURNALS: &[&str] = &[
    "jmlr",
    "tmlr",
    "tacl",
    "tpami",
    "pami",
    "jair",
    "pnas",
    "nature",
    "science",
    "cell",
    "plos",
    "neurocomputing",
    "arxiv",
];

/// The paper's venue, if it names one, and what kind of venue it is.
pub fn venue_of(paper: &Paper) -> (Option<&str>, VenueKind) {
    let venue = paper
        .venue
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    (venue, venue.map_or(VenueKind::Other, venue_kind))
}

/// Classifies free venue text ("NeurIPS 2020", "Journal of Machine Learning Research").
pub fn venue_kind(venue: &str) -> VenueKind {
    let lower = venue.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let has_word = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if lower.contains("arxiv") || lower.contains("preprint") || lower.contains("blog") {
        VenueKind::Other
    } else if PROCEEDINGS_WORDS.iter().any(|w| lower.contains(w)) || has_word(CONFERENCES) {
        VenueKind::Proceedings
    } else if JOURNAL_WORDS.iter().any(|w| lower.contains(w)) || has_word(JOURNALS) {
        VenueKind::Journal
    } else if words.is_empty() {
        VenueKind::Other
    } else {
        // An unrecognised venue is most often a journal or a named series; `@article`
        // with `journal` prints it where readers expect it.
        VenueKind::Journal
    }
}

/// One entry before writing: type, key and `(field, value)` pairs whose values are
/// already escaped and go between one pair of braces.
pub struct Generated {
    pub kind: &'static str,
    pub key: String,
    pub fields: Vec<(&'static str, String)>,
}

impl Generated {
    /// Writes `@kind{key,\n  field = {value},\n...}\n`; the comma after the key stays
    /// even without fields, which some parsers require.
    pub fn write(&self) -> String {
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|(name, value)| format!("  {name} = {{{value}}}"))
            .collect();
        let mut out = format!("@{}{{{},\n", self.kind, self.key);
        if !fields.is_empty() {
            out.push_str(&fields.join(",\n"));
            out.push('\n');
        }
        out.push_str("}\n");
        out
    }
}

/// Builds the entry for `paper` in `dialect`; `key` is the citation key to use.
pub fn generate(paper: &Paper, key: &str, dialect: Dialect) -> Generated {
    let (venue, venue_kind) = venue_of(paper);
    let arxiv = paper
        .arxiv
        .as_deref()
        .and_then(latex::url)
        .filter(|a| !a.is_empty());
    let url = paper.primary_url().as_deref().and_then(latex::url);
    let doi = paper.doi.as_deref().and_then(latex::url);
    let bib = dialect == Dialect::Bibtex;

    let mut fields: Vec<(&'static str, String)> = Vec::new();
    if let Some(t) = latex::title(&paper.title) {
        fields.push(("title", t));
    }
    if let Some(a) = latex::authors(&paper.authors) {
        fields.push(("author", a));
    }
    let kind = match (venue_kind, venue) {
        (VenueKind::Proceedings, Some(v)) => {
            fields.push(("booktitle", latex::escape(v)));
            "inproceedings"
        }
        (VenueKind::Journal, Some(v)) => {
            fields.push((
                if bib { "journal" } else { "journaltitle" },
                latex::escape(v),
            ));
            "article"
        }
        // A venue that is not a publication ("OpenAI Blog") still says where it appeared.
        (VenueKind::Other, Some(v)) if arxiv.is_none() || !v.to_lowercase().contains("arxiv") => {
            fields.push(("howpublished", latex::escape(v)));
            if bib || url.is_none() {
                "misc"
            } else {
                "online"
            }
        }
        _ if bib || (arxiv.is_none() && url.is_none()) => "misc",
        _ => "online",
    };
    if let Some(y) = paper.year {
        fields.push((if bib { "year" } else { "date" }, y.to_string()));
    }
    if let Some(d) = doi {
        fields.push(("doi", d));
    }
    if let Some(a) = arxiv {
        fields.push(("eprint", a));
        if bib {
            fields.push(("archivePrefix", String::from("arXiv")));
        } else {
            fields.push(("eprinttype", String::from("arxiv")));
        }
    }
    if let Some(u) = url {
        fields.push(("url", u));
    }
    Generated {
        kind,
        key: latex::key(key),
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venues_are_classified() {
        for v in [
            "NeurIPS 2020",
            "Advances in Neural Information Processing Systems",
            "Proceedings of ACL",
            "ICML",
            "ICLR 2021 Workshop",
            "Findings of EMNLP",
        ] {
            assert_eq!(venue_kind(v), VenueKind::Proceedings, "{v}");
        }
        for v in [
            "Journal of Machine Learning Research",
            "JMLR",
            "IEEE Transactions on Pattern Analysis",
            "Nature",
            "Some Unknown Venue",
        ] {
            assert_eq!(venue_kind(v), VenueKind::Journal, "{v}");
        }
        for v in ["arXiv preprint arXiv:2001.08361", "OpenAI Blog", "  "] {
            assert_eq!(venue_kind(v), VenueKind::Other, "{v}");
        }
        // "Oracle" contains "acl" but is not ACL.
        assert_eq!(venue_kind("Oracle Magazine"), VenueKind::Journal);
    }
}
