//! Notes through the real client and the fake Discord: private to their team until
//! published (list and export), a course that makes them class-visible, an edit keeping
//! the previous text, who may publish, edit and delete, the hourly and length limits, and
//! notes that never ping.

use super::club::*;
use super::*;
use chrono::Duration;

#[tokio::test]
async fn a_note_stays_in_its_team_until_published_in_lists_and_exports() {
    let club = Club::start().await;
    for (who, team) in [
        (alice(GUILD_A), "team-1"),
        (carol(GUILD_A), "team-1"),
        (bob(GUILD_A), "team-2"),
    ] {
        club.team(&who, "join", json!([opt("team", team)])).await;
    }
    let added = club
        .add(&alice(GUILD_A), "Loss is a *power law* @everyone <@1>")
        .await;
    assert!(
        content(&added).starts_with(
            "✓ Note #1 on “Scaling Laws for Neural Language Models” saved; team `team-1` sees it"
        ),
        "{}",
        content(&added)
    );

    let mate = club.list(&carol(GUILD_A)).await;
    assert!(
        mate.contains(r"Loss is a \\*power law\\* @everyone \\<@1\\>"),
        "escaped: {mate}"
    );
    assert!(mate.contains("unpublished"), "{mate}");
    assert!(!club.list(&bob(GUILD_A)).await.contains("power law"));
    let (_, file) = club.export(&bob(GUILD_A), opt_int("session", 1)).await;
    assert!(
        file.contains("# Annotated bibliography: Week 1: Scaling laws"),
        "{file}"
    );
    assert!(!file.contains("power law"), "{file}");
    let (_, file) = club.export(&bob(GUILD_A), opt("team", "team-1")).await;
    assert!(!file.contains("power law"), "{file}");

    let refused = club
        .note(&carol(GUILD_A), "publish", json!([opt_int("note", 1)]))
        .await;
    assert_eq!(
        content(&refused),
        "Only its author or an instructor can publish note #1."
    );
    let hidden = club
        .note(&bob(GUILD_A), "publish", json!([opt_int("note", 1)]))
        .await;
    assert_eq!(content(&hidden), "There is no note #1 in this course.");

    let published = club
        .note(&alice(GUILD_A), "publish", json!([opt_int("note", 1)]))
        .await;
    assert_eq!(
        content(&published),
        "✓ Note #1 is published: the whole class sees it."
    );
    assert!(club.list(&bob(GUILD_A)).await.contains("power law"));
    let (text, file) = club.export(&bob(GUILD_A), opt("paper", KAPLAN)).await;
    assert!(text.contains("1 note(s) you can see"), "{text}");
    assert!(
        file.contains("Kaplan, J., McCandlish, S., Henighan, T., & Brown, T. B."),
        "{file}"
    );
    assert!(
        file.contains(
            "**Note #1** by user 500000000000000001 (team-1, 2026-02-20 12:00 UTC, published)"
        ),
        "{file}"
    );
    assert!(file.contains(r"> Loss is a \*power law\*"), "{file}");

    let sent: Vec<Recorded> = club
        .bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/callback"))
        .collect();
    for r in sent.iter().filter(|r| r.message()["content"].is_string()) {
        assert_eq!(
            r.message()["allowed_mentions"]["parse"],
            json!([]),
            "no pings"
        );
    }
}

#[tokio::test]
async fn an_edit_keeps_the_previous_text_and_only_the_author_or_an_instructor_deletes() {
    let club = Club::start().await;
    for who in [alice(GUILD_A), carol(GUILD_A)] {
        club.team(&who, "join", json!([opt("team", "team-1")]))
            .await;
    }
    club.add(&alice(GUILD_A), "First thoughts").await;
    let foreign = club
        .note(
            &carol(GUILD_A),
            "edit",
            json!([opt_int("note", 1), opt("text", "mine now")]),
        )
        .await;
    assert_eq!(content(&foreign), "Only its author can edit note #1.");
    club.clock.advance(Duration::minutes(5));
    let edited = club
        .note(
            &alice(GUILD_A),
            "edit",
            json!([opt_int("note", 1), opt("text", "Second thoughts")]),
        )
        .await;
    assert_eq!(
        content(&edited),
        "✓ Note #1 updated; its earlier text is kept (1 earlier version)."
    );
    let history = club
        .note(&carol(GUILD_A), "history", json!([opt_int("note", 1)]))
        .await;
    let history = serde_json::to_string(history.message()).expect("json");
    assert!(
        history.contains("First thoughts") && history.contains("Second thoughts"),
        "{history}"
    );
    assert!(club.list(&carol(GUILD_A)).await.contains("edited"));

    let denied = club
        .note(&carol(GUILD_A), "delete", json!([opt_int("note", 1)]))
        .await;
    assert_eq!(
        content(&denied),
        "Only its author or an instructor can delete note #1."
    );
    let deleted = club
        .note(
            &Invoker::instructor(GUILD_A),
            "delete",
            json!([opt_int("note", 1)]),
        )
        .await;
    assert_eq!(content(&deleted), "✓ Note #1 deleted.");
    assert!(!club.list(&alice(GUILD_A)).await.contains("thoughts"));
}

