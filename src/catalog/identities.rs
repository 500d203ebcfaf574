//! The importer's in-memory identity tables: arXiv id, DOI, normalised title and key to
//! paper, loaded on the first import and kept in step by this process's importer, so
//! finding which paper an entry is costs no query. They remember the change-log generation
//! they match: when another process has written since, they are loaded again.

use super::merge::{titles_agree, years_agree};
use crate::ingest::ids::arxiv_year;
use crate::ingest::{RawEntry, Warning};
use crate::store::papers::{self, PaperRow};
use sqlx::SqliteConnection;
use std::collections::{HashMap, HashSet};

/// Lookup tables over the papers, tags and keys.
#[derive(Default)]
pub(crate) struct Identities {
    pub(super) arxiv: HashMap<String, i64>,
    pub(super) doi: HashMap<String, i64>,
    titles: HashMap<String, Vec<i64>>,
    /// Lower-cased keys and key aliases in use.
    pub(super) keys: HashSet<String>,
    rows: HashMap<i64, Known>,
    pub(super) tag_ids: HashMap<String, i64>,
    /// The change-log generation the tables are current at.
    pub(super) generation: i64,
}

impl Identities {
    pub(crate) async fn load(conn: &mut SqliteConnection) -> sqlx::Result<Identities> {
        let mut ids = Identities::default();
        for row in papers::identity_rows(&mut *conn).await? {
            ids.remember(&row);
        }
        let aliases: Vec<String> = sqlx::query_scalar("SELECT alias FROM key_aliases")
            .fetch_all(&mut *conn)
            .await?;
        ids.keys
            .extend(aliases.into_iter().map(|a| a.to_lowercase()));
        let tags: Vec<(String, i64)> = sqlx::query_as("SELECT key, id FROM tags")
            .fetch_all(conn)
            .await?;
        ids.tag_ids.extend(tags);
        Ok(ids)
    }

    pub(super) fn remember(&mut self, row: &PaperRow) {
        if let Some(a) = &row.arxiv {
            self.arxiv.insert(a.clone(), row.id);
        }
        if let Some(d) = &row.doi {
            self.doi.insert(d.clone(), row.id);
        }
        let titles = self.titles.entry(row.title_norm.clone()).or_default();
        if !titles.contains(&row.id) {
            titles.push(row.id);
        }
        self.keys.insert(row.key.to_lowercase());
        self.rows.insert(
            row.id,
            Known {
                title_norm: row.title_norm.clone(),
                year: row.year,
                arxiv: row.arxiv.clone(),
                doi: row.doi.clone(),
            },
        );
    }

    /// The paper `entry` is, if the catalog has it; warns about identifiers that point at
    /// a paper with another title.
    pub(super) fn find(
        &self,
        entry: &RawEntry,
        title_norm: &str,
        warnings: &mut Vec<Warning>,
    ) -> Option<i64> {
        let by_id = [
            ("arXiv", &entry.arxiv, &self.arxiv),
            ("DOI", &entry.doi, &self.doi),
        ];
        for (what, value, map) in by_id {
            let Some(v) = value else { continue };
            let Some(&id) = map.get(v) else { continue };
            let Some(known) = self.rows.get(&id).map(|k| &k.title_norm) else {
                continue;
            };
            if titles_agree(known, title_norm) {
                return Some(id);
            }
            warnings.push(Warning {
                line: entry.line,
                message: format!(
                    "{what} {v} already belongs to another paper (\"{known}\"), not to \"{}\"; kept apart — check the link",
                    entry.title.trim()
                ),
            });
            return None;
        }
        if title_norm.is_empty() {
            return None;
        }
        self.titles.get(title_norm)?.iter().copied().find(|id| {
            let Some(known) = self.rows.get(id) else {
                return false;
            };
            years_agree(known.year, entry.year)
                && compatible(&known.arxiv, &entry.arxiv)
                && compatible(&known.doi, &entry.doi)
        })
    }

    pub(super) fn unique_key(&self, wanted: Option<&str>, entry: &RawEntry) -> String {
        if let Some(k) = wanted.map(str::trim).filter(|k| !k.is_empty()) {
            if !self.keys.contains(&k.to_lowercase()) {
                return k.to_string();
            }
        }
        let year = entry
            .year
            .or_else(|| entry.arxiv.as_deref().and_then(arxiv_year));
        let stem = crate::cite::key_stem(&entry.authors, year, &entry.title);
        let stem = if stem.is_empty() {
            "paper".to_string()
        } else {
            stem
        };
        if !self.keys.contains(&stem) {
            return stem;
        }
        let suffixes = ('a'..='z')
            .map(String::from)
            .chain((2..).map(|n: u32| n.to_string()));
        suffixes
            .map(|s| format!("{stem}{s}"))
            .find(|k| !self.keys.contains(k))
            .unwrap_or(stem)
    }
}

/// What identity matching needs to know of a stored paper.
struct Known {
    title_norm: String,
    year: Option<i32>,
    arxiv: Option<String>,
    doi: Option<String>,
}

fn compatible(a: &Option<String>, b: &Option<String>) -> bool {
    a.is_none() || b.is_none() || a == b
}
