//! The window rule and the posting holes of issue 16, through the real scheduler over a
//! data folder, a clock the test sets and the recording poster: the post at an occurrence
//! announces every session from that occurrence up to the next; a whole term of three
//! common set-ups, with restarts and a crash around the posting minutes, announces every
//! session exactly once in its own week; nothing stops posting silently.

use super::{ask, at, Fixture, Script};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use paperclub::course::{CourseSettings, NewSession};
use paperclub::dispatch::{CourseRequest, Request};
use paperclub::schedule::{self, PostError};
use paperclub::state::App;

/// A course with no sessions and no reminders, set up at the fixture clock's time.
async fn course(app: &App, guild: u64, channel: u64, zone: &str, schedule: &str) {
    course_reminding(app, guild, channel, zone, schedule, "none").await;
}

/// A course with no sessions and presenter `reminders` (`1`: a day before).
async fn course_reminding(
    app: &App,
    guild: u64,
    channel: u64,
    zone: &str,
    schedule: &str,
    reminders: &str,
) {
    let settings = CourseSettings {
        channel: Some(channel),
        timezone: Some(zone.into()),
        schedule: Some(schedule.into()),
        reminders: Some(reminders.into()),
        ..CourseSettings::default()
    };
    app.courses
        .configure(guild, settings, true, app.clock.now())
        .await
        .expect("course setup");
}

async fn add(app: &App, guild: u64, date: &str, title: &str, presenters: Option<&str>) {
    let new = NewSession {
        date: date.into(),
        title: title.into(),
        presenters: presenters.map(String::from),
        ..NewSession::default()
    };
    app.courses
        .add_session(&app.catalog, guild, new)
        .await
        .expect("add session");
}

/// Every `weekday` from `from` to `to`, as dates.
fn days(from: &str, to: &str, weekdays: &[Weekday]) -> Vec<NaiveDate> {
    let (mut d, end) = (
        NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap(),
        NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap(),
    );
    let mut out = Vec::new();
    while d <= end {
        if weekdays.contains(&d.weekday()) {
            out.push(d);
        }
        d = d.succ_opt().unwrap();
    }
    out
}

