//! Typed configuration: built-in defaults, then the TOML file, then environment variables
//! (`PAPERCLUB_*`, `DISCORD_TOKEN`), then command-line flags. The Discord token is a
//! [`Secret`] that never prints.

use serde::Deserialize;
use std::fmt;
use std::path::PathBuf;

/// A value that must never reach a log or a reply.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Settings of the Discord surface.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// Bot token; prefer the `DISCORD_TOKEN` environment variable over the file.
    pub token: Option<Secret>,
    /// Base URL that all REST and gateway traffic goes through (an HTTP proxy, or a fake
    /// Discord in tests). Unset: discord.com directly.
    pub api_base: Option<String>,
    /// Register commands in this guild only (instant updates while developing).
    pub dev_guild: Option<u64>,
    /// Members with this role id are instructors, besides those with Manage Server.
    pub instructor_role: Option<u64>,
}

/// All settings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub data_dir: PathBuf,
    pub discord: DiscordConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("paperclub-data"),
            discord: DiscordConfig::default(),
        }
    }
}
