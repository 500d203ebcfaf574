//! Costs that follow the page, not the catalog: `/paper tag` loads one page of a big tag,
//! and `/cite` checks its 200-paper limit before it loads or looks up anything.

use paperclub::catalog::Catalog;
use paperclub::cite::CiteFormat;
use paperclub::dispatch::{self, Caller, Request};
use paperclub::model::Scope;
use paperclub::view::text;
use std::time::{Duration, Instant};

const CALLER: Caller = Caller {
    scope: Scope::GLOBAL,
    user_id: 1,
    instructor: false,
};

/// `n` papers, every one tagged `big` (the example generator's own tags kept too).
async fn big_tag(n: usize) -> Catalog {
    let mut papers = paperclub::bench::synth::papers(n, 7);
    for p in &mut papers {
        p.tags.push("big".into());
    }
    let bib = paperclub::bench::synth::to_bibtex(&papers);
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    let report = catalog
        .import_bytes(Scope::GLOBAL, "big.bib", bib.as_bytes(), None)
        .await;
    assert!(report.error.is_none(), "{report:?}");
    catalog
}

async fn timed(catalog: &Catalog, request: Request) -> (String, Duration) {
    let started = Instant::now();
    let reply = dispatch::handle(catalog, &CALLER, request).await;
    (text::render(&reply), started.elapsed())
}

#[tokio::test]
async fn a_page_of_a_big_tag_costs_a_page() {
    let catalog = big_tag(3_000).await;
    let (first, _) = timed(
        &catalog,
        Request::Tag {
            tag: "big".into(),
            page: 0,
        },
    )
    .await;
    assert!(first.contains("3000 papers"), "{first}");
    assert!(first.contains("page 1 of 300"), "{first}");
    let (last, _) = timed(
        &catalog,
        Request::Tag {
            tag: "big".into(),
            page: 999,
        },
    )
    .await;
    assert!(last.contains("page 300 of 300"), "{last}");
    // Loading the 3,000 papers takes far longer than one page of 10, even in a debug
    // build; the best of three runs keeps a busy machine from deciding the result.
    let mut page = Duration::MAX;
    for _ in 0..3 {
        let (_, took) = timed(
            &catalog,
            Request::Tag {
                tag: "big".into(),
                page: 5,
            },
        )
        .await;
        page = page.min(took);
    }
    let started = Instant::now();
    let all = catalog.by_tag(Scope::GLOBAL, "big").await.unwrap();
    let everything = started.elapsed();
    assert_eq!(all.len(), 3_000);
    assert!(
        page * 5 < everything,
        "one page {page:?}, every paper {everything:?}"
    );
}

#[tokio::test]
async fn citing_a_tag_over_the_limit_is_refused_before_its_papers_are_loaded() {
    let catalog = big_tag(3_000).await;
    let cite_tag = Request::Cite {
        paper: None,
        papers: None,
        tag: Some("big".into()),
        format: CiteFormat::Bibtex,
    };
    let mut refused_in = Duration::MAX;
    for _ in 0..3 {
        let (reply, took) = timed(&catalog, cite_tag.clone()).await;
        assert!(
            reply.contains("That is 3000 papers; cite at most 200"),
            "{reply}"
        );
        refused_in = refused_in.min(took);
    }
    let started = Instant::now();
    catalog.by_tag(Scope::GLOBAL, "big").await.unwrap();
    let loading = started.elapsed();
    assert!(
        refused_in * 5 < loading,
        "refused in {refused_in:?}, loading takes {loading:?}"
    );
}

#[tokio::test]
async fn a_list_of_more_than_200_ids_is_refused_before_any_is_looked_up() {
    let catalog = big_tag(10).await;
    let keys: Vec<String> = (0..250).map(|i| format!("nosuchkey{i}")).collect();
    let request = Request::Cite {
        paper: None,
        papers: Some(keys.join(" ")),
        tag: None,
        format: CiteFormat::Bibtex,
    };
    let (reply, _) = timed(&catalog, request).await;
    assert!(
        reply.contains("That is 250 papers; cite at most 200"),
        "{reply}"
    );
}

#[tokio::test]
async fn a_list_of_keys_is_cited_in_the_order_given_whatever_their_case() {
    let catalog = big_tag(30).await;
    let all = catalog.by_tag(Scope::GLOBAL, "big").await.unwrap();
    let keys: Vec<String> = all.iter().rev().map(|p| p.key.to_uppercase()).collect();
    let request = Request::Cite {
        paper: None,
        papers: Some(format!("{} {}", keys.join(", "), keys[0])),
        tag: None,
        format: CiteFormat::Bibtex,
    };
    let reply = dispatch::handle(&catalog, &CALLER, request).await;
    let file = String::from_utf8(reply.attachments[0].bytes.clone()).unwrap();
    let cited: Vec<&str> = file
        .lines()
        .filter_map(|l| l.strip_prefix('@')?.split_once('{')?.1.strip_suffix(','))
        .collect();
    let want: Vec<&str> = all.iter().rev().map(|p| p.key.as_str()).collect();
    assert_eq!(cited, want);
}
