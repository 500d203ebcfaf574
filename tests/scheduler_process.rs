//! The weekly post across real crashes: the `paperclub run` binary against the fake
//! Discord on 127.0.0.1, killed with SIGKILL at the worst moments (right after a claim
//! commits; right after Discord took the message, before its id is recorded), then started
//! again. The clock of each process starts where the test says (`PAPERCLUB_NOW`) and then
//! runs in real time, so the scheduler sleeps and wakes as in production.

#[path = "support/mod.rs"]
mod support;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::bot::TOKEN;
use support::fake_discord::FakeDiscord;
use support::payloads::{CHANNEL_A, GUILD_A, GUILD_B, STUDENT_ID};

fn paperclub(data: &Path, now: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paperclub"))
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("PAPERCLUB_NOW", now)
        .env_remove("PAPERCLUB_CONFIG")
        .env_remove("PAPERCLUB_FAULT")
        .output()
        .expect("run paperclub")
}

/// A data folder with guild A's course: Mondays 09:00 Berlin, one session on 3 March.
fn course(data: &Path) {
    let now = "2026-02-20T12:00:00Z";
    let guild = GUILD_A.to_string();
    let channel = CHANNEL_A.to_string();
    let setup = paperclub(
        data,
        now,
        &[
            "course",
            "--guild",
            &guild,
            "setup",
            "--channel",
            &channel,
            "--timezone",
            "Europe/Berlin",
            "--schedule",
            "MON 09:00",
            "--start",
            "2026-03-01",
        ],
    );
    assert!(setup.status.success(), "{setup:?}");
    let add = paperclub(
        data,
        now,
        &[
            "session",
            "--guild",
            &guild,
            "add",
            "--date",
            "2026-03-03",
            "--title",
            "Week one",
        ],
    );
    assert!(add.status.success(), "{add:?}");
}

/// `paperclub run` against `fake`, its clock starting at `now`.
fn bot(data: &Path, fake: &FakeDiscord, now: &str, fault: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paperclub"));
    command
        .arg("--data-dir")
        .arg(data)
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
        .args(["run", "--discord-api", fake.http_url(), "--dev-guild"])
        .arg(GUILD_A.to_string())
        .env("DISCORD_TOKEN", TOKEN)
        .env("PAPERCLUB_NOW", now)
        .env("PAPERCLUB_LOG", "paperclub=info")
        .env_remove("PAPERCLUB_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match fault {
        Some(point) => command.env("PAPERCLUB_FAULT", point),
        None => command.env_remove("PAPERCLUB_FAULT"),
    };
    command.spawn().expect("start the bot")
}

async fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the bot did not crash where told to"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Polls `course status` until the last post is recorded.
async fn wait_for_sent(data: &Path, now: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let out = paperclub(
            data,
            now,
            &["course", "--guild", &GUILD_A.to_string(), "status"],
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text.contains("https://discord.com/channels/") {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "the post was never recorded:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

fn posts_to_channel(fake: &FakeDiscord) -> usize {
    let path = format!("/api/v10/channels/{CHANNEL_A}/messages");
    fake.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}

#[tokio::test]
async fn killed_after_discord_took_the_message_the_restarted_bot_finds_it_and_posts_nothing_more() {
    let data = tempfile::tempdir().expect("temp dir");
    course(data.path());
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    // Two seconds before 09:00 Berlin: the scheduler sleeps until the post is due.
    let mut first = bot(
        data.path(),
        &fake,
        "2026-03-02T07:59:58Z",
        Some("after-send"),
    );
    let status = wait_for_exit(&mut first).await;
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");
    assert_eq!(
        fake.channel_messages(CHANNEL_A).len(),
        1,
        "Discord took the message"
    );

    // Back three minutes later (past the one-minute delivery lease, inside the grace window).
    let second = bot(data.path(), &fake, "2026-03-02T08:03:00Z", None);
    let status = wait_for_sent(data.path(), "2026-03-02T08:03:30Z").await;
    stop(second);
    let messages = fake.channel_messages(CHANNEL_A);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert_eq!(
        posts_to_channel(&fake),
        1,
        "found by its marker, not sent again"
    );
    let id = messages[0]["id"].as_str().expect("id");
    assert!(status.contains(id), "status links the message: {status}");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.method == "GET" && r.path.ends_with("/messages")),
        "the restarted bot looked at the channel"
    );
}

#[tokio::test]
async fn killed_right_after_the_claim_the_restarted_bot_posts_exactly_once() {
    let data = tempfile::tempdir().expect("temp dir");
    course(data.path());
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    let mut first = bot(
        data.path(),
        &fake,
        "2026-03-02T07:59:59Z",
        Some("after-claim"),
    );
    let status = wait_for_exit(&mut first).await;
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");
    assert!(
        fake.channel_messages(CHANNEL_A).is_empty(),
        "claimed, not sent"
    );

    let second = bot(data.path(), &fake, "2026-03-02T08:00:20Z", None);
    wait_for_sent(data.path(), "2026-03-02T08:00:30Z").await;
    // And a third start a little later changes nothing.
    stop(second);
    let third = bot(data.path(), &fake, "2026-03-02T08:10:00Z", None);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop(third);
    assert_eq!(fake.channel_messages(CHANNEL_A).len(), 1);
    assert_eq!(posts_to_channel(&fake), 1);
}

/// Waits until the channel holds `n` messages.
async fn wait_for_messages(fake: &FakeDiscord, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while fake.channel_messages(CHANNEL_A).len() < n {
        assert!(
            Instant::now() < deadline,
            "never {n} messages in the channel"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_tuesday_thursday_seminar_gets_one_monday_post_a_week_across_sigkills() {
    let data = tempfile::tempdir().expect("temp dir");
    let (guild, now) = (GUILD_A.to_string(), "2026-02-20T12:00:00Z");
    let setup = paperclub(
        data.path(),
        now,
        &[
            "course",
            "--guild",
            &guild,
            "setup",
            "--channel",
            &CHANNEL_A.to_string(),
            "--timezone",
            "Europe/Berlin",
            "--schedule",
            "MON 09:00",
            "--reminders",
            "none",
        ],
    );
    assert!(setup.status.success(), "{setup:?}");
    let days = ["03-03", "03-05", "03-10", "03-12", "03-17", "03-19"];
    for (i, day) in days.iter().enumerate() {
        let date = format!("2026-{day}");
        let title = format!("Seminar {i}");
        let add = paperclub(
            data.path(),
            now,
            &[
                "session", "--guild", &guild, "add", "--date", &date, "--title", &title,
            ],
        );
        assert!(add.status.success(), "{add:?}");
    }
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    // Week 1: killed right after the claim, back twenty seconds later.
    let mut first = bot(
        data.path(),
        &fake,
        "2026-03-02T07:59:59Z",
        Some("after-claim"),
    );
    assert_eq!(wait_for_exit(&mut first).await.signal(), Some(9));
    let again = bot(data.path(), &fake, "2026-03-02T08:00:20Z", None);
    wait_for_messages(&fake, 1).await;
    stop(again);
    // Week 2: an ordinary start two seconds before the minute, and a restart after it.
    let on_time = bot(data.path(), &fake, "2026-03-09T07:59:58Z", None);
    wait_for_messages(&fake, 2).await;
    stop(on_time);
    let later = bot(data.path(), &fake, "2026-03-09T08:05:00Z", None);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop(later);
    // Week 3: killed after Discord took the message; the restart finds it.
    let mut third = bot(
        data.path(),
        &fake,
        "2026-03-16T07:59:58Z",
        Some("after-send"),
    );
    assert_eq!(wait_for_exit(&mut third).await.signal(), Some(9));
    let back = bot(data.path(), &fake, "2026-03-16T08:03:00Z", None);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    stop(back);

    let messages: Vec<String> = fake
        .channel_messages(CHANNEL_A)
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(messages.len(), 3, "one post a week: {messages:#?}");
    assert_eq!(posts_to_channel(&fake), 3, "no second send");
    for (week, post) in messages.iter().enumerate() {
        let (tue, thu) = (
            format!("Seminar {}", 2 * week),
            format!("Seminar {}", 2 * week + 1),
        );
        let (a, b) = (post.find(&tue), post.find(&thu));
        assert!(
            a.is_some() && a < b,
            "week {}: both, in order: {post}",
            week + 1
        );
        for other in (0..days.len()).filter(|i| i / 2 != week) {
            assert!(!post.contains(&format!("Seminar {other}")), "{post}");
        }
    }
}

#[tokio::test]
async fn killed_after_the_send_the_restarted_bot_ignores_a_students_copy_of_the_marker() {
    let data = tempfile::tempdir().expect("temp dir");
    course(data.path());
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    let mut first = bot(
        data.path(),
        &fake,
        "2026-03-02T07:59:58Z",
        Some("after-send"),
    );
    let status = wait_for_exit(&mut first).await;
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");
    let posted = fake.channel_messages(CHANNEL_A);
    assert_eq!(posted.len(), 1, "Discord took the message");
    // A student copies the post's marker line into the channel: newer than the post.
    let text = posted[0]["content"].as_str().expect("content");
    let marker = text.lines().last().expect("the marker line");
    fake.post_as(STUDENT_ID, CHANNEL_A, &format!("same here\n{marker}"));

    let second = bot(data.path(), &fake, "2026-03-02T08:03:00Z", None);
    let status = wait_for_sent(data.path(), "2026-03-02T08:03:30Z").await;
    stop(second);
    assert_eq!(posts_to_channel(&fake), 1, "found, not sent again");
    let id = posted[0]["id"].as_str().expect("id");
    assert!(
        status.contains(&format!("/{CHANNEL_A}/{id}")),
        "status links the bot's message, not the student's: {status}"
    );
}

#[tokio::test]
async fn a_backup_restored_after_its_post_went_out_does_not_send_that_post_again() {
    let data = tempfile::tempdir().expect("temp dir");
    let keep = tempfile::tempdir().expect("temp dir");
    course(data.path());
    let copy = keep.path().join("before-the-post.db");
    let copy_arg = copy.to_str().expect("path");
    let backup = paperclub(data.path(), "2026-02-27T12:00:00Z", &["backup", copy_arg]);
    assert!(backup.status.success(), "{backup:?}");

    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    let first = bot(data.path(), &fake, "2026-03-02T07:59:58Z", None);
    wait_for_sent(data.path(), "2026-03-02T08:00:30Z").await;
    stop(first);
    assert_eq!(fake.channel_messages(CHANNEL_A).len(), 1);

    // Two hours later the copy from before the post comes back; Discord has long forgotten
    // the post's nonce, and the week is still inside its grace window.
    fake.set_nonce_window(Duration::ZERO);
    let restore = paperclub(data.path(), "2026-03-02T10:00:00Z", &["restore", copy_arg]);
    assert!(restore.status.success(), "{restore:?}");
    let second = bot(data.path(), &fake, "2026-03-02T10:00:05Z", None);
    let status = wait_for_sent(data.path(), "2026-03-02T10:00:30Z").await;
    stop(second);

    let messages = fake.channel_messages(CHANNEL_A);
    assert_eq!(messages.len(), 1, "exactly one copy: {messages:#?}");
    assert_eq!(posts_to_channel(&fake), 1, "found by its marker, not sent");
    let id = messages[0]["id"].as_str().expect("id");
    assert!(status.contains(id), "status links the one post: {status}");
}

#[tokio::test]
async fn killed_after_the_send_without_read_message_history_the_nonce_keeps_one_copy_and_posting_goes_on(
) {
    let data = tempfile::tempdir().expect("temp dir");
    course(data.path());
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    fake.deny_history(CHANNEL_A);
    let mut first = bot(
        data.path(),
        &fake,
        "2026-03-02T07:59:58Z",
        Some("after-send"),
    );
    let status = wait_for_exit(&mut first).await;
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");

    // The restarted bot may not look in the channel: it sends again with the same nonce,
    // which Discord (within minutes) answers with the first message.
    let second = bot(data.path(), &fake, "2026-03-02T08:03:00Z", None);
    let status = wait_for_sent(data.path(), "2026-03-02T08:03:30Z").await;
    stop(second);
    let messages = fake.channel_messages(CHANNEL_A);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        status.contains("cannot read message history") && !status.contains("Posting stopped"),
        "reported, not paused: {status}"
    );
}

#[tokio::test]
async fn killed_after_the_send_in_a_busy_channel_the_restarted_bot_pages_back_to_its_post() {
    let data = tempfile::tempdir().expect("temp dir");
    course(data.path());
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    let mut first = bot(
        data.path(),
        &fake,
        "2026-03-02T07:59:58Z",
        Some("after-send"),
    );
    let status = wait_for_exit(&mut first).await;
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");
    // The class talks for a while (more than one page of history), and Discord forgets
    // the post's nonce.
    for n in 0..250 {
        fake.post_as(STUDENT_ID, CHANNEL_A, &format!("message {n}"));
    }
    fake.set_nonce_window(Duration::ZERO);

    let second = bot(data.path(), &fake, "2026-03-02T08:03:00Z", None);
    wait_for_sent(data.path(), "2026-03-02T08:03:30Z").await;
    stop(second);
    assert_eq!(
        posts_to_channel(&fake),
        1,
        "found three pages back, not sent again"
    );
}
