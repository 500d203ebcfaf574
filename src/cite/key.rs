//! Citation-key stems in the usual `authorYEARword` style (`kaplan2020scaling`), or
//! `wordYEARword` for a paper without authors (`efficient2023large`), and the
//! name splitting they share with the formatters: which word of an author string is the
//! family name. Keys are ASCII so that 8-bit BibTeX accepts them as well as biber.

use super::names::{bare, SUFFIXES};
use unicode_normalization::UnicodeNormalization;

/// Title words that never make a key: articles, prepositions, conjunctions.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "towards", "toward", "at",
    "by", "from", "into", "via", "is", "are", "be", "as", "or", "not", "do", "does", "can", "how",
    "what", "why", "when", "we", "our", "its", "it", "this", "that", "about", "beyond", "through",
    "using", "under", "over", "versus", "vs", "all", "you", "your",
];

/// See [`crate::cite::key_stem`].
pub fn key_stem(authors: &[String], year: Option<i32>, title: &str) -> String {
    let year = year.filter(|y| *y > 0).map(|y| y.to_string());
    let mut words = title
        .split(|c: char| c.is_whitespace() || c == '/' || c == '—' || c == '–')
        .map(ascii_alnum)
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(&w.as_str()));
    let author = authors
        .iter()
        .map(|a| ascii_letters(family_name(a)))
        .find(|s| !s.is_empty());
    // Without an author the title leads, as in Google Scholar's `efficient2023large`: a
    // second title word keeps papers that share the first word and year apart.
    let (first, last) = match author {
        Some(name) => (Some(name), words.next()),
        None => match words.next() {
            Some(word) => (Some(word), words.next()),
            None => (Some(String::from("anon")), None),
        },
    };
    [first, year, last].into_iter().flatten().collect()
}

/// The family name of an author string: the part before the comma in "Last, First", the
/// last word (ignoring a "Jr."-style suffix) in "First Last". Braces that protect an
/// organisation name are not part of it.
pub fn family_name(author: &str) -> &str {
    let author = bare(author);
    if let Some((last, _)) = author.split_once(',') {
        return last.trim();
    }
    let words: Vec<&str> = author.split_whitespace().collect();
    match words.as_slice() {
        [] => "",
        [.., last, suffix] if SUFFIXES.contains(&suffix.to_lowercase().as_str()) => last,
        [.., last] => last,
    }
}

/// Decomposes accents away (ö → o, é → e) and keeps lower-case ASCII letters only; names
/// in scripts without an ASCII form come out empty.
pub fn ascii_letters(s: &str) -> String {
    fold(s).filter(char::is_ascii_alphabetic).collect()
}

/// Like [`ascii_letters`] but keeps digits too (`GPT-4` → `gpt4`).
fn ascii_alnum(s: &str) -> String {
    fold(s).filter(char::is_ascii_alphanumeric).collect()
}

fn fold(s: &str) -> impl Iterator<Item = char> + '_ {
    s.nfkd()
        .flat_map(|c| match c {
            // Letters that do not decompose into an ASCII base plus a combining mark.
            'ß' => "ss".chars().collect::<Vec<_>>(),
            'æ' | 'Æ' => vec!['a', 'e'],
            'ø' | 'Ø' => vec!['o'],
            'ł' | 'Ł' => vec!['l'],
            'đ' | 'Đ' => vec!['d'],
            'ı' => vec!['i'],
            c => vec![c],
        })
        .flat_map(char::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn kaplan_scaling_laws() {
        let authors = names(&["Jared Kaplan", "Sam McCandlish"]);
        let title = "Scaling Laws for Neural Language Models";
        assert_eq!(key_stem(&authors, Some(2020), title), "kaplan2020scaling");
    }

    #[test]
    fn last_comma_first_uses_the_part_before_the_comma() {
        let authors = names(&["Vaswani, Ashish", "Shazeer, Noam"]);
        let stem = key_stem(&authors, Some(2017), "Attention Is All You Need");
        assert_eq!(stem, "vaswani2017attention");
    }

    #[test]
    fn accents_are_folded_and_stop_words_skipped() {
        let authors = names(&["Bernhard Schölkopf"]);
        let stem = key_stem(&authors, Some(2001), "On the Use of Kernels");
        assert_eq!(stem, "scholkopf2001use");
        let authors = names(&["Ésaïe Ångström-Łukasiewicz"]);
        assert_eq!(key_stem(&authors, None, ""), "angstromlukasiewicz");
    }

    #[test]
    fn without_authors_the_title_leads_around_the_year() {
        let title = "Efficient Large Scale Language Modeling with Mixtures of Experts";
        assert_eq!(key_stem(&[], Some(2023), title), "efficient2023large");
        assert_eq!(
            key_stem(&[], Some(2023), "The GPT-4 Technical Report"),
            "gpt42023technical"
        );
        let vit = "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale";
        assert_eq!(key_stem(&[], None, vit), "imageworth");
        assert_eq!(key_stem(&[], Some(2020), "Dropout"), "dropout2020");
    }

    #[test]
    fn missing_pieces_are_omitted_and_nothing_at_all_is_anon() {
        assert_eq!(key_stem(&[], None, ""), "anon");
        assert_eq!(key_stem(&[], Some(2023), ""), "anon2023");
        assert_eq!(key_stem(&names(&["  "]), None, "A An The"), "anon");
    }

    #[test]
    fn a_name_without_an_ascii_form_falls_through_to_the_next_author() {
        let authors = names(&["张伟", "Li Ming"]);
        assert_eq!(key_stem(&authors, Some(2021), "大模型"), "ming2021");
        assert_eq!(key_stem(&names(&["张伟"]), Some(2021), "x y"), "x2021y");
    }

    #[test]
    fn organisations_and_suffixes() {
        let stem = key_stem(&names(&["{OpenAI}"]), Some(2023), "GPT-4 Technical Report");
        assert_eq!(stem, "openai2023gpt4");
        let stem = key_stem(
            &names(&["Martin Luther King Jr."]),
            Some(1963),
            "Why We Can't Wait",
        );
        assert_eq!(stem, "king1963cant");
    }

    #[test]
    fn family_name_cases() {
        assert_eq!(family_name("Ludwig van Beethoven"), "Beethoven");
        assert_eq!(family_name("van Beethoven, Ludwig"), "van Beethoven");
        assert_eq!(family_name("Plato"), "Plato");
        assert_eq!(family_name(""), "");
    }
}
