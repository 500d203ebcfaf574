//! Reading progress on the command line, one process per command as a script runs them:
//! a member marks readings and sees their progress, the instructor (the person at the
//! terminal) sees the class's counts, and another guild sees none of it.

#[path = "support/cli.rs"]
mod cli;

use cli::{ok, paperclub, setup_course};
use std::path::Path;

const POST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/notes/2026-03-10-alignment.md"
);

fn course(d: &Path, guild: &str) {
    setup_course(d, guild, &[]);
    ok(paperclub(d, &["session", "--guild", guild, "import", POST]));
}

#[test]
fn a_member_marks_readings_from_the_command_line_and_the_instructor_sees_the_counts() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    course(d, "7");
    course(d, "8");
    let done = ok(paperclub(
        d,
        &[
            "read",
            "--guild",
            "7",
            "--user",
            "11",
            "done",
            "arXiv:2203.02155",
        ],
    ));
    assert!(
        done.contains("✓ Marked “Training language models to follow instructions with human feedback” as read (a reading of week 1)."),
        "{done}"
    );
    ok(paperclub(
        d,
        &[
            "read",
            "--guild",
            "7",
            "--user",
            "12",
            "done",
            "arXiv:2203.02155",
        ],
    ));
    let list = ok(paperclub(
        d,
        &["read", "--guild", "7", "--user", "11", "list"],
    ));
    assert!(list.contains("1 of 2 required readings done"), "{list}");
    assert!(list.contains("⬜ Constitutional AI"), "{list}");

    let undo = paperclub(
        d,
        &[
            "read",
            "--guild",
            "7",
            "--user",
            "11",
            "undo",
            "arXiv:2212.08073",
        ],
    );
    assert_eq!(
        undo.status.code(),
        Some(1),
        "nothing to take back is a refusal"
    );

    let class = ok(paperclub(d, &["course", "progress", "--guild", "7"]));
    assert!(
        class.contains(
            "• Training language models to follow instructions with human feedback — 2 members"
        ),
        "{class}"
    );
    assert!(
        class.contains("• Constitutional AI: Harmlessness from AI Feedback — 0 members"),
        "{class}"
    );
    let other = ok(paperclub(d, &["course", "progress", "--guild", "8"]));
    assert!(
        !other.contains("— 2 members") && other.contains("0 member(s)"),
        "{other}"
    );
}

#[test]
fn marking_a_reading_without_a_member_is_a_usage_error_and_marks_nothing() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    course(d, "7");
    let out = paperclub(d, &["read", "--guild", "7", "done", "arXiv:2203.02155"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--user ID"),
        "{out:?}"
    );
    let progress = ok(paperclub(d, &["course", "--guild", "7", "progress"]));
    assert!(!progress.contains("1 member"), "{progress}");
}
