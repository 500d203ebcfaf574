//! Writing one parsed file into the catalog, in one transaction: decide in memory which
//! paper each entry is and what it adds (merging as it goes), then write papers, sources,
//! tags, links, citation edges and key aliases set-at-a-time, and drop the sources of
//! entries the file no longer has.
//!
//! Only a global file merges into `papers`. A guild's file records what each of its
//! entries said (`source_meta`) and merges it into that guild's views of the papers
//! (`views`), which are merged again whenever the global row under them changes.

use super::identities::Identities;
use super::merge::{merge, new_row};
use super::views::Said;
use super::{Catalog, ImportReport};
use crate::ingest::ids::{normalize_title, tag_key};
use crate::ingest::{ParseOutput, Warning};
use crate::model::{Link, Scope};
use crate::search::IndexDoc;
use crate::store::papers::{self, PaperRow};
use crate::store::views;
use crate::store::{bulk, changes, sources};
use sqlx::SqliteConnection;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// What one paper gets from this file: its row after merging, and this file's claims.
struct Slot {
    row: PaperRow,
    /// The row before this import, for papers that existed.
    original: Option<PaperRow>,
    section: Option<String>,
    line: usize,
    /// This file's source row for the paper (existing or to be inserted).
    source_id: i64,
    new_source: bool,
    /// `(tag key, tag as written)`.
    tags: Vec<(String, String)>,
    links: Vec<Link>,
    /// What a guild's entries said of the paper, in file order (empty for a global file).
    said: Vec<Said>,
    /// A paper so far seen only in guilds that this global file names: its row was started
    /// again from this file, and it gets a key of the global catalog's own.
    rekey: bool,
}

impl Catalog {
    /// Writes `parsed` as the new content of `file`, logging the papers it touched in the
    /// change log in the same transaction; returns them, with the generation written.
    pub(super) async fn write_file(
        &self,
        scope: Scope,
        file: &str,
        format: &str,
        hash: &str,
        parsed: &ParseOutput,
        report: &mut ImportReport,
    ) -> anyhow::Result<Touched> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let previous = sources::find_file(&mut tx, scope, file).await?;
        if previous.as_ref().is_some_and(|f| f.hash == hash) {
            report.unchanged = parsed.entries.len();
            tx.rollback().await?;
            return Ok(Touched::default());
        }
        let mut ids_guard = self.current_identities(&mut tx).await?;
        let Some(ids) = ids_guard.as_mut() else {
            anyhow::bail!("identity tables missing after loading");
        };
        let file_id = sources::upsert_file(&mut tx, scope, file, format, hash).await?;
        let mut old_sources = sources::sources_of_file(&mut tx, file_id).await?;
        let plan = plan(&mut tx, ids, scope, parsed, &mut old_sources, report).await?;
        write_plan(&mut tx, ids, file_id, scope, &plan, parsed).await?;
        let slots = plan.slots;

        // Entries the file no longer has lose this file as a source.
        report.dropped = old_sources.len();
        let gone: Vec<i64> = old_sources.values().copied().collect();
        sources::delete_sources(&mut tx, &gone).await?;
        let named: Vec<i64> = slots.iter().map(|s| s.row.id).collect();
        let created: HashSet<i64> = slots
            .iter()
            .filter(|s| s.original.is_none())
            .map(|s| s.row.id)
            .collect();
        super::views::refresh_after_write(&mut tx, ids, scope, &named, &created, &old_sources)
            .await?;

        // Papers new in this file are indexed from memory; the rest are read back, since
        // other files also speak for them.
        let mut touched = Touched::default();
        for s in slots {
            // A guild's papers have views; the index reads them back.
            if s.original.is_some() || scope != Scope::GLOBAL {
                touched.ids.push(s.row.id);
                continue;
            }
            touched.docs.push(IndexDoc {
                id: s.row.id,
                title: s.row.title,
                authors: s.row.authors,
                abstract_text: s.row.abstract_text,
                note: s.row.note,
                venue: s.row.venue,
                year: s.row.year,
                tags: s.tags.into_iter().map(|(_, name)| (scope, name)).collect(),
                scopes: vec![scope],
                shadowed: Vec::new(),
            });
        }
        touched.ids.extend(old_sources.into_keys());
        let mut papers: Vec<i64> = touched.docs.iter().map(|d| d.id).collect();
        papers.extend(&touched.ids);
        let generation = changes::append(&mut tx, &papers).await?;
        tx.commit().await?;
        ids.generation = generation;
        touched.generations.push(generation);
        crate::fault::kill_at(crate::fault::AFTER_DB_COMMIT);
        Ok(touched)
    }
}

