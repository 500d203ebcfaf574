//! Presentation slots through the real client and the fake Discord: every refusal with the
//! reason it gives, a swap confirmed by both teams with the bot restarted between the two
//! presses (same data folder, new process state), guild isolation, the autofill preview
//! and its Apply button, a skipped week's presentations named and listed as needing a
//! week, and the `.ics` export read back with its local times and the course's session
//! length across the 2026-10-25 change from summer to winter time in Berlin.

use super::club::*;
use super::*;
use paperclub::clock::ManualClock;
use paperclub::course::NewSession;
use paperclub::state::App;
use support::bot::spawn_app_on;

const HOFFMANN: &str = "arXiv:2203.15556";
const LONELY: &[u8] = b"@article{lonely2024paper,\n  title = {A Lonely Paper Nobody Reads},\n  author = {Doe, Jane},\n  journal = {J},\n  year = {2024}\n}\n";

impl Club {
    pub async fn slot(&self, who: &Invoker, action: &str, options: Value) -> Recorded {
        self.bot
            .slash(who, "slot", json!([sub(action, options)]))
            .await
    }

    /// Weeks 2 (2026-03-10, reading "Attention Is All You Need") and 3 (2026-03-17,
    /// skipped) in guild A, plus a paper no session reads.
    async fn more_weeks(&self) {
        self.bot.import(GUILD_A, "list.bib", READING_LIST).await;
        self.bot.import(GUILD_A, "lonely.bib", LONELY).await;
        let app = &self.bot.app;
        for (date, title, readings) in [
            (
                "2026-03-10",
                "Attention",
                vec!["vaswani2017attention".to_string()],
            ),
            ("2026-03-17", "Holiday", vec![]),
        ] {
            let new = NewSession {
                date: date.into(),
                title: title.into(),
                required: readings,
                ..NewSession::default()
            };
            app.courses
                .add_session(&app.catalog, GUILD_A, new)
                .await
                .expect("session");
        }
        app.courses.skip(GUILD_A, 3, false).await.expect("skip");
    }
}

fn says(reply: &Recorded, want: &str) {
    assert!(
        content(reply).contains(want),
        "want {want:?} in {:?}",
        content(reply)
    );
}

