//! `teams` and `team_members`: a course's teams, the role each may follow, and who joined
//! which by command. Every query is keyed by guild id. A member's team is one row at most
//! (the primary key), so "one team per course" holds even under concurrent joins.

use sqlx::{FromRow, SqliteConnection};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct TeamRow {
    pub id: i64,
    pub guild_id: i64,
    pub name: String,
    pub role_id: Option<i64>,
    /// Members who joined by command (a role's members are not known to the bot).
    pub members: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MemberRow {
    pub user_id: i64,
    pub joined_at: i64,
}

const TEAM_COLUMNS: &str = "t.id, t.guild_id, t.name, t.role_id,
    (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) AS members";

/// The folded name teams are matched on.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A guild's teams by name.
pub async fn teams(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<Vec<TeamRow>> {
    sqlx::query_as(&format!(
        "SELECT {TEAM_COLUMNS} FROM teams t WHERE t.guild_id = ? ORDER BY t.name_key"
    ))
    .bind(guild)
    .fetch_all(conn)
    .await
}

/// A guild's team by name, in any case.
pub async fn team_by_name(
    conn: &mut SqliteConnection,
    guild: i64,
    name: &str,
) -> sqlx::Result<Option<TeamRow>> {
    sqlx::query_as(&format!(
        "SELECT {TEAM_COLUMNS} FROM teams t WHERE t.guild_id = ? AND t.name_key = ?"
    ))
    .bind(guild)
    .bind(name_key(name))
    .fetch_optional(conn)
    .await
}

/// Teams whose name starts with `prefix` (autocomplete).
pub async fn teams_with_prefix(
    conn: &mut SqliteConnection,
    guild: i64,
    prefix: &str,
    limit: i64,
) -> sqlx::Result<Vec<TeamRow>> {
    sqlx::query_as(&format!(
        "SELECT {TEAM_COLUMNS} FROM teams t WHERE t.guild_id = ?
         AND substr(t.name_key, 1, length(?)) = ? ORDER BY t.name_key LIMIT ?"
    ))
    .bind(guild)
    .bind(name_key(prefix))
    .bind(name_key(prefix))
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Creates a team; `None` when the name or the role is already a team's.
pub async fn insert_team(
    conn: &mut SqliteConnection,
    guild: i64,
    name: &str,
    role: Option<i64>,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    let done = sqlx::query_scalar(
        "INSERT INTO teams (guild_id, name, name_key, role_id, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(guild)
    .bind(name.trim())
    .bind(name_key(name))
    .bind(role)
    .bind(now)
    .fetch_one(conn)
    .await;
    match done {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The team a member joined by command, if any.
pub async fn joined_team(
    conn: &mut SqliteConnection,
    guild: i64,
    user: i64,
) -> sqlx::Result<Option<TeamRow>> {
    sqlx::query_as(&format!(
        "SELECT {TEAM_COLUMNS} FROM team_members j JOIN teams t ON t.id = j.team_id
         WHERE j.guild_id = ? AND j.user_id = ?"
    ))
    .bind(guild)
    .bind(user)
    .fetch_optional(conn)
    .await
}

/// Records a member's team; false when they already have one.
pub async fn join(
    conn: &mut SqliteConnection,
    guild: i64,
    user: i64,
    team: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO team_members (guild_id, user_id, team_id, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (guild_id, user_id) DO NOTHING",
    )
    .bind(guild)
    .bind(user)
    .bind(team)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn leave(conn: &mut SqliteConnection, guild: i64, user: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM team_members WHERE guild_id = ? AND user_id = ?")
        .bind(guild)
        .bind(user)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Who joined a team by command, earliest first.
pub async fn members(
    conn: &mut SqliteConnection,
    guild: i64,
    team: i64,
) -> sqlx::Result<Vec<MemberRow>> {
    sqlx::query_as(
        "SELECT user_id, joined_at FROM team_members WHERE guild_id = ? AND team_id = ?
         ORDER BY joined_at, user_id",
    )
    .bind(guild)
    .bind(team)
    .fetch_all(conn)
    .await
}
