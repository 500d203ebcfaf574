//! Crash safety of the writes members make: the `paperclub run` binary against the fake
//! Discord on 127.0.0.1 takes a burst of writes (notes, reading marks and slot claims),
//! 100 in flight at a time, and is killed with SIGKILL while they are being answered. Afterwards SQLite's integrity check
//! passes and every write the bot answered with a success is in the database: a ✓ is only
//! sent after the write committed.

#[path = "support/mod.rs"]
mod support;

use serde_json::{json, Value};
use sqlx::Connection;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::bot::TOKEN;
use support::fake_discord::{FakeDiscord, Recorded};
use support::payloads::{self, opt, sub, Invoker, CHANNEL_A, GUILD_A, GUILD_B};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const NOW: &str = "2026-03-02T12:00:00Z";
const WRITES: usize = 1_000;
/// The bot is killed once this many writes were answered with a success.
const KILL_AFTER: usize = 250;
/// Writes sent and not yet answered, at most.
const IN_FLIGHT: usize = 100;

/// One write a member makes: the interaction, and a query that counts the row it stores.
struct Write {
    who: Invoker,
    command: &'static str,
    options: Value,
    stored: String,
}

/// The kinds of writes in the burst, taken in turn; another kind is one more line here.
const KINDS: &[fn(usize) -> Write] = &[note_write, read_write, slot_write];

/// Teams that claim slots, and the papers of the pool session they claim from: one paper
/// per slot write, so no claim is refused as taken.
const TEAMS: usize = 4;
const POOL: usize = WRITES / 3 + 1;

/// The course's readings, as typed and as the papers table knows them.
const PAPERS: &[(&str, &str)] = &[
    ("arXiv:2203.02155", "p.arxiv = '2203.02155'"),
    ("arXiv:2212.08073", "p.arxiv = '2212.08073'"),
    ("srivastava2014dropout", "p.key = 'srivastava2014dropout'"),
    (
        "10.1162/089976698300017467",
        "p.doi = '10.1162/089976698300017467'",
    ),
    ("arXiv:1706.03762", "p.arxiv = '1706.03762'"),
];

/// `/note add`: a hundred members, a handful of notes each (well under the hourly limit).
fn note_write(i: usize) -> Write {
    let user = 600_000_000_000_000_000 + (i % 100) as u64;
    let text = format!("burst note {i}");
    Write {
        who: Invoker::student(GUILD_A).with_user(user),
        command: "note",
        options: json!([sub(
            "add",
            json!([opt("paper", PAPERS[i % PAPERS.len()].0), opt("text", &text)])
        )]),
        stored: format!(
            "SELECT COUNT(*) FROM notes WHERE guild_id = {GUILD_A} AND author_id = {user} AND body = '{text}'"
        ),
    }
}

/// `/read done`: each member marks every reading once.
fn read_write(i: usize) -> Write {
    let user = 700_000_000_000_000_000 + (i / PAPERS.len()) as u64;
    let (paper, is) = PAPERS[i % PAPERS.len()];
    Write {
        who: Invoker::student(GUILD_A).with_user(user),
        command: "read",
        options: json!([sub("done", json!([opt("paper", paper)]))]),
        stored: format!(
            "SELECT COUNT(*) FROM reading_progress r JOIN papers p ON p.id = r.paper_id
             WHERE r.guild_id = {GUILD_A} AND r.user_id = {user} AND {is}"
        ),
    }
}

/// `/slot claim`: a member of one of the teams claims the next paper of the pool.
fn slot_write(i: usize) -> Write {
    let k = i / KINDS.len();
    let team = k % TEAMS;
    Write {
        who: Invoker::student(GUILD_A).with_user(slot_member(team)),
        command: "slot",
        options: json!([sub("claim", json!([opt("paper", &format!("pool{k}"))]))]),
        stored: format!(
            "SELECT COUNT(*) FROM slots s JOIN papers p ON p.id = s.paper_id
             JOIN teams t ON t.id = s.team_id
             WHERE s.guild_id = {GUILD_A} AND p.key = 'pool{k}' AND t.name = 'burst-{team}'"
        ),
    }
}

fn slot_member(team: usize) -> u64 {
    800_000_000_000_000_000 + team as u64
}

