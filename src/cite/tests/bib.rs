//! Generated BibTeX and BibLaTeX read back by the `biblatex` crate (title, authors, year,
//! eprint), source entries passed through verbatim or converted, `.bib` files of several
//! papers, and papers with fields missing.

use super::{kaplan, paper};
use crate::cite::{cite, cite_many, names, CiteFormat};
use crate::model::{Link, Paper};
use biblatex::{Bibliography, ChunksExt};

const KAPLAN_SCHOLAR: &str = include_str!("../../../tests/fixtures/cite/kaplan_scholar.bib");
const VASWANI: &str = include_str!("../../../tests/fixtures/cite/vaswani_proceedings.bib");
const HOFFMANN: &str = include_str!("../../../tests/fixtures/cite/arxiv_misc.bib");
const GPT4: &str = include_str!("../../../tests/fixtures/cite/techreport.bib");
const BROWN: &str = include_str!("../../../tests/fixtures/cite/string_macros.bib");

fn parse_one(bib: &str) -> biblatex::Entry {
    let parsed = Bibliography::parse(bib).unwrap_or_else(|e| panic!("{e:?} in\n{bib}"));
    assert_eq!(parsed.len(), 1, "{bib}");
    parsed.into_vec().remove(0)
}

fn field(entry: &biblatex::Entry, name: &str) -> Option<String> {
    entry.get(name).map(|c| c.format_verbatim())
}

/// Generated BibTeX and BibLaTeX for `p` both parse back to its title, authors, year and
/// eprint.
fn assert_round_trip(p: &Paper) {
    for format in [CiteFormat::Bibtex, CiteFormat::Biblatex] {
        let bib = cite(p, format);
        assert!(bib.ends_with("}\n"), "{bib}");
        let e = parse_one(&bib);
        let title = p.title.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(field(&e, "title").unwrap_or_default(), title, "{bib}");
        let expected: Vec<(String, Option<String>)> = p
            .authors
            .iter()
            .map(|a| names::split(a))
            .filter(|n| !n.family.is_empty())
            .map(|n| {
                let family = match n.particle {
                    Some(particle) if n.organisation => format!("{particle} {}", n.family),
                    _ => n.family,
                };
                (family, n.given)
            })
            .collect();
        let parsed: Vec<(String, Option<String>)> = e
            .author()
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.name, Some(a.given_name).filter(|g| !g.is_empty())))
            .collect();
        assert_eq!(parsed, expected, "{bib}");
        let year = if format == CiteFormat::Bibtex {
            "year"
        } else {
            "date"
        };
        assert_eq!(field(&e, year), p.year.map(|y| y.to_string()), "{bib}");
        assert_eq!(field(&e, "eprint"), p.arxiv.clone(), "{bib}");
    }
}

#[test]
fn generated_bibtex_for_an_arxiv_paper_is_a_misc_eprint() {
    let bib = cite(&kaplan(), CiteFormat::Bibtex);
    assert!(bib.starts_with("@misc{kaplan2020scaling,\n"), "{bib}");
    for piece in [
        "title = {{Scaling Laws for Neural Language Models}}",
        "author = {Jared Kaplan and Sam McCandlish and Tom Henighan and Dario Amodei}",
        "year = {2020}",
        "eprint = {2001.08361}",
        "archivePrefix = {arXiv}",
        "url = {https://arxiv.org/abs/2001.08361}",
    ] {
        assert!(bib.contains(piece), "{piece} missing in\n{bib}");
    }
    assert_round_trip(&kaplan());
}

#[test]
fn tricky_titles_survive_escaping_and_parse_back() {
    let titles = [
        "Attention & Memory: 100% of $5 on #1 snake_case",
        "Braces {like} these } and { unbalanced",
        "C++ Templates ~ Tilde ^ Caret \\ Backslash",
        "Kernel Methods à la Schölkopf — naïve Bayes, Zürich",
        "大规模语言模型 survey",
        "GPT-4 and BERT on ImageNet",
    ];
    for t in titles {
        assert_round_trip(&Paper {
            arxiv: Some("2101.00001".into()),
            ..paper(t, &["Jane Doe"], Some(2021))
        });
    }
}

