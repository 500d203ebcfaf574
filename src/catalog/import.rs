//! Importing one file: decode, detect, parse, then merge every entry into the catalog in
//! one transaction, so a file that fails changes nothing. Identity: arXiv id, else DOI,
//! else normalised title (+ compatible year); an identifier whose paper has a different
//! title is a wrong link and is not merged on.

use super::merge::{merge, new_row, titles_agree, years_agree};
use super::{Catalog, ImportReport};
use crate::ingest::{self, detect, Format, ParseOutput, RawEntry, Warning};
use crate::model::Scope;
use crate::store::{papers, sources, tags};
use sqlx::SqliteConnection;
use std::collections::{HashMap, HashSet};

/// Larger files are refused outright: no reading list is this big, and parsing one would
/// hold the write lock for long.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Bumped when parsing changes, so re-importing an unchanged file re-reads it.
const PARSER_VERSION: &str = "1";

/// In-memory lookup tables over the papers table, loaded on the first import and kept in
/// step by the importer (the only writer), so an entry's identity costs no query.
#[derive(Default)]
pub(crate) struct Identities {
    arxiv: HashMap<String, i64>,
    doi: HashMap<String, i64>,
    titles: HashMap<String, Vec<i64>>,
    keys: HashSet<String>,
    rows: HashMap<i64, Known>,
    tag_ids: HashMap<String, i64>,
}

impl Identities {
    pub(crate) async fn load(conn: &mut SqliteConnection) -> sqlx::Result<Identities> {
        let mut ids = Identities::default();
        for row in papers::all_rows(&mut *conn).await? {
            ids.remember(&row);
        }
        let aliases: Vec<String> = sqlx::query_scalar("SELECT alias FROM key_aliases")
            .fetch_all(conn)
            .await?;
        ids.keys
            .extend(aliases.into_iter().map(|a| a.to_lowercase()));
        Ok(ids)
    }

    fn remember(&mut self, row: &papers::PaperRow) {
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
    fn find(&self, entry: &RawEntry, title_norm: &str, warnings: &mut Vec<Warning>) -> Option<i64> {
        let by_id = [
            ("arXiv", &entry.arxiv, &self.arxiv),
            ("DOI", &entry.doi, &self.doi),
        ];
        for (what, value, map) in by_id {
            let Some(v) = value else { continue };
            let Some(&id) = map.get(v) else { continue };
            let known = &self.rows[&id].title_norm;
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
            let known = &self.rows[id];
            years_agree(known.year, entry.year)
                && compatible(&known.arxiv, &entry.arxiv)
                && compatible(&known.doi, &entry.doi)
        })
    }

