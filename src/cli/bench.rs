//! `paperclub bench`: builds synthetic catalogs of realistic papers at each size and
//! prints what users feel: import throughput (parse + SQLite + index commit), search and
//! autocomplete latency through the catalog (index + SQLite), show/cite latency, start-up
//! to first answer, peak memory; then tantivy and SQLite FTS5 side by side on the same data.

use crate::bench::{self, synth, Latency};
use crate::catalog::{Catalog, Resolved};
use crate::cite::{self, CiteFormat};
use crate::model::Scope;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Entries per generated `.bib` file: real reading lists come as many files, and one file
/// must stay under the import size limit.
const ENTRIES_PER_FILE: usize = 5000;

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn line(name: &str, l: &Latency) -> String {
    format!(
        "  {name:<28} p50 {:>10}  p99 {:>10}  max {:>10}  (n={})",
        ms(l.p50),
        ms(l.p99),
        ms(l.max),
        l.samples
    )
}

/// Imports the papers as one awesome-list file of titles and tags into an empty catalog:
/// identity by normalised title and keys from title words, the import whose cost once grew
/// with the square of the entries.
async fn title_only_import(papers: &[crate::model::Paper]) -> anyhow::Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("paperclub-bench-")
        .tempdir()?;
    let catalog = Catalog::open(dir.path()).await?;
    let file = synth::to_awesome(papers).into_bytes();
    let started = Instant::now();
    let report = catalog
        .import_bytes(Scope::GLOBAL, "synthetic-titles.md", &file, None)
        .await;
    let took = started.elapsed();
    if let Some(e) = &report.error {
        anyhow::bail!("{}: {e}", report.file);
    }
    println!(
        "  import, title-only list      {} papers in {:.2} s = {:.0} papers/s (one awesome-list file, no ids)",
        report.new,
        took.as_secs_f64(),
        report.new as f64 / took.as_secs_f64()
    );
    catalog.close().await;
    Ok(())
}

/// `/recommend` from one paper, as the dispatcher answers it (resolve the key, rank with
/// every signal, load the suggestions), after the snapshot of the catalog is built once;
/// then the rebuild a catalog change costs.
async fn recommend_bench(
    catalog: &Arc<Catalog>,
    papers: &[crate::model::Paper],
    iterations: usize,
    label: &str,
) -> anyhow::Result<()> {
    use crate::dispatch::{recommendations, Caller, RecommendRequest};
    let app = crate::state::App::new(Arc::clone(catalog), Arc::new(crate::clock::SystemClock));
    let caller = Caller {
        scope: Scope::GLOBAL,
        user_id: 0,
        roles: Vec::new(),
        instructor: false,
    };
    let started = Instant::now();
    app.recommender.snapshot(catalog.pool()).await?;
    println!(
        "{:<31}{}",
        format!("  {label} snapshot build"),
        ms(started.elapsed())
    );
    let step = (papers.len() / 100).max(1);
    let mut took = Vec::new();
    for round in 0..=iterations.min(5) {
        for p in papers.iter().step_by(step) {
            let request = RecommendRequest {
                papers: vec![p.key.clone()],
                limit: Some(10),
                ..RecommendRequest::default()
            };
            let t = Instant::now();
            let found = recommendations(&app, &caller, &request).await;
            if round > 0 {
                took.push(t.elapsed());
            }
            if let Err(e) = found {
                anyhow::bail!("recommend from {}: {e}", p.key);
            }
        }
    }
    println!(
        "{}",
        line(&format!("{label} (one paper, 10)"), &Latency::of(took))
    );
    Ok(())
}

/// Embedding speed of a real model on the first papers of the synthetic catalog.
fn embed_bench(model: &std::path::Path, papers: &[crate::model::Paper]) -> anyhow::Result<()> {
    let embedder = crate::embed::Embedder::load(model)?;
    let texts: Vec<String> = papers
        .iter()
        .take(128)
        .map(|p| crate::store::recommend::text_of(&p.title, p.abstract_text.as_deref()))
        .collect();
    let started = Instant::now();
    for batch in texts.chunks(16) {
        let refs: Vec<&str> = batch.iter().map(String::as_str).collect();
        embedder.embed(&refs)?;
    }
    let took = started.elapsed();
    println!(
        "  embed (model, title+abstract) {} papers in {:.2} s = {:.1} papers/s",
        texts.len(),
        took.as_secs_f64(),
        texts.len() as f64 / took.as_secs_f64()
    );
    Ok(())
}

