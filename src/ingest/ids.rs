//! Identity of papers across sources: arXiv ids, DOIs, normalised titles and tag keys.
//! Every source spells the same paper differently (`abs/` vs `pdf/…v2.pdf`, `doi:` vs a
//! `doi.org` URL, title case vs sentence case); these functions fold each spelling to the
//! one form the merge layer compares.

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

/// Title folded for identity: lower-case, accents and punctuation removed, spaces collapsed.
pub fn normalize_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '\u{2019}' | '{' | '}') {
            // "Don't" and "{BERT}" fold to "dont" and "bert", not "don t" / " bert ".
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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
}
