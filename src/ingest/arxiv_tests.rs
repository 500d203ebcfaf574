use super::*;

const DAILY: &str = include_str!("../../tests/fixtures/ingest/arxiv_daily.jsonl");
const SNAPSHOT: &str = include_str!("../../tests/fixtures/ingest/arxiv_snapshot.jsonl");

fn by_id<'a>(out: &'a ParseOutput, id: &str) -> &'a RawEntry {
    out.entries
        .iter()
        .find(|e| e.arxiv.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no entry {id}"))
}

#[test]
fn daily_listing_records_become_entries_with_every_line_kept() {
    let out = parse(DAILY);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        out.entries.len(),
        6,
        "the repeated id is kept for the catalog to merge"
    );
    let e = by_id(&out, "2505.05040");
    assert_eq!(e.line, 5);
    assert_eq!(e.year, Some(2025));
    assert_eq!(e.authors, ["Matīss Rikters", "Edison Marrese-Taylor"]);
    let abs = e.abstract_text.as_deref().unwrap_or_default();
    assert!(!abs.contains('\n') && !abs.contains("  "), "{abs}");
    assert_eq!(
        e.links,
        [Link::new("paper", "https://arxiv.org/abs/2505.05040")]
    );
}

#[test]
fn sixty_authors_are_all_kept_in_order() {
    let out = parse(DAILY);
    let e = by_id(&out, "2505.09388");
    assert_eq!(e.authors.len(), 60);
    assert!(e.authors.iter().all(|a| !a.trim().is_empty()));
}

#[test]
fn arxiv_classes_become_tags_and_acm_msc_codes_do_not() {
    let out = parse(DAILY);
    assert_eq!(by_id(&out, "2504.21589").tags, ["cs.CL", "cs.AI", "cs.DL"]);
    assert_eq!(by_id(&out, "2505.02199").tags, ["cs.IR", "cs.CL"]);
    let out = parse(SNAPSHOT);
    assert_eq!(by_id(&out, "0704.0001").tags, ["hep-ph"]);
    assert_eq!(by_id(&out, "1706.03762").tags, ["cs.CL", "cs.LG"]);
}

#[test]
fn class_shapes() {
    for yes in [
        "cs.CL",
        "stat.ML",
        "math.OC",
        "q-bio.NC",
        "hep-th",
        "physics.med-ph",
        "cond-mat.mes-hall",
    ] {
        assert!(ARXIV_CLASS.is_match(yes), "{yes}");
    }
    for no in [
        "I.2.7",
        "68T50",
        "H.3.3",
        "03",
        "(Primary)",
        "cs",
        "CS.CL",
        "",
    ] {
        assert!(!ARXIV_CLASS.is_match(no), "{no}");
    }
}

#[test]
fn latex_in_titles_is_decoded() {
    let out = parse(DAILY);
    assert_eq!(
        by_id(&out, "2505.15623").title,
        "Can LLMs understand Math? – Exploring the Pitfalls in Mathematical Reasoning"
    );
}

#[test]
fn snapshot_records_use_parsed_authors_doi_and_journal_ref() {
    let out = parse(SNAPSHOT);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let e = by_id(&out, "0704.0001");
    assert_eq!(
        e.title,
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    );
    assert_eq!(e.authors[0], "C. Balázs");
    assert_eq!(e.authors.len(), 4);
    assert_eq!(e.doi.as_deref(), Some("10.1103/physrevd.76.013009"));
    assert_eq!(e.venue.as_deref(), Some("Phys.Rev.D76:013009,2007"));
    assert_eq!(e.year, Some(2007));
    let abs = e.abstract_text.as_deref().unwrap_or_default();
    assert!(
        abs.starts_with(
            "A fully differential calculation in perturbative quantum chromodynamics is presented"
        ),
        "{abs}"
    );
    let v = by_id(&out, "1706.03762");
    assert_eq!(v.authors[5], "Aidan N. Gomez");
}

#[test]
fn snapshot_author_string_is_split_when_not_parsed() {
    let line = r#"{"id": "1706.03762", "title": "Attention Is All You Need", "authors": "Ashish Vaswani, Noam Shazeer and Niki Parmar", "abstract": "x"}"#;
    let out = parse(line);
    assert_eq!(
        out.entries[0].authors,
        ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    );
}

#[test]
fn broken_lines_are_warned_about_and_the_rest_kept() {
    let text = format!(
        "{{\"id\": \"1\"\n{{\"id\": \"2505.00001\"}}\n{}",
        SNAPSHOT.lines().nth(1).unwrap_or("")
    );
    let out = parse(&text);
    assert_eq!(out.entries.len(), 1);
    assert_eq!(out.warnings.len(), 2);
    assert_eq!(out.warnings[0].line, 1);
    assert!(out.warnings[1].message.contains("without a title"));
}

#[test]
fn only_json_records_with_id_and_title_look_like_arxiv() {
    assert!(looks_like(DAILY));
    assert!(looks_like(&format!("\n\n{SNAPSHOT}")));
    assert!(!looks_like("{\"name\": \"x\"}"));
    assert!(!looks_like("# A list\n"));
    assert!(!looks_like(""));
}
