//! The catalog through its public entry points: import reading lists in every format,
//! merge one paper from many sources, stay idempotent, keep guilds apart, survive bad input.

use paperclub::catalog::{Catalog, Resolved};
use paperclub::cite::CiteFormat;
use paperclub::model::{Paper, Scope};

const SCALING_MD: &str = include_str!("fixtures/catalog/scaling.md");
const WIKI: &str = include_str!("fixtures/catalog/scaling-wiki.txt");
const WEEK3: &str = include_str!("fixtures/catalog/week3.md");
const CLASSICS: &str = include_str!("fixtures/catalog/classics.bib");

async fn catalog_with(files: &[(&str, &str)]) -> Catalog {
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    for (name, text) in files {
        let report = catalog
            .import_bytes(Scope::GLOBAL, name, text.as_bytes(), None)
            .await;
        assert!(report.error.is_none(), "{name}: {report:?}");
    }
    catalog
}

async fn one(catalog: &Catalog, id: &str) -> Paper {
    match catalog.resolve(Scope::GLOBAL, id).await.expect("resolve") {
        Resolved::One(p) => *p,
        other => panic!("{id}: {other:?}"),
    }
}

#[tokio::test]
async fn the_same_paper_from_markdown_wiki_and_course_post_is_one_paper_with_all_tags() {
    let catalog = catalog_with(&[
        ("scaling.md", SCALING_MD),
        ("scaling-wiki.txt", WIKI),
        ("week3.md", WEEK3),
    ])
    .await;
    let kaplan = one(&catalog, "2001.08361").await;
    assert_eq!(kaplan.key, "kaplan2020scaling");
    assert_eq!(kaplan.sources.len(), 3, "{:?}", kaplan.sources);
    assert_eq!(
        kaplan.authors.first().map(String::as_str),
        Some("Jared Kaplan")
    );
    assert!(kaplan
        .abstract_text
        .as_deref()
        .unwrap_or("")
        .contains("power-law"));
    let tags: Vec<String> = kaplan.tags.iter().map(|t| t.to_lowercase()).collect();
    assert!(tags.contains(&"scaling laws".to_string()), "{tags:?}");
    assert!(tags.contains(&"efficiency".to_string()), "{tags:?}");
    // Found by every spelling of its identity.
    for id in [
        "arXiv:2001.08361v2",
        "https://arxiv.org/pdf/2001.08361.pdf",
        "kaplan2020scaling",
        "Scaling Laws for Neural Language Models",
    ] {
        assert_eq!(one(&catalog, id).await.id, kaplan.id, "{id}");
    }
}

#[tokio::test]
async fn tag_spellings_are_one_tag_shown_as_first_written() {
    let catalog = catalog_with(&[("scaling.md", SCALING_MD)]).await;
    for spelling in [
        "Scaling Laws",
        "scaling-laws",
        "scaling laws",
        "SCALING_LAWS",
    ] {
        let papers = catalog.by_tag(Scope::GLOBAL, spelling).await.unwrap();
        assert_eq!(papers.len(), 2, "{spelling}");
    }
    let tags = catalog.tags(Scope::GLOBAL).await.unwrap();
    let scaling: Vec<_> = tags
        .iter()
        .filter(|t| t.tag.to_lowercase().starts_with("scaling"))
        .collect();
    assert_eq!(scaling.len(), 1, "{tags:?}");
    assert_eq!(scaling[0].tag, "Scaling Laws");
    assert_eq!(scaling[0].count, 2);
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing() {
    let catalog = catalog_with(&[("scaling.md", SCALING_MD), ("classics.bib", CLASSICS)]).await;
    let before = catalog.stats(Scope::GLOBAL).await.unwrap();
    let kaplan_before = one(&catalog, "kaplan2020scaling").await;
    let again = catalog
        .import_bytes(Scope::GLOBAL, "scaling.md", SCALING_MD.as_bytes(), None)
        .await;
    assert_eq!((again.new, again.merged), (0, 0), "{again:?}");
    // A different file name with the same content adds a source, never a paper.
    let copy = catalog
        .import_bytes(Scope::GLOBAL, "copy.md", SCALING_MD.as_bytes(), None)
        .await;
    assert_eq!(copy.new, 0, "{copy:?}");
    let after = catalog.stats(Scope::GLOBAL).await.unwrap();
    assert_eq!(before.papers, after.papers);
    assert_eq!(
        kaplan_before.key,
        one(&catalog, "kaplan2020scaling").await.key
    );
}

#[tokio::test]
async fn a_newer_version_of_a_file_updates_entries_and_drops_the_ones_it_lost() {
    let catalog = catalog_with(&[("scaling.md", SCALING_MD)]).await;
    let cut = SCALING_MD
        .split("## Emergence")
        .next()
        .unwrap()
        .replace("`OpenAI`", "`OpenAI` | `Power Laws`");
    let report = catalog
        .import_bytes(Scope::GLOBAL, "scaling.md", cut.as_bytes(), None)
        .await;
    assert_eq!(report.dropped, 2, "{report:?}");
    let kaplan = one(&catalog, "kaplan2020scaling").await;
    assert!(
        kaplan.tags.iter().any(|t| t == "Power Laws"),
        "{:?}",
        kaplan.tags
    );
    assert!(catalog
        .by_tag(Scope::GLOBAL, "Emergence")
        .await
        .unwrap()
        .is_empty());
    let hits = catalog
        .search(Scope::GLOBAL, "emergent abilities", &[], None, 10)
        .await
        .unwrap();
    assert!(
        hits.is_empty(),
        "dropped papers are no longer found: {hits:?}"
    );
}

#[tokio::test]
async fn a_link_that_contradicts_its_bibtex_does_not_merge_two_papers() {
    let catalog = catalog_with(&[("scaling.md", SCALING_MD)]).await;
    let mirage = one(&catalog, "2304.15004").await;
    assert!(mirage.title.contains("Mirage"));
    let emergent = one(&catalog, "2206.07682").await;
    assert!(emergent.title.starts_with("Emergent Abilities"));
    assert_ne!(mirage.id, emergent.id);
    let report = catalog
        .import_bytes(Scope::GLOBAL, "again.md", SCALING_MD.as_bytes(), None)
        .await;
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("2206.07682")),
        "the wrong link is reported: {:?}",
        report.warnings
    );
}