/// Which paper each entry of a file is, and what the file says about each paper.
struct Plan {
    slots: Vec<Slot>,
    /// Entry index to slot; `None` for skipped entries.
    entry_slot: Vec<Option<usize>>,
    /// `(alias, paper id)`: BibTeX keys of papers that already have another key.
    aliases: Vec<(String, i64)>,
}

/// Matches every entry to a stored or new paper and merges what it says, in memory. Ids
/// for new papers and sources are handed out here: the caller holds the write lock
/// (`BEGIN IMMEDIATE`), which spares reading them back from every insert.
async fn plan(
    tx: &mut SqliteConnection,
    ids: &mut Identities,
    scope: Scope,
    parsed: &ParseOutput,
    old_sources: &mut HashMap<i64, i64>,
    report: &mut ImportReport,
) -> anyhow::Result<Plan> {
    // The stored rows of papers entries will merge into, fetched at once.
    let likely: Vec<i64> = parsed
        .entries
        .iter()
        .filter_map(|e| ids.find(e, &normalize_title(&e.title), &mut Vec::new()))
        .collect();
    let mut stored = papers::get_many(&mut *tx, &likely).await?;
    let guild = scope != Scope::GLOBAL;
    // Papers a global file names that already have a global source merge into their row;
    // the others (seen only in guilds so far) start their global row from this file.
    let mut global_ids = if guild {
        HashSet::new()
    } else {
        views::with_global_source(&mut *tx, &likely).await?
    };

    let mut slots: Vec<Slot> = Vec::new();
    let mut slot_of: HashMap<i64, usize> = HashMap::new();
    let mut entry_slot: Vec<Option<usize>> = vec![None; parsed.entries.len()];
    let mut aliases: Vec<(String, i64)> = Vec::new();
    let mut next_paper = papers::next_id(&mut *tx).await?;
    let mut next_source = sources::next_id(&mut *tx).await?;

    // Lines that already have a warning, kept as a set: scanning the warnings for each
    // repeated entry made a file of many repeats quadratic.
    let mut warned: HashSet<usize> = HashSet::new();
    let mut seen_warnings = 0;
    for (i, entry) in parsed.entries.iter().enumerate() {
        if entry.title.trim().is_empty() && entry.arxiv.is_none() && entry.doi.is_none() {
            report.skipped += 1;
            report.warnings.push(Warning {
                line: entry.line,
                message: "entry has no title and no arXiv id or DOI; skipped".into(),
            });
            continue;
        }
        let title_norm = normalize_title(&entry.title);
        let found = ids.find(entry, &title_norm, &mut report.warnings);
        let mut rekeyed = false;
        let slot = match found {
            Some(id) => {
                let slot = match slot_of.get(&id) {
                    Some(&s) => {
                        // The parser already names most repeats; say it once per line.
                        warned.extend(report.warnings[seen_warnings..].iter().map(|w| w.line));
                        seen_warnings = report.warnings.len();
                        if warned.insert(entry.line) {
                            // A slot's line is that of the entry that opened it.
                            let line = slots[s].line;
                            report.warnings.push(Warning {
                                line: entry.line,
                                message: format!(
                                    "same paper as the entry on line {line}; merged into it"
                                ),
                            });
                        }
                        s
                    }
                    None => {
                        let row = match stored.remove(&id) {
                            Some(row) => row,
                            None => {
                                global_ids.extend(views::with_global_source(tx, &[id]).await?);
                                papers::get(&mut *tx, id).await?.ok_or_else(|| {
                                    anyhow::anyhow!("paper {id} vanished during import")
                                })?
                            }
                        };
                        let rekey = !guild && !global_ids.contains(&id);
                        let start = if rekey {
                            rekeyed = true;
                            let wanted = entry.bibtex.as_ref().map(|b| b.key.as_str());
                            // The key the global catalog would give it: the guild's own key
                            // only when the global entry leads to it too.
                            let old = row.key.to_lowercase();
                            ids.keys.remove(&old);
                            let key = ids.unique_key(wanted, entry);
                            ids.keys.insert(old);
                            PaperRow {
                                id,
                                key,
                                ..new_row(entry)
                            }
                        } else {
                            row.clone()
                        };
                        let (source_id, new_source) = match old_sources.remove(&id) {
                            Some(existing) => {
                                report.unchanged += 1;
                                (existing, false)
                            }
                            None => {
                                report.merged += 1;
                                next_source += 1;
                                (next_source - 1, true)
                            }
                        };
                        slots.push(Slot {
                            original: Some(row),
                            row: start,
                            section: entry.section.clone(),
                            line: entry.line,
                            source_id,
                            new_source,
                            tags: Vec::new(),
                            links: Vec::new(),
                            said: Vec::new(),
                            rekey,
                        });
                        slot_of.insert(id, slots.len() - 1);
                        slots.len() - 1
                    }
                };
                if guild && slots[slot].original.is_some() {
                    // A guild's entry goes to its view; its identifiers still find the paper.
                    ids.add_identifiers(id, entry);
                } else {
                    let mut merged = merge(&slots[slot].row, entry);
                    // An identifier another paper already holds stays with that paper.
                    for (value, map) in
                        [(&mut merged.arxiv, &ids.arxiv), (&mut merged.doi, &ids.doi)]
                    {
                        if value
                            .as_ref()
                            .is_some_and(|v| map.get(v).is_some_and(|&o| o != id))
                        {
                            *value = None;
                        }
                    }
                    if merged != slots[slot].row || rekeyed {
                        ids.remember(&merged);
                        slots[slot].row = merged;
                    }
                }
                if let Some(key) = entry.bibtex.as_ref().map(|b| b.key.trim()) {
                    if !key.is_empty()
                        && !key.eq_ignore_ascii_case(&slots[slot].row.key)
                        && ids.keys.insert(key.to_lowercase())
                    {
                        aliases.push((key.to_string(), id));
                    }
                }
                slot
            }
            None => {
                // Copied only when it must change: cloning every new entry was a
                // noticeable share of a large import.
                let mut entry = Cow::Borrowed(entry);
                // Kept apart from a paper that holds the same identifier (a wrong link).
                if entry
                    .arxiv
                    .as_ref()
                    .is_some_and(|a| ids.arxiv.contains_key(a))
                {
                    entry.to_mut().arxiv = None;
                }
                if entry.doi.as_ref().is_some_and(|d| ids.doi.contains_key(d)) {
                    entry.to_mut().doi = None;
                }
                let mut row = new_row(&entry);
                row.key = ids.unique_key(entry.bibtex.as_ref().map(|b| b.key.as_str()), &entry);
                row.id = next_paper;
                next_paper += 1;
                next_source += 1;
                ids.remember(&row);
                report.new += 1;
                slot_of.insert(row.id, slots.len());
                slots.push(Slot {
                    row,
                    original: None,
                    section: entry.section.clone(),
                    line: entry.line,
                    source_id: next_source - 1,
                    new_source: true,
                    tags: Vec::new(),
                    links: Vec::new(),
                    said: Vec::new(),
                    rekey: false,
                });
                slots.len() - 1
            }
        };
        let s = &mut slots[slot];
        if guild {
            s.said.push(Said::of(entry));
        }
        for t in &entry.tags {
            let key = tag_key(t);
            if !key.is_empty() && !s.tags.iter().any(|(k, _)| *k == key) {
                s.tags.push((key, t.trim().to_string()));
            }
        }
        for l in &entry.links {
            if !s.links.iter().any(|x| x.url == l.url) {
                s.links.push(l.clone());
            }
        }
        entry_slot[i] = Some(slot);
    }
    Ok(Plan {
        slots,
        entry_slot,
        aliases,
    })
}