fn buttons(reply: &Recorded) -> Vec<String> {
    reply.message()["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn each_refused_slot_says_why() {
    let club = Club::start().await;
    club.more_weeks().await;
    let teacher = Invoker::instructor(GUILD_A);
    let (alice, bob) = (alice(GUILD_A), bob(GUILD_A));

    let no_team = club
        .slot(&alice, "claim", json!([opt("paper", KAPLAN)]))
        .await;
    says(&no_team, "You are not in a team");
    assert_eq!(flags(&no_team) & EPHEMERAL, EPHEMERAL);
    club.team(&alice, "join", json!([opt("team", "team-1")]))
        .await;
    club.team(&bob, "join", json!([opt("team", "team-2")]))
        .await;
    let edit = club
        .bot
        .slash(
            &teacher,
            "course",
            json!([sub("edit", json!([opt_int("slots_per_team", 1)]))]),
        )
        .await;
    says(&edit, "✓ Course updated");

    let claimed = club
        .slot(&alice, "claim", json!([opt("paper", KAPLAN)]))
        .await;
    says(
        &claimed,
        "✓ Team `team-1` presents “Scaling Laws for Neural Language Models” in week 1",
    );
    let taken = club
        .slot(&bob, "claim", json!([opt("paper", KAPLAN)]))
        .await;
    says(
        &taken,
        "is already taken: team `team-1` presents it in week 1.",
    );
    let limit = club
        .slot(&alice, "claim", json!([opt("paper", HOFFMANN)]))
        .await;
    says(
        &limit,
        "Team `team-1` is at its limit: it presents 1 paper(s) already, and this course allows 1 per team.",
    );
    let unread = club
        .slot(&bob, "claim", json!([opt("paper", "lonely2024paper")]))
        .await;
    says(
        &unread,
        "“A Lonely Paper Nobody Reads” is not a reading of any session",
    );

    let assign = |date: &str| {
        json!([
            opt("paper", "vaswani2017attention"),
            opt("team", "team-2"),
            opt("date", date)
        ])
    };
    let student = club.slot(&bob, "assign", assign("2026-03-10")).await;
    says(&student, "Only instructors");
    let outside = club.slot(&teacher, "assign", assign("2026-02-10")).await;
    says(
        &outside,
        "2026-02-10 is outside the course, which runs from 2026-03-01 to 2026-03-17.",
    );
    let skipped = club.slot(&teacher, "assign", assign("2026-03-17")).await;
    says(&skipped, "2026-03-17 is a skipped week (week 3)");
    let wrong = club.slot(&teacher, "assign", assign("2026-03-03")).await;
    says(
        &wrong,
        "“Attention Is All You Need” is not a reading of the session on 2026-03-03 (week 1",
    );
    let no_session = club.slot(&teacher, "assign", assign("2026-03-05")).await;
    says(&no_session, "There is no session on 2026-03-05");
    let assigned = club.slot(&teacher, "assign", assign("2026-03-10")).await;
    says(
        &assigned,
        "✓ Team `team-2` presents “Attention Is All You Need” in week 2",
    );

    let carol = carol(GUILD_A);
    let release = club
        .slot(&carol, "release", json!([opt("paper", KAPLAN)]))
        .await;
    says(
        &release,
        "is team `team-1`'s slot: only its members or an instructor",
    );
    let autofill = club.slot(&bob, "autofill", json!([])).await;
    says(&autofill, "Only instructors");

    let list = club.slot(&bob, "list", json!([])).await;
    let list = serde_json::to_string(list.message()).expect("json");
    assert!(
        list.contains("Scaling Laws for Neural Language Models” → team `team-1`"),
        "{list}"
    );
    assert!(
        list.contains("Attention Is All You Need” → team `team-2`"),
        "{list}"
    );
    assert!(
        list.contains("Training Compute-Optimal Large Language Models” — open"),
        "{list}"
    );
    assert!(
        list.contains("**Week 3** · Tue 2026-03-17 — skipped"),
        "{list}"
    );
}

#[tokio::test]
async fn a_swap_confirmed_by_both_teams_survives_a_bot_restart_between_the_presses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(ManualClock::new(at("2026-02-20T12:00:00Z")));
    let (alice, bob) = (alice(GUILD_A), bob(GUILD_A));
    let first = {
        let app = App::open(dir.path(), clock.clone()).await.expect("app");
        let club = Club::over(app, clock.clone()).await;
        club.team(&alice, "join", json!([opt("team", "team-1")]))
            .await;
        club.team(&bob, "join", json!([opt("team", "team-2")]))
            .await;
        club.slot(&alice, "claim", json!([opt("paper", KAPLAN)]))
            .await;
        club.slot(&bob, "claim", json!([opt("paper", HOFFMANN)]))
            .await;
        let asked = club
            .slot(
                &alice,
                "swap",
                json!([opt("a", KAPLAN), opt("b", HOFFMANN)]),
            )
            .await;
        says(&asked, "Swap #1 asked by <@500000000000000001>");
        assert_eq!(flags(&asked) & EPHEMERAL, 0, "the other team must see it");
        assert_eq!(buttons(&asked), ["slot:swap:1:yes", "slot:swap:1:no"]);
        let message = payloads::message(1, payloads::CHANNEL_A, asked.message());
        let carol = club
            .bot
            .press(&carol(GUILD_A), "slot:swap:1:yes", message.clone())
            .await;
        says(&carol, "Only members of team `team-1` or team `team-2`");
        let pressed = club
            .bot
            .press(&alice, "slot:swap:1:yes", message.clone())
            .await;
        assert_eq!(pressed.json()["type"], 7, "an update of the swap message");
        says(
            &pressed,
            "Team `team-1`: ✓ confirmed · team `team-2`: waiting",
        );
        club.bot.shutdown().await;
        club.bot.app.catalog.close().await;
        message
    };

    // A new process over the same folder: nothing of the first bot's memory is left.
    let app = App::open(dir.path(), clock.clone())
        .await
        .expect("app again");
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    let bot = spawn_app_on(fake, app, |_| {}).await;
    let done = bot.press(&bob, "slot:swap:1:yes", first.clone()).await;
    assert_eq!(done.json()["type"], 7);
    says(&done, "✓ Swapped: team `team-2` now presents “Scaling Laws");
    assert!(buttons(&done).is_empty(), "no buttons once applied");
    let again = bot.press(&bob, "slot:swap:1:yes", first).await;
    says(&again, "Swap #1 was already applied.");
    let list = bot
        .slash(&bob, "slot", json!([sub("list", json!([]))]))
        .await;
    let list = serde_json::to_string(list.message()).expect("json");
    assert!(
        list.contains("Scaling Laws for Neural Language Models” → team `team-2`"),
        "{list}"
    );
    bot.app.catalog.close().await;
}

