//! The `papers` table: one row per paper, merged from its global sources, and loading
//! papers as a scope sees them: a guild's own view of the paper (`paper_views`) where it
//! has one, and tags, links and sources from visible imports only. Every read of a paper
//! for a scope goes through here, so that no guild's metadata reaches another.

use super::ids_json;
use crate::ingest::ids::arxiv_id;
use crate::model::{Link, Paper, Scope, SourceRef};
use sqlx::{Row, SqliteConnection};
use std::collections::HashMap;

/// A paper's own columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PaperRow {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub title_norm: String,
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub venue: Option<String>,
    pub arxiv: Option<String>,
    pub doi: Option<String>,
    pub abstract_text: Option<String>,
    pub note: Option<String>,
    pub bibtex: Option<String>,
}

const COLUMNS: &str =
    "id, key, title, title_norm, authors, year, venue, arxiv, doi, abstract, note, bibtex";

pub(crate) fn from_row(r: &sqlx::sqlite::SqliteRow) -> PaperRow {
    let authors: String = r.get("authors");
    PaperRow {
        id: r.get("id"),
        key: r.get("key"),
        title: r.get("title"),
        title_norm: r.get("title_norm"),
        authors: serde_json::from_str(&authors).unwrap_or_default(),
        year: r.get("year"),
        venue: r.get("venue"),
        arxiv: r.get("arxiv"),
        doi: r.get("doi"),
        abstract_text: r.get("abstract"),
        note: r.get("note"),
        bibtex: r.get("bibtex"),
    }
}

/// The id the next inserted paper gets (the caller holds the write lock).
pub async fn next_id(conn: &mut SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM papers")
        .fetch_one(conn)
        .await
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<PaperRow>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM papers WHERE id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(from_row))
}

/// The rows of these papers, by id.
pub async fn get_many(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> sqlx::Result<HashMap<i64, PaperRow>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM papers WHERE id IN (SELECT value FROM json_each(?))"
    ))
    .bind(ids_json(ids))
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(|r| (r.get("id"), from_row(r))).collect())
}

/// Every paper's identity columns (id, key, normalised title, year, arXiv id, DOI); the
/// other fields are left empty.
pub async fn identity_rows(conn: &mut SqliteConnection) -> sqlx::Result<Vec<PaperRow>> {
    let rows = sqlx::query("SELECT id, key, title_norm, year, arxiv, doi FROM papers")
        .fetch_all(conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| PaperRow {
            id: r.get(0),
            key: r.get(1),
            title_norm: r.get(2),
            year: r.get(3),
            arxiv: r.get(4),
            doi: r.get(5),
            ..PaperRow::default()
        })
        .collect())
}

/// "Paper `p` has a source that scope `?2` may see" (the global scope or its own).
const VISIBLE: &str =
    "EXISTS (SELECT 1 FROM sources s WHERE s.paper_id = p.id AND s.scope IN (0, ?2))";

/// The ids of papers whose key, as scope `?2` sees it, or one of whose aliases visible
/// there is `{key}`. A paper's own key counts where the scope has no view of it or the paper
/// is global; otherwise the scope's view says which key it shows.
fn key_match(key: &str) -> String {
    format!(
        "SELECT o.id FROM papers o WHERE o.key = {key} AND {}
         UNION SELECT paper_id FROM paper_views WHERE scope = ?2 AND key = {key}
         UNION SELECT paper_id FROM key_aliases WHERE alias = {key} AND scope IN (0, ?2)",
        own_key_counts("o")
    )
}

/// Whether paper `{p}`'s own key finds it in scope `?2`: the scope has no view of the
/// paper, or the paper is global (its key then came from the global catalog).
fn own_key_counts(p: &str) -> String {
    format!(
        "(NOT EXISTS (SELECT 1 FROM paper_views w WHERE w.paper_id = {p}.id AND w.scope = ?2)
          OR EXISTS (SELECT 1 FROM sources g WHERE g.paper_id = {p}.id AND g.scope = 0))"
    )
}

