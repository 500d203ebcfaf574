//! The prose styles through the CSL engine on the Kaplan et al. paper and on papers with a
//! venue, chat markdown, markdown links, and bibliographies of several papers.

use super::{kaplan, paper};
use crate::cite::{cite, cite_many, cite_markdown, CiteFormat};

#[test]
fn apa_renders_kaplan() {
    let s = cite(&kaplan(), CiteFormat::Apa);
    for piece in [
        "Kaplan, J.",
        "McCandlish, S.",
        "& Amodei, D.",
        "(2020)",
        "arXiv",
    ] {
        assert!(s.contains(piece), "{piece} missing in {s}");
    }
    assert!(s.contains("https://arxiv.org/abs/2001.08361"), "{s}");
}

#[test]
fn mla_renders_kaplan() {
    let s = cite(&kaplan(), CiteFormat::Mla);
    for piece in [
        "Kaplan, Jared, et al.",
        "“Scaling Laws for Neural Language Models.”",
        "2020",
    ] {
        assert!(s.contains(piece), "{piece} missing in {s}");
    }
}

#[test]
fn chicago_renders_kaplan() {
    let s = cite(&kaplan(), CiteFormat::Chicago);
    let piece = "Kaplan, Jared, Sam McCandlish, Tom Henighan, and Dario Amodei. 2020.";
    assert!(s.starts_with(piece), "{s}");
    assert!(
        s.contains("“Scaling Laws for Neural Language Models.”"),
        "{s}"
    );
}

#[test]
fn ieee_renders_kaplan() {
    let s = cite(&kaplan(), CiteFormat::Ieee);
    for piece in [
        "J. Kaplan, S. McCandlish",
        "and D. Amodei",
        "“Scaling Laws",
        "arXiv:2001.08361",
    ] {
        assert!(s.contains(piece), "{piece} missing in {s}");
    }
    assert!(!s.starts_with('['), "a single reference has no label: {s}");
}

#[test]
fn styles_show_the_venue_and_keep_its_case() {
    let mut p = kaplan();
    p.venue = Some("NeurIPS 2020".into());
    p.title = "BERT on ImageNet for iOS".into();
    for f in [
        CiteFormat::Apa,
        CiteFormat::Mla,
        CiteFormat::Chicago,
        CiteFormat::Ieee,
    ] {
        let s = cite(&p, f);
        assert!(s.contains("NeurIPS 2020"), "{}: {s}", f.name());
        assert!(
            s.contains("BERT") && s.contains("ImageNet") && s.contains("iOS"),
            "{s}"
        );
        assert!(
            !s.contains("special issue") && !s.contains(",."),
            "{}: {s}",
            f.name()
        );
    }
    assert!(cite(&p, CiteFormat::Ieee).contains("in NeurIPS 2020"));
}

#[test]
fn chat_markdown_italicises_and_escapes() {
    let s = cite_markdown(&kaplan(), CiteFormat::Apa);
    assert!(
        s.contains("*Scaling Laws for Neural Language Models*"),
        "{s}"
    );
    let s = cite_markdown(&kaplan(), CiteFormat::Ieee);
    assert!(s.contains(r"\[Online\]"), "{s}");
    assert_eq!(
        cite_markdown(&kaplan(), CiteFormat::Bibtex),
        cite(&kaplan(), CiteFormat::Bibtex)
    );
}

#[test]
fn markdown_link_line() {
    assert_eq!(
        cite(&kaplan(), CiteFormat::Markdown),
        "[Scaling Laws for Neural Language Models](<https://arxiv.org/abs/2001.08361>) — Kaplan et al. (2020)"
    );
    let p = paper(
        "Bold *claims* [and] `code`_x",
        &["Jane Doe", "John Roe"],
        None,
    );
    assert_eq!(
        cite(&p, CiteFormat::Markdown),
        r"Bold \*claims\* \[and\] \`code\`\_x — Doe & Roe"
    );
    assert_eq!(
        cite(&paper("", &[], Some(1999)), CiteFormat::Markdown),
        "Untitled (1999)"
    );
}

#[test]
fn several_papers_make_a_bibliography() {
    let q = paper("Attention Is All You Need", &["Ashish Vaswani"], Some(2017));
    let papers = [q, kaplan(), kaplan()];
    let ieee = cite_many(&papers, CiteFormat::Ieee);
    let lines: Vec<&str> = ieee.lines().collect();
    assert_eq!(lines.len(), 3, "{ieee}");
    assert!(lines[0].starts_with("[1] A. Vaswani"), "{ieee}");
    assert!(lines[2].starts_with("[3] J. Kaplan"), "{ieee}");
    let apa = cite_many(&papers, CiteFormat::Apa);
    let lines: Vec<&str> = apa.lines().collect();
    assert_eq!(lines.len(), 3, "{apa}");
    // APA sorts by author and tells the two identical references apart.
    assert!(
        lines[0].contains("(2020a)") && lines[2].starts_with("Vaswani"),
        "{apa}"
    );
    assert_eq!(cite_many(&[], CiteFormat::Apa), "");
}

#[test]
fn every_format_has_a_name_that_parses_back() {
    for f in CiteFormat::ALL {
        assert_eq!(CiteFormat::parse(&f.name().to_uppercase()), Some(f));
    }
    assert_eq!(CiteFormat::parse("harvard"), None);
}

#[test]
fn chat_markdown_leaves_urls_alone() {
    let mut p = paper("Under_scored *title*", &["Jane Doe"], Some(2021));
    p.links = vec![crate::model::Link::new("paper", "https://ex.org/a_b*c")];
    let s = cite_markdown(&p, CiteFormat::Apa);
    assert!(s.contains(r"Under\_scored \*title\*"), "{s}");
    assert!(s.contains("https://ex.org/a_b*c"), "{s}");
}

#[test]
fn a_person_named_ai_is_a_person_in_apa_and_mla() {
    let mut p = paper(
        "Unbiased Learning to Rank with Unbiased Propensity Estimation",
        &["Ai, Qingyao", "Bi, Keping", "Luo, Cheng"],
        Some(2018),
    );
    let apa = cite(&p, CiteFormat::Apa);
    assert!(apa.starts_with("Ai, Q., Bi, K., & Luo, C. (2018)"), "{apa}");
    let mla = cite(&p, CiteFormat::Mla);
    assert!(mla.starts_with("Ai, Qingyao, et al."), "{mla}");
    p.authors = vec!["Ai Jun".into(), "Meta AI".into()];
    let apa = cite(&p, CiteFormat::Apa);
    assert!(apa.starts_with("Jun, A., & Meta AI. (2018)"), "{apa}");
}
