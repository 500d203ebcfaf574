//! Relevance without the search index: a TF-IDF cosine over papers' title and abstract
//! ([`tfidf`]), the tokenizer it shares with whatever explains a match ([`tokens`]), and
//! the measurement of search against it ([`eval`]). Recommendations rank by the same index.

pub mod eval;
pub mod tfidf;
pub mod tokens;

pub use tfidf::TfIdf;
pub use tokens::{Token, Tokenizer};

use crate::catalog::Catalog;
use crate::model::Scope;

/// A TF-IDF index over title and abstract of every paper `scope` sees, keyed by paper id.
/// Built on a blocking thread: 100,000 papers take seconds, not a request's milliseconds.
pub async fn index_for(catalog: &Catalog, scope: Scope) -> anyhow::Result<TfIdf> {
    let texts = catalog.paper_texts(scope).await?;
    let docs = texts.into_iter().map(|p| {
        let text = match p.abstract_text {
            Some(a) => format!("{}\n{a}", p.title),
            None => p.title,
        };
        (p.id, text)
    });
    let docs: Vec<(i64, String)> = docs.collect();
    Ok(tokio::task::spawn_blocking(move || TfIdf::build(docs)).await?)
}