/// One course of the term: its channel, zone, sessions (title, local date) and the day
/// the post announcing a session must go out.
struct Term {
    guild: u64,
    channel: u64,
    tz: chrono_tz::Tz,
    sessions: Vec<(String, NaiveDate)>,
    post_day: fn(NaiveDate) -> NaiveDate,
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

fn same_day(d: NaiveDate) -> NaiveDate {
    d
}

#[tokio::test]
async fn a_whole_term_of_three_set_ups_announces_every_session_once_in_its_own_week() {
    let f = Fixture::new().await;
    f.clock.set(at("2026-02-27T12:00:00Z"));
    let app = f.app().await;
    // A Tuesday/Thursday seminar with one Monday post (sessions at 14:00 and all-day).
    course(&app, 31, 310, "Europe/Berlin", "MON 09:00").await;
    let seminar = days("2026-03-03", "2026-05-07", &[Weekday::Tue, Weekday::Thu]);
    for (i, d) in seminar.iter().enumerate() {
        let when = match i % 2 {
            0 => format!("{d} 14:00"),
            _ => d.to_string(),
        };
        add(&app, 31, &when, &format!("Seminar {i:02}"), None).await;
    }
    // A Monday/Wednesday class posted the morning of each class, in New York (the post
    // crosses the DST change of 8 March).
    course(&app, 32, 320, "America/New_York", "MON,WED 08:00").await;
    let class = days("2026-03-02", "2026-05-06", &[Weekday::Mon, Weekday::Wed]);
    for (i, d) in class.iter().enumerate() {
        add(
            &app,
            32,
            &format!("{d} 10:00"),
            &format!("Class {i:02}"),
            None,
        )
        .await;
    }
    app.catalog.close().await;
    let mut terms = vec![
        Term {
            guild: 31,
            channel: 310,
            tz: chrono_tz::Europe::Berlin,
            sessions: seminar
                .iter()
                .enumerate()
                .map(|(i, d)| (format!("Seminar {i:02}"), *d))
                .collect(),
            post_day: monday_of,
        },
        Term {
            guild: 32,
            channel: 320,
            tz: chrono_tz::America::New_York,
            sessions: class
                .iter()
                .enumerate()
                .map(|(i, d)| (format!("Class {i:02}"), *d))
                .collect(),
            post_day: same_day,
        },
    ];
    // Every message with the instant it was sent.
    let mut sent: Vec<(u64, DateTime<Utc>, String)> = Vec::new();
    let mut seen = std::collections::HashMap::<u64, usize>::new();
    let mut record = |f: &Fixture, now: DateTime<Utc>, sent: &mut Vec<_>| {
        for channel in [310, 320, 330] {
            let all = f.discord.sent_to(channel);
            let before = seen.entry(channel).or_default();
            for text in &all[*before..] {
                sent.push((channel, now, text.clone()));
            }
            *before = all.len();
        }
    };
    // Hourly ticks from Saturday 28 February to 10 May, each a fresh start of the app;
    // around several posting minutes, extra starts a second before and at the minute, and
    // once a crash after Discord took the message.
    let mut now = at("2026-02-28T00:00:00Z");
    let end = at("2026-05-10T00:00:00Z");
    let mut app = f.app().await;
    let mut hour = 0;
    while now < end {
        if now == at("2026-04-01T10:00:00Z") {
            // Mid-term, a third course is set up: Mondays 09:00 Berlin, a session on each
            // Tuesday from 7 April, and one tomorrow, before its first post.
            f.clock.set(now);
            course(&app, 33, 330, "Europe/Berlin", "MON 09:00").await;
            add(&app, 33, "2026-04-02", "Late 00", None).await;
            let late = days("2026-04-07", "2026-05-05", &[Weekday::Tue]);
            for (i, d) in late.iter().enumerate() {
                add(
                    &app,
                    33,
                    &d.to_string(),
                    &format!("Late {:02}", i + 1),
                    None,
                )
                .await;
            }
            let outlook = schedule::outlook(&app.courses, 33, now).await.unwrap();
            let named: Vec<&str> = outlook
                .unannounced
                .iter()
                .map(|(_, s)| s.title.as_str())
                .collect();
            assert_eq!(named, ["Late 00"], "tomorrow's class has no post: named");
            let mut sessions = vec![("Late 00".to_string(), late[0] - Duration::days(5))];
            sessions.extend(
                late.iter()
                    .enumerate()
                    .map(|(i, d)| (format!("Late {:02}", i + 1), *d)),
            );
            terms.push(Term {
                guild: 33,
                channel: 330,
                tz: chrono_tz::Europe::Berlin,
                sessions,
                post_day: monday_of,
            });
            // The instructor announces it now, as the warning says.
            schedule::announce(&app.courses, 33, 1, now)
                .await
                .expect("announce");
        }
        if hour % 24 == 0 {
            app.catalog.close().await;
            app = f.app().await;
        }
        let posting_minute = matches!(
            now.to_rfc3339().as_str(),
            "2026-03-09T08:00:00+00:00" | "2026-03-16T08:00:00+00:00" | "2026-04-06T07:00:00+00:00"
        );
        if posting_minute {
            f.clock.set(now - Duration::seconds(1));
            schedule::tick(&app.courses, &f.discord, now - Duration::seconds(1))
                .await
                .unwrap();
            app.catalog.close().await;
            app = f.app().await;
        }
        if now == at("2026-03-23T08:00:00Z") {
            f.discord.script(310, Script::AcceptThenFail);
        }
        f.clock.set(now);
        schedule::tick(&app.courses, &f.discord, now).await.unwrap();
        if posting_minute {
            // A second process at the same minute.
            let other = f.app().await;
            schedule::tick(&other.courses, &f.discord, now)
                .await
                .unwrap();
            other.catalog.close().await;
        }
        record(&f, now, &mut sent);
        now += Duration::hours(1);
        hour += 1;
    }
    app.catalog.close().await;

    for term in &terms {
        let posts: Vec<&(u64, DateTime<Utc>, String)> =
            sent.iter().filter(|(c, _, _)| *c == term.channel).collect();
        for (_, _, text) in &posts {
            assert!(
                term.sessions.iter().any(|(t, _)| text.contains(t.as_str())),
                "a post without a session in guild {}: {text}",
                term.guild
            );
        }
        for (title, date) in &term.sessions {
            let with: Vec<_> = posts.iter().filter(|(_, _, t)| t.contains(title)).collect();
            assert_eq!(with.len(), 1, "{title} announced {} times", with.len());
            let posted = with[0].1.with_timezone(&term.tz).date_naive();
            if title == "Late 00" {
                assert_eq!(posted, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
                continue;
            }
            assert_eq!(
                posted,
                (term.post_day)(*date),
                "{title} on {date} was posted on {posted}"
            );
        }
        // Two class days a week with one Monday post: one post per week listing both.
        if term.guild == 31 {
            let first = &posts[0].2;
            let (a, b) = (first.find("Seminar 00"), first.find("Seminar 01"));
            assert!(a.is_some() && a < b, "{first}");
        }
    }
}

#[tokio::test]
async fn two_dated_sessions_with_presenters_on_one_day_both_get_reminders_and_the_week_posts() {
    let f = Fixture::new().await;
    let app = f.app().await;
    course_reminding(&app, 34, 340, "Europe/Berlin", "MON 09:00", "1").await;
    add(&app, 34, "2026-03-10", "Morning talk", Some("<@&501>")).await;
    add(&app, 34, "2026-03-10", "Afternoon talk", Some("<@&502>")).await;
    app.catalog.close().await;
    // Monday 9 March 09:00 Berlin: the week's post and both one-day reminders.
    f.tick_at("2026-03-09T08:00:00Z").await;
    let sent = f.discord.sent_to(340);
    assert_eq!(sent.len(), 3, "{sent:#?}");
    assert_eq!(sent.iter().filter(|t| t.starts_with("⏰")).count(), 2);
    let weekly = sent.iter().find(|t| t.starts_with("📚")).unwrap();
    assert!(weekly.contains("Morning talk") && weekly.contains("Afternoon talk"));
    let app = f.app().await;
    let status = ask(&app, 34, Request::Course(CourseRequest::Status)).await;
    assert!(!status.contains("failed"), "{status}");
    app.catalog.close().await;
}

/// The database file the fixture's apps open, for a test that breaks one insert on purpose.
async fn database(f: &Fixture) -> sqlx::SqlitePool {
    let path = f.dir.path().join("paperclub.db");
    sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reminder_that_cannot_be_claimed_holds_back_nothing_shows_in_status_and_backs_off() {
    let f = Fixture::new().await;
    let app = f.app().await;
    course_reminding(&app, 35, 350, "Europe/Berlin", "MON 09:00", "1").await;
    add(&app, 35, "2026-03-10", "Presented", Some("<@&501>")).await;
    app.catalog.close().await;
    // Any failure of one item: here the database refuses the reminder's row.
    let db = database(&f).await;
    sqlx::query(
        "CREATE TRIGGER no_reminders BEFORE INSERT ON posts WHEN NEW.kind LIKE 'reminder-%'
         BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    )
    .execute(&db)
    .await
    .unwrap();
    let report = f.tick_at("2026-03-09T08:00:00Z").await;
    assert_eq!(report.claim_errors, 1);
    let sent = f.discord.sent_to(350);
    assert_eq!(sent.len(), 1, "the weekly post still goes out: {sent:#?}");
    assert!(sent[0].starts_with("📚"));
    let app = f.app().await;
    let status = ask(&app, 35, Request::Course(CourseRequest::Status)).await;
    assert!(
        status.contains("Preparing the posts failed") && status.contains("disk says no"),
        "{status}"
    );
    app.catalog.close().await;
    // No hot loop: ticks inside the back-off do not try again.
    for now in ["2026-03-09T08:00:01Z", "2026-03-09T08:00:30Z"] {
        assert_eq!(f.tick_at(now).await.claim_errors, 0, "{now}");
    }
    assert_eq!(f.tick_at("2026-03-09T08:01:01Z").await.claim_errors, 1);
    // Once the cause is gone, the reminder goes out and the error clears.
    sqlx::query("DROP TRIGGER no_reminders")
        .execute(&db)
        .await
        .unwrap();
    f.tick_at("2026-03-09T08:10:00Z").await;
    let sent = f.discord.sent_to(350);
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert!(sent[1].starts_with("⏰"));
    let app = f.app().await;
    let status = ask(&app, 35, Request::Course(CourseRequest::Status)).await;
    assert!(!status.contains("Preparing the posts failed"), "{status}");
    app.catalog.close().await;
}

#[tokio::test]
async fn a_refused_week_is_posted_after_the_instructor_fixes_the_channel_and_edits() {
    let f = Fixture::new().await;
    f.discord.script(
        super::CHANNEL_A,
        Script::Fail(PostError::Refused("missing permission".into())),
    );
    f.tick_at("2026-03-02T08:00:00Z").await;
    assert!(f.discord.sent_to(super::CHANNEL_A).is_empty());
    // Two hours later the instructor fixes the permission and resumes with an edit.
    f.clock.set(at("2026-03-02T10:00:00Z"));
    let app = f.app().await;
    let edit = CourseSettings {
        grace_hours: Some(24),
        ..CourseSettings::default()
    };
    app.courses
        .configure(super::GUILD_A, edit, false, app.clock.now())
        .await
        .unwrap();
    app.catalog.close().await;
    f.tick_at("2026-03-02T10:00:05Z").await;
    let sent = f.discord.sent_to(super::CHANNEL_A);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(sent[0].contains("Scaling laws"), "{}", sent[0]);
    f.tick_at("2026-03-02T12:00:00Z").await;
    assert_eq!(f.discord.sent_to(super::CHANNEL_A).len(), 1);
}

#[tokio::test]
async fn an_edit_while_the_bot_is_down_inside_the_grace_window_keeps_the_due_week() {
    let f = Fixture::new().await;
    // The bot is down over Monday's 09:00; at 11:00 an instructor edits from the command
    // line, then the bot starts.
    f.clock.set(at("2026-03-02T10:00:00Z"));
    let app = f.app().await;
    let edit = CourseSettings {
        grace_hours: Some(12),
        ..CourseSettings::default()
    };
    app.courses
        .configure(super::GUILD_A, edit, false, app.clock.now())
        .await
        .unwrap();
    app.catalog.close().await;
    f.tick_at("2026-03-02T10:30:00Z").await;
    let sent = f.discord.sent_to(super::CHANNEL_A);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(sent[0].contains("Scaling laws"));
}

#[tokio::test]
async fn a_session_keeps_its_local_time_when_the_zone_changes() {
    let f = Fixture::new().await;
    let app = f.app().await;
    course(&app, 36, 360, "UTC", "MON 09:00").await;
    add(&app, 36, "2026-03-10 14:00", "Afternoon", None).await;
    let edit = CourseSettings {
        timezone: Some("America/New_York".into()),
        ..CourseSettings::default()
    };
    app.courses
        .configure(36, edit, false, app.clock.now())
        .await
        .unwrap();
    let s = &app.courses.sessions(36).await.unwrap()[0];
    // 14:00 in New York on 10 March (after the DST change of the 8th) is 18:00 UTC.
    assert_eq!(s.starts_at, at("2026-03-10T18:00:00Z"));
    app.catalog.close().await;
    f.tick_at("2026-03-09T13:00:00Z").await;
    let sent = f.discord.sent_to(360);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let ts = at("2026-03-10T18:00:00Z").timestamp();
    assert!(sent[0].contains(&format!("<t:{ts}:F>")), "{}", sent[0]);
}

#[tokio::test]
async fn the_preview_shows_exactly_what_the_occurrence_posts() {
    let f = Fixture::new().await;
    let app = f.app().await;
    course(&app, 37, 370, "Europe/Berlin", "MON 09:00").await;
    add(&app, 37, "2026-03-10 14:00", "Tuesday talk", None).await;
    add(&app, 37, "2026-03-12", "Thursday talk", None).await;
    add(&app, 37, "2026-03-17", "Next week", None).await;
    let (occurrence, preview) = schedule::preview(&app.courses, 37, at("2026-03-05T00:00:00Z"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(occurrence, at("2026-03-09T08:00:00Z"));
    let preview = preview.expect("something to post");
    app.catalog.close().await;
    f.tick_at("2026-03-09T08:00:00Z").await;
    let sent = f.discord.sent_to(370);
    // The same text but for the marker line, which names the real post.
    let body = |t: &str| t.rsplit_once("\n-# ").map(|(b, _)| b.to_string()).unwrap();
    assert_eq!(sent.len(), preview.len());
    for (p, s) in preview.iter().zip(&sent) {
        assert_eq!(body(p), body(s));
    }
    assert!(sent[0].contains("Tuesday talk") && sent[0].contains("Thursday talk"));
    assert!(!sent[0].contains("Next week"));
}

#[tokio::test]
async fn a_session_moved_after_its_post_is_announced_again_as_moved_and_only_then() {
    let f = Fixture::new().await;
    let app = f.app().await;
    course(&app, 38, 380, "Europe/Berlin", "MON 09:00").await;
    add(&app, 38, "2026-03-10", "Moving talk", None).await;
    add(&app, 38, "2026-03-12", "Staying talk", None).await;
    add(&app, 38, "2026-03-17", "Week two", None).await;
    app.catalog.close().await;
    f.tick_at("2026-03-09T08:00:00Z").await;
    assert_eq!(f.discord.sent_to(380).len(), 1);
    // After the post, week 1 moves to the next week and week 2 is edited, not moved.
    let app = f.app().await;
    app.courses.move_week(38, 1, "2026-03-19").await.unwrap();
    app.catalog.close().await;
    f.tick_at("2026-03-16T08:00:00Z").await;
    let sent = f.discord.sent_to(380);
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert!(sent[1].contains("Week two") && sent[1].contains("Moving talk"));
    assert!(
        sent[1].contains("🔁 Moved: an earlier post gave Tuesday 10 March 2026."),
        "{}",
        sent[1]
    );
    assert!(!sent[1].contains("Staying talk"), "{}", sent[1]);
}

#[tokio::test]
async fn status_names_the_next_post_with_something_to_announce_and_none_after_the_last() {
    let f = Fixture::new().await;
    let app = f.app().await;
    course(&app, 39, 390, "Europe/Berlin", "MON 09:00").await;
    add(&app, 39, "2026-03-18", "Only session", None).await;
    let status = ask(&app, 39, Request::Course(CourseRequest::Status)).await;
    // Not the first occurrence (2 March, an empty week): the one that posts something.
    assert!(
        status.contains("Next post: Monday 2026-03-16 08:00 UTC") && status.contains("(week 1)"),
        "{status}"
    );
    app.catalog.close().await;
    f.tick_at("2026-03-16T08:00:00Z").await;
    assert_eq!(f.discord.sent_to(390).len(), 1);
    f.clock.set(at("2026-03-20T08:00:00Z"));
    let app = f.app().await;
    let status = ask(&app, 39, Request::Course(CourseRequest::Status)).await;
    assert!(
        status.contains("Next post: none (no session left to announce)"),
        "{status}"
    );
    let info = ask(&app, 39, Request::Course(CourseRequest::Info)).await;
    assert!(info.contains("no session left to announce"), "{info}");
    app.catalog.close().await;
    // An empty week, even with the bot down past its grace window, is nothing to
    // announce, never a missed week.
    f.tick_at("2026-03-31T08:00:00Z").await;
    assert_eq!(f.discord.sent_to(390).len(), 1);
    let app = f.app().await;
    let status = ask(&app, 39, Request::Course(CourseRequest::Status)).await;
    assert!(
        status.contains("nothing to announce in its window") && !status.contains("missed"),
        "{status}"
    );
    app.catalog.close().await;
}

#[tokio::test]
async fn undated_posts_imported_after_this_weeks_post_start_next_week_and_are_all_announced() {
    let f = Fixture::new().await;
    // Monday 2 March, 14:00 Berlin: this week's 09:00 post is past, as when `chat` sets up
    // its example course on a Monday afternoon.
    f.clock.set(at("2026-03-02T13:00:00Z"));
    let app = f.app().await;
    let settings = CourseSettings {
        channel: Some(400),
        timezone: Some("Europe/Berlin".into()),
        schedule: Some("MON 09:00".into()),
        start: Some("2026-03-02".into()),
        reminders: Some("none".into()),
        ..CourseSettings::default()
    };
    app.courses
        .configure(40, settings, true, app.clock.now())
        .await
        .unwrap();
    let post = |title: &str| {
        (
            format!("{title}.md"),
            format!("---\ntitle: {title}\n---\n").into_bytes(),
        )
    };
    let done = app
        .courses
        .import_posts(
            &app.catalog,
            40,
            vec![post("First"), post("Second")],
            app.clock.now(),
        )
        .await
        .unwrap();
    let dates: Vec<_> = done.iter().map(|d| d.date.map(|d| d.to_string())).collect();
    assert_eq!(
        dates,
        [
            Some("2026-03-09".to_string()),
            Some("2026-03-16".to_string())
        ]
    );
    let outlook = schedule::outlook(&app.courses, 40, app.clock.now())
        .await
        .unwrap();
    assert!(outlook.unannounced.is_empty(), "{:?}", outlook.unannounced);
    app.catalog.close().await;
}

#[tokio::test]
async fn a_week_due_before_a_restored_backup_is_not_called_missed_in_the_next_post() {
    let f = Fixture::new().await;
    // The backup was taken before Monday 2 March's post and restored on Thursday: whether
    // that week went out from the replaced database is unknown.
    let db = database(&f).await;
    sqlx::query("INSERT INTO restores (restored_at, source) VALUES (?, 'term.db')")
        .bind(at("2026-03-05T12:00:00Z").timestamp())
        .execute(&db)
        .await
        .unwrap();
    let report = f.tick_at("2026-03-09T08:00:00Z").await;
    assert_eq!((report.missed, report.sent), (1, 1));
    let sent = f.discord.sent_to(super::CHANNEL_A);
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].contains("Alignment from human feedback"),
        "{}",
        sent[0]
    );
    assert!(!sent[0].contains("was missed"), "{}", sent[0]);
    let app = f.app().await;
    let status = ask(&app, super::GUILD_A, Request::Course(CourseRequest::Status)).await;
    assert!(
        status.contains("due before a backup was restored"),
        "{status}"
    );
    app.catalog.close().await;
}
