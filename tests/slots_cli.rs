//! Presentation slots on the command line, one process per command: a claim and the
//! refusals that follow it (taken, limit, a date on no session), a student's swap confirmed
//! by both teams in separate processes, autofill previewed then applied with `--apply` and
//! naming the weeks a team presents twice, the `.ics` written with `--out`, a refused
//! session length and the hour kept by a course from before session lengths, what skipping
//! a week does to its presentations (with and without `--shift`), and guild isolation.

#[path = "support/cli.rs"]
mod cli;

use cli::{ok, paperclub, setup_course, stdout};
use std::path::Path;
use std::process::Output;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const GUILD: &str = "7";
const KAPLAN: &str = "arXiv:2001.08361";
const HOFFMANN: &str = "arXiv:2203.15556";
const ALICE: &str = "11";
const BOB: &str = "12";

fn refused(out: Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    stdout(&out)
}

/// `slot <action> --guild G [--user U] args...`
fn slot(data: &Path, guild: &str, user: Option<&str>, rest: &[&str]) -> Output {
    let mut args = vec!["slot", "--guild", guild];
    if let Some(u) = user {
        args.extend(["--user", u]);
    }
    args.extend_from_slice(rest);
    paperclub(data, &args)
}

/// The scaling week (Kaplan required, Hoffmann optional), teams team-1 (Alice) and
/// team-2 (Bob), one slot per team.
fn course(data: &Path, guild: &str) {
    setup_course(data, guild, &["--slots-per-team", "1"]);
    let post = format!("{FIXTURES}/course/2026-03-03-scaling.md");
    ok(paperclub(
        data,
        &["session", "--guild", guild, "import", &post],
    ));
    for (team, user) in [("team-1", ALICE), ("team-2", BOB)] {
        ok(paperclub(data, &["team", "--guild", guild, "create", team]));
        let join = ["team", "--guild", guild, "--user", user, "join", team];
        ok(paperclub(data, &join));
    }
}

#[test]
fn claims_refusals_a_two_process_swap_and_the_calendar_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    course(data, GUILD);

    let claimed = ok(slot(data, GUILD, Some(ALICE), &["claim", KAPLAN]));
    assert!(
        claimed.contains(
            "✓ Team `team-1` presents “Scaling Laws for Neural Language Models” in week 1"
        ),
        "{claimed}"
    );
    let taken = refused(slot(data, GUILD, Some(BOB), &["claim", KAPLAN]));
    assert!(taken.contains("already taken: team `team-1`"), "{taken}");
    let limit = refused(slot(data, GUILD, Some(ALICE), &["claim", HOFFMANN]));
    assert!(limit.contains("Team `team-1` is at its limit"), "{limit}");
    let assign = ["assign", HOFFMANN, "team-2", "--date", "2026-03-02"];
    let no_session = refused(slot(data, GUILD, None, &assign));
    assert!(
        no_session.contains("There is no session on 2026-03-02"),
        "{no_session}"
    );
    let student = refused(slot(
        data,
        GUILD,
        Some(BOB),
        &["assign", HOFFMANN, "team-2"],
    ));
    assert!(student.contains("Only instructors"), "{student}");
    ok(slot(data, GUILD, Some(BOB), &["claim", HOFFMANN]));

    // A student's swap: each team confirms from its own process.
    let asked = ok(slot(data, GUILD, Some(ALICE), &["swap", KAPLAN, HOFFMANN]));
    assert!(asked.contains("Swap #1"), "{asked}");
    assert!(
        asked.contains("[Confirm] type: /slot confirm swap:1"),
        "{asked}"
    );
    let half = ok(slot(data, GUILD, Some(BOB), &["confirm", "1"]));
    assert!(half.contains("team `team-2`: ✓ confirmed"), "{half}");
    let done = ok(slot(data, GUILD, Some(ALICE), &["confirm", "1"]));
    assert!(done.contains("✓ Swapped"), "{done}");
    let list = ok(slot(data, GUILD, Some(ALICE), &["list"]));
    assert!(
        list.contains("“Scaling Laws for Neural Language Models” → team `team-2`"),
        "{list}"
    );

    let ics = data.join("slots.ics");
    let out = ok(slot(
        data,
        GUILD,
        None,
        &["export", "--out", ics.to_str().unwrap()],
    ));
    assert!(out.contains("✓ 2 presentation(s)"), "{out}");
    let text = std::fs::read_to_string(&ics).expect("the .ics was written");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    // The imported week has no time: a whole local day.
    assert!(text.contains("DTSTART;VALUE=DATE:20260303"), "{text}");

    let other = refused(slot(data, "8", None, &["list"]));
    assert!(other.contains("no course yet"), "{other}");
}

