//! The replies users read, as snapshots: the example catalog imported as `chat` imports it,
//! one chat line per test parsed and dispatched as the REPL does, and the reply rendered as
//! text. A change in wording, a card, a citation or a link shows up here as a diff to review
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test replies` and read the
//! `.snap` files).

use paperclub::catalog::Catalog;
use paperclub::cli::{parse_line, ChatLine};
use paperclub::dispatch::{self, Caller};
use paperclub::ingest::files::collect_files;
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
    let app = paperclub::state::App::new(
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

/// A catalog of one hostile list: markdown in the abstract, authors, venue and a hub
/// summary (stored as the paper's note).
async fn hostile_reply(line: &str) -> String {
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    let files = vec![
        (
            "markdown.bib".to_string(),
            include_bytes!("fixtures/discord/markdown.bib").to_vec(),
        ),
        (
            "markdown-hub.txt".to_string(),
            include_bytes!("fixtures/discord/markdown-hub.txt").to_vec(),
        ),
    ];
    for report in catalog.import_files(Scope::GLOBAL, files, None).await {
        assert!(report.error.is_none(), "{report:?}");
    }
    let ChatLine::Request(request) = parse_line(line) else {
        panic!("{line} is not a request");
    };
    let caller = Caller {
        scope: Scope::GLOBAL,
        user_id: 1,
        roles: Vec::new(),
        instructor: true,
    };
    let app = paperclub::state::App::with_system_clock(catalog);
    let reply = dispatch::handle(&app, &caller, request).await;
    app.catalog.close().await;
    text::render(&reply)
}

#[tokio::test]
async fn markdown_in_a_reading_list_never_renders_in_a_reply() {
    for line in [
        "/paper show paper:mallory2024click",
        "/paper show paper:Phishing at Scale",
        "/paper search query:click",
        "/paper search query:prize",
        "/paper tag tag:markdown",
        "/cite paper:mallory2024click format:apa",
        "/cite paper:mallory2024click format:markdown",
    ] {
        let rendered = hostile_reply(line).await;
        for live in [
            "here](",
            "**Bold**",
            "**summary**",
            "__Underlined__",
            "__Harmful__",
            "||not",
            " `not",
        ] {
            assert!(!rendered.contains(live), "{line}: {live} in\n{rendered}");
        }
    }
    let show = hostile_reply("/paper show paper:mallory2024click").await;
    assert!(
        show.contains(r"\[Click here\](https://evil.example)"),
        "{show}"
    );
    insta::assert_snapshot!("show_escapes_every_text_from_the_list", show);
}

#[tokio::test]
async fn a_bibtex_citation_cannot_close_its_code_block() {
    let bib = "@misc{fence2024,\n  title = {Fences},\n  author = {Mallory, Eve},\n  \
               year = {2024},\n  note = {```\n[Click here](https://evil.example)}\n}\n";
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    let report = catalog
        .import_bytes(Scope::GLOBAL, "fence.bib", bib.as_bytes(), None)
        .await;
    assert!(report.error.is_none(), "{report:?}");
    let caller = Caller {
        scope: Scope::GLOBAL,
        user_id: 1,
        roles: Vec::new(),
        instructor: false,
    };
    let request = dispatch::Request::Cite {
        paper: Some("fence2024".into()),
        papers: None,
        tag: None,
        format: paperclub::cite::CiteFormat::Bibtex,
    };
    let reply = dispatch::handle(
        &paperclub::state::App::with_system_clock(catalog),
        &caller,
        request,
    )
    .await;
    let content = reply.content.unwrap_or_default();
    assert!(content.contains("here](https://evil.example)"), "{content}");
    assert_eq!(content.matches("```").count(), 2, "{content}");
}

#[tokio::test]
async fn an_import_report_quotes_the_file_and_its_warnings_escaped() {
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    let caller = Caller {
        scope: Scope(7),
        user_id: 1,
        roles: Vec::new(),
        instructor: true,
    };
    let bib = "@misc{**loud**,\n  author = {Mallory, Eve},\n  year = {2024}\n}\n";
    let request = dispatch::Request::Import {
        filename: "__week__ [1].bib".into(),
        bytes: bib.as_bytes().to_vec(),
        replace: None,
    };
    let reply = dispatch::handle(
        &paperclub::state::App::with_system_clock(catalog),
        &caller,
        request,
    )
    .await;
    let content = reply.content.unwrap_or_default();
    assert!(content.contains(r"\_\_week\_\_"), "{content}");
    for live in ["__week__", "[1]", "**loud**"] {
        assert!(!content.contains(live), "{live} in {content}");
    }
}
