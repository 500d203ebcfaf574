//! The replies users read, as snapshots: the example catalog imported as `chat` imports it,
//! one chat line per test parsed and dispatched as the REPL does, and the reply rendered as
//! text. A change in wording, a card, a citation or a link shows up here as a diff to review
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test replies` and read the
//! `.snap` files).

use paperclub::catalog::Catalog;
use paperclub::cli::{collect_files, parse_line, ChatLine};
use paperclub::dispatch::{self, Caller};
use paperclub::model::Scope;
use paperclub::view::text;

/// A fresh in-memory catalog holding the repository's example catalog, imported under the
/// files' full paths as `chat` does (so a leaked path would show in the snapshots).
async fn example_catalog() -> Catalog {
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    let files = collect_files(&[paperclub::app::examples_dir()]).expect("examples");
    assert!(!files.is_empty(), "no example files found");
    let contents = files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).expect("read example");
            (f.display().to_string(), bytes)
        })
        .collect();
    for report in catalog.import_files(Scope::GLOBAL, contents, None).await {
        assert!(report.error.is_none(), "{report:?}");
    }
    catalog
}

/// What the chat REPL prints for `line`, typed by an instructor in the global catalog.
async fn reply(line: &str) -> String {
    let ChatLine::Request(request) = parse_line(line) else {
        panic!("{line} is not a request: {:?}", parse_line(line));
    };
    let caller = Caller {
        scope: Scope::GLOBAL,
        user_id: 1,
        roles: Vec::new(),
        instructor: true,
    };
    let catalog = std::sync::Arc::new(example_catalog().await);
    let app = paperclub::app::App::new(
        catalog.clone(),
        std::sync::Arc::new(paperclub::clock::SystemClock),
    );
    let reply = dispatch::handle(&app, &caller, request).await;
    catalog.close().await;
    text::render(&reply)
}

/// One snapshot per chat line; the line itself is the snapshot's description.
macro_rules! replies {
    ($($name:ident: $line:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            let rendered = reply($line).await;
            insta::with_settings!({ description => $line, omit_expression => true }, {
                insta::assert_snapshot!(stringify!($name), rendered);
            });
        }
    )*};
}

replies! {
    help_lists_every_command: "/help";
    search_with_bare_words: "/paper search scaling laws";
    search_with_tag_and_limit: "/paper search query:attention tag:Architectures limit:3";
    tag_in_any_spelling: "/paper tag tag:scaling-laws";
    show_by_arxiv_id: "/paper show paper:2001.08361";
    tags_with_counts: "/tags";
    cite_bibtex_by_default: "/cite paper:2001.08361";
    cite_apa: "/cite paper:2001.08361 format:apa";
    cite_ieee_by_key: "/cite paper:vaswani2017attention format:ieee";
    cite_several_papers_as_a_file: "/cite papers:\"kaplan2020scaling hoffmann2022training\"";
    show_unknown_paper: "/paper show paper:nothing like this exists";
    search_without_words: "/paper search query:";
}
