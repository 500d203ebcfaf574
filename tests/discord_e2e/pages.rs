//! Pagination buttons: the next page as an update, only the caller may page, the request
//! behind them kept in SQLite (a restart, another process on the same folder, a week's
//! expiry), and a button pressed in another guild showing nothing of the first.

use super::club::at;
use super::*;
use chrono::Duration as Days;
use paperclub::clock::ManualClock;
use paperclub::state::App;
use support::bot::spawn_app_on;

#[tokio::test]
async fn a_page_button_updates_the_message_with_the_next_page() {
    let (bot, student, first) = first_of_several_pages().await;
    let next = next_button(&first);
    let message = payloads::message(1, payloads::CHANNEL_A, first.message());
    let update = bot.press(&student, &next, message).await;
    assert_eq!(update.json()["type"], 7, "an update of the same message");
    assert_ne!(embed_titles(&update), embed_titles(&first), "another page");
}

#[tokio::test]
async fn only_the_person_who_ran_the_command_may_turn_its_pages() {
    let (bot, _, first) = first_of_several_pages().await;
    let message = payloads::message(1, payloads::CHANNEL_A, first.message());
    let other = Invoker::student(GUILD_A).with_user(400_000_000_000_000_777);
    let reply = bot.press(&other, &next_button(&first), message).await;
    assert_eq!(reply.json()["type"], 4);
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
}

/// A bot with 60 papers and a student's search that matches them all: page 1 of several.
async fn first_of_several_pages() -> (TestBot, Invoker, Recorded) {
    let bot = spawn_bot().await;
    bot.import(0, "many.bib", &many_papers(60)).await;
    let student = Invoker::student(GUILD_A);
    let first = bot
        .slash(
            &student,
            "paper",
            json!([sub("search", json!([opt("query", "synthetic")]))]),
        )
        .await;
    (bot, student, first)
}

fn next_button(reply: &Recorded) -> String {
    reply.message()["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .find(|id| id.ends_with(":next"))
        .unwrap_or_else(|| panic!("no Next button in {}", reply.json()))
}

#[tokio::test]
async fn a_button_for_results_never_stored_says_they_expired() {
    let bot = spawn_bot().await;
    let message = payloads::message(1, payloads::CHANNEL_A, &json!({"content": "old"}));
    let reply = bot
        .press(&Invoker::student(GUILD_A), "page:999:1:next", message)
        .await;
    assert_eq!(reply.json()["type"], 4);
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(content(&reply).contains("expired"));
}

/// The label of the disabled button between Previous and Next: "2 / 3".
fn position(reply: &Recorded) -> String {
    reply.message()["components"][0]["components"][1]["label"]
        .as_str()
        .unwrap_or_else(|| panic!("no page buttons in {}", reply.json()))
        .to_string()
}

/// A bot over the data folder `dir` on `clock`, with its own fake Discord.
async fn bot_over(dir: &std::path::Path, clock: &Arc<ManualClock>) -> TestBot {
    let app = App::open(dir, clock.clone()).await.expect("app");
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    spawn_app_on(fake, app, |_| {}).await
}

async fn search_synthetic(bot: &TestBot, who: &Invoker) -> Recorded {
    bot.slash(
        who,
        "paper",
        json!([sub("search", json!([opt("query", "synthetic")]))]),
    )
    .await
}

#[tokio::test]
async fn next_after_a_bot_restart_shows_page_two_and_a_week_later_the_results_expire() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(ManualClock::new(at("2026-03-02T12:00:00Z")));
    let student = Invoker::student(GUILD_A);
    let first = {
        let bot = bot_over(dir.path(), &clock).await;
        bot.import(GUILD_A, "many.bib", &many_papers(60)).await;
        let first = search_synthetic(&bot, &student).await;
        assert!(position(&first).starts_with("1 / "), "{}", first.json());
        bot.shutdown().await;
        bot.app.catalog.close().await;
        first
    };

    // A new process over the same folder: nothing of the first bot's memory is left.
    let bot = bot_over(dir.path(), &clock).await;
    let message = payloads::message(1, payloads::CHANNEL_A, first.message());
    let second = bot.press(&student, &next_button(&first), message).await;
    assert_eq!(second.json()["type"], 7, "an update: {}", second.json());
    assert!(position(&second).starts_with("2 / "), "{}", second.json());
    let (one, two) = (embed_titles(&first), embed_titles(&second));
    assert!(
        !two.is_empty() && one != two,
        "page 1 {one:?}, page 2 {two:?}"
    );
    assert!(serde_json::to_string(second.message())
        .expect("json")
        .contains("Synthetic Study Number"));

    clock.advance(Days::days(8));
    let message = payloads::message(1, payloads::CHANNEL_A, second.message());
    let late = bot.press(&student, &next_button(&second), message).await;
    assert_eq!(late.json()["type"], 4);
    assert_eq!(flags(&late) & EPHEMERAL, EPHEMERAL);
    assert!(content(&late).contains("expired"), "{}", late.json());
    bot.app.catalog.close().await;
}

