//! The one place that wires the application: configuration, the catalog (SQLite + index),
//! and whichever surface the command line asked for (a data command, the chat REPL, the
//! Discord bot, or the benchmark).

use crate::catalog::Catalog;
use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::dispatch::Caller;
use crate::model::Scope;
use std::path::{Path, PathBuf};

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
    match cli.command {
        Command::Bench { sizes, iterations } => {
            crate::cli::run_bench(&sizes, iterations).await?;
            Ok(0)
        }
        Command::Chat { guild, no_examples } => {
            let catalog = Catalog::open(&config.data_dir).await?;
            if !no_examples && catalog.stats(Scope::GLOBAL).await?.files == 0 {
                import_examples(&catalog).await?;
            }
            let caller = Caller {
                scope: guild.map_or(Scope::GLOBAL, Scope),
                user_id: 0,
                // The person at the terminal owns the data folder.
                instructor: true,
            };
            crate::cli::run_chat(&catalog, &caller).await?;
            catalog.close().await;
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
            let catalog = std::sync::Arc::new(Catalog::open(&config.data_dir).await?);
            crate::discord::run(&config.discord, catalog, crate::discord::shutdown_signal())
                .await?;
            Ok(0)
        }
        command => {
            let catalog = Catalog::open(&config.data_dir).await?;
            let code = crate::cli::run_data_command(&catalog, command, cli.json).await?;
            catalog.close().await;
            Ok(code)
        }
    }
}

async fn import_examples(catalog: &Catalog) -> anyhow::Result<()> {
    let dir = examples_dir();
    let files = crate::cli::collect_files(std::slice::from_ref(&dir))?;
    let mut contents = Vec::new();
    for file in &files {
        contents.push((file.display().to_string(), std::fs::read(file)?));
    }
    let reports = catalog.import_files(Scope::GLOBAL, contents, None).await;
    let papers: usize = reports.iter().map(|r| r.new).sum();
    eprintln!(
        "Imported the example catalog ({papers} papers from {} files in {}).",
        files.len(),
        dir.display()
    );
    Ok(())
}
