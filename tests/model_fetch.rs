//! The model arriving by itself, with a stand-in for the Hugging Face Hub on 127.0.0.1
//! (`HF_ENDPOINT`) serving the tiny random BERT in the Hub's layout, and `HF_HOME` in a
//! temporary folder: the first fetch into the ecosystem's cache, a second start without a
//! request, damaged downloads refused and fetched again later, the Hub unreachable (the
//! product says once that it works without meaning, and answers), `HF_HUB_OFFLINE=1`, the
//! default model asked at its pinned commit. No test here or anywhere reaches the network.

#[path = "support/hub.rs"]
mod hub;

use hub::{Damage, FakeHub};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const REPO: &str = "paperclub-tests/tiny-bert";
const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog");

/// The binary with its model cache in `hf_home` and the Hub at `endpoint`; `env` on top.
fn command(data: &Path, hf_home: &Path, endpoint: &str, env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_paperclub"));
    c.arg("--data-dir")
        .arg(data)
        .env("HF_HOME", hf_home)
        .env("HF_ENDPOINT", endpoint)
        .env_remove("HF_HUB_OFFLINE")
        .env_remove("HF_HUB_CACHE")
        .env_remove("PAPERCLUB_MODEL")
        .env_remove("PAPERCLUB_CONFIG")
        .env_remove("PAPERCLUB_FAULT");
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn run(data: &Path, hf_home: &Path, endpoint: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    command(data, hf_home, endpoint, env)
        .args(args)
        .output()
        .expect("run paperclub")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn pinned() -> String {
    format!("{REPO}@{COMMIT}")
}

struct Setup {
    data: tempfile::TempDir,
    home: tempfile::TempDir,
}

fn setup() -> Setup {
    let s = Setup {
        data: tempfile::tempdir().unwrap(),
        home: tempfile::tempdir().unwrap(),
    };
    let out = run(
        s.data.path(),
        s.home.path(),
        "http://127.0.0.1:9",
        &[],
        &["import", FIXTURES],
    );
    assert!(out.status.success(), "{}", text(&out));
    s
}

fn snapshot(home: &Path) -> std::path::PathBuf {
    home.join("hub/models--paperclub-tests--tiny-bert/snapshots")
        .join(COMMIT)
}

#[test]
fn the_first_embed_fetches_the_model_into_the_cache_and_a_second_start_makes_no_request() {
    let s = setup();
    let served = hub::tiny_repo(REPO, COMMIT);
    let weights_sha = hub::sha256(&served.files[2].1);
    let fake = FakeHub::start(vec![served], Damage::None);
    let spec = pinned();
    let env = [("PAPERCLUB_MODEL", spec.as_str())];
    let out = run(s.data.path(), s.home.path(), &fake.url, &env, &["embed"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("vectors computed"), "{}", text(&out));
    let asked = fake.requests();
    assert!(asked >= 4, "{asked}");
    // The ecosystem's layout: the snapshot points at blobs named by their digest.
    let snap = snapshot(s.home.path());
    for f in ["config.json", "tokenizer.json", "model.safetensors"] {
        assert!(snap.join(f).is_file(), "{f}");
    }
    let blob = s
        .home
        .path()
        .join("hub/models--paperclub-tests--tiny-bert/blobs")
        .join(&weights_sha);
    assert!(blob.is_file());

    let status = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &env,
        &["--json", "model", "status"],
    );
    assert!(status.status.success(), "{}", text(&status));
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(report["model"], spec.as_str());
    assert_eq!(report["where"], snap.display().to_string());
    assert!(report["papers"].as_i64().unwrap() > 0);
    assert_eq!(report["papers_with_vectors"], report["papers"]);
    assert!(report["texts_per_second"].as_f64().unwrap() > 0.0);

    for args in [&["embed"][..], &["model", "fetch"][..]] {
        let again = run(s.data.path(), s.home.path(), &fake.url, &env, args);
        assert!(again.status.success(), "{}", text(&again));
    }
    assert_eq!(fake.requests(), asked, "a second start asked the Hub again");
}

#[test]
fn a_branch_is_read_through_refs_so_it_too_is_fetched_once() {
    let s = setup();
    let fake = FakeHub::start(vec![hub::tiny_repo(REPO, COMMIT)], Damage::None);
    let env = [("PAPERCLUB_MODEL", REPO)];
    let out = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &env,
        &["model", "fetch"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let refs = s
        .home
        .path()
        .join("hub/models--paperclub-tests--tiny-bert/refs/main");
    assert_eq!(std::fs::read_to_string(refs).unwrap().trim(), COMMIT);
    let asked = fake.requests();
    let again = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &env,
        &["model", "fetch"],
    );
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(fake.requests(), asked);
}

fn damaged_download_is_refused(damage: Damage) {
    let s = setup();
    let served = hub::tiny_repo(REPO, COMMIT);
    let files = served.files.clone();
    let fake = FakeHub::start(vec![served], damage);
    let spec = pinned();
    let env = [("PAPERCLUB_MODEL", spec.as_str())];
    let out = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &env,
        &["model", "fetch"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("model.safetensors arrived damaged"), "{said}");
    assert!(said.contains("Working without meaning"), "{said}");
    assert!(!snapshot(s.home.path()).join("model.safetensors").exists());
    // `embed` refuses too, plainly, and stores nothing.
    let embed = run(s.data.path(), s.home.path(), &fake.url, &env, &["embed"]);
    assert_eq!(embed.status.code(), Some(2), "{}", text(&embed));
    assert!(text(&embed).contains("Working without meaning"));
    drop(fake);

    // The next start, with the download whole, fetches it again and works.
    let fake = FakeHub::start(
        vec![hub::Served {
            repo: REPO.into(),
            commit: COMMIT.into(),
            files,
        }],
        Damage::None,
    );
    let out = run(s.data.path(), s.home.path(), &fake.url, &env, &["embed"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn a_corrupted_download_is_refused_deleted_and_fetched_again_on_the_next_start() {
    damaged_download_is_refused(Damage::Corrupt);
}

#[test]
fn a_truncated_download_is_refused_deleted_and_fetched_again_on_the_next_start() {
    damaged_download_is_refused(Damage::Truncate);
}

/// An address where nothing listens: a port bound and let go.
fn nowhere() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

#[test]
fn with_the_hub_unreachable_the_chat_answers_at_once_and_says_once_it_works_without_meaning() {
    let s = setup();
    let spec = pinned();
    let started = std::time::Instant::now();
    let mut chat = command(
        s.data.path(),
        s.home.path(),
        &nowhere(),
        &[("PAPERCLUB_MODEL", spec.as_str())],
    )
    .args(["chat", "--no-examples"])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdin = chat.stdin.take().unwrap();
    stdin.write_all(b"/tags\n").unwrap();
    // Long enough for a refused connection to be reported; the chat is not waiting on it.
    std::thread::sleep(std::time::Duration::from_secs(2));
    stdin.write_all(b"/tags\n").unwrap();
    drop(stdin);
    let out = chat.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("Working without meaning").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("could not be fetched from"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Scaling Laws"));

    let embed = run(
        s.data.path(),
        s.home.path(),
        &nowhere(),
        &[("PAPERCLUB_MODEL", spec.as_str())],
        &["embed"],
    );
    assert_eq!(embed.status.code(), Some(2), "{}", text(&embed));
    assert!(text(&embed).contains("Working without meaning"));
    // Everything else works as before.
    let search = run(
        s.data.path(),
        s.home.path(),
        &nowhere(),
        &[],
        &["search", "scaling"],
    );
    assert!(search.status.success(), "{}", text(&search));
}

#[test]
fn hf_hub_offline_never_asks_and_uses_what_the_cache_holds() {
    let s = setup();
    let fake = FakeHub::start(vec![hub::tiny_repo(REPO, COMMIT)], Damage::None);
    let spec = pinned();
    let offline = [("PAPERCLUB_MODEL", spec.as_str()), ("HF_HUB_OFFLINE", "1")];
    let out = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &offline,
        &["embed"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("HF_HUB_OFFLINE is set"),
        "{}",
        text(&out)
    );
    assert_eq!(fake.requests(), 0);

    let online = [("PAPERCLUB_MODEL", spec.as_str())];
    let fetched = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &online,
        &["model", "fetch"],
    );
    assert!(fetched.status.success(), "{}", text(&fetched));
    let asked = fake.requests();
    let out = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &offline,
        &["embed"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fake.requests(), asked);
}

#[test]
fn the_default_model_is_asked_at_its_pinned_commit_and_weights_other_than_the_pinned_refused() {
    let s = setup();
    // The tiny model under the default's name: the right address, the wrong weights.
    let fake = FakeHub::start(
        vec![hub::tiny_repo(
            "sentence-transformers/all-MiniLM-L6-v2",
            paperclub::embed::spec::DEFAULT_REVISION,
        )],
        Damage::None,
    );
    let out = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &[],
        &["model", "fetch"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("not the pinned weights"),
        "{}",
        text(&out)
    );
    assert!(fake.requests() > 0);
    let none = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &[("PAPERCLUB_MODEL", "none")],
        &["model", "status"],
    );
    assert!(text(&none).contains("meaning is off"), "{}", text(&none));
}

#[test]
fn every_test_that_starts_the_binary_keeps_it_off_the_network() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests", "tests/support", "tests/discord_e2e", "benches"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for path in files {
        let code = std::fs::read_to_string(&path).unwrap();
        let starts = code.matches("CARGO_BIN_EXE_paperclub\")").count();
        let guarded = code.matches("\"PAPERCLUB_MODEL\", \"none\"").count()
            + code.matches(".env(\"HF_ENDPOINT\"").count();
        assert!(
            starts <= guarded,
            "{} starts paperclub {starts} times but keeps it off the Hub {guarded} times",
            path.display()
        );
    }
}

#[test]
fn a_hub_that_never_answers_is_given_up_after_the_stall_limit() {
    let s = setup();
    // Connections land in the backlog and are never answered: a black-holed network.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let spec = pinned();
    let started = std::time::Instant::now();
    let out = run(
        s.data.path(),
        s.home.path(),
        &url,
        &[("PAPERCLUB_MODEL", spec.as_str())],
        &["model", "fetch"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no answer for 20 s"), "{}", text(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(40));
}

/// `chat` on the setup's folder for `wait` with `/tags` typed; its output.
fn chat(s: &Setup, endpoint: &str, spec: &str, wait: std::time::Duration) -> Output {
    let mut chat = command(
        s.data.path(),
        s.home.path(),
        endpoint,
        &[("PAPERCLUB_MODEL", spec)],
    )
    .args(["chat", "--no-examples"])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdin = chat.stdin.take().unwrap();
    stdin.write_all(b"/tags\n").unwrap();
    std::thread::sleep(wait);
    drop(stdin);
    chat.wait_with_output().unwrap()
}

#[test]
fn the_chat_fetches_the_model_behind_its_answers_and_the_next_chat_finds_it_in_the_cache() {
    let s = setup();
    let fake = FakeHub::start(vec![hub::tiny_repo(REPO, COMMIT)], Damage::None);
    let spec = pinned();
    let first = chat(&s, &fake.url, &spec, std::time::Duration::from_secs(3));
    assert!(first.status.success(), "{}", text(&first));
    let said = String::from_utf8_lossy(&first.stderr).into_owned();
    assert!(
        said.contains(
            "Fetching the sentence-embedding model paperclub-tests/tiny-bert in the background."
        ),
        "{said}"
    );
    assert_eq!(said.matches("is ready").count(), 1, "{said}");
    assert!(String::from_utf8_lossy(&first.stdout).contains("Scaling Laws"));
    let asked = fake.requests();
    assert!(asked > 0);

    let second = chat(&s, &fake.url, &spec, std::time::Duration::from_secs(1));
    assert!(second.status.success(), "{}", text(&second));
    let said = String::from_utf8_lossy(&second.stderr).into_owned();
    assert!(
        !said.contains("Fetching") && !said.contains("without meaning"),
        "{said}"
    );
    assert_eq!(
        fake.requests(),
        asked,
        "the second chat asked the Hub again"
    );
    // The chat's background filler gave the catalog its vectors.
    let env = [("PAPERCLUB_MODEL", spec.as_str())];
    let status = run(
        s.data.path(),
        s.home.path(),
        &fake.url,
        &env,
        &["--json", "model", "status"],
    );
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(report["papers_with_vectors"], report["papers"], "{report}");
}
