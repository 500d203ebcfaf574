//! `paperclub model fetch` and `paperclub model status`: get the configured model now
//! (with a progress bar on a terminal), and say which model a process would use, where its
//! files are, how many papers have its vectors and how fast it embeds on this machine.
//! `status` never makes a request: it reads the cache and the folder only.

use crate::clock::Clock;
use crate::config::Config;
use crate::embed::{arrive, hub, Embedder, ModelSpec};
use crate::state::App;
use clap::Subcommand;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Fetch the model into the Hugging Face cache now (nothing to do for a folder).
    Fetch {
        /// A folder, a Hub repo id (`owner/name[@revision]`) or `none`; default: the config's.
        #[arg(long)]
        model: Option<String>,
    },
    /// Which model, where, how many papers have its vectors, how fast it embeds here.
    Status {
        /// A folder, a Hub repo id (`owner/name[@revision]`) or `none`; default: the config's.
        #[arg(long)]
        model: Option<String>,
    },
}

/// Texts timed by `status`: paper-like, of a few lengths.
const SAMPLE: [&str; 4] = [
    "Attention is all you need: the transformer, a model based solely on attention",
    "Scaling laws for neural language models: loss scales as a power law with model size, \
     dataset size and the amount of compute used for training",
    "Highly accurate protein structure prediction with AlphaFold",
    "Graph neural networks for reasoning over knowledge graphs with reinforcement learning \
     agents that learn to walk paths between entities and answer multi-hop questions",
];

/// Runs `model fetch|status`; only `status` opens the data folder (for its vector counts).
pub async fn run_model(
    config: &Config,
    clock: Arc<dyn Clock>,
    action: ModelCommand,
    json: bool,
) -> anyhow::Result<i32> {
    let choose = |m: Option<String>| {
        m.as_deref()
            .map_or_else(|| config.embeddings.spec(), ModelSpec::parse)
    };
    match action {
        ModelCommand::Fetch { model } => fetch(&choose(model)).await,
        ModelCommand::Status { model } => {
            let app = App::open(&config.data_dir, clock).await?;
            let code = status(&app, &choose(model), json).await;
            app.catalog.close().await;
            code
        }
    }
}

async fn fetch(spec: &ModelSpec) -> anyhow::Result<i32> {
    let bar = std::io::stderr().is_terminal();
    match arrive::locate(spec, bar).await {
        Ok(None) => {
            println!("Meaning is off (model = none): nothing to fetch.");
            Ok(0)
        }
        Ok(Some(dir)) => match Embedder::load(&dir) {
            Ok(e) => {
                println!("✓ {spec} is in {} (model {})", dir.display(), e.id);
                Ok(0)
            }
            Err(e) => {
                println!(
                    "✗ {spec} is in {} but cannot be loaded: {e:#}",
                    dir.display()
                );
                Ok(1)
            }
        },
        Err(e) => {
            println!("✗ {}", arrive::without_meaning(spec, &e));
            Ok(1)
        }
    }
}

async fn status(app: &App, spec: &ModelSpec, json: bool) -> anyhow::Result<i32> {
    let (place, dir) = where_it_is(spec);
    let loaded = dir.as_deref().map(Embedder::load);
    let mut report = serde_json::json!({ "model": spec.to_string(), "where": place });
    let mut lines = vec![format!("model: {spec}"), format!("where: {place}")];
    match loaded {
        None => {}
        Some(Err(e)) => {
            lines.push(format!("state: cannot be loaded: {e:#}"));
            report["error"] = format!("{e:#}").into();
        }
        Some(Ok(embedder)) => {
            lines.push(format!("id: {}", embedder.id));
            report["id"] = embedder.id.clone().into();
            let (with, papers) = {
                let mut conn = app.catalog.pool().acquire().await?;
                crate::store::embeddings::coverage(&mut conn, &embedder.id).await?
            };
            lines.push(format!("vectors: {with} of {papers} papers"));
            report["papers_with_vectors"] = with.into();
            report["papers"] = papers.into();
            let started = std::time::Instant::now();
            embedder.embed(&SAMPLE)?;
            let secs = started.elapsed().as_secs_f64();
            let per_sec = SAMPLE.len() as f64 / secs.max(1e-9);
            lines.push(format!(
                "speed: {per_sec:.1} texts/s here ({} short texts in {:.2} s; a paper's \
                 title and abstract is longer)",
                SAMPLE.len(),
                secs
            ));
            report["texts_per_second"] = per_sec.into();
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}", lines.join("\n"));
    }
    Ok(0)
}

/// Where the model's files are, in words, and the folder when they are all there.
fn where_it_is(spec: &ModelSpec) -> (String, Option<PathBuf>) {
    match spec {
        ModelSpec::Off => ("nowhere: meaning is off (model = none)".into(), None),
        ModelSpec::Folder(dir) if dir.is_dir() => (dir.display().to_string(), Some(dir.clone())),
        ModelSpec::Folder(dir) => (format!("{} does not exist", dir.display()), None),
        ModelSpec::Hub { repo, revision } => match hub::cache_dir() {
            Err(e) => (format!("no cache: {e}"), None),
            Ok(cache) => match hub::cached(&cache, repo, revision) {
                Some(dir) => (dir.display().to_string(), Some(dir)),
                None => (
                    format!(
                        "not fetched yet (cache {}; `paperclub model fetch`, or the next \
                         run, chat or embed, fetches it from {})",
                        cache.display(),
                        hub::endpoint()
                    ),
                    None,
                ),
            },
        },
    }
}
