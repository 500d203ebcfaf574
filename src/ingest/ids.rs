//! Identity of papers across sources: arXiv ids, DOIs, normalised titles and tag keys.
//! Every source spells the same paper differently (`abs/` vs `pdf/…v2.pdf`, `doi:` vs a
//! `doi.org` URL, title case vs sentence case); these functions fold each spelling to the
//! one form the merge layer compares. [`pasted`] finds the same spellings in what a user
//! types into a search box.

use regex::Regex;
use std::sync::LazyLock;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// New-style (`2001.08361`) or old-style (`hep-th/9901001`, `math.GT/0309136`) id, with an
/// optional version that is matched so it can be dropped.
const ID: &str = r"(\d{4}\.\d{4,5}|[a-zA-Z]+(?:-[a-zA-Z]+)?(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?";

static ARXIV_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)arxiv\.org/(?:abs|pdf|html|format|ps)/{ID}(?:\.pdf)?"
    ))
    .expect("static regex")
});
static ARXIV_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)(?:\barxiv\s*:\s*|10\.48550/arxiv\.){ID}")).expect("static regex")
});
static ARXIV_BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^{ID}$")).expect("static regex"));
static DOI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"10\.\d{4,9}/[^\s"<>{}\[\]|]+"#).expect("static regex"));

/// arXiv id without version from a URL (`arxiv.org/abs|pdf|html/...`) or text
/// (`arXiv:2001.08361v2`, bare `2001.08361`). Old-style ids (`hep-th/9901001`) too.
pub fn arxiv_id(text: &str) -> Option<String> {
    let text = text.trim();
    let found = ARXIV_URL
        .captures(text)
        .or_else(|| ARXIV_PREFIX.captures(text))
        .or_else(|| ARXIV_BARE.captures(text))?;
    let id = found.get(1)?.as_str();
    plausible(id).then(|| id.to_string())
}

/// The year an arXiv id was issued: `2203.15556` → 2022, `hep-th/9901001` → 1999. Old-style
/// ids ran from 1991 to March 2007, new-style ones from April 2007.
pub fn arxiv_year(id: &str) -> Option<i32> {
    let digits = id.rsplit('/').next()?;
    let yy: i32 = digits.get(..2)?.parse().ok()?;
    let old_style = id.contains('/');
    Some(if old_style && yy >= 91 {
        1900 + yy
    } else {
        2000 + yy
    })
}

/// Rejects numbers that only look like new-style ids (`2020.12345` is not a month).
fn plausible(id: &str) -> bool {
    if id.contains('/') {
        return true;
    }
    let month = id.get(2..4).and_then(|m| m.parse::<u32>().ok());
    matches!(month, Some(1..=12))
}

/// DOI (lower-cased) from a `doi.org` URL, `doi:` text or a bare `10.xxxx/...`.
pub fn doi(text: &str) -> Option<String> {
    let decoded = text.replace("%2F", "/").replace("%2f", "/");
    let m = DOI.find(&decoded)?;
    let mut doi = m.as_str().to_lowercase();
    // Trailing punctuation belongs to the sentence, a closing paren only when unbalanced.
    while let Some(last) = doi.chars().last() {
        let unbalanced_paren = last == ')' && doi.matches(')').count() > doi.matches('(').count();
        if matches!(last, '.' | ',' | ';' | ':' | '\'' | '"' | '}' | ']') || unbalanced_paren {
            doi.pop();
        } else {
            break;
        }
    }
    // `10.1234/` with nothing after the slash is not an identifier.
    let suffix = doi.split_once('/').map(|(_, s)| s).unwrap_or("");
    (!suffix.is_empty()).then_some(doi)
}

/// A paper identifier found in pasted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaperRef {
    Arxiv(String),
    Doi(String),
}

/// What a search box received: the identifiers pasted into it (arXiv ids and links, DOIs
/// and `doi.org` links), in order and without repeats, and the words around them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pasted {
    pub refs: Vec<PaperRef>,
    /// The text with the identifiers (and an `arXiv:` or `doi:` label before one) removed.
    pub rest: String,
}

/// Splits `text` into identifiers and the words around them. Whole whitespace-separated
/// words are tested, so an id is only taken when it stands alone (`2001.08361`, not
/// `v2001.08361`); quotes, brackets and sentence punctuation around it are ignored.
pub fn pasted(text: &str) -> Pasted {
    let words: Vec<&str> = text.split_whitespace().collect();
    let found: Vec<Option<PaperRef>> = words.iter().map(|w| paper_ref(w)).collect();
    let mut out = Pasted::default();
    let mut rest = Vec::new();
    for (i, word) in words.iter().enumerate() {
        match &found[i] {
            Some(r) => {
                if !out.refs.contains(r) {
                    out.refs.push(r.clone());
                }
            }
            // `arXiv: 2001.08361` is one identifier written as two words; the label alone
            // would otherwise search for every paper whose venue is arXiv.
            None if is_label(word) && found.get(i + 1).is_some_and(Option::is_some) => {}
            None => rest.push(*word),
        }
    }
    out.rest = rest.join(" ");
    out
}

