//! The Discord bot end to end: the real serenity/poise client built by
//! `paperclub::discord::build_client`, against a fake Discord on 127.0.0.1 (no token, no
//! network). Each test spawns its own fake and bot, so they run in parallel.

mod support;

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use support::bot::{config_for, spawn_bot, spawn_bot_on, spawn_bot_with, TestBot, TOKEN};
use support::fake_discord::{FakeDiscord, Recorded};
use support::limits::assert_within_limits;
use support::payloads::{
    self, attachment, focused, opt, opt_int, sub, Invoker, GUILD_A, GUILD_B, INSTRUCTOR_ROLE,
};

const READING_LIST: &[u8] = include_bytes!("fixtures/discord/reading-list.bib");
const MENTIONS: &[u8] = include_bytes!("fixtures/discord/mentions.bib");
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

#[tokio::test]
async fn commands_are_registered_in_the_dev_guild_with_their_options() {
    let bot = spawn_bot().await;
    let put = bot.fake.expect("registration", |r| r.method == "PUT").await;
    assert_eq!(
        put.path,
        format!(
            "/api/v10/applications/{}/guilds/{GUILD_A}/commands",
            payloads::APP_ID
        )
    );
    assert_eq!(put.authorization.as_deref(), Some(&*format!("Bot {TOKEN}")));
    let registered = put.json();
    let mut names: Vec<&str> = registered
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["cite", "help", "import", "paper", "tags"]);

    let paper = command(registered, "paper");
    let search = option(paper, "search");
    assert_eq!(search["type"], 1);
    assert_eq!(option(search, "query")["required"], true);
    assert_eq!(option(search, "tag")["autocomplete"], true);
    assert_eq!(option(search, "limit")["type"], 4);
    assert_eq!(option(option(paper, "tag"), "tag")["autocomplete"], true);
    assert_eq!(option(option(paper, "show"), "paper")["autocomplete"], true);

    let cite = command(registered, "cite");
    assert_eq!(option(cite, "paper")["autocomplete"], true);
    assert_eq!(option(cite, "tag")["autocomplete"], true);
    let formats: Vec<&str> = option(cite, "format")["choices"]
        .as_array()
        .expect("format choices")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        formats,
        ["bibtex", "biblatex", "apa", "mla", "chicago", "ieee", "markdown"]
    );
    assert_eq!(option(cite, "papers")["type"], 3);

    let import = command(registered, "import");
    assert_eq!(import["default_member_permissions"], "32", "Manage Server");
    assert_eq!(option(import, "file")["type"], 11);

    // Discord refuses a command or option without a description.
    fn all_described(v: &Value) {
        let d = v["description"].as_str().unwrap_or_default();
        assert!(
            (1..=100).contains(&d.chars().count()),
            "description of {}",
            v["name"]
        );
        for o in v["options"].as_array().into_iter().flatten() {
            all_described(o);
        }
    }
    registered
        .as_array()
        .into_iter()
        .flatten()
        .for_each(all_described);
}

#[tokio::test]
async fn commands_are_registered_globally_without_a_dev_guild() {
    let catalog = paperclub::catalog::Catalog::open_in_memory()
        .await
        .expect("catalog");
    let bot = spawn_bot_with(Arc::new(catalog), |c| c.dev_guild = None).await;
    let put = bot.fake.expect("registration", |r| r.method == "PUT").await;
    assert_eq!(
        put.path,
        format!("/api/v10/applications/{}/commands", payloads::APP_ID)
    );
}

#[tokio::test]
async fn the_bot_identifies_with_the_guilds_intent_only_and_its_token() {
    let bot = spawn_bot().await;
    let identify = bot.fake.expect_gateway("identify", |f| f["op"] == 2).await;
    assert_eq!(
        identify["d"]["intents"], 1,
        "GUILDS only, nothing privileged"
    );
    assert_eq!(identify["d"]["token"], format!("Bot {TOKEN}"));
    let gateway = bot
        .fake
        .expect("GET /gateway", |r| r.path == "/api/v10/gateway")
        .await;
    assert_eq!(
        gateway.authorization.as_deref(),
        Some(&*format!("Bot {TOKEN}"))
    );
}

#[tokio::test]
async fn help_is_answered_with_a_message() {
    let bot = spawn_bot().await;
    let reply = bot
        .slash(&Invoker::student(GUILD_A), "help", json!([]))
        .await;
    assert_eq!(reply.json()["type"], 4);
    let text = format!("{} {}", content(&reply), reply.message()["embeds"]);
    assert!(text.contains("/paper search"), "{}", reply.json());
}

