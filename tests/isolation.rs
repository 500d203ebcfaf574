//! A guild can never change what another guild sees: guild A imports its own record of a
//! paper the global catalog has (other authors, abstract, key, tags), and every reply the
//! global catalog and guild B get — show, search, tag, tags, cite in every format,
//! autocomplete and key lookup — stays byte for byte what it was, while guild A sees its
//! own merged view.

use paperclub::catalog::{Catalog, Resolved};
use paperclub::cite::CiteFormat;
use paperclub::cli::{parse_line, ChatLine};
use paperclub::dispatch::{self, complete_paper, complete_tag, Caller};
use paperclub::ingest::files::collect_files;
use paperclub::model::Scope;
use paperclub::state::App;
use paperclub::view::Reply;
use std::sync::Arc;

const CONFLICT: &str = include_str!("fixtures/isolation/guild-a-conflict.bib");
const GUILD_B: &str = include_str!("fixtures/isolation/guild-b.bib");
const GUILD_FIRST: &str = include_str!("fixtures/isolation/guild-first.bib");
const GLOBAL_LATER: &str = include_str!("fixtures/isolation/global-later.bib");

const A: Scope = Scope(111);
const B: Scope = Scope(222);

/// The example catalog, imported globally as `chat` imports it.
async fn example_app() -> App {
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    let files = collect_files(&[paperclub::app::examples_dir()]).expect("examples");
    let contents = files
        .iter()
        .map(|f| {
            (
                f.display().to_string(),
                std::fs::read(f).expect("read example"),
            )
        })
        .collect();
    for report in catalog.import_files(Scope::GLOBAL, contents, None).await {
        assert!(report.error.is_none(), "{report:?}");
    }
    App::new(Arc::new(catalog), Arc::new(paperclub::clock::SystemClock))
}

async fn import(app: &App, scope: Scope, name: &str, text: &str) {
    let report = app
        .catalog
        .import_bytes(scope, name, text.as_bytes(), None)
        .await;
    assert!(report.error.is_none(), "{name}: {report:?}");
    assert!(report.not_searchable.is_none(), "{name}: {report:?}");
}

async fn reply(app: &App, scope: Scope, line: &str) -> Reply {
    let ChatLine::Request(request) = parse_line(line) else {
        panic!("{line} is not a request");
    };
    let caller = Caller {
        scope,
        user_id: 1,
        roles: Vec::new(),
        instructor: true,
    };
    dispatch::handle(app, &caller, request).await
}

/// Everything a member of `scope` can ask about the papers guild A's file names, as the
/// replies and choices they get.
async fn everything(app: &App, scope: Scope) -> Vec<String> {
    let mut lines: Vec<String> = [
        "/paper show paper:2001.08361",
        "/paper show paper:kaplan2020scaling",
        "/paper show paper:evilkey",
        "/paper show paper:Scaling Laws for Neural Language Models",
        "/paper search scaling laws",
        "/paper search query:power-law compute",
        "/paper search query:mallory",
        "/paper search query:secret sauce",
        "/paper search query:scaling tag:Scaling Laws",
        "/paper search query: tag:secret-sauce",
        "/paper tag tag:scaling-laws",
        "/paper tag tag:secret-sauce",
        "/tags",
        "/cite papers:\"kaplan2020scaling evilkey\"",
        "/cite tag:Scaling Laws",
    ]
    .map(String::from)
    .to_vec();
    for format in CiteFormat::ALL {
        lines.push(format!("/cite paper:2001.08361 format:{}", format.name()));
    }
    let mut out = Vec::new();
    for line in &lines {
        out.push(format!("{line}\n{:?}", reply(app, scope, line).await));
    }
    for partial in ["kap", "evil", "2001.08361", "scaling", "mallory", ""] {
        let choices = complete_paper(&app.catalog, scope, partial).await;
        out.push(format!("paper {partial:?}: {choices:?}"));
    }
    for partial in ["s", "secret", "scal", ""] {
        let choices = complete_tag(&app.catalog, scope, partial).await;
        out.push(format!("tag {partial:?}: {choices:?}"));
    }
    for key in ["evilkey", "EvilKey", "kaplan2020scaling", "kaplanweekone"] {
        let found = app.catalog.resolve(scope, key).await.expect("resolve");
        out.push(format!("resolve {key}: {found:?}"));
    }
    let many = app
        .catalog
        .resolve_many(scope, &["evilkey", "kaplan2020scaling"])
        .await
        .expect("resolve many");
    out.push(format!("resolve many: {many:?}"));
    out
}

