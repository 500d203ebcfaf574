//! `team_moves`: members an instructor moved between teams, kept for the teams' rosters.
//! Every query is keyed by guild id; the move itself (the member's new row in
//! `team_members` and this record) is written in the caller's transaction.

use sqlx::{FromRow, SqliteConnection};

/// One recorded move, with the teams' names as they are now.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MoveRow {
    pub user_id: i64,
    pub from_name: Option<String>,
    pub to_name: Option<String>,
    pub moved_by: i64,
    pub moved_at: i64,
}

/// Puts a member in `team`, whether or not they had joined one.
pub async fn set_team(
    conn: &mut SqliteConnection,
    guild: i64,
    user: i64,
    team: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO team_members (guild_id, user_id, team_id, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (guild_id, user_id) DO UPDATE SET team_id = excluded.team_id,
         joined_at = excluded.joined_at",
    )
    .bind(guild)
    .bind(user)
    .bind(team)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a move.
pub async fn record(
    conn: &mut SqliteConnection,
    guild: i64,
    user: i64,
    from: Option<i64>,
    to: Option<i64>,
    by: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO team_moves (guild_id, user_id, from_team, to_team, moved_by, moved_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(guild)
    .bind(user)
    .bind(from)
    .bind(to)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The latest moves into or out of a team, newest first.
pub async fn of_team(
    conn: &mut SqliteConnection,
    guild: i64,
    team: i64,
    limit: i64,
) -> sqlx::Result<Vec<MoveRow>> {
    sqlx::query_as(
        "SELECT m.user_id, f.name AS from_name, t.name AS to_name, m.moved_by, m.moved_at
         FROM team_moves m
         LEFT JOIN teams f ON f.id = m.from_team
         LEFT JOIN teams t ON t.id = m.to_team
         WHERE m.guild_id = ? AND (m.from_team = ? OR m.to_team = ?)
         ORDER BY m.moved_at DESC, m.id DESC LIMIT ?",
    )
    .bind(guild)
    .bind(team)
    .bind(team)
    .bind(limit)
    .fetch_all(conn)
    .await
}