#[test]
fn a_session_length_of_nothing_or_over_a_day_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    course(data, GUILD);
    for bad in ["0", "1441"] {
        let edit = ["course", "--guild", GUILD, "edit", "--session-minutes", bad];
        let out = refused(paperclub(data, &edit));
        assert!(
            out.contains("`session_minutes` is how long a session lasts, from 1 to 1440 minutes"),
            "{out}"
        );
    }
    let info = ok(paperclub(data, &["course", "--guild", GUILD, "info"]));
    assert!(info.contains("75 min"), "{info}");
    let edit = [
        "course",
        "--guild",
        GUILD,
        "edit",
        "--session-minutes",
        "90",
    ];
    ok(paperclub(data, &edit));
    let info = ok(paperclub(data, &["course", "--guild", GUILD, "info"]));
    assert!(info.contains("90 min"), "{info}");
}

/// A data folder from before session lengths (migration 0051): its course's `.ics` events
/// were an hour long, and they stay so; a course set up afterwards gets the default 75.
#[test]
fn a_course_set_up_before_session_lengths_keeps_its_hour() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    course(data, GUILD);
    let db = format!("sqlite://{}", data.join("paperclub.db").display());
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let pool = sqlx::SqlitePool::connect(&db)
                .await
                .expect("open the database");
            for sql in [
                "ALTER TABLE courses DROP COLUMN session_minutes",
                "DELETE FROM _sqlx_migrations WHERE version = 51",
            ] {
                sqlx::query(sql).execute(&pool).await.expect(sql);
            }
            pool.close().await;
        });
    let info = ok(paperclub(data, &["course", "--guild", GUILD, "info"]));
    assert!(info.contains("60 min"), "{info}");
    course(data, "8");
    let info = ok(paperclub(data, &["course", "--guild", "8", "info"]));
    assert!(info.contains("75 min"), "{info}");
}

#[test]
fn autofill_shows_the_plan_and_changes_nothing_until_apply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    course(data, GUILD);
    let preview = ok(slot(data, GUILD, None, &["autofill"]));
    assert!(preview.contains("Autofill: 2 slot(s)"), "{preview}");
    assert!(
        preview.contains("→ team `team-1`") && preview.contains("→ team `team-2`"),
        "{preview}"
    );
    let list = ok(slot(data, GUILD, None, &["list"]));
    assert_eq!(list.matches("— open").count(), 2, "{list}");
    let applied = ok(slot(data, GUILD, None, &["autofill", "--apply"]));
    assert!(
        applied.contains("✓ Autofill applied: 2 slot(s) filled."),
        "{applied}"
    );
    let list = ok(slot(data, GUILD, None, &["list"]));
    assert_eq!(list.matches("— open").count(), 0, "{list}");
    assert!(list.contains("team-1: 1 · team-2: 1"), "{list}");
    let student = refused(slot(data, GUILD, Some(ALICE), &["autofill", "--apply"]));
    assert!(student.contains("Only instructors"), "{student}");
}

#[test]
fn autofill_names_each_week_a_team_presents_twice_when_no_plan_avoids_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    // One team, two weeks of two readings each, room for all: both weeks double.
    setup_course(data, GUILD, &["--slots-per-team", "5"]);
    for post in ["2026-03-03-scaling.md", "2026-03-10-alignment.md"] {
        let post = format!("{FIXTURES}/course/{post}");
        ok(paperclub(
            data,
            &["session", "--guild", GUILD, "import", &post],
        ));
    }
    ok(paperclub(
        data,
        &["team", "--guild", GUILD, "create", "team-1"],
    ));
    let preview = ok(slot(data, GUILD, None, &["autofill"]));
    assert!(preview.contains("Autofill: 4 slot(s)"), "{preview}");
    assert!(
        preview.contains(
            "present twice (as few as any plan allows): team `team-1` in week 1, \
             team `team-1` in week 2."
        ),
        "{preview}"
    );
    // Three readings in week 2: the team is named once for it, with how often it presents.
    ok(paperclub(
        data,
        &["import", &format!("{FIXTURES}/catalog/classics.bib")],
    ));
    session(
        data,
        GUILD,
        &[
            "edit",
            "2",
            "--required",
            "2203.02155",
            "--required",
            "2305.18290",
            "--optional",
            "vaswani2017attention",
        ],
    );
    let preview = ok(slot(data, GUILD, None, &["autofill"]));
    assert!(
        preview.contains("team `team-1` in week 1, team `team-1` 3 times in week 2."),
        "{preview}"
    );
}

