//! A course club for the team and note tests: a bot over a clock the test sets, guilds A
//! and B each with the course and its first week, teams team-1 and team-2 in A, members
//! Alice, Bob and Carol, and one-line helpers for `/team`, `/note` and `/notes export`.

use super::*;
use chrono::{DateTime, Utc};
use paperclub::clock::{Clock, ManualClock};
use paperclub::course::CourseSettings;
use paperclub::state::App;
use support::bot::spawn_app_on;
use support::payloads::channels_of;

pub const POST: &[u8] = include_bytes!("../fixtures/course/2026-03-03-scaling.md");
pub const KAPLAN: &str = "arXiv:2001.08361";
pub const TEAM_ROLE: u64 = 300_000_000_000_000_077;

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

pub fn alice(guild: u64) -> Invoker {
    Invoker::student(guild).with_user(500_000_000_000_000_001)
}

pub fn carol(guild: u64) -> Invoker {
    Invoker::student(guild).with_user(500_000_000_000_000_003)
}

pub fn bob(guild: u64) -> Invoker {
    Invoker::student(guild).with_user(500_000_000_000_000_002)
}

pub struct Club {
    pub bot: TestBot,
    pub clock: Arc<ManualClock>,
}

impl Club {
    /// A bot whose guilds A and B each have the course and its first week's post (so both
    /// catalogs hold the same papers); teams team-1 and team-2 in A.
    pub async fn start() -> Club {
        let clock = Arc::new(ManualClock::new(at("2026-02-20T12:00:00Z")));
        let app = App::in_memory(clock.clone()).await.expect("app");
        Club::over(app, clock).await
    }

    /// The same club over `app` (a data folder, to restart a bot over it).
    pub async fn over(app: App, clock: Arc<ManualClock>) -> Club {
        for guild in [GUILD_A, GUILD_B] {
            let settings = CourseSettings {
                channel: Some(channels_of(guild)[0]),
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

    pub async fn team(&self, who: &Invoker, action: &str, options: Value) -> Recorded {
        self.bot
            .slash(who, "team", json!([sub(action, options)]))
            .await
    }

    /// `/team move member: team:` as `who`; an empty `team` leaves the option out.
    pub async fn move_member(&self, who: &Invoker, member: u64, team: &str) -> Recorded {
        let (member, resolved) = support::payloads::user_option("member", member);
        let mut options = vec![member];
        if !team.is_empty() {
            options.push(opt("team", team));
        }
        let options = json!([sub("move", Value::Array(options))]);
        let id = self
            .bot
            .send_slash_resolved(who, "team", options, Some(resolved))
            .0;
        self.bot.answer(id).await
    }

    pub async fn note(&self, who: &Invoker, action: &str, options: Value) -> Recorded {
        self.bot
            .slash(who, "note", json!([sub(action, options)]))
            .await
    }

    pub async fn add(&self, who: &Invoker, text: &str) -> Recorded {
        self.note(who, "add", json!([opt("paper", KAPLAN), opt("text", text)]))
            .await
    }

    pub async fn list(&self, who: &Invoker) -> String {
        let reply = self.note(who, "list", json!([opt("paper", KAPLAN)])).await;
        serde_json::to_string(reply.message()).expect("json")
    }

    /// The markdown file `/notes export` sends, and the reply's text.
    pub async fn export(&self, who: &Invoker, option: Value) -> (String, String) {
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
