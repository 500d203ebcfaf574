//! The embedding path on the tiny random model: vectors, storage, and filling what the
//! catalog lacks.

use super::*;
use crate::catalog::Catalog;
use crate::model::Scope;
use crate::store;
use std::sync::Arc;

fn tiny() -> (tempfile::TempDir, Arc<Embedder>) {
    let dir = tempfile::tempdir().unwrap();
    tiny::write(dir.path()).unwrap();
    let e = Embedder::load(dir.path()).unwrap();
    (dir, Arc::new(e))
}

/// [`fill`] of at most `limit` papers, without progress.
async fn fill_quietly(catalog: &Catalog, e: &Arc<Embedder>, limit: usize) -> Filled {
    fill(catalog.pool(), Arc::clone(e), limit, &|_, _| {})
        .await
        .unwrap()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn a_text_gives_one_unit_vector_whatever_else_is_in_its_batch() {
    let (_dir, e) = tiny();
    let short = "graph neural networks";
    let long = "large language models with attention for reasoning and safety alignment";
    let alone = e.embed(&[short]).unwrap();
    let batch = e.embed(&[long, short]).unwrap();
    assert_eq!(batch.len(), 2);
    assert!((dot(&alone[0], &alone[0]) - 1.0).abs() < 1e-4);
    // The short text is padded in the batch; the padding must not move its vector.
    assert!(
        dot(&alone[0], &batch[1]) > 0.9999,
        "{}",
        dot(&alone[0], &batch[1])
    );
    assert!(dot(&batch[0], &batch[1]) < 0.9999);
    assert!(e.embed(&[]).unwrap().is_empty());
}

#[test]
fn a_model_folder_without_a_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    tiny::write(dir.path()).unwrap();
    std::fs::remove_file(dir.path().join("tokenizer.json")).unwrap();
    let err = Embedder::load(dir.path()).err().unwrap().to_string();
    assert!(err.contains("tokenizer.json"), "{err}");
    std::fs::write(dir.path().join("config.json"), "{\"hidden_size\": 3}").unwrap();
    std::fs::write(dir.path().join("tokenizer.json"), "{}").unwrap();
    let err = format!("{:#}", Embedder::load(dir.path()).err().unwrap());
    assert!(err.contains("config.json"), "{err}");
}

#[test]
fn vectors_survive_the_blob_format() {
    let v = vec![0.25f32, -1.5, 3.0e-7];
    assert_eq!(from_blob(&to_blob(&v)), Some(v));
    assert_eq!(from_blob(&[1, 2, 3]), None);
    assert_eq!(from_blob(&[]), None);
    assert_eq!(from_blob(&to_blob(&[1.0, f32::NAN])), None);
    assert_eq!(from_blob(&to_blob(&[f32::INFINITY])), None);
}

const BIB: &str = r#"
@article{jumper2021,
  title = {Highly accurate protein structure prediction with AlphaFold},
  author = {Jumper, John and Evans, Richard},
  year = {2021},
  abstract = {Proteins are essential to life; we predict protein folding.}
}
@inproceedings{vaswani2017,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish},
  year = {2017},
  abstract = {The transformer, a network based solely on attention.}
}
@article{kaplan2020,
  title = {Scaling Laws for Neural Language Models},
  author = {Kaplan, Jared},
  year = {2020}
}
"#;

