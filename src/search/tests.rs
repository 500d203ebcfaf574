//! Behaviour of the search index as the catalog uses it: ranking, odd user text, typos,
//! filters, scope isolation, updates and the on-disk life cycle.

use super::*;

fn doc(id: i64, title: &str, abstract_text: &str) -> IndexDoc {
    IndexDoc {
        id,
        title: title.to_string(),
        authors: vec!["Jordan Hoffmann".to_string()],
        abstract_text: Some(abstract_text.to_string()),
        note: None,
        venue: Some("NeurIPS".to_string()),
        year: Some(2022),
        tags: vec![(Scope::GLOBAL, "Language Models".to_string())],
        scopes: vec![Scope::GLOBAL],
        shadowed: Vec::new(),
    }
}

fn with(mut d: IndexDoc, edit: impl FnOnce(&mut IndexDoc)) -> IndexDoc {
    edit(&mut d);
    d
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.to_string(),
        ..SearchQuery::default()
    }
}

fn ids(index: &SearchIndex, query: &SearchQuery) -> Vec<i64> {
    index
        .search(query)
        .expect("search")
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn catalog() -> SearchIndex {
    let index = SearchIndex::in_ram().expect("index");
    let docs = vec![
        doc(
            1,
            "Chinchilla: Training Compute-Optimal Large Language Models",
            "We find that Chinchilla, trained on more tokens, outperforms Gopher.",
        ),
        doc(
            2,
            "Scaling Laws for Neural Language Models",
            "We study empirical scaling laws for language model performance on the \
             cross-entropy loss.",
        ),
        doc(
            3,
            "Attention Is All You Need",
            "The dominant sequence transduction models are based on recurrent networks. \
             We propose the Transformer, based solely on self-attention.",
        ),
        with(
            doc(
                4,
                "Deep Residual Learning",
                "Residual nets ease training; compute budgets matter.",
            ),
            |d| {
                d.year = Some(2016);
                d.tags = vec![(Scope::GLOBAL, "vision".to_string())];
            },
        ),
    ];
    assert_eq!(index.rebuild(docs.into_iter(), 0).expect("rebuild"), 4);
    index
}

#[test]
fn a_title_match_ranks_above_an_abstract_match() {
    let index = SearchIndex::in_ram().expect("index");
    let docs = vec![
        doc(1, "A survey of optimizers", "Chinchilla appears only here."),
        doc(
            2,
            "Chinchilla revisited",
            "Nothing about the animal in this text.",
        ),
    ];
    index.rebuild(docs.into_iter(), 0).expect("rebuild");
    assert_eq!(ids(&index, &q("chinchilla")), vec![2, 1]);
}

#[test]
fn odd_user_text_is_never_an_error() {
    let index = catalog();
    let garbage: String = (0..10_000)
        .map(|i| ['(', 'a', '"', ':', ' ', '*', 'z', '~', '\\', 'é'][i % 10])
        .collect();
    for text in [
        "arXiv:2001.08361",
        "self-attention",
        "c++",
        "o'neil",
        "\"unbalanced",
        "AND OR NOT (",
        "",
        "   ",
        "title:foo^3 -bar +baz [1 TO 2] {x}",
        "\u{0}\u{7f}🦀",
        garbage.as_str(),
    ] {
        index
            .search(&q(text))
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    assert_eq!(ids(&index, &q("self-attention")), vec![3]);
    // Function words are skipped beside real words, and searched when alone.
    assert_eq!(ids(&index, &q("attention is all you need"))[..1], [3]);
    assert_eq!(ids(&index, &q("for the of")).len(), 2);
    assert!(ids(&index, &q("")).is_empty());
}

#[test]
fn one_typo_in_a_title_word_still_finds_the_paper() {
    let index = catalog();
    assert_eq!(ids(&index, &q("chinchila"))[..1], [1]);
    assert_eq!(ids(&index, &q("scalling"))[..1], [2]);
    assert_eq!(ids(&index, &q("atention"))[..1], [3]);
    // A typo beside a correctly spelt word: the typo'd word still counts.
    assert_eq!(ids(&index, &q("chinchila training"))[..1], [1]);
}

#[test]
fn exact_matches_rank_above_typo_matches() {
    let index = SearchIndex::in_ram().expect("index");
    let docs = vec![
        doc(1, "Model calling conventions", "x"),
        doc(2, "Model scaling", "y"),
    ];
    index.rebuild(docs.into_iter(), 0).expect("rebuild");
    assert_eq!(ids(&index, &q("scaling"))[0], 2);
}

#[test]
fn stemming_and_folding_match_word_variants() {
    let index = catalog();
    assert_eq!(ids(&index, &q("law"))[..1], [2]);
    let folded = SearchIndex::in_ram().expect("index");
    let d = with(doc(9, "Kernel methods", "x"), |d| {
        d.authors = vec!["Bernhard Schölkopf".into()]
    });
    folded.update(&[d], &[], 0, 0).expect("update");
    assert_eq!(ids(&folded, &q("scholkopf")), vec![9]);
}

#[test]
fn a_tag_filter_keeps_only_tagged_papers() {
    let index = catalog();
    let mut query = q("training compute");
    assert_eq!(ids(&index, &query).len(), 2);
    query.tag_keys = vec!["vision".into()];
    assert_eq!(ids(&index, &query), vec![4]);
    query.tag_keys = vec!["languagemodels".into(), "vision".into()];
    assert!(ids(&index, &query).is_empty());
}

#[test]
fn a_tag_without_text_lists_its_papers_newest_then_by_title() {
    let index = catalog();
    let mut query = q("");
    query.tag_keys = vec!["languagemodels".into()];
    // All three from 2022, so by title.
    assert_eq!(ids(&index, &query), vec![3, 1, 2]);
    index
        .update(
            &[with(doc(5, "Zebra", "z"), |d| d.year = Some(2024))],
            &[],
            0,
            0,
        )
        .expect("update");
    query.limit = 2;
    assert_eq!(ids(&index, &query), vec![5, 3]);
}

#[test]
fn scopes_do_not_leak_between_guilds() {
    let index = catalog();
    let private = with(doc(7, "Chinchilla club notes", "private"), |d| {
        d.scopes = vec![Scope(7)];
        d.tags = vec![(Scope(7), "club".to_string())];
    });
    index.update(&[private], &[], 0, 0).expect("update");
    let mut query = q("chinchilla");
    query.scope = Scope(8);
    assert_eq!(ids(&index, &query), vec![1]);
    query.scope = Scope(7);
    assert_eq!(ids(&index, &query).len(), 2);
    query.scope = Scope::GLOBAL;
    assert_eq!(ids(&index, &query), vec![1]);

    let mut by_tag = q("");
    by_tag.tag_keys = vec!["club".into()];
    by_tag.scope = Scope(8);
    assert!(ids(&index, &by_tag).is_empty());
    by_tag.scope = Scope(7);
    assert_eq!(ids(&index, &by_tag), vec![7]);
}

#[test]
fn a_guild_tag_on_a_global_paper_is_seen_only_in_that_guild() {
    let index = SearchIndex::in_ram().expect("index");
    let d = with(doc(1, "Shared paper", "x"), |d| {
        d.scopes = vec![Scope::GLOBAL, Scope(7)];
        d.tags = vec![(Scope(7), "week one".into())];
    });
    index.update(&[d], &[], 0, 0).expect("update");
    let mut query = q("");
    query.tag_keys = vec!["weekone".into()];
    query.scope = Scope(7);
    assert_eq!(ids(&index, &query), vec![1]);
    query.scope = Scope(8);
    assert!(ids(&index, &query).is_empty());
}

#[test]
fn a_year_filter_keeps_only_that_year() {
    let index = catalog();
    let mut query = q("training");
    query.year = Some(2016);
    assert_eq!(ids(&index, &query), vec![4]);
    query.text.clear();
    assert_eq!(ids(&index, &query), vec![4]);
    query.year = Some(1999);
    assert!(ids(&index, &query).is_empty());
}

#[test]
fn update_replaces_instead_of_duplicating() {
    let index = catalog();
    let renamed = doc(2, "Power laws of everything", "new abstract");
    index
        .update(std::slice::from_ref(&renamed), &[], 0, 0)
        .expect("update");
    index.update(&[renamed], &[], 0, 0).expect("update again");
    assert_eq!(index.len(), 4);
    assert_eq!(ids(&index, &q("power")), vec![2]);
    assert!(ids(&index, &q("cross-entropy")).is_empty());
}

#[test]
fn deleted_papers_disappear() {
    let index = catalog();
    index.update(&[], &[3], 0, 0).expect("delete");
    assert_eq!(index.len(), 3);
    assert!(ids(&index, &q("attention")).is_empty());
}

#[test]
fn rebuild_replaces_everything() {
    let index = catalog();
    let n = index
        .rebuild(std::iter::once(doc(10, "Only one", "x")), 0)
        .expect("rebuild");
    assert_eq!((n, index.len()), (1, 1));
    assert!(!index.is_empty());
}

#[test]
fn snippets_bold_the_matched_words_and_stay_short() {
    let index = catalog();
    let hits = index.search(&q("transformer")).expect("search");
    assert!(
        hits[0].snippet.contains("**Transformer**"),
        "{}",
        hits[0].snippet
    );
    assert!(hits[0].score > 0.0);
    let long = doc(
        20,
        "Long one",
        &format!(
            "{} the *rare* word appears here {}",
            "filler ".repeat(100),
            "tail ".repeat(100)
        ),
    );
    index.update(&[long], &[], 0, 0).expect("update");
    let hits = index.search(&q("rare")).expect("search");
    let s = &hits[0].snippet;
    assert!(s.contains(r"**rare**\* word"), "{s}");
    assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
    assert!(s.chars().count() <= 220, "{}", s.chars().count());
}

#[test]
fn open_rebuilds_when_the_version_is_missing_or_different() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("index");
    let (index, needs) = SearchIndex::open(&path).expect("open");
    assert!(needs);
    index.rebuild(catalog_docs(), 0).expect("rebuild");
    drop(index);

    let (index, needs) = SearchIndex::open(&path).expect("reopen");
    assert!(!needs);
    assert_eq!(index.len(), 2);
    drop(index);

    fs::write(path.join(VERSION_FILE), "paperclub-search-0").expect("write");
    let (index, needs) = SearchIndex::open(&path).expect("open old version");
    assert!(needs);
    assert!(index.is_empty());
    drop(index);

    // Created but never rebuilt (say, killed mid-build): still needs a rebuild.
    let (_, needs) = SearchIndex::open(&path).expect("open unbuilt");
    assert!(needs);
}

#[test]
fn open_refuses_to_wipe_a_directory_that_is_not_an_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("thesis.tex"), "precious").expect("write");
    assert!(SearchIndex::open(dir.path()).is_err());
    assert!(dir.path().join("thesis.tex").exists());
}

