//! Tests for the course-post reader on a hand-written post with a student write-up.

use super::*;
use crate::ingest::SessionMeta;

const POST: &str = include_str!("../../tests/fixtures/ingest/course_post.md");

#[test]
fn front_matter_becomes_the_session() {
    let out = parse(POST);
    assert_eq!(
        out.session,
        Some(SessionMeta {
            title: "Scaling laws and compute-optimal training".into(),
            lecture: None,
            tags: vec!["Scaling".into(), "Efficiency".into()],
            notes_team: Some("team-3".into()),
            video_team: Some("team-1".into()),
            ..SessionMeta::default()
        })
    );
}

#[test]
fn readings_with_roles_and_nothing_from_the_notes() {
    let out = parse(POST);
    let got: Vec<(&str, Option<ReadingRole>)> = out
        .entries
        .iter()
        .map(|e| (e.title.as_str(), e.role))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Scaling Laws for Neural Language Models",
                Some(ReadingRole::Required)
            ),
            (
                "Training Compute-Optimal Large Language Models",
                Some(ReadingRole::Required)
            ),
            (
                "LLaMA: Open and Efficient Foundation Language Models",
                Some(ReadingRole::Optional)
            ),
            (
                "Chinchilla's Wild Implications",
                Some(ReadingRole::Optional)
            ),
        ]
    );
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn authors_urls_and_abstracts() {
    let out = parse(POST);
    let kaplan = &out.entries[0];
    assert_eq!(kaplan.line, 18);
    assert_eq!(kaplan.authors.len(), 10);
    assert_eq!(kaplan.authors[3], "Tom B. Brown");
    assert_eq!(kaplan.arxiv.as_deref(), Some("2001.08361"));
    assert!(kaplan
        .abstract_text
        .as_deref()
        .is_some_and(|a| a.starts_with("We study empirical scaling laws")));
    assert_eq!(kaplan.tags, ["Scaling", "Efficiency"]);
    assert_eq!(
        kaplan.section.as_deref(),
        Some("Scaling laws and compute-optimal training / Required Readings")
    );

    let chinchilla = &out.entries[1];
    assert_eq!(chinchilla.arxiv.as_deref(), Some("2203.15556"));
    assert!(chinchilla.authors.is_empty());

    let llama = &out.entries[2];
    assert_eq!(llama.arxiv.as_deref(), Some("2302.13971"));
    let kinds: Vec<&str> = llama.links.iter().map(|l| l.kind.as_str()).collect();
    assert_eq!(kinds, ["paper", "code"]);

    let blog = &out.entries[3];
    assert!(blog.links.is_empty() && blog.arxiv.is_none());
    assert!(blog.abstract_text.is_some());
}

#[test]
fn bulleted_links_and_plain_readings_headings() {
    let post = "---\ntitle: Alignment\ntags: RLHF\n---\n## Readings\n\n### [Direct Preference Optimization: Your Language Model is Secretly a Reward Model](https://arxiv.org/abs/2305.18290)\n\n- [Training language models to follow instructions with human feedback](https://arxiv.org/abs/2203.02155)\n\n## Blog\n\n- [Our slides](https://example.org/s)\n";
    let out = parse(post);
    assert_eq!(out.entries.len(), 1);
    let e = &out.entries[0];
    assert_eq!(
        e.title,
        "Direct Preference Optimization: Your Language Model is Secretly a Reward Model"
    );
    // A section named just `Readings` holds the week's readings: required.
    assert_eq!(e.role, Some(ReadingRole::Required));
    assert_eq!(e.arxiv.as_deref(), Some("2305.18290"));
    assert_eq!(e.tags, ["RLHF"]);
    // A bulleted link right under a reading belongs to that reading.
    assert_eq!(e.links.len(), 2);

    let bare = "## Readings\n\n- [Training language models to follow instructions with human feedback](https://arxiv.org/abs/2203.02155)\n";
    let out = parse(bare);
    assert_eq!(out.entries.len(), 1);
    assert_eq!(out.entries[0].arxiv.as_deref(), Some("2203.02155"));
    assert_eq!(out.entries[0].line, 3);
}

#[test]
fn posts_without_front_matter_or_readings_warn() {
    let out = parse("# A post\n\nJust prose.\n");
    assert!(out.session.is_none());
    assert!(out.entries.is_empty());
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn the_forms_course_sites_really_use() {
    // `Require` (sic), `####` headings, `*` and indented `-` bullets, a reading with no URL,
    // `Extra Readings`, then a blog after the excerpt marker that is not readings.
    let post = "---\ntitle: Alignment\n---\n## Require Readings\n\n#### Training language models to follow instructions with human feedback\n  - Long Ouyang, Jeff Wu, Xu Jiang\n  - https://arxiv.org/abs/2203.02155\n\n#### Constitutional AI: Harmlessness from AI Feedback\n* Yuntao Bai, Saurav Kadavath\n\n## Extra Readings\n\n#### Direct Preference Optimization: Your Language Model is Secretly a Reward Model\n* https://arxiv.org/abs/2305.18290\n\n<!--excerpt.start-->\n\n### Our notes on RLHF\n+ https://example.org/blog\n";
    let out = parse(post);
    let got: Vec<(&str, Option<ReadingRole>, Option<&str>)> = out
        .entries
        .iter()
        .map(|e| (e.title.as_str(), e.role, e.arxiv.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Training language models to follow instructions with human feedback",
                Some(ReadingRole::Required),
                Some("2203.02155")
            ),
            (
                "Constitutional AI: Harmlessness from AI Feedback",
                Some(ReadingRole::Required),
                None
            ),
            (
                "Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
                Some(ReadingRole::Optional),
                Some("2305.18290")
            ),
        ]
    );
    assert_eq!(out.entries[1].authors, ["Yuntao Bai", "Saurav Kadavath"]);
}

#[test]
fn numbered_readings_with_link_and_arxiv_sub_items() {
    let post = "---\ntitle: Scaling\n---\n## Readings\n\n+ a. Scaling Laws for Neural Language Models (Jan 2020)\n    - Link: https://arxiv.org/abs/2001.08361\n+ b. Training Compute-Optimal Large Language Models (Mar 2022)\n    - arXiv: 2203.15556\n+ c. Emergent Abilities of Large Language Models\n\n# Blog\n\n## Readings we liked\n+ a. Not a reading of the session (May 2025)\n";
    let out = parse(post);
    let got: Vec<(&str, Option<&str>, Option<i32>)> = out
        .entries
        .iter()
        .map(|e| (e.title.as_str(), e.arxiv.as_deref(), e.year))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Scaling Laws for Neural Language Models",
                Some("2001.08361"),
                Some(2020)
            ),
            (
                "Training Compute-Optimal Large Language Models",
                Some("2203.15556"),
                Some(2022)
            ),
            ("Emergent Abilities of Large Language Models", None, None),
        ]
    );
    assert!(out
        .entries
        .iter()
        .all(|e| e.role == Some(ReadingRole::Required)));
}

#[test]
fn a_placeholder_session_has_no_readings_and_no_error() {
    let out =
        parse("---\ntitle: Project presentations\n---\n## Required Readings\n\n## More Readings\n");
    assert!(out.entries.is_empty());
    assert_eq!(
        out.session.map(|s| s.title).as_deref(),
        Some("Project presentations")
    );
}