fn paperclub(data: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_paperclub"))
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("PAPERCLUB_NOW", NOW)
        .env_remove("PAPERCLUB_CONFIG")
        .env_remove("PAPERCLUB_FAULT")
        .output()
        .expect("run paperclub");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Guild A's course with two weeks and five readings, all in the global catalog.
fn course(data: &Path) {
    let classics = format!("{FIXTURES}/catalog/classics.bib");
    let post = format!("{FIXTURES}/notes/2026-03-10-alignment.md");
    let guild = GUILD_A.to_string();
    let channel = CHANNEL_A.to_string();
    paperclub(data, &["import", &classics, &post]);
    paperclub(
        data,
        &[
            "course",
            "setup",
            "--guild",
            &guild,
            "--channel",
            &channel,
            "--timezone",
            "Europe/Berlin",
            "--schedule",
            "MON 09:00",
            "--start",
            "2026-03-01",
            "--slots-per-team",
            "100",
        ],
    );
    paperclub(data, &["session", "--guild", &guild, "import", &post]);
    paperclub(
        data,
        &[
            "session",
            "--guild",
            &guild,
            "add",
            "--date",
            "2026-03-17",
            "--title",
            "Classics",
            "--required",
            "srivastava2014dropout",
            "--required",
            "10.1162/089976698300017467",
            "--optional",
            "arXiv:1706.03762",
        ],
    );
    // The pool the slot claims take their papers from, and the teams that claim them.
    let pool: String = (0..POOL)
        .map(|k| format!("@misc{{pool{k},\n  title = {{Burst Pool Study Number {k}}},\n  author = {{Pool, Ada}},\n  year = {{2025}}\n}}\n"))
        .collect();
    let bib = data.join("pool.bib");
    std::fs::write(&bib, pool).expect("write the pool");
    paperclub(data, &["import", bib.to_str().unwrap()]);
    let mut add: Vec<String> = ["session", "--guild", &guild, "add", "--date", "2026-03-24"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    add.extend(["--title".into(), "Pool".into()]);
    for k in 0..POOL {
        add.extend(["--optional".into(), format!("pool{k}")]);
    }
    paperclub(data, &add.iter().map(String::as_str).collect::<Vec<_>>());
    for team in 0..TEAMS {
        let name = format!("burst-{team}");
        paperclub(data, &["team", "--guild", &guild, "create", &name]);
        let member = slot_member(team).to_string();
        paperclub(
            data,
            &["team", "--guild", &guild, "--user", &member, "join", &name],
        );
    }
}

fn bot(data: &Path, fake: &FakeDiscord) -> Child {
    Command::new(env!("CARGO_BIN_EXE_paperclub"))
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
        .arg("--data-dir")
        .arg(data)
        .args(["run", "--discord-api", fake.http_url(), "--dev-guild"])
        .arg(GUILD_A.to_string())
        .env("DISCORD_TOKEN", TOKEN)
        .env("PAPERCLUB_NOW", NOW)
        .env("PAPERCLUB_LOG", "paperclub=warn")
        .env_remove("PAPERCLUB_CONFIG")
        .env_remove("PAPERCLUB_FAULT")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the bot")
}

/// Polls the fake until `done` holds of what the bot sent, for at most a minute.
async fn until(fake: &FakeDiscord, what: &str, done: impl Fn(&[Recorded]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(&fake.requests()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn succeeded(r: &Recorded) -> bool {
    r.path.ends_with("/callback")
        && r.message()["content"]
            .as_str()
            .is_some_and(|c| c.starts_with('✓'))
}

#[tokio::test]
async fn killed_during_a_burst_of_writes_the_database_is_intact_and_keeps_every_answered_write() {
    let data = tempfile::tempdir().expect("temp dir");
    course(data.path());
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    let mut child = bot(data.path(), &fake);
    until(&fake, "command registration", |log| {
        log.iter()
            .any(|r| r.method == "PUT" && r.path.ends_with("/commands"))
    })
    .await;

    let writes: Vec<Write> = (0..WRITES).map(|i| KINDS[i % KINDS.len()](i)).collect();
    // Writes go out as fast as the bot answers, IN_FLIGHT at a time: all 1,000 at once
    // would leave the last waiting longer than Discord's three seconds on a loaded
    // machine, and the fake refuses those answers, as Discord does.
    let mut sent = Vec::with_capacity(WRITES);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let log = fake.requests();
        if log.iter().filter(|r| succeeded(r)).count() >= KILL_AFTER {
            break;
        }
        let answers = log.iter().filter(|r| r.path.ends_with("/callback")).count();
        while sent.len() < WRITES && sent.len() < answers + IN_FLIGHT {
            let w = &writes[sent.len()];
            let id = fake.next_id();
            let payload = payloads::slash(id, &w.who, w.command, w.options.clone(), None);
            fake.dispatch("INTERACTION_CREATE", payload);
            sent.push(id);
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the first successes"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");

    let log = fake.requests();
    let answered: Vec<usize> = sent
        .iter()
        .enumerate()
        .filter(|(_, id)| log.iter().any(|r| r.is_callback_for(**id) && succeeded(r)))
        .map(|(i, _)| i)
        .collect();
    assert!(answered.len() >= KILL_AFTER, "{}", answered.len());
    // Under the burst every write is accepted: none refused as busy or failed.
    let refused: Vec<&str> = log
        .iter()
        .filter(|r| r.path.ends_with("/callback") && r.message()["content"].is_string())
        .filter(|r| !succeeded(r))
        .filter_map(|r| r.message()["content"].as_str())
        .collect();
    assert!(refused.is_empty(), "{refused:?}");
    assert!(
        answered.len() < sent.len(),
        "the bot answered every write sent before the kill; the burst was not interrupted"
    );

    let db = data.path().join("paperclub.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&db);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("open the database after the crash");
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .expect("integrity check");
    assert_eq!(check, "ok");
    let mut lost = Vec::new();
    for &i in &answered {
        let found: i64 = sqlx::query_scalar(&writes[i].stored)
            .fetch_one(&mut conn)
            .await
            .expect("count");
        if found != 1 {
            lost.push(i);
        }
    }
    assert!(
        lost.is_empty(),
        "answered with ✓ but not stored: writes {lost:?}"
    );
    conn.close().await.expect("close");
    eprintln!(
        "{} of {} writes sent answered before SIGKILL; all of them stored",
        answered.len(),
        sent.len()
    );

    // The data folder opens and answers after the crash.
    let mine = paperclub(
        data.path(),
        &[
            "read",
            "--guild",
            &GUILD_A.to_string(),
            "--user",
            "700000000000000000",
            "list",
        ],
    );
    assert!(mine.contains("Your reading progress"), "{mine}");
}
