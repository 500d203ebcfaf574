//! Teams and notes end to end through the real client and the fake Discord: each refusal
//! and its message, a role team shown as "everyone with @role", notes private to their team
//! until published (list and export), an edit keeping the previous text, the hourly limit
//! counted in SQLite, notes that never ping, and nothing of guild A in guild B.

use super::*;
use chrono::{DateTime, Duration, Utc};
use paperclub::app::App;
use paperclub::clock::{Clock, ManualClock};
use paperclub::course::CourseSettings;
use support::bot::spawn_app_on;
use support::payloads::CHANNEL_A;

const POST: &[u8] = include_bytes!("../fixtures/course/2026-03-03-scaling.md");
const KAPLAN: &str = "arXiv:2001.08361";
const TEAM_ROLE: u64 = 300_000_000_000_000_077;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

fn alice(guild: u64) -> Invoker {
    Invoker::student(guild).with_user(500_000_000_000_000_001)
}

fn carol(guild: u64) -> Invoker {
    Invoker::student(guild).with_user(500_000_000_000_000_003)
}

fn bob(guild: u64) -> Invoker {
    Invoker::student(guild).with_user(500_000_000_000_000_002)
}

struct Club {
    bot: TestBot,
    clock: Arc<ManualClock>,
}

impl Club {
    /// A bot whose guilds A and B each have the course and its first week's post (so both
    /// catalogs hold the same papers); teams team-1 and team-2 in A.
    async fn start() -> Club {
        let clock = Arc::new(ManualClock::new(at("2026-02-20T12:00:00Z")));
        let app = App::in_memory(clock.clone()).await.expect("app");
        for guild in [GUILD_A, GUILD_B] {
            let settings = CourseSettings {
                channel: Some(CHANNEL_A),
                timezone: Some("Europe/Berlin".into()),
                schedule: Some("MON 09:00".into()),
                start: Some("2026-03-01".into()),
                ..CourseSettings::default()
            };
            let now = clock.now();
            app.courses
                .configure(guild, settings, true, now)
                .await
                .expect("course");
            let post = vec![("2026-03-03-scaling.md".to_string(), POST.to_vec())];
            app.courses
                .import_posts(&app.catalog, guild, post, now)
                .await
                .expect("post");
        }
        let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
        let club = Club {
            bot: spawn_app_on(fake, app, |_| {}).await,
            clock,
        };
        for name in ["team-1", "team-2"] {
            let done = club
                .team(
                    &Invoker::instructor(GUILD_A),
                    "create",
                    json!([opt("name", name)]),
                )
                .await;
            assert!(
                content(&done).starts_with("✓ Created team"),
                "{}",
                content(&done)
            );
        }
        club
    }

    async fn team(&self, who: &Invoker, action: &str, options: Value) -> Recorded {
        self.bot
            .slash(who, "team", json!([sub(action, options)]))
            .await
    }

    async fn note(&self, who: &Invoker, action: &str, options: Value) -> Recorded {
        self.bot
            .slash(who, "note", json!([sub(action, options)]))
            .await
    }

    async fn add(&self, who: &Invoker, text: &str) -> Recorded {
        self.note(who, "add", json!([opt("paper", KAPLAN), opt("text", text)]))
            .await
    }

    async fn list(&self, who: &Invoker) -> String {
        let reply = self.note(who, "list", json!([opt("paper", KAPLAN)])).await;
        serde_json::to_string(reply.message()).expect("json")
    }

    /// The markdown file `/notes export` sends, and the reply's text.
    async fn export(&self, who: &Invoker, option: Value) -> (String, String) {
        let reply = self
            .bot
            .slash(who, "notes", json!([sub("export", json!([option]))]))
            .await;
        let file = reply
            .files()
            .first()
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default();
        (content(&reply).to_string(), file)
    }
}

