//! `paperclub recommend` and `paperclub eval recommend` as a script runs them: JSON with a
//! reason per suggestion, the seed left out, a course's own readings first with their week,
//! refusals, and the evaluation's figures for paperclub beside the TF-IDF baseline.

#[path = "support/cli.rs"]
mod cli;

use cli::{ok, paperclub, setup_course};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    ok(paperclub(
        dir.path(),
        &["import", &format!("{FIXTURES}/catalog")],
    ));
    dir
}

fn keys(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["key"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn recommend_json_gives_each_suggestion_a_reason_and_leaves_the_seed_out() {
    let dir = catalog();
    let out = ok(paperclub(
        dir.path(),
        &[
            "--json",
            "recommend",
            "--paper",
            "arXiv:2001.08361",
            "--limit",
            "3",
        ],
    ));
    let json: Value = serde_json::from_str(&out).expect("JSON");
    let found = json["catalog"].as_array().expect("catalog list");
    assert!(!found.is_empty() && found.len() <= 3, "{out}");
    assert!(found
        .iter()
        .all(|r| r["why"].as_str().is_some_and(|w| !w.is_empty())));
    assert!(
        !keys(&json["catalog"]).contains(&"kaplan2020scaling".to_string()),
        "{out}"
    );
    assert_eq!(
        found[0]["arxiv"], "2203.15556",
        "the Chinchilla paper first: {out}"
    );
}

#[test]
fn recommend_in_a_guild_with_a_course_puts_its_readings_first_with_their_week() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path();
    ok(paperclub(data, &["import", &format!("{FIXTURES}/catalog")]));
    setup_course(data, "7", &[]);
    ok(paperclub(
        data,
        &[
            "session",
            "--guild",
            "7",
            "import",
            &format!("{FIXTURES}/course"),
        ],
    ));
    let out = ok(paperclub(
        data,
        &[
            "--json",
            "recommend",
            "--paper",
            "2203.02155",
            "--guild",
            "7",
        ],
    ));
    let json: Value = serde_json::from_str(&out).expect("JSON");
    let course = json["course"].as_array().expect("course group");
    let dpo = course
        .iter()
        .find(|r| r["arxiv"] == "2305.18290")
        .unwrap_or_else(|| panic!("DPO, read the same week, is in the course group: {out}"));
    assert_eq!(dpo["week"], 2, "{out}");
    let text = ok(paperclub(
        data,
        &["recommend", "--paper", "2203.02155", "--guild", "7"],
    ));
    assert!(text.contains("From this course's reading lists:"), "{text}");
    assert!(text.contains("why: "), "{text}");

    // `for:me` starts from what the member marked read.
    let mine = |user: &str| {
        paperclub(
            data,
            &[
                "--json",
                "recommend",
                "--for",
                "me",
                "--guild",
                "7",
                "--user",
                user,
            ],
        )
    };
    assert_eq!(
        mine("55").status.code(),
        Some(1),
        "nothing read or noted yet"
    );
    ok(paperclub(
        data,
        &["read", "--guild", "7", "--user", "55", "done", "2203.02155"],
    ));
    let json: Value = serde_json::from_str(&ok(mine("55"))).expect("JSON");
    let all: Vec<&Value> = ["course", "catalog"]
        .iter()
        .flat_map(|g| json[g].as_array().into_iter().flatten())
        .collect();
    assert!(!all.is_empty(), "{json}");
    assert!(
        all.iter().all(|r| r["arxiv"] != "2203.02155"),
        "the read paper is the seed: {json}"
    );
}

#[test]
fn recommend_of_an_unknown_paper_or_nothing_is_refused_with_exit_code_1() {
    let dir = catalog();
    let out = paperclub(dir.path(), &["recommend", "--paper", "no such paper zzzz"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No paper matches"));
    let out = paperclub(dir.path(), &["recommend"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("paper:"));
}

#[test]
fn eval_recommend_prints_recall_and_ndcg_for_paperclub_and_the_baseline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = ok(paperclub(
        dir.path(),
        &["eval", "recommend", &format!("{FIXTURES}/recommend")],
    ));
    let line = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} line in {out}"))
            .to_string()
    };
    assert!(line("paperclub:").contains("Recall@10") && line("paperclub:").contains("nDCG@10"));
    assert!(line("TF-IDF baseline:").contains("Recall@10"));
    let json: Value = serde_json::from_str(&ok(paperclub(
        dir.path(),
        &[
            "--json",
            "eval",
            "recommend",
            &format!("{FIXTURES}/recommend"),
        ],
    )))
    .expect("JSON");
    assert!(
        json["posts"].as_array().is_some_and(|p| p.len() >= 3),
        "{json}"
    );
    assert!(json["recall"]
        .as_f64()
        .is_some_and(|r| (0.0..=1.0).contains(&r)));
}

/// A tiny random model in the real folder layout (see `paperclub::embed::tiny`).
fn tiny_model() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    paperclub::embed::tiny::write(dir.path()).expect("tiny model");
    dir
}

fn computed(out: &str) -> usize {
    out.trim_start_matches('✓')
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {out}"))
}

#[test]
fn embed_computes_each_papers_vector_once_and_two_processes_at_once_agree() {
    let model = tiny_model();
    let model = model.path().to_str().expect("utf-8 path");
    let dir = catalog();
    // Two processes fill the same folder at once: neither fails, and between them every
    // paper gets exactly one vector.
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let data = dir.path().to_path_buf();
            let model = model.to_string();
            std::thread::spawn(move || ok(paperclub(&data, &["embed", "--model", &model])))
        })
        .collect();
    let outs: Vec<String> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let papers: usize = outs[0]
        .split("; ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no paper count in {}", outs[0]));
    assert!(papers > 5, "{outs:?}");
    assert!(outs.iter().all(|o| computed(o) <= papers), "{outs:?}");
    let again = ok(paperclub(dir.path(), &["embed", "--model", model]));
    assert_eq!(computed(&again), 0, "{again}");
    // Recommendations still answer, with the vectors loaded.
    let out = ok(paperclub(
        dir.path(),
        &["--json", "recommend", "--paper", "arXiv:2001.08361"],
    ));
    assert!(out.contains("why"), "{out}");
}

#[test]
fn embed_without_a_usable_model_says_what_it_needs() {
    let dir = catalog();
    // The test support turns meaning off (`PAPERCLUB_MODEL=none`): nothing to embed with.
    let out = paperclub(dir.path(), &["embed"]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("model = none") && said.contains("--model"),
        "{said}"
    );
    let empty = tempfile::tempdir().expect("temp dir");
    let out = paperclub(
        dir.path(),
        &["embed", "--model", empty.path().to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has no config.json"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
