//! The `paperclub` binary as a user runs it: import a folder, then search, tag, show, cite
//! and chat, in text and JSON.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog");

fn paperclub(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paperclub"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("PAPERCLUB_CONFIG")
        .env_remove("DISCORD_TOKEN")
        .output()
        .expect("run paperclub")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = paperclub(dir.path(), &["import", FIXTURES]);
    assert!(
        out.status.success() || out.status.code() == Some(0),
        "{out:?}"
    );
    dir
}

#[test]
fn importing_a_folder_reports_every_file_with_warnings_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = paperclub(dir.path(), &["import", FIXTURES]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    for file in ["scaling.md", "scaling-wiki.txt", "week3.md", "classics.bib"] {
        assert!(text.contains(file), "{file} missing from:\n{text}");
    }
    assert!(
        text.contains("(bibtex)") && text.contains("(awesome-list)"),
        "{text}"
    );
    assert!(
        text.contains("classics.bib:"),
        "the broken entry is reported with its line:\n{text}"
    );
    let again = stdout(&paperclub(dir.path(), &["import", FIXTURES]));
    assert!(
        again.contains(" 0 new, 0 merged"),
        "a second import changes nothing:\n{again}"
    );
}

#[test]
fn search_finds_a_paper_despite_a_typo_and_prints_json_with_scores() {
    let dir = imported();
    let out = paperclub(dir.path(), &["search", "chinchila", "compute", "optimal"]);
    assert!(stdout(&out)
        .lines()
        .next()
        .unwrap_or("")
        .contains("Training Compute-Optimal"));
    let json = paperclub(dir.path(), &["--json", "search", "dropout", "--limit", "3"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let first = &v[0];
    assert_eq!(first["key"], "srivastava2014dropout");
    assert!(first["score"].as_f64().unwrap() > 0.0);
    for field in [
        "title", "authors", "year", "venue", "tags", "links", "arxiv", "doi", "abstract", "sources",
    ] {
        assert!(first.get(field).is_some(), "{field} missing in {first}");
    }
}

#[test]
fn tag_show_and_stats_answer_from_the_imported_catalog() {
    let dir = imported();
    let tag = stdout(&paperclub(dir.path(), &["tag", "scaling-laws"]));
    assert!(
        tag.contains("kaplan2020scaling") && tag.contains("hoffmann2022training"),
        "{tag}"
    );
    let show = paperclub(
        dir.path(),
        &["--json", "show", "https://arxiv.org/abs/2001.08361v1"],
    );
    let paper: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(paper["key"], "kaplan2020scaling");
    assert_eq!(paper["sources"].as_array().unwrap().len(), 3);
    let missing = paperclub(dir.path(), &["show", "no such paper whatsoever zzz"]);
    assert_eq!(missing.status.code(), Some(1));
    let stats: serde_json::Value =
        serde_json::from_slice(&paperclub(dir.path(), &["--json", "stats"]).stdout).unwrap();
    assert_eq!(stats["files"], 4);
}

#[test]
fn cite_prints_bibtex_and_the_csl_styles() {
    let dir = imported();
    let bib = stdout(&paperclub(
        dir.path(),
        &["cite", "kaplan2020scaling", "2203.15556"],
    ));
    assert!(
        bib.contains("@misc{kaplan2020scaling,") && bib.contains("@misc{hoffmann2022training,"),
        "{bib}"
    );
    let apa = stdout(&paperclub(
        dir.path(),
        &["cite", "srivastava2014dropout", "--format", "apa"],
    ));
    assert!(
        apa.contains("Srivastava, N.") && apa.contains("(2014)"),
        "{apa}"
    );
    let bad = paperclub(
        dir.path(),
        &["cite", "kaplan2020scaling", "--format", "harvard"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("harvard"));
}

#[test]
fn chat_reads_commands_from_a_pipe_and_answers_like_the_bot() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_paperclub"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("chat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"/paper search scaling laws\n/cite paper:2001.08361 format:mla\n/paper searhc x\n/import file:/nonexistent.md\n/schedule\n/week 3\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = stdout(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("example catalog"));
    assert!(
        text.contains("■ Scaling Laws for Neural Language Models"),
        "{text}"
    );
    assert!(text.contains("Kaplan, Jared, et al."), "{text}");
    assert!(text.contains("Unknown command `/paper searhc`"), "{text}");
    assert!(text.contains("Cannot read /nonexistent.md"), "{text}");
    // The example course: three weeks, readings found in the example catalog.
    assert!(String::from_utf8_lossy(&out.stderr).contains("example course"));
    assert!(text.contains("Schedule (3 weeks)"), "{text}");
    assert!(
        text.contains("■ Week 3: Scaling laws and compute-optimal training")
            && text.contains("Training Compute-Optimal Large Language Models"),
        "{text}"
    );
}

#[test]
fn a_broken_config_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("paperclub.toml");
    std::fs::write(&config, "data_dri = \"x\"\n").unwrap();
    let out = paperclub(dir.path(), &["--config", config.to_str().unwrap(), "stats"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("paperclub.toml") && err.contains("data_dri"),
        "{err}"
    );
}

#[test]
fn a_reader_that_goes_away_early_is_not_a_crash() {
    let dir = imported();
    for args in [
        &["tags"][..],
        &["search", "scaling"][..],
        &["chat", "--no-examples"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_paperclub"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close our end of the output pipe before paperclub writes anything.
        drop(child.stdout.take());
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(b"/tags\n/help\n");
        }
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
    }
}