#[tokio::test]
async fn one_broken_bibtex_entry_does_not_stop_the_rest() {
    let catalog = Catalog::open_in_memory().await.unwrap();
    let report = catalog
        .import_bytes(Scope::GLOBAL, "classics.bib", CLASSICS.as_bytes(), None)
        .await;
    assert!(report.error.is_none());
    assert!(!report.warnings.is_empty(), "the broken entry is reported");
    let s = one(&catalog, "10.1162/089976698300017467").await;
    assert_eq!(
        s.authors.first().map(String::as_str),
        Some("Bernhard Schölkopf")
    );
    assert!(one(&catalog, "vaswani2017attention")
        .await
        .title
        .contains("Attention"));
}

#[tokio::test]
async fn binary_and_invalid_utf8_files_are_refused_and_change_nothing() {
    let catalog = catalog_with(&[("classics.bib", CLASSICS)]).await;
    let before = catalog.stats(Scope::GLOBAL).await.unwrap();
    let binary = catalog
        .import_bytes(Scope::GLOBAL, "x.bib", b"@misc{a,\n\0\x01\x02", None)
        .await;
    assert!(
        binary.error.as_deref().unwrap().contains("line 2"),
        "{binary:?}"
    );
    let latin1 = catalog
        .import_bytes(
            Scope::GLOBAL,
            "y.bib",
            b"@misc{a,\n title={Caf\xe9}}\n",
            None,
        )
        .await;
    assert!(
        latin1.error.as_deref().unwrap().contains("UTF-8"),
        "{latin1:?}"
    );
    let huge = vec![b'a'; paperclub::catalog::MAX_FILE_BYTES + 1];
    let huge = catalog
        .import_bytes(Scope::GLOBAL, "big.md", &huge, None)
        .await;
    assert!(huge.error.as_deref().unwrap().contains("MB"), "{huge:?}");
    let empty = catalog
        .import_bytes(
            Scope::GLOBAL,
            "notes.md",
            b"# My notes\n\nNothing here.\n",
            None,
        )
        .await;
    assert_eq!(empty.new, 0);
    assert_eq!(
        catalog.stats(Scope::GLOBAL).await.unwrap().papers,
        before.papers
    );
}

