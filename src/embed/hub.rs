//! A Hub model's files in the ecosystem's cache, fetched with `hf-hub` when missing. The
//! cache is the one every Hugging Face client shares (`HF_HUB_CACHE`, else `HF_HOME/hub`,
//! else `~/.cache/huggingface/hub`: `models--owner--name/{blobs,snapshots,refs}`), so a
//! model fetched by Python is found here and the other way round. A model found there is
//! used without a request; `HF_HUB_OFFLINE=1` forbids requests altogether; `HF_ENDPOINT`
//! names a mirror. Every fetched file is checked before use: against the digest the Hub
//! names its blob by (sha256 for large files, git's sha1 otherwise), against the pinned
//! size and sha256 of the default weights, and for its structure (JSON parses, the
//! safetensors header accounts for every byte); a file that fails is deleted, so the next
//! start fetches it again. A fetch gives up after [`STALL`] without a byte.

use super::spec::{ModelSpec, DEFAULT_WEIGHTS};
use super::verify::{check_digest, check_structure};
use hf_hub::api::tokio::{ApiBuilder, Progress};
use hf_hub::{Repo, RepoType};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The files a model needs, smallest first (a wrong repo fails before 90 MB).
pub const FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// How long a fetch waits for the next byte (or the first answer) before giving up: long
/// enough for a slow mirror, short enough that an offline machine hears why soon.
pub const STALL: Duration = Duration::from_secs(20);

/// The hub cache folder, as the Python client finds it.
pub fn cache_dir() -> anyhow::Result<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("HF_HUB_CACHE") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(home) = var("HF_HOME") {
        return Ok(PathBuf::from(home).join("hub"));
    }
    let cache = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .ok_or_else(|| {
            anyhow::anyhow!("neither HF_HOME nor HOME is set, so there is no model cache")
        })?;
    Ok(cache.join("huggingface").join("hub"))
}

/// Whether `HF_HUB_OFFLINE` forbids requests (`1`, `true`, `yes`, `on`, as in Python).
pub fn offline() -> bool {
    std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}

/// The Hub's address: `HF_ENDPOINT` or huggingface.co.
pub fn endpoint() -> String {
    std::env::var("HF_ENDPOINT")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map_or_else(
            || "https://huggingface.co".into(),
            |v| v.trim().trim_end_matches('/').into(),
        )
}

fn repo_dir(cache: &Path, repo: &str) -> PathBuf {
    cache.join(format!("models--{}", repo.replace('/', "--")))
}

/// The snapshot folder of `repo` at `revision` when the cache holds every file of it.
pub fn cached(cache: &Path, repo: &str, revision: &str) -> Option<PathBuf> {
    let snapshot = snapshot_dir(cache, repo, revision)?;
    FILES
        .iter()
        .all(|f| snapshot.join(f).is_file())
        .then_some(snapshot)
}

/// Where the files of `repo` at `revision` are or would be: a commit hash names its
/// folder; a branch or tag is read through `refs/` (so `None` before its first fetch).
fn snapshot_dir(cache: &Path, repo: &str, revision: &str) -> Option<PathBuf> {
    let dir = repo_dir(cache, repo);
    let commit = if revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit()) {
        revision.to_string()
    } else {
        std::fs::read_to_string(dir.join("refs").join(revision))
            .ok()?
            .trim()
            .to_string()
    };
    Some(dir.join("snapshots").join(commit))
}

/// Checks the structure of a cached snapshot's files (no digests: that reads 90 MB on
/// every start); a broken file is deleted so that it is fetched again.
pub fn check_cached(snapshot: &Path) -> anyhow::Result<()> {
    for file in FILES {
        let path = snapshot.join(file);
        if let Err(e) = check_structure(&path) {
            forget(&path);
            anyhow::bail!("the cached {file} is damaged ({e}); it was deleted");
        }
    }
    Ok(())
}

