//! Ranking by meaning on hand-made vectors, where the answer is clear.

use super::graph::GraphRows;
use super::tests::{catalog, paper, source, suggest};
use super::{Ask, Snapshot};
use crate::model::Scope;

/// The unit vector of `v`.
fn unit(v: &[f32]) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter().map(|x| x / n).collect()
}

/// One-hot vectors, one axis per paper of [`catalog`]: nothing is close to anything.
fn apart(dim: usize) -> Vec<(i64, Vec<f32>)> {
    (1..=10)
        .map(|id| {
            let mut v = vec![0.0; dim];
            v[id as usize - 1] = 1.0;
            (id, v)
        })
        .collect()
}

/// [`catalog`] and paper 11, which shares no word with paper 1 but means nearly the
/// same; every other paper has an axis of its own.
fn with_paraphrase() -> GraphRows {
    let mut rows = catalog();
    rows.papers.push(paper(
        11,
        "Tertiary shapes from amino-acid chains",
        "AlphaFold-like.",
    ));
    rows.sources.push(source(11, 0, 1, None));
    rows.vectors = apart(12);
    let mut close = vec![0.0; 12];
    close[0] = 0.9;
    close[10] = 0.3;
    rows.vectors.push((11, unit(&close)));
    rows
}

#[test]
fn a_paper_close_in_meaning_surfaces_though_it_shares_no_word_and_says_so() {
    // Paper 1 is "protein folding structure prediction"; 11 says the same in other words.
    let mut rows = with_paraphrase();
    let snapshot = Snapshot::build(&rows, 1);
    let got = snapshot.suggest(&Ask {
        scope: Scope::GLOBAL,
        seeds: &[1],
        limit: 10,
        ..Ask::default()
    });
    assert_eq!(got.first().map(|s| s.paper_id), Some(11), "{got:?}");
    assert_eq!(got[0].why.text(), "close in meaning");
    // Without vectors the words alone cannot find it.
    rows.vectors.clear();
    assert!(!suggest(&rows, 0, &[1]).contains(&11));
}

#[test]
fn what_every_paper_shares_counts_less_than_what_sets_the_seeds_apart() {
    let mut rows = catalog();
    // Axis 0 is what the whole field shares; 1 is the seed's own subject.
    let field = |own: f32, noise: f32| unit(&[1.0, own, noise]);
    rows.vectors = (1..=10)
        .map(|id| (id, field(0.0, 0.05 * id as f32)))
        .collect();
    rows.vectors[0] = (1, field(0.3, 0.0)); // the seed
    rows.vectors[1] = (2, unit(&[1.0, 0.0, 0.0])); // the field's centre, nothing else
    rows.vectors[2] = (3, unit(&[0.3, 1.0, 0.0])); // the seed's subject
    let got = suggest(&rows, 0, &[1]);
    let at = |id: i64| got.iter().position(|&p| p == id);
    // By plain cosine 2 is nearer the seed (0.96 against 0.55); by what sets it apart, 3.
    assert!(
        at(3).is_some() && (at(2).is_none() || at(3) < at(2)),
        "{got:?}"
    );
}

#[test]
fn another_guilds_paper_is_never_suggested_and_never_moves_the_ranking() {
    let mut rows = catalog();
    rows.vectors = apart(12);
    rows.vectors[1].1[0] = 0.5; // paper 2 is a little like paper 1
    rows.vectors[1].1 = unit(&rows.vectors[1].1);
    let before = suggest(&rows, 8, &[1]);
    // Guild 7 imports a paper that means the same as paper 1.
    rows.papers
        .push(paper(11, "A guild's own copy", "Private."));
    rows.sources.push(source(11, 7, 2, None));
    let mut same = vec![0.0; 12];
    same[0] = 1.0;
    rows.vectors.push((11, same));
    assert_eq!(
        suggest(&rows, 8, &[1]),
        before,
        "guild 8 sees nothing of it"
    );
    assert_eq!(
        suggest(&rows, 0, &[1]),
        before,
        "nor does the global catalog"
    );
    assert_eq!(suggest(&rows, 7, &[1]).first(), Some(&11));
}

#[test]
fn the_integer_dot_product_is_exact_at_every_length() {
    for len in [0, 1, 15, 16, 17, 384] {
        let q: Vec<i16> = (0..len).map(|i| (i as i16 * 7 % 13 - 6) * 2730).collect();
        let v: Vec<i8> = (0..len).map(|i| (i * 31 % 255 - 127) as i8).collect();
        let exact: i64 = q
            .iter()
            .zip(&v)
            .map(|(a, b)| i64::from(*a) * i64::from(*b))
            .sum();
        assert_eq!(i64::from(super::semantic::dot_i8(&q, &v)), exact, "{len}");
    }
}

#[test]
fn a_vector_of_another_length_is_left_out_not_the_others() {
    let mut rows = with_paraphrase();
    // The lowest paper id holds a cut-short vector; it must not decide the width. Paper 11
    // now means what paper 2 means.
    rows.vectors[0].1.truncate(3);
    let like_2 = rows.vectors[1].1.clone();
    if let Some(last) = rows.vectors.last_mut() {
        *last = (11, like_2);
    }
    let got = suggest(&rows, 0, &[2]);
    assert_eq!(got.first(), Some(&11), "{got:?}");
}

#[test]
fn a_shortlist_by_signs_keeps_the_clear_nearest_and_the_ranking_is_exact_within_it() {
    let rows = with_paraphrase();
    let snapshot = Snapshot::build(&rows, 1);
    let sem = snapshot.semantic.as_ref().expect("vectors");
    let seed = snapshot.graph.index[&1];
    let exact = sem.similar_with(&[seed], 3, |_| true, None);
    let short = sem.similar_with(&[seed], 3, |_| true, Some(3));
    assert_eq!(exact.first(), short.first(), "{exact:?} {short:?}");
    assert_eq!(snapshot.graph.ids[short[0].0 as usize], 11);
    // A shortlist longer than the catalog is the whole catalog.
    assert_eq!(sem.similar_with(&[seed], 3, |_| true, Some(100)), exact);
}

#[test]
fn another_guilds_papers_take_no_place_in_a_shortlist() {
    let rows = with_paraphrase();
    let ranked = |rows: &super::graph::GraphRows| {
        let snapshot = Snapshot::build(rows, 1);
        let sem = snapshot.semantic.as_ref().expect("vectors");
        let seed = snapshot.graph.index[&1];
        let sees = |n: super::graph::Node| snapshot.graph.sees(8, n);
        sem.similar_with(&[seed], 2, sees, Some(2))
            .into_iter()
            .map(|(n, _)| snapshot.graph.ids[n as usize])
            .collect::<Vec<i64>>()
    };
    let before = ranked(&rows);
    assert_eq!(before.first(), Some(&11), "{before:?}");
    // Guild 7 imports five papers meaning exactly what paper 1 means.
    let mut with_guild = rows.clone();
    for id in 20..25 {
        with_guild
            .papers
            .push(paper(id, "A guild's own copy", "Private."));
        with_guild.sources.push(source(id, 7, 2, None));
        let mut same = vec![0.0; 12];
        same[0] = 1.0;
        with_guild.vectors.push((id, same));
    }
    assert_eq!(
        ranked(&with_guild),
        before,
        "guild 8's shortlist is unchanged"
    );
}
