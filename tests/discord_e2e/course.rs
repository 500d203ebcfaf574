//! Courses end to end: `/course`, `/session import`, `/week` through the real client, and
//! the weekly post sent by the real Discord poster to the fake, with a clock the test
//! sets: exactly once with Discord's nonce, 429s waited out, a lost permission stopping
//! that course with the reason in `/course status`, and nothing of guild A in guild B.

use super::*;
use chrono::{DateTime, Utc};
use paperclub::clock::ManualClock;
use paperclub::discord::DiscordPoster;
use paperclub::state::App;
use support::bot::spawn_app_on;
use support::payloads::{channel_option, CHANNEL_A, CHANNEL_LOCKED};

const POST: &[u8] = include_bytes!("../fixtures/course/2026-03-03-scaling.md");

pub(super) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

pub(super) struct CourseBot {
    pub(super) bot: TestBot,
    pub(super) clock: Arc<ManualClock>,
    pub(super) poster: Arc<DiscordPoster>,
}

impl CourseBot {
    pub(super) async fn start() -> CourseBot {
        let clock = Arc::new(ManualClock::new(at("2026-02-20T12:00:00Z")));
        let app = App::in_memory(clock.clone()).await.expect("app");
        let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
        let http = serenity::all::HttpBuilder::new(TOKEN)
            .proxy(fake.http_url())
            .ratelimiter_disabled(true)
            .build();
        let bot = spawn_app_on(fake, app, |_| {}).await;
        CourseBot {
            bot,
            clock,
            poster: Arc::new(DiscordPoster::new(Arc::new(http))),
        }
    }

    pub(super) async fn setup(&self, who: &Invoker, zone: &str) -> Recorded {
        self.setup_with(who, zone, "none").await
    }

    pub(super) async fn setup_with(&self, who: &Invoker, zone: &str, reminders: &str) -> Recorded {
        let (channel, resolved) = channel_option("channel", CHANNEL_A);
        let options = json!([sub(
            "setup",
            json!([
                channel,
                opt("timezone", zone),
                opt("schedule", "MON 09:00"),
                opt("start", "2026-03-01"),
                opt("reminders", reminders),
            ])
        )]);
        let id = self
            .bot
            .send_slash_resolved(who, "course", options, Some(resolved))
            .0;
        self.bot.answer(id).await
    }

    pub(super) async fn import_post(&self) -> Recorded {
        let url = self.bot.fake.serve_file("2026-03-03-scaling.md", POST);
        let (file, resolved) = attachment(
            "file",
            self.bot.fake.next_id(),
            "2026-03-03-scaling.md",
            POST.len(),
            &url,
        );
        let options = json!([sub("import", json!([file]))]);
        let who = Invoker::instructor(GUILD_A);
        let id = self
            .bot
            .send_slash_resolved(&who, "session", options, Some(resolved))
            .0;
        self.bot.answer(id).await;
        self.bot.follow_up(id).await
    }

    pub(super) async fn tick_at(&self, now: &str) -> paperclub::schedule::TickReport {
        self.clock.set(at(now));
        let app = &self.bot.app;
        paperclub::schedule::tick(&app.courses, &self.poster, at(now))
            .await
            .expect("tick")
    }
}

#[tokio::test]
async fn an_instructor_sets_up_the_course_and_a_typo_in_the_zone_gets_a_suggestion() {
    let c = CourseBot::start().await;
    let student = c.setup(&Invoker::student(GUILD_A), "Europe/Berlin").await;
    assert!(
        content(&student).contains("Only instructors"),
        "{}",
        content(&student)
    );
    let typo = c.setup(&Invoker::instructor(GUILD_A), "Europe/Berln").await;
    assert_eq!(flags(&typo) & EPHEMERAL, EPHEMERAL);
    assert!(
        content(&typo).contains("Did you mean `Europe/Berlin`"),
        "{}",
        content(&typo)
    );
    // A channel where the bot may not send is refused at setup, and nothing is stored.
    let (locked, resolved) = channel_option("channel", CHANNEL_LOCKED);
    let options = json!([sub(
        "setup",
        json!([
            locked,
            opt("timezone", "Europe/Berlin"),
            opt("schedule", "MON 09:00")
        ])
    )]);
    let who = Invoker::instructor(GUILD_A);
    let id = c
        .bot
        .send_slash_resolved(&who, "course", options, Some(resolved))
        .0;
    let refused = c.bot.answer(id).await;
    assert!(
        content(&refused).contains(&format!("may not post in <#{CHANNEL_LOCKED}>")),
        "{}",
        content(&refused)
    );
    assert!(c.bot.app.courses.course(GUILD_A).await.unwrap().is_none());
    let done = c
        .setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    let text = content(&done);
    assert!(text.starts_with("✓ Course set up"), "{text}");
    // 2 March 2026, 09:00 in Berlin.
    assert!(text.contains("<t:1772438400:F>"), "{text}");
    // Setting up again updates the course and says so.
    let again = c
        .setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    let text = content(&again);
    assert!(
        text.starts_with("✓ This server already had a course, so its settings were updated"),
        "{text}"
    );
}

