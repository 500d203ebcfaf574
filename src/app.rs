//! The start-up, the one place that wires the application: it reads the configuration,
//! opens the application state ([`crate::state::App`]) and starts whichever surface the
//! command line asked for (a data command, the chat REPL, the Discord bot, or the
//! benchmark), with the background work that surface needs: `paperclub run` starts the
//! scheduler beside the Discord client, the embedding filler and the recommender's
//! warm-up ([`run_bot`], [`serve`]); the chat REPL starts none of them, so it never claims
//! or sends a post. Nothing below imports this module, and only this file imports the
//! surfaces (`cli`, `discord`).

mod examples;

pub use examples::{examples_dir, EXAMPLE_GUILD};

use crate::cli::{Cli, Command, CourseCli, MemberArgs, TeamCli};
use crate::clock::Clock;
use crate::config::{Config, DiscordConfig};
use crate::discord::Bot;
use crate::dispatch::Caller;
use crate::model::Scope;
use crate::state::App;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tracing::{info, warn};

/// Runs the parsed command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = cli.data_dir {
        config.data_dir = dir;
    }
    let clock = crate::clock::from_env()?;
    match cli.command {
        Command::Bench {
            sizes,
            iterations,
            model,
        } => {
            crate::cli::run_bench(&sizes, iterations, model.as_deref()).await?;
            Ok(0)
        }
        Command::Chat {
            guild,
            user,
            roles,
            instructor,
            no_examples,
        } => {
            let caller = Caller {
                scope: guild.map_or(Scope(EXAMPLE_GUILD), Scope),
                user_id: user.unwrap_or(crate::dispatch::TERMINAL_USER),
                roles,
                // The person at the terminal owns the data folder, and is its instructor
                // unless they play a member (`--user`), as the other course commands do.
                instructor: instructor || user.is_none(),
            };
            chat(&config, clock, &caller, no_examples).await
        }
        Command::Run {
            discord_api,
            dev_guild,
        } => {
            if discord_api.is_some() {
                config.discord.api_base = discord_api;
            }
            if dev_guild.is_some() {
                config.discord.dev_guild = dev_guild;
            }
            run_bot(&config, clock).await?;
            Ok(0)
        }
        Command::Backup { path } => backup(&config, clock, &path).await,
        Command::Restore { path } => restore(&config, clock, &path).await,
        Command::Embed { model } => embed(&config, clock, model).await,
        Command::Model { action } => crate::cli::run_model(&config, clock, action, cli.json).await,
        Command::Recommend(args) => {
            let app = App::open(&config.data_dir, clock).await?;
            let code = crate::cli::run_recommend(&app, &args, cli.json).await;
            app.catalog.close().await;
            code
        }
        Command::Eval {
            what: what @ crate::cli::EvalCommand::Recommend { .. },
        } => crate::cli::run_eval(what, clock, cli.json).await,
        command => catalog_or_course_command(&config, clock, command, cli.json).await,
    }
}

/// The chat REPL over the data folder, with the examples imported into an empty one
/// unless `no_examples`.
async fn chat(
    config: &Config,
    clock: Arc<dyn Clock>,
    caller: &Caller,
    no_examples: bool,
) -> anyhow::Result<i32> {
    let app = App::open(&config.data_dir, clock).await?;
    if !no_examples && app.catalog.stats(Scope::GLOBAL).await?.files == 0 {
        examples::import_examples(&app).await?;
    }
    // The chat answers at once; the model arrives (or is said to be missing) behind it.
    let spec = config.embeddings.spec();
    let fetching = crate::embed::arrive::will_fetch(&spec);
    if fetching {
        eprintln!(
            "Fetching the sentence-embedding model {} in the background.",
            spec.name()
        );
    }
    let pool = app.catalog.pool().clone();
    crate::embed::arrive::in_background(pool, spec, |s| eprintln!("{s}"), fetching);
    crate::cli::run_chat(&app, caller).await?;
    app.catalog.close().await;
    Ok(0)
}

async fn backup(config: &Config, clock: Arc<dyn Clock>, path: &Path) -> anyhow::Result<i32> {
    let app = App::open(&config.data_dir, clock).await?;
    let info = crate::backup::backup(app.catalog.pool(), path).await;
    app.catalog.close().await;
    let info = info?;
    println!(
        "✓ backup written to {}: {} papers, {} courses, integrity {}",
        path.display(),
        info.papers,
        info.courses,
        info.integrity
    );
    Ok(0)
}

