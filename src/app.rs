//! The start-up, the one place that wires the application: it reads the configuration,
//! opens the application state ([`crate::state::App`]) and starts whichever surface the
//! command line asked for (a data command, the chat REPL, the Discord bot, or the
//! benchmark), with the background work that surface needs: `paperclub run` starts the
//! scheduler beside the Discord client, the embedding filler and the recommender's
//! warm-up ([`serve`]); the chat REPL starts none of them, so it never claims or sends a
//! post. Nothing below imports this module.

mod examples;
mod serve;

pub use examples::{examples_dir, EXAMPLE_GUILD};
pub use serve::{serve, shutdown_signal};

use crate::cli::{Cli, Command, CourseCli, MemberArgs, TeamCli};
use crate::clock::Clock;
use crate::config::Config;
use crate::dispatch::Caller;
use crate::model::Scope;
use crate::state::App;
use std::path::Path;
use std::sync::Arc;

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
            serve::run_bot(&config, clock).await?;
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
