//! Courses on the command line, as an instructor on the server runs them: set up, import
//! course posts (dated by front matter, by file name, or by the schedule), then read the
//! term, a week, and what the next post would say.

#[path = "support/cli.rs"]
mod cli;

use cli::{ok, paperclub, refused};
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn setup(data: &Path, guild: &str) {
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
            "America/New_York",
            "--schedule",
            "0 9 * * TUE",
            "--start",
            "2026-03-01",
        ],
    ));
}

#[test]
fn sessions_take_their_date_from_front_matter_file_name_or_the_schedule() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    let report = ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "import",
            &format!("{FIXTURES}/course-undated"),
        ],
    ));
    // Undated posts take the schedule's Tuesdays from the start, in file order.
    assert!(
        report.contains("“Introduction to language models” on 2026-03-03 — 1 required"),
        "{report}"
    );
    assert!(report.contains("“Pretraining” on 2026-03-10"), "{report}");
    assert!(report.contains("“Guest lecture” on 2026-04-14"), "{report}");
    let named = ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "import",
            &format!("{FIXTURES}/course/2026-03-17-placeholder.md"),
        ],
    ));
    assert!(
        named.contains("on 2026-03-17 — 0 required, 0 optional"),
        "{named}"
    );

    let schedule = ok(paperclub(data.path(), &["schedule", "--guild", "7"]));
    let order: Vec<usize> = [
        "Introduction",
        "Pretraining",
        "Project presentations",
        "Guest lecture",
    ]
    .iter()
    .map(|t| {
        schedule
            .find(t)
            .unwrap_or_else(|| panic!("{t} in {schedule}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "in date order: {schedule}"
    );

    let week = ok(paperclub(data.path(), &["week", "2", "--guild", "7"]));
    assert!(
        week.contains("BERT") && week.contains("Notes: team-1"),
        "{week}"
    );
    assert!(!week.contains("term is over"), "{week}");
    // A date after the term shows its last week, and says so.
    let after = ok(paperclub(
        data.path(),
        &["week", "2027-01-04", "--guild", "7"],
    ));
    assert!(
        after.contains("The term is over; its last week was week 4.")
            && after.contains("Guest lecture"),
        "{after}"
    );
    let before = ok(paperclub(
        data.path(),
        &["week", "2025-12-01", "--guild", "7"],
    ));
    assert!(
        before.contains("The term has not started yet; this is its first week."),
        "{before}"
    );

    // What goes out on Tuesday 10 March at 09:00 New York time (13:00 UTC, after DST).
    let preview = ok(paperclub(
        data.path(),
        &[
            "schedule",
            "--guild",
            "7",
            "preview",
            "--at",
            "2026-03-09 12:00",
        ],
    ));
    assert!(
        preview.contains("Tuesday 2026-03-10 13:00 UTC"),
        "{preview}"
    );
    assert!(
        preview.contains("Pretraining") && preview.contains("BERT"),
        "{preview}"
    );

    // Importing the same posts again updates the sessions instead of adding more.
    ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "import",
            &format!("{FIXTURES}/course-undated"),
        ],
    ));
    let again = ok(paperclub(data.path(), &["schedule", "--guild", "7"]));
    assert_eq!(again, schedule, "same sessions, same dates");
}