/// A paper's columns as scope `?2` sees them, from `papers p` left-joined with its view
/// `v` in that scope.
fn seen_columns() -> String {
    COLUMNS
        .split(", ")
        .map(|c| match c {
            "id" => "p.id AS id".to_string(),
            c => format!("CASE WHEN v.paper_id IS NULL THEN p.{c} ELSE v.{c} END AS {c}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `papers p` with the view `v` that scope `?2` has of each.
const WITH_VIEW: &str = "papers p LEFT JOIN paper_views v ON v.paper_id = p.id AND v.scope = ?2";

/// What an identifier is matched against.
#[derive(Debug, Clone, Copy)]
pub enum IdColumn {
    /// The citation key or one of its aliases, case-insensitively.
    Key,
    Arxiv,
    Doi,
    TitleNorm,
}

impl IdColumn {
    /// Papers whose `self` is `?1` as scope `?2` sees them.
    fn condition(self) -> String {
        let column = match self {
            IdColumn::Key => return format!("p.id IN ({})", key_match("?1")),
            IdColumn::Arxiv => "arxiv",
            IdColumn::Doi => "doi",
            IdColumn::TitleNorm => "title_norm",
        };
        format!(
            "(p.{column} = ?1 OR p.id IN
              (SELECT paper_id FROM paper_views WHERE scope = ?2 AND {column} = ?1))"
        )
    }
}

/// Visible papers whose `column` is `value`.
pub async fn find_visible(
    conn: &mut SqliteConnection,
    scope: Scope,
    column: IdColumn,
    value: &str,
) -> sqlx::Result<Vec<i64>> {
    let sql = format!(
        "SELECT p.id FROM papers p WHERE {} AND {VISIBLE}",
        column.condition()
    );
    sqlx::query_scalar(&sql)
        .bind(value)
        .bind(scope.0 as i64)
        .fetch_all(conn)
        .await
}

/// `(key as asked, paper id)` for each of `keys` that is the key or an alias of a visible
/// paper, case-insensitively: one query for a whole list of keys. A paper's own key comes
/// before another paper's alias of the same spelling.
pub async fn find_visible_keys(
    conn: &mut SqliteConnection,
    scope: Scope,
    keys: &[&str],
) -> sqlx::Result<Vec<(String, i64)>> {
    #[derive(sqlx::FromRow)]
    struct Found {
        asked: String,
        id: i64,
    }
    let sql = format!(
        "SELECT j.value AS asked, p.id AS id FROM json_each(?1) j JOIN papers p
         ON p.id IN ({}) LEFT JOIN paper_views v ON v.paper_id = p.id AND v.scope = ?2
         WHERE {VISIBLE}
         ORDER BY COALESCE(v.key, p.key) = j.value COLLATE NOCASE DESC",
        key_match("j.value")
    );
    let rows: Vec<Found> = sqlx::query_as(&sql)
        .bind(serde_json::to_string(keys).unwrap_or_else(|_| "[]".into()))
        .bind(scope.0 as i64)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|f| (f.asked, f.id)).collect())
}

/// Visible papers whose key starts with `prefix`, by key.
pub async fn visible_keys_with_prefix(
    conn: &mut SqliteConnection,
    scope: Scope,
    prefix: &str,
    limit: usize,
) -> sqlx::Result<Vec<i64>> {
    let escaped = prefix
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    // The keys scope `?2` sees: its views' keys, and the papers' own keys where it has no
    // view (or the paper is global).
    let sql = format!(
        "SELECT p.id FROM (
             SELECT p.id AS id, p.key AS k FROM papers p WHERE p.key LIKE ?1 ESCAPE '\\'
             AND {}
             UNION SELECT paper_id, key FROM paper_views WHERE scope = ?2 AND key LIKE ?1 ESCAPE '\\'
         ) found JOIN papers p ON p.id = found.id WHERE {VISIBLE}
         GROUP BY p.id ORDER BY MIN(k) LIMIT ?3",
        own_key_counts("p")
    );
    sqlx::query_scalar(&sql)
        .bind(format!("{escaped}%"))
        .bind(scope.0 as i64)
        .bind(limit as i64)
        .fetch_all(conn)
        .await
}

