//! The one place that wires the application: configuration, the one application state
//! every surface shares ([`App`]: the catalog over SQLite + index, the course service on
//! the same database, the clock), and whichever surface the command line asked for (a data
//! command, the chat REPL, the Discord bot with its scheduler, or the benchmark).

use crate::catalog::Catalog;
use crate::cli::{Cli, Command, CourseCli, MemberArgs, TeamCli};
use crate::clock::Clock;
use crate::config::Config;
use crate::course::Courses;
use crate::dispatch::Caller;
use crate::model::Scope;
use crate::recommend::Recommender;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The application state: what every command, surface and the scheduler share.
#[derive(Clone)]
pub struct App {
    pub catalog: Arc<Catalog>,
    pub courses: Courses,
    pub clock: Arc<dyn Clock>,
    /// Recommendations' snapshot of the catalog, kept per process until it changes.
    pub recommender: Arc<Recommender>,
}

impl App {
    /// The state over an open catalog; courses share its database.
    pub fn new(catalog: Arc<Catalog>, clock: Arc<dyn Clock>) -> App {
        App {
            courses: Courses::new(catalog.pool().clone()),
            catalog,
            clock,
            recommender: Arc::new(Recommender::default()),
        }
    }

    /// The state over a catalog alone, on the system clock (tests of catalog commands).
    pub fn with_system_clock(catalog: Catalog) -> App {
        App::new(Arc::new(catalog), Arc::new(crate::clock::SystemClock))
    }

    /// Opens (creating and migrating) the data folder.
    pub async fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        Ok(App::new(Arc::new(Catalog::open(data_dir).await?), clock))
    }

    /// A fresh application in memory (tests, benchmarks).
    pub async fn in_memory(clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        Ok(App::new(Arc::new(Catalog::open_in_memory().await?), clock))
    }
}