#[test]
fn bad_course_settings_say_what_to_type_instead_and_store_nothing() {
    let data = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (
            vec!["--timezone", "Europe/Berln", "--schedule", "MON 09:00"],
            "Did you mean `Europe/Berlin`",
        ),
        (
            vec!["--timezone", "Europe/Berlin", "--schedule", "every monday"],
            "MON 09:00",
        ),
        (
            vec!["--timezone", "Europe/Berlin", "--schedule", "0 0 9 30 2 *"],
            "never fires",
        ),
        (
            vec!["--timezone", "Europe/Berlin", "--schedule", "MON 25:00"],
            "`MON 25:00` is not a schedule I can read: `25:00` is not a time of day",
        ),
        (
            vec![
                "--timezone",
                "Europe/Berlin",
                "--schedule",
                "MON 09:00",
                "--start=-1",
            ],
            "`-1` is not a date",
        ),
        (
            vec![
                "--timezone",
                "Europe/Berlin",
                "--schedule",
                "MON 09:00",
                "--start",
                "March 1",
            ],
            "YYYY-MM-DD",
        ),
    ] {
        let mut all = vec!["course", "--guild", "7", "setup", "--channel", "42"];
        all.extend(args);
        let out = paperclub(data.path(), &all);
        let text = refused(&out);
        assert!(text.contains(expected), "{expected} in: {text}");
    }
    // Channel 0 is no channel: serenity panics on it when the first post goes out.
    let zero = paperclub(
        data.path(),
        &[
            "course",
            "--guild",
            "7",
            "setup",
            "--channel",
            "0",
            "--timezone",
            "UTC",
            "--schedule",
            "MON 09:00",
        ],
    );
    let text = refused(&zero);
    assert!(
        text.contains("`channel` must be a Discord channel id"),
        "{text}"
    );
    let info = paperclub(data.path(), &["course", "--guild", "7", "info"]);
    assert!(String::from_utf8_lossy(&info.stdout).contains("no course yet"));
    // Role 0 is no role either: a team tied to it would hold nobody.
    setup(data.path(), "7");
    let zero = paperclub(
        data.path(),
        &[
            "team",
            "--guild",
            "7",
            "create",
            "team-1",
            "--team-role",
            "0",
        ],
    );
    let text = refused(&zero);
    assert!(text.contains("`role` must be a Discord role id"), "{text}");
    let teams = ok(paperclub(data.path(), &["team", "--guild", "7", "list"]));
    assert!(!teams.contains("team-1"), "{teams}");
}

#[test]
fn a_file_that_is_no_course_post_is_named_and_the_reason_reads_without_escapes() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    let list = data.path().join("my_list*.bib");
    std::fs::write(
        &list,
        "@article{a2020, title={A}, author={B, C}, year={2020}}\n",
    )
    .unwrap();
    let out = paperclub(
        data.path(),
        &["session", "--guild", "7", "import", list.to_str().unwrap()],
    );
    let text = refused(&out);
    assert!(
        text.contains(
            "my_list*.bib: not a course post (it needs `---` front matter with a `title:`)"
        ),
        "{text}"
    );
    // A terminal gets the text as written, without the chat's note about who sees it.
    assert!(!text.contains("only you can see"), "{text}");
}

#[test]
fn another_guild_sees_none_of_the_course() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "import",
            &format!("{FIXTURES}/course-undated"),
        ],
    ));
    for args in [
        &[
            "notes",
            "--guild",
            "8",
            "--user",
            "1",
            "export",
            "--session",
            "1",
        ][..],
        &["recommend", "--guild", "8", "--session", "1"][..],
    ] {
        let out = paperclub(data.path(), args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("no course yet"), "{args:?}: {text}");
    }
    let other = paperclub(data.path(), &["schedule", "--guild", "8"]);
    let text = String::from_utf8_lossy(&other.stdout);
    assert!(
        text.contains("no course yet") && !text.contains("Pretraining"),
        "{text}"
    );
    // Nor its readings: the posts were imported into guild 7's catalog only.
    let search = paperclub(data.path(), &["search", "BERT", "--guild", "8"]);
    assert!(String::from_utf8_lossy(&search.stdout).contains("No papers found"));
}

fn zip_of(dir: &Path, files: &[(&str, Vec<u8>)]) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("term.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in files {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
    path
}

