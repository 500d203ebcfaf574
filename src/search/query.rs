//! Turns a [`SearchQuery`] into a tantivy query. User text is never parsed as query syntax:
//! it goes through the index's own analyzer and each resulting word becomes term queries,
//! so quotes, colons, `AND`, parentheses and garbage are just more (or fewer) words.

use super::schema::{tagkey_term, Fields};
use super::stats::GlobalStats;
use super::SearchQuery;
use crate::ingest::ids::tag_key;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

/// More distinct words than this add nothing to ranking and only cost time (a pasted
/// abstract is not a query); the first ones are kept. A paper described in a sentence
/// runs to 20–30 words: at 16, the end of a description was cut off (description R@1 0.783
/// → 0.817 at 64 on `eval/search-queries.tsv`, and 32 measured the same as 64).
pub const MAX_TOKENS: usize = 32;
/// Weights per field: names and tags are deliberate; venues are shared by thousands of
/// papers. The title's weight depends on the query's length, see [`title_boost`].
const FIELD_BOOSTS: [(FieldKind, f32); 5] = [
    (FieldKind::Authors, 2.0),
    (FieldKind::Tags, 1.5),
    (FieldKind::Abstract, 1.0),
    (FieldKind::Note, 1.0),
    (FieldKind::Venue, 0.5),
];
/// The title's weight for a query of up to [`SHORT_QUERY_WORDS`] words: a word in the
/// title says more about the paper than one in its abstract, and a short query is a
/// title being recalled (`chinchilla`, `attention transformer`).
const TITLE_BOOST: f32 = 3.0;
const SHORT_QUERY_WORDS: f32 = 3.0;
/// The title's weight for a long query, reached from about 14 words on. A long query
/// describes the paper: with the full 3x, the few of its words that happen to be in some
/// title outweighed an abstract that matched the whole description (the per-field BM25
/// sum). Chosen on `eval/search-queries.tsv` (see `eval/README.md`): with 32 words, a
/// fixed 3x gave description R@1 0.817; decaying to 1 gave 0.913, to 0.67 gave 0.922, to
/// 0.5 gave 0.913; title and typo R@1 stayed 1.000 throughout.
const TITLE_BOOST_FLOOR: f32 = 0.67;
/// A typo match scores this constant: below a single exact word in any boosted field, so
/// exact matches rank first, but enough to surface a paper nothing else matched.
const FUZZY_BOOST: f32 = 0.3;
/// English function words left out of queries (not of the index) unless nothing else
/// is left; see `plan`.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "our", "that", "the", "their", "this", "to", "via", "was",
    "we", "were", "which", "with",
];
/// Shorter words are too close to too many others to correct.
const FUZZY_MIN_CHARS: usize = 4;
/// From this length a word may carry two typos.
const FUZZY_TWO_EDITS_CHARS: usize = 8;

/// One clause of a boolean query.
type Clause = (Occur, Box<dyn Query>);

#[derive(Clone, Copy)]
enum FieldKind {
    Title,
    Authors,
    Tags,
    Abstract,
    Note,
    Venue,
}

impl FieldKind {
    fn field(self, f: &Fields) -> Field {
        match self {
            FieldKind::Title => f.title,
            FieldKind::Authors => f.authors,
            FieldKind::Tags => f.tags,
            FieldKind::Abstract => f.abstract_text,
            FieldKind::Note => f.note,
            FieldKind::Venue => f.venue,
        }
    }
}

/// What a search request amounts to.
pub enum Plan {
    /// No words and no filter beyond the scope: nothing to look for.
    Nothing,
    /// Words to rank by BM25 among the documents `filter` matches. `narrow` is set when the
    /// filter names tags or a year: then it matches few documents, and intersecting with
    /// it beats ranking everything first.
    Ranked {
        text: Box<dyn Query>,
        filter: Box<dyn Query>,
        narrow: bool,
    },
    /// Filters only (e.g. a tag): every match, ordered by year then title.
    Browse(Box<dyn Query>),
}

/// One word of the user's text: as typed (lower-cased, folded) and stemmed.
struct Word {
    plain: String,
    stem: String,
}

