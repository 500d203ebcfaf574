//! The weekly post through the library: the real scheduler (claim in SQLite, then deliver)
//! over a data folder on disk, a clock the test sets, and a recording poster standing in
//! for Discord. Restarts are a new `App` on the same folder; a crash after Discord took a
//! message is a poster that records it and then fails. (`discord_e2e/course.rs` does the
//! same through the fake Discord, `scheduler_process.rs` with SIGKILL.)

use chrono::{DateTime, Utc};
use paperclub::clock::ManualClock;
use paperclub::course::{CourseSettings, NewSession};
use paperclub::dispatch::{self, Caller, CourseRequest, Request};
use paperclub::model::Scope;
use paperclub::schedule::{self, Mentions, PostError, Poster};
use paperclub::state::App;
use paperclub::view::text;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "schedule/window.rs"]
mod window;

const GUILD_A: u64 = 11;
const GUILD_B: u64 = 22;
const CHANNEL_A: u64 = 111;
const CHANNEL_B: u64 = 222;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

/// What the recording poster does with the next send.
enum Script {
    Fail(PostError),
    /// Discord takes the message, then the connection drops before we learn its id.
    AcceptThenFail,
}

/// Discord, as far as the scheduler can tell: messages per channel, and scripted failures.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<(u64, String, Mentions)>>,
    script: Mutex<VecDeque<(u64, Script)>>,
}

impl Recorder {
    fn script(&self, channel: u64, what: Script) {
        self.script.lock().unwrap().push_back((channel, what));
    }

    fn mentions_to(&self, channel: u64) -> Vec<Mentions> {
        let sent = self.sent.lock().unwrap();
        sent.iter()
            .filter(|(c, _, _)| *c == channel)
            .map(|(_, _, m)| m.clone())
            .collect()
    }

    fn sent_to(&self, channel: u64) -> Vec<String> {
        let sent = self.sent.lock().unwrap();
        sent.iter()
            .filter(|(c, _, _)| *c == channel)
            .map(|(_, text, _)| text.clone())
            .collect()
    }
}

impl Poster for Recorder {
    async fn send(
        &self,
        _guild: u64,
        channel: u64,
        content: &str,
        _nonce: &str,
        mentions: &Mentions,
    ) -> Result<u64, PostError> {
        let scripted = {
            let mut script = self.script.lock().unwrap();
            let at = script.iter().position(|(c, _)| *c == channel);
            at.and_then(|i| script.remove(i)).map(|(_, s)| s)
        };
        let mut sent = self.sent.lock().unwrap();
        match scripted {
            Some(Script::Fail(e)) => return Err(e),
            Some(Script::AcceptThenFail) => {
                sent.push((channel, content.to_string(), mentions.clone()));
                return Err(PostError::Failed("connection reset".into()));
            }
            None => {}
        }
        sent.push((channel, content.to_string(), mentions.clone()));
        Ok(sent.len() as u64)
    }

    async fn find(
        &self,
        _guild: u64,
        channel: u64,
        marker: &str,
        _since: i64,
    ) -> Result<Option<u64>, PostError> {
        let sent = self.sent.lock().unwrap();
        Ok(sent
            .iter()
            .position(|(c, text, _)| *c == channel && text.contains(marker))
            .map(|i| i as u64 + 1))
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    discord: Arc<Recorder>,
}

impl Fixture {
    /// A data folder with guild A's course: Mondays 09:00 Berlin from 2026-03-01, and the
    /// three sessions of `tests/fixtures/course/` (Tuesdays 3, 10 and 17 March).
    async fn new() -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
            clock: Arc::new(ManualClock::new(at("2026-02-20T12:00:00Z"))),
            discord: Arc::new(Recorder::default()),
        };
        let app = f.app().await;
        setup(&app, GUILD_A, CHANNEL_A, "Europe/Berlin", "MON 09:00").await;
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/course");
        let mut posts = Vec::new();
        for name in [
            "2026-03-03-scaling.md",
            "2026-03-10-alignment.md",
            "2026-03-17-placeholder.md",
        ] {
            posts.push((
                name.to_string(),
                std::fs::read(dir.join(name)).expect("fixture"),
            ));
        }
        let done = app
            .courses
            .import_posts(&app.catalog, GUILD_A, posts, app.clock.now())
            .await
            .expect("import");
        assert!(done.iter().all(|d| d.error.is_none()), "{done:?}");
        app.catalog.close().await;
        f
    }

    /// The application as a freshly started process would open it.
    async fn app(&self) -> App {
        App::open(self.dir.path(), self.clock.clone())
            .await
            .expect("open")
    }

    /// Starts the app at `now`, runs one scheduler tick, stops it.
    async fn tick_at(&self, now: &str) -> schedule::TickReport {
        self.clock.set(at(now));
        let app = self.app().await;
        let report = schedule::tick(&app.courses, &self.discord, app.clock.now())
            .await
            .expect("tick");
        app.catalog.close().await;
        report
    }
}