fn assert_same(before: &[String], after: &[String], who: &str) {
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(after) {
        assert_eq!(b, a, "{who} changed");
    }
}

#[tokio::test]
async fn a_guilds_conflicting_record_changes_nothing_the_global_catalog_or_another_guild_sees() {
    let app = example_app().await;
    import(&app, B, "discord:guild-b.bib", GUILD_B).await;
    let global_before = everything(&app, Scope::GLOBAL).await;
    let b_before = everything(&app, B).await;
    // What is compared is what users get, not a uniform failure.
    for before in [&global_before, &b_before] {
        let said = |prefix: &str| before.iter().find(|l| l.starts_with(prefix)).unwrap();
        assert!(
            said("paper \"kap\"").contains("kaplan2020scaling"),
            "{before:#?}"
        );
        assert!(said("paper \"2001.08361\"").contains("kaplan2020scaling"));
        assert!(said("tag \"scal\"").contains("Scaling Laws"));
        assert!(said("resolve kaplan2020scaling").contains("One("));
        assert!(said("/paper search scaling laws").contains("Jared Kaplan"));
        assert!(said("/paper tag tag:scaling-laws").contains("kaplan2020scaling"));
        assert!(said("/cite paper:2001.08361 format:apa").contains("Kaplan"));
    }
    assert!(b_before
        .iter()
        .any(|l| l.starts_with("resolve kaplanweekone") && l.contains("One(")));

    import(&app, A, "discord:guild-a-conflict.bib", CONFLICT).await;
    assert_same(
        &global_before,
        &everything(&app, Scope::GLOBAL).await,
        "global",
    );
    assert_same(&b_before, &everything(&app, B).await, "guild B");
    // The same after the index is rebuilt from the database.
    app.catalog.reindex().await.expect("reindex");
    assert_same(
        &global_before,
        &everything(&app, Scope::GLOBAL).await,
        "global",
    );
    assert_same(&b_before, &everything(&app, B).await, "guild B");

    // Guild A sees its own merged view, finds its key, and keeps the global key too.
    let Resolved::One(paper) = app.catalog.resolve(A, "evilkey").await.expect("resolve") else {
        panic!("evilkey not found in guild A");
    };
    assert_eq!(paper.key, "kaplan2020scaling");
    // Merged with the global record: its BibTeX authors stay, a real venue beats "arXiv",
    // the longest abstract wins.
    assert_eq!(paper.authors[0], "Jared Kaplan");
    assert_eq!(
        paper.venue.as_deref(),
        Some("Journal of Unreliable Results")
    );
    assert!(paper
        .abstract_text
        .as_deref()
        .unwrap_or("")
        .contains("Mallory's rewrite"));
    assert!(
        paper.tags.iter().any(|t| t == "Secret Sauce"),
        "{:?}",
        paper.tags
    );
    // The global spelling of a tag the global catalog has.
    assert!(
        paper.tags.iter().any(|t| t == "Scaling Laws"),
        "{:?}",
        paper.tags
    );
    let hits = app
        .catalog
        .search(A, "mallory", &[], None, 5)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].paper.id, paper.id);
    let hits = app
        .catalog
        .search(A, "scaling laws", &[], None, 50)
        .await
        .unwrap();
    assert_eq!(hits.iter().filter(|h| h.paper.id == paper.id).count(), 1);
}

