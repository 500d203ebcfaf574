//! The index's schema, built once with its field handles kept, the text analyzers it
//! names, and the mapping from an [`IndexDoc`] to a tantivy document. Anything changed
//! here that changes what is on disk must bump [`SCHEMA_VERSION`] so that existing indexes
//! are wiped and rebuilt from SQLite instead of being read with the wrong layout.

use super::stem::CachedEnglishStemmer;
use super::IndexDoc;
use crate::ingest::ids::tag_key;
use std::collections::BTreeSet;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, TantivyDocument};

/// Written beside the index; a different value on disk means "wipe and rebuild".
pub const SCHEMA_VERSION: &str = "paperclub-search-4";

/// Words, lower-cased, accents folded, English-stemmed: "Scaling Laws" and "scaling law"
/// meet at `scale law`. Stemming is worth its imprecision here because users type the
/// singular of what titles say in the plural (and vice versa) far more often than they
/// need to tell `transformer` from `transformers`.
pub const ANALYZER_STEMMED: &str = "paperclub_en";
/// The same without stemming, for typo matching: a stemmer maps a misspelt word somewhere
/// unpredictable (`optimization` stems to `optim`, `optimizaton` does not), while edit
/// distance against the plain word is what "one typo" means to a user.
pub const ANALYZER_PLAIN: &str = "paperclub_plain";
/// One token per value, untouched; for `"{scope}:{tag_key}"` filter terms.
pub const ANALYZER_RAW: &str = "raw";

/// Tokens longer than this are base64, hashes or URLs run together: never worth indexing.
const MAX_TOKEN_LEN: usize = 40;

/// Field handles, resolved once when the schema is built.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    /// Title words unstemmed, indexed only: the target of fuzzy (typo) matching.
    pub title_words: Field,
    pub authors: Field,
    pub abstract_text: Field,
    pub note: Field,
    pub venue: Field,
    pub tags: Field,
    pub year: Field,
    pub scope: Field,
    /// On a global document: the guilds that see their own view of the paper instead.
    pub shadowed: Field,
    pub tagkey: Field,
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Frequencies without positions: nothing runs phrase queries, and snippets re-tokenize
    // the stored text, so positions would only make the index bigger.
    let words = |analyzer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(record),
        )
    };
    let text = words(ANALYZER_STEMMED, IndexRecordOption::WithFreqs);
    let fields = Fields {
        id: b.add_i64_field(
            "id",
            NumericOptions::default()
                .set_indexed()
                .set_fast()
                .set_stored(),
        ),
        title: b.add_text_field("title", text.clone().set_stored()),
        title_words: b.add_text_field(
            "title_words",
            words(ANALYZER_PLAIN, IndexRecordOption::Basic),
        ),
        authors: b.add_text_field("authors", text.clone()),
        abstract_text: b.add_text_field("abstract", text.clone().set_stored()),
        note: b.add_text_field("note", text.clone()),
        venue: b.add_text_field("venue", text.clone()),
        tags: b.add_text_field("tags", text),
        year: b.add_i64_field("year", INDEXED | FAST),
        scope: b.add_u64_field("scope", INDEXED),
        shadowed: b.add_u64_field("shadowed", INDEXED),
        tagkey: b.add_text_field("tagkey", words(ANALYZER_RAW, IndexRecordOption::Basic)),
    };
    (b.build(), fields)
}

/// The analyzer behind [`ANALYZER_STEMMED`] (or the plain one when `stem` is false).
pub fn analyzer(stem: bool) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter);
    if stem {
        base.filter(CachedEnglishStemmer).build()
    } else {
        base.build()
    }
}

/// Analyzers are not persisted with the index: every opened index needs them registered.
pub fn register_analyzers(index: &Index) {
    let manager = index.tokenizers();
    manager.register(ANALYZER_STEMMED, analyzer(true));
    manager.register(ANALYZER_PLAIN, analyzer(false));
    manager.register(ANALYZER_RAW, TextAnalyzer::from(RawTokenizer::default()));
}

/// The tag filter term for a tag in a scope: `"{scope}:{tag_key}"`.
pub fn tagkey_term(scope: u64, key: &str) -> String {
    format!("{scope}:{key}")
}

/// The tantivy document for one view of a paper.
pub fn to_document(f: &Fields, doc: &IndexDoc) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_i64(f.id, doc.id);
    d.add_text(f.title, &doc.title);
    d.add_text(f.title_words, &doc.title);
    for author in &doc.authors {
        d.add_text(f.authors, author);
    }
    if let Some(a) = &doc.abstract_text {
        d.add_text(f.abstract_text, a);
    }
    if let Some(n) = &doc.note {
        d.add_text(f.note, n);
    }
    if let Some(v) = &doc.venue {
        d.add_text(f.venue, v);
    }
    if let Some(y) = doc.year {
        d.add_i64(f.year, i64::from(y));
    }
    // The same tag seen in several scopes is one piece of text but several filter terms.
    let mut tag_texts = BTreeSet::new();
    let mut tag_terms = BTreeSet::new();
    for (scope, tag) in &doc.tags {
        tag_texts.insert(tag.as_str());
        tag_terms.insert(tagkey_term(scope.0, &tag_key(tag)));
    }
    for tag in tag_texts {
        d.add_text(f.tags, tag);
    }
    for term in &tag_terms {
        d.add_text(f.tagkey, term);
    }
    let scopes: BTreeSet<u64> = doc.scopes.iter().map(|s| s.0).collect();
    for s in scopes {
        d.add_u64(f.scope, s);
    }
    let shadowed: BTreeSet<u64> = doc.shadowed.iter().map(|s| s.0).collect();
    for s in shadowed {
        d.add_u64(f.shadowed, s);
    }
    d
}
