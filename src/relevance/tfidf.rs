//! A TF-IDF cosine index over papers' title and abstract: the plain baseline that search
//! is measured against, and the similarity that recommendations rank by.
//!
//! Weights are sublinear (`1 + ln tf`) times smoothed IDF (`ln((1 + N) / (1 + df)) + 1`),
//! each document vector L2-normalised, so a score is a cosine in `[0, 1]`. Vectors and
//! postings are stored flat (one offsets array plus one array of entries, as CSR sparse
//! matrices are) because 100,000 papers of ~90 distinct terms each would otherwise be
//! millions of small allocations; a posting keeps only the document and its term count,
//! and its weight is recomputed from tables of logs, IDFs and norms.

use super::tokens::Tokenizer;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Term counts above this are clipped: a word 255 times in one abstract is not a signal.
const MAX_TF: u32 = u8::MAX as u32;

/// The index. Immutable once built; rebuild it when the catalog changes.
pub struct TfIdf {
    tokenizer: Tokenizer,
    /// Stem → term number.
    vocab: HashMap<String, u32>,
    /// Term number → the word most often written for it, for "why" lines.
    display: Vec<String>,
    /// Term number → its stem: ties between terms are broken by it, not by the term's
    /// number, which depends on which papers happened to come first.
    stems: Vec<String>,
    idf: Vec<f32>,
    /// `tf_log[tf] = 1 + ln tf`, for `tf` in `0..=MAX_TF` (entry 0 unused).
    tf_log: Vec<f32>,
    /// Document number → paper id, and back.
    ids: Vec<i64>,
    doc_of: HashMap<i64, u32>,
    /// 1 / L2 norm of each document's unnormalised vector (0 for a document without terms).
    inv_norm: Vec<f32>,
    /// The mean of every document's unit vector: what any paper of this catalog says.
    mean: Vec<f32>,
    /// Document `d`'s terms, sorted by term number: `doc_terms[doc_start[d]..doc_start[d + 1]]`.
    doc_start: Vec<usize>,
    doc_terms: Vec<u32>,
    doc_tf: Vec<u8>,
    /// Term `t`'s documents, ascending: `post_docs[post_start[t]..post_start[t + 1]]`.
    post_start: Vec<usize>,
    post_docs: Vec<u32>,
    post_tf: Vec<u8>,
}

/// A sparse query-side vector: term number and weight.
type Sparse = Vec<(u32, f32)>;

/// What some papers say that the catalog at large does not (see [`TfIdf::profile`]): a unit
/// vector, heaviest term first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile(Sparse);

