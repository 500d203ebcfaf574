//! Latency summaries and the benchmark report's table, kept apart from the timing loops
//! so that printing never sits between two measurements.

use super::{BenchQuery, QueryKind};
use std::fmt;
use std::time::Duration;

/// Percentiles of a set of timings (nearest-rank on the sorted samples).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Latency {
    pub samples: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Latency {
    pub fn of(mut samples: Vec<Duration>) -> Latency {
        samples.sort_unstable();
        let at = |p: f64| -> Duration {
            if samples.is_empty() {
                return Duration::ZERO;
            }
            let rank = ((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
            samples[rank - 1]
        };
        Latency {
            samples: samples.len(),
            p50: at(0.50),
            p99: at(0.99),
            max: samples.last().copied().unwrap_or_default(),
        }
    }
}

/// What `run_search_bench` measured. `Display` prints it as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchBenchReport {
    pub papers: usize,
    pub tags: usize,
    pub iterations: usize,
    pub queries: usize,
    pub tantivy_build: Duration,
    pub fts5_build: Duration,
    pub tantivy: Latency,
    pub fts5: Latency,
    pub tantivy_by_kind: Vec<(QueryKind, Latency)>,
    pub fts5_by_kind: Vec<(QueryKind, Latency)>,
    pub tantivy_mean_hits: f64,
    pub fts5_mean_hits: f64,
    /// Tantivy's slowest queries by p99: (first 40 characters, p99).
    pub slowest: Vec<(String, Duration)>,
    pub peak_rss_kib: Option<u64>,
}

/// Groups `(kind, timing)` samples into one [`Latency`] per kind.
pub fn by_kind(samples: &[(QueryKind, Duration)]) -> Vec<(QueryKind, Latency)> {
    let mut kinds: Vec<QueryKind> = samples.iter().map(|s| s.0).collect();
    kinds.sort();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|k| {
            let of_kind = samples.iter().filter(|s| s.0 == k).map(|s| s.1).collect();
            (k, Latency::of(of_kind))
        })
        .collect()
}

/// The `n` queries with the highest p99 over their own samples.
pub fn slowest(
    mix: &[BenchQuery],
    per_query: Vec<Vec<Duration>>,
    n: usize,
) -> Vec<(String, Duration)> {
    let mut worst: Vec<(String, Duration)> = mix
        .iter()
        .zip(per_query)
        .map(|(q, samples)| (q.text.chars().take(40).collect(), Latency::of(samples).p99))
        .collect();
    worst.sort_by_key(|w| std::cmp::Reverse(w.1));
    worst.truncate(n);
    worst
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn row(f: &mut fmt::Formatter<'_>, name: &str, l: &Latency, extra: &str) -> fmt::Result {
    writeln!(
        f,
        "{name:<24} {:>9} {:>9} {:>9} {:>8}  {extra}",
        ms(l.p50),
        ms(l.p99),
        ms(l.max),
        l.samples
    )
}

impl fmt::Display for SearchBenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "search bench: {} papers, {} tags, {} queries x {} iterations",
            self.papers, self.tags, self.queries, self.iterations
        )?;
        writeln!(
            f,
            "index build: tantivy {:.2} s, fts5 {:.2} s",
            self.tantivy_build.as_secs_f64(),
            self.fts5_build.as_secs_f64()
        )?;
        writeln!(
            f,
            "{:<24} {:>9} {:>9} {:>9} {:>8}",
            "", "p50 ms", "p99 ms", "max ms", "samples"
        )?;
        row(
            f,
            "tantivy search",
            &self.tantivy,
            &format!("{:.1} hits/query", self.tantivy_mean_hits),
        )?;
        for (kind, l) in &self.tantivy_by_kind {
            row(f, &format!("  {kind:?}"), l, "")?;
        }
        row(
            f,
            "fts5 search",
            &self.fts5,
            &format!("{:.1} hits/query", self.fts5_mean_hits),
        )?;
        for (kind, l) in &self.fts5_by_kind {
            row(f, &format!("  {kind:?}"), l, "")?;
        }
        for (text, p99) in &self.slowest {
            writeln!(f, "slow tantivy query: p99 {} ms  {text:?}", ms(*p99))?;
        }
        match self.peak_rss_kib {
            Some(kib) => writeln!(f, "peak RSS: {:.1} MiB", kib as f64 / 1024.0),
            None => writeln!(f, "peak RSS: unknown"),
        }
    }
}
