//! Files attached to commands: a student's `/session import` or `/course import` is refused
//! before the bot downloads anything, and a pasted course post is named as `/import file`
//! names uploads, so it never replaces a reading list or another week's post.

use super::club::*;
use super::*;

/// Sends `/{command} import file:` with `bytes` as an attachment named `filename`; returns
/// the interaction id and the file's path on the fake.
fn send_import(
    club: &Club,
    who: &Invoker,
    command: &str,
    filename: &str,
    bytes: &[u8],
) -> (u64, String) {
    send_upload(club, who, command, "import", filename, bytes, None)
}

/// Sends `/{command} {action} file: [replace:]` with `bytes` as an attachment named
/// `filename` (served under a fresh path, since Discord names every paste the same).
fn send_upload(
    club: &Club,
    who: &Invoker,
    command: &str,
    action: &str,
    filename: &str,
    bytes: &[u8],
    replace: Option<&str>,
) -> (u64, String) {
    let served = format!("{}-{filename}", club.bot.fake.next_id());
    let url = club.bot.fake.serve_file(&served, bytes);
    let (file, resolved) = attachment("file", club.bot.fake.next_id(), filename, bytes.len(), &url);
    let mut options = vec![file];
    if let Some(list) = replace {
        options.push(opt("replace", list));
    }
    let options = json!([sub(action, Value::Array(options))]);
    let id = club
        .bot
        .send_slash_resolved(who, command, options, Some(resolved))
        .0;
    (id, format!("/files/{served}"))
}

/// The deferred answer to an upload by the instructor.
async fn upload(
    club: &Club,
    command: &str,
    action: &str,
    filename: &str,
    bytes: &[u8],
    replace: Option<&str>,
) -> String {
    let who = Invoker::instructor(GUILD_A);
    let (id, _) = send_upload(club, &who, command, action, filename, bytes, replace);
    club.bot.answer(id).await;
    content(&club.bot.follow_up(id).await).to_string()
}

fn post(title: &str, date: &str, readings: &str) -> Vec<u8> {
    format!("---\ntitle: {title}\ndate: {date}\n---\n\n## Required Readings\n\n{readings}")
        .into_bytes()
}

async fn titles(club: &Club) -> Vec<String> {
    let sessions = club
        .bot
        .app
        .courses
        .sessions(GUILD_A)
        .await
        .expect("sessions");
    sessions.into_iter().map(|s| s.title).collect()
}

#[tokio::test]
async fn a_students_import_is_refused_before_their_file_is_downloaded() {
    let club = Club::start().await;
    for command in ["session", "course"] {
        let filename = format!("{command}-upload.md");
        let (id, path) = send_import(&club, &alice(GUILD_A), command, &filename, POST);
        let refused = club.bot.answer(id).await;
        assert_eq!(flags(&refused) & EPHEMERAL, EPHEMERAL);
        assert!(
            content(&refused).starts_with("Only instructors"),
            "/{command} import: {}",
            content(&refused)
        );
        let fetched: Vec<String> = club
            .bot
            .fake
            .requests()
            .into_iter()
            .map(|r| r.path)
            .filter(|p| *p == path)
            .collect();
        assert!(
            fetched.is_empty(),
            "/{command} import downloaded a student's file"
        );
    }
}

