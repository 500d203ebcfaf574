//! Tests for the `.bib` reader on a hand-written messy file.

use super::*;

const MESSY: &str = include_str!("../../tests/fixtures/ingest/messy.bib");

fn by_key<'a>(out: &'a ParseOutput, key: &str) -> &'a RawEntry {
    out.entries
        .iter()
        .find(|e| e.bibtex.as_ref().is_some_and(|b| b.key == key))
        .unwrap_or_else(|| panic!("no entry {key}"))
}

#[test]
fn good_entries_survive_a_broken_one() {
    let out = parse(MESSY);
    let keys: Vec<&str> = out
        .entries
        .iter()
        .filter_map(|e| e.bibtex.as_ref().map(|b| b.key.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            "srivastava2014dropout",
            "vaswani2017attention",
            "scholkopf2002learning",
            "kingma2015adam",
            "DBLP:journals/corr/HeZRS15",
            "anonymous2021",
            "lecun2015deep",
            "lecun2015deep_again",
            "unclosed2019",
        ]
    );
    let broken = out
        .warnings
        .iter()
        .find(|w| w.message.contains("broken2020"))
        .expect("warning for the broken entry");
    assert_eq!(broken.line, 37);
    assert!(broken.message.contains("skipped"), "{}", broken.message);
}

#[test]
fn entries_carry_their_start_line_and_verbatim_text() {
    let out = parse(MESSY);
    let dropout = by_key(&out, "srivastava2014dropout");
    assert_eq!(dropout.line, 8);
    let raw = &dropout.bibtex.as_ref().expect("bib").raw;
    assert!(raw.starts_with("@article{srivastava2014dropout,"));
    assert!(raw.ends_with('}'));
    assert!(raw.contains("pages   = {1929--1958},"));
    assert_eq!(by_key(&out, "kingma2015adam").line, 43);
}

#[test]
fn fields_are_decoded_and_macros_expanded() {
    let out = parse(MESSY);
    let dropout = by_key(&out, "srivastava2014dropout");
    assert_eq!(
        dropout.venue.as_deref(),
        Some("Journal of Machine Learning Research")
    );
    assert_eq!(dropout.year, Some(2014));
    let bib = dropout.bibtex.as_ref().expect("bib");
    assert_eq!(bib.field("pages"), Some("1929–1958"));
    assert_eq!(bib.entry_type, "article");

    let kernels = by_key(&out, "scholkopf2002learning");
    assert_eq!(
        kernels.authors,
        ["Bernhard Schölkopf", "Alexander J. Smola"]
    );
    assert_eq!(kernels.year, Some(2002));
    let kbib = kernels.bibtex.as_ref().expect("bib");
    assert_eq!(kbib.field("month"), Some("December"));

    let vaswani = by_key(&out, "vaswani2017attention");
    assert!(vaswani.authors.contains(&"Łukasz Kaiser".to_string()));
    assert_eq!(
        vaswani.venue.as_deref(),
        Some("Advances in Neural Information Processing Systems")
    );
    assert_eq!(vaswani.arxiv.as_deref(), Some("1706.03762"));

    let odd = by_key(&out, "anonymous2021");
    assert!(odd.authors.is_empty());
    assert_eq!(odd.title, "An Entry With Große Ideas & No Authors – Yet");
}

#[test]
fn identity_comes_from_eprint_doi_and_corr_volume() {
    let out = parse(MESSY);
    let adam = by_key(&out, "kingma2015adam");
    assert_eq!(adam.title, "Adam: A Method for Stochastic Optimization");
    assert_eq!(adam.authors, ["Diederik P. Kingma", "Jimmy Ba"]);
    assert_eq!(adam.arxiv.as_deref(), Some("1412.6980"));
    assert_eq!(adam.doi, None);

    let resnet = by_key(&out, "DBLP:journals/corr/HeZRS15");
    assert_eq!(resnet.arxiv.as_deref(), Some("1512.03385"));
    assert_eq!(resnet.tags, ["vision", "residual networks"]);

    let deep = by_key(&out, "lecun2015deep");
    assert_eq!(deep.doi.as_deref(), Some("10.1038/nature14539"));
    assert_eq!(
        deep.authors,
        ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]
    );
}

