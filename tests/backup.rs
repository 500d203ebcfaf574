//! `paperclub backup` and `restore` as an instructor on the server runs them: a backup taken
//! while another process uses the folder, a restore refused while one does, a damaged copy
//! refused with nothing changed, and a good copy bringing back the course and the catalog
//! (the index rebuilt from it).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn paperclub(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paperclub"))
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("PAPERCLUB_NOW", "2026-02-20T12:00:00Z")
        .env_remove("PAPERCLUB_CONFIG")
        .env_remove("PAPERCLUB_FAULT")
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

/// A folder with the catalog fixtures and guild 7's course from the course fixtures.
fn course_folder(data: &Path) {
    let catalog = format!("{FIXTURES}/catalog");
    let posts = format!("{FIXTURES}/course-undated");
    let steps: [&[&str]; 3] = [
        &["import", &catalog],
        &[
            "course",
            "--guild",
            "7",
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
        &["session", "--guild", "7", "import", &posts],
    ];
    for args in steps {
        let out = paperclub(data, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
    }
}

#[test]
fn a_backup_restores_the_course_and_the_catalog_and_nothing_restores_over_a_running_bot() {
    let data = tempfile::tempdir().unwrap();
    let keep = tempfile::tempdir().unwrap();
    course_folder(data.path());
    let copy = keep.path().join("term.db");

    // Taken while a chat holds the folder open.
    let mut chat = Command::new(env!("CARGO_BIN_EXE_paperclub"))
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
        .arg("--data-dir")
        .arg(data.path())
        .args(["chat", "--no-examples"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    chat.stdin.as_mut().unwrap().write_all(b"/tags\n").unwrap();
    // Its first answer means it has the folder open.
    let mut first = String::new();
    // Kept until the chat is done: a closed pipe would end it early.
    let mut answers = std::io::BufReader::new(chat.stdout.take().unwrap());
    std::io::BufRead::read_line(&mut answers, &mut first).unwrap();
    assert!(first.contains("/tags"), "{first}");
    let backup = paperclub(data.path(), &["backup", copy.to_str().unwrap()]);
    assert!(
        text(&backup).contains("✓ backup written") && text(&backup).contains("1 courses"),
        "{}",
        text(&backup)
    );
    let again = paperclub(data.path(), &["backup", copy.to_str().unwrap()]);
    assert!(!again.status.success() && text(&again).contains("already exists"));

    let refused = paperclub(data.path(), &["restore", copy.to_str().unwrap()]);
    assert!(!refused.status.success(), "{}", text(&refused));
    assert!(text(&refused).contains("is using"), "{}", text(&refused));
    drop(chat.stdin.take());
    chat.wait().unwrap();
    drop(answers);

    // The term goes on: a session removed, then the backup brings it back.
    let removed = paperclub(data.path(), &["session", "--guild", "7", "remove", "2"]);
    assert!(removed.status.success(), "{}", text(&removed));
    let restored = paperclub(data.path(), &["restore", copy.to_str().unwrap()]);
    assert!(restored.status.success(), "{}", text(&restored));
    let schedule = paperclub(data.path(), &["schedule", "--guild", "7"]);
    assert!(
        text(&schedule).contains("Schedule (3 weeks)") && text(&schedule).contains("Pretraining"),
        "{}",
        text(&schedule)
    );
    let search = paperclub(data.path(), &["search", "compute", "optimal"]);
    assert!(
        text(&search).contains("Training Compute-Optimal"),
        "{}",
        text(&search)
    );
}

#[test]
fn a_damaged_copy_is_refused_and_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let keep = tempfile::tempdir().unwrap();
    course_folder(data.path());
    let copy = keep.path().join("term.db");
    let out = paperclub(data.path(), &["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    // A copy cut short, and a file that is no database at all.
    let bytes = std::fs::read(&copy).unwrap();
    let cut = keep.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let junk = keep.path().join("junk.db");
    std::fs::write(&junk, b"these are not the pages you are looking for").unwrap();
    for bad in [&cut, &junk] {
        let out = paperclub(data.path(), &["restore", bad.to_str().unwrap()]);
        assert!(!out.status.success(), "{}", text(&out));
        assert!(
            text(&out).contains("nothing was changed")
                || text(&out).contains("not a readable paperclub database"),
            "{}",
            text(&out)
        );
    }
    let schedule = paperclub(data.path(), &["schedule", "--guild", "7"]);
    assert!(
        text(&schedule).contains("Schedule (3 weeks)"),
        "{}",
        text(&schedule)
    );
}
