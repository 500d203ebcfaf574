//! Turning stored papers into search documents, in batches, for index updates after an
//! import and for full rebuilds.

use crate::model::Scope;
use crate::search::IndexDoc;
use crate::store::ids_json;
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;

const BATCH: usize = 5000;

/// Documents for every paper visible anywhere.
pub async fn all_docs(pool: &SqlitePool) -> anyhow::Result<Vec<IndexDoc>> {
    let mut conn = pool.acquire().await?;
    let ids = crate::store::sources::visible_paper_ids(&mut conn).await?;
    drop(conn);
    Ok(docs_for(pool, &ids).await?.0)
}

/// Documents for these papers, and the ids among them no longer visible anywhere.
pub async fn docs_for(pool: &SqlitePool, ids: &[i64]) -> anyhow::Result<(Vec<IndexDoc>, Vec<i64>)> {
    let mut docs = Vec::with_capacity(ids.len());
    let mut gone = Vec::new();
    for chunk in ids.chunks(BATCH) {
        let param = ids_json(chunk);
        let mut scopes: HashMap<i64, Vec<Scope>> = HashMap::new();
        for r in sqlx::query(
            "SELECT DISTINCT paper_id, scope FROM sources WHERE paper_id IN (SELECT value FROM json_each(?))",
        )
        .bind(&param)
        .fetch_all(pool)
        .await?
        {
            scopes.entry(r.get(0)).or_default().push(Scope(r.get::<i64, _>(1) as u64));
        }
        let mut tags: HashMap<i64, Vec<(Scope, String)>> = HashMap::new();
        for r in sqlx::query(
            "SELECT DISTINCT pt.paper_id, s.scope, t.name FROM paper_tags pt
             JOIN sources s ON s.id = pt.source_id JOIN tags t ON t.id = pt.tag_id
             WHERE pt.paper_id IN (SELECT value FROM json_each(?))",
        )
        .bind(&param)
        .fetch_all(pool)
        .await?
        {
            tags.entry(r.get(0))
                .or_default()
                .push((Scope(r.get::<i64, _>(1) as u64), r.get(2)));
        }
        let rows = sqlx::query(
            "SELECT id, title, authors, abstract, note, venue, year FROM papers
             WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(&param)
        .fetch_all(pool)
        .await?;
        for r in rows {
            let id: i64 = r.get(0);
            let Some(mut paper_scopes) = scopes.remove(&id) else {
                gone.push(id);
                continue;
            };
            paper_scopes.sort();
            let authors: String = r.get(2);
            docs.push(IndexDoc {
                id,
                title: r.get(1),
                authors: serde_json::from_str(&authors).unwrap_or_default(),
                abstract_text: r.get(3),
                note: r.get(4),
                venue: r.get(5),
                year: r.get(6),
                tags: tags.remove(&id).unwrap_or_default(),
                scopes: paper_scopes,
            });
        }
    }
    Ok((docs, gone))
}
