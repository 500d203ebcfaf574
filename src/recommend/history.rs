//! What a member or their team has already engaged with, as seeds for `for:me` and
//! `for:team`: a member's notes and the papers they marked read; a team's notes and the
//! papers it presents. Reading marks belong to members, so `for:team` does not count them
//! (a team tied to a role has no member list to add them up from).

use crate::store;
use sqlx::SqlitePool;

/// Said with every `for:` answer, so nobody takes the suggestions for more than they are.
pub const NOT_COUNTED: &str =
    "Counted: for you, your notes and the papers you marked read; for a team, its notes and the papers it presents.";

/// Papers `user` noted or marked read in `guild`, most recent first.
pub async fn engaged_by_user(pool: &SqlitePool, guild: u64, user: u64) -> anyhow::Result<Vec<i64>> {
    let mut conn = pool.acquire().await?;
    Ok(store::recommend::engaged_by_user(&mut conn, guild as i64, user as i64).await?)
}

/// Papers the team noted or presents in `guild`, most recent first.
pub async fn engaged_by_team(pool: &SqlitePool, guild: u64, team: i64) -> anyhow::Result<Vec<i64>> {
    let mut conn = pool.acquire().await?;
    Ok(store::recommend::engaged_by_team(&mut conn, guild as i64, team).await?)
}
