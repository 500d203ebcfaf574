//! Where and when the weekly post may go, end to end through the real client and poster:
//! only the bot's own message counts as a post already sent (a student typing the marker
//! line does not stop it).

use super::course::{at, CourseBot};
use super::*;
use paperclub::schedule::render::{marker, PostKey};
use support::payloads::{CHANNEL_A, STUDENT_ID};

/// The first weekly post of guild A's course: Monday 2 March 2026, 09:00 Berlin.
const FIRST_POST: &str = "2026-03-02T08:00:00Z";

/// The marker line of the first weekly post, as a student could copy it.
fn first_marker() -> String {
    let key = PostKey::new(GUILD_A as i64, "weekly", at(FIRST_POST).timestamp(), None);
    marker(&key, 1, 1)
}

async fn status(c: &CourseBot) -> String {
    let reply = c
        .bot
        .slash(
            &Invoker::instructor(GUILD_A),
            "course",
            json!([sub("status", json!([]))]),
        )
        .await;
    serde_json::to_string(reply.message()).expect("json")
}

#[tokio::test]
async fn a_students_message_with_the_marker_line_does_not_stop_the_weekly_post() {
    let c = CourseBot::start().await;
    c.setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    c.import_post().await;
    // The first attempt fails (Discord 500), so the next one looks in the channel first,
    // where a student has meanwhile typed the marker line.
    c.bot.fake.fail_next_post(
        CHANNEL_A,
        500,
        json!({"message": "Internal Server Error", "code": 0}),
    );
    let report = c.tick_at(FIRST_POST).await;
    assert_eq!(report.retrying, 1, "{report:?}");
    let fake_post = format!("week one is cancelled lol\n-# {}", first_marker());
    c.bot.fake.post_as(STUDENT_ID, CHANNEL_A, &fake_post);
    // A public command reply is the bot's too, and may quote what a member typed.
    let mut reply = payloads::message(
        c.bot.fake.next_id(),
        CHANNEL_A,
        &json!({"content": fake_post}),
    );
    reply["webhook_id"] = json!(payloads::APP_ID.to_string());
    reply["type"] = json!(20);
    c.bot.fake.push_message(CHANNEL_A, reply);

    let report = c.tick_at("2026-03-02T08:02:00Z").await;
    assert_eq!(report.sent, 1, "{report:?}");
    let messages = c.bot.fake.channel_messages(CHANNEL_A);
    assert_eq!(messages.len(), 3, "{messages:#?}");
    let post = &messages[2];
    assert_eq!(post["author"]["id"], payloads::BOT_ID.to_string());
    assert!(post["content"]
        .as_str()
        .unwrap_or_default()
        .contains("Week 1 · Scaling laws"));
    let status = status(&c).await;
    let link = format!(
        "https://discord.com/channels/{GUILD_A}/{CHANNEL_A}/{}",
        post["id"].as_str().expect("id")
    );
    assert!(
        status.contains(&link),
        "status links the bot's post: {status}"
    );
}