#[tokio::test]
async fn the_weekly_post_reaches_the_channel_exactly_once_with_a_nonce_and_no_mentions() {
    let c = CourseBot::start().await;
    c.setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    let report = c.import_post().await;
    let text = report.message()["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        text.contains("“Scaling laws” on 2026-03-03 — 1 required, 1 optional"),
        "{text}"
    );

    let week = c
        .bot
        .slash(&Invoker::student(GUILD_A), "week", json!([]))
        .await;
    let card = serde_json::to_string(week.message()).expect("json");
    assert!(
        card.contains("Scaling Laws for Neural Language Models"),
        "{card}"
    );

    c.tick_at("2026-03-02T07:59:00Z").await;
    for now in [
        "2026-03-02T08:00:00Z",
        "2026-03-02T08:00:05Z",
        "2026-03-02T09:00:00Z",
    ] {
        c.tick_at(now).await;
    }
    let posted = c.bot.fake.expect_channel_messages(CHANNEL_A, 1).await;
    assert_eq!(posted.len(), 1, "{posted:#?}");
    let sends: Vec<Recorded> = c
        .bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| {
            r.method == "POST" && r.path == format!("/api/v10/channels/{CHANNEL_A}/messages")
        })
        .collect();
    assert_eq!(sends.len(), 1);
    let body = sends[0].json();
    assert_eq!(body["enforce_nonce"], true);
    assert!(body["nonce"].as_str().is_some_and(|n| n.len() <= 25));
    assert_eq!(
        body["allowed_mentions"]["parse"],
        json!([]),
        "nothing in a post can ping"
    );
    assert!(body["content"]
        .as_str()
        .unwrap_or_default()
        .contains("Week 1 · Scaling laws"));

    let status = c
        .bot
        .slash(
            &Invoker::student(GUILD_A),
            "course",
            json!([sub("status", json!([]))]),
        )
        .await;
    let status = serde_json::to_string(status.message()).expect("json");
    let id = posted[0]["id"].as_str().expect("message id");
    assert!(
        status.contains(&format!(
            "https://discord.com/channels/{GUILD_A}/{CHANNEL_A}/{id}"
        )),
        "{status}"
    );
}

#[tokio::test]
async fn a_429_is_waited_out_and_a_403_stops_the_course_with_the_reason_in_status() {
    let c = CourseBot::start().await;
    c.setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    c.import_post().await;
    c.bot.fake.fail_next_post(
        CHANNEL_A,
        429,
        json!({"message": "You are being rate limited.", "retry_after": 0.2, "global": false, "code": 0}),
    );
    let report = c.tick_at("2026-03-02T08:00:00Z").await;
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(c.bot.fake.channel_messages(CHANNEL_A).len(), 1);

    // A second session, then the bot loses its permission in the channel.
    let add = json!([sub(
        "add",
        json!([opt("date", "2026-03-10"), opt("title", "Second week")])
    )]);
    c.bot
        .slash(&Invoker::instructor(GUILD_A), "session", add)
        .await;
    c.bot.fake.fail_next_post(
        CHANNEL_A,
        403,
        json!({"message": "Missing Permissions", "code": 50013}),
    );
    let report = c.tick_at("2026-03-09T08:00:00Z").await;
    assert_eq!(report.failed, 1);
    let status = c
        .bot
        .slash(
            &Invoker::student(GUILD_A),
            "course",
            json!([sub("status", json!([]))]),
        )
        .await;
    let status = serde_json::to_string(status.message()).expect("json");
    assert!(
        status.contains("Posting stopped") && status.contains("Missing Permissions"),
        "{status}"
    );
    c.tick_at("2026-03-09T09:00:00Z").await;
    assert_eq!(
        c.bot.fake.channel_messages(CHANNEL_A).len(),
        1,
        "no retry into a refusing channel"
    );
}

#[tokio::test]
async fn guild_b_sees_nothing_of_guild_as_course() {
    let c = CourseBot::start().await;
    c.setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    c.import_post().await;
    for (name, options) in [
        ("week", json!([])),
        ("schedule", json!([])),
        ("course", json!([sub("info", json!([]))])),
    ] {
        let reply = c.bot.slash(&Invoker::student(GUILD_B), name, options).await;
        let text = serde_json::to_string(reply.message()).expect("json");
        assert!(text.contains("no course yet"), "/{name} in B: {text}");
        assert!(!text.contains("Scaling"), "/{name} in B: {text}");
    }
}

