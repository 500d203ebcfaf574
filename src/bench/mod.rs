//! The building blocks of `paperclub bench`: a synthetic catalog (`synth`), an SQLite FTS5
//! baseline (`fts5`), and here the fixed query mix, the timing loops and the report. The
//! figures answer one question: does search stay interactive (p99 under 5 ms) at 100k
//! papers, and how does tantivy compare to plain FTS5? Tag autocomplete is measured on
//! the catalog itself, by `paperclub bench`.

pub mod fts5;
mod report;
pub mod synth;
mod words;

use crate::ingest::ids::tag_key;
use crate::model::{Paper, Scope};
use crate::search::{IndexDoc, SearchIndex, SearchQuery};
use std::time::{Duration, Instant};

pub use report::{Latency, SearchBenchReport};

/// The seed `paperclub bench` uses unless told otherwise, so runs are comparable.
pub const DEFAULT_SEED: u64 = 2020;
/// Results per query, as a chat reply shows.
const LIMIT: usize = 10;

/// What a benchmark query exercises; the report breaks latencies down by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum QueryKind {
    Word,
    Words,
    Typo,
    Quoted,
    Punctuation,
    Tagged,
}

/// One query of the mix: user text and an optional tag key.
#[derive(Debug, Clone)]
pub struct BenchQuery {
    pub kind: QueryKind,
    pub text: String,
    pub tag: Option<&'static str>,
}

/// The fixed mix of about 50 queries, in the synthetic catalog's vocabulary.
pub fn queries() -> Vec<BenchQuery> {
    use QueryKind::*;
    let plain = |kind, texts: &[&str]| {
        texts
            .iter()
            .map(|t| BenchQuery {
                kind,
                text: t.to_string(),
                tag: None,
            })
            .collect::<Vec<_>>()
    };
    let mut q = Vec::new();
    q.extend(plain(
        Word,
        &[
            "transformers",
            "attention",
            "retrieval",
            "distillation",
            "quantization",
            "grokking",
            "hallucination",
            "watermarking",
            "chinchilla",
            "mamba",
        ],
    ));
    q.extend(plain(
        Words,
        &[
            "scaling laws language models",
            "question answering retrieval",
            "efficient attention long context",
            "contrastive learning representations",
            "reinforcement learning from human feedback",
            "diffusion models image generation",
            "graph neural networks link prediction",
            "low-rank adaptation fine-tuning",
            "chain-of-thought mathematical reasoning",
            "speculative decoding inference",
        ],
    ));
    q.extend(plain(
        Typo,
        &[
            "tranformers",
            "retreival",
            "optimizaton",
            "scalling laws",
            "atention",
            "distilation",
            "hallucinaton",
            "quantisation",
            "reinforcment learning",
            "embedings",
        ],
    ));
    q.extend(plain(
        Quoted,
        &[
            "\"language models\"",
            "\"in-context learning\"",
            "\"mixture of experts\"",
            "\"unbalanced",
            "'single quotes'",
        ],
    ));
    let garbage: String = (0..2000)
        .map(|i| ['(', 'x', '"', ':', ' ', '*', 'q', '~'][i % 8])
        .collect();
    q.extend(plain(
        Punctuation,
        &[
            "arXiv:2001.08361",
            "self-attention?!",
            "c++ / rust",
            "o'neil 2020",
            "AND OR NOT (",
            "title:foo^3 -bar",
            "((((",
            "https://arxiv.org/abs/1706.03762",
            "**bold** _x_",
            &garbage,
        ],
    ));
    for (text, tag) in [
        ("", "transformers"),
        ("", "questionanswering"),
        ("", "week1"),
        ("", "scalinglaws"),
        ("attention", "efficiency"),
        ("scaling", "nlp"),
        ("retrieval", "passageretrieval"),
        ("models", "llm"),
        ("tranformers", "survey"),
        ("language models", "benchmark"),
    ] {
        q.push(BenchQuery {
            kind: Tagged,
            text: text.to_string(),
            tag: Some(tag),
        });
    }
    q
}

/// A paper as a global-scope index document, its tags all global.
pub fn index_doc(p: &Paper) -> IndexDoc {
    IndexDoc {
        id: p.id,
        title: p.title.clone(),
        authors: p.authors.clone(),
        abstract_text: p.abstract_text.clone(),
        note: p.note.clone(),
        venue: p.venue.clone(),
        year: p.year,
        tags: p.tags.iter().map(|t| (Scope::GLOBAL, t.clone())).collect(),
        scopes: vec![Scope::GLOBAL],
        shadowed: Vec::new(),
    }
}

