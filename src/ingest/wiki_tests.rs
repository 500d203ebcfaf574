//! Tests for the DokuWiki reader on the same page, flattened and with its newlines.

use super::*;

const FLAT: &str = include_str!("../../tests/fixtures/ingest/wiki_flat.txt");
const LINES: &str = include_str!("../../tests/fixtures/ingest/wiki_lines.txt");

fn check_page(out: &ParseOutput) {
    let titles: Vec<&str> = out.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "LoRA: Low-Rank Adaptation of Large Language Models",
            "QLoRA: Efficient Finetuning of Quantized LLMs",
            "Parameter-Efficient Transfer Learning for NLP",
            "Training language models to follow instructions with human feedback",
            "GPT-4 Technical Report",
        ]
    );
    let lora = &out.entries[0];
    assert_eq!(lora.authors, ["Hu"]);
    assert_eq!(lora.year, Some(2021));
    assert_eq!(lora.arxiv.as_deref(), Some("2106.09685"));
    assert_eq!(lora.links[0].kind, "paper");
    assert_eq!(
        lora.section.as_deref(),
        Some("Efficient Fine-Tuning / Papers")
    );
    assert_eq!(lora.tags, ["Efficient Fine-Tuning"]);
    assert_eq!(lora.note, None);

    let qlora = &out.entries[1];
    assert_eq!(qlora.arxiv.as_deref(), Some("2305.14314"));
    assert_eq!(
        qlora.note.as_deref(),
        Some("Quantizes the frozen base model to 4 bits and trains LoRA adapters on top; see also Quantization.")
    );

    let instruct = &out.entries[3];
    assert_eq!(instruct.authors, ["Ouyang"]);
    assert_eq!(
        instruct.section.as_deref(),
        Some("Efficient Fine-Tuning / Papers / Instruction Tuning")
    );
    assert_eq!(
        instruct.tags,
        ["Efficient Fine-Tuning", "Instruction Tuning"]
    );

    let gpt4 = &out.entries[4];
    assert_eq!(gpt4.authors, ["OpenAI"]);
    assert_eq!(gpt4.year, Some(2023));
    assert_eq!(gpt4.arxiv, None);

    // The unlabelled external link is reported, not imported.
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.warnings[0].message.contains("example.org"));
}

#[test]
fn flattened_page_reads_like_the_normal_one() {
    let out = parse(FLAT);
    check_page(&out);
    assert!(out.entries.iter().all(|e| e.line == 1));
}

#[test]
fn page_with_newlines_has_entry_lines() {
    let out = parse(LINES);
    check_page(&out);
    let lines: Vec<usize> = out.entries.iter().map(|e| e.line).collect();
    assert_eq!(lines, [5, 6, 8, 11, 12]);
    assert_eq!(out.warnings[0].line, 13);
}

#[test]
fn labels_in_other_shapes() {
    let e = from_label(
        "Smith and Jones 2019 - A Title: With Colon",
        "https://x.org/p",
        3,
    );
    assert_eq!(
        (e.authors.clone(), e.year, e.title.as_str()),
        (
            vec!["Smith".to_string(), "Jones".to_string()],
            Some(2019),
            "A Title: With Colon"
        )
    );
    let e = from_label("Just A Paper Title", "https://x.org/p.pdf", 3);
    assert_eq!(e.title, "Just A Paper Title");
    assert!(e.authors.is_empty() && e.year.is_none());
    let e = from_label(
        "Brown et al. (2020). Language Models are Few-Shot Learners",
        "https://arxiv.org/abs/2005.14165",
        1,
    );
    assert_eq!(e.authors, ["Brown"]);
    assert_eq!(e.title, "Language Models are Few-Shot Learners");
}

#[test]
fn pages_without_paper_links_warn() {
    let out = parse("====== Empty ====== * [[some:page]]");
    assert!(out.entries.is_empty());
    assert_eq!(out.warnings.len(), 1);
}
