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
//!
//! Which documents are left out is found once per segment and set of deletions and kept
//! ([`LeftOutDocs`]): a segment's documents never change and its deletions only grow, so
//! its id and deletion count name one list, and a search does not walk the segment again.

use super::schema::Fields;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use tantivy::index::SegmentId;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, Term, TERMINATED};

/// Per segment and field, the sum of the stored field lengths of all its documents.
/// Segments never change once written, so each is counted once.
#[derive(Default)]
struct NormSums(Mutex<HashMap<(SegmentId, Field), u64>>);

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

/// What one segment leaves out as of one set of deletions.
struct LeftOut {
    docs: Excluded,
    /// Per field, the stored lengths of `docs` summed, counted on first ask.
    norm_sums: Mutex<HashMap<Field, u64>>,
}

impl LeftOut {
    /// Walks the segment: the postings of every guild scope, then (when it has deletions)
    /// every document, for the deleted global ones.
    fn find(reader: &tantivy::SegmentReader, f: &Fields) -> tantivy::Result<LeftOut> {
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
            let guild: HashSet<DocId> = docs.iter().map(|d| d.0).collect();
            docs.extend(
                (0..reader.max_doc())
                    .filter(|&d| reader.is_deleted(d) && !guild.contains(&d))
                    .map(|d| (d, 0, false)),
            );
        }
        docs.sort_unstable();
        Ok(LeftOut {
            docs,
            norm_sums: Mutex::new(HashMap::new()),
        })
    }

    fn norm_sum(&self, reader: &tantivy::SegmentReader, field: Field) -> tantivy::Result<u64> {
        let mut sums = self
            .norm_sums
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(&sum) = sums.get(&field) {
            return Ok(sum);
        }
        let norms = reader.get_fieldnorms_reader(field)?;
        let sum = self
            .docs
            .iter()
            .map(|&(doc, _, _)| u64::from(norms.fieldnorm(doc)))
            .sum();
        sums.insert(field, sum);
        Ok(sum)
    }
}

/// Per segment, its deletion count and what it leaves out at that count.
#[derive(Default)]
struct LeftOutDocs(Mutex<HashMap<SegmentId, (u32, Arc<LeftOut>)>>);

impl LeftOutDocs {
    fn of(
        &self,
        searcher: &Searcher,
        reader: &tantivy::SegmentReader,
        f: &Fields,
    ) -> tantivy::Result<Arc<LeftOut>> {
        let (id, deleted) = (reader.segment_id(), reader.num_deleted_docs());
        let kept = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .filter(|(n, _)| *n == deleted)
            .map(|(_, found)| Arc::clone(found));
        if let Some(found) = kept {
            return Ok(found);
        }
        let found = Arc::new(LeftOut::find(reader, f)?);
        let live: HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        let mut all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Merged-away segments are never asked about again.
        all.retain(|id, _| live.contains(id));
        all.insert(id, (deleted, Arc::clone(&found)));
        Ok(found)
    }
}

/// What the statistics keep per segment from one search to the next.
#[derive(Default)]
pub struct SegmentCache {
    norm_sums: NormSums,
    left_out: LeftOutDocs,
}

/// BM25 statistics of the global documents, and document frequencies as one scope sees
/// them, for one search.
pub struct GlobalStats<'a> {
    searcher: &'a Searcher,
    norm_sums: &'a NormSums,
    scope: u64,
    excluded: Vec<Arc<LeftOut>>,
    /// Per term: left-out documents holding it, and of those the scope's live ones. Query
    /// planning, scoring and snippets each ask for the same terms.
    counted: Mutex<HashMap<Term, (u64, u64)>>,
}