#[tokio::test]
async fn another_process_on_the_same_folder_answers_the_press() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(ManualClock::new(at("2026-03-02T12:00:00Z")));
    let student = Invoker::student(GUILD_A);
    let one = bot_over(dir.path(), &clock).await;
    one.import(GUILD_A, "many.bib", &many_papers(60)).await;
    let first = search_synthetic(&one, &student).await;
    let other = bot_over(dir.path(), &clock).await;
    let message = payloads::message(1, payloads::CHANNEL_A, first.message());
    let second = other.press(&student, &next_button(&first), message).await;
    assert_eq!(second.json()["type"], 7, "an update: {}", second.json());
    assert!(position(&second).starts_with("2 / "), "{}", second.json());
    other.app.catalog.close().await;
    one.app.catalog.close().await;
}

#[tokio::test]
async fn a_page_button_from_guild_a_pressed_in_guild_b_shows_nothing_of_a() {
    let bot = spawn_bot().await;
    bot.import(GUILD_A, "many.bib", &many_papers(60)).await;
    let in_a = Invoker::student(GUILD_A);
    let first = search_synthetic(&bot, &in_a).await;
    assert!(position(&first).starts_with("1 / "), "{}", first.json());
    // The same person, in guild B, with A's button id.
    let in_b = Invoker::student(GUILD_B).with_user(in_a.user_id);
    let message = payloads::message(1, payloads::CHANNEL_A, first.message());
    let reply = bot.press(&in_b, &next_button(&first), message).await;
    assert_eq!(reply.json()["type"], 4, "not an update: {}", reply.json());
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(content(&reply).contains("expired"), "{}", reply.json());
    assert!(embed_titles(&reply).is_empty());
    let shown = serde_json::to_string(reply.message()).expect("json");
    assert!(!shown.contains("Synthetic"), "{shown}");
    assert!(!shown.contains("synthetic"), "A's query leaked: {shown}");
    // The button still works in A.
    let message = payloads::message(1, payloads::CHANNEL_A, first.message());
    let second = bot.press(&in_a, &next_button(&first), message).await;
    assert!(position(&second).starts_with("2 / "), "{}", second.json());
}

#[tokio::test]
async fn while_another_process_holds_the_write_lock_paged_replies_go_out_without_buttons_and_reads_still_answer(
) {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(ManualClock::new(at("2026-03-02T12:00:00Z")));
    let student = Invoker::student(GUILD_A);
    let bot = bot_over(dir.path(), &clock).await;
    bot.import(GUILD_A, "many.bib", &many_papers(60)).await;
    // Another process in the middle of a long write (an import), for longer than Discord
    // waits for an answer and longer than the fake waits for one.
    let mut other = SqliteConnectOptions::new()
        .filename(dir.path().join("paperclub.db"))
        .connect()
        .await
        .expect("another connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("write lock");
    let held = search_synthetic(&bot, &student).await;
    let shown = serde_json::to_string(held.message()).expect("json");
    assert!(shown.contains("Synthetic Study Number"), "{shown}");
    assert!(
        held.message()["components"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "no buttons to a request that is not stored: {shown}"
    );
    // More paged replies while the lock is held: each store still waiting on the lock keeps
    // a pool connection (4 in all), so only two may wait at once; reads must still answer.
    for _ in 0..4 {
        let again = search_synthetic(&bot, &student).await;
        let shown = serde_json::to_string(again.message()).expect("json");
        assert!(shown.contains("Synthetic Study Number"), "{shown}");
    }
    let card = bot
        .slash(
            &student,
            "paper",
            json!([sub("show", json!([opt("paper", "synth007")]))]),
        )
        .await;
    let shown = serde_json::to_string(card.message()).expect("json");
    assert!(shown.contains("Synthetic Study Number 7"), "{shown}");
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("rollback");
    other.close().await.expect("close");
    let free = search_synthetic(&bot, &student).await;
    assert!(position(&free).starts_with("1 / "), "{}", free.json());
    bot.app.catalog.close().await;
}
