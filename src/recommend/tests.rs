//! Ranking on small catalogs where the answer is clear, and the "why" line.

use super::graph::GraphRows;
use super::{Ask, Snapshot};
use crate::model::Scope;
use crate::store::recommend::{CiteRow, PaperText, SourceRow, TagRow};

pub(super) fn paper(id: i64, title: &str, abstract_text: &str) -> PaperText {
    PaperText {
        id,
        title: title.into(),
        authors: format!(r#"["Author{id} Family{id}"]"#),
        year: Some(2020),
        abstract_text: Some(abstract_text.into()),
    }
}

pub(super) fn source(paper_id: i64, scope: i64, file_id: i64, section: Option<&str>) -> SourceRow {
    SourceRow {
        paper_id,
        scope,
        file_id,
        format: "bibtex".into(),
        section: section.map(str::to_string),
    }
}

fn tag(paper_id: i64, tag_id: i64, name: &str) -> TagRow {
    TagRow {
        paper_id,
        tag_id,
        name: name.into(),
        scope: 0,
        file_id: 1,
    }
}

/// Ten papers on unrelated topics in the global catalog, from one flat `.bib`.
pub(super) fn catalog() -> GraphRows {
    let topics = [
        "protein folding structure prediction",
        "galaxy rotation curves dark matter",
        "sparse attention long documents",
        "reinforcement learning robot grasping",
        "speech recognition acoustic models",
        "graph neural networks molecules",
        "image segmentation medical scans",
        "federated learning privacy clients",
        "code generation program synthesis",
        "weather forecasting neural operators",
    ];
    let papers: Vec<PaperText> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| paper(i as i64 + 1, t, t))
        .collect();
    let sources = papers.iter().map(|p| source(p.id, 0, 1, None)).collect();
    GraphRows {
        papers,
        sources,
        ..GraphRows::default()
    }
}

pub(super) fn suggest(rows: &GraphRows, scope: u64, seeds: &[i64]) -> Vec<i64> {
    let snapshot = Snapshot::build(rows, 1);
    let ask = Ask {
        scope: Scope(scope),
        seeds,
        limit: 10,
        ..Ask::default()
    };
    snapshot.suggest(&ask).iter().map(|s| s.paper_id).collect()
}

#[test]
fn a_shared_rare_tag_beats_a_shared_common_tag() {
    let mut rows = catalog();
    // Seed 1 carries a common tag (on seven papers) and a rare one (on two).
    for p in 1..=7 {
        rows.tags.push(tag(p, 100, "Machine Learning"));
    }
    rows.tags.push(tag(1, 200, "Protein Design"));
    rows.tags.push(tag(9, 200, "Protein Design"));
    let ranked = suggest(&rows, 0, &[1]);
    assert_eq!(ranked.first(), Some(&9), "{ranked:?}");
    let common = ranked
        .iter()
        .position(|&p| p == 2)
        .expect("common tag found");
    assert!(common > 0);
}

#[test]
fn a_paper_the_seed_cites_surfaces_though_its_text_shares_nothing() {
    let mut rows = catalog();
    rows.cites.push(CiteRow {
        citing: 1,
        cited: 10,
        scope: 0,
    });
    assert_eq!(suggest(&rows, 0, &[1]).first(), Some(&10));
}

#[test]
fn papers_citing_the_same_paper_are_related() {
    let mut rows = catalog();
    for citing in [1, 4] {
        rows.cites.push(CiteRow {
            citing,
            cited: 8,
            scope: 0,
        });
    }
    let ranked = suggest(&rows, 0, &[1]);
    assert!(ranked.contains(&4), "{ranked:?}");
}

#[test]
fn the_seed_is_never_suggested_even_when_it_matches_best() {
    let mut rows = catalog();
    rows.papers.push(paper(
        11,
        "protein folding structure prediction",
        "Again protein folding.",
    ));
    rows.sources.push(source(11, 0, 1, None));
    let ranked = suggest(&rows, 0, &[1, 11]);
    assert!(!ranked.contains(&1) && !ranked.contains(&11), "{ranked:?}");
}

