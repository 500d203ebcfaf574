//! Tests for the awesome-list reader on a hand-written messy list.

use super::*;

const MESSY: &str = include_str!("../../tests/fixtures/ingest/awesome_messy.md");

fn entry<'a>(out: &'a ParseOutput, title_start: &str) -> &'a RawEntry {
    out.entries
        .iter()
        .find(|e| e.title.starts_with(title_start))
        .unwrap_or_else(|| panic!("no entry {title_start}"))
}

fn link_kinds(e: &RawEntry) -> Vec<&str> {
    e.links.iter().map(|l| l.kind.as_str()).collect()
}

#[test]
fn every_level_four_heading_is_an_entry() {
    let out = parse(MESSY);
    let titles: Vec<&str> = out.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles.len(), 7, "{titles:?}");
    assert_eq!(out.entries[0].line, 8);
}

#[test]
fn sections_are_kept_and_the_nearest_one_is_a_tag() {
    let out = parse(MESSY);
    let kaplan = &out.entries[0];
    assert_eq!(
        kaplan.section.as_deref(),
        Some("LLM Reading List / Scaling / Pretraining")
    );
    assert_eq!(kaplan.tags, ["Scaling Laws", "OpenAI", "Pretraining"]);
    let lora = entry(&out, "LoRA");
    assert_eq!(
        lora.section.as_deref(),
        Some("LLM Reading List / Efficient Fine-tuning")
    );
}

#[test]
fn tag_lines_in_every_spelling() {
    let out = parse(MESSY);
    assert_eq!(
        entry(&out, "Training Compute-Optimal").tags,
        ["Chinchilla", "Scaling Laws", "DeepMind", "Pretraining"]
    );
    assert_eq!(
        entry(&out, "LoRA").tags,
        ["PEFT", "Low-Rank", "Microsoft", "Efficient Fine-tuning"]
    );
    // No tag line at all: only the section tag.
    assert_eq!(
        entry(&out, "FlashAttention").tags,
        ["Efficient Fine-tuning"]
    );
    assert_eq!(
        entry(&out, "Which GPU").tags,
        ["GPU(s) for DL", "Efficient Fine-tuning"]
    );
}

#[test]
fn links_by_kind_with_typos_and_several_per_line() {
    let out = parse(MESSY);
    assert_eq!(link_kinds(entry(&out, "LoRA")), ["paper", "code"]);
    assert_eq!(link_kinds(entry(&out, "FlashAttention")), ["paper", "code"]);
    assert_eq!(
        link_kinds(entry(&out, "LLaMA")),
        ["paper", "code", "homepage"]
    );
    assert_eq!(link_kinds(entry(&out, "Which GPU")), ["blog"]);
}

#[test]
fn bibtex_block_gives_metadata_and_identity() {
    let out = parse(MESSY);
    let kaplan = &out.entries[0];
    assert_eq!(kaplan.arxiv.as_deref(), Some("2001.08361"));
    assert_eq!(kaplan.year, Some(2020));
    assert_eq!(kaplan.authors.len(), 10);
    assert_eq!(kaplan.authors[0], "Jared Kaplan");
    assert_eq!(kaplan.venue.as_deref(), Some("arXiv"));
    let bib = kaplan.bibtex.as_ref().expect("bibtex");
    assert_eq!(bib.key, "kaplan2020scalinglawsneurallanguage");
    assert!(bib.raw.starts_with("@misc{kaplan2020"));
    assert!(bib.raw.contains("primaryClass={cs.LG},"));

    let chinchilla = entry(&out, "Training Compute-Optimal");
    assert_eq!(chinchilla.arxiv.as_deref(), Some("2203.15556"));
    assert_eq!(chinchilla.authors[6], "Diego de Las Casas");
    assert_eq!(chinchilla.venue.as_deref(), Some("arXiv"));

    // The BibTeX has no arXiv id, so the paper link supplies it.
    let lora = entry(&out, "LoRA");
    assert_eq!(lora.arxiv.as_deref(), Some("2106.09685"));
    assert_eq!(
        lora.venue.as_deref(),
        Some("International Conference on Learning Representations")
    );
    assert_eq!(
        lora.title,
        "LoRA: Low-Rank Adaptation of Large Language Models"
    );
}

#[test]
fn unterminated_fence_warns_and_keeps_the_entry() {
    let out = parse(MESSY);
    let flash = entry(&out, "FlashAttention");
    assert_eq!(flash.arxiv.as_deref(), Some("2205.14135"));
    assert_eq!(flash.authors[4], "Christopher Ré");
    assert_eq!(flash.year, Some(2022));
    assert!(out
        .warnings
        .iter()
        .any(|w| w.line == 67 && w.message.contains("not closed")));
    // The next entry is still its own entry with its own links.
    assert_eq!(entry(&out, "LLaMA").line, 74);
}

#[test]
fn contradicting_paper_link_is_a_link_not_an_identity() {
    let out = parse(MESSY);
    let llama = entry(&out, "LLaMA");
    assert_eq!(llama.arxiv.as_deref(), Some("2302.13971"));
    assert_eq!(llama.links[0].url, "https://arxiv.org/abs/2307.09288");
    let w = out
        .warnings
        .iter()
        .find(|w| w.line == llama.line)
        .expect("conflict warning");
    assert!(
        w.message.contains("2307.09288") && w.message.contains("2302.13971"),
        "{}",
        w.message
    );
}

#[test]
fn entry_without_bibtex_takes_identity_from_its_link_and_duplicates_warn() {
    let out = parse(MESSY);
    let again = out.entries.last().expect("entries");
    assert_eq!(again.arxiv.as_deref(), Some("2001.08361"));
    assert!(again.bibtex.is_none());
    assert!(out
        .warnings
        .iter()
        .any(|w| w.line == again.line && w.message.contains("duplicate of the entry at line 8")));
}

#[test]
fn markdown_without_entries_warns_instead_of_failing() {
    let out = parse("# Notes\n\nNothing to import here.\n");
    assert!(out.entries.is_empty());
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn linked_and_level_three_headings_with_links_are_entries() {
    let text = "# Vision\n## CNNs\n### [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)\ntag: ResNet\n### Plain section\n#### ImageNet Classification with Deep Convolutional Neural Networks\n";
    let out = parse(text);
    let titles: Vec<&str> = out.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Deep Residual Learning for Image Recognition",
            "ImageNet Classification with Deep Convolutional Neural Networks"
        ]
    );
    assert_eq!(out.entries[0].arxiv.as_deref(), Some("1512.03385"));
    assert_eq!(out.entries[0].tags, ["ResNet", "CNNs"]);
    assert_eq!(
        out.entries[1].section.as_deref(),
        Some("Vision / CNNs / Plain section")
    );
}

#[test]
fn a_broken_bibtex_block_names_lines_of_the_file() {
    let text = "# List\n\n#### A Paper\ntag: `X`\npaper link: [here](https://arxiv.org/abs/2101.00001)\n\n```bibtex\n@article{broken2021,\n  title={A Paper},\n  author={Doe, Jane\n```\n";
    let out = parse(text);
    let w = out
        .warnings
        .iter()
        .find(|w| w.message.contains("stops inside a value"))
        .expect("a warning");
    // The entry opens on line 8 and runs to the block's closing fence on line 11; both
    // counted in the file, not in the block.
    assert_eq!(w.line, 8, "{w:?}");
    assert!(w.message.contains("at line 11"), "{}", w.message);
    // The paper itself still comes from its heading.
    assert_eq!(out.entries[0].title, "A Paper");
}
