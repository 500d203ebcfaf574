//! Similarity in meaning: the stored sentence-embedding vectors (`crate::embed`) of the
//! snapshot's papers, and the papers nearest to a set of seeds. The seeds' direction is
//! their mean vector minus the catalog's mean, so what every paper of the field shares
//! ("language model") counts less than what sets the seeds apart (Rocchio's feedback with
//! the catalog as the non-relevant set, as for the TF-IDF profile; unit test
//! `what_every_paper_shares_counts_less_than_what_sets_the_seeds_apart`). Only globally
//! visible papers make the mean,
//! as for the TF-IDF statistics: a guild's own papers never move anyone else's ranking.

use super::graph::{Graph, Node};

/// The vectors of one model, by node. Each is kept as bytes (`i8`, scaled so its largest
/// component is ±127) with its scale: at 100k papers, 384 floats each are 154 MB, which
/// memory cannot stream within a request's budget (`paperclub bench` with floats, one run
/// at commit 9a1e511: `/recommend` p50 40 ms). Bytes are a quarter of that, and the query
/// is scaled to 16-bit integers so the products are integer SIMD; the cosine moves by
/// about 1e-3. Even bytes took 5 ms a request at 100k (memory bound on this machine), so
/// above [`SHORTLIST_ABOVE`] vectors a request first compares sign bits (48 bytes a row)
/// and ranks exactly only the rows that agree most.
pub struct Semantic {
    dim: usize,
    /// Per node: its row in `data`, if it has a vector.
    row_of: Vec<Option<u32>>,
    /// The node of each row.
    node_of: Vec<Node>,
    data: Vec<i8>,
    scale: Vec<f32>,
    mean: Vec<f32>,
    /// Per row, which components are above the catalog's mean, one bit each
    /// ([`Semantic::words`] words a row): the shortlist's sketch.
    signs: Vec<u64>,
    /// Per row, whether the global catalog sees it.
    global: Vec<bool>,
    /// How many rows the global catalog sees.
    global_count: usize,
}

/// Above this many vectors, a request ranks exactly only a shortlist: the rows whose
/// signs agree most with the query's (48 bytes a row instead of 384).
pub const SHORTLIST_ABOVE: usize = 20_000;
/// The shortlist's length, in multiples of the papers asked for. Measured on the 5,608
/// real arXiv papers of May 2025 with all-MiniLM-L6-v2 vectors, 300 seeds, shortlists
/// forced (a one-off harness over `paperclub embed`'s vectors, not kept): 8 times `k`
/// keeps 97.5% to 98.8% of the exact best `k` for `k` from 17 to 50, and the same first
/// paper for all 300 seeds; 4 times keeps 88%.
const SHORTLIST_TIMES: usize = 8;

/// Lanes summed separately, so the compiler can keep them in SIMD registers (a single
/// running sum must be added in order, which forbids it).
const LANES: usize = 16;
/// The query's largest component as an integer, for vectors of `dim` components: a sum of
/// `dim` products of at most `top · 127` must stay below 2^31 (16,383 at 384 components,
/// less for wider models).
fn query_top(dim: usize) -> f32 {
    (f64::from(i32::MAX) / (127.0 * dim.max(1) as f64))
        .floor()
        .min(16_383.0) as f32
}

/// `Σ q[j] · v[j]` over equally long slices, in integers: on the baseline x86-64 target
/// (no AVX), 100k rows of 384 took 3.7 ms this way against 8.5 ms converting to floats
/// (a one-off measurement outside the repository, single thread).
pub(super) fn dot_i8(q: &[i16], v: &[i8]) -> i32 {
    let mut acc = [0i32; LANES];
    let (qc, vc) = (q.chunks_exact(LANES), v.chunks_exact(LANES));
    let (qr, vr) = (qc.remainder(), vc.remainder());
    for (a, b) in qc.zip(vc) {
        for i in 0..LANES {
            acc[i] += i32::from(a[i]) * i32::from(b[i]);
        }
    }
    let tail: i32 = qr
        .iter()
        .zip(vr)
        .map(|(a, b)| i32::from(*a) * i32::from(*b))
        .sum();
    acc.iter().sum::<i32>() + tail
}

