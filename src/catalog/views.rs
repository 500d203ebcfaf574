//! What a guild sees of a paper its own imports name: the global row (when the paper has a
//! global source) merged, in source order, with what each of the guild's sources said. The
//! global row itself only ever merges global sources, so nothing a guild imports reaches the
//! global catalog or another guild. Views are merged again for exactly the (paper, guild)
//! pairs an import touched, in the import's transaction.

use super::identities::Identities;
use super::merge::{merge, new_row};
use crate::ingest::{BibEntry, RawEntry};
use crate::model::Scope;
use crate::store::papers::{self, PaperRow};
use crate::store::views::{self, Pair};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use std::collections::{HashMap, HashSet};

/// What one entry of a guild's file said about a paper's metadata (`source_meta.said`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Said {
    #[serde(default)]
    title: String,
    #[serde(default)]
    authors: Vec<String>,
    year: Option<i32>,
    venue: Option<String>,
    arxiv: Option<String>,
    doi: Option<String>,
    #[serde(rename = "abstract")]
    abstract_text: Option<String>,
    note: Option<String>,
    /// The BibTeX entry as written.
    bibtex: Option<String>,
    #[serde(default)]
    bib_key: String,
}

impl Said {
    pub(super) fn of(e: &RawEntry) -> Said {
        Said {
            title: e.title.clone(),
            authors: e.authors.clone(),
            year: e.year,
            venue: e.venue.clone(),
            arxiv: e.arxiv.clone(),
            doi: e.doi.clone(),
            abstract_text: e.abstract_text.clone(),
            note: e.note.clone(),
            bibtex: e.bibtex.as_ref().map(|b| b.raw.clone()),
            bib_key: e.bibtex.as_ref().map(|b| b.key.clone()).unwrap_or_default(),
        }
    }

    /// The entry again, as far as merging reads it.
    fn entry(&self) -> RawEntry {
        RawEntry {
            title: self.title.clone(),
            authors: self.authors.clone(),
            year: self.year,
            venue: self.venue.clone(),
            arxiv: self.arxiv.clone(),
            doi: self.doi.clone(),
            abstract_text: self.abstract_text.clone(),
            note: self.note.clone(),
            bibtex: self.bibtex.as_ref().map(|raw| BibEntry {
                key: self.bib_key.clone(),
                raw: raw.clone(),
                ..BibEntry::default()
            }),
            ..RawEntry::default()
        }
    }
}

/// `base` (the global row, if the paper has one) merged with `entries` in order.
fn fold(base: Option<PaperRow>, id: i64, entries: &[RawEntry]) -> Option<PaperRow> {
    let mut row = base;
    for e in entries {
        row = Some(match row {
            Some(r) => merge(&r, e),
            None => PaperRow { id, ..new_row(e) },
        });
    }
    row
}

/// Merges the views of `pairs` again and writes those that changed; drops those whose
/// guild no longer has a source of the paper. A new view shows the global key of a global
/// paper, the paper's key when this import created it, and otherwise a key of its own (the
/// paper's key then came from another guild's import and must not show here).
pub(super) async fn refresh(
    tx: &mut SqliteConnection,
    ids: &mut Identities,
    pairs: &[Pair],
    created: &HashSet<i64>,
) -> anyhow::Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let mut paper_ids: Vec<i64> = pairs.iter().map(|p| p.0).collect();
    paper_ids.sort_unstable();
    paper_ids.dedup();
    let rows = papers::get_many(&mut *tx, &paper_ids).await?;
    let global = views::with_global_source(&mut *tx, &paper_ids).await?;
    let existing = views::views_of(&mut *tx, &paper_ids).await?;
    let mut said: HashMap<Pair, Vec<RawEntry>> = HashMap::new();
    for (paper, scope, json) in views::said_for(&mut *tx, pairs).await? {
        let list: Vec<Said> = serde_json::from_str(&json)?;
        said.entry((paper, scope))
            .or_default()
            .extend(list.iter().map(Said::entry));
    }
    let (mut upserts, mut gone) = (Vec::new(), Vec::new());
    let mut done: HashSet<Pair> = HashSet::new();
    for &pair in pairs {
        if !done.insert(pair) {
            continue;
        }
        let (paper, scope) = pair;
        let entries = said.remove(&pair).unwrap_or_default();
        let Some(row) = rows.get(&paper) else {
            continue;
        };
        if entries.is_empty() {
            gone.push(pair);
            continue;
        }
        let is_global = global.contains(&paper);
        let Some(mut view) = fold(is_global.then(|| row.clone()), paper, &entries) else {
            gone.push(pair);
            continue;
        };
        view.key = match existing.get(&pair) {
            Some(old) => old.key.clone(),
            None if is_global || created.contains(&paper) => row.key.clone(),
            None => {
                let key = ids.unique_key(None, &entries[0]);
                ids.keys.insert(key.to_lowercase());
                key
            }
        };
        if existing.get(&pair) != Some(&view) {
            upserts.push((scope, view));
        }
    }
    views::delete_views(&mut *tx, &gone).await?;
    views::upsert_views(&mut *tx, &upserts).await?;
    Ok(())
}

/// Merges again the views a file's write changed: for a guild's file, that guild's views
/// of the papers it names (`named`) or no longer names (`dropped`, paper to source); for a
/// global file, every guild's views of the papers it names, since the global row under
/// them may have changed. `created` are the papers new in the write.
pub(super) async fn refresh_after_write(
    tx: &mut SqliteConnection,
    ids: &mut Identities,
    scope: Scope,
    named: &[i64],
    created: &HashSet<i64>,
    dropped: &HashMap<i64, i64>,
) -> anyhow::Result<()> {
    let pairs: Vec<Pair> = if scope == Scope::GLOBAL {
        views::guild_pairs(&mut *tx, named).await?
    } else {
        named
            .iter()
            .chain(dropped.keys())
            .map(|&p| (p, scope))
            .collect()
    };
    refresh(tx, ids, &pairs, created).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_source_said_merges_as_the_entry_did() {
        let e = RawEntry {
            title: "Scaling Laws".into(),
            authors: vec!["Eve Mallory".into()],
            abstract_text: Some("[Click here](https://evil.example)".into()),
            bibtex: Some(BibEntry {
                key: "evilkey".into(),
                raw: "@misc{evilkey}".into(),
                ..BibEntry::default()
            }),
            ..RawEntry::default()
        };
        let back: Said =
            serde_json::from_str(&serde_json::to_string(&Said::of(&e)).unwrap()).unwrap();
        let direct = fold(None, 7, std::slice::from_ref(&e)).unwrap();
        assert_eq!(fold(None, 7, &[back.entry()]), Some(direct.clone()));
        assert_eq!(direct.id, 7);
        assert_eq!(direct.authors, ["Eve Mallory"]);
    }
}
