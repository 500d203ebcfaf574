//! `/recommend` and the "More like this" button on paper cards, through the fake Discord.

use super::*;

/// A paper only guild B imported, tagged like the reading list's scaling papers.
const GUILD_B_ONLY: &[u8] = b"@article{secret2023scaling,
  title = {Secret Scaling Laws of Guild B},
  author = {Hidden, Hilda},
  journal = {Internal},
  year = {2023},
  keywords = {scaling-laws},
  abstract = {Scaling laws for neural language models: loss, compute, power-law.}
}
";

/// The bot with the reading list and the recommender's snapshot built, as the bot builds
/// it at start.
async fn ready_bot() -> TestBot {
    let bot = bot_with_reading_list().await;
    let app = &bot.app;
    app.recommender
        .snapshot(app.catalog.pool())
        .await
        .expect("snapshot");
    bot
}

fn descriptions(reply: &Recorded) -> String {
    reply.message()["embeds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["description"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn buttons(reply: &Recorded) -> Vec<String> {
    reply.message()["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

/// Shows `paper`'s card to `who`; the card and its More like this button's `custom_id`.
async fn card_with_more(bot: &TestBot, who: &Invoker, paper: &str) -> (Recorded, String) {
    let card = bot
        .slash(
            who,
            "paper",
            json!([sub("show", json!([opt("paper", paper)]))]),
        )
        .await;
    let more = buttons(&card)
        .into_iter()
        .find(|id| id.starts_with("more:"))
        .unwrap_or_else(|| panic!("no More like this button in {}", card.json()));
    (card, more)
}

#[tokio::test]
async fn recommend_from_a_paper_suggests_related_ones_with_a_reason_and_never_the_seed() {
    let bot = ready_bot().await;
    let reply = bot
        .slash(
            &Invoker::student(GUILD_A),
            "recommend",
            json!([opt("paper", "kaplan2020scaling")]),
        )
        .await;
    assert_eq!(reply.json()["type"], 4);
    let text = descriptions(&reply);
    let first = text.lines().next().unwrap_or_default();
    assert!(first.contains("Training Compute-Optimal"), "{text}");
    assert!(text.contains("shares `scaling-laws`"), "{text}");
    assert!(!text.contains("Scaling Laws for Neural"), "{text}");
    assert!(content(&reply).contains("Scaling Laws for Neural Language Models"));
    assert_eq!(flags(&reply) & EPHEMERAL, 0, "answered in the channel");
    for r in bot.fake.requests() {
        if r.path.contains("/interactions/") {
            assert_within_limits(&r);
        }
    }
}

#[tokio::test]
async fn recommend_never_shows_another_guilds_papers() {
    let bot = ready_bot().await;
    bot.import(GUILD_B, "guild-b.bib", GUILD_B_ONLY).await;
    let in_a = bot
        .slash(
            &Invoker::student(GUILD_A),
            "recommend",
            json!([opt("paper", "kaplan2020scaling"), opt_int("limit", 20)]),
        )
        .await;
    assert!(!descriptions(&in_a).contains("Secret"), "{}", in_a.json());
    let in_b = bot
        .slash(
            &Invoker::student(GUILD_B),
            "recommend",
            json!([opt("paper", "kaplan2020scaling")]),
        )
        .await;
    assert!(
        descriptions(&in_b).contains("Secret Scaling Laws"),
        "{}",
        in_b.json()
    );
}

#[tokio::test]
async fn recommend_without_an_input_says_what_to_give() {
    let bot = ready_bot().await;
    let reply = bot
        .slash(&Invoker::student(GUILD_A), "recommend", json!([]))
        .await;
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(content(&reply).contains("paper:"), "{}", reply.json());
}

#[tokio::test]
async fn recommend_for_me_says_what_it_counts() {
    let bot = ready_bot().await;
    let reply = bot
        .slash(
            &Invoker::student(GUILD_A),
            "recommend",
            json!([opt_int("for", 0)]),
        )
        .await;
    assert!(
        content(&reply).contains("the papers you marked read"),
        "{}",
        reply.json()
    );
}

#[tokio::test]
async fn a_paper_card_has_a_more_like_this_button_that_answers_the_presser() {
    let bot = ready_bot().await;
    let student = Invoker::student(GUILD_A);
    let (card, more) = card_with_more(&bot, &student, "kaplan2020scaling").await;
    let message = payloads::message(1, payloads::CHANNEL_A, card.message());
    let other = Invoker::student(GUILD_A).with_user(400_000_000_000_000_777);
    let reply = bot.press(&other, &more, message).await;
    assert_eq!(
        reply.json()["type"],
        4,
        "a new message, not an update of the card"
    );
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(
        descriptions(&reply).contains("Training Compute-Optimal"),
        "{}",
        reply.json()
    );
}

#[tokio::test]
async fn a_more_like_this_button_pressed_in_another_guild_shows_nothing_of_the_paper() {
    let bot = ready_bot().await;
    bot.import(GUILD_B, "guild-b.bib", GUILD_B_ONLY).await;
    let (card, more) = card_with_more(&bot, &Invoker::student(GUILD_B), "secret2023scaling").await;
    // The same button pressed in guild A: that paper is not A's to see.
    let message = payloads::message(1, payloads::CHANNEL_A, card.message());
    let reply = bot.press(&Invoker::student(GUILD_A), &more, message).await;
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(!descriptions(&reply).contains("Secret"), "{}", reply.json());
    assert!(
        content(&reply).contains("not in this server"),
        "{}",
        reply.json()
    );
}

#[tokio::test]
async fn recommend_before_the_first_snapshot_is_deferred_then_answered() {
    let bot = bot_with_reading_list().await;
    let id = bot.send_slash(
        &Invoker::student(GUILD_A),
        "recommend",
        json!([opt("paper", "kaplan2020scaling")]),
    );
    // Building the snapshot of a large catalog takes longer than Discord's three seconds.
    assert_eq!(bot.answer(id).await.json()["type"], 5);
    let answer = bot.follow_up(id).await;
    assert!(
        descriptions(&answer).contains("Training Compute-Optimal"),
        "{}",
        answer.json()
    );
}

#[tokio::test]
async fn more_like_this_before_the_first_snapshot_is_deferred_privately_then_answered() {
    let bot = bot_with_reading_list().await;
    let student = Invoker::student(GUILD_A);
    let (card, more) = card_with_more(&bot, &student, "kaplan2020scaling").await;
    assert!(!bot.app.recommender.is_ready(), "no snapshot built yet");
    let message = payloads::message(1, payloads::CHANNEL_A, card.message());
    let id = bot.send_press(&student, &more, message);
    // Building the snapshot of a large catalog takes longer than Discord's three seconds.
    let thinking = bot.answer(id).await;
    assert_eq!(thinking.json()["type"], 5, "{}", thinking.json());
    assert_eq!(
        flags(&thinking) & EPHEMERAL,
        EPHEMERAL,
        "thinking privately"
    );
    let answer = bot.follow_up(id).await;
    assert_eq!(answer.method, "PATCH", "fills in the thinking message");
    assert!(
        answer.path.ends_with("/messages/@original"),
        "{}",
        answer.path
    );
    assert!(
        descriptions(&answer).contains("Training Compute-Optimal"),
        "{}",
        answer.json()
    );
    let token = format!("token-{id}");
    let for_press: Vec<Recorded> = bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path.contains(&token))
        .collect();
    assert_eq!(for_press.len(), 2, "one deferral, one edit: {for_press:?}");
    assert!(
        for_press.iter().all(Recorded::accepted),
        "{}",
        bot.fake.dump()
    );
}

/// Gives every paper a hand-made embedding vector, as `paperclub embed` would store them:
/// papers whose title starts with one of `like_the_seed` get the seed's own direction,
/// the seed (`seed_title`) too, and every other paper an axis of its own.
async fn store_vectors(bot: &TestBot, seed_title: &str, like_the_seed: &[&str]) {
    use paperclub::store;
    let pool = bot.app.catalog.pool();
    let mut conn = pool.acquire().await.expect("connection");
    let papers = store::recommend::papers(&mut conn).await.expect("papers");
    let dim = papers.len() + 1;
    let rows: Vec<(i64, i64, Vec<u8>)> = papers
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut v = vec![0.0f32; dim];
            let same = p.title.starts_with(seed_title)
                || like_the_seed.iter().any(|t| p.title.starts_with(t));
            v[if same { 0 } else { i + 1 }] = 1.0;
            (p.id, 0, paperclub::embed::to_blob(&v))
        })
        .collect();
    drop(conn);
    let mut tx = pool.begin().await.expect("transaction");
    store::embeddings::put(&mut tx, "hand-made", &rows)
        .await
        .expect("vectors");
    store::changes::append(&mut tx, &[]).await.expect("change");
    tx.commit().await.expect("commit");
    bot.app.recommender.snapshot(pool).await.expect("snapshot");
}

#[tokio::test]
async fn a_paper_close_in_meaning_is_suggested_with_that_reason_only_where_it_is_seen() {
    let bot = bot_with_reading_list().await;
    bot.import(GUILD_B, "guild-b.bib", GUILD_B_ONLY).await;
    store_vectors(
        &bot,
        "Scaling Laws for Neural",
        &["Attention Is All You Need", "Secret Scaling Laws"],
    )
    .await;
    let reply = bot
        .slash(
            &Invoker::student(GUILD_A),
            "recommend",
            json!([opt("paper", "kaplan2020scaling")]),
        )
        .await;
    let text = descriptions(&reply);
    let attention = text
        .split("Attention Is All You Need")
        .nth(1)
        .unwrap_or_else(|| panic!("the paper close in meaning is missing: {text}"));
    let its_why = attention.lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(its_why.contains("close in meaning"), "{text}");
    assert!(
        !text.contains("Secret"),
        "guild B's paper stays guild B's: {text}"
    );
}