#[test]
fn a_zip_of_posts_imports_each_post_and_a_zip_bomb_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    let posts: Vec<(&str, Vec<u8>)> = ["a-intro.md", "b-bert.md", "c-dated.md"]
        .iter()
        .map(|n| {
            (
                *n,
                std::fs::read(format!("{FIXTURES}/course-undated/{n}")).unwrap(),
            )
        })
        .collect();
    let term = zip_of(files.path(), &posts);
    let report = ok(paperclub(
        data.path(),
        &["session", "--guild", "7", "import", term.to_str().unwrap()],
    ));
    assert_eq!(report.matches("✓").count(), 3, "{report}");
    assert!(report.contains("“Pretraining” on 2026-03-10"), "{report}");

    let bomb = zip_of(files.path(), &[("huge.md", vec![b'a'; 4 * 1024 * 1024])]);
    let out = paperclub(
        data.path(),
        &["session", "--guild", "7", "import", bomb.to_str().unwrap()],
    );
    let text = refused(&out);
    assert!(
        text.contains("more than 2 MB") && text.contains("refused"),
        "{text}"
    );
    let schedule = ok(paperclub(data.path(), &["schedule", "--guild", "7"]));
    assert!(
        schedule.contains("Schedule (3 weeks)"),
        "nothing from the bomb: {schedule}"
    );
}

#[test]
fn an_instructor_edits_a_weeks_title_teams_and_readings() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "import",
            &format!("{FIXTURES}/course-undated"),
        ],
    ));
    let edited = ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "edit",
            "2",
            "--title",
            "Pretraining, revisited",
            "--required",
            "2005.14165",
            "--optional",
            "1810.04805",
            "--notes-team",
            "none",
            "--presenters",
            "team-3",
        ],
    ));
    assert!(
        edited.contains("✓ Week 2 is now “Pretraining, revisited”, 1 required and 1 optional"),
        "{edited}"
    );
    let week = ok(paperclub(data.path(), &["week", "2", "--guild", "7"]));
    let required = week.find("Required readings").expect("required");
    let optional = week.find("Optional readings").expect("optional");
    let gpt3 = week
        .find("Language Models are Few-Shot Learners")
        .expect("gpt-3");
    let bert = week.find("BERT").expect("bert");
    assert!(
        required < gpt3 && gpt3 < optional && optional < bert,
        "{week}"
    );
    assert!(
        week.contains("Presenting: team-3") && !week.contains("Notes:"),
        "{week}"
    );
    let unknown = paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "edit",
            "2",
            "--required",
            "9999.99999",
        ],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stdout).contains("No paper `9999.99999`"));
}

#[test]
fn a_skipped_week_with_shift_moves_the_later_sessions_a_week_and_leaves_a_holiday() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "import",
            &format!("{FIXTURES}/course-undated"),
        ],
    ));
    ok(paperclub(
        data.path(),
        &["session", "--guild", "7", "skip", "2", "--shift"],
    ));
    let week2 = ok(paperclub(data.path(), &["week", "2", "--guild", "7"]));
    assert!(
        week2.contains("Tuesday 10 March 2026") && week2.contains("no session"),
        "{week2}"
    );
    let week3 = ok(paperclub(data.path(), &["week", "3", "--guild", "7"]));
    assert!(
        week3.contains("Pretraining") && week3.contains("Tuesday 17 March 2026"),
        "{week3}"
    );
    // The dated guest lecture moved too (it was later), and keeps its time.
    let week4 = ok(paperclub(data.path(), &["week", "4", "--guild", "7"]));
    assert!(week4.contains("Guest lecture"), "{week4}");
    assert!(week4.contains("2026-04-21"), "{week4}");
}

#[test]
fn skipping_a_week_already_skipped_says_so_and_moves_nothing() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "import",
            &format!("{FIXTURES}/course-undated"),
        ],
    ));
    ok(paperclub(
        data.path(),
        &["session", "--guild", "7", "skip", "2"],
    ));
    let before = ok(paperclub(data.path(), &["schedule", "--guild", "7"]));
    for again in [vec!["skip", "2"], vec!["skip", "2", "--shift"]] {
        let mut args = vec!["session", "--guild", "7"];
        args.extend(&again);
        let out = paperclub(data.path(), &args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(1), "{again:?}: {text}");
        assert!(
            text.contains("Week 2") && text.contains("is already skipped"),
            "{text}"
        );
    }
    let after = ok(paperclub(data.path(), &["schedule", "--guild", "7"]));
    assert_eq!(before, after);
}

