//! English stemming for the index's analyzer, with each analyzer remembering the stems it
//! has computed. Tantivy's own `Stemmer` filter runs the Snowball algorithm for every
//! token, which made stemming the largest single cost of indexing an import: titles and
//! abstracts repeat a small vocabulary, so a lookup answers most tokens. The stems are
//! those of the same `rust-stemmers` algorithm tantivy's filter runs, so what is indexed
//! and what queries match do not change.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per analyzer. Tantivy keeps an analyzer per field and indexing thread
/// and makes new ones for each segment, so this bounds memory to a few MiB in all; the
/// words seen first are the common ones, so a full cache still answers most tokens.
const MAX_CACHED: usize = 16_384;

/// The filter: English (Porter2) stems, as tantivy's `Stemmer::new(Language::English)`.
#[derive(Clone, Copy, Default)]
pub struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemFilter<T> {
        CachedStemFilter {
            inner: tokenizer,
            stems: HashMap::new(),
        }
    }
}

pub struct CachedStemFilter<T> {
    inner: T,
    stems: HashMap<String, String>,
}

/// A copy starts with no stems: tantivy copies the registered analyzer for every segment
/// and query, and the registered one is never used itself.
impl<T: Clone> Clone for CachedStemFilter<T> {
    fn clone(&self) -> Self {
        CachedStemFilter {
            inner: self.inner.clone(),
            stems: HashMap::new(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemFilter<T> {
    type TokenStream<'a> = CachedStemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemStream {
            tail: self.inner.token_stream(text),
            stemmer: Stemmer::create(Algorithm::English),
            stems: &mut self.stems,
        }
    }
}

pub struct CachedStemStream<'a, T> {
    tail: T,
    stemmer: Stemmer,
    stems: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for CachedStemStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(&token.text) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = self.stemmer.stem(&token.text).into_owned();
        if self.stems.len() < MAX_CACHED {
            let word = std::mem::replace(&mut token.text, stem.clone());
            self.stems.insert(word, stem);
        } else {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, TextAnalyzer};

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    #[test]
    fn stems_are_those_of_tantivys_english_stemmer_also_when_repeated() {
        let text = "Scaling laws for neural language models: scaling the models, \
                    the laws hold; generalization generalizes, running runners ran";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(tantivy::tokenizer::Stemmer::new(Language::English))
            .build();
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedEnglishStemmer)
            .build();
        let expected = tokens(&mut plain, text);
        assert!(expected.contains(&"scale".to_string()), "{expected:?}");
        // The second pass answers from the cache.
        assert_eq!(tokens(&mut cached, text), expected);
        assert_eq!(tokens(&mut cached, text), expected);
        assert_eq!(tokens(&mut cached.clone(), text), expected);
    }
}