#[tokio::test]
async fn a_member_is_in_one_team_and_a_refusal_names_the_team_they_are_in() {
    let club = Club::start().await;
    let student = club
        .team(&alice(GUILD_A), "create", json!([opt("name", "team-9")]))
        .await;
    assert!(
        content(&student).contains("Only instructors"),
        "{}",
        content(&student)
    );
    let twice = club
        .team(
            &Invoker::instructor(GUILD_A),
            "create",
            json!([opt("name", "TEAM-1")]),
        )
        .await;
    assert!(
        content(&twice).contains("already a team `team-1`"),
        "{}",
        content(&twice)
    );

    let joined = club
        .team(&alice(GUILD_A), "join", json!([opt("team", "Team-1")]))
        .await;
    assert_eq!(content(&joined), "✓ You joined team `team-1`.");
    let second = club
        .team(&alice(GUILD_A), "join", json!([opt("team", "team-2")]))
        .await;
    assert_eq!(flags(&second) & EPHEMERAL, EPHEMERAL);
    assert!(
        content(&second).contains("already in team `team-1`; a member is in one team per course"),
        "{}",
        content(&second)
    );
    let unknown = club
        .team(&alice(GUILD_A), "join", json!([opt("team", "team-7")]))
        .await;
    assert!(
        content(&unknown).contains("no team `team-7`. Teams: `team-1`, `team-2`"),
        "{}",
        content(&unknown)
    );
    let left = club.team(&alice(GUILD_A), "leave", json!([])).await;
    assert_eq!(content(&left), "✓ You left team `team-1`.");
    let again = club.team(&alice(GUILD_A), "leave", json!([])).await;
    assert_eq!(content(&again), "You are not in a team.");
    let moved = club
        .team(&alice(GUILD_A), "join", json!([opt("team", "team-2")]))
        .await;
    assert_eq!(content(&moved), "✓ You joined team `team-2`.");

    let members = club
        .team(&bob(GUILD_A), "members", json!([opt("team", "team-2")]))
        .await;
    let members = serde_json::to_string(members.message()).expect("json");
    assert!(members.contains("<@500000000000000001>"), "{members}");
    let list = club.team(&bob(GUILD_A), "list", json!([])).await;
    let list = serde_json::to_string(list.message()).expect("json");
    // The imported post names team-2 for notes, team-4 for video, team-1 presenting.
    assert!(
        list.contains("**team-2** — 1 member · notes week 1"),
        "{list}"
    );
    assert!(
        list.contains("**team-1** — 0 members · presenting week 1"),
        "{list}"
    );
}

