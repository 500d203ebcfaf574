//! The words relevance scoring compares: lower-cased, accents folded, English stop words
//! dropped, Porter2-stemmed. Shared by the TF-IDF index and whatever explains its matches,
//! so that a "why" line names a word the user would recognise ("optimization") rather than
//! the stem the vectors are keyed by ("optim").

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Words longer than this are URLs, hashes or formulas run together: never a topic.
const MAX_WORD_LEN: usize = 40;

/// Function words plus the few that every abstract uses ("we propose", "this paper"):
/// their IDF is near zero anyway, but dropping them keeps "why" lines and vectors clean.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "either",
    "et", "etc", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
    "here", "hers", "him", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "may", "me", "might", "more", "most", "much", "must", "my", "no", "nor",
    "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours", "out",
    "over", "own", "paper", "per", "same", "she", "should", "so", "some", "such", "than", "that",
    "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through",
    "thus", "to", "too", "under", "until", "up", "upon", "us", "using", "very", "via", "was", "we",
    "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "why", "will",
    "with", "within", "without", "would", "yet", "you", "your",
];

/// One word of a text: its stem (what vectors are keyed by) and the word as written,
/// lower-cased and folded (what a person reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub stem: String,
    pub word: String,
}

/// Splits text into [`Token`]s. Cheap to create; holds only the stemmer.
pub struct Tokenizer {
    stemmer: Stemmer,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Tokenizer {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl Tokenizer {
    /// The tokens of `text`, in order, repeats kept (term frequency is the caller's).
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        words(text)
            .map(|word| Token {
                stem: self.stemmer.stem(&word).into_owned(),
                word,
            })
            .collect()
    }

    /// Only the stems of [`Tokenizer::tokens`].
    pub fn stems(&self, text: &str) -> Vec<String> {
        self.tokens(text).into_iter().map(|t| t.stem).collect()
    }
}

/// Lower-cased, folded words of at least two characters that are neither stop words nor
/// bare numbers (years and section numbers say nothing about a topic; "gpt4" stays).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    let folded: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 2 && w.len() <= MAX_WORD_LEN)
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| STOP_WORDS.binary_search(w).is_err())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn words_are_folded_stemmed_and_stop_words_dropped() {
        let t = Tokenizer::default();
        let tokens = t.tokens("We propose Schölkopf's Scaling Laws for the 2024 GPT-4 models");
        let stems: Vec<&str> = tokens.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(
            stems,
            ["propos", "scholkopf", "scale", "law", "gpt", "model"]
        );
        assert_eq!(tokens[2].word, "scaling");
    }

    #[test]
    fn singular_and_plural_meet() {
        let t = Tokenizer::default();
        assert_eq!(
            t.stems("transformers networks"),
            t.stems("Transformer network")
        );
    }
}
