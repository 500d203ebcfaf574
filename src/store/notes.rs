//! `notes` and `note_revisions`: what members write about a course's papers, and the text
//! each note had before every edit. Every query is keyed by guild id; which notes a member
//! may see is decided here, in SQL, so no surface can forget a filter.

use sqlx::{FromRow, SqliteConnection};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct NoteRow {
    pub id: i64,
    pub guild_id: i64,
    pub author_id: i64,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub paper_id: i64,
    pub session_id: Option<i64>,
    pub body: String,
    pub published: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub revisions: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct RevisionRow {
    pub body: String,
    pub editor_id: i64,
    pub replaced_at: i64,
}

/// A note to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNoteRow {
    pub guild_id: i64,
    pub author_id: i64,
    pub team_id: Option<i64>,
    pub paper_id: i64,
    pub session_id: Option<i64>,
    pub body: String,
    pub created_at: i64,
}

/// Who is reading: a member sees published notes, their own, and their team's; `all`
/// (instructors, or a course whose notes are class-visible) sees every note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub team_id: Option<i64>,
    pub all: bool,
}

/// Which notes: on these papers, and/or written in this team.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoteFilter<'a> {
    pub papers: Option<&'a [i64]>,
    pub team_id: Option<i64>,
}

const NOTE_COLUMNS: &str = "n.id, n.guild_id, n.author_id, n.team_id, t.name AS team_name,
    n.paper_id, n.session_id, n.body, n.published, n.created_at, n.updated_at,
    (SELECT COUNT(*) FROM note_revisions r WHERE r.note_id = n.id) AS revisions";

pub async fn insert_note(conn: &mut SqliteConnection, n: &NewNoteRow) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO notes (guild_id, author_id, team_id, paper_id, session_id, body,
             created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(n.guild_id)
    .bind(n.author_id)
    .bind(n.team_id)
    .bind(n.paper_id)
    .bind(n.session_id)
    .bind(&n.body)
    .bind(n.created_at)
    .bind(n.created_at)
    .fetch_one(conn)
    .await
}

/// How many notes `author` wrote at or after `since`, and the oldest of those instants
/// (when the next note will be allowed again).
pub async fn written_since(
    conn: &mut SqliteConnection,
    guild: i64,
    author: i64,
    since: i64,
) -> sqlx::Result<(i64, Option<i64>)> {
    sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM notes
         WHERE guild_id = ? AND author_id = ? AND created_at >= ?",
    )
    .bind(guild)
    .bind(author)
    .bind(since)
    .fetch_one(conn)
    .await
}

pub async fn note(
    conn: &mut SqliteConnection,
    guild: i64,
    id: i64,
) -> sqlx::Result<Option<NoteRow>> {
    sqlx::query_as(&format!(
        "SELECT {NOTE_COLUMNS} FROM notes n LEFT JOIN teams t ON t.id = n.team_id
         WHERE n.guild_id = ? AND n.id = ?"
    ))
    .bind(guild)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The notes `viewer` may see, oldest first.
pub async fn visible(
    conn: &mut SqliteConnection,
    guild: i64,
    viewer: Viewer,
    filter: NoteFilter<'_>,
) -> sqlx::Result<Vec<NoteRow>> {
    sqlx::query_as(&format!(
        "SELECT {NOTE_COLUMNS} FROM notes n LEFT JOIN teams t ON t.id = n.team_id
         WHERE n.guild_id = ?
           AND (? OR n.published OR n.author_id = ? OR (n.team_id IS NOT NULL AND n.team_id = ?))
           AND (? IS NULL OR n.paper_id IN (SELECT value FROM json_each(?)))
           AND (? IS NULL OR n.team_id = ?)
         ORDER BY n.created_at, n.id"
    ))
    .bind(guild)
    .bind(viewer.all)
    .bind(viewer.user_id)
    .bind(viewer.team_id)
    .bind(filter.papers.map(|_| 1))
    .bind(filter.papers.map(super::ids_json))
    .bind(filter.team_id)
    .bind(filter.team_id)
    .fetch_all(conn)
    .await
}

/// Replaces a note's text, keeping the text it had as a revision.
pub async fn edit(
    conn: &mut SqliteConnection,
    guild: i64,
    id: i64,
    body: &str,
    editor: i64,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "INSERT INTO note_revisions (note_id, body, editor_id, replaced_at)
         SELECT id, body, ?, ? FROM notes WHERE guild_id = ? AND id = ?",
    )
    .bind(editor)
    .bind(now)
    .bind(guild)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let done =
        sqlx::query("UPDATE notes SET body = ?, updated_at = ? WHERE guild_id = ? AND id = ?")
            .bind(body)
            .bind(now)
            .bind(guild)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn publish(conn: &mut SqliteConnection, guild: i64, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE notes SET published = 1 WHERE guild_id = ? AND id = ?")
        .bind(guild)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(conn: &mut SqliteConnection, guild: i64, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM notes WHERE guild_id = ? AND id = ?")
        .bind(guild)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A note's earlier texts, oldest first.
pub async fn revisions(
    conn: &mut SqliteConnection,
    guild: i64,
    id: i64,
) -> sqlx::Result<Vec<RevisionRow>> {
    sqlx::query_as(
        "SELECT r.body, r.editor_id, r.replaced_at FROM note_revisions r
         JOIN notes n ON n.id = r.note_id WHERE n.guild_id = ? AND n.id = ?
         ORDER BY r.replaced_at, r.id",
    )
    .bind(guild)
    .bind(id)
    .fetch_all(conn)
    .await
}
