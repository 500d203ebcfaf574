//! Relevance without the search index: a TF-IDF cosine over papers' title and abstract
//! ([`tfidf`]) and the tokenizer it shares with whatever explains a match ([`tokens`]).
//! Search is measured against it; recommendations rank by it.

pub mod tfidf;
pub mod tokens;

pub use tfidf::TfIdf;
pub use tokens::{Token, Tokenizer};
