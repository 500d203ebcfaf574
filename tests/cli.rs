//! The `paperclub` binary as a user runs it: import a folder, then search, tag, show, cite
//! and chat, in text and JSON.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog");

fn paperclub(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paperclub"))
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
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
fn search_puts_the_paper_of_a_pasted_identifier_first() {
    let dir = imported();
    for (pasted, title) in [
        ("2203.15556", "Training Compute-Optimal"),
        ("arXiv:2001.08361", "Scaling Laws for Neural"),
        (
            "https://arxiv.org/abs/2001.08361v2",
            "Scaling Laws for Neural",
        ),
        (
            "https://arxiv.org/pdf/2203.15556.pdf",
            "Training Compute-Optimal",
        ),
        (
            "https://doi.org/10.1162/089976698300017467",
            "Nonlinear Component",
        ),
    ] {
        let out = stdout(&paperclub(dir.path(), &["search", pasted]));
        let first = out.lines().next().unwrap_or("");
        assert!(first.contains(title), "{pasted}:\n{out}");
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
    let none = paperclub(dir.path(), &["tag", "no", "such", "tag"]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(
        stdout(&none),
        "No papers are tagged “no such tag”. `paperclub tags` lists every tag.\n"
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
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
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
    // A refused line is echoed like any other, so a script's reader sees which one it was.
    assert!(
        text.contains(
            "> /paper searhc x\n`/paper` has no subcommand `searhc`; it has search, tag, show."
        ),
        "{text}"
    );
    assert!(
        text.contains("> /import file:/nonexistent.md\nCannot read /nonexistent.md"),
        "{text}"
    );
    // The example course: three weeks, readings found in the example catalog.
    assert!(String::from_utf8_lossy(&out.stderr).contains("example course"));
    assert!(text.contains("Schedule (3 weeks)"), "{text}");
    assert!(
        text.contains("■ Week 3: Scaling laws and compute-optimal training")
            && text.contains("Training Compute-Optimal Large Language Models"),
        "{text}"
    );
}

/// `paperclub chat` on `data` with `args`, fed `input`; its standard output.
fn chat(data: &Path, args: &[&str], input: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paperclub"))
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
        .arg("--data-dir")
        .arg(data)
        .arg("chat")
        .args(args)
        .env_remove("PAPERCLUB_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    stdout(&child.wait_with_output().unwrap())
}

#[test]
fn chat_as_a_member_has_a_members_permissions_and_as_the_instructor_an_instructors() {
    let dir = tempfile::tempdir().unwrap();
    let member = chat(
        dir.path(),
        &["--user", "11"],
        "/course progress\n/slot autofill\n",
    );
    assert_eq!(member.matches("Only instructors").count(), 2, "{member}");
    for args in [&[][..], &["--user", "11", "--instructor"][..]] {
        let instructor = chat(dir.path(), args, "/course progress\n");
        assert!(
            instructor.contains("Reading progress") && !instructor.contains("Only instructors"),
            "{args:?}: {instructor}"
        );
    }
}

#[test]
fn the_instructor_at_the_terminal_joins_as_a_user_not_as_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let out = chat(
        dir.path(),
        &[],
        "/team join team:team-1\n/team members team:team-1\n",
    );
    assert!(out.contains("<@1>"), "{out}");
    assert!(!out.contains("<@0>"), "{out}");
}

#[test]
fn an_empty_paper_or_team_is_asked_for_not_looked_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = chat(
        dir.path(),
        &["--user", "11"],
        "/team join\n/read done\n/note list\n/paper show\n",
    );
    assert!(out.contains("Name a team: `team-1`, `team-2`."), "{out}");
    assert_eq!(
        out.matches("Name a paper: its citation key, arXiv id, DOI or title words.")
            .count(),
        3,
        "{out}"
    );
    assert!(!out.contains("``"), "{out}");
}

#[test]
fn a_week_whose_title_names_it_is_not_named_twice_in_files() {
    // The example course's posts are titled "Week 1: Attention and the Transformer".
    let dir = tempfile::tempdir().unwrap();
    let out = chat(
        dir.path(),
        &[],
        "/notes export session:1\n/slot assign paper:1706.03762 team:team-1\n/slot export\n",
    );
    assert!(
        out.contains("# Annotated bibliography: Week 1: Attention and the Transformer\n"),
        "{out}"
    );
    assert!(
        out.contains("DESCRIPTION:Week 1: Attention and the Transformer"),
        "{out}"
    );
    assert!(!out.contains("Week 1: Week 1"), "{out}");
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
            // No test reaches the Hub: the default model is fetched by none of them.
            .env("PAPERCLUB_MODEL", "none")
            .env("HF_HUB_OFFLINE", "1")
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

const FOLDER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/folder");

/// A copy of `tests/fixtures/folder` in a temporary folder, with an empty stub, a course
/// post without readings and a symlink loop (`sub/up -> ..`) added, as a course
/// repository might hold them.
fn folder_with_loop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("lists");
    std::fs::create_dir_all(lists.join("sub")).unwrap();
    for name in ["README.md", "benchmarks.md", "scaling.bib"] {
        std::fs::copy(Path::new(FOLDER).join(name), lists.join(name)).unwrap();
    }
    std::fs::write(lists.join("sub/stub.md"), "").unwrap();
    // A course post whose readings are not written yet: a known format, no entries.
    let post = "---\nlayout: post\ntitle: Week 4\nlecture: W4\n---\n\nReadings to come.\n";
    std::fs::write(lists.join("sub/week4.md"), post).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", lists.join("sub/up")).unwrap();
    dir
}

#[test]
fn a_folder_with_a_symlink_loop_imports_each_list_once_and_skips_what_is_not_a_list() {
    let folder = folder_with_loop();
    let data = tempfile::tempdir().unwrap();
    let out = paperclub(data.path(), &["import", folder.path().to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("scaling.bib (bibtex)").count(), 1, "{text}");
    for name in ["README.md", "benchmarks.md", "stub.md", "week4.md"] {
        let line = text.lines().find(|l| l.contains(name)).unwrap_or("");
        assert!(
            line.contains("skipped, not a reading list"),
            "{name}:\n{text}"
        );
    }
    assert!(!text.contains("✗"), "{text}");
    let stats: serde_json::Value =
        serde_json::from_slice(&paperclub(data.path(), &["--json", "stats"]).stdout).unwrap();
    assert_eq!(stats["files"], 1);
    assert_eq!(stats["papers"], 2);
}

#[test]
fn the_same_file_by_two_spellings_is_one_file() {
    let folder = folder_with_loop();
    let data = tempfile::tempdir().unwrap();
    let lists = folder.path().join("lists");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_paperclub"))
            // No test reaches the Hub: the default model is fetched by none of them.
            .env("PAPERCLUB_MODEL", "none")
            .env("HF_HUB_OFFLINE", "1")
            .current_dir(folder.path())
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .env_remove("PAPERCLUB_CONFIG")
            .output()
            .unwrap()
    };
    let absolute = lists.join("scaling.bib");
    let both = run(&["import", "lists/scaling.bib", "./lists/scaling.bib"]);
    assert_eq!(stdout(&both).matches("(bibtex)").count(), 1, "{both:?}");
    let again = run(&[
        "import",
        absolute.to_str().unwrap(),
        "lists/sub/up/scaling.bib",
    ]);
    assert!(stdout(&again).contains(" 0 new, 0 merged"), "{again:?}");
    let stats: serde_json::Value =
        serde_json::from_slice(&run(&["--json", "stats"]).stdout).unwrap();
    assert_eq!(stats["files"], 1);
    assert_eq!(stats["sources"], 2);
}

#[test]
fn a_truncated_bib_whose_every_entry_is_broken_changes_nothing_and_says_where() {
    let data = tempfile::tempdir().unwrap();
    let list = data.path().join("refs.bib");
    std::fs::write(
        &list,
        "@article{kaplan2020scaling,\n  title = {Scaling Laws for Neural Language Models},\n  author = {Kaplan, Jared},\n  year = {2020}\n}\n",
    )
    .unwrap();
    let first = paperclub(data.path(), &["import", list.to_str().unwrap()]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    // The same list, cut off inside its only entry (a download that stopped).
    std::fs::write(
        &list,
        "@article{kaplan2020scaling,\n  title = {Scaling Laws for {Neural Language Models,\n  author = {Kaplan, Jared},\n  year = 2020,\n",
    )
    .unwrap();
    let again = paperclub(data.path(), &["import", list.to_str().unwrap()]);
    let text = stdout(&again);
    assert_eq!(again.status.code(), Some(1), "{text}");
    assert!(
        text.contains("✗") && text.contains("nothing was changed"),
        "{text}"
    );
    assert!(text.contains("refs.bib:1: BibTeX entry"), "{text}");
    let found = paperclub(data.path(), &["show", "kaplan2020scaling"]);
    assert!(
        stdout(&found).contains("Scaling Laws for Neural Language Models"),
        "{found:?}"
    );
}

#[test]
fn recommend_from_a_tag_no_paper_carries_suggests_the_tags_like_it() {
    let dir = imported();
    let out = paperclub(dir.path(), &["recommend", "--tag", "scaling"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let said = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(
        said.contains("No papers are tagged “scaling”. Did you mean `"),
        "{said}"
    );
}

#[test]
fn a_limit_of_zero_is_a_usage_error_not_one_result() {
    let dir = imported();
    for args in [
        &["search", "scaling", "--limit", "0"][..],
        &["recommend", "--tag", "scaling-laws", "--limit", "0"][..],
    ] {
        let out = paperclub(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("'--limit <LIMIT>': a whole number, 1 or more"),
            "{out:?}"
        );
    }
}

#[test]
fn a_list_saved_as_utf16_is_refused_with_the_encoding_to_use() {
    let data = tempfile::tempdir().unwrap();
    let text = "@article{doe2020, title={UTF Sixteen}, author={Doe, J}, year={2020}}\n";
    for (name, bom, le) in [
        ("le.bib", &[0xFF, 0xFE][..], true),
        ("be.bib", &[0xFE, 0xFF][..], false),
        ("nobom.bib", &[][..], true),
    ] {
        let mut bytes = bom.to_vec();
        for unit in text.encode_utf16() {
            let pair = if le {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend(pair);
        }
        let path = data.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = paperclub(data.path(), &["import", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert!(
            stdout(&out).contains("saved as UTF-16 text; save it as UTF-8"),
            "{name}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn a_file_named_explicitly_that_is_not_a_reading_list_is_an_error() {
    let data = tempfile::tempdir().unwrap();
    let readme = Path::new(FOLDER).join("README.md");
    let out = paperclub(data.path(), &["import", readme.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stdout(&out).contains("✗"), "{out:?}");
    let json = paperclub(data.path(), &["--json", "import", FOLDER]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let skipped: Vec<&serde_json::Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["skipped"].is_string())
        .collect();
    assert_eq!(skipped.len(), 2, "{v}");
}

#[test]
fn an_entry_with_an_absurd_field_is_skipped_with_a_warning_and_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("absurd.bib");
    let huge = "A".repeat(5 << 20);
    let deep = format!("{}x{}", "{".repeat(100_000), "}".repeat(100_000));
    let nested = format!("{}x{}", "{".repeat(100), "}".repeat(100));
    let bib = format!(
        "@misc{{huge2020,\n  title = {{{huge}}},\n  year = {{2020}}\n}}\n\n\
         @misc{{deep2020,\n  title = {{{deep}}},\n  year = {{2020}}\n}}\n\n\
         @misc{{nested2020,\n  title = {{{nested}}},\n  year = {{2020}}\n}}\n\n\
         @misc{{fine2020,\n  title = {{A Fine Paper}},\n  author = {{Doe, Jane}},\n  year = {{2020}}\n}}\n"
    );
    std::fs::write(&file, bib).unwrap();
    let data = tempfile::tempdir().unwrap();
    let out = paperclub(data.path(), &["import", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        &text[..text.len().min(2000)]
    );
    assert_eq!(text.matches("entry skipped").count(), 3, "{text}");
    assert!(text.contains("1 new"), "{text}");
    for key in ["huge2020", "deep2020", "nested2020"] {
        let show = paperclub(data.path(), &["show", key]);
        assert_eq!(show.status.code(), Some(1), "{key} was stored");
    }
}

#[test]
fn show_in_a_terminal_prints_the_text_as_written_not_escaped_for_discord() {
    let data = tempfile::tempdir().unwrap();
    let bib = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/discord/markdown.bib"
    );
    assert!(paperclub(data.path(), &["import", bib]).status.success());
    let out = stdout(&paperclub(data.path(), &["show", "mallory2024click"]));
    assert!(
        out.contains("■ Masked Links Considered __Harmful__"),
        "{out}"
    );
    assert!(
        out.contains("[Click here](https://evil.example) to claim"),
        "{out}"
    );
}

#[test]
fn lists_shows_a_guilds_files_and_remove_takes_back_what_one_stated() {
    let folder = folder_with_loop();
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_paperclub"))
            // No test reaches the Hub: the default model is fetched by none of them.
            .env("PAPERCLUB_MODEL", "none")
            .env("HF_HUB_OFFLINE", "1")
            .current_dir(folder.path())
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .env_remove("PAPERCLUB_CONFIG")
            .output()
            .unwrap()
    };
    assert!(run(&["import", "lists/scaling.bib", "--guild", "9"])
        .status
        .success());
    let lists: serde_json::Value =
        serde_json::from_slice(&run(&["--json", "lists", "--guild", "9"]).stdout).unwrap();
    let list = &lists.as_array().expect("an array")[0];
    assert_eq!(list["format"], "bibtex");
    assert!(
        list["name"]
            .as_str()
            .unwrap()
            .ends_with("lists/scaling.bib"),
        "{list}"
    );
    let papers = list["entries"].as_u64().unwrap();
    assert!(papers > 0);
    // The global catalog has no lists of its own, and guild 9's are not its.
    let global: serde_json::Value =
        serde_json::from_slice(&run(&["--json", "lists"]).stdout).unwrap();
    assert_eq!(global, serde_json::json!([]));

    let found = |guild: &str| {
        let out = run(&["--json", "search", "scaling", "--guild", guild]);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert!(!found("9").as_array().unwrap().is_empty());
    // Any spelling of the file names the list, as for import.
    let removed = run(&["lists", "--guild", "9", "--remove", "./lists/scaling.bib"]);
    assert!(removed.status.success(), "{removed:?}");
    assert!(
        stdout(&removed).contains(&format!("{papers} papers")),
        "{removed:?}"
    );
    assert_eq!(found("9"), serde_json::json!([]));
    let missing = run(&["lists", "--guild", "9", "--remove", "lists/scaling.bib"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stdout(&missing).contains("no list named"), "{missing:?}");
}

const ARXIV_FIXTURES: [&str; 2] = [
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ingest/arxiv_daily.jsonl"
    ),
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ingest/arxiv_snapshot.jsonl"
    ),
];

#[test]
fn eval_search_scores_paperclub_and_the_tfidf_baseline_per_kind() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["import"];
    args.extend(ARXIV_FIXTURES);
    let out = paperclub(dir.path(), &args);
    assert!(stdout(&out).contains("(arxiv-jsonl)"), "{out:?}");
    let queries = dir.path().join("queries.tsv");
    std::fs::write(
        &queries,
        "# kind\tid\tquery\n\
         title\t1706.03762\tAttention Is All You Need\n\
         typo\t0704.0001\tCalculation of prompt diphotn production cross sections\n\
         description\t0704.0001\tphoton pairs at hadron colliders computed in perturbative QCD with gluon resummation\n\
         description\t1706.03762\ttranslation with a network made only of attention, no recurrence\n\
         description\t9999.99999\ta paper nobody imported\n",
    )
    .unwrap();
    let q = queries.to_str().unwrap();
    let out = paperclub(dir.path(), &["eval", "search", q]);
    let text = stdout(&out);
    assert!(out.status.success(), "{out:?}");
    assert!(text.contains("catalog: 7 papers"), "{text}");
    let row = |system: &str, kind: &str| {
        text.lines()
            .find(|l| l.starts_with(system) && l.contains(kind))
            .unwrap_or_else(|| panic!("no {system} {kind} row in:\n{text}"))
            .split_whitespace()
            .skip(2)
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("paperclub", "title"), "1 1.000 1.000");
    assert_eq!(row("paperclub", "description"), "2 1.000 1.000");
    assert_eq!(row("tf-idf", "description"), "2 1.000 1.000");
    assert_eq!(row("paperclub", "typo"), "1 1.000 1.000");
    assert!(
        text.contains("line 6: 9999.99999 is not in the catalog"),
        "{text}"
    );

    let json = paperclub(dir.path(), &["--json", "eval", "search", q]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["scores"].as_array().map(Vec::len), Some(6), "{v}");

    std::fs::write(&queries, "title 1706.03762 no tabs here\n").unwrap();
    let bad = paperclub(dir.path(), &["eval", "search", q]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("line 1:"),
        "{bad:?}"
    );
}