async fn setup(app: &App, guild: u64, channel: u64, zone: &str, schedule: &str) {
    let settings = CourseSettings {
        channel: Some(channel),
        timezone: Some(zone.into()),
        schedule: Some(schedule.into()),
        start: Some("2026-03-01".into()),
        // Guild A's weeks test the weekly post alone; B's test reminders too.
        reminders: (guild == GUILD_A).then(|| "none".into()),
        ..CourseSettings::default()
    };
    app.courses
        .configure(guild, settings, true, app.clock.now())
        .await
        .expect("course setup");
}

async fn ask(app: &App, guild: u64, request: Request) -> String {
    let caller = Caller {
        scope: Scope(guild),
        user_id: 5,
        roles: Vec::new(),
        instructor: false,
    };
    text::render(&dispatch::handle(app, &caller, request).await)
}

#[tokio::test]
async fn a_weekly_post_goes_out_exactly_once_however_often_the_scheduler_ticks() {
    let f = Fixture::new().await;
    f.tick_at("2026-03-02T07:59:59Z").await;
    assert!(
        f.discord.sent_to(CHANNEL_A).is_empty(),
        "nothing before 09:00 Berlin"
    );
    for now in [
        "2026-03-02T08:00:00Z",
        "2026-03-02T08:00:01Z",
        "2026-03-02T08:30:00Z",
        "2026-03-02T20:00:00Z",
    ] {
        f.tick_at(now).await;
    }
    let sent = f.discord.sent_to(CHANNEL_A);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let post = &sent[0];
    assert!(post.starts_with("📚 **Week 1 · Scaling laws**"), "{post}");
    let required = post
        .find("Scaling Laws for Neural Language Models")
        .expect("required");
    let optional = post.find("Training Compute-Optimal").expect("optional");
    assert!(required < optional, "required readings come first");
    assert!(
        post.contains("<https://arxiv.org/abs/2001.08361>"),
        "{post}"
    );
    assert!(
        post.contains(") · `kaplan"),
        "each reading with its citation key: {post}"
    );
    assert!(post.contains("Notes: team-2 · Video: team-4 · Presenting: team-1"));
}

#[tokio::test]
async fn five_restarts_around_the_posting_time_give_one_post() {
    let f = Fixture::new().await;
    for now in [
        "2026-03-02T07:59:00Z",
        "2026-03-02T08:00:00Z",
        "2026-03-02T08:00:00Z",
        "2026-03-02T08:00:30Z",
        "2026-03-02T09:00:00Z",
    ] {
        f.tick_at(now).await;
    }
    assert_eq!(f.discord.sent_to(CHANNEL_A).len(), 1);
}

#[tokio::test]
async fn two_processes_ticking_at_the_same_moment_post_once() {
    let f = Fixture::new().await;
    f.clock.set(at("2026-03-02T08:00:00Z"));
    let (a, b) = (f.app().await, f.app().await);
    let now = paperclub::clock::Clock::now(f.clock.as_ref());
    let (ra, rb) = tokio::join!(
        schedule::tick(&a.courses, &f.discord, now),
        schedule::tick(&b.courses, &f.discord, now),
    );
    assert_eq!(ra.unwrap().claimed + rb.unwrap().claimed, 1);
    assert_eq!(f.discord.sent_to(CHANNEL_A).len(), 1);
}

