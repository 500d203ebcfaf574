//! Files attached to commands: a student's `/session import` or `/course import` is refused
//! before the bot downloads anything, and a pasted course post is named as `/import file`
//! names uploads, so it never replaces a reading list or another week's post.

use super::club::*;
use super::*;

/// Sends `/{command} import file:` with `bytes` served as `filename`; returns the
/// interaction id and the file's path on the fake.
fn send_import(
    club: &Club,
    who: &Invoker,
    command: &str,
    filename: &str,
    bytes: &[u8],
) -> (u64, String) {
    let url = club.bot.fake.serve_file(filename, bytes);
    let (file, resolved) = attachment("file", club.bot.fake.next_id(), filename, bytes.len(), &url);
    let options = json!([sub("import", json!([file]))]);
    let id = club
        .bot
        .send_slash_resolved(who, command, options, Some(resolved))
        .0;
    (id, format!("/files/{filename}"))
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
