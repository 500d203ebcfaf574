//! Counts over the catalog's tables as one scope sees them (its own rows and global ones),
//! for the catalog's statistics.

use crate::model::Scope;
use sqlx::{FromRow, SqliteConnection};

/// How many papers, sources, files, papers with BibTeX or an abstract, and citations a
/// scope sees.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ScopeCounts {
    pub papers: i64,
    pub sources: i64,
    pub files: i64,
    pub with_bibtex: i64,
    pub with_abstract: i64,
    pub cites: i64,
}

/// The counts `scope` sees, read in one statement so they agree with one another.
pub async fn of_scope(conn: &mut SqliteConnection, scope: Scope) -> sqlx::Result<ScopeCounts> {
    sqlx::query_as(
        "SELECT
           (SELECT COUNT(DISTINCT paper_id) FROM sources WHERE scope IN (0, ?1)) AS papers,
           (SELECT COUNT(*) FROM sources WHERE scope IN (0, ?1)) AS sources,
           (SELECT COUNT(*) FROM files WHERE scope IN (0, ?1)) AS files,
           (SELECT COUNT(*) FROM papers p WHERE p.bibtex IS NOT NULL AND EXISTS
              (SELECT 1 FROM sources s WHERE s.paper_id = p.id AND s.scope IN (0, ?1)))
             AS with_bibtex,
           (SELECT COUNT(*) FROM papers p WHERE p.abstract IS NOT NULL AND EXISTS
              (SELECT 1 FROM sources s WHERE s.paper_id = p.id AND s.scope IN (0, ?1)))
             AS with_abstract,
           (SELECT COUNT(*) FROM cites c JOIN sources s ON s.id = c.source_id
              WHERE s.scope IN (0, ?1)) AS cites",
    )
    .bind(scope.0 as i64)
    .fetch_one(conn)
    .await
}