#[tokio::test]
async fn a_restart_inside_the_grace_window_catches_the_post_up_once() {
    let f = Fixture::new().await;
    // Down from Sunday until Monday 20:00 UTC, twelve hours after the post was due.
    let report = f.tick_at("2026-03-02T20:00:00Z").await;
    assert_eq!((report.sent, report.missed), (1, 0));
    f.tick_at("2026-03-02T20:05:00Z").await;
    assert_eq!(f.discord.sent_to(CHANNEL_A).len(), 1);
}

#[tokio::test]
async fn down_past_the_grace_window_the_week_is_missed_shown_and_said_in_the_next_post() {
    let f = Fixture::new().await;
    let report = f.tick_at("2026-03-03T09:00:00Z").await;
    assert_eq!((report.sent, report.missed), (0, 1));
    assert!(
        f.discord.sent_to(CHANNEL_A).is_empty(),
        "never a late post past the window"
    );

    let app = f.app().await;
    let status = ask(&app, GUILD_A, Request::Course(CourseRequest::Status)).await;
    assert!(
        status.contains("missed") && status.contains("offline"),
        "{status}"
    );
    app.catalog.close().await;

    f.tick_at("2026-03-09T08:00:00Z").await;
    let sent = f.discord.sent_to(CHANNEL_A);
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].contains("Alignment from human feedback"),
        "the next session, not the missed one"
    );
    assert!(sent[0].contains("was missed"), "{}", sent[0]);
    // Said once: the week after does not repeat it.
    f.tick_at("2026-03-16T08:00:00Z").await;
    let sent = f.discord.sent_to(CHANNEL_A);
    assert_eq!(sent.len(), 2);
    assert!(!sent[1].contains("was missed"));
}

#[tokio::test]
async fn a_crash_after_discord_took_the_message_does_not_post_it_again() {
    let f = Fixture::new().await;
    f.discord.script(CHANNEL_A, Script::AcceptThenFail);
    let report = f.tick_at("2026-03-02T08:00:00Z").await;
    assert_eq!((report.sent, report.retrying), (0, 1));
    // The restarted process finds the message by its marker instead of sending it again.
    f.tick_at("2026-03-02T08:00:30Z").await;
    let report = f.tick_at("2026-03-02T08:05:00Z").await;
    assert_eq!(report.sent, 1);
    assert_eq!(f.discord.sent_to(CHANNEL_A).len(), 1);
    f.tick_at("2026-03-02T09:00:00Z").await;
    assert_eq!(f.discord.sent_to(CHANNEL_A).len(), 1);
}

