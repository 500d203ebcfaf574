//! Several processes on one data folder, and processes that die or fail half-way: the
//! search index never silently falls behind SQLite. Runs the built binary (and, for two
//! catalogs in one process, the library), with fault points switched on through
//! `PAPERCLUB_FAULT`.

use paperclub::catalog::Catalog;
use paperclub::model::Scope;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const ADAM: &str = "Adam: A Method for Stochastic Optimization";
const RESNET: &str = "Deep Residual Learning for Image Recognition";
const BATCHNORM: &str = "Batch Normalization: Accelerating Deep Network Training";
const BERT: &str = "Pre-training of Deep Bidirectional Transformers";
const ADAMW: &str = "Decoupled Weight Decay Regularization";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/processes")
        .join(name)
}

fn command(data: &Path, fault: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paperclub"));
    cmd.arg("--data-dir")
        .arg(data)
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
        .args(args)
        .env_remove("PAPERCLUB_CONFIG")
        .env_remove("DISCORD_TOKEN")
        .env_remove("PAPERCLUB_FAULT");
    if let Some(point) = fault {
        cmd.env("PAPERCLUB_FAULT", point);
    }
    cmd
}

fn run(data: &Path, fault: Option<&str>, args: &[&str]) -> Output {
    command(data, fault, args).output().expect("run paperclub")
}

fn import(data: &Path, fault: Option<&str>, file: &str) -> Output {
    let path = fixture(file);
    run(data, fault, &["import", &path.to_string_lossy()])
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The first result of a command-line search.
fn first_hit(data: &Path, query: &str) -> String {
    let out = run(data, None, &["search", query]);
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

fn stats(data: &Path, fault: Option<&str>) -> String {
    let out = run(data, fault, &["stats"]);
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

#[test]
fn a_process_killed_between_the_database_and_the_index_commit_is_caught_up_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    assert!(import(dir.path(), None, "resnet.bib").status.success());

    let killed = import(dir.path(), Some("after-db-commit"), "adam.bib");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&killed.status),
        Some(9),
        "the fault kills the process with SIGKILL: {}",
        text(&killed)
    );
    assert!(
        !text(&killed).contains("✓"),
        "no report was printed: {}",
        text(&killed)
    );

    assert!(first_hit(dir.path(), "adam stochastic optimization").contains(ADAM));
    assert!(first_hit(dir.path(), "residual learning").contains(RESNET));
    assert!(
        stats(dir.path(), None).contains("search index up to date"),
        "{}",
        stats(dir.path(), None)
    );
}

#[test]
fn a_failed_index_commit_is_reported_not_ticked_and_caught_up_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    assert!(import(dir.path(), None, "resnet.bib").status.success());

    let failed = import(dir.path(), Some("index-commit"), "adam.bib");
    let report = text(&failed);
    assert_eq!(failed.status.code(), Some(1), "{report}");
    assert!(
        report.contains("not yet searchable") && !report.contains("✓"),
        "{report}"
    );
    // Still failing: the index stays behind, and stats says by how much.
    let behind = stats(dir.path(), Some("index-commit"));
    assert!(
        behind.contains("search index behind by 1 change"),
        "{behind}"
    );

    assert!(first_hit(dir.path(), "adam stochastic optimization").contains(ADAM));
    assert!(stats(dir.path(), None).contains("search index up to date"));
}

#[test]
fn two_command_line_imports_into_a_new_folder_at_once_both_succeed_and_are_searchable() {
    for _ in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("new");
        let spawn = |file: &str| {
            command(&data, None, &["import", &fixture(file).to_string_lossy()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn paperclub")
        };
        let (a, b) = (spawn("adam.bib"), spawn("resnet.bib"));
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out));
            assert!(text(&out).contains("✓"), "{}", text(&out));
        }
        assert!(first_hit(&data, "adam stochastic optimization").contains(ADAM));
        assert!(first_hit(&data, "residual learning").contains(RESNET));
    }
}

