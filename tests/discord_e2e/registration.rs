//! Start-up: identify, command registration (names, options, descriptions, permissions).

use super::*;

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
    assert_eq!(
        names,
        [
            "cite",
            "course",
            "help",
            "import",
            "note",
            "notes",
            "paper",
            "read",
            "recommend",
            "schedule",
            "session",
            "slot",
            "tags",
            "team",
            "week"
        ]
    );
    let slot = command(registered, "slot");
    let assign = option(slot, "assign");
    assert_eq!(option(assign, "paper")["autocomplete"], true);
    assert_eq!(option(assign, "team")["autocomplete"], true);
    assert_eq!(option(assign, "date")["required"], false);
    assert_eq!(option(option(slot, "swap"), "b")["required"], true);

    let recommend = command(registered, "recommend");
    assert_eq!(option(recommend, "paper")["autocomplete"], true);
    assert_eq!(option(recommend, "tag")["autocomplete"], true);
    let whom: Vec<&str> = option(recommend, "for")["choices"]
        .as_array()
        .expect("for choices")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(whom, ["me", "team"]);

    let setup = option(command(registered, "course"), "setup");
    assert_eq!(option(setup, "channel")["type"], 7, "a channel picker");
    assert_eq!(option(setup, "timezone")["required"], true);
    assert_eq!(option(setup, "instructor_role")["type"], 8, "a role picker");
    assert_eq!(
        option(option(command(registered, "read"), "done"), "paper")["autocomplete"],
        true
    );
    let import_post = option(command(registered, "session"), "import");
    assert_eq!(option(import_post, "file")["type"], 11);

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
    let upload = option(import, "file");
    assert_eq!(upload["type"], 1);
    assert_eq!(option(upload, "file")["type"], 11);
    assert_eq!(option(upload, "replace")["autocomplete"], true);
    assert_eq!(option(option(import, "remove"), "list")["required"], true);

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
async fn a_missing_token_is_a_clear_error_not_a_panic() {
    let fake = FakeDiscord::start(&[GUILD_A]).await;
    let mut config = config_for(&fake);
    config.token = None;
    let app = paperclub::state::App::in_memory(Arc::new(paperclub::clock::SystemClock))
        .await
        .expect("app");
    let error = paperclub::discord::build_client(&config, app)
        .await
        .err()
        .expect("an error");
    assert!(error.to_string().contains("DISCORD_TOKEN"));
}
