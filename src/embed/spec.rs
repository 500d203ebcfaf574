//! Which model a process uses, as the operator names it (`[embeddings] model`,
//! `PAPERCLUB_MODEL`, `--model`): `none` (meaning off), a folder in the Hugging Face layout,
//! or a Hub repo id (`owner/name`, optionally `@revision`). Unset means the default model,
//! all-MiniLM-L6-v2 at a pinned commit, so every installation computes the same vectors
//! and a change upstream never changes ours without a release of paperclub.

use std::fmt;
use std::path::PathBuf;

/// The default model's repo on the Hub.
pub const DEFAULT_REPO: &str = "sentence-transformers/all-MiniLM-L6-v2";
/// The commit of [`DEFAULT_REPO`] fetched: the head of its `main` when pinned. To move it,
/// replace the hash (and [`DEFAULT_WEIGHTS`] if the weights changed) and say so in the
/// release notes: vectors of the old files are recomputed, as for any other model change.
pub const DEFAULT_REVISION: &str = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41";
/// Size and sha256 of the default model's `model.safetensors` at [`DEFAULT_REVISION`],
/// checked besides what the Hub says, so a mirror (`HF_ENDPOINT`) cannot swap the weights.
pub const DEFAULT_WEIGHTS: (u64, &str) = (
    90_868_376,
    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
);

/// A model as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSpec {
    /// `none`: recommendations rank without meaning; nothing is fetched.
    Off,
    /// A folder with `config.json`, `model.safetensors` and `tokenizer.json`.
    Folder(PathBuf),
    /// A repo on the Hugging Face Hub at a revision (a commit, branch or tag).
    Hub { repo: String, revision: String },
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec::Hub {
            repo: DEFAULT_REPO.into(),
            revision: DEFAULT_REVISION.into(),
        }
    }
}

impl ModelSpec {
    /// Reads what the operator wrote. An existing folder wins over a repo id of the same
    /// spelling; a path (`/`, `.`, `~` first, or more than one `/`) is always a folder, so a
    /// mistyped folder says "no such folder" rather than asking the Hub.
    pub fn parse(text: &str) -> ModelSpec {
        let text = text.trim();
        if text.eq_ignore_ascii_case("none") || text.eq_ignore_ascii_case("off") {
            return ModelSpec::Off;
        }
        let path = PathBuf::from(text);
        if path.is_dir() || text.starts_with(['/', '.', '~', '\\']) {
            return ModelSpec::Folder(path);
        }
        let (repo, revision) = match text.split_once('@') {
            Some((repo, rev)) if !rev.is_empty() => (repo, rev),
            _ => (text, "main"),
        };
        let part_ok = |p: &str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match repo.split_once('/') {
            Some((owner, name)) if part_ok(owner) && part_ok(name) => ModelSpec::Hub {
                repo: repo.into(),
                revision: revision.into(),
            },
            _ => ModelSpec::Folder(path),
        }
    }

    /// A short name for messages: the repo id without its revision, or the folder.
    pub fn name(&self) -> String {
        match self {
            ModelSpec::Hub { repo, .. } => repo.clone(),
            ModelSpec::Folder(dir) => dir.display().to_string(),
            ModelSpec::Off => "none".into(),
        }
    }

    /// Whether this is the pinned default.
    pub fn is_default(&self) -> bool {
        *self == ModelSpec::default()
    }
}

impl fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelSpec::Off => f.write_str("none"),
            ModelSpec::Folder(dir) => write!(f, "the folder {}", dir.display()),
            ModelSpec::Hub { repo, revision } => write!(f, "{repo}@{revision}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_a_folder_and_a_repo_id_are_told_apart() {
        assert_eq!(ModelSpec::parse("none"), ModelSpec::Off);
        assert_eq!(ModelSpec::parse(" None "), ModelSpec::Off);
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().display().to_string();
        assert_eq!(
            ModelSpec::parse(&text),
            ModelSpec::Folder(dir.path().into())
        );
        assert_eq!(
            ModelSpec::parse("./models/minilm"),
            ModelSpec::Folder("./models/minilm".into())
        );
        assert_eq!(
            ModelSpec::parse("BAAI/bge-small-en-v1.5"),
            ModelSpec::Hub {
                repo: "BAAI/bge-small-en-v1.5".into(),
                revision: "main".into()
            }
        );
        assert_eq!(
            ModelSpec::parse("org/model@abc123"),
            ModelSpec::Hub {
                repo: "org/model".into(),
                revision: "abc123".into()
            }
        );
        assert_eq!(ModelSpec::parse("a/b/c"), ModelSpec::Folder("a/b/c".into()));
    }

    #[test]
    fn the_default_is_minilm_at_a_pinned_commit() {
        let ModelSpec::Hub { repo, revision } = ModelSpec::default() else {
            panic!("the default is a Hub model");
        };
        assert_eq!(repo, "sentence-transformers/all-MiniLM-L6-v2");
        assert_eq!(revision.len(), 40);
        assert!(revision.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
