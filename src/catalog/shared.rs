//! What other services built on the catalog need from it: the database pool they share
//! (courses live in the same SQLite file) and papers by id as a guild sees them.

use super::Catalog;
use crate::model::{Paper, Scope};
use crate::store::papers;
use sqlx::{SqliteConnection, SqlitePool};

impl Catalog {
    /// The pool of the catalog's database, shared by the course service.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Papers by id, as `scope` sees them, in the order asked; ids it cannot see are left
    /// out.
    pub async fn papers_by_id(&self, scope: Scope, ids: &[i64]) -> anyhow::Result<Vec<Paper>> {
        let mut conn = self.pool.acquire().await?;
        papers_in(&mut conn, scope, ids).await
    }

    /// Title and abstract of every paper `scope` sees: what a TF-IDF index is built from.
    pub async fn paper_texts(&self, scope: Scope) -> anyhow::Result<Vec<papers::PaperText>> {
        let mut conn = self.pool.acquire().await?;
        Ok(papers::texts_visible(&mut conn, scope).await?)
    }
}

/// [`Catalog::papers_by_id`] on a connection the caller holds (inside its transaction:
/// an in-memory database has a single connection).
pub async fn papers_in(
    conn: &mut SqliteConnection,
    scope: Scope,
    ids: &[i64],
) -> anyhow::Result<Vec<Paper>> {
    let found = papers::load(conn, scope, ids).await?;
    Ok(ids
        .iter()
        .filter_map(|id| found.iter().find(|p| p.id == *id).cloned())
        .collect())
}