#[test]
fn tricky_authors_survive_and_organisations_stay_whole() {
    let p = paper(
        "Mixed Authors",
        &[
            "Bernhard Schölkopf",
            "张伟",
            "OpenAI",
            "Google DeepMind",
            "Ludwig van Beethoven",
            "Vaswani, Ashish",
            "AT&T Labs",
        ],
        Some(2019),
    );
    assert_round_trip(&p);
    let bib = cite(&p, CiteFormat::Bibtex);
    assert!(bib.contains("{OpenAI} and {Google DeepMind}"), "{bib}");
    assert!(bib.contains(r"{AT\&T Labs}"), "{bib}");
    assert!(bib.contains("Bernhard Schölkopf and 张伟"), "{bib}");
}

#[test]
fn missing_fields_still_give_valid_entries() {
    for p in [
        paper("No Authors", &[], Some(2020)),
        paper("No Year", &["Jane Doe"], None),
        paper("", &[], None),
        paper("   ", &["  "], Some(-5)),
    ] {
        assert_round_trip(&Paper {
            year: p.year.filter(|y| *y > 0),
            ..p.clone()
        });
        for f in CiteFormat::ALL {
            assert!(!cite(&p, f).trim().is_empty(), "{} for {p:?}", f.name());
        }
    }
    let bib = cite(&paper("", &[], None), CiteFormat::Bibtex);
    assert!(bib.starts_with("@misc{anon"), "{bib}");
}

#[test]
fn venues_choose_the_entry_type() {
    let mut p = kaplan();
    p.venue = Some("NeurIPS 2020".into());
    let bib = cite(&p, CiteFormat::Bibtex);
    assert!(bib.starts_with("@inproceedings{"), "{bib}");
    assert!(bib.contains("booktitle = {NeurIPS 2020}"), "{bib}");
    let e = parse_one(&bib);
    assert_eq!(field(&e, "booktitle").as_deref(), Some("NeurIPS 2020"));

    p.venue = Some("Journal of Machine Learning Research".into());
    p.doi = Some("10.5555/3455716".into());
    let bib = cite(&p, CiteFormat::Bibtex);
    assert!(bib.starts_with("@article{"), "{bib}");
    assert!(
        bib.contains("journal = {Journal of Machine Learning Research}"),
        "{bib}"
    );
    assert_eq!(
        field(&parse_one(&bib), "doi").as_deref(),
        Some("10.5555/3455716")
    );
    let bib = cite(&p, CiteFormat::Biblatex);
    assert!(
        bib.contains("journaltitle = {Journal of Machine Learning Research}"),
        "{bib}"
    );

    let mut q = paper("A Web Paper", &["Jane Doe"], Some(2022));
    q.links = vec![Link::new("blog", "https://example.org/post?id=1&x=%20")];
    let bib = cite(&q, CiteFormat::Bibtex);
    assert!(bib.starts_with("@misc{doe2022web,"), "{bib}");
    let e = parse_one(&bib);
    assert_eq!(
        field(&e, "url").as_deref(),
        Some("https://example.org/post?id=1&x=%20")
    );
}

#[test]
fn biblatex_uses_biblatex_conventions() {
    let bib = cite(&kaplan(), CiteFormat::Biblatex);
    assert!(bib.starts_with("@online{kaplan2020scaling,"), "{bib}");
    for piece in [
        "date = {2020}",
        "eprinttype = {arxiv}",
        "eprint = {2001.08361}",
    ] {
        assert!(bib.contains(piece), "{piece} missing in\n{bib}");
    }
    assert!(
        !bib.contains("archivePrefix") && !bib.contains("year ="),
        "{bib}"
    );
}