/// The example catalog that `chat` imports into an empty data folder.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

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
            let app = App::open(&config.data_dir, clock).await?;
            if !no_examples && app.catalog.stats(Scope::GLOBAL).await?.files == 0 {
                import_examples(&app).await?;
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
            let caller = Caller {
                scope: guild.map_or(Scope(EXAMPLE_GUILD), Scope),
                user_id: user.unwrap_or(crate::dispatch::TERMINAL_USER),
                roles,
                // The person at the terminal owns the data folder, and is its instructor
                // unless they play a member (`--user`), as the other course commands do.
                instructor: instructor || user.is_none(),
            };
            crate::cli::run_chat(&app, &caller).await?;
            app.catalog.close().await;
            Ok(0)
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
            let app = App::open(&config.data_dir, clock).await?;
            // Fetched and loaded beside the bot, which connects meanwhile; without it the
            // bot logs why once and ranks without meaning.
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
            crate::discord::run(&config.discord, app, crate::discord::shutdown_signal()).await?;
            Ok(0)
        }
        Command::Backup { path } => {
            let app = App::open(&config.data_dir, clock).await?;
            let info = crate::backup::backup(app.catalog.pool(), &path).await;
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
        Command::Restore { path } => {
            let info = crate::backup::restore(&config.data_dir, &path, clock.now()).await?;
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
        Command::Embed { model } => {
            let spec = model
                .as_deref()
                .map_or_else(|| config.embeddings.spec(), crate::embed::ModelSpec::parse);
            let app = App::open(&config.data_dir, clock).await?;
            let code = crate::cli::run_embed(&app, &spec).await;
            app.catalog.close().await;
            code
        }
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
        Command::Course { guild, action } => {
            let Some(guild) = needs_guild(guild, "course") else {
                return Ok(2);
            };
            course_command(&config, clock, guild, CourseCli::Course(action), cli.json).await
        }
        Command::Session { guild, action } => {
            let Some(guild) = needs_guild(guild, "session") else {
                return Ok(2);
            };
            course_command(&config, clock, guild, CourseCli::Session(action), cli.json).await
        }
        Command::Week { guild, week } => {
            course_command(&config, clock, guild, CourseCli::Week(week), cli.json).await
        }
        Command::Schedule { guild, action } => {
            let Some(guild) = needs_guild(guild, "schedule") else {
                return Ok(2);
            };
            course_command(&config, clock, guild, CourseCli::Schedule(action), cli.json).await
        }
        Command::Team { who, action } => {
            team_command(&config, clock, &who, TeamCli::Team(action), cli.json).await
        }
        Command::Note { who, action } => {
            team_command(&config, clock, &who, TeamCli::Note(action), cli.json).await
        }
        Command::Notes { who, action } => {
            team_command(&config, clock, &who, TeamCli::Notes(action), cli.json).await
        }
        Command::Slot { who, action } => {
            team_command(&config, clock, &who, TeamCli::Slot(action), cli.json).await
        }
        Command::Read { who, action } => {
            // Without a member, the marks would be user 0's, whom no one is.
            if who.user.is_none() {
                eprintln!(
                    "error: `read` is one member's progress; give `--user ID` (their Discord id)"
                );
                return Ok(2);
            }
            team_command(&config, clock, &who, TeamCli::Read(action), cli.json).await
        }
        command => {
            let app = App::open(&config.data_dir, clock).await?;
            let code = crate::cli::run_data_command(&app.catalog, command, cli.json).await?;
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

/// The guild `chat` plays when none is given: the example course lives there.
pub const EXAMPLE_GUILD: u64 = 1;

/// Imports the bundled example catalog, and sets up a small example course (in
/// [`EXAMPLE_GUILD`]) from the example course post, so `chat` shows both.
async fn import_examples(app: &App) -> anyhow::Result<()> {
    let dir = examples_dir();
    let files = crate::cli::collect_files(std::slice::from_ref(&dir))?;
    let mut contents = Vec::new();
    for file in &files {
        contents.push((file.display().to_string(), std::fs::read(file)?));
    }
    let reports = app
        .catalog
        .import_files(Scope::GLOBAL, contents, None)
        .await;
    let papers: usize = reports.iter().map(|r| r.new).sum();
    eprintln!(
        "Imported the example catalog ({papers} papers from {} files in {}).",
        files.len(),
        dir.display()
    );
    example_course(app, &dir.join("course")).await
}

/// The example course: weekly posts on Mondays at 09:00 in Berlin, starting this week, with
/// the sessions in `examples/course/`.
async fn example_course(app: &App, dir: &Path) -> anyhow::Result<()> {
    use crate::course::{CourseError, CourseSettings};
    let now = app.clock.now();
    let settings = CourseSettings {
        channel: Some(EXAMPLE_CHANNEL),
        timezone: Some("Europe/Berlin".into()),
        schedule: Some("MON 09:00".into()),
        start: Some(now.date_naive().to_string()),
        ..CourseSettings::default()
    };
    let internal = |e: CourseError| anyhow::anyhow!("example course: {e}");
    app.courses
        .configure(EXAMPLE_GUILD, settings, true, now)
        .await
        .map_err(internal)?;
    let mut posts = Vec::new();
    for file in crate::cli::collect_files(&[dir.to_path_buf()])? {
        posts.push((file.display().to_string(), std::fs::read(&file)?));
    }
    posts.sort();
    let done = app
        .courses
        .import_posts(&app.catalog, EXAMPLE_GUILD, posts, now)
        .await
        .map_err(internal)?;
    for team in ["team-1", "team-2"] {
        app.courses
            .create_team(EXAMPLE_GUILD, team, None, now)
            .await
            .map_err(internal)?;
    }
    eprintln!(
        "Set up an example course in guild {EXAMPLE_GUILD} with {} weekly sessions and two teams (try /schedule, /week, /course info, /team list, /slot autofill).",
        done.len()
    );
    Ok(())
}

/// The example course's channel id (any id: `chat` prints posts instead of sending them).
const EXAMPLE_CHANNEL: u64 = 100;
