//! Where and when the weekly post may go, end to end through the real client and poster:
//! only the bot's own message counts as a post already sent (a student typing the marker
//! line does not stop it); a bot that may not read the channel's history still posts and
//! says what to grant; and no course posts into another server's channel, whether it was
//! given at setup, edit or import or written into the course's row.

use super::course::{at, CourseBot};
use super::*;
use paperclub::course::CourseSettings;
use paperclub::schedule::render::{marker, PostKey};
use support::payloads::{
    channel_option, CHANNEL_A, CHANNEL_B, CHANNEL_LOCKED, CHANNEL_NO_HISTORY, STUDENT_ID,
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

fn posts_to(c: &CourseBot, channel: u64) -> usize {
    let path = format!("/api/v10/channels/{channel}/messages");
    c.bot
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
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

/// `/course import` of a course file naming `file_channel`, in `guild`, with `extra`
/// options (and the resolved channel of a `channel:` among them); the answer's text.
async fn import_course(
    c: &CourseBot,
    guild: u64,
    file_channel: u64,
    extra: Vec<Value>,
    resolved_channel: Option<u64>,
) -> String {
    let bytes = format!(
        r#"{{"format": "paperclub-course", "version": 1,
  "course": {{"channel": "{file_channel}", "timezone": "Europe/Berlin", "schedule": "MON 09:00"}}}}"#
    );
    let url = c.bot.fake.serve_file("course.json", bytes.as_bytes());
    let (file, mut resolved) = attachment(
        "file",
        c.bot.fake.next_id(),
        "course.json",
        bytes.len(),
        &url,
    );
    if let Some(channel) = resolved_channel {
        resolved["channels"] = channel_option("channel", channel).1["channels"].clone();
    }
    let mut options = vec![file];
    options.extend(extra);
    let options = json!([sub("import", Value::Array(options))]);
    let who = Invoker::instructor(guild);
    let id = c
        .bot
        .send_slash_resolved(&who, "course", options, Some(resolved))
        .0;
    let answer = c.bot.answer(id).await;
    // A refusal before the download is the answer itself; an import answers in a follow-up.
    if answer.json()["type"] == 5 {
        content(&c.bot.follow_up(id).await).to_string()
    } else {
        content(&answer).to_string()
    }
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

#[tokio::test]
async fn setup_says_plainly_when_it_could_not_check_the_bots_permissions() {
    let c = CourseBot::start().await;
    // This server's channel, made after the gateway told the bot about the server.
    let fresh = 200_000_000_000_000_077;
    c.bot.fake.add_unlisted_channel(fresh, GUILD_A);
    let (option, resolved) = channel_option("channel", fresh);
    let options = json!([sub(
        "setup",
        json!([
            option,
            opt("timezone", "Europe/Berlin"),
            opt("schedule", "MON 09:00")
        ])
    )]);
    let who = Invoker::instructor(GUILD_A);
    let id = c
        .bot
        .send_slash_resolved(&who, "course", options, Some(resolved))
        .0;
    let done = c.bot.answer(id).await;
    assert!(
        content(&done).starts_with("✓ Course set up"),
        "{}",
        content(&done)
    );
    let note = c.bot.follow_up(id).await;
    assert_eq!(flags(&note) & EPHEMERAL, EPHEMERAL);
    assert!(
        content(&note).contains(&format!("could not check its permissions in <#{fresh}>"))
            && content(&note).contains("Read Message History"),
        "{}",
        content(&note)
    );
}

#[tokio::test]
async fn a_channel_of_another_server_is_refused_at_setup_edit_and_import() {
    let c = CourseBot::start().await;
    let setup = vec![
        opt("timezone", "Europe/Berlin"),
        opt("schedule", "MON 09:00"),
    ];
    let refused = course_with_channel(&c, "setup", CHANNEL_B, setup).await;
    assert!(
        refused.contains(&format!("<#{CHANNEL_B}> belongs to another server")),
        "{refused}"
    );
    assert!(c.bot.app.courses.course(GUILD_A).await.unwrap().is_none());

    c.setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    let refused = course_with_channel(&c, "edit", CHANNEL_B, vec![]).await;
    assert!(refused.contains("belongs to another server"), "{refused}");
    let channel = |c: &CourseBot| {
        let courses = c.bot.app.courses.clone();
        async move { courses.course(GUILD_A).await.unwrap().unwrap().channel_id }
    };
    assert_eq!(channel(&c).await, CHANNEL_A);

    // A course file names another server's channel: a server with a course keeps its own.
    let replace = json!({"name": "replace", "type": 5, "value": true});
    let kept = import_course(&c, GUILD_A, CHANNEL_B, vec![replace.clone()], None).await;
    assert!(kept.starts_with("✓ Replaced the course"), "{kept}");
    assert_eq!(channel(&c).await, CHANNEL_A);
    // ... and `channel:` naming it is refused.
    let (option, _) = channel_option("channel", CHANNEL_B);
    let refused = import_course(
        &c,
        GUILD_A,
        CHANNEL_A,
        vec![replace, option],
        Some(CHANNEL_B),
    )
    .await;
    assert!(refused.contains("belongs to another server"), "{refused}");
    assert_eq!(channel(&c).await, CHANNEL_A);
    // A server with no course would take the file's channel: refused when it is another's.
    let refused = import_course(&c, GUILD_B, CHANNEL_A, vec![], None).await;
    assert!(
        refused.contains(&format!("<#{CHANNEL_A}> belongs to another server")),
        "{refused}"
    );
    assert!(c.bot.app.courses.course(GUILD_B).await.unwrap().is_none());
    // A channel of a server the bot is not in: Discord will not show it.
    c.bot
        .fake
        .add_foreign_channel(200_000_000_000_000_999, 100_000_000_000_000_999);
    let refused = import_course(&c, GUILD_B, 200_000_000_000_000_999, vec![], None).await;
    assert!(refused.contains("paperclub cannot see"), "{refused}");
}

#[tokio::test]
async fn a_course_row_pointing_into_another_server_is_paused_at_send_time_and_nothing_is_sent() {
    let c = CourseBot::start().await;
    c.setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    c.import_post().await;
    // As an old import or a hand-edited database would leave it.
    let settings = CourseSettings {
        channel: Some(CHANNEL_B),
        ..CourseSettings::default()
    };
    c.bot
        .app
        .courses
        .configure(GUILD_A, settings, false, at("2026-02-21T12:00:00Z"))
        .await
        .expect("stored without the Discord check");
    let report = c.tick_at(FIRST_POST).await;
    assert_eq!(report.failed, 1, "{report:?}");
    assert_eq!(posts_to(&c, CHANNEL_B), 0, "nothing sent into guild B");
    assert!(c.bot.fake.channel_messages(CHANNEL_B).is_empty());
    let status = status(&c).await;
    assert!(
        status.contains("Posting stopped") && status.contains("belongs to another server"),
        "{status}"
    );
    c.tick_at("2026-03-02T09:00:00Z").await;
    assert_eq!(posts_to(&c, CHANNEL_B), 0);

    // Resuming with an edit that keeps that channel is refused, saying what to give.
    let who = Invoker::instructor(GUILD_A);
    let edit = json!([sub("edit", json!([opt_int("grace_hours", 48)]))]);
    let refused = c.bot.slash(&who, "course", edit).await;
    assert!(
        content(&refused).contains(&format!("<#{CHANNEL_B}> belongs to another server"))
            && content(&refused).contains("`channel:`"),
        "{}",
        content(&refused)
    );
    // With one of this server's channels the course posts again.
    let resumed = course_with_channel(&c, "edit", CHANNEL_A, vec![]).await;
    assert!(resumed.starts_with('✓'), "{resumed}");
    let course = c.bot.app.courses.course(GUILD_A).await.unwrap().unwrap();
    assert_eq!((course.channel_id, course.paused_reason), (CHANNEL_A, None));
}