/// One bit per value, set when it is above zero, in `words` 64-bit words.
fn sign_bits(values: impl Iterator<Item = f32>, words: usize) -> Vec<u64> {
    let mut out = vec![0u64; words];
    for (j, x) in values.enumerate() {
        if x > 0.0 {
            out[j / 64] |= 1 << (j % 64);
        }
    }
    out
}

impl Semantic {
    /// The vectors of `graph`'s papers among `rows` (paper id, vector); `None` without any.
    /// Vectors of another length than most have are left out (and counted in the log).
    pub fn build(graph: &Graph, rows: &[(i64, Vec<f32>)]) -> Option<Semantic> {
        let mut lengths: std::collections::HashMap<usize, usize> = Default::default();
        for (_, v) in rows {
            *lengths.entry(v.len()).or_default() += 1;
        }
        let (dim, _) = lengths
            .into_iter()
            .filter(|(len, _)| *len > 0)
            .max_by_key(|&(len, n)| (n, len))?;
        let odd = rows.iter().filter(|(_, v)| v.len() != dim).count();
        if odd > 0 {
            tracing::warn!(odd, dim, "embedding vectors of another length left out");
        }
        let mut s = Semantic {
            dim,
            row_of: vec![None; graph.len()],
            node_of: Vec::new(),
            data: Vec::new(),
            scale: Vec::new(),
            mean: vec![0.0; dim],
            signs: Vec::new(),
            global: Vec::new(),
            global_count: 0,
        };
        let mut global = 0usize;
        for (id, v) in rows {
            let Some(&node) = graph.index.get(id) else {
                continue;
            };
            if v.len() != dim {
                continue;
            }
            s.row_of[node as usize] = Some(s.node_of.len() as u32);
            s.node_of.push(node);
            let top = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
            let scale = if top > 0.0 { top / 127.0 } else { 1.0 };
            s.data.extend(
                v.iter()
                    .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8),
            );
            s.scale.push(scale);
            let is_global = graph.scopes[node as usize].contains(&0);
            s.global.push(is_global);
            if is_global {
                global += 1;
                for (m, x) in s.mean.iter_mut().zip(v) {
                    *m += x;
                }
            }
        }
        if s.node_of.is_empty() {
            return None;
        }
        for m in &mut s.mean {
            *m /= global.max(1) as f32;
        }
        s.global_count = global;
        for r in 0..s.count() {
            let row: Vec<f32> = s
                .row(r)
                .iter()
                .map(|x| f32::from(*x) * s.scale[r])
                .collect();
            let centred = row.iter().zip(&s.mean).map(|(x, m)| x - m);
            let signs = sign_bits(centred, s.words());
            s.signs.extend(signs);
        }
        Some(s)
    }

    /// Words of sign bits per row.
    fn words(&self) -> usize {
        self.dim.div_ceil(64)
    }

    /// How many papers have a vector.
    pub fn count(&self) -> usize {
        self.node_of.len()
    }

    fn row(&self, r: usize) -> &[i8] {
        &self.data[r * self.dim..(r + 1) * self.dim]
    }

    /// The `k` papers nearest to the seeds' direction, with their cosine (positive only),
    /// best first; seeds and papers `keep` refuses are left out. Empty when no seed has a
    /// vector. Above [`SHORTLIST_ABOVE`] vectors only a shortlist is ranked exactly.
    pub fn similar(
        &self,
        seeds: &[Node],
        k: usize,
        keep: impl Fn(Node) -> bool,
    ) -> Vec<(Node, f32)> {
        let shortlist = (self.count() > SHORTLIST_ABOVE).then_some(SHORTLIST_TIMES * k);
        self.similar_with(seeds, k, keep, shortlist)
    }

    /// [`Semantic::similar`], ranking exactly the `shortlist` rows whose signs agree most
    /// with the query's (ties at the cut included), or every row.
    pub fn similar_with(
        &self,
        seeds: &[Node],
        k: usize,
        keep: impl Fn(Node) -> bool,
        shortlist: Option<usize>,
    ) -> Vec<(Node, f32)> {
        if k == 0 {
            return Vec::new();
        }
        let rows: Vec<usize> = seeds
            .iter()
            .filter_map(|&n| self.row_of.get(n as usize).copied().flatten())
            .map(|r| r as usize)
            .collect();
        if rows.is_empty() {
            return Vec::new();
        }
        let mut q = vec![0.0f32; self.dim];
        for &r in &rows {
            for (a, x) in q.iter_mut().zip(self.row(r)) {
                *a += f32::from(*x) * self.scale[r];
            }
        }
        for (a, m) in q.iter_mut().zip(&self.mean) {
            *a = *a / rows.len() as f32 - m;
        }
        let norm = q.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm == 0.0 {
            return Vec::new();
        }
        let candidates: Vec<usize> = match shortlist {
            Some(n) if n < self.count() => self.agreeing(&q, n, &keep),
            _ => (0..self.count()).collect(),
        };
        let top = q.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let q_scale = query_top(self.dim) / top;
        let q: Vec<i16> = q.iter().map(|x| (x * q_scale).round() as i16).collect();
        let unscale = 1.0 / (norm * q_scale);
        // Best first, ties by node: the same order wherever two are compared.
        let order = |a: &(Node, f32), b: &(Node, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        // The best `k` so far, cut back whenever it doubles; a row at or below the cut is
        // skipped before the (slower) visibility check.
        let mut out: Vec<(Node, f32)> = Vec::with_capacity(2 * k);
        let mut cut = 0.0f32;
        for r in candidates {
            let score = dot_i8(&q, self.row(r)) as f32 * self.scale[r] * unscale;
            let node = self.node_of[r];
            if score > cut && !seeds.contains(&node) && keep(node) {
                out.push((node, score));
                if out.len() == 2 * k {
                    out.select_nth_unstable_by(k - 1, order);
                    out.truncate(k);
                    cut = out.iter().fold(f32::MAX, |m, x| m.min(x.1));
                }
            }
        }
        out.sort_by(order);
        out.truncate(k);
        out
    }

    /// The rows (at least `n` of them, ties at the cut included) whose sign bits differ
    /// least from the query direction's: one XOR and popcount per word, 48 bytes a row at
    /// 384 components, where the exact scan reads 384. Only rows the caller may see take
    /// part, so another guild's papers never take a place in the shortlist.
    fn agreeing(&self, q: &[f32], n: usize, keep: &impl Fn(Node) -> bool) -> Vec<usize> {
        let words = self.words();
        let want = sign_bits(q.iter().copied(), words);
        let distance: Vec<(usize, u16)> = self
            .signs
            .chunks_exact(words)
            .enumerate()
            .filter(|(r, _)| self.global[*r] || keep(self.node_of[*r]))
            .map(|(r, row)| {
                let d = row
                    .iter()
                    .zip(&want)
                    .map(|(a, b)| (a ^ b).count_ones() as u16)
                    .sum();
                (r, d)
            })
            .collect();
        // A histogram of distances (at most `dim`) gives the cut without sorting.
        let mut counts = vec![0usize; self.dim + 1];
        for &(_, d) in &distance {
            counts[d as usize] += 1;
        }
        let mut seen = 0;
        let cut = counts
            .iter()
            .position(|c| {
                seen += c;
                seen >= n
            })
            .unwrap_or(self.dim);
        distance
            .into_iter()
            .filter(|(_, d)| usize::from(*d) <= cut)
            .map(|(r, _)| r)
            .collect()
    }
}