#[tokio::test]
async fn a_pasted_post_never_replaces_a_reading_list_or_another_weeks_post() {
    let club = Club::start().await;
    let listed = upload(&club, "import", "file", "message.txt", READING_LIST, None).await;
    assert!(listed.contains("message.txt (bibtex)"), "{listed}");

    let two = post(
        "Attention",
        "2026-03-10",
        "### Attention Is All You Need\n- arXiv: 1706.03762\n",
    );
    let first = upload(&club, "session", "import", "message.txt", &two, None).await;
    assert!(
        first.contains("✓ message (2).txt: “Attention” on 2026-03-10"),
        "{first}"
    );
    assert!(
        first.contains("already has an upload named `message.txt`, so this one is `message (2).txt`; to update that one instead, import again with `replace:message.txt`"),
        "{first}"
    );
    let lists = club
        .bot
        .app
        .catalog
        .lists(paperclub::model::Scope(GUILD_A))
        .await
        .expect("lists");
    let list = lists
        .iter()
        .find(|l| l.name == "message.txt")
        .expect("the reading list");
    assert_eq!(list.format, "bibtex", "{lists:?}");

    // A second paste, a week with no readings yet, is a week of its own.
    let three = post("Guest lecture", "2026-03-17", "");
    let second = upload(&club, "session", "import", "message.txt", &three, None).await;
    assert!(
        second.contains("✓ message (3).txt: “Guest lecture”"),
        "{second}"
    );
    assert_eq!(
        titles(&club).await,
        ["Scaling laws", "Attention", "Guest lecture"]
    );

    // Replacing names the upload, and updates that week in place.
    let revised = post(
        "Attention, revised",
        "2026-03-10",
        "### Attention Is All You Need\n- arXiv: 1706.03762\n",
    );
    let replaced = upload(
        &club,
        "session",
        "import",
        "message.txt",
        &revised,
        Some("message (2).txt"),
    )
    .await;
    assert!(
        replaced.contains("✓ message (2).txt: “Attention, revised”"),
        "{replaced}"
    );
    assert!(!replaced.contains("already has an upload"), "{replaced}");
    assert_eq!(
        titles(&club).await,
        ["Scaling laws", "Attention, revised", "Guest lecture"]
    );
}

#[tokio::test]
async fn removing_the_list_a_weeks_readings_come_from_is_refused_naming_the_week() {
    let club = Club::start().await;
    let instructor = Invoker::instructor(GUILD_A);
    let remove = || {
        club.bot.slash(
            &instructor,
            "import",
            json!([sub("remove", json!([opt("list", "2026-03-03-scaling.md")]))]),
        )
    };
    let refused = remove().await;
    assert_eq!(flags(&refused) & EPHEMERAL, EPHEMERAL);
    assert_eq!(
        content(&refused),
        "“2026-03-03-scaling.md” stays: it gives week 1 (“Scaling laws”) readings no other list has, and removing it would leave that week without them. Edit or remove it first (`/session edit week: required:` or `/session remove week:`), or import a new version with `replace:`."
    );
    let week = club
        .bot
        .slash(&alice(GUILD_A), "week", json!([opt("week", "1")]))
        .await;
    let week = serde_json::to_string(week.message()).expect("json");
    assert!(
        week.contains("Scaling Laws for Neural Language Models"),
        "{week}"
    );

    let gone = club
        .bot
        .slash(
            &instructor,
            "session",
            json!([sub("remove", json!([opt_int("week", 1)]))]),
        )
        .await;
    assert!(content(&gone).starts_with('✓'), "{}", content(&gone));
    let removed = remove().await;
    assert!(
        content(&removed).starts_with("✓ Removed “2026-03-03-scaling.md”"),
        "{}",
        content(&removed)
    );
}

#[tokio::test]
async fn a_list_whose_readings_another_list_also_names_is_removed() {
    let club = Club::start().await;
    // The same two papers from a reading list: the week keeps them without the post.
    club.bot
        .import(GUILD_A, "discord:reading-list.bib", READING_LIST)
        .await;
    let removed = club
        .bot
        .slash(
            &Invoker::instructor(GUILD_A),
            "import",
            json!([sub("remove", json!([opt("list", "2026-03-03-scaling.md")]))]),
        )
        .await;
    assert!(
        content(&removed).starts_with("✓ Removed “2026-03-03-scaling.md”"),
        "{}",
        content(&removed)
    );
    let week = club
        .bot
        .slash(&alice(GUILD_A), "week", json!([opt("week", "1")]))
        .await;
    let week = serde_json::to_string(week.message()).expect("json");
    assert!(
        week.contains("Scaling Laws for Neural Language Models"),
        "{week}"
    );
}