#[tokio::test]
async fn a_role_team_is_everyone_with_the_role_and_cannot_be_joined() {
    let club = Club::start().await;
    let role = json!({"name": "role", "type": 8, "value": TEAM_ROLE.to_string()});
    let resolved = json!({"roles": {TEAM_ROLE.to_string(): {
        "id": TEAM_ROLE.to_string(), "name": "Team 3", "color": 0, "hoist": false,
        "position": 1, "permissions": "0", "managed": false, "mentionable": false,
        "icon": null, "unicode_emoji": null, "flags": 0, "guild_id": GUILD_A.to_string(),
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
    }}});
    let options = json!([sub("create", json!([opt("name", "team-3"), role]))]);
    let who = Invoker::instructor(GUILD_A);
    let id = club
        .bot
        .send_slash_resolved(&who, "team", options, Some(resolved))
        .0;
    let created = club.bot.answer(id).await;
    assert_eq!(
        content(&created),
        format!("✓ Created team `team-3`: everyone with <@&{TEAM_ROLE}> is in it.")
    );

    let mut dana = Invoker::student(GUILD_A).with_user(500_000_000_000_000_004);
    dana.roles = vec![TEAM_ROLE];
    let join = club
        .team(&dana, "join", json!([opt("team", "team-3")]))
        .await;
    assert!(
        content(&join).contains("everyone with the <@&"),
        "{}",
        content(&join)
    );
    let other = club
        .team(&dana, "join", json!([opt("team", "team-1")]))
        .await;
    assert!(
        content(&other).contains("You are in team `team-3` through its role"),
        "{}",
        content(&other)
    );
    let members = club
        .team(&dana, "members", json!([opt("team", "team-3")]))
        .await;
    let members = serde_json::to_string(members.message()).expect("json");
    assert!(
        members.contains(&format!("everyone with <@&{TEAM_ROLE}>")),
        "{members}"
    );

    // A note by a role member is the role team's: another carrier of the role sees it.
    club.add(&dana, "Written as team-3").await;
    let mut erin = Invoker::student(GUILD_A).with_user(500_000_000_000_000_005);
    erin.roles = vec![TEAM_ROLE];
    assert!(club.list(&erin).await.contains("Written as team-3"));
    assert!(!club.list(&bob(GUILD_A)).await.contains("Written as team-3"));

    let choices = club
        .bot
        .autocomplete(
            &dana,
            "team",
            json!([sub("join", json!([focused("team", "TEAM-")]))]),
        )
        .await;
    let names: Vec<&str> = choices.json()["data"]["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .filter_map(|c| c["value"].as_str())
        .collect();
    assert_eq!(names, ["team-1", "team-2", "team-3"]);
}

#[tokio::test]
async fn a_note_stays_in_its_team_until_published_in_lists_and_exports() {
    let club = Club::start().await;
    for (who, team) in [
        (alice(GUILD_A), "team-1"),
        (carol(GUILD_A), "team-1"),
        (bob(GUILD_A), "team-2"),
    ] {
        club.team(&who, "join", json!([opt("team", team)])).await;
    }
    let added = club
        .add(&alice(GUILD_A), "Loss is a *power law* @everyone <@1>")
        .await;
    assert!(
        content(&added).starts_with(
            "✓ Note #1 on “Scaling Laws for Neural Language Models” saved; team `team-1` sees it"
        ),
        "{}",
        content(&added)
    );

    let mate = club.list(&carol(GUILD_A)).await;
    assert!(
        mate.contains(r"Loss is a \\*power law\\* @everyone \\<@1\\>"),
        "escaped: {mate}"
    );
    assert!(mate.contains("unpublished"), "{mate}");
    assert!(!club.list(&bob(GUILD_A)).await.contains("power law"));
    let (_, file) = club.export(&bob(GUILD_A), opt_int("session", 1)).await;
    assert!(
        file.contains("# Annotated bibliography: Week 1: Scaling laws"),
        "{file}"
    );
    assert!(!file.contains("power law"), "{file}");
    let (_, file) = club.export(&bob(GUILD_A), opt("team", "team-1")).await;
    assert!(!file.contains("power law"), "{file}");

    let refused = club
        .note(&carol(GUILD_A), "publish", json!([opt_int("note", 1)]))
        .await;
    assert_eq!(
        content(&refused),
        "Only its author or an instructor can publish note #1."
    );
    let hidden = club
        .note(&bob(GUILD_A), "publish", json!([opt_int("note", 1)]))
        .await;
    assert_eq!(content(&hidden), "There is no note #1 in this course.");

    let published = club
        .note(&alice(GUILD_A), "publish", json!([opt_int("note", 1)]))
        .await;
    assert_eq!(
        content(&published),
        "✓ Note #1 is published: the whole class sees it."
    );
    assert!(club.list(&bob(GUILD_A)).await.contains("power law"));
    let (text, file) = club.export(&bob(GUILD_A), opt("paper", KAPLAN)).await;
    assert!(text.contains("1 note(s) you can see"), "{text}");
    assert!(
        file.contains("Kaplan, J., McCandlish, S., Henighan, T., & Brown, T. B."),
        "{file}"
    );
    assert!(
        file.contains(
            "**Note #1** by user 500000000000000001 (team-1, 2026-02-20 12:00 UTC, published)"
        ),
        "{file}"
    );
    assert!(file.contains(r"> Loss is a \*power law\*"), "{file}");

    let sent: Vec<Recorded> = club
        .bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/callback"))
        .collect();
    for r in sent.iter().filter(|r| r.message()["content"].is_string()) {
        assert_eq!(
            r.message()["allowed_mentions"]["parse"],
            json!([]),
            "no pings"
        );
    }
}

#[tokio::test]
async fn an_edit_keeps_the_previous_text_and_only_the_author_or_an_instructor_deletes() {
    let club = Club::start().await;
    for who in [alice(GUILD_A), carol(GUILD_A)] {
        club.team(&who, "join", json!([opt("team", "team-1")]))
            .await;
    }
    club.add(&alice(GUILD_A), "First thoughts").await;
    let foreign = club
        .note(
            &carol(GUILD_A),
            "edit",
            json!([opt_int("note", 1), opt("text", "mine now")]),
        )
        .await;
    assert_eq!(content(&foreign), "Only its author can edit note #1.");
    club.clock.advance(Duration::minutes(5));
    let edited = club
        .note(
            &alice(GUILD_A),
            "edit",
            json!([opt_int("note", 1), opt("text", "Second thoughts")]),
        )
        .await;
    assert_eq!(
        content(&edited),
        "✓ Note #1 updated; its earlier text is kept (1 earlier version)."
    );
    let history = club
        .note(&carol(GUILD_A), "history", json!([opt_int("note", 1)]))
        .await;
    let history = serde_json::to_string(history.message()).expect("json");
    assert!(
        history.contains("First thoughts") && history.contains("Second thoughts"),
        "{history}"
    );
    assert!(club.list(&carol(GUILD_A)).await.contains("edited"));

    let denied = club
        .note(&carol(GUILD_A), "delete", json!([opt_int("note", 1)]))
        .await;
    assert_eq!(
        content(&denied),
        "Only its author or an instructor can delete note #1."
    );
    let deleted = club
        .note(
            &Invoker::instructor(GUILD_A),
            "delete",
            json!([opt_int("note", 1)]),
        )
        .await;
    assert_eq!(content(&deleted), "✓ Note #1 deleted.");
    assert!(!club.list(&alice(GUILD_A)).await.contains("thoughts"));
}

#[tokio::test]
async fn the_thirty_first_note_in_an_hour_is_refused_until_the_hour_has_passed() {
    let club = Club::start().await;
    for i in 0..30 {
        let done = club.add(&alice(GUILD_A), &format!("note {i}")).await;
        assert!(content(&done).starts_with("✓"), "{i}: {}", content(&done));
        club.clock.advance(Duration::seconds(10));
    }
    let refused = club.add(&alice(GUILD_A), "one too many").await;
    // The first note (12:00:00) leaves the window at 13:00:00.
    assert_eq!(
        content(&refused),
        format!(
            "You have written 30 notes in the last hour, the limit (30 an hour). You can write the next one <t:{}:R>.",
            at("2026-02-20T13:00:00Z").timestamp()
        )
    );
    let long = club.add(&bob(GUILD_A), &"x".repeat(1501)).await;
    assert_eq!(
        content(&long),
        "A note is at most 1500 characters; this one has 1501. Split it in two."
    );
    club.clock.set(at("2026-02-20T13:00:01Z"));
    let later = club.add(&alice(GUILD_A), "after the hour").await;
    assert!(
        content(&later).starts_with("✓ Note #31"),
        "{}",
        content(&later)
    );
}

#[tokio::test]
async fn guild_b_sees_nothing_of_guild_as_teams_and_notes() {
    let club = Club::start().await;
    club.team(&alice(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    club.add(&alice(GUILD_A), "Only for guild A").await;
    club.note(&alice(GUILD_A), "publish", json!([opt_int("note", 1)]))
        .await;

    let b = bob(GUILD_B);
    let list = club.team(&b, "list", json!([])).await;
    assert!(
        content(&list).contains("no teams yet"),
        "{}",
        content(&list)
    );
    let join = club.team(&b, "join", json!([opt("team", "team-1")])).await;
    assert!(
        content(&join).contains("There is no team `team-1`"),
        "{}",
        content(&join)
    );
    assert!(!club.list(&b).await.contains("guild A"));
    for action in ["publish", "delete", "history"] {
        let reply = club.note(&b, action, json!([opt_int("note", 1)])).await;
        assert_eq!(
            content(&reply),
            "There is no note #1 in this course.",
            "{action}"
        );
    }
    let (_, file) = club.export(&b, opt_int("session", 1)).await;
    assert!(!file.is_empty() && !file.contains("guild A"), "{file}");
    let choices = club
        .bot
        .autocomplete(
            &b,
            "team",
            json!([sub("join", json!([focused("team", "")]))]),
        )
        .await;
    assert_eq!(choices.json()["data"]["choices"], json!([]));
}

#[tokio::test]
async fn a_course_that_makes_notes_class_visible_shows_unpublished_notes_to_everyone() {
    let club = Club::start().await;
    club.team(&alice(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    club.team(&bob(GUILD_A), "join", json!([opt("team", "team-2")]))
        .await;
    club.add(&alice(GUILD_A), "Seen by the class").await;
    assert!(!club.list(&bob(GUILD_A)).await.contains("Seen by the class"));

    let edit = json!([sub(
        "edit",
        json!([{"name": "notes_public", "type": 5, "value": true}])
    )]);
    let student = club.bot.slash(&bob(GUILD_A), "course", edit.clone()).await;
    assert!(
        content(&student).contains("Only instructors"),
        "{}",
        content(&student)
    );
    let done = club
        .bot
        .slash(&Invoker::instructor(GUILD_A), "course", edit)
        .await;
    assert!(
        content(&done).starts_with("✓ Course updated"),
        "{}",
        content(&done)
    );
    let info = club
        .bot
        .slash(&bob(GUILD_A), "course", json!([sub("info", json!([]))]))
        .await;
    let info = serde_json::to_string(info.message()).expect("json");
    assert!(info.contains("visible to the class"), "{info}");

    assert!(club.list(&bob(GUILD_A)).await.contains("Seen by the class"));
    let added = club.add(&bob(GUILD_A), "Mine too").await;
    assert!(
        content(&added).contains("this course's notes are visible to the whole class"),
        "{}",
        content(&added)
    );
    // The setting is guild A's alone.
    club.add(&alice(GUILD_B), "B stays private").await;
    assert!(!club.list(&bob(GUILD_B)).await.contains("B stays private"));
}
