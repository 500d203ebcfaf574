//! A real paperclub bot (the production `build_client`) connected to its own fake Discord,
//! ready once its commands are registered; plus helpers that send one interaction and
//! return what the bot answered, checking every answer against Discord's limits.

use super::fake_discord::{FakeDiscord, Recorded};
use super::limits::assert_within_limits;
use super::payloads::{self, Invoker, GUILD_A, GUILD_B};
use paperclub::catalog::Catalog;
use paperclub::config::{DiscordConfig, Secret};
use paperclub::discord;
use paperclub::state::App;
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;
use tokio::task::JoinHandle;

pub const TOKEN: &str = "fake-token-for-tests";

pub struct TestBot {
    pub fake: FakeDiscord,
    pub app: App,
    pub catalog: Arc<Catalog>,
    shard_manager: Arc<serenity::all::ShardManager>,
    client: JoinHandle<()>,
}

impl Drop for TestBot {
    fn drop(&mut self) {
        self.client.abort();
    }
}

/// A bot in guilds A and B with an empty in-memory catalog, commands registered in A.
pub async fn spawn_bot() -> TestBot {
    let catalog = Catalog::open_in_memory().await.expect("in-memory catalog");
    spawn_bot_with(Arc::new(catalog), |_| {}).await
}

/// The fake's config for a bot, before `adjust`.
pub fn config_for(fake: &FakeDiscord) -> DiscordConfig {
    DiscordConfig {
        token: Some(Secret::new(TOKEN)),
        api_base: Some(fake.http_url().to_string()),
        dev_guild: Some(GUILD_A),
        instructor_role: Some(payloads::INSTRUCTOR_ROLE),
    }
}

pub async fn spawn_bot_with(
    catalog: Arc<Catalog>,
    adjust: impl FnOnce(&mut DiscordConfig),
) -> TestBot {
    let fake = FakeDiscord::start(&[GUILD_A, GUILD_B]).await;
    spawn_bot_on(fake, catalog, adjust).await
}

/// A bot connected to `fake` (configure the fake first).
pub async fn spawn_bot_on(
    fake: FakeDiscord,
    catalog: Arc<Catalog>,
    adjust: impl FnOnce(&mut DiscordConfig),
) -> TestBot {
    let app = App::new(catalog, Arc::new(paperclub::clock::SystemClock));
    spawn_app_on(fake, app, adjust).await
}

/// A bot over `app` (its own clock and data) connected to `fake`.
pub async fn spawn_app_on(
    fake: FakeDiscord,
    app: App,
    adjust: impl FnOnce(&mut DiscordConfig),
) -> TestBot {
    let catalog = app.catalog.clone();
    let mut config = config_for(&fake);
    adjust(&mut config);
    let mut client = discord::build_client(&config, app.clone())
        .await
        .expect("client builds");
    let shard_manager = client.shard_manager.clone();
    let client = tokio::spawn(async move {
        if let Err(e) = client.start().await {
            eprintln!("client stopped: {e}");
        }
    });
    fake.expect("command registration", |r| {
        r.method == "PUT" && r.path.ends_with("/commands")
    })
    .await;
    TestBot {
        fake,
        app,
        catalog,
        shard_manager,
        client,
    }
}

/// Panics when Discord would have refused `answer` (late, a second acknowledgement, a
/// follow-up before any): the user would never have seen it.
pub fn assert_accepted(fake: &FakeDiscord, answer: &Recorded) {
    assert!(
        answer.accepted(),
        "Discord would refuse {} {} (status {})\n{}",
        answer.method,
        answer.path,
        answer.status,
        fake.dump()
    );
}

impl TestBot {
    /// Sends `/name options` as `who`; returns the interaction id.
    pub fn send_slash(&self, who: &Invoker, name: &str, options: Value) -> u64 {
        self.send_slash_resolved(who, name, options, None).0
    }

    pub fn send_slash_resolved(
        &self,
        who: &Invoker,
        name: &str,
        options: Value,
        resolved: Option<Value>,
    ) -> (u64, Instant) {
        let id = self.fake.next_id();
        let at = self.fake.dispatch(
            "INTERACTION_CREATE",
            payloads::slash(id, who, name, options, resolved),
        );
        (id, at)
    }

    /// Sends `/name options` and returns the callback, checked against Discord's limits.
    pub async fn slash(&self, who: &Invoker, name: &str, options: Value) -> Recorded {
        let id = self.send_slash(who, name, options);
        self.answer(id).await
    }

    /// The callback of interaction `id`, checked against Discord's limits.
    pub async fn answer(&self, id: u64) -> Recorded {
        let callback = self.fake.callback(id).await;
        assert_accepted(&self.fake, &callback);
        assert_within_limits(&callback);
        callback
    }

    /// The follow-up (deferred answer) to interaction `id`.
    pub async fn follow_up(&self, id: u64) -> Recorded {
        let token = format!("token-{id}");
        let r = self
            .fake
            .expect(&format!("the follow-up of interaction {id}"), |r| {
                r.path.starts_with("/api/v10/webhooks/") && r.path.contains(&token)
            })
            .await;
        assert_accepted(&self.fake, &r);
        assert_within_limits(&r);
        r
    }

    /// Autocomplete for option `option` of `/name [sub]` while typing `partial`.
    pub async fn autocomplete(&self, who: &Invoker, name: &str, options: Value) -> Recorded {
        let id = self.fake.next_id();
        self.fake.dispatch(
            "INTERACTION_CREATE",
            payloads::autocomplete(id, who, name, options),
        );
        self.answer(id).await
    }

    /// Presses button `custom_id` on `message`; returns the callback.
    pub async fn press(&self, who: &Invoker, custom_id: &str, message: Value) -> Recorded {
        let id = self.send_press(who, custom_id, message);
        self.answer(id).await
    }

    /// Presses button `custom_id` on `message`; returns the interaction id.
    pub fn send_press(&self, who: &Invoker, custom_id: &str, message: Value) -> u64 {
        let id = self.fake.next_id();
        self.fake.dispatch(
            "INTERACTION_CREATE",
            payloads::button(id, who, custom_id, message),
        );
        id
    }

    /// Imports `bytes` into `scope` the way the catalog's own tests do.
    pub async fn import(&self, scope: u64, file: &str, bytes: &[u8]) {
        let report = self
            .catalog
            .import_bytes(paperclub::model::Scope(scope), file, bytes, None)
            .await;
        assert!(report.error.is_none(), "fixture import failed: {report:?}");
    }

    /// Closes the gateway cleanly, as `run` does at shutdown.
    pub async fn shutdown(&self) {
        self.shard_manager.shutdown_all().await;
    }
}
