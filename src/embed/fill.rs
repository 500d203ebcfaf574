//! Computing the vectors the catalog lacks: every paper with a source whose vector is
//! missing, of another model, or of an older text. Batches are committed one by one, so a
//! stop (or a crash) loses at most the batch under way and the next run goes on from
//! there; two processes filling at once only repeat work, since a vector depends on the
//! text and the model alone (each model's vectors are kept apart). The catalog's generation
//! moves every [`REFRESH_EVERY`] papers and at the end, so recommendation snapshots pick
//! the new vectors up. A move also makes every process reload its search reader and drop
//! its caches, and the index writer's holder commit an empty change: cheap once per 1,000
//! papers, which is why it is not done per batch. A process killed between two moves
//! leaves its last vectors unannounced until the next change of the catalog.

use super::{fnv1a, to_blob, Embedder};
use crate::store;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::Arc;

/// Papers per model call: long enough to use the matrix kernels, short enough that a stop
/// loses little.
const BATCH: usize = 16;
/// Papers between two generation moves.
const REFRESH_EVERY: usize = 1000;

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filled {
    /// Vectors computed.
    pub embedded: usize,
    /// Papers that have a source.
    pub papers: usize,
    /// Papers still without a vector because this pass stopped at its limit.
    pub left: usize,
    /// Texts the model refused (logged and skipped; tried again at the next pass).
    pub failed: usize,
}

/// Computes and stores the missing vectors, at most `limit` of them;
/// `progress(done, todo)` after each batch.
pub async fn fill(
    pool: &SqlitePool,
    embedder: Arc<Embedder>,
    limit: usize,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> anyhow::Result<Filled> {
    let (papers, have) = {
        let mut conn = pool.acquire().await?;
        let papers = store::recommend::papers(&mut conn).await?;
        let have: HashMap<i64, i64> = store::embeddings::hashes(&mut conn, &embedder.id)
            .await?
            .into_iter()
            .collect();
        (papers, have)
    };
    let total = papers.len();
    let mut todo: Vec<(i64, i64, String)> = papers
        .into_iter()
        .filter_map(|p| {
            let text = p.text();
            // Stored as SQLite's signed integer; the bits are what matter.
            let hash = fnv1a(&[text.as_bytes()]) as i64;
            (have.get(&p.id) != Some(&hash)).then_some((p.id, hash, text))
        })
        .collect();
    // Similar lengths in a batch: less padding for the model to run over.
    todo.sort_by_key(|(_, _, text)| text.len());
    let left = todo.len().saturating_sub(limit);
    todo.truncate(limit);
    let (mut done, mut failed, mut since_refresh) = (0, 0, 0);
    for (i, batch) in todo.chunks(BATCH).enumerate() {
        let vectors = embed_batch(&embedder, batch).await?;
        let rows: Vec<(i64, i64, Vec<u8>)> = batch
            .iter()
            .zip(&vectors)
            .filter_map(|((id, hash, _), v)| Some((*id, *hash, to_blob(v.as_ref()?))))
            .collect();
        failed += batch.len() - rows.len();
        done += rows.len();
        since_refresh += rows.len();
        let last = (i + 1) * BATCH >= todo.len();
        let refresh = since_refresh > 0 && (since_refresh >= REFRESH_EVERY || last);
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        store::embeddings::put(&mut tx, &embedder.id, &rows).await?;
        if refresh {
            store::changes::append(&mut tx, &[]).await?;
            since_refresh = 0;
        }
        tx.commit().await?;
        crate::fault::kill_at(crate::fault::AFTER_EMBED_BATCH);
        progress(done + failed, todo.len());
    }
    Ok(Filled {
        embedded: done,
        papers: total,
        left,
        failed,
    })
}

/// One vector per text of `batch`; when the model refuses the batch, each text alone, so
/// one text it cannot read (logged) never holds back the others.
async fn embed_batch(
    embedder: &Arc<Embedder>,
    batch: &[(i64, i64, String)],
) -> anyhow::Result<Vec<Option<Vec<f32>>>> {
    let texts: Vec<String> = batch.iter().map(|(_, _, t)| t.clone()).collect();
    let model = Arc::clone(embedder);
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        if let Ok(all) = model.embed(&refs) {
            return all.into_iter().map(Some).collect();
        }
        refs.iter()
            .map(|text| match model.embed(&[text]) {
                Ok(mut one) => one.pop(),
                Err(e) => {
                    tracing::warn!(error = %e, chars = text.len(), "the model refused a paper's text");
                    None
                }
            })
            .collect()
    })
    .await
    .map_err(anyhow::Error::from)
}

/// How often a bot looks for papers without vectors (another process's import included).
pub const LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Keeps the catalog's vectors filled for as long as the process runs: a pass now, then
/// one after each change of the catalog, looked for `every` so often. A pass stops after
/// [`REFRESH_EVERY`] papers and the next one plans again, so papers imported during a
/// long first fill (hours at 100k papers) wait for one pass, not for the whole fill. A
/// failed pass is logged and tried again after the next change.
pub async fn keep_filled(pool: SqlitePool, embedder: Arc<Embedder>, every: std::time::Duration) {
    let mut seen = None;
    let mut more = false;
    loop {
        let generation = match pool.acquire().await {
            Ok(mut conn) => store::changes::current(&mut conn).await.ok(),
            Err(_) => None,
        };
        if generation.is_some() && (generation != seen || more) {
            // Taken before the pass: a change that lands during it is seen next time. The
            // pass's own move of the generation costs one more pass that finds nothing.
            seen = generation;
            let started = std::time::Instant::now();
            more = false;
            match fill(&pool, Arc::clone(&embedder), REFRESH_EVERY, &|_, _| {}).await {
                Ok(f) => {
                    more = f.left > 0;
                    if f.embedded + f.failed > 0 {
                        tracing::info!(
                            embedded = f.embedded,
                            failed = f.failed,
                            left = f.left,
                            papers = f.papers,
                            secs = started.elapsed().as_secs(),
                            "embedding vectors computed"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "computing embedding vectors failed"),
            }
            if more {
                continue;
            }
        }
        tokio::time::sleep(every).await;
    }
}
