//! Searching with what people paste: arXiv ids and links, DOIs and `doi.org` links put their
//! paper first in the catalog, in `/paper search` and in the `paper` autocomplete, while the
//! words around an identifier still search as text.

use paperclub::catalog::Catalog;
use paperclub::dispatch::{self, complete_paper, Caller, Request};
use paperclub::model::Scope;
use paperclub::view::text;

const PREPRINTS: &str = include_str!("fixtures/search/preprints.bib");

async fn preprints() -> Catalog {
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    let report = catalog
        .import_bytes(Scope::GLOBAL, "preprints.bib", PREPRINTS.as_bytes(), None)
        .await;
    assert!(report.error.is_none(), "{report:?}");
    catalog
}

async fn keys(catalog: &Catalog, text: &str) -> Vec<String> {
    let results = catalog
        .search(Scope::GLOBAL, text, &[], None, 10)
        .await
        .expect("search");
    results.into_iter().map(|r| r.paper.key).collect()
}

#[tokio::test]
async fn a_pasted_arxiv_id_or_link_finds_exactly_its_paper() {
    let catalog = preprints().await;
    for (text, key) in [
        ("2203.15556", "hoffmann2022training"),
        ("arXiv:2001.08361", "kaplan2020scaling"),
        ("arXiv: 2001.08361", "kaplan2020scaling"),
        ("https://arxiv.org/abs/2001.08361v2", "kaplan2020scaling"),
        (
            "https://arxiv.org/pdf/2203.15556.pdf",
            "hoffmann2022training",
        ),
        ("<https://arxiv.org/abs/2302.13971>", "touvron2023llama"),
    ] {
        assert_eq!(keys(&catalog, text).await, vec![key], "{text}");
    }
}

#[tokio::test]
async fn a_pasted_doi_or_doi_link_finds_exactly_its_paper() {
    let catalog = preprints().await;
    for text in [
        "10.1162/neco.1997.9.8.1735",
        "doi:10.1162/NECO.1997.9.8.1735",
        "https://doi.org/10.1162/neco.1997.9.8.1735",
        "http://dx.doi.org/10.1162/neco.1997.9.8.1735",
    ] {
        assert_eq!(
            keys(&catalog, text).await,
            vec!["hochreiter1997long"],
            "{text}"
        );
    }
}

#[tokio::test]
async fn an_identifier_of_a_paper_not_in_the_catalog_finds_nothing_rather_than_any_preprint() {
    let catalog = preprints().await;
    assert_eq!(
        keys(&catalog, "arXiv:1706.03762").await,
        Vec::<String>::new()
    );
    assert_eq!(
        keys(&catalog, "https://doi.org/10.1145/3442188.3445922").await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn words_around_an_identifier_still_search_as_text_after_its_paper() {
    let catalog = preprints().await;
    let found = keys(&catalog, "2203.15556 few-shot learners").await;
    assert_eq!(
        found.first().map(String::as_str),
        Some("hoffmann2022training")
    );
    assert!(
        found.contains(&"brown2020language".to_string()),
        "{found:?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|k| *k == "hoffmann2022training")
            .count(),
        1
    );
    // The paper named is not repeated when the words find it too.
    let found = keys(&catalog, "compute optimal arXiv:2203.15556").await;
    assert_eq!(
        found.first().map(String::as_str),
        Some("hoffmann2022training")
    );
    assert_eq!(
        found
            .iter()
            .filter(|k| *k == "hoffmann2022training")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_tag_or_year_filter_still_applies_to_a_pasted_identifier() {
    let catalog = preprints().await;
    let in_1997 = catalog
        .search(
            Scope::GLOBAL,
            "10.1162/neco.1997.9.8.1735",
            &[],
            Some(1997),
            10,
        )
        .await
        .unwrap();
    assert_eq!(in_1997.len(), 1);
    let in_2020 = catalog
        .search(
            Scope::GLOBAL,
            "10.1162/neco.1997.9.8.1735",
            &[],
            Some(2020),
            10,
        )
        .await
        .unwrap();
    assert!(in_2020.is_empty());
}

#[tokio::test]
async fn paper_search_in_discord_shows_the_pasted_paper_first() {
    let catalog = preprints().await;
    let caller = Caller {
        scope: Scope::GLOBAL,
        user_id: 1,
        roles: Vec::new(),
        instructor: false,
    };
    let request = Request::Search {
        query: "https://arxiv.org/abs/2001.08361v2".into(),
        tag: None,
        limit: None,
        page: 0,
    };
    let reply = dispatch::handle(
        &paperclub::state::App::with_system_clock(catalog),
        &caller,
        request,
    )
    .await;
    let rendered = text::render(&reply);
    assert!(rendered.starts_with("**1** result for"), "{rendered}");
    assert_eq!(
        reply.embeds[0].title.as_deref(),
        Some("Scaling Laws for Neural Language Models"),
        "{rendered}"
    );
}

#[tokio::test]
async fn the_paper_autocomplete_offers_the_pasted_paper_first() {
    let catalog = preprints().await;
    for text in [
        "2302.13971",
        "https://arxiv.org/pdf/2302.13971.pdf",
        "arXiv:2302.13971 llama",
    ] {
        let choices = complete_paper(&catalog, Scope::GLOBAL, text).await;
        assert_eq!(
            choices.first().map(|c| c.value.as_str()),
            Some("touvron2023llama"),
            "{text}: {choices:?}"
        );
    }
    let choices = complete_paper(&catalog, Scope::GLOBAL, "10.1038/nature14539").await;
    let values: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, vec!["lecun2015deep"]);
}

#[tokio::test]
async fn another_guilds_import_is_not_found_by_its_identifier() {
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    let guild_a = Scope(1);
    let report = catalog
        .import_bytes(guild_a, "preprints.bib", PREPRINTS.as_bytes(), None)
        .await;
    assert!(report.error.is_none(), "{report:?}");
    let in_a = catalog.search(guild_a, "2203.15556", &[], None, 10).await;
    assert_eq!(in_a.unwrap().len(), 1);
    let in_b = catalog.search(Scope(2), "2203.15556", &[], None, 10).await;
    assert!(in_b.unwrap().is_empty());
}
