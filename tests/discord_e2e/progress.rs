//! Reading progress through the real client and the fake Discord: a member marks readings
//! done and takes marks back, sees their own progress week by week, instructors (Manage
//! Server or the instructor role) see per reading how many members marked it, students are
//! refused, and guild B sees nothing of guild A's marks.

use super::club::*;
use super::*;

const HOFFMANN: &str = "arXiv:2203.15556";
const SCALING: &str = "Scaling Laws for Neural Language Models";

async fn read(club: &Club, who: &Invoker, action: &str, options: Value) -> Recorded {
    let reply = club
        .bot
        .slash(who, "read", json!([sub(action, options)]))
        .await;
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL, "private: {reply:?}");
    reply
}

async fn progress(club: &Club, who: &Invoker) -> Recorded {
    club.bot
        .slash(who, "course", json!([sub("progress", json!([]))]))
        .await
}

fn text(reply: &Recorded) -> String {
    serde_json::to_string(reply.message()).expect("json")
}

#[tokio::test]
async fn a_member_marks_readings_done_and_sees_their_own_progress_week_by_week() {
    let club = Club::start().await;
    let alice = alice(GUILD_A);
    let before = read(&club, &alice, "list", json!([])).await;
    let before = text(&before);
    assert!(
        before.contains("**Week 1** · 2026-03-03 · Scaling laws"),
        "{before}"
    );
    assert!(before.contains(&format!("⬜ {SCALING}")), "{before}");
    assert!(before.contains("0 of 1 required readings done"), "{before}");

    let done = read(&club, &alice, "done", json!([opt("paper", KAPLAN)])).await;
    assert_eq!(
        content(&done),
        format!(
            "✓ Marked “{SCALING}” as read (a reading of week 1). `/read list` shows your progress."
        )
    );
    let again = read(&club, &alice, "done", json!([opt("paper", KAPLAN)])).await;
    assert_eq!(
        content(&again),
        format!("✓ “{SCALING}” was already marked as read.")
    );
    read(&club, &alice, "done", json!([opt("paper", HOFFMANN)])).await;

    let after = text(&read(&club, &alice, "list", json!([])).await);
    assert!(after.contains(&format!("✅ {SCALING}")), "{after}");
    assert!(
        after.contains("✅ Training Compute-Optimal Large Language Models (optional)"),
        "{after}"
    );
    assert!(after.contains("1 of 1 required readings done"), "{after}");
    // Bob's progress is his own.
    let bob = text(&read(&club, &bob(GUILD_A), "list", json!([])).await);
    assert!(bob.contains("0 of 1 required readings done"), "{bob}");

    let undone = read(&club, &alice, "undo", json!([opt("paper", KAPLAN)])).await;
    assert_eq!(
        content(&undone),
        format!("✓ “{SCALING}” is no longer marked as read.")
    );
    let twice = read(&club, &alice, "undo", json!([opt("paper", KAPLAN)])).await;
    assert_eq!(
        content(&twice),
        format!("“{SCALING}” was not marked as read.")
    );
    let unknown = read(
        &club,
        &alice,
        "done",
        json!([opt("paper", "no_such_paper*2099")]),
    )
    .await;
    // Inside a code span Discord shows a backslash as written: no markdown escapes there.
    assert!(
        content(&unknown).starts_with("No paper `no_such_paper*2099` in this server's catalog"),
        "{}",
        content(&unknown)
    );
    let after = text(&read(&club, &alice, "list", json!([])).await);
    assert!(after.contains("0 of 1 required readings done"), "{after}");
}

#[tokio::test]
async fn instructors_see_how_many_members_read_each_required_reading_and_students_are_refused() {
    let club = Club::start().await;
    for who in [alice(GUILD_A), bob(GUILD_A), carol(GUILD_A)] {
        read(&club, &who, "done", json!([opt("paper", KAPLAN)])).await;
    }
    // An optional reading is not counted among the required ones.
    read(
        &club,
        &alice(GUILD_A),
        "done",
        json!([opt("paper", HOFFMANN)]),
    )
    .await;
    read(
        &club,
        &carol(GUILD_A),
        "undo",
        json!([opt("paper", KAPLAN)]),
    )
    .await;

    let student = progress(&club, &bob(GUILD_A)).await;
    assert_eq!(flags(&student) & EPHEMERAL, EPHEMERAL);
    assert!(
        content(&student).starts_with("Only instructors (Manage Server, or the course's instructor role) see the class's reading progress"),
        "{}",
        content(&student)
    );

    let shown = progress(&club, &Invoker::instructor(GUILD_A)).await;
    assert_eq!(flags(&shown) & EPHEMERAL, EPHEMERAL);
    let shown = text(&shown);
    assert!(
        shown.contains(&format!("• {SCALING} — 2 members")),
        "{shown}"
    );
    assert!(!shown.contains("Training Compute-Optimal"), "{shown}");
    // Carol took her only mark back: two members have marked anything.
    assert!(
        shown.contains("2 member(s) have marked readings"),
        "{shown}"
    );

    // The configured instructor role is enough, without Manage Server.
    let mut assistant = Invoker::student(GUILD_A).with_user(500_000_000_000_000_009);
    assistant.roles = vec![INSTRUCTOR_ROLE];
    let by_role = text(&progress(&club, &assistant).await);
    assert!(by_role.contains("— 2 members"), "{by_role}");

    // Guild B has the same course and papers, and none of A's marks.
    let b = text(&progress(&club, &Invoker::instructor(GUILD_B)).await);
    assert!(b.contains(&format!("• {SCALING} — 0 members")), "{b}");
    let alice_b = text(&read(&club, &alice(GUILD_B), "list", json!([])).await);
    assert!(
        alice_b.contains("0 of 1 required readings done"),
        "{alice_b}"
    );

    for r in club
        .bot
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/callback"))
    {
        if r.message()["content"].is_string() || r.message()["embeds"].is_array() {
            assert_eq!(
                r.message()["allowed_mentions"]["parse"],
                json!([]),
                "no pings"
            );
        }
    }
}
