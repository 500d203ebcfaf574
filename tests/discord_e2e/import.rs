//! `/import file|list|remove`: who may, deferral, download, size cap, what it changes, and
//! uploads kept as lists of their own.

use super::*;

#[tokio::test]
async fn import_by_a_student_is_refused_ephemerally_and_imports_nothing() {
    let bot = spawn_bot().await;
    let id = import_as(&bot, &Invoker::student(GUILD_A)).await;
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
    send_import(bot, who, "list.bib", READING_LIST, READING_LIST.len())
}

/// Sends `/import file` with `filename` attached: the fake serves `bytes`, the attachment
/// claims `size` bytes. Returns the interaction id.
fn send_import(bot: &TestBot, who: &Invoker, filename: &str, bytes: &[u8], size: usize) -> u64 {
    send_upload(bot, who, filename, bytes, size, None)
}

fn send_upload(
    bot: &TestBot,
    who: &Invoker,
    filename: &str,
    bytes: &[u8],
    size: usize,
    replace: Option<&str>,
) -> u64 {
    let url = bot.fake.serve_file(filename, bytes);
    let (option, resolved) = attachment("file", bot.fake.next_id(), filename, size, &url);
    let mut options = vec![option];
    if let Some(list) = replace {
        options.push(json!({"name": "replace", "type": 3, "value": list}));
    }
    bot.send_slash_resolved(
        who,
        "import",
        json!([sub("file", json!(options))]),
        Some(resolved),
    )
    .0
}

/// Uploads `text` as `filename` and waits for the report.
async fn upload(bot: &TestBot, filename: &str, text: &str, replace: Option<&str>) -> String {
    let who = Invoker::instructor(GUILD_A);
    let id = send_upload(bot, &who, filename, text.as_bytes(), text.len(), replace);
    bot.answer(id).await;
    content(&bot.follow_up(id).await).to_string()
}

/// `/import remove list:` by `who`; the reply's text.
async fn remove(bot: &TestBot, who: &Invoker, list: &str) -> String {
    let options = json!([sub("remove", json!([opt("list", list)]))]);
    content(&bot.slash(who, "import", options).await).to_string()
}

async fn titles_in_a(bot: &TestBot, query: &str) -> Vec<String> {
    let found = bot
        .catalog
        .search(paperclub::model::Scope(GUILD_A), query, &[], None, 10)
        .await
        .expect("search");
    found.into_iter().map(|r| r.paper.title).collect()
}

const PASTE_ONE: &str = "@article{vaswani2017attention,\n  title = {Attention Is All You Need},\n  author = {Vaswani, Ashish},\n  year = {2017},\n  eprint = {1706.03762}\n}\n";
const PASTE_TWO: &str = "@inproceedings{he2016deep,\n  title = {Deep Residual Learning for Image Recognition},\n  author = {He, Kaiming},\n  year = {2016},\n  eprint = {1512.03385}\n}\n";

