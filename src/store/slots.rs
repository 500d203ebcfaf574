//! `slots` and `slot_swaps`: who presents which paper in which session, and the swaps two
//! teams asked for that wait for both to confirm. Every query is keyed by guild id; a
//! paper's slot is unique per guild, so a lost race surfaces as `Ok(None)` here.

use sqlx::{FromRow, SqliteConnection};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SlotRow {
    pub id: i64,
    pub guild_id: i64,
    pub session_id: i64,
    pub paper_id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub team_role: Option<i64>,
    pub claimed_by: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SwapRow {
    pub id: i64,
    pub guild_id: i64,
    pub slot_a: i64,
    pub slot_b: i64,
    pub team_a: i64,
    pub team_b: i64,
    pub confirmed_a: bool,
    pub confirmed_b: bool,
    pub state: String,
    pub requested_by: i64,
    pub expires_at: i64,
}

const SLOT_COLUMNS: &str = "s.id, s.guild_id, s.session_id, s.paper_id, s.team_id,
    t.name AS team_name, t.role_id AS team_role, s.claimed_by";

/// A guild's slots, in session order.
pub async fn slots(conn: &mut SqliteConnection, guild: i64) -> sqlx::Result<Vec<SlotRow>> {
    sqlx::query_as(&format!(
        "SELECT {SLOT_COLUMNS} FROM slots s JOIN teams t ON t.id = s.team_id
         JOIN sessions se ON se.id = s.session_id
         WHERE s.guild_id = ? ORDER BY se.starts_at, se.id, s.id"
    ))
    .bind(guild)
    .fetch_all(conn)
    .await
}

/// The slot of a paper in a guild's course, if claimed.
pub async fn slot_of_paper(
    conn: &mut SqliteConnection,
    guild: i64,
    paper: i64,
) -> sqlx::Result<Option<SlotRow>> {
    one_where(conn, guild, "s.paper_id", paper).await
}

pub async fn slot(
    conn: &mut SqliteConnection,
    guild: i64,
    id: i64,
) -> sqlx::Result<Option<SlotRow>> {
    one_where(conn, guild, "s.id", id).await
}

/// The guild's slot whose `column` (a fixed name, never user input) is `value`.
async fn one_where(
    conn: &mut SqliteConnection,
    guild: i64,
    column: &'static str,
    value: i64,
) -> sqlx::Result<Option<SlotRow>> {
    sqlx::query_as(&format!(
        "SELECT {SLOT_COLUMNS} FROM slots s JOIN teams t ON t.id = s.team_id
         WHERE s.guild_id = ? AND {column} = ?"
    ))
    .bind(guild)
    .bind(value)
    .fetch_optional(conn)
    .await
}

/// How many slots a team holds.
pub async fn team_count(conn: &mut SqliteConnection, guild: i64, team: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM slots WHERE guild_id = ? AND team_id = ?")
        .bind(guild)
        .bind(team)
        .fetch_one(conn)
        .await
}

/// Records a slot; `None` when the paper is already someone's.
pub async fn insert(
    conn: &mut SqliteConnection,
    guild: i64,
    session: i64,
    paper: i64,
    team: i64,
    by: i64,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    let done = sqlx::query_scalar(
        "INSERT INTO slots (guild_id, session_id, paper_id, team_id, claimed_by, claimed_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(guild)
    .bind(session)
    .bind(paper)
    .bind(team)
    .bind(by)
    .bind(now)
    .fetch_one(conn)
    .await;
    match done {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn delete(conn: &mut SqliteConnection, guild: i64, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM slots WHERE guild_id = ? AND id = ?")
        .bind(guild)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives slot `id` to `team`, only if it still belongs to `from` (false otherwise).
pub async fn move_to(
    conn: &mut SqliteConnection,
    guild: i64,
    id: i64,
    from: i64,
    team: i64,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE slots SET team_id = ? WHERE guild_id = ? AND id = ? AND team_id = ?")
            .bind(team)
            .bind(guild)
            .bind(id)
            .bind(from)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

const SWAP_COLUMNS: &str = "id, guild_id, slot_a, slot_b, team_a, team_b, confirmed_a,
    confirmed_b, state, requested_by, expires_at";

pub async fn insert_swap(conn: &mut SqliteConnection, s: &SwapRow, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO slot_swaps (guild_id, slot_a, slot_b, team_a, team_b, confirmed_a,
             confirmed_b, state, requested_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id",
    )
    .bind(s.guild_id)
    .bind(s.slot_a)
    .bind(s.slot_b)
    .bind(s.team_a)
    .bind(s.team_b)
    .bind(s.confirmed_a)
    .bind(s.confirmed_b)
    .bind(s.requested_by)
    .bind(now)
    .bind(s.expires_at)
    .fetch_one(conn)
    .await
}

pub async fn swap(
    conn: &mut SqliteConnection,
    guild: i64,
    id: i64,
) -> sqlx::Result<Option<SwapRow>> {
    sqlx::query_as(&format!(
        "SELECT {SWAP_COLUMNS} FROM slot_swaps WHERE guild_id = ? AND id = ?"
    ))
    .bind(guild)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Records a team's confirmation (which side) and the swap's state.
pub async fn update_swap(
    conn: &mut SqliteConnection,
    guild: i64,
    id: i64,
    confirmed_a: bool,
    confirmed_b: bool,
    state: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE slot_swaps SET confirmed_a = ?, confirmed_b = ?, state = ?
         WHERE guild_id = ? AND id = ?",
    )
    .bind(confirmed_a)
    .bind(confirmed_b)
    .bind(state)
    .bind(guild)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