#[tokio::test]
async fn a_failed_send_is_retried_and_posts_once() {
    let f = Fixture::new().await;
    f.discord.script(
        CHANNEL_A,
        Script::Fail(PostError::Failed("Discord answered 502".into())),
    );
    f.tick_at("2026-03-02T08:00:00Z").await;
    assert!(f.discord.sent_to(CHANNEL_A).is_empty());
    let app = f.app().await;
    let status = ask(&app, GUILD_A, Request::Course(CourseRequest::Status)).await;
    assert!(
        status.contains("retrying") && status.contains("502"),
        "{status}"
    );
    app.catalog.close().await;
    f.tick_at("2026-03-02T08:02:00Z").await;
    assert_eq!(f.discord.sent_to(CHANNEL_A).len(), 1);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out() {
    let f = Fixture::new().await;
    f.discord.script(
        CHANNEL_A,
        Script::Fail(PostError::RateLimited(Duration::from_millis(20))),
    );
    let report = f.tick_at("2026-03-02T08:00:00Z").await;
    assert_eq!(report.sent, 1);
    assert_eq!(f.discord.sent_to(CHANNEL_A).len(), 1);
}

#[tokio::test]
async fn a_lost_permission_stops_that_course_says_why_and_never_stalls_another_guild() {
    let f = Fixture::new().await;
    let app = f.app().await;
    setup(&app, GUILD_B, CHANNEL_B, "Europe/Berlin", "MON 09:00").await;
    let add = NewSession {
        date: "2026-03-03".into(),
        title: "Guild B's first week".into(),
        ..NewSession::default()
    };
    app.courses
        .add_session(&app.catalog, GUILD_B, add)
        .await
        .expect("session in B");
    app.catalog.close().await;
    f.discord.script(
        CHANNEL_A,
        Script::Fail(PostError::Refused(
            "paperclub may not post in <#111>".into(),
        )),
    );
    let report = f.tick_at("2026-03-02T08:00:00Z").await;
    assert_eq!((report.sent, report.failed), (1, 1));
    assert_eq!(f.discord.sent_to(CHANNEL_B).len(), 1);
    assert!(f.discord.sent_to(CHANNEL_A).is_empty());

    let app = f.app().await;
    let status = ask(&app, GUILD_A, Request::Course(CourseRequest::Status)).await;
    assert!(
        status.contains("Posting stopped") && status.contains("may not post"),
        "{status}"
    );
    app.catalog.close().await;
    // Stopped means stopped: no retries into a channel that refuses.
    f.tick_at("2026-03-09T08:00:00Z").await;
    assert!(f.discord.sent_to(CHANNEL_A).is_empty());
    assert_eq!(f.discord.sent_to(CHANNEL_B).len(), 1, "B had one session");
}

#[tokio::test]
async fn the_posting_hour_is_local_across_the_2026_dst_changes() {
    let f = Fixture::new().await;
    let app = f.app().await;
    setup(&app, GUILD_B, CHANNEL_B, "America/New_York", "MON 09:00").await;
    for (date, title) in [("2026-03-03", "Before DST"), ("2026-03-10", "After DST")] {
        let add = NewSession {
            date: date.into(),
            title: title.into(),
            ..NewSession::default()
        };
        app.courses
            .add_session(&app.catalog, GUILD_B, add)
            .await
            .expect("session");
    }
    app.catalog.close().await;
    // New York: 09:00 EST is 14:00 UTC on 2 March; 09:00 EDT is 13:00 UTC on 9 March.
    f.tick_at("2026-03-02T13:59:00Z").await;
    assert!(f.discord.sent_to(CHANNEL_B).is_empty());
    f.tick_at("2026-03-02T14:00:00Z").await;
    assert_eq!(f.discord.sent_to(CHANNEL_B).len(), 1);
    f.tick_at("2026-03-09T12:59:00Z").await;
    assert_eq!(f.discord.sent_to(CHANNEL_B).len(), 1);
    f.tick_at("2026-03-09T13:00:00Z").await;
    let sent = f.discord.sent_to(CHANNEL_B);
    assert_eq!(sent.len(), 2);
    assert!(sent[1].contains("After DST"));
}

#[tokio::test]
async fn guild_b_sees_nothing_of_guild_as_course() {
    let f = Fixture::new().await;
    let app = f.app().await;
    let week = ask(&app, GUILD_B, Request::Week { week: None }).await;
    assert!(week.contains("no course yet"), "{week}");
    assert!(!week.contains("Scaling laws"));
    let schedule = ask(&app, GUILD_B, Request::Schedule).await;
    assert!(schedule.contains("no course yet"), "{schedule}");
    setup(&app, GUILD_B, CHANNEL_B, "Europe/Berlin", "MON 09:00").await;
    let schedule = ask(&app, GUILD_B, Request::Schedule).await;
    assert!(schedule.contains("no sessions yet"), "{schedule}");
    let a = ask(&app, GUILD_A, Request::Schedule).await;
    assert!(a.contains("Scaling laws") && a.contains("Alignment"), "{a}");
    app.catalog.close().await;
}

/// Guild B's course (reminders 7 and 1 days before) with one session on Tuesday 17 March
/// presented by `presenters`.
async fn presented_session_in_b(f: &Fixture, presenters: &str) -> App {
    let app = f.app().await;
    setup(&app, GUILD_B, CHANNEL_B, "Europe/Berlin", "MON 09:00").await;
    let add = NewSession {
        date: "2026-03-17".into(),
        title: "Presented week".into(),
        presenters: Some(presenters.into()),
        ..NewSession::default()
    };
    app.courses
        .add_session(&app.catalog, GUILD_B, add)
        .await
        .expect("session");
    app
}

#[tokio::test]
async fn presenter_reminders_go_out_seven_and_one_day_before_and_ping_only_the_presenters() {
    let f = Fixture::new().await;
    let app = presented_session_in_b(&f, "<@&555> and <@777> (@everyone welcome)").await;
    app.catalog.close().await;
    // The post of 2 March has nothing in its week.
    f.tick_at("2026-03-02T08:00:00Z").await;
    assert!(f.discord.sent_to(CHANNEL_B).is_empty());
    // Seven days before, 09:00 Berlin (08:00 UTC); then one day before.
    f.tick_at("2026-03-10T07:59:00Z").await;
    assert!(f.discord.sent_to(CHANNEL_B).is_empty());
    for now in [
        "2026-03-10T08:00:00Z",
        "2026-03-10T08:00:00Z",
        "2026-03-10T12:00:00Z",
    ] {
        f.tick_at(now).await;
    }
    let sent = f.discord.sent_to(CHANNEL_B);
    assert_eq!(
        sent.len(),
        1,
        "one reminder however often it ticks: {sent:#?}"
    );
    assert!(
        sent[0].starts_with("⏰ **Reminder:** <@&555> and <@777>"),
        "{}",
        sent[0]
    );
    let exactly = Mentions {
        roles: vec![555],
        users: vec![777],
    };
    assert_eq!(f.discord.mentions_to(CHANNEL_B)[0], exactly);
    // 16 March: the week's post (pinging nobody) and the one-day reminder.
    f.tick_at("2026-03-16T08:00:00Z").await;
    let sent = f.discord.sent_to(CHANNEL_B);
    assert_eq!(sent.len(), 3, "{sent:#?}");
    let mentions = f.discord.mentions_to(CHANNEL_B);
    let weekly = sent
        .iter()
        .position(|t| t.starts_with("📚"))
        .expect("weekly post");
    assert_eq!(mentions[weekly], Mentions::default());
    assert_eq!(mentions[3 - weekly], exactly);
}

#[tokio::test]
async fn moving_a_session_moves_its_reminders() {
    let f = Fixture::new().await;
    let app = presented_session_in_b(&f, "<@&555>").await;
    app.courses
        .move_week(GUILD_B, 1, "2026-03-24")
        .await
        .expect("move");
    app.catalog.close().await;
    f.tick_at("2026-03-10T08:00:00Z").await;
    assert!(f
        .discord
        .sent_to(CHANNEL_B)
        .iter()
        .all(|t| !t.starts_with("⏰")));
    f.tick_at("2026-03-17T08:00:00Z").await;
    let sent = f.discord.sent_to(CHANNEL_B);
    assert!(
        sent.last().is_some_and(|t| t.starts_with("⏰")),
        "{sent:#?}"
    );
}

#[tokio::test]
async fn a_role_team_holding_a_slot_is_reminded_and_only_its_role_is_pinged() {
    let f = Fixture::new().await;
    let app = f.app().await;
    setup(&app, GUILD_B, CHANNEL_B, "Europe/Berlin", "MON 09:00").await;
    let bib = b"@article{slotpaper2024,\n  title = {A Paper To Present},\n  author = {Doe, Jane},\n  journal = {J},\n  year = {2024}\n}\n";
    let report = app
        .catalog
        .import_bytes(Scope(GUILD_B), "slot.bib", bib, None)
        .await;
    assert!(report.error.is_none(), "{report:?}");
    let add = NewSession {
        date: "2026-03-17".into(),
        title: "Presented week".into(),
        required: vec!["slotpaper2024".into()],
        ..NewSession::default()
    };
    app.courses
        .add_session(&app.catalog, GUILD_B, add)
        .await
        .expect("session");
    let now = at("2026-02-20T12:00:00Z");
    app.courses
        .create_team(GUILD_B, "team-9", Some(555), now)
        .await
        .expect("team");
    app.courses
        .assign_slot(
            &app.catalog,
            GUILD_B,
            paperclub::course::slots::Assignment {
                paper: "slotpaper2024",
                team: "team-9",
                date: None,
                by: 0,
            },
            now,
        )
        .await
        .expect("slot");
    app.catalog.close().await;
    f.tick_at("2026-03-02T08:00:00Z").await;
    f.tick_at("2026-03-10T08:00:00Z").await;
    let sent = f.discord.sent_to(CHANNEL_B);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(
        sent[0].starts_with("⏰ **Reminder:** <@&555>, you present"),
        "{}",
        sent[0]
    );
    let only_the_role = Mentions {
        roles: vec![555],
        users: vec![],
    };
    assert_eq!(f.discord.mentions_to(CHANNEL_B)[0], only_the_role);
}
