//! Set-at-a-time writes for the importer: each function writes many rows in one statement,
//! passing them as one JSON array parameter that SQLite unpacks with `json_each`. One
//! round trip per table and file instead of several per entry is what makes large imports
//! fast.

use super::papers::PaperRow;
use crate::model::{Link, Scope};
use serde_json::json;
use sqlx::{Row, SqliteConnection};

fn param(rows: Vec<serde_json::Value>) -> String {
    serde_json::Value::Array(rows).to_string()
}

fn paper_json(p: &PaperRow) -> serde_json::Value {
    json!([
        p.id,
        p.key,
        p.title,
        p.title_norm,
        serde_json::to_string(&p.authors).unwrap_or_else(|_| "[]".into()),
        p.year,
        p.venue,
        p.arxiv,
        p.doi,
        p.abstract_text,
        p.note,
        p.bibtex
    ])
}

/// Rows per multi-row INSERT: 12 columns each, well under SQLite's 32,766 parameters.
const PAPER_ROWS_PER_STATEMENT: usize = 1000;

/// Inserts new papers with the ids the caller gave them. Bound parameters rather than JSON
/// here: paper rows carry abstracts and BibTeX, and escaping them into JSON only for SQLite
/// to parse them back costs more than the insert itself.
pub async fn insert_papers(conn: &mut SqliteConnection, rows: &[&PaperRow]) -> sqlx::Result<()> {
    for chunk in rows.chunks(PAPER_ROWS_PER_STATEMENT) {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO papers (id, key, title, title_norm, authors, year, venue, arxiv, doi, abstract, note, bibtex) ",
        );
        q.push_values(chunk, |mut b, p| {
            b.push_bind(p.id)
                .push_bind(&p.key)
                .push_bind(&p.title)
                .push_bind(&p.title_norm)
                .push_bind(serde_json::to_string(&p.authors).unwrap_or_else(|_| "[]".into()))
                .push_bind(p.year)
                .push_bind(&p.venue)
                .push_bind(&p.arxiv)
                .push_bind(&p.doi)
                .push_bind(&p.abstract_text)
                .push_bind(&p.note)
                .push_bind(&p.bibtex);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rewrites every column but `id` and `key` of these papers.
pub async fn update_papers(conn: &mut SqliteConnection, rows: &[&PaperRow]) -> sqlx::Result<()> {
    write_rows(
        conn,
        "UPDATE papers SET title = j.value->>2, title_norm = j.value->>3, authors = j.value->>4,
         year = j.value->>5, venue = j.value->>6, arxiv = j.value->>7, doi = j.value->>8,
         abstract = j.value->>9, note = j.value->>10, bibtex = j.value->>11
         FROM json_each(?) AS j WHERE papers.id = j.value->>0",
        rows.iter().map(|r| paper_json(r)).collect(),
    )
    .await
}

/// Creates tags `(key, name)`; returns `(key, id)` of each.
pub async fn insert_tags(
    conn: &mut SqliteConnection,
    tags: &[(String, String)],
) -> sqlx::Result<Vec<(String, i64)>> {
    if tags.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "INSERT INTO tags (key, name) SELECT value->>0, value->>1 FROM json_each(?) WHERE true
         ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING key, id",
    )
    .bind(param(tags.iter().map(|(k, n)| json!([k, n])).collect()))
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// A file's source of one paper; `new` ones are inserted with `id`, the others updated.
pub struct SourceRow<'a> {
    pub id: i64,
    pub paper_id: i64,
    pub section: Option<&'a str>,
    pub line: usize,
    pub new: bool,
}

/// Inserts a file's new sources and refreshes the section and line of its existing ones.
pub async fn write_sources(
    conn: &mut SqliteConnection,
    file_id: i64,
    scope: Scope,
    rows: &[SourceRow<'_>],
) -> sqlx::Result<()> {
    let json_of = |new: bool| -> Vec<serde_json::Value> {
        rows.iter()
            .filter(|r| r.new == new)
            .map(|r| json!([r.id, r.paper_id, r.section, r.line]))
            .collect()
    };
    let inserted = json_of(true);
    if !inserted.is_empty() {
        sqlx::query(
            "INSERT INTO sources (id, file_id, paper_id, scope, section, line)
             SELECT value->>0, ?, value->>1, ?, value->>2, value->>3 FROM json_each(?)",
        )
        .bind(file_id)
        .bind(scope.0 as i64)
        .bind(param(inserted))
        .execute(&mut *conn)
        .await?;
    }
    write_rows(
        conn,
        "UPDATE sources SET section = j.value->>2, line = j.value->>3
         FROM json_each(?) AS j WHERE sources.id = j.value->>0",
        json_of(false),
    )
    .await
}

/// Forgets the tags, links and citation edges these sources stated, before they are
/// stated anew.
pub async fn clear_claims(conn: &mut SqliteConnection, source_ids: &[i64]) -> sqlx::Result<()> {
    if source_ids.is_empty() {
        return Ok(());
    }
    let ids = super::ids_json(source_ids);
    for table in ["paper_tags", "links", "cites"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE source_id IN (SELECT value FROM json_each(?))"
        ))
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Runs `sql`, which reads its rows from `json_each(?)`, over `rows` (nothing when empty).
async fn write_rows(
    conn: &mut SqliteConnection,
    sql: &str,
    rows: Vec<serde_json::Value>,
) -> sqlx::Result<()> {
    if !rows.is_empty() {
        sqlx::query(sql).bind(param(rows)).execute(conn).await?;
    }
    Ok(())
}

/// `(source, paper, tag)` rows.
pub async fn insert_paper_tags(
    conn: &mut SqliteConnection,
    rows: &[(i64, i64, i64)],
) -> sqlx::Result<()> {
    let rows = rows.iter().map(|(s, p, t)| json!([s, p, t])).collect();
    write_rows(
        conn,
        "INSERT OR IGNORE INTO paper_tags (source_id, paper_id, tag_id)
         SELECT value->>0, value->>1, value->>2 FROM json_each(?)",
        rows,
    )
    .await
}

/// `(source, paper, link)` rows.
pub async fn insert_links(
    conn: &mut SqliteConnection,
    rows: &[(i64, i64, &Link)],
) -> sqlx::Result<()> {
    let rows = rows
        .iter()
        .map(|(s, p, l)| json!([s, p, l.kind, l.url]))
        .collect();
    write_rows(
        conn,
        "INSERT OR IGNORE INTO links (source_id, paper_id, kind, url)
         SELECT value->>0, value->>1, value->>2, value->>3 FROM json_each(?)",
        rows,
    )
    .await
}

/// `(source, citing, cited)` rows.
pub async fn insert_cites(
    conn: &mut SqliteConnection,
    rows: &[(i64, i64, i64)],
) -> sqlx::Result<()> {
    let rows = rows.iter().map(|(s, a, b)| json!([s, a, b])).collect();
    write_rows(
        conn,
        "INSERT OR IGNORE INTO cites (source_id, citing, cited)
         SELECT value->>0, value->>1, value->>2 FROM json_each(?)",
        rows,
    )
    .await
}

/// `(alias, paper)` rows that resolve in `scope` (and, for the global scope, everywhere);
/// an alias that is some paper's key or already an alias is skipped.
pub async fn insert_aliases(
    conn: &mut SqliteConnection,
    rows: &[(String, i64)],
    scope: Scope,
) -> sqlx::Result<()> {
    let rows = rows.iter().map(|(a, p)| json!([a, p, scope.0])).collect();
    write_rows(
        conn,
        "INSERT OR IGNORE INTO key_aliases (alias, paper_id, scope)
         SELECT value->>0, value->>1, value->>2 FROM json_each(?)
         WHERE NOT EXISTS (SELECT 1 FROM papers WHERE key = value->>0)",
        rows,
    )
    .await
}
