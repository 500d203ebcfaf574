//! What a member or their team has already engaged with, as seeds for `for:me` and
//! `for:team`. Today that is the papers they wrote notes on; reading progress and
//! presentation slots are not recorded yet, and [`NOT_COUNTED`] says so to the user.

use crate::store;
use sqlx::SqlitePool;

/// Said with every `for:` answer until those features exist.
pub const NOT_COUNTED: &str =
    "Counted: notes. Not counted yet: papers marked read and presentations (paperclub does not record them yet).";

/// Papers `user` wrote notes on in `guild`, most recent first.
pub async fn noted_by_user(pool: &SqlitePool, guild: u64, user: u64) -> anyhow::Result<Vec<i64>> {
    let mut conn = pool.acquire().await?;
    Ok(store::recommend::noted_by_user(&mut conn, guild as i64, user as i64).await?)
}

/// Papers the team wrote notes on in `guild`, most recent first.
pub async fn noted_by_team(pool: &SqlitePool, guild: u64, team: i64) -> anyhow::Result<Vec<i64>> {
    let mut conn = pool.acquire().await?;
    Ok(store::recommend::noted_by_team(&mut conn, guild as i64, team).await?)
}