#[tokio::test]
async fn an_abstract_with_a_masked_link_is_shown_as_written() {
    let app = example_app().await;
    import(&app, A, "discord:guild-a-conflict.bib", CONFLICT).await;
    let card = reply(&app, A, "/paper show paper:evilkey").await;
    let description = card.embeds[0].description.clone().unwrap_or_default();
    assert!(
        description.contains(r"\[Click here\](https://evil.example)"),
        "{description}"
    );
    assert!(!description.contains("[Click here]("), "{description}");
    assert!(description.contains(r"\*\*shout\*\*"), "{description}");
    assert!(
        description.contains(r"\|\|behind a spoiler\|\|"),
        "{description}"
    );
}

#[tokio::test]
async fn a_paper_a_guild_listed_first_shows_only_global_metadata_once_the_global_catalog_lists_it()
{
    let app = example_app().await;
    import(&app, A, "discord:guild-first.bib", GUILD_FIRST).await;
    import(&app, B, "discord:guild-b.bib", GUILD_B).await;
    // Only guild A sees it so far, under its own key.
    let Resolved::One(seen) = app.catalog.resolve(A, "2201.02177").await.unwrap() else {
        panic!("guild A does not see its paper");
    };
    assert_eq!(seen.key, "sneakykey");
    for scope in [Scope::GLOBAL, B] {
        assert_eq!(
            app.catalog.resolve(scope, "2201.02177").await.unwrap(),
            Resolved::NotFound
        );
    }

    import(&app, Scope::GLOBAL, "global-later.bib", GLOBAL_LATER).await;
    for scope in [Scope::GLOBAL, B] {
        let Resolved::One(p) = app.catalog.resolve(scope, "2201.02177").await.unwrap() else {
            panic!("{scope:?} does not see the global paper");
        };
        assert_eq!(p.key, "power2022grokking");
        assert_eq!(p.authors[0], "Alethea Power");
        assert_eq!(
            p.abstract_text.as_deref(),
            Some("We study generalization of neural networks on small algorithmically generated datasets.")
        );
        assert_eq!(p.tags, ["Generalization"]);
        assert_eq!(
            app.catalog.resolve(scope, "sneakykey").await.unwrap(),
            Resolved::NotFound
        );
        let hits = app
            .catalog
            .search(scope, "mallory", &[], None, 5)
            .await
            .unwrap();
        assert!(hits.is_empty(), "{hits:?}");
        let tags = app.catalog.tags(scope).await.unwrap();
        assert!(tags.iter().all(|t| t.tag != "Secret Sauce"), "{tags:?}");
        let show = reply(&app, scope, "/paper show paper:power2022grokking").await;
        assert!(!format!("{show:?}").contains("Mallory"), "{show:?}");
    }
    // Guild A keeps its key and its merge of the global record with its own.
    let Resolved::One(seen) = app.catalog.resolve(A, "sneakykey").await.unwrap() else {
        panic!("guild A lost its key");
    };
    assert_eq!(seen.key, "sneakykey");
    assert_eq!(seen.authors[0], "Alethea Power");
    assert!(seen
        .abstract_text
        .as_deref()
        .unwrap_or("")
        .contains("only guild A wrote"));
    assert!(seen.tags.iter().any(|t| t == "Secret Sauce"));
}

#[tokio::test]
async fn a_guild_that_drops_its_record_sees_the_global_one_again() {
    let app = example_app().await;
    import(&app, A, "discord:list.bib", CONFLICT).await;
    let global = reply(&app, Scope::GLOBAL, "/paper show paper:2001.08361").await;
    assert_ne!(reply(&app, A, "/paper show paper:2001.08361").await, global);
    // The same file, now listing another paper only.
    import(&app, A, "discord:list.bib", GUILD_FIRST).await;
    assert_eq!(reply(&app, A, "/paper show paper:2001.08361").await, global);
    let hits = app
        .catalog
        .search(A, "unreliable", &[], None, 5)
        .await
        .unwrap();
    assert!(hits.is_empty(), "{hits:?}");
}