/// Writes a plan set-at-a-time: papers, aliases, sources, then each source's tags, links
/// and citation edges.
async fn write_plan(
    tx: &mut SqliteConnection,
    ids: &mut Identities,
    file_id: i64,
    scope: Scope,
    plan: &Plan,
    parsed: &ParseOutput,
) -> anyhow::Result<()> {
    let Plan {
        slots,
        entry_slot,
        aliases,
    } = plan;
    // Papers, then sources, then what each source states.
    let new_rows: Vec<&PaperRow> = slots
        .iter()
        .filter(|s| s.original.is_none())
        .map(|s| &s.row)
        .collect();
    bulk::insert_papers(&mut *tx, &new_rows).await?;
    let changed: Vec<&PaperRow> = slots
        .iter()
        .filter(|s| s.original.as_ref().is_some_and(|o| *o != s.row))
        .map(|s| &s.row)
        .collect();
    bulk::update_papers(&mut *tx, &changed).await?;
    let rekeyed: Vec<(i64, String)> = slots
        .iter()
        .filter(|s| s.rekey)
        .map(|s| (s.row.id, s.row.key.clone()))
        .collect();
    views::rekey_papers(&mut *tx, &rekeyed).await?;
    bulk::insert_aliases(&mut *tx, aliases, scope).await?;

    let source_rows: Vec<bulk::SourceRow> = slots
        .iter()
        .map(|s| bulk::SourceRow {
            id: s.source_id,
            paper_id: s.row.id,
            section: s.section.as_deref(),
            line: s.line,
            new: s.new_source,
        })
        .collect();
    bulk::write_sources(&mut *tx, file_id, scope, &source_rows).await?;
    let rewritten: Vec<i64> = slots
        .iter()
        .filter(|s| !s.new_source)
        .map(|s| s.source_id)
        .collect();
    bulk::clear_claims(&mut *tx, &rewritten).await?;
    let said: Vec<(i64, String)> = slots
        .iter()
        .filter(|s| !s.said.is_empty())
        .map(|s| Ok((s.source_id, serde_json::to_string(&s.said)?)))
        .collect::<serde_json::Result<_>>()?;
    views::write_said(&mut *tx, &said).await?;
    let source_of: HashMap<i64, i64> = slots.iter().map(|s| (s.row.id, s.source_id)).collect();

    let mut new_tags: Vec<(String, String)> = Vec::new();
    let mut listed: HashSet<&str> = HashSet::new();
    for s in slots {
        for (k, name) in &s.tags {
            if !ids.tag_ids.contains_key(k) && listed.insert(k) {
                new_tags.push((k.clone(), name.clone()));
            }
        }
    }
    ids.tag_ids
        .extend(bulk::insert_tags(&mut *tx, &new_tags).await?);
    let mut names: Vec<(i64, String)> = Vec::new();
    let mut named: HashSet<&str> = HashSet::new();
    for s in slots {
        for (k, name) in &s.tags {
            if let Some(&tag) = ids.tag_ids.get(k).filter(|_| named.insert(k)) {
                names.push((tag, name.clone()));
            }
        }
    }
    views::insert_tag_names(&mut *tx, scope, &names).await?;

    let (mut tag_rows, mut link_rows) = (Vec::new(), Vec::new());
    for s in slots {
        let source = s.source_id;
        for (k, _) in &s.tags {
            if let Some(&tag) = ids.tag_ids.get(k) {
                tag_rows.push((source, s.row.id, tag));
            }
        }
        link_rows.extend(s.links.iter().map(|l| (source, s.row.id, l)));
    }
    bulk::insert_paper_tags(&mut *tx, &tag_rows).await?;
    bulk::insert_links(&mut *tx, &link_rows).await?;

    let mut cite_rows = Vec::new();
    for &(citing, cited) in &parsed.cites {
        let slot = |i: usize| {
            entry_slot
                .get(i)
                .copied()
                .flatten()
                .map(|s| slots[s].row.id)
        };
        if let (Some(a), Some(b)) = (slot(citing), slot(cited)) {
            if a != b {
                cite_rows.push((source_of[&a], a, b));
            }
        }
    }
    bulk::insert_cites(&mut *tx, &cite_rows).await?;
    Ok(())
}

/// Papers whose index documents an import changed.
#[derive(Default)]
pub(super) struct Touched {
    /// Complete documents of papers first seen in the import.
    pub docs: Vec<IndexDoc>,
    /// Papers whose documents must be read back from the database.
    pub ids: Vec<i64>,
    /// The change-log generations these papers were written in.
    pub generations: Vec<i64>,
}

impl Touched {
    pub fn len(&self) -> usize {
        self.docs.len() + self.ids.len()
    }

    pub fn extend(&mut self, other: Touched) {
        self.docs.extend(other.docs);
        self.ids.extend(other.ids);
        self.generations.extend(other.generations);
    }
}
