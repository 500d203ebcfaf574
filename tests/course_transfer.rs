//! Course reuse on the command line: `course export` writes the course as one versioned
//! JSON file and `course import` sets it up again in a fresh guild: the same sessions,
//! readings (found again by arXiv id, DOI or key), teams, and notes with `--notes`. A
//! guild that has a course is refused without `--replace`; a reading the target guild
//! cannot see is reported; a broken or newer file is refused saying what and where.

#[path = "support/cli.rs"]
mod cli;

use cli::{paperclub, setup_course};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

fn refused(out: Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    text(&out)
}

/// Papers every guild sees (the global catalog), and guild 7's course: the alignment week
/// from its post, a classics week added by key and DOI, two teams, a member in one, and
/// two notes (one published).
fn course(d: &Path) {
    let classics = format!("{FIXTURES}/catalog/classics.bib");
    let post = format!("{FIXTURES}/notes/2026-03-10-alignment.md");
    ok(paperclub(d, &["import", &classics, &post]));
    setup_course(d, "7", &["--reminders", "2", "--session-minutes", "90"]);
    ok(paperclub(d, &["session", "--guild", "7", "import", &post]));
    ok(paperclub(
        d,
        &[
            "session",
            "--guild",
            "7",
            "add",
            "--date",
            "2026-03-17 14:00",
            "--title",
            "Classics",
            "--required",
            "srivastava2014dropout",
            "--required",
            "10.1162/089976698300017467",
            "--optional",
            "arXiv:1706.03762",
            "--presenters",
            "team-6",
        ],
    ));
    for team in ["team-5", "team-6"] {
        ok(paperclub(d, &["team", "--guild", "7", "create", team]));
    }
    ok(paperclub(
        d,
        &["team", "--guild", "7", "--user", "11", "join", "team-5"],
    ));
    ok(paperclub(
        d,
        &[
            "slot",
            "--guild",
            "7",
            "assign",
            "srivastava2014dropout",
            "team-6",
        ],
    ));
    let note = [
        "note",
        "--guild",
        "7",
        "--user",
        "11",
        "add",
        "arXiv:2203.02155",
    ];
    ok(paperclub(
        d,
        &[&note[..], &["Reward model first."]].concat(),
    ));
    ok(paperclub(
        d,
        &["note", "--guild", "7", "--user", "11", "publish", "1"],
    ));
    ok(paperclub(
        d,
        &[
            "note",
            "--guild",
            "7",
            "--user",
            "12",
            "add",
            "srivastava2014dropout",
            "Drop units.",
        ],
    ));
}

fn export(d: &Path, guild: &str, notes: bool) -> Value {
    let mut args = vec!["course", "export", "--guild", guild];
    if notes {
        args.push("--notes");
    }
    let out = paperclub(d, &args);
    assert!(out.status.success(), "{}", text(&out));
    let mut file: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    file.as_object_mut().expect("object").remove("exported_at");
    file
}

fn write(d: &Path, name: &str, file: &Value) -> PathBuf {
    let path = d.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(file).unwrap()).unwrap();
    path
}

