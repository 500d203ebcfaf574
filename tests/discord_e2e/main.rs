//! The Discord bot end to end: the real serenity/poise client built by
//! `paperclub::discord::build_client`, against a fake Discord on 127.0.0.1 (no token, no
//! network). Each test spawns its own fake and bot, so they run in parallel.

#[path = "../support/mod.rs"]
mod support;

mod club;
mod course;
mod gateway;
mod import;
mod notes;
mod pages;
mod papers;
mod posting;
mod progress;
mod recommend;
mod registration;
mod slots;
mod teams;
mod transfer;
mod uploads;

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use support::bot::{config_for, spawn_bot, spawn_bot_on, spawn_bot_with, TestBot, TOKEN};
use support::fake_discord::{FakeDiscord, Recorded};
use support::limits::assert_within_limits;
use support::payloads::{
    self, attachment, focused, opt, opt_int, sub, Invoker, GUILD_A, GUILD_B, INSTRUCTOR_ROLE,
};

const READING_LIST: &[u8] = include_bytes!("../fixtures/discord/reading-list.bib");
const MENTIONS: &[u8] = include_bytes!("../fixtures/discord/mentions.bib");
const EPHEMERAL: u64 = 64;

async fn bot_with_reading_list() -> TestBot {
    let bot = spawn_bot().await;
    bot.import(0, "reading-list.bib", READING_LIST).await;
    bot
}

fn flags(reply: &Recorded) -> u64 {
    reply.message()["flags"].as_u64().unwrap_or(0)
}

fn content(reply: &Recorded) -> &str {
    reply.message()["content"].as_str().unwrap_or_default()
}

fn embed_titles(reply: &Recorded) -> Vec<String> {
    reply.message()["embeds"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|e| e["title"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A bibliography of `n` papers sharing the word "synthetic" and one tag.
fn many_papers(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| {
            format!(
                "@article{{synth{i:03},\n  title = {{Synthetic Study Number {i}}},\n  author = {{Author, Ann}},\n  journal = {{Journal}},\n  year = {{2020}},\n  keywords = {{synthetic-tag}}\n}}\n\n"
            )
        })
        .collect::<String>()
        .into_bytes()
}

fn command<'a>(registered: &'a Value, name: &str) -> &'a Value {
    registered
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("command {name} not registered: {registered}"))
}

fn option<'a>(command: &'a Value, name: &str) -> &'a Value {
    command["options"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["name"] == name))
        .unwrap_or_else(|| panic!("option {name} missing: {command}"))
}
