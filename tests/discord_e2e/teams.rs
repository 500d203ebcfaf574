//! Teams through the real client and the fake Discord: one team per member with the
//! refusal naming it, moves between teams only by instructors and recorded (a student
//! cannot walk through the teams reading their notes), names matched in any case, a role team shown as "everyone with
//! @role" that cannot be joined, team autocomplete, and nothing of guild A in guild B.

use super::club::*;
use super::*;

#[tokio::test]
async fn a_member_is_in_one_team_and_a_refusal_names_the_team_they_are_in() {
    let club = Club::start().await;
    let student = club
        .team(&alice(GUILD_A), "create", json!([opt("name", "team-9")]))
        .await;
    assert!(
        content(&student).contains("Only instructors"),
        "{}",
        content(&student)
    );
    let twice = club
        .team(
            &Invoker::instructor(GUILD_A),
            "create",
            json!([opt("name", "TEAM-1")]),
        )
        .await;
    assert!(
        content(&twice).contains("already a team `team-1`"),
        "{}",
        content(&twice)
    );

    let joined = club
        .team(&alice(GUILD_A), "join", json!([opt("team", "Team-1")]))
        .await;
    assert_eq!(content(&joined), "✓ You joined team `team-1`.");
    let second = club
        .team(&alice(GUILD_A), "join", json!([opt("team", "team-2")]))
        .await;
    assert_eq!(flags(&second) & EPHEMERAL, EPHEMERAL);
    assert!(
        content(&second).contains("already in team `team-1`; a member is in one team per course"),
        "{}",
        content(&second)
    );
    let unknown = club
        .team(&alice(GUILD_A), "join", json!([opt("team", "team-7")]))
        .await;
    assert!(
        content(&unknown).contains("no team `team-7`. Teams: `team-1`, `team-2`"),
        "{}",
        content(&unknown)
    );
    let left = club.team(&alice(GUILD_A), "leave", json!([])).await;
    assert!(
        content(&left).starts_with("You are in team `team-1`, and students do not leave"),
        "{}",
        content(&left)
    );
    let nowhere = club.team(&bob(GUILD_A), "leave", json!([])).await;
    assert_eq!(content(&nowhere), "You are not in a team.");
    let moved = club
        .move_member(
            &Invoker::instructor(GUILD_A),
            500_000_000_000_000_001,
            "team-2",
        )
        .await;
    assert!(
        content(&moved)
            .starts_with("✓ Moved <@500000000000000001> from team `team-1` to team `team-2`"),
        "{}",
        content(&moved)
    );

    let members = club
        .team(&bob(GUILD_A), "members", json!([opt("team", "team-2")]))
        .await;
    let members = serde_json::to_string(members.message()).expect("json");
    assert!(members.contains("<@500000000000000001>"), "{members}");
    let list = club.team(&bob(GUILD_A), "list", json!([])).await;
    let list = serde_json::to_string(list.message()).expect("json");
    // The imported post names team-2 for notes, team-4 for video, team-1 presenting.
    assert!(
        list.contains("**team-2** — 1 member · notes week 1"),
        "{list}"
    );
    assert!(
        list.contains("**team-1** — 0 members · presenting week 1"),
        "{list}"
    );
}