/// `paperclub chat` reading commands from a pipe: a long-running process like the bot.
struct Chat {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Chat {
    fn start(data: &Path) -> Chat {
        // Guild 0: the instance-wide catalog the command line imports into (what a direct
        // message to the bot sees), not the example server chat plays by default.
        let mut child = command(data, None, &["chat", "--no-examples", "--guild", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn chat");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Chat {
            child,
            stdin,
            lines,
        }
    }

    /// Imports `file` through the chat; returns the report.
    fn import(&mut self, file: &str) -> String {
        let command = format!("/import file:{}", fixture(file).display());
        self.ask(&command, "entries", Duration::from_secs(40), false)
            .unwrap_or_default()
    }

    /// Sends `command` (again every 150 ms) until `want` shows in the output, or `within`
    /// passes; returns the output seen.
    fn ask_until(&mut self, command: &str, want: &str, within: Duration) -> Option<String> {
        self.ask(command, want, within, true)
    }

    fn ask(&mut self, command: &str, want: &str, within: Duration, again: bool) -> Option<String> {
        let deadline = Instant::now() + within;
        let mut seen = String::new();
        let mut sent = false;
        while Instant::now() < deadline {
            if again || !sent {
                writeln!(self.stdin, "{command}").unwrap();
                sent = true;
            }
            let round = Instant::now() + Duration::from_millis(150);
            loop {
                let left = round.saturating_duration_since(Instant::now());
                match self.lines.recv_timeout(left) {
                    Ok(line) => {
                        seen.push_str(&line);
                        seen.push('\n');
                        if line.contains(want) {
                            return Some(seen);
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
        }
        None
    }

    fn finish(mut self) {
        writeln!(self.stdin, "/quit").unwrap();
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success());
    }
}

#[test]
fn a_running_chat_finds_papers_the_command_line_imports_and_merges_into_them() {
    let dir = tempfile::tempdir().unwrap();
    assert!(import(dir.path(), None, "batchnorm.bib").status.success());
    let mut chat = Chat::start(dir.path());
    // The chat imports first, so its identity tables are loaded before the CLI writes.
    let own = chat.import("bert.bib");
    assert!(own.contains('✓') && own.contains("1 new"), "{own}");
    let before = chat
        .ask_until(
            "/paper search residual learning",
            "result",
            Duration::from_secs(5),
        )
        .unwrap_or_default();
    assert!(
        before.contains("result") && !before.contains(RESNET),
        "{before}"
    );

    for file in ["resnet.bib", "adam.bib"] {
        let out = import(dir.path(), None, file);
        assert!(
            out.status.success() && text(&out).contains("✓"),
            "{}",
            text(&out)
        );
    }
    let imported = Instant::now();
    let found = chat.ask_until(
        "/paper search residual learning",
        RESNET,
        Duration::from_secs(2),
    );
    assert!(
        found.is_some(),
        "the chat did not find the new paper within 2 s"
    );
    eprintln!("found after {:?}", imported.elapsed());

    // The CLI gave Adam an id the chat's identity tables did not know: the chat's own
    // import of a list with Adam merges into it instead of failing.
    let merged = chat.import("optimizers.md");
    assert!(
        merged.contains("1 new, 1 merged") && merged.contains('✓'),
        "{merged}"
    );
    chat.finish();

    // And the command line finds what the chat imported.
    assert!(first_hit(dir.path(), "decoupled weight decay").contains(ADAMW));
    assert!(first_hit(dir.path(), "bidirectional transformers").contains(BERT));
    assert!(first_hit(dir.path(), "batch normalization").contains(BATCHNORM));
}

#[tokio::test]
async fn a_catalog_held_open_sees_another_catalogs_import_on_the_same_folder_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let held = Catalog::open(dir.path()).await.unwrap();
    assert!(held
        .search(Scope::GLOBAL, "adam", &[], None, 5)
        .await
        .unwrap()
        .is_empty());
    assert!(held.tags(Scope::GLOBAL).await.unwrap().is_empty());

    let other = Catalog::open(dir.path()).await.unwrap();
    let list = std::fs::read(fixture("optimizers.md")).unwrap();
    let report = other
        .import_bytes(Scope::GLOBAL, "optimizers.md", &list, None)
        .await;
    assert!(
        report.error.is_none() && report.not_searchable.is_none(),
        "{report:?}"
    );

    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let hits = held
            .search(Scope::GLOBAL, "adam stochastic", &[], None, 5)
            .await
            .unwrap();
        if hits.first().is_some_and(|h| h.paper.title == ADAM) {
            break;
        }
        assert!(Instant::now() < deadline, "not found within a second");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let tags = held.tags(Scope::GLOBAL).await.unwrap();
    assert!(tags.iter().any(|t| t.tag == "Optimizers"), "{tags:?}");

    // The held catalog writes next, into a paper the other one created.
    let adam = std::fs::read(fixture("adam.bib")).unwrap();
    let report = held
        .import_bytes(Scope::GLOBAL, "adam.bib", &adam, None)
        .await;
    assert_eq!((report.new, report.merged), (0, 1), "{report:?}");
    let stats = other.stats(Scope::GLOBAL).await.unwrap();
    assert_eq!(stats.index_behind, 0, "{stats:?}");
    assert_eq!(stats.papers, 2);
    held.close().await;
    other.close().await;
}

#[test]
fn an_import_waits_while_another_process_holds_the_index_writer_and_then_is_searchable() {
    let dir = tempfile::tempdir().unwrap();
    assert!(import(dir.path(), None, "resnet.bib").status.success());
    let (index, stale) = paperclub::search::SearchIndex::open(&dir.path().join("index")).unwrap();
    assert!(!stale);
    assert!(index.try_acquire().unwrap(), "the writer is free");

    let mut child = command(
        dir.path(),
        None,
        &["import", &fixture("adam.bib").to_string_lossy()],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import waits for the index writer instead of reporting ✓"
    );
    index.release();
    drop(index);

    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("✓"), "{}", text(&out));
    assert!(first_hit(dir.path(), "adam stochastic optimization").contains(ADAM));
}

#[test]
fn a_running_chat_and_the_command_line_importing_at_the_same_time_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    assert!(import(dir.path(), None, "batchnorm.bib").status.success());
    let mut chat = Chat::start(dir.path());
    let cli = command(
        dir.path(),
        None,
        &["import", &fixture("adam.bib").to_string_lossy()],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let own = chat.import("resnet.bib");
    assert!(own.contains("✓ resnet.bib"), "{own}");
    let out = cli.wait_with_output().unwrap();
    assert!(
        out.status.success() && text(&out).contains("✓"),
        "{}",
        text(&out)
    );
    assert!(chat
        .ask_until(
            "/paper search adam stochastic",
            ADAM,
            Duration::from_secs(2)
        )
        .is_some());
    chat.finish();
    assert!(first_hit(dir.path(), "residual learning").contains(RESNET));
    assert!(first_hit(dir.path(), "adam stochastic optimization").contains(ADAM));
}

#[test]
fn an_embed_killed_after_a_batch_keeps_it_and_the_next_run_computes_only_the_rest() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let model = tempfile::tempdir().unwrap();
    paperclub::embed::tiny::write(model.path()).unwrap();
    let model = model.path().to_str().unwrap();
    // 40 papers: the first batch of 16 commits, then the process is killed.
    let bib: String = (0..40)
        .map(|i| {
            format!(
                "@article{{paper{i},\n  title = {{Graph neural networks for molecules, part {i}}},\n  \
                 author = {{Author, Ada}},\n  year = {{2020}},\n  \
                 abstract = {{We study attention in network {i}.}}\n}}\n"
            )
        })
        .collect();
    let list = dir.path().join("forty.bib");
    std::fs::write(&list, bib).unwrap();
    let data = dir.path().join("data");
    let imported = run(&data, None, &["import", &list.to_string_lossy()]);
    assert!(imported.status.success(), "{}", text(&imported));

    let killed = run(
        &data,
        Some("after-embed-batch"),
        &["embed", "--model", model],
    );
    assert_eq!(killed.status.signal(), Some(9), "{}", text(&killed));

    let again = run(&data, None, &["embed", "--model", model]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).starts_with("✓ 24 vectors computed"),
        "the 16 committed before the kill are kept: {}",
        text(&again)
    );
    let last = run(&data, None, &["embed", "--model", model]);
    assert!(
        text(&last).starts_with("✓ 0 vectors computed"),
        "{}",
        text(&last)
    );
}
