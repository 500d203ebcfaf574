//! `paperclub embed`: computes the vectors the catalog lacks now, with a progress bar, and
//! says how many it computed. The same [`crate::embed::fill`] the bot runs in the
//! background; stopping it halfway keeps every finished batch. The model is fetched first
//! when the cache lacks it.

use crate::embed::{arrive, fill, ModelSpec};
use crate::state::App;
use std::io::IsTerminal;
use std::sync::Arc;

pub async fn run_embed(app: &App, spec: &ModelSpec) -> anyhow::Result<i32> {
    let embedder = match arrive::load(spec, std::io::stderr().is_terminal(), None).await {
        Ok(Some(e)) => e,
        Ok(None) => {
            eprintln!(
                "error: meaning is off (model = none); `embed --model REPO_OR_DIR` names one"
            );
            return Ok(2);
        }
        Err(e) => {
            eprintln!("error: {}", arrive::without_meaning(spec, &e));
            return Ok(2);
        }
    };
    let started = std::time::Instant::now();
    let bar = std::sync::Mutex::new(None::<indicatif::ProgressBar>);
    let progress = |done: usize, todo: usize| {
        let mut bar = bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        bar.get_or_insert_with(|| super::import::progress_bar(todo, "papers"))
            .set_position(done as u64);
    };
    let filled = fill(
        app.catalog.pool(),
        Arc::clone(&embedder),
        usize::MAX,
        &progress,
    )
    .await?;
    if let Some(bar) = bar
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        bar.finish_and_clear();
    }
    if filled.failed > 0 {
        println!(
            "✗ {} vectors computed in {:.1} s; the model refused {} papers' text (see the \
             log), which rank without meaning",
            filled.embedded,
            started.elapsed().as_secs_f64(),
            filled.failed
        );
        return Ok(1);
    }
    println!(
        "✓ {} vectors computed in {:.1} s; {} papers in the catalog, all with a vector of model {}",
        filled.embedded,
        started.elapsed().as_secs_f64(),
        filled.papers,
        embedder.id
    );
    Ok(0)
}