#[tokio::test]
async fn a_guild_never_sees_another_guilds_imports() {
    let catalog = catalog_with(&[("classics.bib", CLASSICS)]).await;
    let (a, b) = (Scope(111), Scope(222));
    let report = catalog
        .import_bytes(a, "discord:scaling.md", SCALING_MD.as_bytes(), None)
        .await;
    assert!(report.new >= 3, "{report:?}");
    assert!(!catalog
        .search(a, "chinchilla compute optimal", &[], None, 5)
        .await
        .unwrap()
        .is_empty());
    for other in [b, Scope::GLOBAL] {
        let hits = catalog
            .search(other, "chinchilla compute optimal", &[], None, 5)
            .await
            .unwrap();
        assert!(
            hits.iter().all(|h| h.paper.key != "hoffmann2022training"),
            "{hits:?}"
        );
    }
    assert!(matches!(
        catalog.resolve(b, "kaplan2020scaling").await.unwrap(),
        Resolved::NotFound
    ));
    assert!(catalog.by_tag(b, "Scaling Laws").await.unwrap().is_empty());
    assert!(catalog
        .tags(b)
        .await
        .unwrap()
        .iter()
        .all(|t| t.tag != "Chinchilla"));
    // Both see the global catalog.
    for scope in [a, b] {
        assert!(!catalog
            .search(scope, "dropout", &[], None, 5)
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test]
async fn search_takes_any_text_and_tolerates_a_typo_in_a_title_word() {
    let catalog = catalog_with(&[("scaling.md", SCALING_MD), ("classics.bib", CLASSICS)]).await;
    for q in [
        "arXiv:2001.08361",
        "self-attention",
        "c++",
        "o'neil",
        "\"unbalanced",
        "AND OR (",
        "",
    ] {
        catalog
            .search(Scope::GLOBAL, q, &[], None, 5)
            .await
            .unwrap();
    }
    let hits = catalog
        .search(Scope::GLOBAL, "compute optimal chinchila", &[], None, 5)
        .await
        .unwrap();
    assert!(
        hits.first()
            .is_some_and(|h| h.paper.key == "hoffmann2022training"),
        "{hits:?}"
    );
    let tagged = catalog
        .search(
            Scope::GLOBAL,
            "language models",
            &["scaling laws".into()],
            None,
            10,
        )
        .await
        .unwrap();
    assert!(
        !tagged.is_empty()
            && tagged
                .iter()
                .all(|h| h.paper.tags.iter().any(|t| t == "Scaling Laws"))
    );
}

#[tokio::test]
async fn tag_autocomplete_matches_prefixes_first() {
    let catalog = catalog_with(&[("scaling.md", SCALING_MD), ("scaling-wiki.txt", WIKI)]).await;
    let tags = catalog.tag_prefix(Scope::GLOBAL, "sca", 25).await.unwrap();
    assert_eq!(
        tags.first().map(|t| t.tag.as_str()),
        Some("Scaling Laws"),
        "{tags:?}"
    );
    let inner = catalog.tag_prefix(Scope::GLOBAL, "laws", 25).await.unwrap();
    assert!(inner.iter().any(|t| t.tag == "Scaling Laws"), "{inner:?}");
}

#[tokio::test]
async fn the_index_is_rebuilt_from_the_database_when_missing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let catalog = Catalog::open(dir.path()).await.unwrap();
        catalog
            .import_bytes(Scope::GLOBAL, "classics.bib", CLASSICS.as_bytes(), None)
            .await;
        catalog.close().await;
    }
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let catalog = Catalog::open(dir.path()).await.unwrap();
    let hits = catalog
        .search(Scope::GLOBAL, "dropout overfitting", &[], None, 5)
        .await
        .unwrap();
    assert_eq!(
        hits.first().map(|h| h.paper.key.as_str()),
        Some("srivastava2014dropout")
    );
}

#[tokio::test]
async fn a_key_once_issued_stays_and_a_later_bibtex_key_still_finds_the_paper() {
    let catalog = catalog_with(&[("scaling-wiki.txt", WIKI)]).await;
    let first = one(&catalog, "2001.08361").await;
    catalog
        .import_bytes(Scope::GLOBAL, "scaling.md", SCALING_MD.as_bytes(), None)
        .await;
    let later = one(&catalog, "kaplan2020scaling").await;
    assert_eq!(later.id, first.id);
    assert_eq!(later.key, first.key, "the issued key never changes");
}

#[tokio::test]
async fn a_batch_imports_bibtex_sources_first_so_keys_are_the_authors_keys() {
    let catalog = Catalog::open_in_memory().await.unwrap();
    let files = vec![
        ("scaling-wiki.txt".to_string(), WIKI.as_bytes().to_vec()),
        ("scaling.md".to_string(), SCALING_MD.as_bytes().to_vec()),
    ];
    let reports = catalog.import_files(Scope::GLOBAL, files, None).await;
    assert_eq!(
        reports[0].file, "scaling-wiki.txt",
        "reports keep the order given"
    );
    assert_eq!(one(&catalog, "2001.08361").await.key, "kaplan2020scaling");
}

