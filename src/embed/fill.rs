//! Computing the vectors the catalog lacks: every paper with a source whose vector is
//! missing, of another model, or of an older text. Batches are committed one by one, so a
//! stop (or a crash) loses at most the batch under way and the next run goes on from
//! there; two processes filling at once only repeat work, since a vector depends on the
//! text and the model alone. The catalog's generation moves every [`REFRESH_EVERY`] papers
//! and at the end, so recommendation snapshots pick the new vectors up.

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
}

/// Computes and stores the missing vectors; `progress(done, todo)` after each batch.
pub async fn fill(
    pool: &SqlitePool,
    embedder: Arc<Embedder>,
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
    let mut done = 0;
    let mut since_refresh = 0;
    for batch in todo.chunks(BATCH) {
        let texts: Vec<String> = batch.iter().map(|(_, _, t)| t.clone()).collect();
        let model = Arc::clone(&embedder);
        let vectors = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            model.embed(&refs)
        })
        .await??;
        let rows: Vec<(i64, i64, Vec<u8>)> = batch
            .iter()
            .zip(&vectors)
            .map(|((id, hash, _), v)| (*id, *hash, to_blob(v)))
            .collect();
        done += rows.len();
        since_refresh += rows.len();
        let refresh = since_refresh >= REFRESH_EVERY || done == todo.len();
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        store::embeddings::put(&mut tx, &embedder.id, &rows).await?;
        if refresh {
            store::changes::append(&mut tx, &[]).await?;
            since_refresh = 0;
        }
        tx.commit().await?;
        crate::fault::kill_at(crate::fault::AFTER_EMBED_BATCH);
        progress(done, todo.len());
    }
    Ok(Filled {
        embedded: done,
        papers: total,
    })
}

/// How often a bot looks for papers without vectors (another process's import included).
pub const LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Keeps the catalog's vectors filled for as long as the process runs: a pass now, then
/// one after each change of the catalog, looked for `every` so often. A failed pass is
/// logged and tried again later.
pub async fn keep_filled(pool: SqlitePool, embedder: Arc<Embedder>, every: std::time::Duration) {
    let mut seen = None;
    loop {
        let generation = match pool.acquire().await {
            Ok(mut conn) => store::changes::current(&mut conn).await.ok(),
            Err(_) => None,
        };
        if generation.is_some() && generation != seen {
            let started = std::time::Instant::now();
            match fill(&pool, Arc::clone(&embedder), &|_, _| {}).await {
                Ok(f) => {
                    if f.embedded > 0 {
                        tracing::info!(
                            embedded = f.embedded,
                            papers = f.papers,
                            secs = started.elapsed().as_secs(),
                            "embedding vectors computed"
                        );
                    }
                    // Our own last commit moved the generation; what we saw is that one.
                    seen = match pool.acquire().await {
                        Ok(mut conn) => store::changes::current(&mut conn).await.ok(),
                        Err(_) => None,
                    };
                }
                Err(e) => tracing::warn!(error = %e, "computing embedding vectors failed"),
            }
        }
        tokio::time::sleep(every).await;
    }
}