#[tokio::test]
async fn the_thirty_first_note_in_an_hour_is_refused_until_the_hour_has_passed() {
    let club = Club::start().await;
    for i in 0..30 {
        let done = club.add(&alice(GUILD_A), &format!("note {i}")).await;
        assert!(content(&done).starts_with("✓"), "{i}: {}", content(&done));
        club.clock.advance(Duration::seconds(10));
    }
    let refused = club.add(&alice(GUILD_A), "one too many").await;
    // The first note (12:00:00) leaves the window at 13:00:00.
    assert_eq!(
        content(&refused),
        format!(
            "You have written 30 notes in the last hour, the limit (30 an hour). You can write the next one <t:{}:R>.",
            at("2026-02-20T13:00:00Z").timestamp()
        )
    );
    let long = club.add(&bob(GUILD_A), &"x".repeat(1501)).await;
    assert_eq!(
        content(&long),
        "A note is at most 1500 characters; this one has 1501. Split it in two."
    );
    club.clock.set(at("2026-02-20T13:00:01Z"));
    let later = club.add(&alice(GUILD_A), "after the hour").await;
    assert!(
        content(&later).starts_with("✓ Note #31"),
        "{}",
        content(&later)
    );
}

#[tokio::test]
async fn a_course_that_makes_notes_class_visible_shows_unpublished_notes_to_everyone() {
    let club = Club::start().await;
    club.team(&alice(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    club.team(&bob(GUILD_A), "join", json!([opt("team", "team-2")]))
        .await;
    club.add(&alice(GUILD_A), "Seen by the class").await;
    assert!(!club.list(&bob(GUILD_A)).await.contains("Seen by the class"));

    let edit = json!([sub(
        "edit",
        json!([{"name": "notes_public", "type": 5, "value": true}])
    )]);
    let student = club.bot.slash(&bob(GUILD_A), "course", edit.clone()).await;
    assert!(
        content(&student).contains("Only instructors"),
        "{}",
        content(&student)
    );
    let done = club
        .bot
        .slash(&Invoker::instructor(GUILD_A), "course", edit)
        .await;
    assert!(
        content(&done).starts_with("✓ Course updated"),
        "{}",
        content(&done)
    );
    let info = club
        .bot
        .slash(&bob(GUILD_A), "course", json!([sub("info", json!([]))]))
        .await;
    let info = serde_json::to_string(info.message()).expect("json");
    assert!(info.contains("visible to the class"), "{info}");

    assert!(club.list(&bob(GUILD_A)).await.contains("Seen by the class"));
    let added = club.add(&bob(GUILD_A), "Mine too").await;
    assert!(
        content(&added).contains("this course's notes are visible to the whole class"),
        "{}",
        content(&added)
    );
    // The setting is guild A's alone.
    club.add(&alice(GUILD_B), "B stays private").await;
    assert!(!club.list(&bob(GUILD_B)).await.contains("B stays private"));
}

#[tokio::test]
async fn every_reply_that_can_show_an_unpublished_note_is_seen_only_by_the_caller() {
    let club = Club::start().await;
    club.team(&alice(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    let nothing_yet = club
        .note(&alice(GUILD_A), "list", json!([opt("paper", KAPLAN)]))
        .await;
    let added = club.add(&alice(GUILD_A), "Our unpublished plan").await;
    let mut replies = vec![
        ("/note list (no notes yet)", nothing_yet),
        ("/note add", added),
    ];
    for who in [alice(GUILD_A), Invoker::instructor(GUILD_A)] {
        let listed = club.note(&who, "list", json!([opt("paper", KAPLAN)])).await;
        let shown = serde_json::to_string(listed.message()).expect("json");
        assert!(shown.contains("Our unpublished plan"), "{shown}");
        replies.push(("/note list", listed));
    }
    replies.push((
        "/note history",
        club.note(&alice(GUILD_A), "history", json!([opt_int("note", 1)]))
            .await,
    ));
    for option in [
        opt_int("session", 1),
        opt("paper", KAPLAN),
        opt("team", "team-1"),
    ] {
        let reply = club
            .bot
            .slash(
                &alice(GUILD_A),
                "notes",
                json!([sub("export", json!([option]))]),
            )
            .await;
        replies.push(("/notes export", reply));
    }
    replies.push((
        "/course export notes:true",
        club.bot
            .slash(
                &Invoker::instructor(GUILD_A),
                "course",
                json!([sub(
                    "export",
                    json!([{"name": "notes", "type": 5, "value": true}])
                )]),
            )
            .await,
    ));
    // Recommendations from what the team noted name the papers of its unpublished notes.
    // Before the recommender's first snapshot the answer is deferred: the deferral carries
    // the flag, the follow-up the answer.
    let id = club
        .bot
        .send_slash(&alice(GUILD_A), "recommend", json!([opt_int("for", 1)]));
    let first = club.bot.answer(id).await;
    let answer = if first.json()["type"] == 5 {
        club.bot.follow_up(id).await
    } else {
        first.clone()
    };
    assert!(
        content(&answer).contains("what your team noted, read or present"),
        "{}",
        content(&answer)
    );
    replies.push(("/recommend for:team", first));
    for (command, reply) in &replies {
        assert_eq!(
            flags(reply) & EPHEMERAL,
            EPHEMERAL,
            "{command} must answer privately: {}",
            serde_json::to_string(reply.message()).expect("json")
        );
    }
}
