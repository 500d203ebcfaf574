//! Where and when the weekly post may go, end to end through the real client and poster:
//! only the bot's own message counts as a post already sent (a student typing the marker
//! line does not stop it); a bot that may not read the channel's history still posts and
//! says what to grant, and set-up refuses such a channel.

use super::course::{at, CourseBot};
use super::*;
use paperclub::schedule::render::{marker, PostKey};
use support::payloads::{
    channel_option, CHANNEL_A, CHANNEL_LOCKED, CHANNEL_NO_HISTORY, STUDENT_ID,
};

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

/// `/course <action>` in guild A with `options` and a resolved channel.
async fn course_with_channel(
    c: &CourseBot,
    action: &str,
    channel: u64,
    more: Vec<Value>,
) -> String {
    let (option, resolved) = channel_option("channel", channel);
    let mut options = vec![option];
    options.extend(more);
    let options = json!([sub(action, Value::Array(options))]);
    let who = Invoker::instructor(GUILD_A);
    let id = c
        .bot
        .send_slash_resolved(&who, "course", options, Some(resolved))
        .0;
    content(&c.bot.answer(id).await).to_string()
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

#[tokio::test]
async fn without_read_message_history_the_post_still_goes_out_and_status_says_what_to_grant() {
    let c = CourseBot::start().await;
    c.setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    c.import_post().await;
    c.bot.fake.deny_history(CHANNEL_A);
    c.bot
        .fake
        .fail_next_post(CHANNEL_A, 502, json!({"message": "Bad Gateway", "code": 0}));
    c.tick_at(FIRST_POST).await;
    // The retry's look in the channel answers 403: reported, not a refusal to post.
    let report = c.tick_at("2026-03-02T08:02:00Z").await;
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");
    assert_eq!(c.bot.fake.channel_messages(CHANNEL_A).len(), 1);
    assert!(c
        .bot
        .fake
        .requests()
        .iter()
        .any(|r| r.method == "GET" && r.path.ends_with("/messages") && r.status == 403));
    let status = status(&c).await;
    assert!(!status.contains("Posting stopped"), "{status}");
    assert!(
        status.contains("cannot read message history") && status.contains("Read Message History"),
        "{status}"
    );
    let course = c.bot.app.courses.course(GUILD_A).await.unwrap().unwrap();
    assert_eq!(course.paused_reason, None);
}

#[tokio::test]
async fn setup_refuses_a_channel_where_the_bot_could_not_read_its_own_posts_back() {
    let c = CourseBot::start().await;
    let setup = || {
        vec![
            opt("timezone", "Europe/Berlin"),
            opt("schedule", "MON 09:00"),
        ]
    };
    // Everyone may post in this channel, but nobody may read its history.
    let refused = course_with_channel(&c, "setup", CHANNEL_NO_HISTORY, setup()).await;
    assert!(
        refused.contains(&format!("may not post in <#{CHANNEL_NO_HISTORY}>"))
            && refused.contains("it lacks Read Message History there"),
        "{refused}"
    );
    assert!(c.bot.app.courses.course(GUILD_A).await.unwrap().is_none());
    let refused = course_with_channel(&c, "setup", CHANNEL_LOCKED, setup()).await;
    assert!(
        refused.contains("it lacks Send Messages, Read Message History there"),
        "{refused}"
    );
}
