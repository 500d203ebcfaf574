//! The connection: resume after a drop, heartbeats, shutdown, payloads as serenity reads them.

use super::*;

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
async fn shutdown_finishes_interactions_in_flight_turns_new_ones_away_and_closes_the_gateway() {
    let fake = FakeDiscord::start(&[GUILD_A]).await;
    let app = paperclub::state::App::in_memory(Arc::new(paperclub::clock::SystemClock))
        .await
        .expect("app");
    let config = config_for(&fake);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        paperclub::app::serve(&config, app, async {
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
            json!([payloads::sub("file", json!([option]))]),
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

/// Sends `body` to the fake as the bot would; returns the status and the error code.
async fn raw(fake: &FakeDiscord, method: &str, path: &str, body: Value) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let answer = reqwest::Client::new()
        .request(method, format!("{}{path}", fake.http_url()))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the fake answers");
    let status = answer.status().as_u16();
    let text = answer.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_fake_refuses_a_second_acknowledgement_a_late_answer_and_an_edit_before_any() {
    let bot = spawn_bot().await;
    let student = Invoker::student(GUILD_A);
    let answered = bot.send_slash(&student, "help", json!([]));
    let first = bot.answer(answered).await;
    let again = json!({"type": 4, "data": {"content": "again"}});
    let (status, error) = raw(&bot.fake, "POST", &first.path, again).await;
    assert_eq!((status, &error["code"]), (400, &json!(40060)), "{error}");

    let never = bot.fake.next_id();
    let edit = format!(
        "/api/v10/webhooks/{}/token-{never}/messages/@original",
        payloads::APP_ID
    );
    let (status, error) = raw(&bot.fake, "PATCH", &edit, json!({"content": "x"})).await;
    assert_eq!((status, &error["code"]), (404, &json!(10015)), "{error}");

    // A deferral in time whose token has expired by the time the answer comes.
    bot.fake
        .set_interaction_windows(Duration::from_secs(3), Duration::ZERO);
    let deferred = bot.send_slash(&student, "recommend", json!([opt("text", "scaling")]));
    assert_eq!(bot.answer(deferred).await.json()["type"], 5);
    let token = format!("token-{deferred}");
    let expired = bot
        .fake
        .expect("the answer after the deferral", |r| {
            r.path.contains("/webhooks/") && r.path.contains(&token)
        })
        .await;
    assert_eq!(expired.status, 401, "{}", bot.fake.dump());

    bot.fake
        .set_interaction_windows(Duration::ZERO, Duration::ZERO);
    let late = bot.send_slash(&student, "help", json!([]));
    let refused = bot.fake.callback(late).await;
    assert_eq!(refused.status, 404, "{}", bot.fake.dump());
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
        let options = json!([payloads::sub("file", json!([option]))]);
        let (id, _) = bot.send_slash_resolved(&student, "import", options, Some(resolved));
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
                    assert_eq!(g.guild.channels.len(), 3, "a channel was dropped: {frame}");
                    assert_eq!(g.guild.roles.len(), 1, "the role was dropped: {frame}");
                    assert_eq!(
                        g.guild.members.len(),
                        1,
                        "the bot's member was dropped: {frame}"
                    );
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
        assert_eq!(guild.channels.len(), 3);
        let me: serenity::all::CurrentUser =
            serde_json::from_value(payloads::bot_user()).expect("CurrentUser");
        assert_eq!(me.id.get(), payloads::BOT_ID);
        let channel: serenity::all::Channel =
            serde_json::from_value(payloads::channel(payloads::CHANNEL_B, GUILD_B))
                .expect("Channel");
        let channel = channel.guild().expect("a guild channel");
        assert_eq!(channel.guild_id.get(), GUILD_B);
        let by_student = payloads::message_by(
            6,
            payloads::CHANNEL_A,
            &json!({"content": "hi"}),
            payloads::STUDENT_ID,
        );
        let by_student: Message = serde_json::from_value(by_student).expect("Message");
        assert_eq!(by_student.author.id.get(), payloads::STUDENT_ID);
    }
}