#[tokio::test]
async fn two_uploads_with_the_same_name_are_two_lists_until_one_is_replaced_or_removed() {
    let bot = spawn_bot().await;
    let first = upload(&bot, "message.txt", PASTE_ONE, None).await;
    assert!(first.contains("message.txt"), "{first}");
    let second = upload(&bot, "message.txt", PASTE_TWO, None).await;
    assert!(second.contains("message (2).txt"), "{second}");
    // Discord names every paste message.txt: the second must not drop the first.
    assert_eq!(titles_in_a(&bot, "attention").await.len(), 1);
    assert_eq!(titles_in_a(&bot, "residual").await.len(), 1);

    let who = Invoker::instructor(GUILD_A);
    let lists = bot
        .slash(&who, "import", json!([sub("list", json!([]))]))
        .await;
    let text = content(&lists);
    assert!(
        text.contains("message.txt") && text.contains("message (2).txt"),
        "{text}"
    );
    assert!(text.contains("1 paper,"), "{text}");

    let choices = bot
        .autocomplete(
            &who,
            "import",
            json!([sub("remove", json!([focused("list", "(2)")]))]),
        )
        .await;
    let names: Vec<&str> = choices.json()["data"]["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .filter_map(|c| c["value"].as_str())
        .collect();
    assert_eq!(names, ["message (2).txt"]);

    // The same paste again is the list it repeats, reported unchanged, not a third list.
    let again = upload(&bot, "message.txt", PASTE_TWO, None).await;
    assert!(
        again.contains("message (2).txt") && again.contains("1 unchanged"),
        "{again}"
    );

    // Replacing the first list swaps its claims for the new file's.
    let replaced = upload(&bot, "notes.md", PASTE_TWO, Some("message.txt")).await;
    assert!(
        replaced.contains("message.txt") && replaced.contains("1 dropped"),
        "{replaced}"
    );
    assert!(titles_in_a(&bot, "attention").await.is_empty());

    let student = Invoker::student(GUILD_A);
    let refused = remove(&bot, &student, "message (2).txt").await;
    assert!(refused.contains("instructor"), "{refused}");

    let removed = remove(&bot, &who, "message (2).txt").await;
    assert!(removed.contains("Removed"), "{removed}");
    // Residual Learning is still named by the replaced first list.
    assert_eq!(titles_in_a(&bot, "residual").await.len(), 1);
    let removed = remove(&bot, &who, "message.txt").await;
    assert!(removed.contains("Removed"), "{removed}");
    assert!(titles_in_a(&bot, "residual").await.is_empty());
    let missing = remove(&bot, &who, "nope.md").await;
    assert!(missing.contains("no list named"), "{missing}");
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
    let id = send_import(
        &bot,
        &Invoker::instructor(GUILD_A),
        "huge.bib",
        b"@misc{x}",
        50 * 1024 * 1024,
    );
    let reply = bot.answer(id).await;
    assert_eq!(reply.json()["type"], 4, "refused at once, not deferred");
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(content(&reply).contains("5 MB"), "{}", content(&reply));
    assert!(!bot
        .fake
        .requests()
        .iter()
        .any(|r| r.path.starts_with("/files/")));
}

#[tokio::test]
async fn import_in_a_direct_message_is_refused_ephemerally() {
    let bot = spawn_bot().await;
    let mut dm = Invoker::instructor(GUILD_A);
    dm.guild_id = None;
    let id = import_as(&bot, &dm).await;
    let reply = bot.answer(id).await;
    assert_eq!(reply.json()["type"], 4);
    assert_eq!(flags(&reply) & EPHEMERAL, EPHEMERAL);
    assert!(content(&reply).contains("server"), "{}", content(&reply));
}

#[tokio::test]
async fn an_arxiv_listing_imports_with_its_classes_as_tags_in_that_guild_only() {
    const LISTING: &[u8] = include_bytes!("../fixtures/ingest/arxiv_daily.jsonl");
    let bot = spawn_bot().await;
    let id = send_import(
        &bot,
        &Invoker::instructor(GUILD_A),
        "2025-05-21.jsonl",
        LISTING,
        LISTING.len(),
    );
    let report = bot.follow_up(id).await;
    let text = content(&report);
    assert!(text.contains("(arxiv-jsonl): 6 entries — 5 new"), "{text}");
    assert!(
        text.contains(":6: same paper as the entry on line 2"),
        "a listing's repeat is merged and said so: {text}"
    );
    let tagged = bot
        .catalog
        .by_tag(paperclub::model::Scope(GUILD_A), "cs.CL")
        .await
        .expect("tag");
    assert_eq!(tagged.len(), 5);
    let other = bot
        .catalog
        .by_tag(paperclub::model::Scope(GUILD_B), "cs.CL")
        .await
        .expect("tag");
    assert!(other.is_empty(), "another guild does not see the import");
}

/// Guild A's record of a paper the global catalog has: other authors and venue, a longer
/// abstract with a masked link, its own key and tags.
const CONFLICT: &[u8] = include_bytes!("../fixtures/isolation/guild-a-conflict.bib");

#[tokio::test]
async fn a_guilds_import_changes_nothing_another_guild_is_shown_and_its_own_card_is_escaped() {
    let bot = bot_with_reading_list().await;
    let show = |paper: &str| json!([sub("show", json!([opt("paper", paper)]))]);
    let student_b = Invoker::student(GUILD_B);
    let in_b = || bot.slash(&student_b, "paper", show("2001.08361"));
    let before = in_b().await.message().clone();
    let id = send_import(
        &bot,
        &Invoker::instructor(GUILD_A),
        "conflict.bib",
        CONFLICT,
        CONFLICT.len(),
    );
    bot.follow_up(id).await;
    assert_eq!(in_b().await.message(), &before);
    let unknown = bot
        .slash(&Invoker::student(GUILD_B), "paper", show("evilkey"))
        .await;
    assert!(embed_titles(&unknown).is_empty(), "{:?}", unknown.message());

    let in_a = bot
        .slash(&Invoker::student(GUILD_A), "paper", show("evilkey"))
        .await;
    let description = in_a.message()["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(description.contains("Mallory's rewrite"), "{description}");
    assert!(
        description.contains(r"\[Click here\](https://evil.example)"),
        "{description}"
    );
}
