//! Course writes at scale through the fake Discord: 100 guilds of course data (sessions,
//! readings, teams, members, notes, reading marks) in a database file, then `/note add`
//! and `/read done` from one guild, timed from INTERACTION_CREATE sent to the bot's
//! callback received (p50/p99, target p99 under 10 ms), and the same writes straight
//! through `dispatch::handle` to show how much of it is the core's.
//!
//! `cargo bench --bench course` (release), or `cargo bench --profile dev --bench course`.

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::{DateTime, Duration as Days, Utc};
use paperclub::bench::{self as core_bench, synth};
use paperclub::clock::{Clock, ManualClock};
use paperclub::course::{CourseSettings, Member, NewSession};
use paperclub::dispatch::{self, Caller, NoteRequest, Request};
use paperclub::model::Scope;
use paperclub::state::App;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::bot::{spawn_app_on, TestBot};
use support::fake_discord::FakeDiscord;
use support::payloads::{self, opt, sub, Invoker, GUILD_A, GUILD_B};

const GUILDS: u64 = 100;
const PAPERS: usize = 5_000;
const SESSIONS: usize = 12;
const TEAMS: usize = 5;
const MEMBERS: u64 = 20;
const NOTES_PER_GUILD: usize = 40;
const MARKS_PER_GUILD: usize = 100;
const ROUNDS: usize = 300;
const WARMUP: usize = 20;
const TARGET_P99: Duration = Duration::from_millis(10);

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench())
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

