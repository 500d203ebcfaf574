//! English stemming for the index's analyzer, remembering the stems it has computed.
//! Tantivy's own `Stemmer` filter runs the Snowball algorithm for every token, which made
//! stemming the largest single cost of indexing an import: titles and abstracts repeat a
//! small vocabulary, so a lookup answers most tokens. The stems are
//! those of the same `rust-stemmers` algorithm tantivy's filter runs, so what is indexed
//! and what queries match do not change.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered, a few MiB at most; the words seen first are the common ones, so a full
/// cache still answers most tokens.
const MAX_CACHED: usize = 16_384;

/// One cache for the process. Tantivy copies the registered analyzer for every segment,
/// query and snippet; a cache per copy was thrown away after each query, and filling it
/// cost a search more than stemming did (p50 1.8 → 2.6 ms at 100k papers).
static STEMS: LazyLock<RwLock<HashMap<String, String>>> = LazyLock::new(Default::default);

/// The filter: English (Porter2) stems, as tantivy's `Stemmer::new(Language::English)`.
#[derive(Clone, Copy, Default)]
pub struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemFilter<T> {
        CachedStemFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct CachedStemFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemFilter<T> {
    type TokenStream<'a> = CachedStemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemStream {
            tail: self.inner.token_stream(text),
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

pub struct CachedStemStream<T> {
    tail: T,
    stemmer: Stemmer,
}

impl<T: TokenStream> TokenStream for CachedStemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let full = {
            let stems = STEMS.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(stem) = stems.get(&token.text) {
                token.text.clear();
                token.text.push_str(stem);
                return true;
            }
            stems.len() >= MAX_CACHED
        };
        let stem = self.stemmer.stem(&token.text).into_owned();
        if full {
            token.text = stem;
        } else {
            let word = std::mem::replace(&mut token.text, stem.clone());
            let mut stems = STEMS.write().unwrap_or_else(PoisonError::into_inner);
            if stems.len() < MAX_CACHED {
                stems.insert(word, stem);
            }
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
