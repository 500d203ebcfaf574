//! Fault points for the crash tests in `tests/`: `PAPERCLUB_FAULT` names the points that
//! fire in this process (comma-separated). Real failures at these points (a power cut, a
//! full disk) cannot be produced on demand, and the recovery they need is what matters.
//! Unset, a check costs one read of a value cached at the first check.

use std::sync::OnceLock;

/// Abort the process right after an import's database commit, before the index sees it.
pub const AFTER_DB_COMMIT: &str = "after-db-commit";
/// Fail every search-index commit.
pub const INDEX_COMMIT: &str = "index-commit";

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
