//! `/course export` and `/course import` through the real client and the fake Discord: an
//! instructor downloads the course as a JSON file (notes on request), another server's
//! instructor uploads it; a server that has a course is refused without `replace`, a file
//! that is not a course file is refused saying why, and students may do neither.

use super::club::*;
use super::*;

fn boolean(name: &str, value: bool) -> Value {
    json!({"name": name, "type": 5, "value": value})
}

/// Uploads `bytes` to `/course import` in `guild` with `extra` options; the follow-up.
async fn import(club: &Club, guild: u64, bytes: &[u8], extra: Vec<Value>) -> Recorded {
    let url = club.bot.fake.serve_file("course.json", bytes);
    let (file, resolved) = attachment(
        "file",
        club.bot.fake.next_id(),
        "course.json",
        bytes.len(),
        &url,
    );
    let mut options = vec![file];
    options.extend(extra);
    let options = json!([sub("import", Value::Array(options))]);
    let who = Invoker::instructor(guild);
    let id = club
        .bot
        .send_slash_resolved(&who, "course", options, Some(resolved))
        .0;
    club.bot.answer(id).await;
    club.bot.follow_up(id).await
}

#[tokio::test]
async fn an_exported_course_file_sets_up_another_server_and_students_may_not_export() {
    let club = Club::start().await;
    club.team(&alice(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    club.add(&alice(GUILD_A), "Power laws *everywhere*").await;

    let student = club
        .bot
        .slash(&alice(GUILD_A), "course", json!([sub("export", json!([]))]))
        .await;
    assert!(
        content(&student).starts_with("Only instructors"),
        "{}",
        content(&student)
    );
    assert!(student.files().is_empty());

    let exported = club
        .bot
        .slash(
            &Invoker::instructor(GUILD_A),
            "course",
            json!([sub("export", json!([boolean("notes", true)]))]),
        )
        .await;
    assert_eq!(flags(&exported) & EPHEMERAL, EPHEMERAL);
    assert_eq!(
        content(&exported),
        "✓ Exported the course: 1 sessions with 2 readings, 2 teams, 0 presentation slots, 1 notes."
    );
    let file = exported.files().first().expect("the course file").clone();
    assert_eq!(file.filename, format!("course-{GUILD_A}.json"));
    let json: Value = serde_json::from_slice(&file.bytes).expect("JSON");
    assert_eq!(json["format"], "paperclub-course");
    assert_eq!(json["notes"][0]["text"], "Power laws *everywhere*");

    let refused = import(&club, GUILD_B, &file.bytes, vec![]).await;
    assert!(
        content(&refused).starts_with("This server already has a course"),
        "{}",
        content(&refused)
    );
    let replaced = import(&club, GUILD_B, &file.bytes, vec![boolean("replace", true)]).await;
    assert_eq!(
        content(&replaced),
        "✓ Replaced the course: 1 sessions with 2 readings, 2 teams, 0 presentation slots, 1 notes."
    );
    let teams = club.team(&bob(GUILD_B), "list", json!([])).await;
    let teams = serde_json::to_string(teams.message()).expect("json");
    assert!(
        teams.contains("**team-1**") && teams.contains("**team-2**"),
        "{teams}"
    );
    // Alice's note came along, still her team's: visible to her in B, not to Bob.
    assert!(club.list(&alice(GUILD_B)).await.contains("Power laws"));
    assert!(!club.list(&bob(GUILD_B)).await.contains("Power laws"));

    let wrong = import(&club, GUILD_B, POST, vec![boolean("replace", true)]).await;
    assert!(
        content(&wrong).starts_with(
            "course.json is not a course file this build can read:\n```text\nnot a JSON object"
        ),
        "{}",
        content(&wrong)
    );
}
