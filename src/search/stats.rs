//! Ranking statistics that no guild can move. The index holds a document per guild view
//! beside the global ones; BM25 over the whole index would let a guild's documents change
//! document frequencies and lengths, and so the order of another guild's results (and
//! whether a word counts as known or as a typo). Scores therefore use the statistics of
//! the live global documents only, whatever the scope, and a word counts as known in a
//! scope when a document that scope sees has it. Deleted documents, which tantivy's own
//! statistics count until segments merge, are left out too: a guild's import rewrites the
//! global document of a paper it names (to mark it shadowed), and the old copy must not
//! count twice. Guild and deleted documents are few, so their share is found by looking
//! each one up rather than by counting the global ones.
//!
//! Field lengths are counted as tantivy stores them (rounded above a few dozen tokens), for
//! every document and for those left out alike: a segment's sum is counted once and kept
//! ([`NormSums`]), so the lengths of the global documents come out the same to the token
//! however many guild or deleted copies sit beside them, and results that tie closely do
//! not swap places when another guild imports.

use super::schema::Fields;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use tantivy::index::SegmentId;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, Term, TERMINATED};

/// Per segment and field, the sum of the stored field lengths of all its documents.
/// Segments never change once written, so each is counted once.
#[derive(Default)]
pub struct NormSums(Mutex<HashMap<(SegmentId, Field), u64>>);

impl NormSums {
    fn of(&self, reader: &tantivy::SegmentReader, field: Field) -> tantivy::Result<u64> {
        let key = (reader.segment_id(), field);
        if let Some(&sum) = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(sum);
        }
        let norms = reader.get_fieldnorms_reader(field)?;
        let sum = (0..reader.max_doc())
            .map(|d| u64::from(norms.fieldnorm(d)))
            .sum();
        let mut sums = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Merged-away segments are never asked about again.
        if sums.len() > 256 {
            sums.clear();
        }
        sums.insert(key, sum);
        Ok(sum)
    }
}

/// The documents of one segment that the statistics leave out, by doc id: guild documents
/// (with their scope) and deleted global ones (scope 0), each with whether it is alive.
type Excluded = Vec<(DocId, u64, bool)>;

/// BM25 statistics of the global documents, and document frequencies as one scope sees
/// them, for one search.
pub struct GlobalStats<'a> {
    searcher: &'a Searcher,
    norm_sums: &'a NormSums,
    scope: u64,
    excluded: Vec<Excluded>,
    /// Per term: left-out documents holding it, and of those the scope's live ones. Query
    /// planning, scoring and snippets each ask for the same terms.
    counted: Mutex<HashMap<Term, (u64, u64)>>,
}

impl<'a> GlobalStats<'a> {
    pub fn new(
        searcher: &'a Searcher,
        norm_sums: &'a NormSums,
        f: &Fields,
        scope: u64,
    ) -> tantivy::Result<GlobalStats<'a>> {
        let mut excluded = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let index = reader.inverted_index(f.scope)?;
            let mut docs = Excluded::new();
            let mut terms = index.terms().stream()?;
            while terms.advance() {
                let Ok(bytes) = <[u8; 8]>::try_from(terms.key()) else {
                    continue;
                };
                let scope = u64::from_be_bytes(bytes);
                if scope == 0 {
                    continue;
                }
                let mut postings =
                    index.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
                while postings.doc() != TERMINATED {
                    let doc = postings.doc();
                    docs.push((doc, scope, !reader.is_deleted(doc)));
                    postings.advance();
                }
            }
            if reader.num_deleted_docs() > 0 {
                let guild: std::collections::HashSet<DocId> = docs.iter().map(|d| d.0).collect();
                docs.extend(
                    (0..reader.max_doc())
                        .filter(|&d| reader.is_deleted(d) && !guild.contains(&d))
                        .map(|d| (d, 0, false)),
                );
            }
            docs.sort_unstable();
            excluded.push(docs);
        }
        Ok(GlobalStats {
            searcher,
            norm_sums,
            scope,
            excluded,
            counted: Mutex::new(HashMap::new()),
        })
    }

    /// `(left-out documents holding term, of which live in the scope)`.
    fn guild_freq(&self, term: &Term) -> tantivy::Result<(u64, u64)> {
        let known = self
            .counted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(term)
            .copied();
        if let Some(found) = known {
            return Ok(found);
        }
        let found = self.count(term)?;
        self.counted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(term.clone(), found);
        Ok(found)
    }

    fn count(&self, term: &Term) -> tantivy::Result<(u64, u64)> {
        let (mut all, mut mine) = (0, 0);
        let mut tally = |&(_, s, alive): &(DocId, u64, bool)| {
            all += 1;
            mine += u64::from(alive && s == self.scope);
        };
        for (reader, docs) in self.searcher.segment_readers().iter().zip(&self.excluded) {
            if docs.is_empty() {
                continue;
            }
            let index = reader.inverted_index(term.field())?;
            let Some(mut postings) = index.read_postings(term, IndexRecordOption::Basic)? else {
                continue;
            };
            // Walk whichever list is shorter: a common word's postings, or many guild docs.
            if (index.doc_freq(term)? as usize) < docs.len() {
                while postings.doc() != TERMINATED {
                    let doc = postings.doc();
                    if let Ok(i) = docs.binary_search_by_key(&doc, |d| d.0) {
                        tally(&docs[i]);
                    }
                    postings.advance();
                }
                continue;
            }
            for d in docs {
                if postings.doc() == TERMINATED {
                    break;
                }
                if postings.doc() <= d.0 && postings.seek(d.0) == d.0 {
                    tally(d);
                }
            }
        }
        Ok((all, mine))
    }

    /// Documents holding `term` that the scope sees some version of: the global ones, and
    /// the scope's own. Zero means the word is unknown there.
    pub fn visible_doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let (all, mine) = self.guild_freq(term)?;
        let global = self.searcher.doc_freq(term)?.saturating_sub(all);
        Ok(global + if self.scope == 0 { 0 } else { mine })
    }
}

impl Bm25StatisticsProvider for GlobalStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for (reader, docs) in self.searcher.segment_readers().iter().zip(&self.excluded) {
            total += self.norm_sums.of(reader, field)?;
            if docs.is_empty() {
                continue;
            }
            let norms = reader.get_fieldnorms_reader(field)?;
            let guild: u64 = docs
                .iter()
                .map(|&(doc, _, _)| u64::from(norms.fieldnorm(doc)))
                .sum();
            total = total.saturating_sub(guild);
        }
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        let all: u64 = self
            .searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum();
        let left_out: usize = self.excluded.iter().map(Vec::len).sum();
        Ok(all.saturating_sub(left_out as u64).max(1))
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let (all, _) = self.guild_freq(term)?;
        Ok(self.searcher.doc_freq(term)?.saturating_sub(all))
    }
}