async fn stored(catalog: &Catalog) -> Vec<(i64, Vec<u8>)> {
    store::embeddings::vectors(&mut catalog.pool().acquire().await.unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn filling_computes_each_missing_vector_once_and_again_only_when_the_text_changes() {
    let (_dir, e) = tiny();
    let catalog = Catalog::open_in_memory().await.unwrap();
    let r = catalog
        .import_bytes(Scope::GLOBAL, "readings.bib", BIB.as_bytes(), None)
        .await;
    assert!(r.error.is_none(), "{:?}", r.error);
    let generation = |c: &Catalog| {
        let pool = c.pool().clone();
        async move {
            store::changes::current(&mut pool.acquire().await.unwrap())
                .await
                .unwrap()
        }
    };
    let before = generation(&catalog).await;
    let calls = std::sync::Mutex::new(Vec::new());
    let progress = |done: usize, todo: usize| calls.lock().unwrap().push((done, todo));
    let first = fill(catalog.pool(), Arc::clone(&e), usize::MAX, &progress)
        .await
        .unwrap();
    assert_eq!(
        first,
        Filled {
            embedded: 3,
            papers: 3,
            left: 0,
            failed: 0
        }
    );
    assert_eq!(calls.lock().unwrap().last(), Some(&(3, 3)));
    // The generation moved, so recommendation snapshots load the new vectors.
    assert!(generation(&catalog).await > before);
    let vectors = stored(&catalog).await;
    assert_eq!(vectors.len(), 3);
    assert!(vectors
        .iter()
        .all(|(_, v)| from_blob(v).is_some_and(|v| v.len() == 16)));

    let again = fill_quietly(&catalog, &e, usize::MAX).await;
    assert_eq!(again.embedded, 0, "nothing changed, nothing is recomputed");

    let edited = BIB.replace(
        "a network based solely on attention",
        "a network based solely on attention, with no recurrence and no convolutions",
    );
    let r = catalog
        .import_bytes(Scope::GLOBAL, "readings.bib", edited.as_bytes(), None)
        .await;
    assert!(r.error.is_none(), "{:?}", r.error);
    let after_edit = fill_quietly(&catalog, &e, usize::MAX).await;
    assert_eq!(after_edit.embedded, 1, "only the edited abstract");
    let changed: Vec<i64> = stored(&catalog)
        .await
        .into_iter()
        .zip(&vectors)
        .filter(|(new, old)| new != *old)
        .map(|(new, _)| new.0)
        .collect();
    assert_eq!(changed.len(), 1);
}

#[tokio::test]
async fn a_pass_stops_at_its_limit_and_the_next_one_does_the_rest() {
    let (_dir, e) = tiny();
    let catalog = Catalog::open_in_memory().await.unwrap();
    catalog
        .import_bytes(Scope::GLOBAL, "readings.bib", BIB.as_bytes(), None)
        .await;
    let first = fill_quietly(&catalog, &e, 2).await;
    assert_eq!((first.embedded, first.left), (2, 1));
    let rest = fill_quietly(&catalog, &e, 2).await;
    assert_eq!((rest.embedded, rest.left), (1, 0));
}

#[tokio::test]
async fn another_models_vectors_are_kept_apart() {
    let (_dir, e) = tiny();
    let (_dir2, other) = tiny();
    assert_ne!(
        e.id, other.id,
        "two random models have different weights files"
    );
    let catalog = Catalog::open_in_memory().await.unwrap();
    catalog
        .import_bytes(Scope::GLOBAL, "readings.bib", BIB.as_bytes(), None)
        .await;
    fill_quietly(&catalog, &e, usize::MAX).await;
    let second = fill_quietly(&catalog, &other, usize::MAX).await;
    assert_eq!(second.embedded, 3);
    // Both sets are kept: a process with the first model finds nothing to redo.
    let again = fill_quietly(&catalog, &e, usize::MAX).await;
    assert_eq!(again.embedded, 0);
    let models: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT model FROM embeddings ORDER BY model")
            .fetch_all(catalog.pool())
            .await
            .unwrap();
    assert_eq!(models.len(), 2);
}

#[tokio::test]
async fn the_background_filler_catches_up_after_each_import() {
    let (_dir, e) = tiny();
    let catalog = Catalog::open_in_memory().await.unwrap();
    let filler = tokio::spawn(keep_filled(
        catalog.pool().clone(),
        Arc::clone(&e),
        std::time::Duration::from_millis(20),
    ));
    let wait_for = |n: usize| {
        let catalog = &catalog;
        async move {
            // Bounded: a filler that never catches up fails the test, not hangs it.
            for _ in 0..1000 {
                if stored(catalog).await.len() == n {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            panic!("{} vectors, {n} expected", stored(catalog).await.len());
        }
    };
    catalog
        .import_bytes(Scope::GLOBAL, "readings.bib", BIB.as_bytes(), None)
        .await;
    wait_for(3).await;
    let more = "@article{hinton2015,\n  title = {Distilling the Knowledge in a Neural Network},\n  author = {Hinton, Geoffrey},\n  year = {2015}\n}\n";
    catalog
        .import_bytes(Scope::GLOBAL, "more.bib", more.as_bytes(), None)
        .await;
    wait_for(4).await;
    filler.abort();
}
