//! `paperclub bench`: synthetic catalogs at several sizes; prints throughput and latency.

/// Runs the benchmark at each size.
pub async fn run_bench(sizes: &[usize], iterations: usize) -> anyhow::Result<()> {
    let _ = (sizes, iterations);
    anyhow::bail!("the benchmark is not wired yet")
}