/// Loads the papers with these ids as `scope` sees them, in the order given. Papers with
/// no source visible in `scope` are left out.
pub async fn load(
    conn: &mut SqliteConnection,
    scope: Scope,
    ids: &[i64],
) -> sqlx::Result<Vec<Paper>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids_param = ids_json(ids);
    let scope_param = scope.0 as i64;

    let mut sources: HashMap<i64, Vec<SourceRef>> = HashMap::new();
    let rows = sqlx::query(
        "SELECT s.paper_id, f.path, f.format, s.section, s.line FROM sources s
         JOIN files f ON f.id = s.file_id
         WHERE s.paper_id IN (SELECT value FROM json_each(?)) AND s.scope IN (0, ?)
         ORDER BY s.id",
    )
    .bind(&ids_param)
    .bind(scope_param)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        sources.entry(r.get(0)).or_default().push(SourceRef {
            file: r.get(1),
            format: r.get(2),
            section: r.get(3),
            line: r.get::<i64, _>(4) as usize,
        });
    }

    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    let rows = sqlx::query(&format!(
        "SELECT pt.paper_id, {} AS name, MIN(pt.rowid) AS first FROM paper_tags pt
         JOIN tags t ON t.id = pt.tag_id JOIN sources s ON s.id = pt.source_id
         WHERE pt.paper_id IN (SELECT value FROM json_each(?1)) AND s.scope IN (0, ?2)
         GROUP BY pt.paper_id, t.id ORDER BY pt.paper_id, first",
        super::views::tag_name_sql("?2")
    ))
    .bind(&ids_param)
    .bind(scope_param)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        tags.entry(r.get(0)).or_default().push(r.get(1));
    }

    let mut links: HashMap<i64, Vec<Link>> = HashMap::new();
    let rows = sqlx::query(
        "SELECT l.paper_id, l.kind, l.url FROM links l JOIN sources s ON s.id = l.source_id
         WHERE l.paper_id IN (SELECT value FROM json_each(?)) AND s.scope IN (0, ?)
         ORDER BY l.rowid",
    )
    .bind(&ids_param)
    .bind(scope_param)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let list = links.entry(r.get(0)).or_default();
        let url: String = r.get(2);
        // abs, pdf and pdf.pdf links to one arXiv paper are one link.
        let same = |a: &str, b: &str| {
            a == b || arxiv_id(a).is_some_and(|x| arxiv_id(b).is_some_and(|y| x == y))
        };
        if !list.iter().any(|l| same(&l.url, &url)) {
            list.push(Link::new(r.get::<String, _>(1), url));
        }
    }

    let rows = sqlx::query(&format!(
        "SELECT {} FROM {WITH_VIEW} WHERE p.id IN (SELECT value FROM json_each(?1))",
        seen_columns()
    ))
    .bind(&ids_param)
    .bind(scope_param)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_id: HashMap<i64, PaperRow> =
        rows.iter().map(|r| (r.get("id"), from_row(r))).collect();

    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(srcs) = sources.remove(id) else {
            continue;
        };
        let Some(row) = by_id.remove(id) else {
            continue;
        };
        out.push(Paper {
            id: row.id,
            key: row.key,
            title: row.title,
            authors: row.authors,
            year: row.year,
            venue: row.venue,
            tags: tags.remove(id).unwrap_or_default(),
            links: links.remove(id).unwrap_or_default(),
            arxiv: row.arxiv,
            doi: row.doi,
            abstract_text: row.abstract_text,
            note: row.note,
            sources: srcs,
            bibtex: row.bibtex,
        });
    }
    Ok(out)
}

/// What relevance scoring reads of a paper: its words, and its arXiv id to name it by.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PaperText {
    pub id: i64,
    pub arxiv: Option<String>,
    pub title: String,
    pub abstract_text: Option<String>,
}

/// Title and abstract of every paper `scope` sees (its own sources and global ones), by id.
pub async fn texts_visible(
    conn: &mut SqliteConnection,
    scope: Scope,
) -> sqlx::Result<Vec<PaperText>> {
    sqlx::query_as(
        "SELECT p.id, p.arxiv, p.title, p.abstract AS abstract_text FROM papers p
         WHERE EXISTS (SELECT 1 FROM sources s WHERE s.paper_id = p.id AND s.scope IN (0, ?1))
         ORDER BY p.id",
    )
    .bind(scope.0 as i64)
    .fetch_all(conn)
    .await
}

/// Every key alias (the old keys that still name a paper), for the importer's key tables.
pub async fn key_aliases(conn: &mut SqliteConnection) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT alias FROM key_aliases")
        .fetch_all(conn)
        .await
}