#[tokio::test]
async fn a_presenter_reminder_pings_the_presenting_role_and_nobody_else() {
    let c = CourseBot::start().await;
    c.setup_with(&Invoker::instructor(GUILD_A), "Europe/Berlin", "7")
        .await;
    let role = 300_000_000_000_000_077u64;
    let add = json!([sub(
        "add",
        json!([
            opt("date", "2026-03-10"),
            opt("title", "Presented week"),
            opt("presenters", &format!("<@&{role}> @everyone")),
        ])
    )]);
    c.bot
        .slash(&Invoker::instructor(GUILD_A), "session", add)
        .await;
    // Seven days before the session, 09:00 Berlin: the reminder.
    c.tick_at("2026-03-02T08:00:00Z").await;
    c.tick_at("2026-03-03T08:00:00Z").await;
    c.tick_at("2026-03-03T08:30:00Z").await;
    // The session's week's post on 9 March names the presenters and pings nobody.
    c.tick_at("2026-03-09T08:00:00Z").await;
    let posted = c.bot.fake.expect_channel_messages(CHANNEL_A, 2).await;
    assert_eq!(posted.len(), 2, "{posted:#?}");
    let sends: Vec<Recorded> = c
        .bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| {
            r.method == "POST" && r.path.ends_with(&format!("/channels/{CHANNEL_A}/messages"))
        })
        .collect();
    let weekly = sends[1].json();
    assert!(weekly["content"]
        .as_str()
        .unwrap_or_default()
        .starts_with("📚"));
    assert_eq!(weekly["allowed_mentions"]["parse"], json!([]));
    assert!(weekly["allowed_mentions"]["roles"]
        .as_array()
        .is_none_or(|r| r.is_empty()));
    let reminder = sends[0].json();
    assert!(reminder["content"]
        .as_str()
        .unwrap_or_default()
        .starts_with(&format!("⏰ **Reminder:** <@&{role}>")));
    assert_eq!(
        reminder["allowed_mentions"]["parse"],
        json!([]),
        "never @everyone"
    );
    assert_eq!(
        reminder["allowed_mentions"]["roles"],
        json!([role.to_string()])
    );
    assert!(reminder["allowed_mentions"]["users"]
        .as_array()
        .is_none_or(|u| u.is_empty()));
}

#[tokio::test]
async fn a_class_before_the_first_post_is_named_and_an_instructor_announces_it_now() {
    let c = CourseBot::start().await;
    c.setup(&Invoker::instructor(GUILD_A), "Europe/Berlin")
        .await;
    // Friday 20 February; the class is on Saturday, the first post on Monday 2 March.
    let add = json!([sub(
        "add",
        json!([opt("date", "2026-02-21"), opt("title", "Kick-off")])
    )]);
    let added = c
        .bot
        .slash(&Invoker::instructor(GUILD_A), "session", add)
        .await;
    let text = content(&added);
    assert!(
        text.contains("⚠ No weekly post will announce 1 session(s): week 1 (“Kick-off”")
            && text.contains("`/session announce week:`"),
        "{text}"
    );
    let announce = json!([sub("announce", json!([opt_int("week", 1)]))]);
    let student = c
        .bot
        .slash(&Invoker::student(GUILD_A), "session", announce.clone())
        .await;
    assert!(
        content(&student).contains("Only instructors"),
        "{}",
        content(&student)
    );
    let done = c
        .bot
        .slash(&Invoker::instructor(GUILD_A), "session", announce.clone())
        .await;
    assert_eq!(flags(&done) & EPHEMERAL, EPHEMERAL);
    assert!(
        content(&done).contains("is being posted"),
        "{}",
        content(&done)
    );
    let again = c
        .bot
        .slash(&Invoker::instructor(GUILD_A), "session", announce)
        .await;
    assert!(
        content(&again).contains("already announced"),
        "{}",
        content(&again)
    );
    c.tick_at("2026-02-20T12:00:05Z").await;
    let posted = c.bot.fake.expect_channel_messages(CHANNEL_A, 1).await;
    let text = posted[0]["content"].as_str().unwrap_or_default();
    assert!(text.starts_with("📚 **Week 1 · Kick-off**"), "{text}");
    // The weekly posts of the term never announce it again.
    c.tick_at("2026-03-02T08:00:00Z").await;
    c.tick_at("2026-03-09T08:00:00Z").await;
    assert_eq!(c.bot.fake.channel_messages(CHANNEL_A).len(), 1);
}