impl Profile {
    /// Only the `n` heaviest terms, scaled back to unit length.
    pub fn truncated(&self, n: usize) -> Profile {
        Profile(normalized(self.0.iter().take(n).copied().collect()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Term → weight, to score a document's terms against the profile.
    fn weights(&self) -> HashMap<u32, f32> {
        self.0.iter().copied().collect()
    }
}

impl TfIdf {
    /// Indexes `(paper id, text)` pairs; the text is normally title and abstract joined.
    /// A repeated id is one document whose text is all its pieces together.
    pub fn build<I: IntoIterator<Item = (i64, String)>>(docs: I) -> TfIdf {
        TfIdf::build_scoped(docs.into_iter().map(|(id, text)| (id, text, true)))
    }

    /// [`TfIdf::build`] where only documents marked `true` count for the statistics (word
    /// rarity, the catalog's mean, display words). The others (a guild's own papers) are
    /// indexed with those statistics, so adding them changes nothing for anyone else.
    pub fn build_scoped<I: IntoIterator<Item = (i64, String, bool)>>(docs: I) -> TfIdf {
        let tokenizer = Tokenizer::default();
        let mut vocab: HashMap<String, u32> = HashMap::new();
        // Word → (term, times seen in counted documents, in all): the display form is each
        // term's most common word in counted documents (in all, for a term only others use).
        let mut spellings: HashMap<String, (u32, u32, u32)> = HashMap::new();
        let mut ids = Vec::new();
        let mut doc_of: HashMap<i64, u32> = HashMap::new();
        let mut counts: Vec<HashMap<u32, u32>> = Vec::new();
        let mut counted: Vec<bool> = Vec::new();
        for (id, text, counts_for_stats) in docs {
            let d = *doc_of.entry(id).or_insert_with(|| {
                ids.push(id);
                counts.push(HashMap::new());
                counted.push(false);
                (ids.len() - 1) as u32
            });
            counted[d as usize] |= counts_for_stats;
            for token in tokenizer.tokens(&text) {
                let next = vocab.len() as u32;
                let term = *vocab.entry(token.stem).or_insert(next);
                *counts[d as usize].entry(term).or_insert(0) += 1;
                let seen = spellings.entry(token.word).or_insert((term, 0, 0));
                seen.1 += u32::from(counts_for_stats);
                seen.2 += 1;
            }
        }
        let n_terms = vocab.len();
        let mut stems = vec![String::new(); n_terms];
        for (stem, term) in vocab.iter() {
            stems[*term as usize] = stem.clone();
        }
        let mut display = vec![(String::new(), (0u32, 0u32)); n_terms];
        for (word, (term, in_counted, in_all)) in spellings {
            let seen = (in_counted, if in_counted == 0 { in_all } else { 0 });
            let best = &mut display[term as usize];
            if seen > best.1 || (seen == best.1 && word < best.0) {
                *best = (word, seen);
            }
        }
        let tf_log: Vec<f32> = (0..=MAX_TF)
            .map(|tf| if tf == 0 { 0.0 } else { 1.0 + (tf as f32).ln() })
            .collect();

        let mut doc_start = Vec::with_capacity(ids.len() + 1);
        let mut doc_terms = Vec::new();
        let mut doc_tf = Vec::new();
        // Documents with the term: counted ones for its rarity, all for its postings.
        let mut df = vec![0u32; n_terms];
        let mut postings = vec![0usize; n_terms];
        doc_start.push(0);
        for (c, &stats) in counts.iter().zip(&counted) {
            let mut terms: Vec<(u32, u32)> = c.iter().map(|(&t, &n)| (t, n)).collect();
            terms.sort_unstable();
            for (t, n) in terms {
                df[t as usize] += u32::from(stats);
                postings[t as usize] += 1;
                doc_terms.push(t);
                doc_tf.push(n.min(MAX_TF) as u8);
            }
            doc_start.push(doc_terms.len());
        }
        drop(counts);
        let n_docs = counted.iter().filter(|c| **c).count().max(1) as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&df| ((1.0 + n_docs) / (1.0 + df as f32)).ln() + 1.0)
            .collect();

        // Postings by counting sort: documents are visited in order, so each list ascends.
        let mut post_start = Vec::with_capacity(n_terms + 1);
        post_start.push(0usize);
        for &n in &postings {
            post_start.push(post_start.last().copied().unwrap_or(0) + n);
        }
        let mut fill = post_start.clone();
        let mut post_docs = vec![0u32; doc_terms.len()];
        let mut post_tf = vec![0u8; doc_terms.len()];
        let mut inv_norm = Vec::with_capacity(ids.len());
        let mut mean = vec![0f32; n_terms];
        for d in 0..ids.len() {
            let mut sq = 0.0f32;
            for i in doc_start[d]..doc_start[d + 1] {
                let t = doc_terms[i] as usize;
                let w = tf_log[doc_tf[i] as usize] * idf[t];
                sq += w * w;
                post_docs[fill[t]] = d as u32;
                post_tf[fill[t]] = doc_tf[i];
                fill[t] += 1;
            }
            let inv = if sq > 0.0 { 1.0 / sq.sqrt() } else { 0.0 };
            for i in (doc_start[d]..doc_start[d + 1]).filter(|_| counted[d]) {
                let t = doc_terms[i] as usize;
                mean[t] += tf_log[doc_tf[i] as usize] * idf[t] * inv / n_docs;
            }
            inv_norm.push(inv);
        }

        TfIdf {
            tokenizer,
            vocab,
            display: display.into_iter().map(|(w, _)| w).collect(),
            stems,
            idf,
            tf_log,
            ids,
            doc_of,
            inv_norm,
            mean,
            doc_start,
            doc_terms,
            doc_tf,
            post_start,
            post_docs,
            post_tf,
        }
    }

    /// Number of documents indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether nothing was indexed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether this paper id was indexed.
    pub fn contains(&self, id: i64) -> bool {
        self.doc_of.contains_key(&id)
    }

    /// The `k` documents most similar to `text` by cosine, best first (ties by id).
    /// Words the catalog never uses are ignored; no shared word means no result.
    pub fn query(&self, text: &str, k: usize) -> Vec<(i64, f32)> {
        self.query_where(text, k, &|_| true)
    }

    /// [`TfIdf::query`] among the documents `keep` accepts.
    pub fn query_where(&self, text: &str, k: usize, keep: &dyn Fn(i64) -> bool) -> Vec<(i64, f32)> {
        self.rank(self.text_profile(text).0, &[], k, keep)
    }

    /// `text` as a query: its unit TF-IDF vector, heaviest word first, so that
    /// [`TfIdf::profile_terms`] can say which of its words a document shares. Words the
    /// catalog never uses are left out.
    pub fn text_profile(&self, text: &str) -> Profile {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for stem in self.tokenizer.stems(text) {
            if let Some(&t) = self.vocab.get(&stem) {
                *counts.entry(t).or_insert(0) += 1;
            }
        }
        let vector: Sparse = counts
            .into_iter()
            .map(|(t, n)| {
                (
                    t,
                    self.tf_log[n.min(MAX_TF) as usize] * self.idf[t as usize],
                )
            })
            .collect();
        self.profile_of(vector)
    }

    /// The `k` documents most similar to the centroid of `ids` (the mean of their unit
    /// vectors), best first, never one of `ids`. Unknown ids are ignored.
    pub fn similar_to(&self, ids: &[i64], k: usize) -> Vec<(i64, f32)> {
        let docs = self.docs(ids);
        let sum = self.vector_sum(&docs);
        self.rank(normalized(sum.into_iter().collect()), &docs, k, &|_| true)
    }

    /// What the papers `ids` say that the catalog at large does not: the mean of their
    /// unit vectors minus the mean of every paper's, terms left at or below zero dropped.
    /// Ranking by it is Rocchio's feedback with the whole catalog as the non-relevant set
    /// (close to arxiv-sanity-lite's SVM against every other paper, without training): a
    /// word all the seeds use but half the catalog also uses stops outweighing the words
    /// that make the seeds what they are. Unknown ids are ignored.
    pub fn profile(&self, ids: &[i64]) -> Profile {
        let docs = self.docs(ids);
        let n = docs.len().max(1) as f32;
        let v: Sparse = self
            .vector_sum(&docs)
            .into_iter()
            .map(|(t, w)| (t, w / n - self.mean[t as usize]))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        self.profile_of(v)
    }

    /// `v` as a [`Profile`]: heaviest term first, scaled to unit length.
    fn profile_of(&self, mut v: Sparse) -> Profile {
        self.heaviest_first(&mut v);
        Profile(normalized(v))
    }

    /// Sorts terms by weight, ties by stem (not by term number, which depends on which
    /// papers happened to come first).
    fn heaviest_first(&self, v: &mut Sparse) {
        v.sort_by(|x, y| {
            by_score_then(
                x.1,
                y.1,
                &self.stems[x.0 as usize],
                &self.stems[y.0 as usize],
            )
        });
    }

    /// The `k` documents most similar to `profile` among those `keep` accepts, best first,
    /// never one of `exclude`.
    pub fn similar_to_profile(
        &self,
        profile: &Profile,
        exclude: &[i64],
        k: usize,
        keep: &dyn Fn(i64) -> bool,
    ) -> Vec<(i64, f32)> {
        self.rank(profile.0.clone(), &self.docs(exclude), k, keep)
    }

    /// [`TfIdf::similar_to_profile`] on a large catalog: the `k` documents nearest to the
    /// profile's `terms` heaviest words (few postings to walk, as Lucene's MoreLikeThis
    /// keeps a document's most distinctive words), scored against the whole profile. Their
    /// order is the exact one; the set can differ from the exact top `k` by documents that
    /// share none of those words.
    pub fn similar_to_profile_pooled(
        &self,
        profile: &Profile,
        exclude: &[i64],
        k: usize,
        terms: usize,
        keep: &dyn Fn(i64) -> bool,
    ) -> Vec<(i64, f32)> {
        let found = self.rank(profile.truncated(terms).0, &self.docs(exclude), k, keep);
        let weights = profile.weights();
        let mut hits: Vec<(i64, f32)> = found
            .into_iter()
            .filter_map(|(id, _)| {
                let d = *self.doc_of.get(&id)?;
                let score: f32 = self
                    .doc_vector(d)
                    .filter_map(|(t, w)| weights.get(&t).map(|p| p * w))
                    .sum();
                Some((id, score))
            })
            .collect();
        hits.sort_by(|x, y| by_score_then(x.1, y.1, x.0, y.0));
        hits
    }

    /// Document numbers of the known ids among `ids`.
    fn docs(&self, ids: &[i64]) -> Vec<u32> {
        ids.iter()
            .filter_map(|id| self.doc_of.get(id).copied())
            .collect()
    }

    /// The sum of the unit vectors of `docs`.
    fn vector_sum(&self, docs: &[u32]) -> HashMap<u32, f32> {
        let mut sum: HashMap<u32, f32> = HashMap::new();
        for &d in docs {
            for (t, w) in self.doc_vector(d) {
                *sum.entry(t).or_insert(0.0) += w;
            }
        }
        sum
    }

    /// Up to `n` words of `profile` that paper `b` uses, those contributing most to their
    /// cosine first: why `b` was found by [`TfIdf::similar_to_profile`].
    pub fn profile_terms(&self, profile: &Profile, b: i64, n: usize) -> Vec<String> {
        let Some(&db) = self.doc_of.get(&b) else {
            return Vec::new();
        };
        let weights = profile.weights();
        let mut shared: Sparse = self
            .doc_vector(db)
            .filter_map(|(t, w)| weights.get(&t).map(|p| (t, p * w)))
            .collect();
        self.heaviest_first(&mut shared);
        shared
            .into_iter()
            .take(n)
            .map(|(t, _)| self.display[t as usize].clone())
            .collect()
    }

    /// Document `d`'s unit vector.
    fn doc_vector(&self, d: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let d = d as usize;
        (self.doc_start[d]..self.doc_start[d + 1]).map(move |i| {
            let t = self.doc_terms[i];
            let w = self.tf_log[self.doc_tf[i] as usize] * self.idf[t as usize];
            (t, w * self.inv_norm[d])
        })
    }

    /// Cosine of a unit query vector against every document sharing a term, top `k`.
    /// Only documents `keep` accepts count, so what a caller may not see never takes the
    /// place of what it may.
    fn rank(
        &self,
        query: Sparse,
        exclude: &[u32],
        k: usize,
        keep: &dyn Fn(i64) -> bool,
    ) -> Vec<(i64, f32)> {
        if k == 0 || query.is_empty() {
            return Vec::new();
        }
        let mut score = vec![0f32; self.ids.len()];
        let mut touched = Vec::new();
        for (t, qw) in query {
            let t = t as usize;
            let qw_idf = qw * self.idf[t];
            for i in self.post_start[t]..self.post_start[t + 1] {
                let d = self.post_docs[i] as usize;
                // Every contribution is positive, so a zero score means "not seen yet".
                if score[d] == 0.0 {
                    touched.push(d as u32);
                }
                score[d] += qw_idf * self.tf_log[self.post_tf[i] as usize] * self.inv_norm[d];
            }
        }
        let mut rest: Vec<(i64, f32)> = touched
            .into_iter()
            .filter(|d| !exclude.contains(d) && score[*d as usize] > 0.0)
            .map(|d| (self.ids[d as usize], score[d as usize]))
            .collect();
        let order = |x: &(i64, f32), y: &(i64, f32)| by_score_then(x.1, y.1, x.0, y.0);
        // `keep` is asked best first, only until `k` are kept: asking it of every touched
        // document (tens of thousands on a large catalog) cost more than the ranking.
        let mut hits = Vec::with_capacity(k);
        while hits.len() < k && !rest.is_empty() {
            let want = k - hits.len();
            let next = if rest.len() > want {
                rest.select_nth_unstable_by(want - 1, order);
                rest.split_off(want)
            } else {
                Vec::new()
            };
            hits.extend(rest.into_iter().filter(|(id, _)| keep(*id)));
            rest = next;
        }
        hits.sort_by(order);
        hits
    }
}

/// Higher score first, then lower key: a total, deterministic order.
fn by_score_then<K: Ord>(a: f32, b: f32, ka: K, kb: K) -> Ordering {
    b.partial_cmp(&a)
        .unwrap_or(Ordering::Equal)
        .then(ka.cmp(&kb))
}

/// `v` scaled to unit length (empty if it has none).
fn normalized(mut v: Sparse) -> Sparse {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|(_, w)| *w /= norm);
        v
    } else {
        Vec::new()
    }
}

#[cfg(test)]
#[path = "tfidf_tests.rs"]
mod tests;
