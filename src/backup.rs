//! `paperclub backup` and `paperclub restore`. A backup is a consistent copy of the
//! database, taken while the bot keeps running; the search index is not copied, being
//! derived from it. A restore first checks the copy (SQLite's integrity check, a schema
//! this build knows), refuses while any process uses the data folder, then swaps the file
//! in atomically, records the restore in it (so posts due before now look for themselves
//! in their channel before being sent: they may have gone out from the replaced database),
//! and drops the index so the next start rebuilds it from the copy.

use crate::catalog::IN_USE_LOCK;
use crate::store::backup::{inspect, newest_migration, record_restore, vacuum_into, CopyInfo};
use anyhow::{bail, Context};
use fs4::fs_std::FileExt;
use std::path::Path;

const DB: &str = "paperclub.db";

/// Writes a consistent copy of the database in `data_dir` to `dest`.
pub async fn backup(pool: &sqlx::SqlitePool, dest: &Path) -> anyhow::Result<CopyInfo> {
    if dest.exists() {
        bail!("{} already exists; choose a new file name", dest.display());
    }
    let mut conn = pool.acquire().await?;
    vacuum_into(&mut conn, dest)
        .await
        .with_context(|| format!("writing the backup to {}", dest.display()))?;
    inspect(dest).await
}

/// Replaces the database in `data_dir` with the copy at `src`, after checking it; `now`
/// is recorded as the time of the restore.
pub async fn restore(
    data_dir: &Path,
    src: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<CopyInfo> {
    let info = inspect(src)
        .await
        .with_context(|| format!("{} is not a readable paperclub database", src.display()))?;
    if info.integrity != "ok" {
        bail!(
            "{} fails SQLite's integrity check ({}); nothing was changed",
            src.display(),
            info.integrity
        );
    }
    match (info.migration, newest_migration()) {
        (None, _) => bail!("{} holds no paperclub schema; nothing was changed", src.display()),
        (Some(copy), Some(ours)) if copy > ours => bail!(
            "{} comes from a newer paperclub (schema {copy}, this one knows {ours}); nothing was changed",
            src.display()
        ),
        _ => {}
    }
    std::fs::create_dir_all(data_dir)?;
    let in_use = crate::catalog::lock_file(&data_dir.join(IN_USE_LOCK))?;
    if !in_use.try_lock_exclusive().unwrap_or(false) {
        bail!(
            "a paperclub process (the bot, a chat) is using {}; stop it, then restore",
            data_dir.display()
        );
    }
    // Copy beside the target, then rename over it: the database is the old one or the new
    // one, never half of each.
    let staging = data_dir.join(format!("{DB}.restoring"));
    std::fs::copy(src, &staging).with_context(|| format!("copying {}", src.display()))?;
    std::fs::File::open(&staging)?.sync_all()?;
    for stale in [format!("{DB}-wal"), format!("{DB}-shm")] {
        let _ = std::fs::remove_file(data_dir.join(stale));
    }
    std::fs::rename(&staging, data_dir.join(DB))?;
    // Still under the lock: no process may start on the copy before it knows of the restore.
    let pool = crate::store::connect(&data_dir.join(DB)).await?;
    let recorded = async {
        let mut conn = pool.acquire().await?;
        record_restore(&mut conn, now.timestamp(), &src.display().to_string()).await
    }
    .await;
    pool.close().await;
    recorded.context("recording the restore in the restored database")?;
    let index = data_dir.join("index");
    if index.exists() {
        std::fs::remove_dir_all(&index)
            .with_context(|| format!("removing the old search index {}", index.display()))?;
    }
    drop(in_use);
    Ok(info)
}