/// Fetches the files of `repo` at `revision` missing from the cache and returns the
/// snapshot folder; `bar` shows a progress bar (on a terminal).
pub async fn fetch(repo: &str, revision: &str, bar: bool) -> anyhow::Result<PathBuf> {
    let cache = cache_dir()?;
    let api = ApiBuilder::from_cache(hf_hub::Cache::new(cache.clone()))
        .with_endpoint(endpoint())
        .with_progress(false)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot set up the Hub client: {e}"))?;
    let hub = api.repo(Repo::with_revision(
        repo.into(),
        RepoType::Model,
        revision.into(),
    ));
    let pinned = (ModelSpec::Hub {
        repo: repo.into(),
        revision: revision.into(),
    })
    .is_default();
    let mut snapshot: Option<PathBuf> = None;
    for file in FILES {
        let have = snapshot_dir(&cache, repo, revision).map(|s| s.join(file));
        let path = match have.filter(|p| p.is_file()) {
            Some(p) => p,
            None => {
                let watch = Watch::new(bar);
                let download = hub.download_with_progress(file, watch.clone());
                let path = watch
                    .bound(download)
                    .await
                    .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
                watch.done();
                if let Err(e) = check_fetched(&path, file, pinned) {
                    forget(&path);
                    anyhow::bail!("{file} arrived damaged ({e}); it was deleted");
                }
                path
            }
        };
        let folder = path.parent().map(Path::to_path_buf);
        if snapshot.is_some() && snapshot != folder {
            anyhow::bail!("{repo} changed on the Hub during the fetch; try again");
        }
        snapshot = folder;
    }
    snapshot.ok_or_else(|| anyhow::anyhow!("no files were fetched"))
}

/// The checks of a file just fetched: its digest, the pin, its structure.
fn check_fetched(path: &Path, file: &str, pinned: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(path)?;
    // hf-hub names a blob by the ETag the Hub gave: the content's digest.
    let blob = std::fs::canonicalize(path)?;
    let etag = blob.file_name().and_then(|n| n.to_str()).unwrap_or("");
    check_digest(&bytes, etag)?;
    if pinned && file == "model.safetensors" {
        let (size, sha) = DEFAULT_WEIGHTS;
        anyhow::ensure!(
            bytes.len() as u64 == size,
            "not the pinned weights: {} bytes, the pinned ones have {size}",
            bytes.len()
        );
        check_digest(&bytes, sha)
            .map_err(|e| anyhow::anyhow!("not the pinned weights ({size} bytes): {e}"))?;
    }
    check_structure(path)
}

/// Deletes a snapshot's file and the blob it points to, so a fetch starts over.
fn forget(path: &Path) {
    if let Ok(blob) = std::fs::canonicalize(path) {
        let _ = std::fs::remove_file(blob);
    }
    let _ = std::fs::remove_file(path);
}

/// The innermost cause of a client error ("Connection refused", "dns error: ..."), which
/// says more to an operator than the request's URL around it; the error itself when it
/// has none (an HTTP status says what it is).
fn cause(e: &dyn std::error::Error) -> String {
    let mut inner = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string()
}

/// hf-hub's progress callbacks, kept to see whether bytes still arrive and to draw a bar.
#[derive(Clone)]
struct Watch {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    /// Milliseconds after `started` of the last sign of life.
    last: Arc<AtomicU64>,
}

impl Watch {
    fn new(bar: bool) -> Watch {
        Watch {
            bar: bar.then(|| indicatif::ProgressBar::new(0)),
            started: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    fn alive(&self) {
        let ms = self.started.elapsed().as_millis() as u64;
        self.last.store(ms, Ordering::Relaxed);
    }

    fn idle(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.started.elapsed().saturating_sub(last)
    }

    /// Runs `work` until it ends or nothing arrives for [`STALL`].
    async fn bound<T, E: std::error::Error>(
        &self,
        work: impl std::future::Future<Output = Result<T, E>>,
    ) -> anyhow::Result<T> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                done = &mut work => return done.map_err(|e| anyhow::anyhow!("{}", cause(&e))),
                () = tokio::time::sleep(Duration::from_millis(250)) => {
                    if self.idle() > STALL {
                        self.done();
                        anyhow::bail!("no answer for {} s", STALL.as_secs());
                    }
                }
            }
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Watch {
    async fn init(&mut self, size: usize, filename: &str) {
        self.alive();
        if let Some(bar) = &self.bar {
            bar.set_length(size as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{msg} [{wide_bar}] {bytes}/{total_bytes} ({eta})",
            ) {
                bar.set_style(style);
            }
            bar.set_message(format!("fetching {filename}"));
        }
    }

    async fn update(&mut self, size: usize) {
        self.alive();
        if let Some(bar) = &self.bar {
            bar.inc(size as u64);
        }
    }

    async fn finish(&mut self) {
        self.alive();
    }
}
