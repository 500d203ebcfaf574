//! The importer's in-memory identity tables: arXiv id, DOI, normalised title and key to
//! paper, loaded on the first import and kept in step by this process's importer, so
//! finding which paper an entry is costs no query. They remember the change-log generation
//! they match: when another process has written since, they are loaded again.

use super::merge::{titles_agree, years_agree};
use super::Catalog;
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
    titles: HashMap<String, TitleGroup>,
    /// Lower-cased keys and key aliases in use.
    pub(super) keys: HashSet<String>,
    /// Per key stem, the first suffix position not yet known to be taken. Keys are only
    /// ever added, so a suffix once taken stays taken: resuming here instead of at `a`
    /// keeps a file of 100,000 papers sharing a stem linear, not quadratic.
    suffix_from: HashMap<String, usize>,
    /// Keys looked at by [`Identities::unique_key`], for tests that it stays linear.
    #[cfg(test)]
    pub(super) keys_probed: usize,
    /// Papers looked at by the title match in [`Identities::find`], likewise.
    #[cfg(test)]
    titles_probed: std::cell::Cell<usize>,
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
        let aliases = papers::key_aliases(&mut *conn).await?;
        ids.keys
            .extend(aliases.into_iter().map(|a| a.to_lowercase()));
        // A guild's view may show a key of its own, and identifiers only the guild gave.
        for (id, key, arxiv, doi) in crate::store::views::identity_rows(&mut *conn).await? {
            ids.keys.insert(key.to_lowercase());
            ids.add_ids(id, &arxiv, &doi);
        }
        let tags = crate::store::tags::ids(conn).await?;
        ids.tag_ids.extend(tags.into_iter().map(|t| (t.key, t.id)));
        Ok(ids)
    }

    pub(super) fn remember(&mut self, row: &PaperRow) {
        if let Some(a) = &row.arxiv {
            self.arxiv.insert(a.clone(), row.id);
        }
        if let Some(d) = &row.doi {
            self.doi.insert(d.clone(), row.id);
        }
        self.titles
            .entry(row.title_norm.clone())
            .or_default()
            .add(row);
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

    /// Lets a guild's entry's identifiers find paper `id` too, where no paper holds them:
    /// the guild's view has them, the global row does not.
    pub(super) fn add_identifiers(&mut self, id: i64, entry: &RawEntry) {
        self.add_ids(id, &entry.arxiv, &entry.doi);
    }

    fn add_ids(&mut self, id: i64, arxiv: &Option<String>, doi: &Option<String>) {
        for (value, map) in [(arxiv, &mut self.arxiv), (doi, &mut self.doi)] {
            if let Some(v) = value {
                map.entry(v.clone()).or_insert(id);
            }
        }
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
        self.titles
            .get(title_norm)?
            .candidates(entry)
            .iter()
            .copied()
            .find(|id| {
                #[cfg(test)]
                self.titles_probed.set(self.titles_probed.get() + 1);
                let Some(known) = self.rows.get(id) else {
                    return false;
                };
                years_agree(known.year, entry.year)
                    && compatible(&known.arxiv, &entry.arxiv)
                    && compatible(&known.doi, &entry.doi)
            })
    }

    pub(super) fn unique_key(&mut self, wanted: Option<&str>, entry: &RawEntry) -> String {
        if let Some(k) = wanted.map(str::trim).filter(|k| !k.is_empty()) {
            if !self.key_taken(&k.to_lowercase()) {
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
        if !self.key_taken(&stem) {
            return stem;
        }
        let mut n = self.suffix_from.get(&stem).copied().unwrap_or(0);
        let key = loop {
            let key = format!("{stem}{}", suffix(n));
            if !self.key_taken(&key) {
                break key;
            }
            n += 1;
        };
        self.suffix_from.insert(stem, n);
        key
    }

    fn key_taken(&mut self, key: &str) -> bool {
        #[cfg(test)]
        {
            self.keys_probed += 1;
        }
        self.keys.contains(key)
    }
}

impl Catalog {
    /// The importer's identity tables, current at the database's generation (the caller
    /// holds the write lock); `Some` when this returns `Ok`.
    pub(super) async fn current_identities(
        &self,
        tx: &mut SqliteConnection,
    ) -> anyhow::Result<tokio::sync::MutexGuard<'_, Option<Identities>>> {
        let generation = crate::store::changes::current(&mut *tx).await?;
        let mut ids_guard = self.identities.lock().await;
        // Tables loaded before another process wrote would miss its papers and keys.
        if ids_guard
            .as_ref()
            .is_some_and(|ids| ids.generation != generation)
        {
            *ids_guard = None;
        }
        if ids_guard.is_none() {
            let mut loaded = Identities::load(tx).await?;
            loaded.generation = generation;
            *ids_guard = Some(loaded);
        }
        Ok(ids_guard)
    }
}

/// The `n`th key suffix: `a` to `z`, then `2`, `3`, ...
fn suffix(n: usize) -> String {
    match u8::try_from(n).ok().filter(|&n| n < 26) {
        Some(letter) => char::from(b'a' + letter).to_string(),
        None => (n - 24).to_string(),
    }
}

/// The papers sharing one normalised title, in the order first seen, with the sublists
/// an entry carrying an identifier can match at all. An entry with a DOI can only be a
/// paper without one (a paper with the same DOI was found by DOI; one with another DOI is
/// another paper), so a title shared by thousands of DOI-carrying records ("Preface",
/// "Proceedings", one per volume) is matched without looking at any of them.
#[derive(Default)]
struct TitleGroup {
    all: Vec<i64>,
    /// Papers that had no arXiv id (resp. DOI) when first seen. One that gained it later
    /// is still listed; the caller's check of the current row tells.
    no_arxiv: Vec<i64>,
    no_doi: Vec<i64>,
    members: HashSet<i64>,
}

impl TitleGroup {
    fn add(&mut self, row: &PaperRow) {
        if !self.members.insert(row.id) {
            return;
        }
        self.all.push(row.id);
        if row.arxiv.is_none() {
            self.no_arxiv.push(row.id);
        }
        if row.doi.is_none() {
            self.no_doi.push(row.id);
        }
    }

    /// The papers `entry` might be, in the order first seen.
    fn candidates(&self, entry: &RawEntry) -> &[i64] {
        match (&entry.arxiv, &entry.doi) {
            (None, None) => &self.all,
            (Some(_), None) => &self.no_arxiv,
            (None, Some(_)) => &self.no_doi,
            (Some(_), Some(_)) if self.no_arxiv.len() < self.no_doi.len() => &self.no_arxiv,
            (Some(_), Some(_)) => &self.no_doi,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn title_only(title: &str) -> RawEntry {
        RawEntry {
            title: title.into(),
            ..RawEntry::default()
        }
    }

    /// Hands out keys for `n` title-only papers that share one stem, as the importer does.
    fn keys_for(ids: &mut Identities, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                let key = ids.unique_key(None, &title_only(&format!("Towards Robust Agents {i}")));
                ids.keys.insert(key.clone());
                key
            })
            .collect()
    }

    #[test]
    fn papers_sharing_a_stem_get_suffixes_in_order() {
        let mut ids = Identities::default();
        let keys = keys_for(&mut ids, 30);
        assert_eq!(
            keys[..3],
            ["robustagents", "robustagentsa", "robustagentsb"]
        );
        assert_eq!(
            keys[26..],
            [
                "robustagentsz",
                "robustagents2",
                "robustagents3",
                "robustagents4"
            ]
        );
    }

    #[test]
    fn a_suffix_taken_by_an_alias_is_skipped() {
        let mut ids = Identities::default();
        keys_for(&mut ids, 2);
        ids.keys.insert("robustagentsb".into());
        ids.keys.insert("robustagentsd".into());
        assert_eq!(keys_for(&mut ids, 2), ["robustagentsc", "robustagentse"]);
    }

    fn preface(id: i64, doi: &str) -> PaperRow {
        PaperRow {
            id,
            key: format!("preface{id}"),
            title: "Preface".into(),
            title_norm: "preface".into(),
            authors: Vec::new(),
            year: Some(2019),
            venue: None,
            arxiv: None,
            doi: Some(doi.into()),
            abstract_text: None,
            note: None,
            bibtex: None,
        }
    }

    /// One "Preface" per proceedings volume, each with its DOI: a new one is matched
    /// against none of the others (it used to be compared with all, n²/2 for n records).
    #[test]
    fn a_title_shared_by_many_records_with_dois_is_matched_without_scanning_them() {
        let n = 5_000;
        let mut ids = Identities::default();
        for i in 0..n {
            let entry = RawEntry {
                title: "Preface".into(),
                year: Some(2019),
                doi: Some(format!("10.1/vol{i}")),
                ..RawEntry::default()
            };
            assert_eq!(ids.find(&entry, "preface", &mut Vec::new()), None);
            ids.remember(&preface(i as i64 + 1, &format!("10.1/vol{i}")));
        }
        assert!(
            ids.titles_probed.get() <= n,
            "{} probes",
            ids.titles_probed.get()
        );
        // An entry without identifiers is still the first paper of that title and year.
        let bare = RawEntry {
            title: "Preface".into(),
            year: Some(2019),
            ..RawEntry::default()
        };
        assert_eq!(ids.find(&bare, "preface", &mut Vec::new()), Some(1));
    }

    /// Resuming each stem's suffixes where the last key was found, not at `a`: scanning
    /// from `a` looked at n²/2 keys for n papers with one stem (20,000 title-only entries
    /// took 40 s). Counted, not timed.
    #[test]
    fn keys_for_many_papers_sharing_a_stem_look_at_each_suffix_about_once() {
        let n = 5_000;
        let mut ids = Identities::default();
        let keys = keys_for(&mut ids, n);
        assert_eq!(keys.iter().collect::<HashSet<_>>().len(), n);
        assert!(
            ids.keys_probed <= 3 * n,
            "{} keys looked at for {n} papers",
            ids.keys_probed
        );
    }
}
