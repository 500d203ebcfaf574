//! Placeholder until the Discord adapter lands.

use crate::catalog::Catalog;
use crate::config::DiscordConfig;
use std::sync::Arc;

pub async fn run(config: &DiscordConfig, catalog: Arc<Catalog>) -> anyhow::Result<()> {
    let _ = (config, catalog);
    anyhow::bail!("the Discord adapter is not wired yet")
}