fn catalog_docs() -> impl Iterator<Item = IndexDoc> {
    vec![doc(1, "One", "a"), doc(2, "Two", "b")].into_iter()
}

#[test]
fn a_long_description_finds_the_abstract_it_paraphrases_over_a_title_sharing_a_few_words() {
    let index = SearchIndex::in_ram().expect("index");
    let docs = vec![
        doc(
            1,
            "Training Tokens and Model Size for Transformers",
            "We propose a cheaper optimizer for pretraining.",
        ),
        doc(
            2,
            "Chinchilla",
            "We investigate the optimal model size and number of tokens for training a \
             transformer under a given compute budget: model size and training tokens \
             should grow equally.",
        ),
    ];
    index.rebuild(docs.into_iter(), 0).expect("rebuild");
    let description = "a study finding that model size and the number of training tokens \
                       should grow equally for the optimal use of a compute budget";
    assert_eq!(ids(&index, &q(description))[0], 2);
    // A short query is still a title being recalled.
    assert_eq!(ids(&index, &q("training tokens model size"))[0], 1);
}

#[test]
fn the_title_weighs_less_as_the_query_grows() {
    assert_eq!(query::title_boost(1), 3.0);
    assert_eq!(query::title_boost(3), 3.0);
    assert!(query::title_boost(6) < 3.0 && query::title_boost(6) > 1.0);
    assert_eq!(query::title_boost(30), 0.67);
    assert_eq!(query::title_boost(0), 3.0);
}