/// Builds the plan for `q`. Infallible on any user text; errors only come from the index.
///
/// The text part is a union of boosted term queries, one per word and field where the
/// word occurs. Typo matching is added only for words the index does not know at all: a
/// word found anywhere is taken as meant (so `calling` never drags in `scaling`), a word
/// found nowhere is most likely a typo; this also keeps fuzzy automata off the common path.
pub fn plan(
    searcher: &Searcher,
    stats: &GlobalStats<'_>,
    f: &Fields,
    q: &SearchQuery,
) -> tantivy::Result<Plan> {
    let index = searcher.index();
    let mut stemmer = index.tokenizer_for_field(f.title)?;
    let mut plain = index.tokenizer_for_field(f.title_words)?;
    let mut words: Vec<Word> = tokens(&mut plain, &q.text)
        .into_iter()
        .filter_map(|p| {
            let stem = tokens(&mut stemmer, &p).into_iter().next()?;
            Some(Word { plain: p, stem })
        })
        .collect();
    // Function words are in nearly every abstract: their postings are the longest to
    // scan and their BM25 weight is close to nothing. They stay when they are all there is.
    if words.iter().any(|w| !STOPWORDS.contains(&w.plain.as_str())) {
        words.retain(|w| !STOPWORDS.contains(&w.plain.as_str()));
    }

    let (filters, narrow) = filters(f, q);
    let filter: Box<dyn Query> = Box::new(BooleanQuery::new(filters));
    if words.is_empty() {
        return Ok(if narrow {
            Plan::Browse(filter)
        } else {
            Plan::Nothing
        });
    }

    let mut should: Vec<Clause> = Vec::new();
    let title = (FieldKind::Title, title_boost(words.len()));
    for word in &words {
        let mut known = false;
        for (kind, boost) in std::iter::once(title).chain(FIELD_BOOSTS) {
            let term = Term::from_field_text(kind.field(f), &word.stem);
            // Absent terms would only add empty scorers to the union. Known is as the scope
            // sees: a word only another guild's documents have is unknown here.
            if stats.visible_doc_freq(&term)? == 0 {
                continue;
            }
            known = true;
            let tq = TermQuery::new(term, IndexRecordOption::WithFreqs);
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(tq), boost)),
            ));
        }
        if !known {
            if let Some(fuzzy) = fuzzy_title(f, &word.plain) {
                should.push((Occur::Should, fuzzy));
            }
        }
    }
    if should.is_empty() {
        // Every word unknown and too short to correct: nothing can match.
        return Ok(Plan::Nothing);
    }
    Ok(Plan::Ranked {
        text: Box::new(BooleanQuery::new(should)),
        filter,
        narrow,
    })
}

/// The title's weight for a query of `words` words: [`TITLE_BOOST`] for short queries,
/// falling in inverse proportion to the length (so the title's share of a query's
/// weight stays about constant) down to [`TITLE_BOOST_FLOOR`]. BM25F over one combined
/// title-and-abstract field was tried too and was no better (see `eval/README.md`).
pub(super) fn title_boost(words: usize) -> f32 {
    let share = SHORT_QUERY_WORDS / words.max(1) as f32;
    (TITLE_BOOST * share.min(1.0)).max(TITLE_BOOST_FLOOR)
}

/// The distinct tokens of `text` under `analyzer`, in order, at most [`MAX_TOKENS`].
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while out.len() < MAX_TOKENS && stream.advance() {
        let t = &stream.token().text;
        if !t.is_empty() && !out.iter().any(|o| o == t) {
            out.push(t.clone());
        }
    }
    out
}

/// A low-weight typo-tolerant match of one unstemmed word against the title, or nothing
/// for short words and numbers (a year or version one edit away is another year).
fn fuzzy_title(f: &Fields, word: &str) -> Option<Box<dyn Query>> {
    let chars = word.chars().count();
    if chars < FUZZY_MIN_CHARS || word.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let distance = if chars >= FUZZY_TWO_EDITS_CHARS { 2 } else { 1 };
    let term = Term::from_field_text(f.title_words, word);
    let fuzzy = FuzzyTermQuery::new(term, distance, true);
    Some(Box::new(BoostQuery::new(Box::new(fuzzy), FUZZY_BOOST)))
}

/// Required, score-neutral clauses: the document for the query's scope (its own view of a
/// paper, else the global one), carrying every requested tag in the global scope or the
/// query's, and from the requested year. The flag is true when there is more than the
/// scope clause.
fn filters(f: &Fields, q: &SearchQuery) -> (Vec<Clause>, bool) {
    let scopes: Vec<u64> = if q.scope.0 == 0 {
        vec![0]
    } else {
        vec![0, q.scope.0]
    };
    let mut out = Vec::new();
    out.push((Occur::Must, neutral(view_of(f, q.scope.0))));
    for key in &q.tag_keys {
        // Callers pass keys, but normalizing again costs nothing and forgives a raw tag.
        let key = tag_key(key);
        let terms = scopes
            .iter()
            .map(|s| Term::from_field_text(f.tagkey, &tagkey_term(*s, &key)))
            .collect();
        out.push((Occur::Must, neutral(any_of(terms))));
    }
    if let Some(year) = q.year {
        let term = Term::from_field_i64(f.year, i64::from(year));
        let tq = TermQuery::new(term, IndexRecordOption::Basic);
        out.push((Occur::Must, neutral(Box::new(tq))));
    }
    let narrow = out.len() > 1;
    (out, narrow)
}

/// The documents scope `scope` sees: global ones it has no view of its own for, and its own.
fn view_of(f: &Fields, scope: u64) -> Box<dyn Query> {
    let term = |field, s| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_u64(field, s),
            IndexRecordOption::Basic,
        ))
    };
    if scope == 0 {
        return term(f.scope, 0);
    }
    let global: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
        (Occur::Must, term(f.scope, 0)),
        (Occur::MustNot, term(f.shadowed, scope)),
    ]));
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, global),
        (Occur::Should, term(f.scope, scope)),
    ]))
}

fn any_of(terms: Vec<Term>) -> Box<dyn Query> {
    let should = terms
        .into_iter()
        .map(|t| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    Box::new(BooleanQuery::new(should))
}

/// Filters decide membership, not rank.
fn neutral(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}
