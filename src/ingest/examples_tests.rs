//! The bundled example catalog (`examples/`) is what a fresh `paperclub chat` imports, so
//! every file must be detected, parse without warnings, and share papers across files
//! under different link forms so that merging has something to show.

use super::{detect::detect, ids, parse, Format, ParseOutput};

const EXAMPLES: [(&str, &str, Format, usize); 5] = [
    (
        "llm-reading-list.md",
        include_str!("../../examples/llm-reading-list.md"),
        Format::Awesome,
        10,
    ),
    (
        "week-03-scaling-laws.md",
        include_str!("../../examples/course/week-03-scaling-laws.md"),
        Format::Course,
        5,
    ),
    (
        "scaling-laws-wiki.txt",
        include_str!("../../examples/scaling-laws-wiki.txt"),
        Format::Wiki,
        6,
    ),
    (
        "classic-ml.bib",
        include_str!("../../examples/classic-ml.bib"),
        Format::Bibtex,
        10,
    ),
    (
        "attention-hub.txt",
        include_str!("../../examples/attention-hub.txt"),
        Format::Hub,
        5,
    ),
];

fn parsed() -> Vec<(&'static str, ParseOutput)> {
    EXAMPLES
        .iter()
        .map(|(name, text, format, _)| (*name, parse(*format, text)))
        .collect()
}

#[test]
fn every_example_is_detected_and_parses_cleanly() {
    for (name, text, format, count) in EXAMPLES {
        assert_eq!(detect(text, name), Some(format), "{name}");
        let out = parse(format, text);
        assert!(out.warnings.is_empty(), "{name}: {:?}", out.warnings);
        assert_eq!(out.entries.len(), count, "{name}");
        for e in &out.entries {
            assert!(!e.title.is_empty(), "{name} line {}", e.line);
        }
    }
}

#[test]
fn the_same_papers_appear_across_files_under_different_links() {
    let all = parsed();
    let urls_for = |arxiv: &str| -> Vec<String> {
        all.iter()
            .flat_map(|(_, out)| out.entries.iter())
            .filter(|e| e.arxiv.as_deref() == Some(arxiv))
            .flat_map(|e| {
                e.links
                    .iter()
                    .filter(|l| l.kind == "paper")
                    .map(|l| l.url.clone())
            })
            .collect()
    };
    let kaplan = urls_for("2001.08361");
    assert!(kaplan.contains(&"https://arxiv.org/pdf/2001.08361.pdf".to_string()));
    assert!(kaplan.contains(&"https://arxiv.org/abs/2001.08361".to_string()));
    assert!(kaplan.contains(&"https://arxiv.org/pdf/2001.08361".to_string()));
    let attention = urls_for("1706.03762");
    assert!(attention.contains(&"https://arxiv.org/abs/1706.03762".to_string()));
    assert!(attention.contains(&"https://arxiv.org/pdf/1706.03762.pdf".to_string()));
    // Hub papers carry no ids; they meet the others by title.
    let hub = &all[4].1;
    let bert = ids::normalize_title(&hub.entries[1].title);
    assert!(all[0]
        .1
        .entries
        .iter()
        .any(|e| ids::normalize_title(&e.title) == bert));
}
