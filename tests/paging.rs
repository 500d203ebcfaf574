//! Costs that follow the page, not the catalog: `/paper tag` pages a big tag in SQL, and
//! `/cite` checks its 200-paper limit before it loads or looks up anything. (What that
//! saves is a speed question for the benchmarks; these tests pin the behaviour.)

use paperclub::catalog::Catalog;
use paperclub::cite::CiteFormat;
use paperclub::dispatch::{self, Caller, Request};
use paperclub::model::Scope;
use paperclub::state::App;
use paperclub::view::text;

const CALLER: Caller = Caller {
    scope: Scope::GLOBAL,
    user_id: 1,
    roles: Vec::new(),
    instructor: false,
};

/// `n` papers, every one tagged `big` (the example generator's own tags kept too).
async fn big_tag(n: usize) -> App {
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
    App::with_system_clock(catalog)
}

async fn ask(catalog: &App, request: Request) -> String {
    text::render(&dispatch::handle(catalog, &CALLER, request).await)
}

#[tokio::test]
async fn a_page_of_a_big_tag_costs_a_page() {
    let catalog = big_tag(3_000).await;
    let first = ask(
        &catalog,
        Request::Tag {
            tag: "big".into(),
            page: 0,
        },
    )
    .await;
    assert!(first.contains("3000 papers"), "{first}");
    assert!(first.contains("page 1 of 300"), "{first}");
    let last = ask(
        &catalog,
        Request::Tag {
            tag: "big".into(),
            page: 999,
        },
    )
    .await;
    assert!(last.contains("page 300 of 300"), "{last}");
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
    let reply = ask(&catalog, cite_tag).await;
    assert!(
        reply.contains("That is 3000 papers; cite at most 200"),
        "{reply}"
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
    let reply = ask(&catalog, request).await;
    assert!(
        reply.contains("That is 250 papers; cite at most 200"),
        "{reply}"
    );
}

#[tokio::test]
async fn a_list_of_keys_is_cited_in_the_order_given_whatever_their_case() {
    let catalog = big_tag(30).await;
    let all = catalog.catalog.by_tag(Scope::GLOBAL, "big").await.unwrap();
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
