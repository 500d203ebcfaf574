//! `paperclub eval recommend`: how well recommendations find a course session's further
//! readings from its required ones. Every file given is imported into a fresh in-memory
//! catalog; for each course post, its required readings are the seeds and its further
//! readings the expected answers, ranked over a graph built without that post's own
//! groupings and tags (its papers and their text stay). Paperclub's ranking and the TF-IDF
//! cosine baseline (title and abstract, as arxiv-sanity-lite ranks) run on the same data.

use super::graph::{Graph, GraphRows};
use super::{load_rows, Ask, Snapshot, Weights};
use crate::catalog::{Catalog, Resolved};
use crate::embed::{self, Embedder};
use crate::ingest::{self, Format, RawEntry, ReadingRole};
use crate::model::Scope;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::Arc;

/// Ranks are cut here: Recall@10, nDCG@10.
pub const CUTOFF: usize = 10;

/// One post's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostResult {
    pub file: String,
    pub seeds: usize,
    pub expected: usize,
    pub recall: f64,
    pub ndcg: f64,
    pub baseline_recall: f64,
    pub baseline_ndcg: f64,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub posts: Vec<PostResult>,
    pub papers: usize,
    /// Papers with an embedding vector (0 without a model).
    pub vectors: usize,
    pub recall: f64,
    pub ndcg: f64,
    pub baseline_recall: f64,
    pub baseline_ndcg: f64,
    /// 95% interval of the Recall@10 ratio (paperclub over baseline) from resampling posts.
    pub ratio_interval: Option<(f64, f64)>,
}

/// Resampling rounds for [`ratio_interval`].
const BOOTSTRAP_ROUNDS: usize = 2000;

/// The 95% paired bootstrap interval of `mean(recall) / mean(baseline_recall)` over
/// posts: how far the ratio could move with another draw of posts like these. `None`
/// without posts. A fixed seed keeps the figure the same from run to run.
pub fn ratio_interval(posts: &[PostResult]) -> Option<(f64, f64)> {
    if posts.is_empty() {
        return None;
    }
    // SplitMix64: a few lines, and unlike a crate's default generator its stream cannot
    // change under a version bump, which would change published figures.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let n = posts.len();
    let mut ratios: Vec<f64> = (0..BOOTSTRAP_ROUNDS)
        .filter_map(|_| {
            let (mut ours, mut base) = (0.0, 0.0);
            for _ in 0..n {
                let p = &posts[(next() % n as u64) as usize];
                ours += p.recall;
                base += p.baseline_recall;
            }
            (base > 0.0).then(|| ours / base)
        })
        .collect();
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    Some((at(0.025), at(0.975)))
}

/// Recall at the cut-off: the share of `expected` among the first [`CUTOFF`] of `ranked`.
pub fn recall(ranked: &[i64], expected: &HashSet<i64>) -> f64 {
    if expected.is_empty() {
        return 0.0;
    }
    let hits = ranked
        .iter()
        .take(CUTOFF)
        .filter(|id| expected.contains(id))
        .count();
    hits as f64 / expected.len() as f64
}

/// nDCG at the cut-off with binary relevance.
pub fn ndcg(ranked: &[i64], expected: &HashSet<i64>) -> f64 {
    let gain = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(CUTOFF)
        .enumerate()
        .filter(|(_, id)| expected.contains(id))
        .map(|(i, _)| gain(i))
        .sum();
    let ideal: f64 = (0..expected.len().min(CUTOFF)).map(gain).sum();
    if ideal == 0.0 || dcg == 0.0 {
        0.0
    } else {
        dcg / ideal
    }
}