#[tokio::test]
async fn a_paper_a_guild_listed_first_under_the_usual_key_keeps_that_key_globally() {
    let app = example_app().await;
    let usual = GUILD_FIRST.replace("sneakykey", "power2022grokking");
    import(&app, A, "discord:guild-first.bib", &usual).await;
    import(&app, Scope::GLOBAL, "global-later.bib", GLOBAL_LATER).await;
    for scope in [Scope::GLOBAL, A] {
        let Resolved::One(p) = app.catalog.resolve(scope, "2201.02177").await.unwrap() else {
            panic!("{scope:?} does not see the paper");
        };
        assert_eq!(p.key, "power2022grokking", "{scope:?}");
    }
}

#[tokio::test]
async fn a_removed_list_takes_its_metadata_out_of_the_guilds_view() {
    let app = example_app().await;
    import(&app, A, "discord:conflict.bib", CONFLICT).await;
    import(&app, A, "discord:guild-b.bib", GUILD_B).await;
    let global = reply(&app, Scope::GLOBAL, "/paper show paper:2001.08361").await;
    let removed = app.catalog.remove_list(A, "conflict.bib").await.unwrap();
    assert_eq!(removed, paperclub::catalog::Removal::Removed(1));
    let Resolved::One(p) = app.catalog.resolve(A, "2001.08361").await.unwrap() else {
        panic!("guild A lost the global paper");
    };
    assert!(!p.abstract_text.unwrap_or_default().contains("Mallory"));
    assert_eq!(p.venue.as_deref(), Some("arXiv"));
    assert!(p.tags.iter().any(|t| t == "Week One"), "{:?}", p.tags);
    assert!(!p.tags.iter().any(|t| t == "Secret Sauce"), "{:?}", p.tags);
    let hits = app
        .catalog
        .search(A, "unreliable", &[], None, 5)
        .await
        .unwrap();
    assert!(hits.is_empty(), "{hits:?}");
    // With its last list gone, the guild sees the global card exactly.
    app.catalog.remove_list(A, "guild-b.bib").await.unwrap();
    assert_eq!(reply(&app, A, "/paper show paper:2001.08361").await, global);
}

/// A data folder from before guild views: its guild sources recorded nothing of what they
/// said. The migration takes them to have said the paper's row as it stood, so the guild
/// keeps seeing what it saw, and the global catalog's next import no longer mixes it in.
#[tokio::test]
async fn a_data_folder_from_before_guild_views_keeps_what_each_guild_saw() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::open(dir.path()).await.unwrap();
    let report = catalog
        .import_bytes(A, "discord:guild-first.bib", GUILD_FIRST.as_bytes(), None)
        .await;
    assert!(report.error.is_none(), "{report:?}");
    // Back to the schema before migration 0040, as an older paperclub left it.
    for sql in [
        "DROP TABLE source_meta",
        "DROP TABLE paper_views",
        "DROP TABLE tag_names",
        "DROP INDEX IF EXISTS paper_views_key",
        "ALTER TABLE key_aliases DROP COLUMN scope",
        "DELETE FROM _sqlx_migrations WHERE version = 40",
    ] {
        sqlx::query(sql).execute(catalog.pool()).await.expect(sql);
    }
    catalog.close().await;
    drop(catalog);

    let catalog = Catalog::open(dir.path()).await.unwrap();
    let Resolved::One(before) = catalog.resolve(A, "sneakykey").await.unwrap() else {
        panic!("guild A lost its paper");
    };
    assert_eq!(before.tags, ["Secret Sauce"]);
    let report = catalog
        .import_bytes(
            Scope::GLOBAL,
            "global-later.bib",
            GLOBAL_LATER.as_bytes(),
            None,
        )
        .await;
    assert!(report.error.is_none(), "{report:?}");
    let Resolved::One(global) = catalog.resolve(Scope::GLOBAL, "2201.02177").await.unwrap() else {
        panic!("the global catalog does not see its paper");
    };
    assert_eq!(global.key, "power2022grokking");
    assert_eq!(global.authors[0], "Alethea Power");
    assert_eq!(global.tags, ["Generalization"]);
    let Resolved::One(seen) = catalog.resolve(A, "sneakykey").await.unwrap() else {
        panic!("guild A lost its key");
    };
    assert!(seen
        .abstract_text
        .unwrap_or_default()
        .contains("only guild A wrote"));
    catalog.close().await;
}