/// Peak resident memory of this process in KiB (`VmHWM`), where `/proc` exists.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Indexes `papers` in tantivy (in memory) and FTS5, runs the query mix `iterations`
/// times against each after one warm-up pass, and reports.
pub async fn run_search_bench(
    papers: &[Paper],
    iterations: usize,
) -> anyhow::Result<SearchBenchReport> {
    let iterations = iterations.max(1);
    let mix = queries();

    let started = Instant::now();
    let index = SearchIndex::in_ram()?;
    index.rebuild(papers.iter().map(index_doc), 0)?;
    let tantivy_build = started.elapsed();

    let started = Instant::now();
    let fts_index = fts5::Fts5Index::load(papers).await?;
    let fts5_build = started.elapsed();

    let mut tantivy: Vec<(QueryKind, Duration)> = Vec::new();
    let mut fts: Vec<(QueryKind, Duration)> = Vec::new();
    let (mut tantivy_hits, mut fts_hits) = (0usize, 0usize);
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); mix.len()];
    for round in 0..=iterations {
        let measured = round > 0;
        for (i, q) in mix.iter().enumerate() {
            let query = SearchQuery {
                text: q.text.clone(),
                tag_keys: q.tag.iter().map(|t| t.to_string()).collect(),
                limit: LIMIT,
                ..SearchQuery::default()
            };
            let t = Instant::now();
            let hits = index.search(&query)?;
            let took = t.elapsed();
            let t = Instant::now();
            let fts_ids = fts_index.search(&q.text, q.tag, LIMIT).await?;
            let fts_took = t.elapsed();
            if measured {
                tantivy.push((q.kind, took));
                fts.push((q.kind, fts_took));
                tantivy_hits += hits.len();
                fts_hits += fts_ids.len();
                per_query[i].push(took);
            }
        }
    }

    let tags: std::collections::HashSet<String> = papers
        .iter()
        .flat_map(|p| p.tags.iter().map(|t| tag_key(t)))
        .collect();

    let runs = (mix.len() * iterations) as f64;
    Ok(SearchBenchReport {
        papers: papers.len(),
        tags: tags.len(),
        iterations,
        queries: mix.len(),
        tantivy_build,
        fts5_build,
        tantivy_by_kind: report::by_kind(&tantivy),
        fts5_by_kind: report::by_kind(&fts),
        tantivy: Latency::of(tantivy.iter().map(|s| s.1).collect()),
        fts5: Latency::of(fts.iter().map(|s| s.1).collect()),
        tantivy_mean_hits: tantivy_hits as f64 / runs,
        fts5_mean_hits: fts_hits as f64 / runs,
        slowest: report::slowest(&mix, per_query, 5),
        peak_rss_kib: peak_rss_kib(),
    })
}

/// Gives every paper a random unit vector of all-MiniLM-L6-v2's width, stored as
/// `paperclub embed` stores them: what the meaning signal costs a request and the
/// snapshot, without running a model over the synthetic catalog.
pub async fn store_random_vectors(catalog: &crate::catalog::Catalog) -> anyhow::Result<usize> {
    const DIM: usize = 384;
    let ids: Vec<i64> = {
        let mut conn = catalog.pool().acquire().await?;
        crate::store::recommend::papers(&mut conn)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    let mut state = DEFAULT_SEED;
    let mut next = move || {
        // xorshift64*: a fixed stream, so every run stores the same vectors.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    };
    for chunk in ids.chunks(5000) {
        let rows: Vec<(i64, i64, Vec<u8>)> = chunk
            .iter()
            .map(|&id| {
                let v: Vec<f32> = (0..DIM).map(|_| next()).collect();
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                let v: Vec<f32> = v.iter().map(|x| x / n).collect();
                (id, 0, crate::embed::to_blob(&v))
            })
            .collect();
        let mut tx = catalog.pool().begin_with("BEGIN IMMEDIATE").await?;
        crate::store::embeddings::put(&mut tx, "bench-random", &rows).await?;
        tx.commit().await?;
    }
    let mut tx = catalog.pool().begin_with("BEGIN IMMEDIATE").await?;
    crate::store::changes::append(&mut tx, &[]).await?;
    tx.commit().await?;
    Ok(ids.len())
}

#[cfg(test)]
mod tests;