#[test]
fn another_guilds_papers_tags_and_citations_never_appear() {
    let mut rows = catalog();
    // Guild 7 imported a paper that is the perfect match, tagged and cited it.
    rows.papers.push(paper(
        11,
        "protein folding structure prediction",
        "Protein folding.",
    ));
    rows.sources.push(source(11, 7, 2, Some("Proteins")));
    rows.sources.push(source(1, 7, 2, Some("Proteins")));
    rows.cites.push(CiteRow {
        citing: 1,
        cited: 5,
        scope: 7,
    });
    rows.tags.push(TagRow {
        scope: 7,
        file_id: 2,
        ..tag(1, 300, "Secret")
    });
    rows.tags.push(TagRow {
        scope: 7,
        file_id: 2,
        ..tag(6, 300, "Secret")
    });
    let in_guild_8 = suggest(&rows, 8, &[1]);
    assert!(!in_guild_8.contains(&11), "{in_guild_8:?}");
    assert!(
        !in_guild_8.contains(&5) && !in_guild_8.contains(&6),
        "{in_guild_8:?}"
    );
    let in_guild_7 = suggest(&rows, 7, &[1]);
    assert!(
        in_guild_7.contains(&11) && in_guild_7.contains(&5),
        "{in_guild_7:?}"
    );
}

#[test]
fn papers_of_the_same_reading_list_section_are_related() {
    let mut rows = catalog();
    rows.sources.push(source(1, 0, 3, Some("Week 2")));
    rows.sources.push(source(7, 0, 3, Some("Week 2")));
    assert_eq!(suggest(&rows, 0, &[1]).first(), Some(&7));
}

#[test]
fn the_why_line_names_rare_tags_citations_groupings_and_terms() {
    let mut rows = catalog();
    rows.papers[0].authors = r#"["Jared Kaplan"]"#.into();
    rows.papers.push(paper(
        11,
        "protein folding with language models",
        "Protein folding from sequences.",
    ));
    rows.sources.push(source(11, 0, 3, Some("Structure")));
    rows.sources.push(source(1, 0, 3, Some("Structure")));
    rows.tags.push(tag(1, 200, "Protein Design"));
    rows.tags.push(tag(11, 200, "Protein Design"));
    rows.cites.push(CiteRow {
        citing: 11,
        cited: 1,
        scope: 0,
    });
    let snapshot = Snapshot::build(&rows, 1);
    let ask = Ask {
        seeds: &[1],
        limit: 1,
        ..Ask::default()
    };
    let found = snapshot.suggest(&ask);
    assert_eq!(found[0].paper_id, 11);
    let why = found[0].why.text();
    assert!(
        why.starts_with("shares `Protein Design`; cites Kaplan 2020; also in “Structure”; terms: "),
        "{why}"
    );
    assert!(why.contains("protein") || why.contains("folding"), "{why}");
    assert!(found[0].why.markdown().contains("`Protein Design`"));
}

#[test]
fn a_text_ask_names_the_asked_words_each_paper_shares() {
    let snapshot = Snapshot::build(&catalog(), 1);
    let ask = Ask {
        text: Some("molecules and proteins"),
        limit: 10,
        ..Ask::default()
    };
    let found = snapshot.suggest(&ask);
    let why = |id: i64| {
        found
            .iter()
            .find(|s| s.paper_id == id)
            .map(|s| s.why.text())
            .unwrap_or_default()
    };
    // Paper 6 is on graph neural networks for molecules, paper 1 on protein folding.
    assert_eq!(why(6), "terms: molecules", "{found:?}");
    assert_eq!(why(1), "terms: protein", "{found:?}");
    assert_eq!(
        found.len(),
        2,
        "only papers sharing an asked word: {found:?}"
    );
}