async fn restore(config: &Config, clock: Arc<dyn Clock>, path: &Path) -> anyhow::Result<i32> {
    let info = crate::backup::restore(&config.data_dir, path, clock.now()).await?;
    // Opening the folder rebuilds the index from the restored database.
    let app = App::open(&config.data_dir, clock).await?;
    app.catalog.close().await;
    println!(
        "✓ restored {} into {}: {} papers, {} courses; search index rebuilt",
        path.display(),
        config.data_dir.display(),
        info.papers,
        info.courses
    );
    Ok(0)
}

async fn embed(
    config: &Config,
    clock: Arc<dyn Clock>,
    model: Option<String>,
) -> anyhow::Result<i32> {
    let spec = model
        .as_deref()
        .map_or_else(|| config.embeddings.spec(), crate::embed::ModelSpec::parse);
    let app = App::open(&config.data_dir, clock).await?;
    let code = crate::cli::run_embed(&app, &spec).await;
    app.catalog.close().await;
    code
}

/// The course, team and member commands, each in its guild, and the catalog's data
/// commands (`import`, `search`, ...), which run on the catalog alone.
async fn catalog_or_course_command(
    config: &Config,
    clock: Arc<dyn Clock>,
    command: Command,
    json: bool,
) -> anyhow::Result<i32> {
    match command {
        Command::Course { guild, action } => {
            let Some(guild) = needs_guild(guild, "course") else {
                return Ok(2);
            };
            course_command(config, clock, guild, CourseCli::Course(action), json).await
        }
        Command::Session { guild, action } => {
            let Some(guild) = needs_guild(guild, "session") else {
                return Ok(2);
            };
            course_command(config, clock, guild, CourseCli::Session(action), json).await
        }
        Command::Week { guild, week } => {
            course_command(config, clock, guild, CourseCli::Week(week), json).await
        }
        Command::Schedule { guild, action } => {
            let Some(guild) = needs_guild(guild, "schedule") else {
                return Ok(2);
            };
            course_command(config, clock, guild, CourseCli::Schedule(action), json).await
        }
        Command::Team { who, action } => {
            team_command(config, clock, &who, TeamCli::Team(action), json).await
        }
        Command::Note { who, action } => {
            team_command(config, clock, &who, TeamCli::Note(action), json).await
        }
        Command::Notes { who, action } => {
            team_command(config, clock, &who, TeamCli::Notes(action), json).await
        }
        Command::Slot { who, action } => {
            team_command(config, clock, &who, TeamCli::Slot(action), json).await
        }
        Command::Read { who, action } => {
            // Without a member, the marks would be user 0's, whom no one is.
            if who.user.is_none() {
                eprintln!(
                    "error: `read` is one member's progress; give `--user ID` (their Discord id)"
                );
                return Ok(2);
            }
            team_command(config, clock, &who, TeamCli::Read(action), json).await
        }
        command => {
            let app = App::open(&config.data_dir, clock).await?;
            let code = crate::cli::run_data_command(&app.catalog, command, json).await?;
            app.catalog.close().await;
            Ok(code)
        }
    }
}

/// The guild a course command names with `--guild` (before or after its subcommand), or
/// `None` after saying it is missing: clap cannot require an option that may come on either
/// side of a subcommand.
fn needs_guild(guild: Option<u64>, command: &str) -> Option<u64> {
    if guild.is_none() {
        eprintln!("error: `{command}` needs `--guild ID` (the Discord server's id)");
    }
    guild
}

async fn course_command(
    config: &Config,
    clock: Arc<dyn Clock>,
    guild: u64,
    command: CourseCli,
    json: bool,
) -> anyhow::Result<i32> {
    let app = App::open(&config.data_dir, clock).await?;
    let code = crate::cli::run_course_command(&app, guild, command, json).await;
    app.catalog.close().await;
    code
}

async fn team_command(
    config: &Config,
    clock: Arc<dyn Clock>,
    who: &MemberArgs,
    command: TeamCli,
    json: bool,
) -> anyhow::Result<i32> {
    let app = App::open(&config.data_dir, clock).await?;
    let code = crate::cli::run_team_command(&app, who, command, json).await;
    app.catalog.close().await;
    code
}

/// How long a shutdown waits for a scheduler tick in progress (a delivery in flight).
const SCHEDULER_STOP: Duration = Duration::from_secs(10);

/// Loads the embedding model, opens the data folder, starts the background work and runs
/// the bot until SIGINT or SIGTERM.
async fn run_bot(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
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
