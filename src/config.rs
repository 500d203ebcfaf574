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

/// Recommendations by meaning.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct EmbeddingsConfig {
    /// The sentence-embedding model: a folder (`config.json`, `model.safetensors`,
    /// `tokenizer.json`), a Hugging Face Hub repo id (`owner/name[@revision]`, fetched on
    /// first need), or `none` (rank by words, tags, citations and groupings only). Unset:
    /// all-MiniLM-L6-v2 at a pinned commit, fetched on first need.
    pub model: Option<String>,
}

impl EmbeddingsConfig {
    /// The model as configured, the pinned default when unset.
    pub fn spec(&self) -> crate::embed::ModelSpec {
        self.model
            .as_deref()
            .map(crate::embed::ModelSpec::parse)
            .unwrap_or_default()
    }
}

/// All settings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub data_dir: PathBuf,
    pub discord: DiscordConfig,
    pub embeddings: EmbeddingsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("paperclub-data"),
            discord: DiscordConfig::default(),
            embeddings: EmbeddingsConfig::default(),
        }
    }
}

impl Config {
    /// Defaults, then `file` (when given), then the environment.
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Config> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    anyhow::anyhow!("cannot read config file {}: {e}", path.display())
                })?;
                toml::from_str(&text)
                    .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    /// Environment overrides; `get` is `std::env::var` outside tests.
    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        let id = |name: &str, value: String| {
            value
                .trim()
                .parse::<u64>()
                .map_err(|_| anyhow::anyhow!("{name} must be a numeric Discord id, got {value:?}"))
        };
        if let Some(v) = get("PAPERCLUB_DATA_DIR").filter(|v| !v.is_empty()) {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("PAPERCLUB_MODEL").filter(|v| !v.is_empty()) {
            self.embeddings.model = Some(v);
        }
        if let Some(v) = get("DISCORD_TOKEN").filter(|v| !v.trim().is_empty()) {
            self.discord.token = Some(Secret::new(v.trim()));
        }
        if let Some(v) = get("PAPERCLUB_DISCORD_API").filter(|v| !v.is_empty()) {
            self.discord.api_base = Some(v);
        }
        if let Some(v) = get("PAPERCLUB_DEV_GUILD").filter(|v| !v.is_empty()) {
            self.discord.dev_guild = Some(id("PAPERCLUB_DEV_GUILD", v)?);
        }
        if let Some(v) = get("PAPERCLUB_INSTRUCTOR_ROLE").filter(|v| !v.is_empty()) {
            self.discord.instructor_role = Some(id("PAPERCLUB_INSTRUCTOR_ROLE", v)?);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_the_file_and_the_token_never_prints() {
        let mut c: Config =
            toml::from_str("data_dir = \"/srv/pc\"\n[discord]\ndev_guild = 5\n").unwrap();
        c.apply_env(|n| match n {
            "DISCORD_TOKEN" => Some("abc.def".into()),
            "PAPERCLUB_DEV_GUILD" => Some("42".into()),
            "PAPERCLUB_MODEL" => Some("/srv/minilm".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/srv/pc"));
        assert_eq!(c.discord.dev_guild, Some(42));
        assert_eq!(
            c.embeddings.spec(),
            crate::embed::ModelSpec::Folder("/srv/minilm".into())
        );
        assert!(!format!("{c:?}").contains("abc.def"));
    }

    #[test]
    fn a_misspelt_setting_or_a_bad_id_is_an_error() {
        assert!(toml::from_str::<Config>("data_dri = \"x\"").is_err());
        let mut c = Config::default();
        let err = c
            .apply_env(|n| (n == "PAPERCLUB_DEV_GUILD").then(|| "my-guild".into()))
            .unwrap_err();
        assert!(err.to_string().contains("PAPERCLUB_DEV_GUILD"));
    }

    #[test]
    fn the_example_config_file_parses() {
        let text = include_str!("../config/paperclub.example.toml");
        toml::from_str::<Config>(text).unwrap();
    }
}