#[tokio::test]
async fn one_file_listing_a_new_paper_twice_under_two_keys_imports_it_once() {
    let catalog = Catalog::open_in_memory().await.unwrap();
    let bib = "@misc{lora2021,\n title={LoRA: Low-Rank Adaptation of Large Language Models},\n \
               author={Hu, Edward J.},\n year={2021},\n eprint={2106.09685},\n archivePrefix={arXiv}\n}\n\n\
               @inproceedings{hu2022lora,\n title={LoRA: Low-Rank Adaptation of Large Language Models},\n \
               author={Hu, Edward J. and Shen, Yelong},\n booktitle={ICLR},\n year={2022}\n}\n";
    let report = catalog
        .import_bytes(Scope::GLOBAL, "lora.bib", bib.as_bytes(), None)
        .await;
    assert!(report.error.is_none(), "{report:?}");
    assert_eq!(report.new, 1, "{report:?}");
    let a = one(&catalog, "lora2021").await;
    let b = one(&catalog, "hu2022lora").await;
    assert_eq!(a.id, b.id);
    assert_eq!(a.venue.as_deref(), Some("ICLR"));
}

#[tokio::test]
async fn a_paper_without_authors_gets_a_title_key_with_the_year_of_its_arxiv_id() {
    let catalog = catalog_with(&[("week3.md", WEEK3)]).await;
    // The course post gives LLaMA a title and an arXiv link, no authors and no year.
    let llama = one(&catalog, "2302.13971").await;
    assert_eq!(llama.key, "llama2023open");
    // Its authors' BibTeX arriving later finds it, and the key already issued stays.
    let bib = include_str!("fixtures/search/preprints.bib");
    catalog
        .import_bytes(Scope::GLOBAL, "preprints.bib", bib.as_bytes(), None)
        .await;
    let later = one(&catalog, "touvron2023llama").await;
    assert_eq!((later.id, later.key.as_str()), (llama.id, "llama2023open"));
}

#[tokio::test]
async fn a_citation_never_names_a_string_macro_it_does_not_define() {
    let bib = include_str!("fixtures/cite/macros_in_entries.bib");
    let catalog = catalog_with(&[("macros.bib", bib)]).await;
    let papers = vec![
        one(&catalog, "srivastava2014dropout").await,
        one(&catalog, "brown2020language").await,
    ];
    for format in [CiteFormat::Bibtex, CiteFormat::Biblatex] {
        let text = paperclub::cite::cite_many(&papers, format);
        assert!(
            !text.contains("= jmlr") && !text.contains("nips #"),
            "{text}"
        );
        assert!(
            text.contains("{Journal of Machine Learning Research}"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_repeat_the_parser_missed_is_merged_and_named_once_with_its_first_line() {
    // Other first authors, so the parser does not call them duplicates; the catalog
    // matches them by title and compatible year.
    let bib = "@misc{lee, title={Robust Agents at Scale}, author={Ann Lee}, year={2020}}\n\
               @misc{kim, title={Robust Agents at Scale}, author={Bob Kim}, year={2021}}\n\
               @misc{park, title={Robust agents at scale.}, author={Cy Park}, year={2020}}\n";
    let catalog = Catalog::open_in_memory().await.expect("catalog");
    let report = catalog
        .import_bytes(Scope::GLOBAL, "agents.bib", bib.as_bytes(), None)
        .await;
    assert_eq!((report.new, report.entries), (1, 3), "{report:?}");
    let warnings: Vec<(usize, &str)> = report
        .warnings
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect();
    let merged = |line| (line, "same paper as the entry on line 1; merged into it");
    assert_eq!(warnings, [merged(2), merged(3)]);
}

#[tokio::test]
async fn the_change_log_keeps_only_what_the_index_has_not_applied() {
    let catalog = catalog_with(&[
        ("scaling.md", SCALING_MD),
        ("wiki.txt", WIKI),
        ("week3.md", WEEK3),
        ("classics.bib", CLASSICS),
    ])
    .await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM changes")
        .fetch_one(catalog.pool())
        .await
        .unwrap();
    let stats = catalog.stats(Scope::GLOBAL).await.unwrap();
    // Four writes, all indexed: only the latest row is left, and it still carries the
    // generation every process compares against.
    assert_eq!(rows, 1);
    assert_eq!(stats.generation, 4);
    assert_eq!(stats.index_generation, Some(4));
    assert_eq!(stats.index_behind, 0);
}