#[test]
fn adding_a_session_says_its_week_and_warns_when_the_day_has_passed() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    let add = |date: &str, title: &str| {
        ok(paperclub(
            data.path(),
            &[
                "session", "--guild", "7", "add", "--date", date, "--title", title,
            ],
        ))
    };
    let first = add("2026-03-10", "Scaling");
    assert!(first.contains(": week 1 of 1."), "{first}");
    assert!(!first.contains("⚠"), "{first}");
    // Before the first week, and before today (2026-02-20): it becomes week 1.
    let early = add("2026-02-10", "Kick-off");
    assert!(
        early.contains(": week 1 of 2. The weeks after it are numbered one higher."),
        "{early}"
    );
    assert!(early.contains("⚠ That day has passed"), "{early}");
    // Today (2026-02-20), without a time: not past while the day lasts, but before the
    // first post (Tuesday 3 March), so no weekly post announces it: named, with what to do.
    let today = add("2026-02-20", "Today");
    assert!(!today.contains("That day has passed"), "{today}");
    assert!(
        today.contains("⚠ No weekly post will announce 1 session(s): week 2 (“Today”, Friday 20 February 2026): before the next post")
            && today.contains("`/session announce week:`"),
        "{today}"
    );
    // Moved after the other week: it is week 2 now, and no longer in the past.
    let moved = ok(paperclub(
        data.path(),
        &["session", "--guild", "7", "move", "1", "2026-03-17"],
    ));
    assert!(
        moved.contains("✓ Moved “Kick-off” on Tuesday 17 March 2026: week 3 of 3. It was week 1;"),
        "{moved}"
    );
    assert!(!moved.contains("⚠"), "{moved}");
}

#[test]
fn moving_the_term_past_its_sessions_says_how_many_no_post_will_announce() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "import",
            &format!("{FIXTURES}/course-undated"),
        ],
    ));
    let fine = ok(paperclub(
        data.path(),
        &["course", "--guild", "7", "edit", "--grace-hours", "12"],
    ));
    assert!(!fine.contains("⚠"), "{fine}");
    let twice = ok(paperclub(
        data.path(),
        &[
            "course",
            "--guild",
            "7",
            "edit",
            "--schedule",
            "MON,WED 09:00",
        ],
    ));
    assert!(!twice.contains("⚠"), "{twice}");
    let typo = ok(paperclub(
        data.path(),
        &[
            "course",
            "--guild",
            "7",
            "edit",
            "--schedule",
            "*/5 * * * *",
        ],
    ));
    assert!(
        typo.contains("⚠ This schedule fires more than twice a day"),
        "{typo}"
    );
    // A daily post announces each day's sessions: nothing to warn about.
    let daily = ok(paperclub(
        data.path(),
        &["course", "--guild", "7", "edit", "--schedule", "0 9 * * *"],
    ));
    assert!(!daily.contains("⚠"), "{daily}");
    // A year typed wrong: every session is now before the term.
    let typo = ok(paperclub(
        data.path(),
        &["course", "--guild", "7", "edit", "--start", "2027-03-01"],
    ));
    let sessions = ok(paperclub(data.path(), &["schedule", "--guild", "7"]));
    let count = sessions.lines().filter(|l| l.contains("**")).count();
    assert!(count > 0, "{sessions}");
    assert!(
        typo.contains(&format!(
            "⚠ No weekly post will announce {count} session(s): week 1"
        )),
        "{typo}\n{sessions}"
    );
}

#[test]
fn a_post_dated_in_words_is_refused_quoting_its_whole_date() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    let post = data.path().join("week-9.md");
    std::fs::write(
        &post,
        "---\ntitle: Week 9\ndate: March 3, 2027\n---\n\n## Required Readings\n\n### Attention Is All You Need\n",
    )
    .unwrap();
    let out = paperclub(
        data.path(),
        &["session", "--guild", "7", "import", post.to_str().unwrap()],
    );
    let text = refused(&out);
    assert!(
        text.contains(
            "week-9.md: the front matter's `date:` is `March 3, 2027`; write it as YYYY-MM-DD"
        ),
        "{text}"
    );
}