#[test]
fn an_exported_course_imported_into_a_fresh_guild_is_the_same_course() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    course(d);
    let out = d.join("term.json");
    let written = ok(paperclub(
        d,
        &[
            "course",
            "--guild",
            "7",
            "export",
            "--notes",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    assert!(
        written.contains(
            "✓ Exported the course: 2 sessions with 5 readings, 2 teams, 1 presentation slots, 2 notes."
        ),
        "{written}"
    );
    let file: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(file["format"], "paperclub-course");
    assert_eq!(file["version"], 1);
    assert_eq!(file["course"]["channel"], "42");
    assert_eq!(file["course"]["session_minutes"], 90);
    let source = file["sessions"][0]["source"].as_str().unwrap_or_default();
    assert!(source.ends_with("2026-03-10-alignment.md"), "{source}");
    let classics = &file["sessions"][1];
    assert_eq!(classics["time"], "14:00");
    assert_eq!(classics["readings"][0]["key"], "srivastava2014dropout");
    assert_eq!(classics["readings"][1]["doi"], "10.1162/089976698300017467");
    assert_eq!(classics["readings"][2]["arxiv"], "1706.03762");
    assert_eq!(classics["readings"][2]["required"], false);
    assert_eq!(file["slots"][0]["team"], "team-6");
    assert_eq!(file["slots"][0]["week"], 2);
    assert_eq!(file["slots"][0]["paper"]["key"], "srivastava2014dropout");

    let imported = ok(paperclub(
        d,
        &["course", "import", out.to_str().unwrap(), "--guild", "8"],
    ));
    assert!(
        imported.contains(
            "✓ Imported the course: 2 sessions with 5 readings, 2 teams, 1 presentation slots, 2 notes."
        ),
        "{imported}"
    );
    assert!(!imported.contains('⚠'), "{imported}");
    assert_eq!(export(d, "8", true), export(d, "7", true));
    // The notes came with their authors, teams and visibility: user 12 sees the published
    // note of team-5 in guild 8, and their own.
    let seen = ok(paperclub(
        d,
        &[
            "note",
            "--guild",
            "8",
            "--user",
            "12",
            "list",
            "arXiv:2203.02155",
        ],
    ));
    assert!(seen.contains("Reward model first."), "{seen}");

    // Without --notes, a new term: the same sessions and teams, no notes. The file is
    // shaped as before session lengths existed: its sessions get the default length.
    let mut old = export(d, "7", false);
    old["course"]
        .as_object_mut()
        .unwrap()
        .remove("session_minutes");
    let bare = write(d, "bare.json", &old);
    let imported = ok(paperclub(
        d,
        &["course", "import", bare.to_str().unwrap(), "--guild", "9"],
    ));
    assert!(
        imported.contains("2 teams, 1 presentation slots, 0 notes"),
        "{imported}"
    );
    let nine = export(d, "9", true);
    assert_eq!(nine["notes"], serde_json::json!([]));
    assert_eq!(nine["course"]["session_minutes"], 75);
    assert_eq!(nine["sessions"], export(d, "7", false)["sessions"]);
    assert_eq!(nine["teams"], export(d, "7", false)["teams"]);
    let week = ok(paperclub(d, &["week", "2", "--guild", "9"]));
    assert!(week.contains("Classics"), "{week}");
    let slots = ok(paperclub(d, &["slot", "--guild", "9", "list"]));
    assert!(slots.contains("team-6"), "{slots}");
}

#[test]
fn imports_refuse_an_existing_course_and_bad_files_and_report_what_the_guild_cannot_see() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    course(d);
    // A paper only guild 7 sees, as an optional reading of week 2.
    ok(paperclub(
        d,
        &[
            "import",
            "--guild",
            "7",
            &format!("{FIXTURES}/cite/techreport.bib"),
        ],
    ));
    ok(paperclub(
        d,
        &[
            "session",
            "--guild",
            "7",
            "edit",
            "2",
            "--optional",
            "openai2023gpt4",
        ],
    ));
    let file = write(d, "term.json", &export(d, "7", true));
    let path = file.to_str().unwrap();

    let again = refused(paperclub(d, &["course", "import", path, "--guild", "7"]));
    assert!(
        again.contains("This server already has a course (channel <#42>, 2 sessions, 2 teams)")
            && again.contains("`--replace`"),
        "{again}"
    );
    let moved = ok(paperclub(
        d,
        &[
            "course",
            "import",
            path,
            "--guild",
            "7",
            "--replace",
            "--start",
            "2027-03-01",
        ],
    ));
    assert!(
        moved.contains("✓ Replaced the course: 2 sessions"),
        "{moved}"
    );
    assert!(moved.contains("Every date moved by 365 days."), "{moved}");
    let schedule = ok(paperclub(d, &["schedule", "--guild", "7"]));
    assert!(schedule.contains("2027"), "{schedule}");

    let other = ok(paperclub(d, &["course", "import", path, "--guild", "8"]));
    assert!(
        other.contains("✓ Imported the course: 2 sessions with 4 readings"),
        "{other}"
    );
    assert!(
        other.contains(
            "⚠ week 2 (“Classics”): optional reading openai2023gpt4 is not in this server's catalog"
        ),
        "{other}"
    );

    let mut broken = export(d, "7", false);
    broken["sessions"][1]["date"] = "2026-02-31".into();
    let broken = write(d, "broken.json", &broken);
    let said = refused(paperclub(
        d,
        &["course", "import", broken.to_str().unwrap(), "--guild", "9"],
    ));
    assert!(
        said.contains("is not a course file this build can read:"),
        "{said}"
    );
    assert!(
        said.contains("`sessions[1].date`: input is out of range at line "),
        "{said}"
    );
    let mut zone = export(d, "7", false);
    zone["course"]["timezone"] = "Europe/Berln".into();
    let zone = write(d, "zone.json", &zone);
    let said = refused(paperclub(
        d,
        &["course", "import", zone.to_str().unwrap(), "--guild", "9"],
    ));
    // The zone is what is wrong; a hint about moving dates would send the reader astray.
    assert!(
        said.contains("In the file's `course`: `Europe/Berln` is not a time zone. Did you mean `Europe/Berlin`"),
        "{said}"
    );
    assert!(!said.contains("Importing an earlier term"), "{said}");
    // A channel given with the import is the importer's, and the message does not blame the file.
    let fine = write(d, "fine.json", &export(d, "7", false));
    let said = refused(paperclub(
        d,
        &[
            "course",
            "import",
            fine.to_str().unwrap(),
            "--guild",
            "9",
            "--channel",
            "0",
        ],
    ));
    assert!(
        said.contains("`channel` must be a Discord channel id") && !said.contains("In the file's"),
        "{said}"
    );
    let mut newer = export(d, "7", false);
    newer["version"] = 2.into();
    let newer = write(d, "newer.json", &newer);
    let said = refused(paperclub(
        d,
        &["course", "import", newer.to_str().unwrap(), "--guild", "9"],
    ));
    assert!(
        said.contains("version 2 of the course file; this build of paperclub reads version 1"),
        "{said}"
    );
    let notes_md = format!("{FIXTURES}/notes/2026-03-10-alignment.md");
    let said = refused(paperclub(
        d,
        &["course", "import", &notes_md, "--guild", "9"],
    ));
    assert!(said.contains("not a JSON object"), "{said}");
    // Nothing of the refused files was written.
    let none = refused(paperclub(d, &["course", "info", "--guild", "9"]));
    assert!(none.contains("no course yet"), "{none}");
    let missing = paperclub(d, &["course", "info"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
}

#[test]
fn an_import_keeps_the_guilds_channel_unless_one_is_given() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    course(d);
    // A file from another server names that server's channel.
    let mut file = export(d, "7", false);
    file["course"]["channel"] = "990000000000000001".into();
    let file = write(d, "theirs.json", &file);
    let path = file.to_str().unwrap();
    let info = |guild: &str| ok(paperclub(d, &["course", "--guild", guild, "info"]));

    ok(paperclub(
        d,
        &["course", "import", path, "--guild", "7", "--replace"],
    ));
    let kept = info("7");
    assert!(
        kept.contains("<#42>") && !kept.contains("990000000000000001"),
        "{kept}"
    );
    ok(paperclub(
        d,
        &[
            "course",
            "import",
            path,
            "--guild",
            "7",
            "--replace",
            "--channel",
            "43",
        ],
    ));
    assert!(info("7").contains("<#43>"), "{}", info("7"));
    // A guild with no course has no channel of its own: the file's is taken (and the bot
    // refuses to post there unless it is that guild's, see discord_e2e posting).
    ok(paperclub(d, &["course", "import", path, "--guild", "8"]));
    assert!(info("8").contains("<#990000000000000001>"), "{}", info("8"));
}