/// Runs the benchmark at each size.
pub async fn run_bench(
    sizes: &[usize],
    iterations: usize,
    model: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let iterations = iterations.max(1);
    for &size in sizes {
        println!("== {size} papers (seed {})", bench::DEFAULT_SEED);
        let papers = synth::papers(size, bench::DEFAULT_SEED);
        let dir = tempfile::Builder::new()
            .prefix("paperclub-bench-")
            .tempdir()?;

        let catalog = Arc::new(Catalog::open(dir.path()).await?);
        let files: Vec<(String, Vec<u8>)> = papers
            .chunks(ENTRIES_PER_FILE)
            .enumerate()
            .map(|(i, chunk)| {
                (
                    format!("synthetic-{i:03}.bib"),
                    synth::to_bibtex(chunk).into_bytes(),
                )
            })
            .collect();
        let started = Instant::now();
        let reports = catalog.import_files(Scope::GLOBAL, files, None).await;
        if let Some(r) = reports.iter().find(|r| r.error.is_some()) {
            anyhow::bail!("{}: {}", r.file, r.error.as_deref().unwrap_or_default());
        }
        let imported: usize = reports.iter().map(|r| r.new).sum();
        let took = started.elapsed();
        println!(
            "  import                       {imported} papers in {:.2} s = {:.0} papers/s (parse, SQLite, index commit)",
            took.as_secs_f64(),
            imported as f64 / took.as_secs_f64()
        );

        title_only_import(&papers).await?;

        let mix = bench::queries();
        let mut search = Vec::new();
        for round in 0..=iterations {
            for q in &mix {
                let tags: Vec<String> = q.tag.iter().map(|t| t.to_string()).collect();
                let t = Instant::now();
                catalog
                    .search(Scope::GLOBAL, &q.text, &tags, None, 10)
                    .await?;
                if round > 0 {
                    search.push(t.elapsed());
                }
            }
        }
        println!("{}", line("search (index + SQLite)", &Latency::of(search)));

        let prefixes = [
            "", "s", "sc", "scal", "lang", "re", "co", "de", "in", "zzz", "ne", "tr",
        ];
        let mut prefix = Vec::new();
        for round in 0..=iterations * 5 {
            for p in prefixes {
                let t = Instant::now();
                catalog.tag_prefix(Scope::GLOBAL, p, 25).await?;
                if round > 0 {
                    prefix.push(t.elapsed());
                }
            }
        }
        println!(
            "{}",
            line("tag prefix (autocomplete)", &Latency::of(prefix))
        );

        let mut paper_prefix = Vec::new();
        for p in papers.iter().step_by((size / 200).max(1)) {
            let typed: String = p.title.chars().take(12).collect();
            let t = Instant::now();
            catalog.paper_prefix(Scope::GLOBAL, &typed, 25).await?;
            paper_prefix.push(t.elapsed());
        }
        println!("{}", line("paper autocomplete", &Latency::of(paper_prefix)));

        let (mut show, mut cites) = (Vec::new(), Vec::new());
        for p in papers.iter().step_by((size / 500).max(1)) {
            let t = Instant::now();
            let found = catalog.resolve(Scope::GLOBAL, &p.key).await?;
            show.push(t.elapsed());
            if let Resolved::One(paper) = found {
                let t = Instant::now();
                let _ = cite::cite(&paper, CiteFormat::Apa);
                cites.push(t.elapsed());
            }
        }
        println!("{}", line("show (resolve key)", &Latency::of(show)));
        println!("{}", line("cite APA (CSL render)", &Latency::of(cites)));
        recommend_bench(&catalog, &papers, iterations, "recommend").await?;
        let t = Instant::now();
        let stored = bench::store_random_vectors(&catalog).await?;
        println!(
            "  store vectors                {stored} x 384 floats in {:.2} s",
            t.elapsed().as_secs_f64()
        );
        recommend_bench(&catalog, &papers, iterations, "recommend, vectors").await?;
        if let Some(model) = model {
            embed_bench(model, &papers)?;
        }
        catalog.close().await;
        drop(catalog);

        let t = Instant::now();
        let reopened = Catalog::open(dir.path()).await?;
        reopened
            .search(Scope::GLOBAL, "attention language", &[], None, 10)
            .await?;
        println!("  start-up to first answer     {}", ms(t.elapsed()));
        reopened.close().await;

        println!("  -- tantivy vs SQLite FTS5, same papers, same queries (in memory) --");
        let report = bench::run_search_bench(&papers, iterations).await?;
        println!("{report}");
        if let Some(kib) = bench::peak_rss_kib() {
            println!(
                "  peak memory (process)        {:.0} MiB",
                kib as f64 / 1024.0
            );
        }
    }
    Ok(())
}