#[test]
fn the_source_entry_is_returned_verbatim() {
    let p = Paper {
        bibtex: Some(KAPLAN_SCHOLAR.to_string()),
        ..kaplan()
    };
    assert_eq!(cite(&p, CiteFormat::Bibtex), KAPLAN_SCHOLAR);
    let trimmed = Paper {
        bibtex: Some(KAPLAN_SCHOLAR.trim_end().to_string()),
        ..kaplan()
    };
    assert_eq!(cite(&trimmed, CiteFormat::Bibtex), KAPLAN_SCHOLAR);
}

#[test]
fn source_entries_are_converted_to_biblatex() {
    let with = |src: &str| {
        let p = Paper {
            bibtex: Some(src.to_string()),
            ..kaplan()
        };
        let out = cite(&p, CiteFormat::Biblatex);
        parse_one(&out);
        out
    };
    let out = with(KAPLAN_SCHOLAR);
    assert!(out.starts_with("@article{kaplan2020scaling,"), "{out}");
    assert!(
        out.contains("journaltitle = {arXiv preprint arXiv:2001.08361}"),
        "{out}"
    );
    assert!(
        out.contains("date = {2020}") && !out.contains("year"),
        "{out}"
    );

    let out = with(VASWANI);
    assert!(
        out.starts_with("@inproceedings{vaswani2017attention,"),
        "{out}"
    );
    assert!(out.contains("title = {Attention is All you Need}"), "{out}");
    assert!(out.contains(r"Kaiser, {\L}ukasz"), "{out}");
    assert!(out.contains("location = {Long Beach, CA}"), "{out}");
    assert!(
        out.contains("date = {2017-12}") && !out.contains("month"),
        "{out}"
    );

    let out = with(HOFFMANN);
    assert!(out.starts_with("@online{hoffmann2022training,"), "{out}");
    assert!(out.contains("eprinttype = {arxiv}"), "{out}");
    assert!(out.contains("eprintclass = {cs.CL}"), "{out}");

    let out = with(GPT4);
    assert!(out.starts_with("@report{openai2023gpt4,"), "{out}");
    assert!(out.contains("title = {{GPT-4} Technical Report}"), "{out}");
    assert!(out.contains("type = {Technical Report}"), "{out}");
    assert!(out.contains("date = {2023-03}"), "{out}");

    let out = with(BROWN);
    assert!(
        out.starts_with("@inproceedings{brown2020language,"),
        "{out}"
    );
    let booktitle = "booktitle = {Advances in Neural Information Processing Systems} # { 33}";
    assert!(out.contains(booktitle), "{out}");
    assert!(
        out.contains("date = {2020-12}") && !out.contains("@string"),
        "{out}"
    );

    // A source that does not parse falls back to the generated entry.
    let out = with("@article{broken, title = {unclosed");
    assert!(out.starts_with("@online{kaplan2020scaling,"), "{out}");
}

#[test]
fn several_papers_make_a_bib_file() {
    let mut q = paper("Attention Is All You Need", &["Ashish Vaswani"], Some(2017));
    q.venue = Some("NeurIPS".into());
    let papers = [kaplan(), q, paper("", &[], None)];
    let bib = cite_many(&papers, CiteFormat::Bibtex);
    assert_eq!(bib.matches("\n\n@").count(), 2, "{bib}");
    let parsed = Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(parsed.len(), 3);
    assert!(parsed.get("vaswani2017attention").is_some());
    let bib = cite_many(&papers, CiteFormat::Biblatex);
    assert_eq!(Bibliography::parse(&bib).map(|b| b.len()).ok(), Some(3));
}

#[test]
fn repeated_keys_in_one_bib_file_are_made_unique() {
    let p = paper("Same Title", &["Jane Doe"], Some(2020));
    let bib = cite_many(&[p.clone(), p.clone(), p], CiteFormat::Bibtex);
    let parsed = Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{e:?}"));
    let keys: Vec<&str> = parsed.keys().collect();
    assert_eq!(keys, ["doe2020same", "doe2020sameb", "doe2020samec"]);
}
