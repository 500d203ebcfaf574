//! The weekly-post scheduler at scale: 10,000 guilds with a course each, 1,000 of them due
//! in the same minute. Prints the cost of a tick when nothing is due (target under 1 ms),
//! and the time from the due minute until all 1,000 posts are confirmed by the fake Discord
//! on 127.0.0.1 through the real Discord poster, with none sent twice.
//!
//! `cargo bench --bench schedule` (release), or `cargo bench --profile dev --bench schedule`.

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::{DateTime, Utc};
use paperclub::clock::ManualClock;
use paperclub::course::{CourseSettings, NewSession};
use paperclub::discord::DiscordPoster;
use paperclub::schedule;
use paperclub::state::App;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::fake_discord::FakeDiscord;

const GUILDS: u64 = 10_000;
const DUE: u64 = 1_000;
const IDLE_TICKS: usize = 500;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench())
}

async fn bench() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(at("2026-02-20T12:00:00Z")));
    let app = App::open(dir.path(), clock.clone()).await?;
    let started = Instant::now();
    for guild in 1..=GUILDS {
        // 1,000 courses post on Mondays at 09:00 Berlin; the rest on other days.
        let schedule = if guild <= DUE {
            "MON 09:00"
        } else {
            "TUE 09:00"
        };
        let settings = CourseSettings {
            channel: Some(support::payloads::channels_of(guild)[0]),
            timezone: Some("Europe/Berlin".into()),
            schedule: Some(schedule.into()),
            start: Some("2026-03-01".into()),
            ..CourseSettings::default()
        };
        let now = paperclub::clock::Clock::now(clock.as_ref());
        app.courses
            .configure(guild, settings, true, now)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let session = NewSession {
            date: "2026-03-03".into(),
            title: format!("Week one of course {guild}"),
            ..NewSession::default()
        };
        app.courses
            .add_session(&app.catalog, guild, session)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    println!(
        "set-up: {GUILDS} courses with a session each in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The bot is in every guild (the poster checks each channel belongs to its course's).
    let guilds: Vec<u64> = (1..=GUILDS).collect();
    let fake = FakeDiscord::start(&guilds).await;
    let http = serenity::all::HttpBuilder::new(support::bot::TOKEN)
        .proxy(fake.http_url())
        .ratelimiter_disabled(true)
        .build();
    let poster = Arc::new(DiscordPoster::new(Arc::new(http)));

    // Nothing due: the tick is one indexed lookup, whatever the number of courses.
    let quiet = at("2026-03-02T07:59:00Z");
    let mut idle = Vec::with_capacity(IDLE_TICKS);
    for _ in 0..IDLE_TICKS {
        let t = Instant::now();
        let report = schedule::tick(&app.courses, &poster, quiet).await?;
        idle.push(t.elapsed());
        anyhow::ensure!(
            report == schedule::TickReport::default(),
            "nothing is due: {report:?}"
        );
    }
    idle.sort_unstable();
    let pick = |q: f64| idle[((idle.len() as f64 - 1.0) * q).round() as usize];
    let verdict = if pick(0.99) < Duration::from_millis(1) {
        "ok"
    } else {
        "OVER TARGET"
    };
    println!(
        "idle tick over {GUILDS} courses: p50 {:.3} ms, p99 {:.3} ms   (target < 1 ms) {verdict}",
        ms(pick(0.5)),
        ms(pick(0.99))
    );

    // 09:00 Berlin: 1,000 posts due at once.
    let due = at("2026-03-02T08:00:00Z");
    let t = Instant::now();
    let report = schedule::tick(&app.courses, &poster, due).await?;
    let elapsed = t.elapsed();
    let again = schedule::tick(&app.courses, &poster, at("2026-03-02T08:00:30Z")).await?;
    let sends: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.contains("/channels/"))
        .collect();
    let nonces: HashSet<String> = sends
        .iter()
        .filter_map(|r| r.json()["nonce"].as_str().map(String::from))
        .collect();
    let channels: HashSet<String> = sends.iter().map(|r| r.path.clone()).collect();
    println!(
        "{DUE} posts due in the same minute: {} claimed and {} confirmed in {:.0} ms ({:.0} posts/s); {} sends, {} channels, {} nonces; a second tick sent {}",
        report.claimed,
        report.sent,
        ms(elapsed),
        report.sent as f64 / elapsed.as_secs_f64(),
        sends.len(),
        channels.len(),
        nonces.len(),
        again.sent
    );
    anyhow::ensure!(
        report.sent as u64 == DUE && sends.len() as u64 == DUE,
        "every post exactly once"
    );
    anyhow::ensure!(
        channels.len() as u64 == DUE && again.sent == 0,
        "none sent twice"
    );
    app.catalog.close().await;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
