//! `paperclub run`: the bot and everything that runs beside it for the life of the
//! process. The start-up starts each background task here, once per process: the
//! weekly-post scheduler next to the Discord client (never from a gateway event, since
//! READY repeats on every reconnect), the embedding filler when a model is configured, and
//! the recommender's first snapshot. A shutdown stops the bot first, then the scheduler,
//! then closes the catalog.

use crate::clock::Clock;
use crate::config::{Config, DiscordConfig};
use crate::discord::Bot;
use crate::state::App;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tracing::{info, warn};

/// How long a shutdown waits for a scheduler tick in progress (a delivery in flight).
const SCHEDULER_STOP: Duration = Duration::from_secs(10);

/// Loads the embedding model, opens the data folder, starts the background work and runs
/// the bot until SIGINT or SIGTERM.
pub(super) async fn run_bot(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let app = App::open(&config.data_dir, clock).await?;
    // Fetched and loaded beside the bot, which connects meanwhile; without it the bot logs
    // why once and ranks without meaning.
    crate::embed::arrive::in_background(
        app.catalog.pool().clone(),
        config.embeddings.spec(),
        |why| tracing::warn!("{why}"),
        false,
    );
    // A large catalog's recommendation snapshot takes seconds to build: build it
    // now rather than in the first /recommend's three-second window.
    let warm = app.clone();
    tokio::spawn(async move {
        if let Err(e) = warm.recommender.snapshot(warm.catalog.pool()).await {
            tracing::warn!(error = %e, "building the recommendation snapshot failed");
        }
    });
    serve(&config.discord, app, shutdown_signal()).await
}

/// Runs the bot and its scheduler until `shutdown` resolves, then stops taking
/// interactions, lets those in flight finish, closes the gateway, stops the scheduler and
/// closes the catalog.
pub async fn serve(
    config: &DiscordConfig,
    app: App,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let bot = Bot::build(config, app.clone()).await?;
    let stop_scheduler = Arc::new(tokio::sync::Notify::new());
    let scheduler = tokio::spawn(crate::schedule::run(
        app.courses.clone(),
        app.clock.clone(),
        Arc::new(bot.poster()),
        {
            let stop = stop_scheduler.clone();
            async move { stop.notified().await }
        },
    ));
    let result = bot.run(shutdown).await;
    stop_scheduler.notify_one();
    if tokio::time::timeout(SCHEDULER_STOP, scheduler)
        .await
        .is_err()
    {
        warn!("the scheduler did not stop in time");
    }
    app.catalog.close().await;
    info!("stopped");
    result
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM (systemd, containers).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
