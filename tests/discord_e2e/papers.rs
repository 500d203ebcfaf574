//! Reading the catalog: help, search, autocomplete, cite, limits, mentions, guild isolation.

use super::*;

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
async fn cite_of_a_tag_no_paper_carries_says_which_tag_and_suggests_near_ones() {
    let bot = bot_with_reading_list().await;
    let id = bot.send_slash(
        &Invoker::student(GUILD_A),
        "cite",
        json!([opt("tag", "scaling")]),
    );
    assert_eq!(bot.answer(id).await.json()["type"], 5, "deferred first");
    let follow_up = bot.follow_up(id).await;
    let text = content(&follow_up);
    assert!(
        text.starts_with("No papers are tagged “scaling”. Did you mean `scaling-laws`"),
        "{text}"
    );
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