#[test]
fn duplicates_and_unclosed_entries_are_warned_about() {
    let out = parse(MESSY);
    let dup = out
        .warnings
        .iter()
        .find(|w| w.message.starts_with("duplicate"))
        .expect("duplicate warning");
    assert_eq!(dup.line, by_key(&out, "lecun2015deep_again").line);
    assert!(dup.message.contains("10.1038/nature14539"));

    let last = by_key(&out, "unclosed2019");
    assert_eq!(last.authors, ["Jane Doe"]);
    assert!(out
        .warnings
        .iter()
        .any(|w| w.line == last.line && w.message.contains("not closed")));
}

#[test]
fn split_respects_nesting_escapes_and_multibyte_text() {
    let text = "junk é @ not an entry\n@misc{a, title={x {y} \\} z}}\n@misc{şimşek, note={@x}}";
    let chunks = split(text);
    assert_eq!(chunks.len(), 2);
    assert_eq!(chunks[0].text, "@misc{a, title={x {y} \\} z}}");
    assert_eq!(chunks[1].line, 3);
    assert_eq!(chunks[1].open, 0);
    let out = parse(text);
    assert_eq!(out.entries.len(), 2);
    assert_eq!(
        out.entries[1].bibtex.as_ref().map(|b| b.key.as_str()),
        Some("şimşek")
    );
}

#[test]
fn text_without_entries_warns_once() {
    let out = parse("just some notes, no bibliography here");
    assert!(out.entries.is_empty());
    assert_eq!(out.warnings.len(), 1);
    assert!(parse("").warnings.is_empty());
}

#[test]
fn the_stored_entry_carries_the_values_of_the_files_string_macros() {
    let out = parse(include_str!(
        "../../tests/fixtures/cite/macros_in_entries.bib"
    ));
    let dropout = by_key(&out, "srivastava2014dropout");
    let raw = &dropout.bibtex.as_ref().unwrap().raw;
    assert!(
        raw.contains("journal = {Journal of Machine Learning Research},"),
        "{raw}"
    );
    let brown = by_key(&out, "brown2020language");
    let raw = &brown.bibtex.as_ref().unwrap().raw;
    assert!(
        raw.contains(r#"booktitle = {Advances in Neural Information Processing Systems} # " 33","#),
        "{raw}"
    );
    // Month names are BibTeX's own and stay as written.
    assert!(raw.contains("month     = dec,"), "{raw}");
    assert_eq!(
        brown.venue.as_deref(),
        Some("Advances in Neural Information Processing Systems 33")
    );
}

#[test]
fn an_unclosed_entry_is_stored_as_written_with_its_macros_expanded() {
    let text = "@string{jmlr = {Journal of Machine Learning Research}}\n\n\
                @article{open2014,\n  title = {Open},\n  journal = jmlr,\n  year = {2014}\n";
    let out = parse(text);
    let raw = &by_key(&out, "open2014").bibtex.as_ref().unwrap().raw;
    assert!(
        raw.contains("journal = {Journal of Machine Learning Research},"),
        "{raw}"
    );
    assert!(raw.trim_end().ends_with("year = {2014}"), "{raw}");
}

#[test]
fn an_entry_cut_off_inside_a_value_is_skipped_not_stored_with_half_a_title() {
    let text = "@article{whole2020,\n  title = {Complete},\n  year = {2020}\n}\n\n\
                @article{kaplan2020scaling,\n  title = {Scaling Laws for Neural Lang";
    let out = parse(text);
    let titles: Vec<&str> = out.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Complete"]);
    let w = out
        .warnings
        .iter()
        .find(|w| w.message.contains("kaplan2020scaling"))
        .expect("a warning about the cut entry");
    assert_eq!(w.line, 6);
    assert!(
        w.message.contains("stops inside a value at line 7"),
        "{}",
        w.message
    );
    assert!(w.message.ends_with("skipped"), "{}", w.message);
}
