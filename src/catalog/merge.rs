//! Merging what a new source says about a paper into what the catalog already has: the
//! union of facts, the best metadata of each source. Pure; the importer does the I/O.

use crate::ingest::ids::normalize_title;
use crate::ingest::RawEntry;
use crate::store::papers::PaperRow;

/// Whether two normalised titles plausibly name the same paper. Used to refuse merging on
/// an identifier when the titles disagree (a wrong link in a reading list).
pub fn titles_agree(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() || a == b || a.contains(b) || b.contains(a) {
        return true;
    }
    let wa: std::collections::HashSet<&str> = a.split(' ').collect();
    let wb: std::collections::HashSet<&str> = b.split(' ').collect();
    let shared = wa.intersection(&wb).count();
    let smaller = wa.len().min(wb.len()).max(1);
    // Subtitles and abbreviations differ between sources; most words of the shorter title
    // must still appear in the longer one.
    shared * 10 >= smaller * 6
}

/// Whether two years are compatible: unknown, equal, or one apart (preprint vs venue).
pub fn years_agree(a: Option<i32>, b: Option<i32>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() <= 1,
        _ => true,
    }
}

/// A paper row for a paper first seen in `entry` (key left empty for the caller).
pub fn new_row(entry: &RawEntry) -> PaperRow {
    PaperRow {
        id: 0,
        key: String::new(),
        title: entry.title.trim().to_string(),
        title_norm: normalize_title(&entry.title),
        authors: entry.authors.clone(),
        year: entry.year,
        venue: entry.venue.clone(),
        arxiv: entry.arxiv.clone(),
        doi: entry.doi.clone(),
        abstract_text: non_empty(&entry.abstract_text),
        note: non_empty(&entry.note),
        bibtex: entry.bibtex.as_ref().map(|b| b.raw.clone()),
    }
}

/// `existing` updated with what `entry` adds. A source with its own BibTeX entry is the
/// most careful about metadata, so it wins title, authors and year over one without.
pub fn merge(existing: &PaperRow, entry: &RawEntry) -> PaperRow {
    let mut out = existing.clone();
    let authoritative = entry.bibtex.is_some() && existing.bibtex.is_none();

    let title = entry.title.trim();
    if out.title.is_empty() || (authoritative && !title.is_empty()) {
        out.title = title.to_string();
        out.title_norm = normalize_title(title);
    }
    if better_authors(&out.authors, &entry.authors, authoritative) {
        out.authors = entry.authors.clone();
    }
    if out.year.is_none() || (authoritative && entry.year.is_some()) {
        out.year = entry.year.or(out.year);
    }
    // "arXiv" is where a preprint is, not where it was published; a real venue wins.
    let preprint =
        |v: &Option<String>| v.as_deref().is_none_or(|v| v.eq_ignore_ascii_case("arxiv"));
    if preprint(&out.venue) && !preprint(&entry.venue) || out.venue.is_none() {
        out.venue = entry.venue.clone().or(out.venue);
    }
    if out.arxiv.is_none() {
        out.arxiv = entry.arxiv.clone();
    }
    if out.doi.is_none() {
        out.doi = entry.doi.clone();
    }
    if let Some(a) = non_empty(&entry.abstract_text) {
        // Hub pages and course posts sometimes cut abstracts; the longest is the fullest.
        if out
            .abstract_text
            .as_ref()
            .is_none_or(|old| a.len() > old.len())
        {
            out.abstract_text = Some(a);
        }
    }
    if out.note.is_none() {
        out.note = non_empty(&entry.note);
    }
    if out.bibtex.is_none() {
        out.bibtex = entry.bibtex.as_ref().map(|b| b.raw.clone());
    }
    out
}

/// Full names beat surnames only ("Kaplan" from a wiki link), more authors beat fewer
/// ("Kaplan et al."), and an authoritative source beats both.
fn better_authors(old: &[String], new: &[String], authoritative: bool) -> bool {
    if new.is_empty() {
        return false;
    }
    if old.is_empty() || authoritative {
        return true;
    }
    let full = |v: &[String]| v.iter().filter(|a| a.trim().contains(' ')).count();
    (full(new), new.len()) > (full(old), old.len())
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::BibEntry;

    fn entry(title: &str, authors: &[&str], year: Option<i32>) -> RawEntry {
        RawEntry {
            title: title.into(),
            authors: authors.iter().map(|a| a.to_string()).collect(),
            year,
            ..RawEntry::default()
        }
    }

    #[test]
    fn a_wiki_surname_does_not_replace_full_author_names() {
        let mut first = entry(
            "Scaling Laws",
            &["Jared Kaplan", "Sam McCandlish"],
            Some(2020),
        );
        first.bibtex = Some(BibEntry::default());
        let existing = new_row(&first);
        let merged = merge(&existing, &entry("Scaling Laws", &["Kaplan"], Some(2020)));
        assert_eq!(merged.authors, vec!["Jared Kaplan", "Sam McCandlish"]);
    }

    #[test]
    fn full_names_replace_a_surname_and_missing_fields_fill_in() {
        let existing = new_row(&entry("Scaling Laws", &["Kaplan"], None));
        let mut later = entry(
            "Scaling Laws",
            &["Jared Kaplan", "Sam McCandlish"],
            Some(2020),
        );
        later.abstract_text = Some("We study empirical scaling laws.".into());
        let merged = merge(&existing, &later);
        assert_eq!(merged.authors.len(), 2);
        assert_eq!(merged.year, Some(2020));
        assert_eq!(
            merged.abstract_text.as_deref(),
            Some("We study empirical scaling laws.")
        );
    }

    #[test]
    fn the_longer_abstract_wins_and_merging_twice_changes_nothing() {
        let mut a = entry("T", &[], None);
        a.abstract_text = Some("short".into());
        let mut b = entry("T", &[], None);
        b.abstract_text = Some("a much longer abstract".into());
        let once = merge(&new_row(&a), &b);
        assert_eq!(
            once.abstract_text.as_deref(),
            Some("a much longer abstract")
        );
        assert_eq!(merge(&once, &b), once);
        assert_eq!(merge(&once, &a), once);
    }

    #[test]
    fn different_titles_disagree_and_subtitles_agree() {
        let n = normalize_title;
        assert!(titles_agree(
            &n("Scaling Laws for Neural Language Models"),
            &n("Scaling laws for neural language models.")
        ));
        assert!(titles_agree(
            &n("LLaMA: Open and Efficient Foundation Language Models"),
            &n("LLaMA Open and Efficient Foundation Language Models (v2)")
        ));
        assert!(!titles_agree(
            &n("Scaling Laws for Neural Language Models"),
            &n("Attention Is All You Need")
        ));
    }

    #[test]
    fn years_one_apart_agree() {
        assert!(years_agree(Some(2020), Some(2021)));
        assert!(years_agree(None, Some(2021)));
        assert!(!years_agree(Some(2018), Some(2021)));
    }
}
