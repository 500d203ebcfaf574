//! Pagination buttons: the next page as an update, only the caller may page, expiry.

use super::*;

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
async fn a_button_from_before_a_restart_says_the_results_expired() {
    let bot = spawn_bot().await;
    let message = payloads::message(1, payloads::CHANNEL_A, &json!({"content": "old"}));
    let reply = bot
        .press(&Invoker::student(GUILD_A), "page:999:1:next", message)
        .await;
    assert_eq!(reply.json()["type"], 4);
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(content(&reply).contains("expired"));
}
