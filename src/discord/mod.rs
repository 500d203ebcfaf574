//! The Discord surface: a thin poise adapter over [`crate::dispatch`]. It owns the client
//! (REST through an optional proxy or fake, gateway with no privileged intents), the slash
//! commands and their registration, rendering a [`crate::view::Reply`] as a message,
//! pagination buttons, error reporting, and a clean shutdown that lets interactions in
//! flight finish. Nothing here decides what a command means; that is the core's job.

mod channels;
mod commands;
mod course_commands;
mod error;
mod gate;
mod pager;
mod poster;
mod read_commands;
mod recommend_commands;
mod render;
mod slot_commands;
mod team_commands;

use crate::config::DiscordConfig;
use crate::state::App;
use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tracing::{info, warn};

pub use error::BotError;
pub use gate::Lifecycle;
pub use poster::DiscordPoster;

/// What every handler can reach: the application state and the adapter's own small state.
#[derive(Clone)]
pub struct Data {
    pub(crate) app: App,
    pub(crate) instructor_role: Option<serenity::RoleId>,
    /// For attachment downloads, which go straight to Discord's CDN, not through the proxy.
    pub(crate) downloads: reqwest::Client,
    /// Paged replies storing their request at once (see [`pager::components_for`]).
    pub(crate) paging: Arc<tokio::sync::Semaphore>,
}

pub(crate) type Context<'a> = poise::Context<'a, Data, BotError>;

/// How long a shutdown waits for interactions in flight before closing anyway.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Builds the client: REST and gateway through `config.api_base` when set, commands
/// registered in `config.dev_guild` when set (globally otherwise) once the bot is ready.
pub async fn build_client(config: &DiscordConfig, app: App) -> anyhow::Result<serenity::Client> {
    Ok(Bot::build(config, app).await?.client)
}

/// A built bot, not yet connected: the client, and the lifecycle its gate counts
/// interactions in, so a shutdown can let those in flight finish.
pub struct Bot {
    client: serenity::Client,
    lifecycle: Arc<Lifecycle>,
}

impl Bot {
    /// The bot over `app` (see [`build_client`] for what `config` changes).
    pub async fn build(config: &DiscordConfig, app: App) -> anyhow::Result<Bot> {
        let (client, lifecycle) = build(config, app).await?;
        Ok(Bot { client, lifecycle })
    }

    /// The real poster on the client's REST connection and gateway cache, for the
    /// scheduler the start-up runs beside the bot.
    pub fn poster(&self) -> DiscordPoster {
        DiscordPoster::new(self.client.http.clone()).with_cache(self.client.cache.clone())
    }

    /// Runs the bot until `shutdown` resolves, then stops taking interactions, lets those
    /// in flight finish and closes the gateway. The catalog stays open: the start-up that
    /// opened it closes it once its other tasks have stopped too.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let Bot {
            mut client,
            lifecycle,
        } = self;
        let shard_manager = client.shard_manager.clone();
        // serenity reconnects and resumes on its own inside `start`; we only stop it on request.
        let start = client.start();
        tokio::pin!(start);
        tokio::select! {
            result = &mut start => result.context("the Discord client stopped"),
            () = shutdown => {
                info!("shutting down: no new interactions, finishing those in flight");
                lifecycle.stop();
                if tokio::time::timeout(DRAIN_TIMEOUT, lifecycle.drained()).await.is_err() {
                    warn!(in_flight = lifecycle.in_flight(), "interactions still running at shutdown");
                }
                shard_manager.shutdown_all().await;
                match tokio::time::timeout(Duration::from_secs(5), &mut start).await {
                    Ok(result) => result.context("the Discord client stopped with an error"),
                    Err(_) => Ok(()),
                }
            }
        }
    }
}

async fn build(
    config: &DiscordConfig,
    app: App,
) -> anyhow::Result<(serenity::Client, Arc<Lifecycle>)> {
    let token = config
        .token
        .as_ref()
        .context("no Discord token: set DISCORD_TOKEN")?;
    let mut http = serenity::HttpBuilder::new(token.expose());
    if let Some(base) = &config.api_base {
        // The rate limiter builds its requests without the proxy (serenity #1739); a proxy
        // in front of Discord does the rate limiting instead.
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let data = Data {
        app,
        instructor_role: config
            .instructor_role
            .filter(|&r| r != 0)
            .map(serenity::RoleId::new),
        downloads: reqwest::Client::new(),
        paging: Arc::new(tokio::sync::Semaphore::new(pager::STORES_AT_ONCE)),
    };
    let dev_guild = config
        .dev_guild
        .filter(|&g| g != 0)
        .map(serenity::GuildId::new);
    let setup_data = data.clone();
    let framework = poise::Framework::builder()
        .options(options())
        .setup(move |ctx, ready, framework| {
            let invite = channels::invite_url(ready.application.id.get());
            Box::pin(async move {
                info!(%invite, "ready; add paperclub to a server with this link");
                register(ctx, &framework.options().commands, dev_guild).await;
                Ok(setup_data)
            })
        })
        .build();
    let lifecycle = Arc::new(Lifecycle::default());
    let gate = gate::Gate::new(framework, data, lifecycle.clone());
    let client =
        serenity::ClientBuilder::new_with_http(http.build(), serenity::GatewayIntents::GUILDS)
            .framework(gate)
            .await
            .context("building the Discord client")?;
    Ok((client, lifecycle))
}

fn options() -> poise::FrameworkOptions<Data, BotError> {
    poise::FrameworkOptions {
        commands: commands::all(),
        on_error: error::on_error,
        // Nothing the bot sends may ping: reading lists and users write the text.
        allowed_mentions: Some(render::no_mentions()),
        // No owner-only commands, so no need to ask Discord who the owners are.
        initialize_owners: false,
        pre_command: |ctx| {
            Box::pin(async move {
                info!(
                    command = %ctx.command().qualified_name,
                    guild_id = ?ctx.guild_id().map(|g| g.get()),
                    user_id = %ctx.author().id,
                    "command"
                );
            })
        },
        ..Default::default()
    }
}

/// Registration failing must not stop the bot: poise would wait for setup forever and
/// answer nothing, while the previously registered commands may still work.
async fn register(
    ctx: &serenity::Context,
    commands: &[poise::Command<Data, BotError>],
    dev_guild: Option<serenity::GuildId>,
) {
    let result = match dev_guild {
        Some(guild) => poise::builtins::register_in_guild(ctx, commands, guild).await,
        None => poise::builtins::register_globally(ctx, commands).await,
    };
    match result {
        Ok(()) => {
            info!(guild_id = ?dev_guild.map(|g| g.get()), count = commands.len(), "commands registered")
        }
        Err(e) => tracing::error!(error = %e, "registering commands failed"),
    }
}
