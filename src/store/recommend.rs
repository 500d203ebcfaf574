//! What the recommender reads from the catalog in bulk: every paper's text and label, and
//! every tag, citation edge and grouping a source stated, each with the scope and file that
//! stated it (so the recommender filters by what a guild sees, and the evaluation can leave
//! one file's groupings out). Also, per guild, the course's readings and what a member or
//! team wrote notes on.

use sqlx::SqliteConnection;

/// A paper's text and the columns its label is made from.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PaperText {
    pub id: i64,
    pub title: String,
    pub authors: String,
    pub year: Option<i64>,
    #[sqlx(rename = "abstract")]
    pub abstract_text: Option<String>,
}

impl PaperText {
    /// Title and abstract as one text: what the TF-IDF index and the embeddings read.
    pub fn text(&self) -> String {
        text_of(&self.title, self.abstract_text.as_deref())
    }
}

/// "Title. Abstract", or the title alone.
pub fn text_of(title: &str, abstract_text: Option<&str>) -> String {
    match abstract_text {
        Some(a) => format!("{title}. {a}"),
        None => title.to_string(),
    }
}

/// One source of a paper: where it was listed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SourceRow {
    pub paper_id: i64,
    pub scope: i64,
    pub file_id: i64,
    pub format: String,
    pub section: Option<String>,
}

/// A tag a source put on a paper.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TagRow {
    pub paper_id: i64,
    pub tag_id: i64,
    pub name: String,
    pub scope: i64,
    pub file_id: i64,
}

/// "citing cites cited", as a source stated it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CiteRow {
    pub citing: i64,
    pub cited: i64,
    pub scope: i64,
}

/// Every paper that has a source, with its text.
pub async fn papers(conn: &mut SqliteConnection) -> sqlx::Result<Vec<PaperText>> {
    sqlx::query_as(
        "SELECT id, title, authors, year, abstract FROM papers
         WHERE id IN (SELECT paper_id FROM sources) ORDER BY id",
    )
    .fetch_all(conn)
    .await
}

pub async fn sources(conn: &mut SqliteConnection) -> sqlx::Result<Vec<SourceRow>> {
    sqlx::query_as(
        "SELECT s.paper_id, s.scope, s.file_id, f.format, s.section FROM sources s
         JOIN files f ON f.id = s.file_id ORDER BY s.id",
    )
    .fetch_all(conn)
    .await
}

pub async fn tags(conn: &mut SqliteConnection) -> sqlx::Result<Vec<TagRow>> {
    sqlx::query_as(
        "SELECT pt.paper_id, pt.tag_id, t.name, s.scope, s.file_id FROM paper_tags pt
         JOIN sources s ON s.id = pt.source_id JOIN tags t ON t.id = pt.tag_id
         ORDER BY pt.rowid",
    )
    .fetch_all(conn)
    .await
}

pub async fn cites(conn: &mut SqliteConnection) -> sqlx::Result<Vec<CiteRow>> {
    sqlx::query_as(
        "SELECT DISTINCT c.citing, c.cited, s.scope FROM cites c
         JOIN sources s ON s.id = c.source_id",
    )
    .fetch_all(conn)
    .await
}

/// Papers `user` noted or marked read in `guild`, most recent first.
pub async fn engaged_by_user(
    conn: &mut SqliteConnection,
    guild: i64,
    user: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT paper_id FROM (
             SELECT paper_id, updated_at AS at FROM notes WHERE guild_id = ?1 AND author_id = ?2
             UNION ALL
             SELECT paper_id, done_at FROM reading_progress WHERE guild_id = ?1 AND user_id = ?2)
         GROUP BY paper_id ORDER BY MAX(at) DESC",
    )
    .bind(guild)
    .bind(user)
    .fetch_all(conn)
    .await
}

/// Papers the team noted or presents (holds a slot for) in `guild`, most recent first.
pub async fn engaged_by_team(
    conn: &mut SqliteConnection,
    guild: i64,
    team: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT paper_id FROM (
             SELECT paper_id, updated_at AS at FROM notes WHERE guild_id = ?1 AND team_id = ?2
             UNION ALL
             SELECT paper_id, claimed_at FROM slots WHERE guild_id = ?1 AND team_id = ?2)
         GROUP BY paper_id ORDER BY MAX(at) DESC",
    )
    .bind(guild)
    .bind(team)
    .fetch_all(conn)
    .await
}