#[tokio::test]
async fn help_is_answered_in_a_direct_message_too() {
    let bot = spawn_bot().await;
    let mut dm = Invoker::student(GUILD_A);
    dm.guild_id = None;
    let reply = bot.slash(&dm, "help", json!([])).await;
    assert_eq!(reply.json()["type"], 4);
}

#[tokio::test]
async fn paper_search_returns_an_embed_with_the_linked_title() {
    let bot = bot_with_reading_list().await;
    let options = json!([sub("search", json!([opt("query", "compute optimal")]))]);
    let reply = bot
        .slash(&Invoker::student(GUILD_A), "paper", options)
        .await;
    assert_eq!(reply.json()["type"], 4);
    let embeds = reply.message()["embeds"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let card = embeds
        .iter()
        .find(|e| e["title"] == "Training Compute-Optimal Large Language Models")
        .unwrap_or_else(|| panic!("no embed for the paper in {}", reply.json()));
    assert!(card["url"]
        .as_str()
        .unwrap_or_default()
        .contains("2203.15556"));
}

#[tokio::test]
async fn tag_autocomplete_answers_with_at_most_25_short_choices() {
    let bot = spawn_bot().await;
    let options = json!([sub("tag", json!([focused("tag", "s")]))]);
    let reply = bot
        .autocomplete(&Invoker::student(GUILD_A), "paper", options)
        .await;
    assert_eq!(reply.json()["type"], 8);
    assert!(reply.json()["data"]["choices"].is_array());
}

#[tokio::test]
async fn paper_autocomplete_answers_with_at_most_25_short_choices() {
    let bot = spawn_bot().await;
    let options = json!([focused("paper", "att"), opt("format", "apa")]);
    let reply = bot
        .autocomplete(&Invoker::student(GUILD_A), "cite", options)
        .await;
    assert_eq!(reply.json()["type"], 8);
    assert!(reply.json()["data"]["choices"].is_array());
}

#[tokio::test]
async fn tag_autocomplete_offers_the_catalog_tags_capped_at_25() {
    let bot = bot_with_reading_list().await;
    let many_tags: String = (0..40)
        .map(|i| format!("@misc{{t{i},\n  title = {{Paper {i}}},\n  year = {{2020}},\n  keywords = {{scaling-topic-{i:02}}}\n}}\n\n"))
        .collect();
    bot.import(0, "tags.bib", many_tags.as_bytes()).await;
    let options = json!([sub("tag", json!([focused("tag", "scal")]))]);
    let reply = bot
        .autocomplete(&Invoker::student(GUILD_A), "paper", options)
        .await;
    let choices = reply.json()["data"]["choices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(choices.len(), 25, "{}", reply.json());
    let names: Vec<&str> = choices.iter().filter_map(|c| c["value"].as_str()).collect();
    assert!(names.iter().any(|n| n.contains("scaling")), "{names:?}");
}

#[tokio::test]
async fn paper_autocomplete_offers_titles_with_keys_as_values() {
    let bot = bot_with_reading_list().await;
    let options = json!([focused("paper", "attention")]);
    let reply = bot
        .autocomplete(&Invoker::student(GUILD_A), "cite", options)
        .await;
    let choices = reply.json()["data"]["choices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        choices.iter().any(|c| c["value"] == "vaswani2017attention"),
        "{}",
        reply.json()
    );
}

#[tokio::test]
async fn cite_of_one_paper_answers_with_bibtex_in_a_code_block() {
    let bot = bot_with_reading_list().await;
    let reply = bot
        .slash(
            &Invoker::student(GUILD_A),
            "cite",
            json!([opt("paper", "kaplan2020scaling")]),
        )
        .await;
    assert_eq!(reply.json()["type"], 4);
    let text = content(&reply);
    assert!(text.contains("```"), "{text}");
    assert!(text.contains("@article{kaplan2020scaling"), "{text}");
}

#[tokio::test]
async fn cite_of_several_papers_is_deferred_then_attached_as_a_bib_file() {
    let bot = bot_with_reading_list().await;
    let options = json!([opt("papers", "kaplan2020scaling hoffmann2022training")]);
    let id = bot.send_slash(&Invoker::student(GUILD_A), "cite", options);
    assert_eq!(bot.answer(id).await.json()["type"], 5, "deferred first");
    let follow_up = bot.follow_up(id).await;
    let files = follow_up.files();
    assert_eq!(files.len(), 1, "{}", bot.fake.dump());
    assert!(files[0].filename.ends_with(".bib"));
    let bib = String::from_utf8_lossy(&files[0].bytes);
    assert!(bib.contains("kaplan2020scaling") && bib.contains("hoffmann2022training"));
}

#[tokio::test]
async fn import_by_a_student_is_refused_ephemerally_and_imports_nothing() {
    let bot = spawn_bot().await;
    let url = bot.fake.serve_file("list.bib", READING_LIST);
    let (option, resolved) = attachment(
        "file",
        bot.fake.next_id(),
        "list.bib",
        READING_LIST.len(),
        &url,
    );
    let (id, _) = bot.send_slash_resolved(
        &Invoker::student(GUILD_A),
        "import",
        json!([option]),
        Some(resolved),
    );
    let reply = bot.answer(id).await;
    assert_eq!(reply.json()["type"], 4);
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(
        content(&reply).contains("instructor"),
        "{}",
        content(&reply)
    );
    assert!(content(&reply).chars().count() < 200, "refusals are short");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !bot.fake
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/files/")),
        "the file must not even be downloaded"
    );
    let scope = paperclub::model::Scope(GUILD_A);
    let found = bot
        .catalog
        .search(scope, "scaling", &[], None, 10)
        .await
        .expect("search");
    assert!(found.is_empty());
}

async fn import_as(bot: &TestBot, who: &Invoker) -> u64 {
    let url = bot.fake.serve_file("list.bib", READING_LIST);
    let (option, resolved) = attachment(
        "file",
        bot.fake.next_id(),
        "list.bib",
        READING_LIST.len(),
        &url,
    );
    bot.send_slash_resolved(who, "import", json!([option]), Some(resolved))
        .0
}

#[tokio::test]
async fn import_by_an_instructor_is_deferred_downloaded_and_reported() {
    let bot = spawn_bot().await;
    let id = import_as(&bot, &Invoker::instructor(GUILD_A)).await;
    let deferral = bot.answer(id).await;
    assert_eq!(deferral.json()["type"], 5);
    assert_eq!(
        flags(&deferral) & EPHEMERAL,
        EPHEMERAL,
        "the report is for the instructor"
    );
    bot.fake
        .expect("the download", |r| r.path == "/files/list.bib")
        .await;
    let report = bot.follow_up(id).await;
    assert!(!content(&report).is_empty() || !embed_titles(&report).is_empty());
}

#[tokio::test]
async fn import_by_a_member_with_the_instructor_role_is_allowed() {
    let bot = spawn_bot().await;
    let mut ta = Invoker::student(GUILD_A);
    ta.roles = vec![INSTRUCTOR_ROLE];
    let id = import_as(&bot, &ta).await;
    assert_eq!(bot.answer(id).await.json()["type"], 5);
    bot.follow_up(id).await;
}

#[tokio::test]
async fn an_instructor_import_makes_the_papers_searchable_in_that_guild() {
    let bot = spawn_bot().await;
    let id = import_as(&bot, &Invoker::instructor(GUILD_A)).await;
    bot.follow_up(id).await;
    let scope = paperclub::model::Scope(GUILD_A);
    let found = bot
        .catalog
        .search(scope, "attention", &[], None, 10)
        .await
        .expect("search");
    assert!(found.iter().any(|r| r.paper.key == "vaswani2017attention"));
}

#[tokio::test]
async fn an_oversized_attachment_is_refused_without_downloading_it() {
    let bot = spawn_bot().await;
    let url = bot.fake.serve_file("huge.bib", b"@misc{x}");
    let (option, resolved) = attachment(
        "file",
        bot.fake.next_id(),
        "huge.bib",
        50 * 1024 * 1024,
        &url,
    );
    let (id, _) = bot.send_slash_resolved(
        &Invoker::instructor(GUILD_A),
        "import",
        json!([option]),
        Some(resolved),
    );
    assert_eq!(bot.answer(id).await.json()["type"], 5);
    let reply = bot.follow_up(id).await;
    assert!(content(&reply).contains("5 MB"), "{}", content(&reply));
    assert!(!bot
        .fake
        .requests()
        .iter()
        .any(|r| r.path.starts_with("/files/")));
}

#[tokio::test]
async fn an_unreadable_option_gets_a_short_ephemeral_error() {
    let bot = spawn_bot().await;
    let options = json!([sub(
        "search",
        json!([opt("query", "x"), opt("limit", "lots")])
    )]);
    let reply = bot
        .slash(&Invoker::student(GUILD_A), "paper", options)
        .await;
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(
        !content(&reply).contains("Error"),
        "no internal error text: {}",
        content(&reply)
    );
}

#[tokio::test]
async fn mentions_in_a_reading_list_cannot_ping_anyone() {
    let bot = spawn_bot().await;
    bot.import(0, "mentions.bib", MENTIONS).await;
    let options = json!([sub("search", json!([opt("query", "considered harmful")]))]);
    let reply = bot
        .slash(&Invoker::student(GUILD_A), "paper", options)
        .await;
    let message = reply.message();
    assert_eq!(message["allowed_mentions"]["parse"], json!([]));
    assert!(
        embed_titles(&reply).iter().any(|t| t.contains("@everyone")),
        "{}",
        reply.json()
    );
}

#[tokio::test]
async fn every_reply_stays_within_discord_limits_for_oversized_papers() {
    let bot = spawn_bot().await;
    let abstract_text = "An abstract that never ends. ".repeat(400);
    let title = format!("Oversized {}", "Title ".repeat(80));
    let tags: Vec<String> = (0..60).map(|i| format!("tag-{i}")).collect();
    let entries: String = (0..30)
        .map(|i| format!(
            "@article{{big{i},\n  title = {{{title} {i}}},\n  author = {{{}}},\n  year = {{2021}},\n  keywords = {{{}}},\n  abstract = {{{abstract_text}}}\n}}\n\n",
            (0..80).map(|a| format!("Author{a}, A.")).collect::<Vec<_>>().join(" and "),
            tags.join(", ")
        ))
        .collect();
    bot.import(0, "big.bib", entries.as_bytes()).await;
    let student = Invoker::student(GUILD_A);
    bot.slash(
        &student,
        "paper",
        json!([sub(
            "search",
            json!([opt("query", "oversized"), opt_int("limit", 25)])
        )]),
    )
    .await;
    bot.slash(
        &student,
        "paper",
        json!([sub("tag", json!([opt("tag", "tag-1")]))]),
    )
    .await;
    bot.slash(
        &student,
        "paper",
        json!([sub("show", json!([opt("paper", "big1")]))]),
    )
    .await;
    bot.slash(&student, "tags", json!([])).await;
    bot.slash(
        &student,
        "cite",
        json!([opt("paper", "big2"), opt("format", "apa")]),
    )
    .await;
    bot.autocomplete(&student, "cite", json!([focused("paper", "over")]))
        .await;
    for r in bot.fake.requests() {
        if r.path.contains("/interactions/") || r.path.contains("/webhooks/") {
            assert_within_limits(&r);
        }
    }
}

#[tokio::test]
async fn a_page_button_updates_the_message_with_the_next_page() {
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
    let next = next_button(&first);
    let message = payloads::message(1, payloads::CHANNEL_A, first.message());
    let update = bot.press(&student, &next, message).await;
    assert_eq!(update.json()["type"], 7, "an update of the same message");
    assert_ne!(embed_titles(&update), embed_titles(&first), "another page");
}

#[tokio::test]
async fn only_the_person_who_ran_the_command_may_turn_its_pages() {
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
    let message = payloads::message(1, payloads::CHANNEL_A, first.message());
    let other = Invoker::student(GUILD_A).with_user(400_000_000_000_000_777);
    let reply = bot.press(&other, &next_button(&first), message).await;
    assert_eq!(reply.json()["type"], 4);
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
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

#[tokio::test]
async fn the_bot_resumes_after_the_gateway_drops_and_still_answers() {
    let bot = spawn_bot().await;
    bot.fake.drop_gateway();
    let resume = bot.fake.expect_gateway("a RESUME", |f| f["op"] == 6).await;
    assert_eq!(resume["d"]["session_id"], "fake-session");
    bot.fake.expect_sent("RESUMED", 1).await;
    let reply = bot
        .slash(&Invoker::student(GUILD_A), "help", json!([]))
        .await;
    assert_eq!(reply.json()["type"], 4);
    let identifies = bot
        .fake
        .gateway_in()
        .iter()
        .filter(|f| f["op"] == 2)
        .count();
    assert_eq!(identifies, 1, "resumed, not re-identified");
}

#[tokio::test]
async fn heartbeats_are_acknowledged_so_the_connection_stays_up() {
    let fake = FakeDiscord::start(&[GUILD_A]).await;
    fake.set_heartbeat_interval(Duration::from_millis(200));
    let catalog = Arc::new(
        paperclub::catalog::Catalog::open_in_memory()
            .await
            .expect("catalog"),
    );
    let bot = spawn_bot_on(fake, catalog, |_| {}).await;
    bot.fake
        .wait_for("three heartbeats", |log| {
            (log.gateway_in.iter().filter(|f| f["op"] == 1).count() >= 3).then_some(())
        })
        .await;
    let acks = bot
        .fake
        .gateway_out()
        .iter()
        .filter(|f| f["op"] == 11)
        .count();
    assert!(acks >= 3);
    bot.fake
        .wait_for("one connection only", |log| {
            (log.connections == 1).then_some(())
        })
        .await;
    let reply = bot
        .slash(&Invoker::student(GUILD_A), "help", json!([]))
        .await;
    assert_eq!(reply.json()["type"], 4);
}

#[tokio::test]
async fn guild_b_does_not_see_a_paper_imported_in_guild_a() {
    let bot = spawn_bot().await;
    bot.import(GUILD_A, "mentions.bib", MENTIONS).await;
    let search = || json!([sub("search", json!([opt("query", "considered harmful")]))]);
    let in_a = bot
        .slash(&Invoker::student(GUILD_A), "paper", search())
        .await;
    assert!(embed_titles(&in_a)
        .iter()
        .any(|t| t.contains("considered harmful")));
    let in_b = bot
        .slash(&Invoker::student(GUILD_B), "paper", search())
        .await;
    assert!(!embed_titles(&in_b)
        .iter()
        .any(|t| t.contains("considered harmful")));
    let show = json!([sub("show", json!([opt("paper", "mallory2024everyone")]))]);
    let shown_in_b = bot.slash(&Invoker::student(GUILD_B), "paper", show).await;
    assert!(!embed_titles(&shown_in_b)
        .iter()
        .any(|t| t.contains("considered harmful")));
}

#[tokio::test]
async fn shutdown_finishes_interactions_in_flight_turns_new_ones_away_and_closes_the_gateway() {
    let fake = FakeDiscord::start(&[GUILD_A]).await;
    let catalog = Arc::new(
        paperclub::catalog::Catalog::open_in_memory()
            .await
            .expect("catalog"),
    );
    let config = config_for(&fake);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        paperclub::discord::run(&config, catalog, async {
            let _ = stopped.await;
        })
        .await
    });
    fake.expect("registration", |r| r.method == "PUT").await;

    let url = fake.serve_slow_file("slow.bib", READING_LIST, Duration::from_millis(700));
    let (option, resolved) =
        attachment("file", fake.next_id(), "slow.bib", READING_LIST.len(), &url);
    let slow = fake.next_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        payloads::slash(
            slow,
            &Invoker::instructor(GUILD_A),
            "import",
            json!([option]),
            Some(resolved),
        ),
    );
    fake.callback(slow).await;
    stop.send(()).expect("run is listening");
    tokio::time::sleep(Duration::from_millis(100)).await;

    let late = fake.next_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        payloads::slash(late, &Invoker::student(GUILD_A), "help", json!([]), None),
    );
    let turned_away = fake.callback(late).await;
    assert_eq!(flags(&turned_away) & EPHEMERAL, EPHEMERAL);
    assert!(content(&turned_away).contains("restarting"));

    let result = tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("run returns after shutdown")
        .expect("run task");
    assert!(result.is_ok(), "{result:?}");
    let follow_up_token = format!("token-{slow}");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path.contains("/webhooks/") && r.path.contains(&follow_up_token)),
        "the import in flight finished before the gateway closed\n{}",
        fake.dump()
    );
    fake.wait_for("the bot's close frame", |log| {
        (log.closed_by_bot > 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_missing_token_is_a_clear_error_not_a_panic() {
    let fake = FakeDiscord::start(&[GUILD_A]).await;
    let mut config = config_for(&fake);
    config.token = None;
    let catalog = Arc::new(
        paperclub::catalog::Catalog::open_in_memory()
            .await
            .expect("catalog"),
    );
    let error = paperclub::discord::build_client(&config, catalog)
        .await
        .err()
        .expect("an error");
    assert!(error.to_string().contains("DISCORD_TOKEN"));
}

mod payloads_deserialize_as_serenity_types {
    use super::*;
    use serenity::all::{CurrentApplicationInfo, Event, GatewayEvent, Interaction, Message};

    fn event(frame: &Value) -> Event {
        match serde_json::from_value::<GatewayEvent>(frame.clone()) {
            Ok(GatewayEvent::Dispatch(_, event)) => event,
            other => panic!("{frame} is not a dispatch: {other:?}"),
        }
    }

    #[tokio::test]
    async fn every_gateway_frame_the_fake_sent_is_the_event_it_means_to_be() {
        let bot = spawn_bot().await;
        let student = Invoker::student(GUILD_A);
        bot.slash(&student, "help", json!([])).await;
        bot.autocomplete(&student, "cite", json!([focused("paper", "a")]))
            .await;
        let message = payloads::message(1, payloads::CHANNEL_A, &json!({"content": "x"}));
        bot.press(&student, "page:1:1:next", message).await;
        let url = bot.fake.serve_file("l.bib", READING_LIST);
        let (option, resolved) = attachment("file", bot.fake.next_id(), "l.bib", 10, &url);
        let (id, _) = bot.send_slash_resolved(&student, "import", json!([option]), Some(resolved));
        bot.answer(id).await;
        bot.fake.drop_gateway();
        bot.fake.expect_sent("RESUMED", 1).await;

        let frames = bot.fake.gateway_out();
        let mut seen = std::collections::BTreeSet::new();
        for frame in &frames {
            let parsed: GatewayEvent = serde_json::from_value(frame.clone())
                .unwrap_or_else(|e| panic!("{frame} does not parse: {e}"));
            let GatewayEvent::Dispatch(_, event) = parsed else {
                continue;
            };
            let kind = frame["t"].as_str().expect("t");
            seen.insert(kind.to_string());
            match (kind, event) {
                ("READY", Event::Ready(ready)) => {
                    assert_eq!(ready.ready.application.id.get(), payloads::APP_ID);
                    assert_eq!(ready.ready.guilds.len(), 2);
                }
                ("GUILD_CREATE", Event::GuildCreate(g)) => {
                    assert_eq!(g.guild.channels.len(), 1, "a channel was dropped: {frame}");
                }
                ("RESUMED", Event::Resumed(_)) => {}
                ("INTERACTION_CREATE", Event::InteractionCreate(i)) => {
                    let expected = frame["d"]["type"].as_u64();
                    match (&i.interaction, expected) {
                        (Interaction::Command(c), Some(2)) => {
                            assert!(c.member.as_ref().is_some_and(|m| m.permissions.is_some()));
                        }
                        (Interaction::Autocomplete(_), Some(4)) => {}
                        (Interaction::Component(_), Some(3)) => {}
                        (other, _) => panic!("{frame} became {other:?}"),
                    }
                }
                (kind, event) => panic!("{kind} became {event:?}"),
            }
        }
        for kind in ["READY", "GUILD_CREATE", "INTERACTION_CREATE", "RESUMED"] {
            assert!(seen.contains(kind), "the fake never sent {kind}");
        }
        let import = frames
            .iter()
            .find(|f| f["d"]["data"]["name"] == "import")
            .expect("import sent");
        let Event::InteractionCreate(i) = event(import) else {
            unreachable!()
        };
        let Interaction::Command(c) = i.interaction else {
            panic!("not a command")
        };
        assert_eq!(
            c.data.resolved.attachments.len(),
            1,
            "the attachment resolves"
        );
    }

    #[test]
    fn rest_answers_are_the_types_serenity_expects() {
        let message = payloads::message(
            5,
            payloads::CHANNEL_A,
            &json!({"content": "hi", "embeds": []}),
        );
        let message: Message = serde_json::from_value(message).expect("Message");
        assert_eq!(message.content, "hi");
        let app: CurrentApplicationInfo =
            serde_json::from_value(payloads::application_info()).expect("CurrentApplicationInfo");
        assert_eq!(app.id.get(), payloads::APP_ID);
        let _: serenity::all::BotGateway =
            serde_json::from_value(payloads::gateway_bot("ws://127.0.0.1:1")).expect("BotGateway");
        let guild: serenity::all::Guild =
            serde_json::from_value(payloads::guild(GUILD_A)).expect("Guild");
        assert_eq!(guild.channels.len(), 1);
    }
}
