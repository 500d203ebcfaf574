//! The model arriving in a process: found in its folder or the Hub cache, fetched on first
//! need, loaded, and, in the bot and the chat, put to work filling vectors in the
//! background. When it cannot be had (no network, a damaged download, `HF_HUB_OFFLINE`
//! with an empty cache) the process says so once, plainly, and goes on without meaning;
//! nothing is remembered, so the next start tries again.

use super::hub;
use super::spec::ModelSpec;
use super::Embedder;
use sqlx::SqlitePool;
use std::path::PathBuf;
use std::sync::Arc;

/// Where a model's files are: `Ok(None)` when meaning is off (`none`); the error says why
/// the files cannot be had. Fetches only what the cache lacks; `bar` draws progress.
pub async fn locate(spec: &ModelSpec, bar: bool) -> anyhow::Result<Option<PathBuf>> {
    let (repo, revision) = match spec {
        ModelSpec::Off => return Ok(None),
        ModelSpec::Folder(dir) => {
            anyhow::ensure!(dir.is_dir(), "there is no folder {}", dir.display());
            return Ok(Some(dir.clone()));
        }
        ModelSpec::Hub { repo, revision } => (repo, revision),
    };
    let cache = hub::cache_dir()?;
    if let Some(snapshot) = hub::cached(&cache, repo, revision) {
        match hub::check_cached(&snapshot) {
            Ok(()) => return Ok(Some(snapshot)),
            Err(e) => tracing::warn!(error = %e, "the cached model is damaged"),
        }
    }
    anyhow::ensure!(
        !hub::offline(),
        "HF_HUB_OFFLINE is set and the cache ({}) does not hold it",
        cache.display()
    );
    tracing::info!(model = %spec, from = %hub::endpoint(), cache = %cache.display(), "fetching the sentence-embedding model");
    let started = std::time::Instant::now();
    let dir = hub::fetch(repo, revision, bar)
        .await
        .map_err(|e| anyhow::anyhow!("it could not be fetched from {} ({e:#})", hub::endpoint()))?;
    tracing::info!(model = %spec, dir = %dir.display(), secs = started.elapsed().as_secs(), "sentence-embedding model fetched");
    Ok(Some(dir))
}

/// Whether getting `spec` means a request to the Hub (it is not in the cache and requests
/// are allowed), so a process can say it is fetching.
pub fn will_fetch(spec: &ModelSpec) -> bool {
    match (spec, hub::cache_dir()) {
        (ModelSpec::Hub { repo, revision }, Ok(cache)) => {
            hub::cached(&cache, repo, revision).is_none() && !hub::offline()
        }
        _ => false,
    }
}

/// The model of `spec`, loaded (on a blocking thread: reading 90 MB of weights), with
/// `threads` of its own when given; `Ok(None)` when meaning is off.
pub async fn load(
    spec: &ModelSpec,
    bar: bool,
    threads: Option<usize>,
) -> anyhow::Result<Option<Arc<Embedder>>> {
    let Some(dir) = locate(spec, bar).await? else {
        return Ok(None);
    };
    let embedder = tokio::task::spawn_blocking(move || {
        let e = Embedder::load(&dir)?;
        match threads {
            Some(n) => e.with_threads(n),
            None => Ok(e),
        }
    })
    .await??;
    Ok(Some(Arc::new(embedder)))
}

/// The one plain sentence a process says when it goes on without meaning.
pub fn without_meaning(spec: &ModelSpec, why: &anyhow::Error) -> String {
    format!(
        "Working without meaning: the sentence-embedding model {} is not available: {why:#}. \
         Recommendations rank by words, tags, citations and groupings as before; the next \
         start tries again (`paperclub model fetch` tries now; `[embeddings] model = \
         \"none\"` or PAPERCLUB_MODEL=none stops trying).",
        spec.name()
    )
}

/// Gets the model without holding anything up, then keeps the catalog's vectors filled
/// on one thread (the other cores answer requests); `say` tells the operator, once, when
/// the model cannot be had, and, with `say_ready`, when it is ready.
pub fn in_background(
    pool: SqlitePool,
    spec: ModelSpec,
    say: impl Fn(&str) + Send + 'static,
    say_ready: bool,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        match load(&spec, false, Some(1)).await {
            Ok(Some(embedder)) => {
                tracing::info!(model = %spec, id = %embedder.id, "sentence-embedding model ready");
                if say_ready {
                    say(&format!(
                        "The sentence-embedding model {} is ready: recommendations use meaning \
                         as the papers get their vectors.",
                        spec.name()
                    ));
                }
                super::keep_filled(pool, embedder, super::LOOK_EVERY).await;
            }
            Ok(None) => tracing::info!("meaning is off (model = none)"),
            Err(e) => say(&without_meaning(&spec, &e)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[tokio::test]
    async fn a_model_that_cannot_be_had_is_said_once_and_nothing_else_stops() {
        let catalog = crate::catalog::Catalog::open_in_memory().await.unwrap();
        let said = Arc::new(Mutex::new(Vec::<String>::new()));
        let into = Arc::clone(&said);
        let spec = ModelSpec::Folder("/no/such/model/folder".into());
        in_background(
            catalog.pool().clone(),
            spec,
            move |why| {
                into.lock().unwrap().push(why.to_string());
            },
            true,
        )
        .await
        .unwrap();
        let said = said.lock().unwrap();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].starts_with("Working without meaning"),
            "{}",
            said[0]
        );
        assert!(said[0].contains("/no/such/model/folder"), "{}", said[0]);
        assert!(said[0].contains("next start tries again"), "{}", said[0]);
    }

    #[tokio::test]
    async fn none_says_nothing_and_fetches_nothing() {
        assert!(locate(&ModelSpec::Off, false).await.unwrap().is_none());
        assert!(!will_fetch(&ModelSpec::Off));
    }
}