async fn bench() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(at("2026-02-20T12:00:00Z")));
    let app = App::open(dir.path(), clock.clone()).await?;
    let papers = synth::papers(PAPERS, core_bench::DEFAULT_SEED);
    let imported = app
        .catalog
        .import_bytes(
            Scope::GLOBAL,
            "synthetic.bib",
            synth::to_bibtex(&papers).as_bytes(),
            None,
        )
        .await;
    anyhow::ensure!(imported.error.is_none(), "{imported:?}");
    let keys: Vec<String> = papers.into_iter().map(|p| p.key).collect();
    let started = Instant::now();
    // Guild A is one of the hundred: the one the interactions come from.
    let guilds: Vec<u64> = std::iter::once(GUILD_A).chain(1..GUILDS).collect();
    for (g, &guild) in guilds.iter().enumerate() {
        course_data(&app, guild, g, &keys, clock.now()).await?;
    }
    println!(
        "course data: {GUILDS} guilds × ({SESSIONS} sessions, {TEAMS} teams, {MEMBERS} members, {NOTES_PER_GUILD} notes, {MARKS_PER_GUILD} reading marks) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let readings = app.courses.sessions(GUILD_A).await?;
    let reading_keys: Vec<String> = {
        let ids: Vec<i64> = readings
            .iter()
            .flat_map(|s| s.readings.iter().map(|r| r.paper_id))
            .collect();
        app.catalog
            .papers_by_id(Scope(GUILD_A), &ids)
            .await?
            .into_iter()
            .map(|p| p.key)
            .collect()
    };
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    let bot = spawn_app_on(fake, app, |_| {}).await;

    let mut ok = true;
    // A fresh member every 25 notes keeps each under the hourly limit of 30.
    let note = |i: usize| {
        let who = Invoker::student(GUILD_A).with_user(800_000_000_000_000_000 + (i / 25) as u64);
        let paper = &reading_keys[i % reading_keys.len()];
        let text = format!("Bench note {i}: the loss curve bends at the compute-optimal point.");
        (
            who,
            "note",
            json!([sub("add", json!([opt("paper", paper), opt("text", &text)]))]),
        )
    };
    let read = |i: usize| {
        let who = Invoker::student(GUILD_A)
            .with_user(900_000_000_000_000_000 + (i / reading_keys.len()) as u64);
        let paper = &reading_keys[i % reading_keys.len()];
        (
            who,
            "read",
            json!([sub("done", json!([opt("paper", paper)]))]),
        )
    };
    for (name, make) in [
        (
            "note add",
            &note as &dyn Fn(usize) -> (Invoker, &'static str, serde_json::Value),
        ),
        ("read done", &read),
    ] {
        let mut latencies = Vec::with_capacity(ROUNDS);
        for i in 0..ROUNDS + WARMUP {
            let (who, command, options) = make(i);
            let (latency, content) = round_trip(&bot, &who, command, options).await;
            anyhow::ensure!(content.starts_with('✓'), "{name} {i}: {content}");
            if i >= WARMUP {
                latencies.push(latency);
            }
        }
        ok &= report(name, &mut latencies);
    }
    core_only(&bot, &reading_keys).await;
    anyhow::ensure!(ok, "a target was missed");
    Ok(())
}

/// One guild's course: sessions with readings from the catalog, teams, members who
/// joined, notes spread over the members, and reading marks.
async fn course_data(
    app: &App,
    guild: u64,
    g: usize,
    keys: &[String],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let c = &app.courses;
    let settings = CourseSettings {
        channel: Some(1_000_000 + guild),
        timezone: Some("Europe/Berlin".into()),
        schedule: Some("MON 09:00".into()),
        start: Some("2026-03-01".into()),
        ..CourseSettings::default()
    };
    c.configure(guild, settings, true, now).await?;
    let key = |i: usize| keys[(g * 97 + i * 13) % keys.len()].clone();
    for s in 0..SESSIONS {
        let date = at("2026-03-03T00:00:00Z").date_naive() + Days::weeks(s as i64);
        let new = NewSession {
            date: date.to_string(),
            title: format!("Week {s}"),
            required: (0..3).map(|r| key(s * 5 + r)).collect(),
            optional: (3..5).map(|r| key(s * 5 + r)).collect(),
            ..NewSession::default()
        };
        c.add_session(&app.catalog, guild, new).await?;
    }
    for t in 0..TEAMS {
        c.create_team(guild, &format!("team-{t}"), None, now)
            .await?;
    }
    for m in 0..MEMBERS {
        let who = Member {
            user: 10_000 + m,
            roles: &[],
            instructor: false,
        };
        c.join_team(guild, who, &format!("team-{}", m as usize % TEAMS), now)
            .await?;
    }
    for n in 0..NOTES_PER_GUILD {
        let who = Member {
            user: 10_000 + (n as u64 % MEMBERS),
            roles: &[],
            instructor: false,
        };
        let text = format!("A note on reading {n} of guild {guild}.");
        c.add_note(
            &app.catalog,
            guild,
            who,
            &key(n % (SESSIONS * 5)),
            &text,
            now,
        )
        .await?;
    }
    for m in 0..MARKS_PER_GUILD {
        let user = 10_000 + (m as u64 % MEMBERS);
        c.mark_read(&app.catalog, guild, user, &key(m % (SESSIONS * 5)), now)
            .await?;
    }
    Ok(())
}

/// One interaction: sent on the gateway, timed until the fake received the callback.
async fn round_trip(
    bot: &TestBot,
    who: &Invoker,
    command: &str,
    options: serde_json::Value,
) -> (Duration, String) {
    let id = bot.fake.next_id();
    let sent = bot.fake.dispatch(
        "INTERACTION_CREATE",
        payloads::slash(id, who, command, options, None),
    );
    let callback = bot.fake.callback(id).await;
    let content = callback.message()["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (callback.at.saturating_duration_since(sent), content)
}

/// The same note writes straight through `dispatch::handle`, without Discord.
async fn core_only(bot: &TestBot, keys: &[String]) {
    let mut latencies = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        let caller = Caller {
            scope: Scope(GUILD_A),
            user_id: 810_000_000_000_000_000 + (i / 25) as u64,
            roles: Vec::new(),
            instructor: false,
        };
        let request = Request::Note(NoteRequest::Add {
            paper: keys[i % keys.len()].clone(),
            text: format!("Core note {i}."),
        });
        let started = Instant::now();
        let reply = dispatch::handle(&bot.app, &caller, request).await;
        latencies.push(started.elapsed());
        std::hint::black_box(reply);
    }
    report("note add (core)", &mut latencies);
}

fn report(name: &str, latencies: &mut [Duration]) -> bool {
    latencies.sort_unstable();
    let pick = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    let (p50, p99, max) = (pick(0.50), pick(0.99), pick(1.0));
    let verdict = if p99 < TARGET_P99 {
        "ok"
    } else {
        "OVER TARGET"
    };
    println!(
        "{name:<16} n={:<4} p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms   {verdict}",
        latencies.len(),
        ms(p50),
        ms(p99),
        ms(max)
    );
    p99 < TARGET_P99
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