#[test]
fn recommending_from_a_week_without_readings_says_so() {
    let data = tempfile::tempdir().unwrap();
    setup(data.path(), "7");
    ok(paperclub(
        data.path(),
        &[
            "session",
            "--guild",
            "7",
            "add",
            "--date",
            "2026-03-10",
            "--title",
            "Kick-off",
        ],
    ));
    let out = paperclub(
        data.path(),
        &["recommend", "--guild", "7", "--session", "1"],
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("Week 1 (“Kick-off”) has no readings to start from"),
        "{said}"
    );
}

#[test]
fn every_course_command_takes_guild_before_or_after_its_subcommand() {
    let data = tempfile::tempdir().unwrap();
    let post = format!("{FIXTURES}/course/2026-03-03-scaling.md");
    // Each command twice: `--guild` before the subcommand, then after it (and after the
    // member options, as a script appends them).
    let commands: [(&[&str], &[&str]); 7] = [
        (
            &["course", "--guild", "7", "setup"],
            &[
                "--channel",
                "42",
                "--timezone",
                "Europe/Berlin",
                "--schedule",
                "MON 09:00",
                "--start",
                "2026-03-01",
            ],
        ),
        (&["session", "--guild", "7", "import"], &[&post]),
        (&["schedule", "--guild", "7", "preview"], &[]),
        (&["team", "--guild", "7", "create"], &["team-1"]),
        (
            &["team", "--guild", "7", "--user", "5", "join"],
            &["team-1"],
        ),
        (&["slot", "--guild", "7", "list"], &[]),
        (&["read", "--guild", "7", "--user", "5", "list"], &[]),
    ];
    for (i, (before, rest)) in commands.iter().enumerate() {
        let first: Vec<&str> = before.iter().chain(rest.iter()).copied().collect();
        ok(paperclub(data.path(), &first));
        if i == 0 || i == 4 {
            // Setting up or joining twice is refused, rightly; `--guild` was still read.
            continue;
        }
        // The same command with the options moved behind the subcommand.
        let (head, options) = before.split_at(1);
        let (subcommand, options) = options.split_last().expect("a subcommand");
        let mut after: Vec<&str> = vec![head[0], subcommand];
        after.extend(rest.iter().copied());
        after.extend(options.iter().copied());
        let text = match i {
            // A team of that name exists now: the refusal shows the guild was found.
            3 => refused(&paperclub(data.path(), &after)),
            _ => ok(paperclub(data.path(), &after)),
        };
        if i == 3 {
            assert!(text.contains("already a team `team-1`"), "{text}");
        }
    }
    let joined = ok(paperclub(
        data.path(),
        &["team", "members", "team-1", "--guild", "7"],
    ));
    assert!(joined.contains("<@5>"), "{joined}");
    let imported = ok(paperclub(data.path(), &["schedule", "--guild", "7"]));
    assert!(imported.contains("Scaling"), "{imported}");

    // Without it, in either place, the command says what is missing.
    let out = paperclub(data.path(), &["session", "import", &post]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`session` needs `--guild ID`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = paperclub(data.path(), &["note", "list", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs `--guild ID`"));
}

#[test]
fn on_the_command_line_a_student_may_not_leave_and_an_instructor_moves_them() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    setup(d, "7");
    for team in ["team-1", "team-2"] {
        ok(paperclub(d, &["team", "--guild", "7", "create", team]));
    }
    ok(paperclub(
        d,
        &["team", "--guild", "7", "--user", "11", "join", "team-1"],
    ));
    let leave = refused(&paperclub(
        d,
        &["team", "--guild", "7", "--user", "11", "leave"],
    ));
    assert!(
        leave.contains("students do not leave or change teams"),
        "{leave}"
    );
    let moved = ok(paperclub(
        d,
        &["team", "move", "11", "team-2", "--guild", "7"],
    ));
    assert!(
        moved.contains("Moved <@11> from team `team-1` to team `team-2`"),
        "{moved}"
    );
    let members = ok(paperclub(d, &["team", "--guild", "7", "members", "team-2"]));
    assert!(
        members.contains("<@11> came from team `team-1`"),
        "{members}"
    );
}