impl<'a> GlobalStats<'a> {
    pub fn new(
        searcher: &'a Searcher,
        cache: &'a SegmentCache,
        f: &Fields,
        scope: u64,
    ) -> tantivy::Result<GlobalStats<'a>> {
        let excluded = searcher
            .segment_readers()
            .iter()
            .map(|reader| cache.left_out.of(searcher, reader, f))
            .collect::<tantivy::Result<_>>()?;
        Ok(GlobalStats {
            searcher,
            norm_sums: &cache.norm_sums,
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
        for (reader, left_out) in self.searcher.segment_readers().iter().zip(&self.excluded) {
            let docs = &left_out.docs;
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
        for (reader, left_out) in self.searcher.segment_readers().iter().zip(&self.excluded) {
            total += self.norm_sums.of(reader, field)?;
            if !left_out.docs.is_empty() {
                total = total.saturating_sub(left_out.norm_sum(reader, field)?);
            }
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
        let left_out: usize = self.excluded.iter().map(|l| l.docs.len()).sum();
        Ok(all.saturating_sub(left_out as u64).max(1))
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let (all, _) = self.guild_freq(term)?;
        Ok(self.searcher.doc_freq(term)?.saturating_sub(all))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scope;
    use crate::search::{schema, IndexDoc};
    use tantivy::{Index, IndexReader, IndexWriter};

    fn doc(id: i64, title: &str, scope: Scope) -> IndexDoc {
        IndexDoc {
            id,
            title: title.to_string(),
            authors: vec!["Ada Lovelace".to_string()],
            abstract_text: Some(format!("{title} and its abstract")),
            note: None,
            venue: None,
            year: Some(2024),
            tags: Vec::new(),
            scopes: vec![scope],
            shadowed: Vec::new(),
        }
    }

    /// One segment (one writer thread) holding a global paper, a guild's paper and
    /// another global one.
    fn one_segment() -> (Index, IndexWriter, IndexReader, Fields) {
        let (schema, f) = schema::build();
        let index = Index::create_in_ram(schema);
        schema::register_analyzers(&index);
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 50_000_000)
            .expect("writer");
        for d in [
            doc(1, "Mallery on scaling", Scope::GLOBAL),
            doc(2, "Mallory notes", Scope(7)),
            doc(3, "Attention everywhere", Scope::GLOBAL),
        ] {
            writer
                .add_document(schema::to_document(&f, &d))
                .expect("add");
        }
        writer.commit().expect("commit");
        let reader = index.reader().expect("reader");
        (index, writer, reader, f)
    }

    /// What a search in guild 7 would count, through `cache`.
    fn figures(reader: &IndexReader, cache: &SegmentCache, f: &Fields) -> (u64, u64, u64, u64) {
        let searcher = reader.searcher();
        let stats = GlobalStats::new(&searcher, cache, f, 7).expect("stats");
        let mallory = Term::from_field_text(f.title_words, "mallory");
        let notes = Term::from_field_text(f.title_words, "notes");
        (
            stats.visible_doc_freq(&mallory).expect("freq"),
            stats.doc_freq(&notes).expect("freq"),
            stats.total_num_docs().expect("docs"),
            stats.total_num_tokens(f.title_words).expect("tokens"),
        )
    }

    #[test]
    fn a_segment_is_walked_once_until_its_deletions_change() {
        let (_index, mut writer, reader, f) = one_segment();
        let cache = SegmentCache::default();
        let before = figures(&reader, &cache, &f);
        assert_eq!(before.0, 1, "the guild's own word is known to it");
        assert_eq!(before, figures(&reader, &SegmentCache::default(), &f));
        let searcher = reader.searcher();
        let first = GlobalStats::new(&searcher, &cache, &f, 7).expect("stats");
        let again = GlobalStats::new(&searcher, &cache, &f, 0).expect("stats");
        assert!(
            Arc::ptr_eq(&first.excluded[0], &again.excluded[0]),
            "the second search reuses the first one's list"
        );

        writer.delete_term(Term::from_field_i64(f.id, 2));
        writer.commit().expect("commit");
        reader.reload().expect("reload");
        let segments = reader.searcher().segment_readers().to_vec();
        assert_eq!(segments.len(), 1, "the same segment, now with a deletion");
        assert_eq!(segments[0].num_deleted_docs(), 1);
        let after = figures(&reader, &cache, &f);
        assert_eq!(after.0, 0, "the deleted guild paper's word is unknown now");
        assert_eq!(after, figures(&reader, &SegmentCache::default(), &f));
    }
}
