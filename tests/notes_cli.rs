//! Teams and notes on the command line, one process per command as a script would run
//! them: teams named in a course post found in any case, a note private to its team until
//! published (list and export), the hourly limit counted in the database across
//! processes (one after another, and 36 at once), the length limit, and guild isolation.

use std::path::Path;
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const NOW: &str = "2026-02-20T12:00:00Z";
const OUYANG: &str = "arXiv:2203.02155";

fn paperclub(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paperclub"))
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
        .expect("run paperclub")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

/// A refusal: exit code 1 and the message.
fn refused(out: Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    stdout(&out)
}

/// A course in `guild` with the alignment week and teams team-5 and team-6.
fn course(data: &Path, guild: &str) {
    ok(paperclub(
        data,
        &[
            "course",
            "--guild",
            guild,
            "setup",
            "--channel",
            "42",
            "--timezone",
            "Europe/Berlin",
            "--schedule",
            "MON 09:00",
            "--start",
            "2026-03-01",
        ],
    ));
    let post = format!("{FIXTURES}/notes/2026-03-10-alignment.md");
    ok(paperclub(
        data,
        &["session", "--guild", guild, "import", &post],
    ));
    for team in ["team-5", "team-6"] {
        ok(paperclub(data, &["team", "--guild", guild, "create", team]));
    }
}

fn as_user<'a>(guild: &'a str, user: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![rest[0], "--guild", guild, "--user", user];
    args.extend_from_slice(&rest[1..]);
    args
}

#[test]
fn a_note_is_its_teams_until_published_and_exports_say_so() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    course(d, "7");
    let list = ok(paperclub(d, &["team", "--guild", "7", "list"]));
    // The post says `notes: Team-5`; the team is `team-5`.
    assert!(
        list.contains("team-5** — 0 members · notes week 1"),
        "{list}"
    );

    ok(paperclub(
        d,
        &as_user("7", "11", &["team", "join", "TEAM-5"]),
    ));
    ok(paperclub(
        d,
        &as_user("7", "12", &["team", "join", "team-6"]),
    ));
    let again = refused(paperclub(
        d,
        &as_user("7", "11", &["team", "join", "team-6"]),
    ));
    assert!(again.contains("already in team `team-5`"), "{again}");
    let student = refused(paperclub(
        d,
        &as_user("7", "11", &["team", "create", "team-9"]),
    ));
    assert!(student.contains("Only instructors"), "{student}");

    let added = ok(paperclub(
        d,
        &as_user(
            "7",
            "11",
            &["note", "add", OUYANG, "Reward model first, then PPO."],
        ),
    ));
    assert!(
        added.contains("✓ Note #1 on “Training language models"),
        "{added}"
    );
    let other = ok(paperclub(d, &as_user("7", "12", &["note", "list", OUYANG])));
    assert!(other.contains("No notes you can see"), "{other}");
    let export = ok(paperclub(
        d,
        &as_user("7", "12", &["notes", "export", "--session", "1"]),
    ));
    assert!(export.contains("[attachment notes-week-1.md"), "{export}");
    assert!(export.contains("## 2. Constitutional AI"), "{export}");
    assert!(!export.contains("Reward model"), "{export}");
    let teacher = ok(paperclub(
        d,
        &["notes", "--guild", "7", "export", "--team", "team-5"],
    ));
    assert!(
        teacher.contains("> Reward model first, then PPO."),
        "{teacher}"
    );
    assert!(teacher.contains("unpublished"), "{teacher}");

    let foreign = refused(paperclub(d, &as_user("7", "12", &["note", "publish", "1"])));
    assert!(foreign.contains("There is no note #1"), "{foreign}");
    ok(paperclub(d, &as_user("7", "11", &["note", "publish", "1"])));
    let export = ok(paperclub(
        d,
        &as_user("7", "12", &["notes", "export", "--paper", OUYANG]),
    ));
    assert!(
        export.contains("> Reward model first, then PPO."),
        "{export}"
    );
    assert!(
        export.contains("**Note #1** by user 11 (team-5, 2026-02-20 12:00 UTC, published)"),
        "{export}"
    );

    let two = paperclub(
        d,
        &as_user(
            "7",
            "12",
            &["notes", "export", "--session", "1", "--team", "team-5"],
        ),
    );
    assert_eq!(two.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&two.stderr).contains("Export one thing"));

    course(d, "8");
    let b = ok(paperclub(d, &as_user("8", "12", &["note", "list", OUYANG])));
    assert!(b.contains("No notes you can see"), "{b}");
    let b = refused(paperclub(
        d,
        &as_user("8", "11", &["note", "edit", "1", "hijack"]),
    ));
    assert!(b.contains("There is no note #1"), "{b}");
}

#[test]
fn the_hourly_limit_holds_across_processes_and_long_notes_are_refused() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    course(d, "7");
    for i in 0..30 {
        let text = format!("note {i}");
        ok(paperclub(
            d,
            &as_user("7", "11", &["note", "add", OUYANG, &text]),
        ));
    }
    let limit = refused(paperclub(
        d,
        &as_user("7", "11", &["note", "add", OUYANG, "one more"]),
    ));
    assert!(
        limit.contains("You have written 30 notes in the last hour, the limit (30 an hour)"),
        "{limit}"
    );
    // Another member is not held by someone else's count.
    ok(paperclub(
        d,
        &as_user("7", "12", &["note", "add", OUYANG, "mine"]),
    ));
    let long = "y".repeat(1501);
    let long = refused(paperclub(
        d,
        &as_user("7", "12", &["note", "add", OUYANG, &long]),
    ));
    assert!(
        long.contains("at most 1500 characters; this one has 1501"),
        "{long}"
    );

    ok(paperclub(
        d,
        &as_user("7", "12", &["note", "edit", "31", "mine, revised"]),
    ));
    let history = ok(paperclub(
        d,
        &as_user("7", "12", &["note", "history", "31"]),
    ));
    assert!(
        history.contains("> mine\n") && history.contains("> mine, revised"),
        "{history}"
    );
}

#[test]
fn thirty_six_notes_at_once_from_as_many_processes_leave_exactly_thirty() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_path_buf();
    course(&d, "7");
    let runs: Vec<_> = (0..36)
        .map(|i| {
            let d = d.clone();
            std::thread::spawn(move || {
                let text = format!("burst {i}");
                paperclub(&d, &as_user("7", "11", &["note", "add", OUYANG, &text]))
            })
        })
        .collect();
    let codes: Vec<Option<i32>> = runs
        .into_iter()
        .map(|r| r.join().expect("thread").status.code())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == Some(0)).count(),
        30,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == Some(1)).count(),
        6,
        "{codes:?}"
    );
    let mine = ok(paperclub(
        &d,
        &as_user("7", "11", &["notes", "export", "--paper", OUYANG]),
    ));
    assert!(mine.contains("30 note(s) you can see"), "{mine}");
}