#[tokio::test]
async fn a_role_team_is_everyone_with_the_role_and_cannot_be_joined() {
    let club = Club::start().await;
    let role = json!({"name": "role", "type": 8, "value": TEAM_ROLE.to_string()});
    let resolved = json!({"roles": {TEAM_ROLE.to_string(): {
        "id": TEAM_ROLE.to_string(), "name": "Team 3", "color": 0, "hoist": false,
        "position": 1, "permissions": "0", "managed": false, "mentionable": false,
        "icon": null, "unicode_emoji": null, "flags": 0, "guild_id": GUILD_A.to_string(),
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
    }}});
    let options = json!([sub("create", json!([opt("name", "team-3"), role]))]);
    let who = Invoker::instructor(GUILD_A);
    let id = club
        .bot
        .send_slash_resolved(&who, "team", options, Some(resolved))
        .0;
    let created = club.bot.answer(id).await;
    assert_eq!(
        content(&created),
        format!("✓ Created team `team-3`: everyone with <@&{TEAM_ROLE}> is in it.")
    );

    let mut dana = Invoker::student(GUILD_A).with_user(500_000_000_000_000_004);
    dana.roles = vec![TEAM_ROLE];
    let join = club
        .team(&dana, "join", json!([opt("team", "team-3")]))
        .await;
    assert!(
        content(&join).contains("everyone with the <@&"),
        "{}",
        content(&join)
    );
    let other = club
        .team(&dana, "join", json!([opt("team", "team-1")]))
        .await;
    assert!(
        content(&other).contains("You are in team `team-3` through its role"),
        "{}",
        content(&other)
    );
    let members = club
        .team(&dana, "members", json!([opt("team", "team-3")]))
        .await;
    let members = serde_json::to_string(members.message()).expect("json");
    assert!(
        members.contains(&format!("everyone with <@&{TEAM_ROLE}>")),
        "{members}"
    );

    // A note by a role member is the role team's: another carrier of the role sees it.
    club.add(&dana, "Written as team-3").await;
    let mut erin = Invoker::student(GUILD_A).with_user(500_000_000_000_000_005);
    erin.roles = vec![TEAM_ROLE];
    assert!(club.list(&erin).await.contains("Written as team-3"));
    assert!(!club.list(&bob(GUILD_A)).await.contains("Written as team-3"));

    let choices = club
        .bot
        .autocomplete(
            &dana,
            "team",
            json!([sub("join", json!([focused("team", "TEAM-")]))]),
        )
        .await;
    let names: Vec<&str> = choices.json()["data"]["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .filter_map(|c| c["value"].as_str())
        .collect();
    assert_eq!(names, ["team-1", "team-2", "team-3"]);
}

#[tokio::test]
async fn guild_b_sees_nothing_of_guild_as_teams_and_notes() {
    let club = Club::start().await;
    club.team(&alice(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    club.add(&alice(GUILD_A), "Only for guild A").await;
    club.note(&alice(GUILD_A), "publish", json!([opt_int("note", 1)]))
        .await;

    let b = bob(GUILD_B);
    let list = club.team(&b, "list", json!([])).await;
    assert!(
        content(&list).contains("no teams yet"),
        "{}",
        content(&list)
    );
    let join = club.team(&b, "join", json!([opt("team", "team-1")])).await;
    assert!(
        content(&join).contains("There is no team `team-1`"),
        "{}",
        content(&join)
    );
    assert!(!club.list(&b).await.contains("guild A"));
    for action in ["publish", "delete", "history"] {
        let reply = club.note(&b, action, json!([opt_int("note", 1)])).await;
        assert_eq!(
            content(&reply),
            "There is no note #1 in this course.",
            "{action}"
        );
    }
    let (_, file) = club.export(&b, opt_int("session", 1)).await;
    assert!(!file.is_empty() && !file.contains("guild A"), "{file}");
    let choices = club
        .bot
        .autocomplete(
            &b,
            "team",
            json!([sub("join", json!([focused("team", "")]))]),
        )
        .await;
    assert_eq!(choices.json()["data"]["choices"], json!([]));
}

#[tokio::test]
async fn a_student_cannot_walk_through_the_teams_and_an_instructors_move_is_recorded() {
    let club = Club::start().await;
    let instructor = Invoker::instructor(GUILD_A);
    club.team(&alice(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    club.team(&bob(GUILD_A), "join", json!([opt("team", "team-2")]))
        .await;
    club.add(&bob(GUILD_A), "Team two's draft").await;

    // Alice may neither leave nor join another team, nor move herself.
    let leave = club.team(&alice(GUILD_A), "leave", json!([])).await;
    assert_eq!(flags(&leave) & EPHEMERAL, EPHEMERAL);
    assert_eq!(
        content(&leave),
        "You are in team `team-1`, and students do not leave or change teams by themselves: a team's unpublished notes, slots and swaps are its own. Ask an instructor to move you (`/team move member: team:`)."
    );
    let join = club
        .team(&alice(GUILD_A), "join", json!([opt("team", "team-2")]))
        .await;
    assert!(
        content(&join).contains("moving to another is an instructor's act (`/team move`)"),
        "{}",
        content(&join)
    );
    let herself = club
        .move_member(&alice(GUILD_A), 500_000_000_000_000_001, "team-2")
        .await;
    assert!(
        content(&herself).starts_with("Only instructors"),
        "{}",
        content(&herself)
    );
    assert!(!club
        .list(&alice(GUILD_A))
        .await
        .contains("Team two's draft"));
    let (_, file) = club.export(&alice(GUILD_A), opt("team", "team-2")).await;
    assert!(!file.contains("Team two's draft"), "{file}");

    // A student with no team still joins one by themself.
    let carol_joins = club
        .team(&carol(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    assert_eq!(content(&carol_joins), "✓ You joined team `team-1`.");

    // The instructor's move: Alice is in team-2 now and reads its notes; it is recorded.
    let moved = club
        .move_member(&instructor, 500_000_000_000_000_001, "Team-2")
        .await;
    assert_eq!(
        content(&moved),
        "✓ Moved <@500000000000000001> from team `team-1` to team `team-2`; the move is recorded in `/team members`. Notes they wrote stay with team `team-1`."
    );
    assert_eq!(moved.message()["allowed_mentions"]["parse"], json!([]));
    assert!(club
        .list(&alice(GUILD_A))
        .await
        .contains("Team two's draft"));
    let again = club
        .move_member(&instructor, 500_000_000_000_000_001, "team-2")
        .await;
    assert_eq!(
        content(&again),
        "<@500000000000000001> is already in team `team-2`."
    );
    let newcomer = club
        .move_member(&instructor, 500_000_000_000_000_009, "team-1")
        .await;
    assert!(
        content(&newcomer).starts_with("✓ Moved <@500000000000000009> to team `team-1`"),
        "{}",
        content(&newcomer)
    );

    let two = club
        .team(&bob(GUILD_A), "members", json!([opt("team", "team-2")]))
        .await;
    let two = serde_json::to_string(two.message()).expect("json");
    assert!(
        two.contains("<@500000000000000001> came from team `team-1`"),
        "{two}"
    );
    assert!(two.contains("moved by <@400000000000000002>"), "{two}");
    let one = club
        .team(&bob(GUILD_A), "members", json!([opt("team", "team-1")]))
        .await;
    let one = serde_json::to_string(one.message()).expect("json");
    assert!(
        one.contains("<@500000000000000001> moved to team `team-2`"),
        "{one}"
    );
    assert!(
        one.contains("<@500000000000000009> came from no team"),
        "{one}"
    );

    // A member who left the course is taken out by an instructor, recorded too.
    let out = club
        .move_member(&instructor, 500_000_000_000_000_003, "")
        .await;
    assert_eq!(
        content(&out),
        "✓ Moved <@500000000000000003> from team `team-1` out of their team; the move is recorded in `/team members`. Notes they wrote stay with team `team-1`."
    );
    let carol_list = club.team(&carol(GUILD_A), "list", json!([])).await;
    let carol_list = serde_json::to_string(carol_list.message()).expect("json");
    assert!(carol_list.contains("You are not in a team"), "{carol_list}");
    let nobody = club
        .move_member(&instructor, 500_000_000_000_000_003, "")
        .await;
    assert!(
        content(&nobody).starts_with("<@500000000000000003> has joined no team"),
        "{}",
        content(&nobody)
    );
    let one = club
        .team(&bob(GUILD_A), "members", json!([opt("team", "team-1")]))
        .await;
    let one = serde_json::to_string(one.message()).expect("json");
    assert!(
        one.contains("<@500000000000000003> moved to no team"),
        "{one}"
    );
}

#[tokio::test]
async fn a_course_that_locks_its_teams_lets_only_instructors_place_members() {
    let club = Club::start().await;
    let instructor = Invoker::instructor(GUILD_A);
    let lock = |on: bool| {
        json!([sub(
            "edit",
            json!([{"name": "teams_locked", "type": 5, "value": on}])
        )])
    };
    let student = club.bot.slash(&alice(GUILD_A), "course", lock(true)).await;
    assert!(
        content(&student).contains("Only instructors"),
        "{}",
        content(&student)
    );
    let locked = club.bot.slash(&instructor, "course", lock(true)).await;
    assert!(
        content(&locked).starts_with("✓ Course updated"),
        "{}",
        content(&locked)
    );
    let info = club
        .bot
        .slash(&alice(GUILD_A), "course", json!([sub("info", json!([]))]))
        .await;
    assert!(format!("{info:?}").contains("locked: instructors place members"));

    let join = club
        .team(&carol(GUILD_A), "join", json!([opt("team", "team-1")]))
        .await;
    assert_eq!(flags(&join) & EPHEMERAL, EPHEMERAL);
    assert!(
        content(&join).starts_with("Teams are locked for this course"),
        "{}",
        content(&join)
    );
    let placed = club
        .move_member(&instructor, 500_000_000_000_000_003, "team-1")
        .await;
    assert!(content(&placed).starts_with('✓'), "{}", content(&placed));
    let members = club
        .team(&carol(GUILD_A), "members", json!([opt("team", "team-1")]))
        .await;
    let members = serde_json::to_string(members.message()).expect("json");
    assert!(members.contains("<@500000000000000003>"), "{members}");

    // Unlocked again, a student without a team joins by themself.
    club.bot.slash(&instructor, "course", lock(false)).await;
    let bob_joins = club
        .team(&bob(GUILD_A), "join", json!([opt("team", "team-2")]))
        .await;
    assert_eq!(content(&bob_joins), "✓ You joined team `team-2`.");
}
