//! Every parser and the detector on garbage, binary-ish, truncated and huge inputs: no
//! panics, no stack overflows, and no quadratic blow-ups. Inputs are generated here.

use super::{detect::detect, parse, Format};
use std::time::{Duration, Instant};

const FORMATS: [Format; 5] = [
    Format::Awesome,
    Format::Hub,
    Format::Course,
    Format::Wiki,
    Format::Bibtex,
];

const FIXTURES: [&str; 6] = [
    include_str!("../../tests/fixtures/ingest/awesome_messy.md"),
    include_str!("../../tests/fixtures/ingest/course_post.md"),
    include_str!("../../tests/fixtures/ingest/wiki_flat.txt"),
    include_str!("../../tests/fixtures/ingest/wiki_lines.txt"),
    include_str!("../../tests/fixtures/ingest/hub_page.txt"),
    include_str!("../../tests/fixtures/ingest/messy.bib"),
];

fn run_all(text: &str) {
    let _ = detect(text, "input.bib");
    let _ = detect(text, "input.md");
    for format in FORMATS {
        let out = parse(format, text);
        for e in &out.entries {
            assert!(e.line >= 1, "{format:?} gave line 0");
        }
        for w in &out.warnings {
            assert!(w.line >= 1, "{format:?} warned at line 0: {}", w.message);
        }
    }
}

/// xorshift: deterministic noise without a dependency.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn random_markup_soup_never_panics() {
    let pieces = [
        "@",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "[[",
        "]]",
        "|",
        "=",
        "==",
        "======",
        "*",
        "**",
        "#",
        "####",
        "```",
        "```bibtex",
        "---",
        "\n",
        "\n\n",
        " ",
        "\t",
        "\\",
        "\\\"",
        "\\'",
        "{\\\"o}",
        "\"",
        "'",
        ",",
        " and ",
        "tag:",
        "paper link:",
        "(https://arxiv.org/abs/2001.08361)",
        "https://",
        "arXiv:",
        "10.1000/",
        "é",
        "ß",
        "漢字",
        "🦀",
        "\u{0}",
        "\u{feff}",
        "\u{301}",
        "\r\n",
        "title={",
        "author = ",
        "@misc{",
        "@string{",
        "super hub",
        "abstract",
        "citing papers explorer",
        "-",
        "## Required Readings",
        "### ",
        "+ ",
        "title: x",
        "layout: post",
        "tags:",
        "- a",
        "====== T ======",
        "Kaplan et al 2020 - ",
    ];
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    for _ in 0..400 {
        let len = (noise.next() % 200) as usize;
        let text: String = (0..len).map(|_| noise.pick(&pieces)).collect();
        run_all(&text);
    }
}

#[test]
fn binary_like_bytes_never_panic() {
    let mut noise = Noise(42);
    for _ in 0..50 {
        let bytes: Vec<u8> = (0..2000).map(|_| (noise.next() & 0xFF) as u8).collect();
        run_all(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn every_prefix_of_every_fixture_parses() {
    for fixture in FIXTURES {
        let cuts: Vec<usize> = fixture.char_indices().map(|(i, _)| i).step_by(13).collect();
        for cut in cuts {
            run_all(&fixture[..cut]);
        }
    }
}

#[test]
fn huge_and_deeply_nested_inputs_stay_fast() {
    let started = Instant::now();
    let inputs = [
        "{".repeat(200_000),
        "}".repeat(200_000),
        format!("@misc{{k, title={}", "{".repeat(100_000)),
        "@a{".repeat(50_000),
        format!("@misc{{k, title={{{}}}}}", "\\\"{".repeat(50_000)),
        "[[https://arxiv.org/abs/2001.08361|Kaplan et al 2020 - Scaling]] * ".repeat(20_000),
        "paper link: [here](https://arxiv.org/abs/2001.08361) | ".repeat(20_000),
        "#### T\ntag: `a`\n```bibtex\n@misc{k,\n".repeat(10_000),
        "x".repeat(2_000_000),
        "\n".repeat(500_000),
        format!(
            "---\ntitle: x\n---\n## Readings\n{}",
            "### T\n+ A B\n".repeat(20_000)
        ),
        format!(
            "super hub\nT\nciting papers explorer\n{}",
            "-\nTitle\nSummary.\n".repeat(20_000)
        ),
    ];
    for input in &inputs {
        run_all(input);
    }
    // Generous for a debug build on a busy machine; a quadratic path takes minutes.
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn repeated_fixtures_scale_linearly() {
    let big_bib = FIXTURES[5].repeat(300);
    let started = Instant::now();
    let out = parse(Format::Bibtex, &big_bib);
    assert_eq!(out.entries.len(), 9 * 300);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}