fn session(data: &Path, guild: &str, rest: &[&str]) -> String {
    let mut args = vec!["session", "--guild", guild];
    args.extend_from_slice(rest);
    ok(paperclub(data, &args))
}

#[test]
fn a_skipped_weeks_presentations_are_named_listed_as_needing_a_week_and_placed_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    course(data, GUILD);
    // A catch-up week that reads the scaling paper again.
    let catch_up = [
        "add",
        "--date",
        "2026-03-10 14:00",
        "--title",
        "Catch-up",
        "--optional",
        KAPLAN,
    ];
    session(data, GUILD, &catch_up);
    ok(slot(data, GUILD, Some(ALICE), &["claim", KAPLAN]));
    ok(slot(data, GUILD, Some(BOB), &["claim", HOFFMANN]));

    let skipped = session(data, GUILD, &["skip", "1"]);
    assert!(
        skipped.contains(
            "⚠ 2 presentation(s) of that week now have no session: team `team-1` (“Scaling Laws for Neural Language Models”), team `team-2` (“Training Compute-Optimal Large Language Models”)."
        ),
        "{skipped}"
    );
    let list = ok(slot(data, GUILD, None, &["list"]));
    assert!(
        list.contains(
            "“Scaling Laws for Neural Language Models” → team `team-1` — needs a new week"
        ),
        "{list}"
    );
    assert_eq!(list.matches("needs a new week").count(), 2, "{list}");
    // No calendar event on the holiday.
    let ics = data.join("slots.ics");
    let out = ok(slot(
        data,
        GUILD,
        None,
        &["export", "--out", ics.to_str().unwrap()],
    ));
    assert!(
        out.contains("✓ 0 presentation(s)") && out.contains("2 in skipped weeks are left out"),
        "{out}"
    );
    let text = std::fs::read_to_string(&ics).expect("the .ics was written");
    assert!(!text.contains("BEGIN:VEVENT"), "{text}");

    // Another team cannot take the stranded paper; its own team places it again (its
    // limit of one counts the slot once).
    let taken = refused(slot(data, GUILD, Some(BOB), &["claim", KAPLAN]));
    assert!(
        taken.contains("already taken: team `team-1` presents it in week 1, which is skipped"),
        "{taken}"
    );
    let moved = ok(slot(data, GUILD, Some(ALICE), &["claim", KAPLAN]));
    assert!(
        moved.contains("presents “Scaling Laws for Neural Language Models” in week 2")
            && moved.contains("moved from skipped week 1."),
        "{moved}"
    );
    let list = ok(slot(data, GUILD, None, &["list"]));
    assert_eq!(list.matches("needs a new week").count(), 1, "{list}");
    assert!(
        list.contains("“Scaling Laws for Neural Language Models” → team `team-1`\n"),
        "{list}"
    );
}

#[test]
fn a_skip_that_shifts_the_later_weeks_moves_their_presentations_with_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    course(data, GUILD);
    ok(slot(data, GUILD, Some(ALICE), &["claim", KAPLAN]));
    let skipped = session(data, GUILD, &["skip", "1", "--shift"]);
    assert!(
        skipped.contains("1 presentation(s) moved with their sessions."),
        "{skipped}"
    );
    let list = ok(slot(data, GUILD, None, &["list"]));
    assert!(!list.contains("needs a new week"), "{list}");
    let week2 = ok(slot(data, GUILD, None, &["list", "--week", "2"]));
    assert!(
        week2.contains("2026-03-10")
            && week2.contains("“Scaling Laws for Neural Language Models” → team `team-1`"),
        "{week2}"
    );
    let ics = data.join("slots.ics");
    ok(slot(
        data,
        GUILD,
        None,
        &["export", "--out", ics.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(&ics).expect("the .ics was written");
    assert!(text.contains("DTSTART;VALUE=DATE:20260310"), "{text}");
}

#[test]
fn removing_a_week_names_the_presentations_it_takes_with_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    course(data, GUILD);
    ok(slot(data, GUILD, Some(ALICE), &["claim", KAPLAN]));
    let removed = session(data, GUILD, &["remove", "1"]);
    assert!(
        removed.contains(
            "⚠ 1 presentation(s) were removed with it: team `team-1` (“Scaling Laws for Neural Language Models”)"
        ),
        "{removed}"
    );
    let after = ok(slot(data, GUILD, Some(ALICE), &["list"]));
    assert!(after.contains("no sessions yet"), "{after}");
}