    fn unique_key(&self, wanted: Option<&str>, entry: &RawEntry) -> String {
        if let Some(k) = wanted.map(str::trim).filter(|k| !k.is_empty()) {
            if !self.keys.contains(&k.to_lowercase()) {
                return k.to_string();
            }
        }
        let stem = crate::cite::key_stem(&entry.authors, entry.year, &entry.title);
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

/// Text of an uploaded or read file, or why it is not a reading list.
pub fn decode(bytes: &[u8]) -> Result<&str, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "file is {:.1} MB; the import limit is {} MB",
            bytes.len() as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        ));
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(format!(
            "line {}: binary data (NUL byte); expected a text reading list",
            line_of(bytes, pos)
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "line {}: not valid UTF-8; save the file as UTF-8 text",
            line_of(bytes, e.valid_up_to())
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

fn line_of(bytes: &[u8], pos: usize) -> usize {
    bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1
}

/// FNV-1a: a stable content fingerprint (std's hasher may change between releases).
fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in PARSER_VERSION.bytes().chain([0]).chain(text.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}-{}", text.len())
}

/// What one import changed, for the index.
#[derive(Default)]
pub(crate) struct Touched {
    pub papers: Vec<i64>,
}

/// Import order of formats: sources with BibTeX first, so a paper's key is its BibTeX key
/// when any file of the batch has one (a key, once issued, never changes).
fn format_rank(format: Option<Format>) -> u8 {
    match format {
        Some(Format::Bibtex) => 0,
        Some(Format::Awesome) => 1,
        Some(Format::Course) => 2,
        Some(Format::Wiki) => 3,
        Some(Format::Hub) => 4,
        None => 5,
    }
}

impl Catalog {
    /// Imports several files, those carrying BibTeX first; reports in the order given.
    pub async fn import_files(
        &self,
        scope: Scope,
        files: Vec<(String, Vec<u8>)>,
        format: Option<Format>,
    ) -> Vec<ImportReport> {
        let mut order: Vec<(u8, usize)> = files
            .iter()
            .enumerate()
            .map(|(i, (name, bytes))| {
                let detected = format.or_else(|| {
                    decode(bytes)
                        .ok()
                        .and_then(|text| detect::detect(text, name))
                });
                (format_rank(detected), i)
            })
            .collect();
        order.sort();
        let mut reports: Vec<Option<ImportReport>> = vec![None; files.len()];
        for (_, i) in order {
            let (name, bytes) = &files[i];
            reports[i] = Some(self.import_bytes(scope, name, bytes, format).await);
        }
        reports.into_iter().flatten().collect()
    }

    /// Imports one file's content under the name `file` (a path, or `discord:name`).
    pub async fn import_bytes(
        &self,
        scope: Scope,
        file: &str,
        bytes: &[u8],
        format: Option<Format>,
    ) -> ImportReport {
        let mut report = ImportReport {
            file: file.to_string(),
            ..ImportReport::default()
        };
        let text = match decode(bytes) {
            Ok(t) => t,
            Err(e) => {
                report.error = Some(e);
                return report;
            }
        };
        let Some(format) = format.or_else(|| detect::detect(text, file)) else {
            report.error = Some(
                "no reading-list format recognised (awesome-list markdown, citation-hub page, \
                 course post, DokuWiki page or BibTeX); use --format to choose one"
                    .into(),
            );
            return report;
        };
        report.format = Some(format.name().to_string());
        let parsed = ingest::parse(format, text);
        report.entries = parsed.entries.len();
        report.warnings = parsed.warnings.clone();
        if parsed.entries.is_empty() {
            report.warnings.push(Warning {
                line: 1,
                message: format!("no entries found in this {} file", format.name()),
            });
        }

        let _guard = self.writer.lock().await;
        match self
            .write_file(scope, file, format, text, &parsed, &mut report)
            .await
        {
            Ok(touched) => {
                self.after_write(&touched.papers).await;
            }
            Err(e) => {
                tracing::error!(file, error = %e, "import failed; rolled back");
                report.error =
                    Some("could not be stored; nothing was changed (see the log)".into());
                *self.identities.lock().await = None;
            }
        }
        tracing::info!(
            file,
            scope = scope.0,
            format = format.name(),
            new = report.new,
            merged = report.merged,
            dropped = report.dropped,
            "file imported"
        );
        report
    }

    async fn write_file(
        &self,
        scope: Scope,
        file: &str,
        format: Format,
        text: &str,
        parsed: &ParseOutput,
        report: &mut ImportReport,
    ) -> anyhow::Result<Touched> {
        let hash = fingerprint(text);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let previous = sources::find_file(&mut tx, scope, file).await?;
        if previous.as_ref().is_some_and(|f| f.hash == hash) {
            report.unchanged = parsed.entries.len();
            tx.rollback().await?;
            return Ok(Touched::default());
        }
        let mut ids_guard = self.identities.lock().await;
        if ids_guard.is_none() {
            *ids_guard = Some(Identities::load(&mut tx).await?);
        }
        let ids = ids_guard.as_mut().expect("loaded above");

        let file_id = sources::upsert_file(&mut tx, scope, file, format.name(), &hash).await?;
        let mut old_sources = sources::sources_of_file(&mut tx, file_id).await?;
        let mut touched = Touched::default();
        // Entry index -> (paper id, source id), for citation edges and duplicates.
        let mut placed: Vec<Option<(i64, i64)>> = vec![None; parsed.entries.len()];
        let mut seen: HashMap<i64, usize> = HashMap::new();

        for (i, entry) in parsed.entries.iter().enumerate() {
            if entry.title.trim().is_empty() && entry.arxiv.is_none() && entry.doi.is_none() {
                report.skipped += 1;
                report.warnings.push(Warning {
                    line: entry.line,
                    message: "entry has no title and no arXiv id or DOI; skipped".into(),
                });
                continue;
            }
            let title_norm = crate::ingest::ids::normalize_title(&entry.title);
            let mut entry = entry.clone();
            let found = ids.find(&entry, &title_norm, &mut report.warnings);
            let paper_id = match found {
                Some(id) => {
                    let row = papers::get(&mut tx, id)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("paper {id} vanished during import"))?;
                    let mut merged = merge(&row, &entry);
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
                    if merged != row {
                        papers::update(&mut tx, &merged).await?;
                        ids.remember(&merged);
                    }
                    if let Some(key) = entry.bibtex.as_ref().map(|b| b.key.trim()) {
                        if !key.is_empty() && !key.eq_ignore_ascii_case(&row.key) {
                            papers::add_alias(&mut tx, key, id).await?;
                            ids.keys.insert(key.to_lowercase());
                        }
                    }
                    id
                }
                None => {
                    // Kept apart from a paper that holds the same identifier (wrong link).
                    if entry
                        .arxiv
                        .as_ref()
                        .is_some_and(|a| ids.arxiv.contains_key(a))
                    {
                        entry.arxiv = None;
                    }
                    if entry.doi.as_ref().is_some_and(|d| ids.doi.contains_key(d)) {
                        entry.doi = None;
                    }
                    let mut row = new_row(&entry);
                    row.key = ids.unique_key(entry.bibtex.as_ref().map(|b| b.key.as_str()), &entry);
                    row.id = papers::insert(&mut tx, &row).await?;
                    ids.remember(&row);
                    report.new += 1;
                    row.id
                }
            };
            if let Some(&first) = seen.get(&paper_id) {
                report.warnings.push(Warning {
                    line: entry.line,
                    message: format!(
                        "same paper as the entry on line {}; merged into it",
                        parsed.entries[first].line
                    ),
                });
            }
            let had_source =
                old_sources.remove(&paper_id).is_some() || seen.contains_key(&paper_id);
            if found.is_some() {
                if had_source {
                    report.unchanged += 1;
                } else {
                    report.merged += 1;
                }
            }
            let source_id = sources::upsert_source(
                &mut tx,
                file_id,
                paper_id,
                scope,
                entry.section.as_deref(),
                entry.line,
            )
            .await?;

            // Tags and links of duplicates within the file add up on the one source.
            let mut tag_list: Vec<&str> = entry.tags.iter().map(String::as_str).collect();
            let mut links = entry.links.clone();
            if let Some(&first) = seen.get(&paper_id) {
                tag_list.extend(parsed.entries[first].tags.iter().map(String::as_str));
                links.extend(parsed.entries[first].links.iter().cloned());
            }
            let mut tag_ids = Vec::new();
            for t in tag_list {
                let key = crate::ingest::ids::tag_key(t);
                if key.is_empty() {
                    continue;
                }
                let id = match ids.tag_ids.get(&key) {
                    Some(&id) => id,
                    None => {
                        let id = tags::ensure(&mut tx, &key, t.trim()).await?;
                        ids.tag_ids.insert(key, id);
                        id
                    }
                };
                tag_ids.push(id);
            }
            tags::set_source_tags(&mut tx, source_id, paper_id, &tag_ids).await?;
            sources::set_links(&mut tx, source_id, paper_id, &links).await?;
            placed[i] = Some((paper_id, source_id));
            seen.entry(paper_id).or_insert(i);
            touched.papers.push(paper_id);
        }

        let mut edges: HashMap<(i64, i64), Vec<i64>> = HashMap::new();
        for &(citing, cited) in &parsed.cites {
            let (Some(Some(a)), Some(Some(b))) = (placed.get(citing), placed.get(cited)) else {
                continue;
            };
            if a.0 != b.0 {
                edges.entry(*a).or_default().push(b.0);
            }
        }
        for ((paper, source), cited) in edges {
            sources::set_cites(&mut tx, source, paper, &cited).await?;
        }

        // Entries the file no longer has lose this file as a source.
        report.dropped = old_sources.len();
        let gone: Vec<i64> = old_sources.values().copied().collect();
        sources::delete_sources(&mut tx, &gone).await?;
        touched.papers.extend(old_sources.keys());

        tx.commit().await?;
        touched.papers.sort_unstable();
        touched.papers.dedup();
        Ok(touched)
    }
}