#[tokio::test]
async fn guild_b_sees_nothing_of_guild_as_slots_or_swaps() {
    let club = Club::start().await;
    club.team(&alice(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    club.team(&bob(GUILD_A), "join", json!([opt("team", "team-2")]))
        .await;
    club.slot(&alice(GUILD_A), "claim", json!([opt("paper", KAPLAN)]))
        .await;
    club.slot(&bob(GUILD_A), "claim", json!([opt("paper", HOFFMANN)]))
        .await;
    club.slot(
        &alice(GUILD_A),
        "swap",
        json!([opt("a", KAPLAN), opt("b", HOFFMANN)]),
    )
    .await;

    let b = bob(GUILD_B);
    let list = club.slot(&b, "list", json!([])).await;
    let list = serde_json::to_string(list.message()).expect("json");
    assert!(
        !list.contains("team-1") && list.contains("— open"),
        "{list}"
    );
    let export = club.slot(&b, "export", json!([])).await;
    says(&export, "Nobody presents anything yet");
    assert!(export.files().is_empty());
    let message = payloads::message(1, payloads::CHANNEL_A, &json!({"content": "swap"}));
    let press = club.bot.press(&b, "slot:swap:1:yes", message).await;
    says(&press, "There is no swap #1 in this course.");
    let teacher = Invoker::instructor(GUILD_B);
    let release = club
        .slot(&teacher, "release", json!([opt("paper", KAPLAN)]))
        .await;
    says(
        &release,
        "Nobody presents “Scaling Laws for Neural Language Models”",
    );
    let assign = club
        .slot(
            &teacher,
            "assign",
            json!([opt("paper", KAPLAN), opt("team", "team-1")]),
        )
        .await;
    says(&assign, "There is no team `team-1`");

    // In guild A the swap still waits, until its 48 hours are over.
    club.clock.advance(chrono::Duration::hours(49));
    let message = payloads::message(2, payloads::CHANNEL_A, &json!({"content": "swap"}));
    let late = club
        .bot
        .press(&bob(GUILD_A), "slot:swap:1:yes", message)
        .await;
    says(&late, "Swap #1 expired");
}

#[tokio::test]
async fn autofill_previews_a_balanced_plan_and_applies_it_from_the_button() {
    let club = Club::start().await;
    club.more_weeks().await;
    let teacher = Invoker::instructor(GUILD_A);
    club.slot(
        &teacher,
        "assign",
        json!([opt("paper", KAPLAN), opt("team", "team-2")]),
    )
    .await;
    let preview = club.slot(&teacher, "autofill", json!([])).await;
    let shown = serde_json::to_string(preview.message()).expect("json");
    // Two open readings (week 1's optional one, week 2's): team-1 has none, so it gets the
    // first, then the tie goes to team-1 by name. Counts end 2 and 1.
    assert!(
        shown.contains("week 1: “Training Compute-Optimal Large Language Models” → team `team-1`"),
        "{shown}"
    );
    assert!(
        shown.contains("week 2: “Attention Is All You Need” → team `team-1`"),
        "{shown}"
    );
    assert!(shown.contains("After: team-1: 2 · team-2: 1"), "{shown}");
    let apply = buttons(&preview);
    assert_eq!(apply.len(), 1);
    assert!(apply[0].starts_with("slot:autofill:"), "{apply:?}");
    let message = payloads::message(1, payloads::CHANNEL_A, preview.message());
    let student = club
        .bot
        .press(&bob(GUILD_A), &apply[0], message.clone())
        .await;
    says(&student, "Only instructors");
    let applied = club.bot.press(&teacher, &apply[0], message.clone()).await;
    assert_eq!(applied.json()["type"], 7);
    says(&applied, "✓ Autofill applied: 2 slot(s) filled.");
    let again = club.slot(&teacher, "autofill", json!([])).await;
    says(&again, "Nothing to fill");
    let slots = club.bot.app.courses.slots(GUILD_A).await.expect("slots");
    assert_eq!(slots.len(), 3);
}

#[tokio::test]
async fn skipping_a_week_names_its_presentations_and_the_list_keeps_them_as_needing_a_week() {
    let club = Club::start().await;
    let teacher = Invoker::instructor(GUILD_A);
    let assigned = club
        .slot(
            &teacher,
            "assign",
            json!([opt("paper", KAPLAN), opt("team", "team-1")]),
        )
        .await;
    says(&assigned, "✓ Team `team-1`");
    let skip = club
        .bot
        .slash(
            &teacher,
            "session",
            json!([sub("skip", json!([opt_int("week", 1)]))]),
        )
        .await;
    says(&skip, "✓ Week 1 (“Scaling laws”) is skipped");
    says(
        &skip,
        "⚠ 1 presentation(s) of that week now have no session: team `team-1` (“Scaling Laws for Neural Language Models”).",
    );
    let list = club.slot(&alice(GUILD_A), "list", json!([])).await;
    let shown = serde_json::to_string(list.message()).expect("json");
    assert!(
        shown.contains(
            "“Scaling Laws for Neural Language Models” → team `team-1` — needs a new week"
        ),
        "{shown}"
    );
}

#[tokio::test]
async fn the_ics_export_parses_back_with_berlin_local_times_on_both_sides_of_the_dst_change() {
    use icalendar::Component;
    let club = Club::start().await;
    let app = &club.bot.app;
    for (date, title, paper) in [
        ("2026-10-20 14:00", "Before the change", KAPLAN),
        ("2026-10-27 14:00", "After the change", HOFFMANN),
    ] {
        let new = NewSession {
            date: date.into(),
            title: title.into(),
            required: vec![paper.into()],
            ..NewSession::default()
        };
        app.courses
            .add_session(&app.catalog, GUILD_A, new)
            .await
            .expect("session");
    }
    let teacher = Invoker::instructor(GUILD_A);
    let edit = club
        .bot
        .slash(
            &teacher,
            "course",
            json!([sub("edit", json!([opt_int("session_minutes", 90)]))]),
        )
        .await;
    says(&edit, "✓ Course updated");
    for (paper, team, date) in [
        (KAPLAN, "team-1", "2026-10-20"),
        (HOFFMANN, "team-2", "2026-10-27"),
    ] {
        let done = club
            .slot(
                &teacher,
                "assign",
                json!([opt("paper", paper), opt("team", team), opt("date", date)]),
            )
            .await;
        says(&done, "✓ Team");
    }
    let export = club.slot(&teacher, "export", json!([])).await;
    says(
        &export,
        "✓ 2 presentation(s) as a calendar file (Europe/Berlin)",
    );
    let file = export.files().first().expect("an .ics attachment");
    assert_eq!(file.filename, "presentations.ics");
    let text = String::from_utf8(file.bytes.clone()).expect("utf-8");
    assert!(
        text.contains("\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"),
        "{text}"
    );
    assert!(
        text.contains("DTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"),
        "{text}"
    );

    let calendar = parse(&text);
    let mut events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 2);
    events.sort_by_key(|e| e.get_summary().map(str::to_string));
    let sessions = app.courses.sessions(GUILD_A).await.expect("sessions");
    let mut utc = Vec::new();
    for e in &events {
        let start = e.get_start().expect("DTSTART");
        let icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::WithTimezone {
            date_time,
            tzid,
        }) = start
        else {
            panic!("DTSTART not local with a TZID: {start:?}");
        };
        assert_eq!(tzid, "Europe/Berlin");
        assert_eq!(date_time.format("%H:%M").to_string(), "14:00");
        // The course's sessions last 90 minutes, on both sides of the change.
        let end = e.get_end().expect("DTEND");
        let icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::WithTimezone {
            date_time: end,
            tzid: end_zone,
        }) = end
        else {
            panic!("DTEND not local with a TZID: {end:?}");
        };
        assert_eq!(end_zone, "Europe/Berlin");
        assert_eq!(end - date_time, chrono::Duration::minutes(90));
        let tz: chrono_tz::Tz = tzid.parse().expect("zone");
        use chrono::TimeZone;
        let instant = tz
            .from_local_datetime(&date_time)
            .single()
            .expect("one instant");
        utc.push(
            instant
                .with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%MZ")
                .to_string(),
        );
        let uid = e.get_uid().expect("UID");
        let session = sessions
            .iter()
            .find(|s| s.date == date_time.date())
            .expect("the event's session");
        assert!(
            uid.starts_with(&format!("slot-{GUILD_A}-{}-", session.id))
                && uid.ends_with("@paperclub"),
            "{uid}"
        );
    }
    utc.sort();
    // 14:00 in Berlin is 12:00 UTC in summer time and 13:00 UTC in winter time.
    assert_eq!(utc, ["2026-10-20T12:00Z", "2026-10-27T13:00Z"]);

    // The same presentation given to another team keeps its UID: calendars update it.
    let release = club
        .slot(&teacher, "release", json!([opt("paper", HOFFMANN)]))
        .await;
    says(&release, "✓ Released");
    let reassigned = club
        .slot(
            &teacher,
            "assign",
            json!([
                opt("paper", HOFFMANN),
                opt("team", "team-1"),
                opt("date", "2026-10-27")
            ]),
        )
        .await;
    says(&reassigned, "✓ Team `team-1`");
    let again = club.slot(&teacher, "export", json!([])).await;
    let text2 = String::from_utf8(again.files()[0].bytes.clone()).expect("utf-8");
    assert!(
        text2.contains("team-1 presents: Training Compute-Optimal"),
        "{text2}"
    );
    let uids = |t: &str| -> Vec<String> {
        let c = parse(t);
        let mut u: Vec<String> = c
            .events()
            .filter_map(|e| e.get_uid().map(str::to_string))
            .collect();
        u.sort();
        u
    };
    assert_eq!(uids(&text), uids(&text2));
}

/// The file read back with the iCalendar crate's own parser.
fn parse(text: &str) -> icalendar::Calendar {
    let unfolded = icalendar::parser::unfold(text);
    let parsed = icalendar::parser::read_calendar(&unfolded).expect("the .ics parses");
    icalendar::Calendar::from(parsed)
}
