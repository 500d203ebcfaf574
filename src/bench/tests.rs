//! Benchmark building blocks: the query mix fits the synthetic catalog, percentiles and
//! tag prefixes are right, and a small end-to-end run produces a sane report. Setting
//! `PAPERCLUB_BENCH_PAPERS` (and optionally `PAPERCLUB_BENCH_ITERATIONS`) turns the last
//! test into a real measurement that prints the report (run it with `--release`).

use super::*;

#[test]
fn every_tag_in_the_query_mix_exists_in_the_synthetic_catalog() {
    let keys: Vec<String> = synth::tags().iter().map(|t| tag_key(t)).collect();
    let mix = queries();
    assert!((45..=60).contains(&mix.len()), "{}", mix.len());
    for q in mix.iter().filter_map(|q| q.tag) {
        assert!(keys.iter().any(|k| k == q), "{q}");
    }
}

#[test]
fn percentiles_are_nearest_rank() {
    let samples = (1..=100).map(Duration::from_millis).collect();
    let l = Latency::of(samples);
    assert_eq!(
        (l.p50, l.p99, l.max, l.samples),
        (
            Duration::from_millis(50),
            Duration::from_millis(99),
            Duration::from_millis(100),
            100
        )
    );
    assert_eq!(Latency::of(Vec::new()).p99, Duration::ZERO);
}

#[test]
fn peak_rss_is_read_from_proc() {
    if std::path::Path::new("/proc/self/status").exists() {
        assert!(peak_rss_kib().is_some_and(|k| k > 0));
    }
}

#[tokio::test]
async fn a_bench_run_reports_every_measure() -> anyhow::Result<()> {
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    let papers_n = env("PAPERCLUB_BENCH_PAPERS").unwrap_or(300);
    let iterations = env("PAPERCLUB_BENCH_ITERATIONS").unwrap_or(1);
    let started = Instant::now();
    let papers = synth::papers(papers_n, DEFAULT_SEED);
    let generated = started.elapsed();
    let bib_started = Instant::now();
    let bib = synth::to_bibtex(&papers);
    let bib_took = bib_started.elapsed();
    let report = run_search_bench(&papers, iterations).await?;
    if env("PAPERCLUB_BENCH_PAPERS").is_some() {
        println!(
            "generated {papers_n} papers in {:.2} s; BibTeX {:.1} MiB in {:.2} s",
            generated.as_secs_f64(),
            bib.len() as f64 / (1024.0 * 1024.0),
            bib_took.as_secs_f64()
        );
        println!("{report}");
    }
    assert_eq!(report.papers, papers_n);
    assert_eq!(report.tantivy.samples, report.queries * iterations);
    assert_eq!(report.fts5.samples, report.queries * iterations);
    assert!(report.tantivy_mean_hits > 1.0 && report.fts5_mean_hits > 1.0);
    assert_eq!(report.tantivy_by_kind.len(), 6);
    let table = report.to_string();
    assert!(table.contains("tantivy search") && table.contains("fts5 search"));
    Ok(())
}