#[test]
fn a_guild_view_replaces_the_global_document_only_in_that_guild() {
    let index = SearchIndex::in_ram().expect("index");
    let global = with(doc(1, "Scaling laws", "global abstract"), |d| {
        d.shadowed = vec![Scope(7)];
    });
    let view = with(doc(1, "Scaling laws", "mallory wrote this"), |d| {
        d.scopes = vec![Scope(7)];
        d.tags = vec![(Scope(7), "secret tag".into())];
    });
    index.update(&[global, view], &[], 0, 0).expect("update");
    let mut query = q("mallory");
    query.scope = Scope(8);
    assert!(ids(&index, &query).is_empty());
    query.scope = Scope::GLOBAL;
    assert!(ids(&index, &query).is_empty());
    query.scope = Scope(7);
    assert_eq!(ids(&index, &query), vec![1]);
    let mut both = q("scaling");
    for scope in [Scope::GLOBAL, Scope(7), Scope(8)] {
        both.scope = scope;
        assert_eq!(ids(&index, &both), vec![1], "{scope:?}");
    }
    let mut tag = q("secret");
    tag.scope = Scope(8);
    assert!(ids(&index, &tag).is_empty());
}

/// Scores come from the live global documents only: neither a guild's documents nor the
/// deleted copy of a rewritten global one moves them.
#[test]
fn guild_and_deleted_documents_do_not_move_global_scores() {
    let index = catalog();
    let query = q("scaling language models");
    let before = index.search(&query).expect("search");
    assert!(before.len() > 1);
    let guild = with(
        doc(99, "Scaling language models again", "language models scale"),
        |d| d.scopes = vec![Scope(7)],
    );
    let rewritten = doc(
        2,
        "Scaling Laws for Neural Language Models",
        "We study empirical scaling laws for language model performance on the \
         cross-entropy loss.",
    );
    index
        .update(&[guild, rewritten], &[], 0, 0)
        .expect("update");
    assert_eq!(index.search(&query).expect("search"), before);
    let mut in_guild = query.clone();
    in_guild.scope = Scope(7);
    assert!(ids(&index, &in_guild).contains(&99));
}