fn paper_ref(word: &str) -> Option<PaperRef> {
    let word = word.trim_matches(|c: char| "()[]<>{}\"'“”‘’,;".contains(c));
    let word = word.strip_suffix('.').unwrap_or(word);
    if let Some(id) = arxiv_id(word) {
        return Some(PaperRef::Arxiv(id));
    }
    // `doi(…)` finds a DOI anywhere in its text; here the word must be one (or a link to one).
    let lower = word.to_lowercase();
    let bare = ["https://", "http://"]
        .iter()
        .find_map(|s| lower.strip_prefix(s))
        .map_or(lower.as_str(), |rest| {
            rest.strip_prefix("dx.").unwrap_or(rest)
        });
    let bare = bare
        .strip_prefix("doi.org/")
        .or_else(|| bare.strip_prefix("doi:"))
        .unwrap_or(bare);
    if bare.starts_with("10.") {
        return doi(bare).map(PaperRef::Doi);
    }
    None
}

fn is_label(word: &str) -> bool {
    matches!(
        word.to_lowercase().trim_end_matches(':'),
        "arxiv" | "doi" | "arxiv.org" | "doi.org"
    )
}

/// Title folded for identity: lower-case, accents and punctuation removed, spaces collapsed.
pub fn normalize_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    // ASCII is its own NFKD and holds no combining mark: skipping the Unicode tables for
    // it gives the same text at a fraction of the cost (an import folds every title
    // several times).
    if title.is_ascii() {
        title.chars().for_each(|c| fold_title_char(c, &mut out));
    } else {
        title
            .nfkd()
            .filter(|c| !is_combining_mark(*c))
            .for_each(|c| fold_title_char(c, &mut out));
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fold_title_char(c: char, out: &mut String) {
    if c.is_alphanumeric() {
        out.extend(c.to_lowercase());
    } else if matches!(c, '\'' | '\u{2019}' | '{' | '}') {
        // "Don't" and "{BERT}" fold to "dont" and "bert", not "don t" / " bert ".
    } else {
        out.push(' ');
    }
}

/// Tag folded for lookup: `Scaling Laws`, `scaling-laws`, `scaling_laws` → `scalinglaws`.
pub fn tag_key(tag: &str) -> String {
    tag.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arxiv_ids_from_every_link_form_fold_to_one() {
        for text in [
            "https://arxiv.org/abs/2001.08361",
            "https://arxiv.org/pdf/2001.08361.pdf",
            "https://arxiv.org/pdf/2001.08361",
            "http://arxiv.org/pdf/2001.08361v2.pdf",
            "https://arxiv.org/abs/2001.08361v3",
            "https://arxiv.org/html/2001.08361v1",
            "https://export.arxiv.org/abs/2001.08361",
            "arXiv:2001.08361v2",
            "arxiv: 2001.08361",
            "arXiv preprint arXiv:2001.08361",
            "2001.08361",
            "2001.08361v1",
            "https://doi.org/10.48550/arXiv.2001.08361",
        ] {
            assert_eq!(arxiv_id(text).as_deref(), Some("2001.08361"), "{text}");
        }
    }

    #[test]
    fn five_digit_and_old_style_arxiv_ids() {
        assert_eq!(
            arxiv_id("https://arxiv.org/abs/2410.05229").as_deref(),
            Some("2410.05229")
        );
        assert_eq!(
            arxiv_id("hep-th/9901001").as_deref(),
            Some("hep-th/9901001")
        );
        assert_eq!(
            arxiv_id("https://arxiv.org/abs/hep-th/9901001v2").as_deref(),
            Some("hep-th/9901001")
        );
        assert_eq!(
            arxiv_id("arXiv:math.GT/0309136").as_deref(),
            Some("math.GT/0309136")
        );
        assert_eq!(arxiv_id("cs/0112017").as_deref(), Some("cs/0112017"));
    }

    #[test]
    fn things_that_are_not_arxiv_ids() {
        for text in [
            "",
            "https://openreview.net/pdf?id=ITw9edRDlD",
            "https://github.com/foo/bar",
            "version 2001.08361 of something",
            "2020.99999",
            "https://proceedings.mlr.press/v202/gao23h/gao23h.pdf",
            "é2001.08361",
        ] {
            assert_eq!(arxiv_id(text), None, "{text}");
        }
    }

    #[test]
    fn dois_from_urls_prefixes_and_bare_text() {
        assert_eq!(
            doi("https://doi.org/10.1038/nature14539").as_deref(),
            Some("10.1038/nature14539")
        );
        assert_eq!(
            doi("http://dx.doi.org/10.1162/NECO.1997.9.8.1735").as_deref(),
            Some("10.1162/neco.1997.9.8.1735")
        );
        assert_eq!(
            doi("doi:10.1145/3442188.3445922.").as_deref(),
            Some("10.1145/3442188.3445922")
        );
        assert_eq!(doi("see (10.5555/12345)").as_deref(), Some("10.5555/12345"));
        assert_eq!(
            doi("10.1016/S0140-6736(20)30183-5").as_deref(),
            Some("10.1016/s0140-6736(20)30183-5")
        );
        assert_eq!(
            doi("https://doi.org/10.1000%2Fxyz").as_deref(),
            Some("10.1000/xyz")
        );
        assert_eq!(doi("https://arxiv.org/abs/2001.08361"), None);
        assert_eq!(doi("10.1234/"), None);
        assert_eq!(doi(""), None);
    }

    #[test]
    fn titles_fold_case_accents_and_punctuation() {
        assert_eq!(
            normalize_title("  Attention Is All You   Need! "),
            "attention is all you need"
        );
        assert_eq!(
            normalize_title("Schölkopf: Über {BERT}"),
            "scholkopf uber bert"
        );
        assert_eq!(normalize_title("GSM-Symbolic"), "gsm symbolic");
        assert_eq!(
            normalize_title("Don’t Stop Pretraining"),
            "dont stop pretraining"
        );
        assert_eq!(
            normalize_title("Scaling laws for reward model overoptimization"),
            normalize_title("Scaling Laws for Reward Model Overoptimization")
        );
        assert_eq!(normalize_title(""), "");
    }

    #[test]
    fn tag_keys_ignore_case_and_separators() {
        assert_eq!(tag_key("Scaling Laws"), "scalinglaws");
        assert_eq!(tag_key("scaling-laws"), "scalinglaws");
        assert_eq!(tag_key("scaling_laws"), "scalinglaws");
    }

    #[test]
    fn pasted_identifiers_are_split_from_the_words_around_them() {
        let arxiv = |id: &str| PaperRef::Arxiv(id.to_string());
        for text in [
            "2203.15556",
            "arXiv:2203.15556",
            "arXiv: 2203.15556",
            "https://arxiv.org/abs/2203.15556v2",
            "https://arxiv.org/pdf/2203.15556.pdf",
            "(2203.15556),",
        ] {
            let p = pasted(text);
            assert_eq!(p.refs, vec![arxiv("2203.15556")], "{text}");
            assert_eq!(p.rest, "", "{text}");
        }
        let p = pasted("chinchilla arXiv:2203.15556 compute optimal 2203.15556");
        assert_eq!(p.refs, vec![arxiv("2203.15556")]);
        assert_eq!(p.rest, "chinchilla compute optimal");
        let doi_ref = PaperRef::Doi("10.1162/089976698300017467".into());
        for text in [
            "10.1162/089976698300017467",
            "doi:10.1162/089976698300017467",
            "DOI: 10.1162/089976698300017467",
            "https://doi.org/10.1162/089976698300017467",
            "http://dx.doi.org/10.1162/089976698300017467.",
        ] {
            assert_eq!(pasted(text).refs, vec![doi_ref.clone()], "{text}");
            assert_eq!(pasted(text).rest, "", "{text}");
        }
    }

    #[test]
    fn words_that_only_contain_an_identifier_stay_words() {
        for text in [
            "scaling laws",
            "arxiv",
            "v2001.08361",
            "version 2020.99999",
            "https://example.com/10.1000/x",
        ] {
            let p = pasted(text);
            assert!(p.refs.is_empty(), "{text}: {p:?}");
            assert_eq!(p.rest, text);
        }
    }

    #[test]
    fn arxiv_ids_carry_their_year() {
        assert_eq!(arxiv_year("2203.15556"), Some(2022));
        assert_eq!(arxiv_year("0704.0001"), Some(2007));
        assert_eq!(arxiv_year("hep-th/9901001"), Some(1999));
        assert_eq!(arxiv_year("cs/0112017"), Some(2001));
        assert_eq!(arxiv_year("x"), None);
    }
}
