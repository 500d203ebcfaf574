//! Fault points for the crash tests in `tests/`: `PAPERCLUB_FAULT` names the points that
//! fire in this process (comma-separated). Real failures at these points (a power cut, a
//! full disk) cannot be produced on demand, and the recovery they need is what matters.
//! Unset, a check costs one read of a value cached at the first check.

use std::sync::OnceLock;

/// Abort the process right after an import's database commit, before the index sees it.
pub const AFTER_DB_COMMIT: &str = "after-db-commit";
/// Fail every search-index commit.
pub const INDEX_COMMIT: &str = "index-commit";
/// Kill the process right after the scheduler claims a weekly post, before sending it.
pub const AFTER_CLAIM: &str = "after-claim";
/// Kill the process right after Discord took a post's message, before its id is recorded.
pub const AFTER_SEND: &str = "after-send";
/// Kill the process right after the first batch of embedding vectors is committed.
pub const AFTER_EMBED_BATCH: &str = "after-embed-batch";

/// Whether the fault point `point` is switched on.
pub fn hit(point: &str) -> bool {
    static POINTS: OnceLock<Vec<String>> = OnceLock::new();
    POINTS
        .get_or_init(|| {
            std::env::var("PAPERCLUB_FAULT")
                .unwrap_or_default()
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .iter()
        .any(|p| p == point)
}

/// Kills this process with SIGKILL at `point` when it is switched on: no clean-up, no
/// flush, exactly what a crash or the OOM killer does.
pub fn kill_at(point: &str) {
    if hit(point) {
        tracing::warn!(point, "PAPERCLUB_FAULT: killing this process");
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &std::process::id().to_string()])
            .status();
        std::process::abort();
    }
}
