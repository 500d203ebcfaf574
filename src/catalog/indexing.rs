//! Turning stored papers into search documents, in batches, for index updates after an
//! import and for full rebuilds. A paper has one document per view: the global one (its
//! `papers` row and global tags) when it has a global source, and one per guild that has
//! a source of it (that guild's view, global and own tags), which hides the global one in
//! that guild.

use crate::model::Scope;
use crate::search::IndexDoc;
use crate::store::papers::{self, PaperRow};
use crate::store::{sources, tags, views};
use sqlx::SqlitePool;
use std::collections::HashMap;

const BATCH: usize = 5000;

/// Documents for every paper visible anywhere.
pub async fn all_docs(pool: &SqlitePool) -> anyhow::Result<Vec<IndexDoc>> {
    let mut conn = pool.acquire().await?;
    let ids = sources::visible_paper_ids(&mut conn).await?;
    drop(conn);
    Ok(docs_for(pool, &ids).await?.0)
}

/// Documents for these papers, and the ids among them no longer visible anywhere.
pub async fn docs_for(pool: &SqlitePool, ids: &[i64]) -> anyhow::Result<(Vec<IndexDoc>, Vec<i64>)> {
    // Callers may name a paper twice; the second time must not read as "gone".
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut docs = Vec::with_capacity(ids.len());
    let mut gone = Vec::new();
    for chunk in ids.chunks(BATCH) {
        let mut conn = pool.acquire().await?;
        let mut scopes: HashMap<i64, Vec<Scope>> = HashMap::new();
        for r in sources::scopes_of(&mut conn, chunk).await? {
            scopes
                .entry(r.paper_id)
                .or_default()
                .push(Scope(r.scope as u64));
        }
        // Names as the scope that tagged sees them (the global spelling where there is one).
        let mut tags: HashMap<i64, Vec<(Scope, String)>> = HashMap::new();
        for r in tags::names_on_papers(&mut conn, chunk).await? {
            tags.entry(r.paper_id)
                .or_default()
                .push((Scope(r.scope as u64), r.name));
        }
        let mut rows = papers::get_many(&mut conn, chunk).await?;
        let mut seen = views::views_of(&mut conn, chunk).await?;
        drop(conn);
        for &id in chunk {
            let (Some(mut paper_scopes), Some(row)) = (scopes.remove(&id), rows.remove(&id)) else {
                gone.push(id);
                continue;
            };
            paper_scopes.sort();
            let tags = tags.remove(&id).unwrap_or_default();
            let guilds: Vec<Scope> = paper_scopes
                .iter()
                .copied()
                .filter(|s| *s != Scope::GLOBAL)
                .collect();
            for &guild in &guilds {
                // A guild source from before views existed: its guild saw the paper's row.
                let view = seen.remove(&(id, guild)).unwrap_or_else(|| row.clone());
                let own = |s: &Scope| *s == Scope::GLOBAL || *s == guild;
                docs.push(doc(view, guild, &tags, own, Vec::new()));
            }
            if paper_scopes.first() == Some(&Scope::GLOBAL) {
                let global = |s: &Scope| *s == Scope::GLOBAL;
                docs.push(doc(row, Scope::GLOBAL, &tags, global, guilds));
            }
        }
    }
    Ok((docs, gone))
}

fn doc(
    row: PaperRow,
    scope: Scope,
    tags: &[(Scope, String)],
    keep: impl Fn(&Scope) -> bool,
    shadowed: Vec<Scope>,
) -> IndexDoc {
    IndexDoc {
        id: row.id,
        title: row.title,
        authors: row.authors,
        abstract_text: row.abstract_text,
        note: row.note,
        venue: row.venue,
        year: row.year,
        tags: tags.iter().filter(|(s, _)| keep(s)).cloned().collect(),
        scopes: vec![scope],
        shadowed,
    }
}