/// Imports `files` (name, bytes) into `catalog` (it should be empty), computes its
/// vectors with `embedder` when given, and evaluates every course post among them with
/// each of `weights`: one report each, in order.
pub async fn run(
    catalog: &Catalog,
    files: Vec<(String, Vec<u8>)>,
    weights: &[Weights],
    embedder: Option<Arc<Embedder>>,
) -> anyhow::Result<Vec<Report>> {
    // A README or notes beside the fixtures are not reading lists.
    let files: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter(|(name, bytes)| {
            ingest::detect::detect(&String::from_utf8_lossy(bytes), name).is_some()
        })
        .collect();
    let posts: Vec<(String, String)> = files
        .iter()
        .filter_map(|(name, bytes)| {
            let text = String::from_utf8_lossy(bytes).into_owned();
            (ingest::detect::detect(&text, name) == Some(Format::Course))
                .then(|| (name.clone(), text))
        })
        .collect();
    for report in catalog.import_files(Scope::GLOBAL, files, None).await {
        if let Some(e) = report.error {
            anyhow::bail!("{}: {e}", report.file);
        }
    }
    if let Some(embedder) = embedder {
        let report = |done: usize, todo: usize| {
            if done == todo || done.is_multiple_of(160) {
                eprintln!("embedded {done} of {todo} papers");
            }
        };
        embed::fill(catalog.pool(), embedder, usize::MAX, &report).await?;
    }
    let rows = load_rows(catalog.pool()).await?;
    let snapshot = Snapshot::build(&rows, 0);
    let mut reports = Vec::new();
    for &w in weights {
        reports.push(evaluate(catalog, &rows, &snapshot, &posts, w).await?);
    }
    Ok(reports)
}

/// Every post's figures with `weights`, over the imported catalog.
async fn evaluate(
    catalog: &Catalog,
    rows: &GraphRows,
    snapshot: &Snapshot,
    posts: &[(String, String)],
    weights: Weights,
) -> anyhow::Result<Report> {
    let mut out = Vec::new();
    for (name, text) in posts {
        let Some(file_id) = file_id(catalog, name).await? else {
            continue;
        };
        let parsed = ingest::parse(Format::Course, text);
        let seeds = paper_ids(catalog, &parsed.entries, ReadingRole::Required).await?;
        let seed_set: HashSet<i64> = seeds.iter().copied().collect();
        let expected: HashSet<i64> = paper_ids(catalog, &parsed.entries, ReadingRole::Optional)
            .await?
            .into_iter()
            .filter(|id| !seed_set.contains(id))
            .collect();
        if seeds.is_empty() || expected.is_empty() {
            continue;
        }
        let graph = Graph::build(rows, Some(file_id));
        let ask = Ask {
            scope: Scope::GLOBAL,
            seeds: &seeds,
            limit: CUTOFF,
            ..Ask::default()
        };
        let ours: Vec<i64> = snapshot
            .suggest_on(&graph, &ask, weights)
            .iter()
            .map(|s| s.paper_id)
            .collect();
        let baseline: Vec<i64> = snapshot
            .text
            .similar_to(&seeds, CUTOFF)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        out.push(PostResult {
            file: name.clone(),
            seeds: seeds.len(),
            expected: expected.len(),
            recall: recall(&ours, &expected),
            ndcg: ndcg(&ours, &expected),
            baseline_recall: recall(&baseline, &expected),
            baseline_ndcg: ndcg(&baseline, &expected),
        });
    }
    let mean = |f: fn(&PostResult) -> f64| {
        if out.is_empty() {
            0.0
        } else {
            out.iter().map(f).sum::<f64>() / out.len() as f64
        }
    };
    Ok(Report {
        papers: snapshot.graph.len(),
        vectors: snapshot.semantic.as_ref().map_or(0, |s| s.count()),
        recall: mean(|p| p.recall),
        ndcg: mean(|p| p.ndcg),
        baseline_recall: mean(|p| p.baseline_recall),
        baseline_ndcg: mean(|p| p.baseline_ndcg),
        ratio_interval: ratio_interval(&out),
        posts: out,
    })
}

async fn file_id(catalog: &Catalog, name: &str) -> anyhow::Result<Option<i64>> {
    let mut conn = catalog.pool().acquire().await?;
    Ok(
        crate::store::sources::find_file(&mut conn, Scope::GLOBAL, name)
            .await?
            .map(|f| f.id),
    )
}

/// The catalog's ids of the readings in `role`, by arXiv id, else DOI, else title.
async fn paper_ids(
    catalog: &Catalog,
    entries: &[RawEntry],
    role: ReadingRole,
) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for e in entries.iter().filter(|e| e.role == Some(role)) {
        let key = e
            .arxiv
            .clone()
            .or_else(|| e.doi.clone())
            .unwrap_or_else(|| e.title.clone());
        if let Resolved::One(p) = catalog.resolve(Scope::GLOBAL, &key).await? {
            if !ids.contains(&p.id) {
                ids.push(p.id);
            }
        }
    }
    Ok(ids)
}