#[test]
fn the_ratio_interval_spans_the_ratio_and_is_repeatable() {
    use super::eval::{ratio_interval, PostResult};
    let post = |recall: f64, baseline_recall: f64| PostResult {
        file: String::new(),
        seeds: 1,
        expected: 1,
        recall,
        ndcg: recall,
        baseline_recall,
        baseline_ndcg: baseline_recall,
    };
    let same: Vec<PostResult> = (0..10).map(|_| post(0.5, 0.5)).collect();
    assert_eq!(ratio_interval(&same), Some((1.0, 1.0)));
    let mixed: Vec<PostResult> = (0..40)
        .map(|i| post(if i % 3 == 0 { 1.0 } else { 0.5 }, 0.5))
        .collect();
    let ratio = mixed.iter().map(|p| p.recall).sum::<f64>() / (0.5 * 40.0);
    let (low, high) = ratio_interval(&mixed).unwrap();
    assert!(low < ratio && ratio < high, "{low} {ratio} {high}");
    assert!(low >= 1.0, "every post is at least level: {low}");
    assert_eq!(ratio_interval(&mixed), Some((low, high)));
    assert_eq!(ratio_interval(&[]), None);
}

#[test]
fn recall_and_ndcg_at_ten() {
    use super::eval::{ndcg, recall};
    let expected = [3, 9].into_iter().collect();
    assert_eq!(recall(&[1, 3, 5], &expected), 0.5);
    assert!((ndcg(&[3, 9], &expected) - 1.0).abs() < 1e-9);
    assert!(ndcg(&[1, 3], &expected) < 1.0);
    assert_eq!(ndcg(&[1, 2], &expected), 0.0);
}

#[test]
fn on_a_large_catalog_the_seeds_distinctive_words_find_the_same_neighbour() {
    let mut rows = catalog();
    rows.papers.push(paper(
        11,
        "protein folding with structure models",
        "Protein folding prediction.",
    ));
    rows.sources.push(source(11, 0, 1, None));
    let snapshot = Snapshot::build(&rows, 1);
    let profile = snapshot.text.profile(&[1]);
    let exact = snapshot
        .text
        .similar_to_profile(&profile, &[1], 10, &|_| true);
    let pruned =
        snapshot
            .text
            .similar_to_profile_pooled(&profile, &[1], 10, super::QUERY_TERMS, &|_| true);
    assert_eq!(exact.first().map(|h| h.0), Some(11));
    assert_eq!(pruned.first().map(|h| h.0), Some(11));
    for (id, score) in &pruned {
        let whole = exact.iter().find(|h| h.0 == *id).map(|h| h.1);
        assert!(
            whole.is_some_and(|w| (w - score).abs() < 1e-5),
            "paper {id}: pooled {score}, whole profile {whole:?}"
        );
    }
    assert!(
        pruned.iter().all(|(id, _)| *id != 1),
        "the seed is not its own neighbour"
    );
}

#[test]
fn a_guilds_own_papers_change_nothing_for_the_global_catalog_or_another_guild() {
    let mut base = catalog();
    for (id, text) in [
        (11, "protein structure models from sequence"),
        (12, "folding prediction benchmarks for structure"),
        (13, "protein design with learned energy"),
    ] {
        base.papers.push(paper(id, text, text));
        base.sources.push(source(id, 0, 1, None));
    }
    // Guild 7's own list repeats the seed's words many times over (moving their rarity and
    // the catalog's mean, were its papers counted) and uses new ones.
    let mut with_guild = base.clone();
    for i in 0..30 {
        let text = format!("protein folding protein structure variant{i} quokka");
        with_guild.papers.push(paper(100 + i, &text, &text));
        with_guild
            .sources
            .push(source(100 + i, 7, 9, Some("Guild list")));
    }
    let before = Snapshot::build(&base, 1);
    let after = Snapshot::build(&with_guild, 2);
    let suggest = |snapshot: &Snapshot, scope: u64| -> Vec<(i64, f32, String)> {
        let ask = Ask {
            scope: Scope(scope),
            seeds: &[1],
            limit: 5,
            ..Ask::default()
        };
        snapshot
            .suggest(&ask)
            .iter()
            .map(|s| (s.paper_id, s.score, s.why.text()))
            .collect()
    };
    for scope in [0, 8] {
        let seen = suggest(&before, scope);
        assert!(seen.len() >= 2, "{seen:?}");
        assert_eq!(seen, suggest(&after, scope), "scope {scope}");
    }
    let own = suggest(&after, 7);
    assert!(own.iter().any(|(id, _, _)| *id >= 100), "{own:?}");
}
