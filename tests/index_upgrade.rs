//! A data folder from before the change log: its index records no generation, so the next
//! start cannot tell what it lacks and rebuilds it from SQLite.

use paperclub::catalog::Catalog;
use paperclub::model::Scope;

const ADAM: &[u8] = include_bytes!("fixtures/processes/adam.bib");

#[tokio::test]
async fn an_index_that_records_no_generation_is_rebuilt_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::open(dir.path()).await.unwrap();
    let report = catalog
        .import_bytes(Scope::GLOBAL, "adam.bib", ADAM, None)
        .await;
    assert!(
        report.error.is_none() && report.not_searchable.is_none(),
        "{report:?}"
    );
    catalog.close().await;
    drop(catalog);

    // What an older paperclub left behind: an index whose last commit has no payload
    // (emptied here, so only a rebuild can find the paper again).
    let index = tantivy::Index::open_in_dir(dir.path().join("index")).unwrap();
    let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    writer.delete_all_documents().unwrap();
    writer.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    assert_eq!(index.load_metas().unwrap().payload, None);

    let catalog = Catalog::open(dir.path()).await.unwrap();
    let stats = catalog.stats(Scope::GLOBAL).await.unwrap();
    assert_eq!(stats.index_generation, Some(stats.generation), "{stats:?}");
    assert_eq!(stats.index_behind, 0);
    let hits = catalog
        .search(Scope::GLOBAL, "stochastic optimization", &[], None, 5)
        .await
        .unwrap();
    assert_eq!(
        hits.first().map(|h| h.paper.key.as_str()),
        Some("kingma2015adam")
    );
}