/// Equal scores are ordered by paper id, not by where the documents sit in the index
/// (which a later commit or a merge changes).
#[test]
fn papers_tied_on_score_come_in_id_order_however_the_segments_lie() {
    let index = SearchIndex::in_ram().expect("index");
    let twin = |id| doc(id, "Tied twin paper", "exactly the same words");
    index.update(&[twin(2)], &[], 0, 1).expect("first commit");
    index.update(&[twin(1)], &[], 1, 2).expect("second commit");
    assert_eq!(ids(&index, &q("tied twin")), vec![1, 2]);
}

/// A guild's document deleted after a search no longer makes its words known in that
/// guild: the same word is then read as a typo of a global title.
#[test]
fn a_guild_document_deleted_after_a_search_no_longer_makes_its_words_known() {
    let index = SearchIndex::in_ram().expect("index");
    let global = doc(1, "Mallery on scaling", "a global paper");
    let view = with(doc(2, "Mallory notes", "the guild's own paper"), |d| {
        d.scopes = vec![Scope(7)];
    });
    index.update(&[global, view], &[], 0, 1).expect("update");
    let mut query = q("mallory");
    query.scope = Scope(7);
    assert_eq!(
        ids(&index, &query),
        vec![2],
        "the guild's word, matched exactly"
    );
    index.update(&[], &[2], 1, 2).expect("delete");
    assert_eq!(
        ids(&index, &query),
        vec![1],
        "now a typo of the global title"
    );
}
