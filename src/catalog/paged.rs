//! The requests behind paged replies (search, one tag, the tag list), kept in the catalog's
//! database so the buttons that turn their pages survive a restart. Reads are keyed by
//! guild: an id pressed in another guild finds nothing.

use super::Catalog;
use crate::model::Scope;
use crate::store::paged;
/// A paged request as stored: which kind of listing, for whom, with what arguments.
pub use crate::store::paged::PagedRow as PagedRequest;

impl Catalog {
    /// Stores `request` for `scope` at `now` (seconds), pruning requests made before
    /// `cutoff` in the same transaction, and returns the id its buttons carry.
    pub async fn remember_paged(
        &self,
        scope: Scope,
        request: &PagedRequest,
        now: i64,
        cutoff: i64,
    ) -> anyhow::Result<i64> {
        // Read-then-write under the write lock, so the prune and the insert land together.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id = paged::insert(&mut tx, scope.0 as i64, request, now, cutoff).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The request `id` stored for `scope`, unless made before `cutoff`.
    pub async fn paged_request(
        &self,
        scope: Scope,
        id: i64,
        cutoff: i64,
    ) -> anyhow::Result<Option<PagedRequest>> {
        let mut conn = self.pool.acquire().await?;
        Ok(paged::get(&mut conn, scope.0 as i64, id, cutoff).await?)
    }
}
