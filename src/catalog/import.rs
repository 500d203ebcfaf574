//! Importing one file: decode, detect, parse, then merge every entry into the catalog in
//! one transaction, so a file that fails changes nothing. Identity: arXiv id, else DOI,
//! else normalised title (+ compatible year); an identifier whose paper has a different
//! title is a wrong link and is not merged on.

use super::sync::Session;
use super::write::Touched;
use super::{Catalog, ImportReport};
use crate::ingest::{self, detect, Format, ParseOutput, Warning};
use crate::model::Scope;

/// Larger files are refused outright: no reading list is this big, and parsing one would
/// hold the write lock for long.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Papers indexed per index commit during a batch import.
const INDEX_CHUNK: usize = 20_000;

/// Bumped when parsing changes, so re-importing an unchanged file re-reads it.
const PARSER_VERSION: &str = "2";

/// Text of an uploaded or read file, or why it is not a reading list.
pub fn decode(bytes: &[u8]) -> Result<&str, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "file is {:.1} MB; the import limit is {} MB",
            bytes.len() as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        ));
    }
    // Windows tools often save text as UTF-16, whose NUL bytes would read as binary data.
    let utf16 = bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || matches!(bytes, [a, 0, ..] | [0, a, ..] if a.is_ascii_graphic() || a.is_ascii_whitespace());
    if utf16 {
        return Err(
            "the file is saved as UTF-16 text; save it as UTF-8 and import it again".into(),
        );
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
pub(super) fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in PARSER_VERSION.bytes().chain([0]).chain(text.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}-{}", text.len())
}

/// Import order of formats: sources with BibTeX first, so a paper's key is its BibTeX key
/// when any file of the batch has one (a key, once issued, never changes).
fn format_rank(format: Option<Format>) -> u8 {
    match format {
        Some(Format::Bibtex) => 0,
        Some(Format::Awesome) => 1,
        // Wiki links give surname and year, course posts full names but no year: the key
        // needs the year more.
        Some(Format::Wiki) => 2,
        Some(Format::Course) => 3,
        Some(Format::Hub) => 4,
        Some(Format::ArxivJsonl) => 5,
        None => 6,
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
        self.import_files_watched(scope, files, format, |_| {})
            .await
    }

    /// [`Catalog::import_files`], calling `stored` as each file is stored (for a progress
    /// bar). A file is searchable, and its report final, only when this returns.
    pub async fn import_files_watched(
        &self,
        scope: Scope,
        files: Vec<(String, Vec<u8>)>,
        format: Option<Format>,
        mut stored: impl FnMut(&ImportReport),
    ) -> Vec<ImportReport> {
        // Detected once: the parser threads are told the format found here, since looking
        // through a large file twice for its format was a noticeable share of an import.
        let detected: Vec<Option<Format>> = files
            .iter()
            .map(|(name, bytes)| {
                format.or_else(|| {
                    decode(bytes)
                        .ok()
                        .and_then(|text| detect::detect(text, name))
                })
            })
            .collect();
        let mut order: Vec<(u8, usize)> = detected
            .iter()
            .enumerate()
            .map(|(i, &f)| (format_rank(f), i))
            .collect();
        order.sort();
        let _guard = self.writer.lock().await;
        let mut reports: Vec<Option<ImportReport>> = vec![None; files.len()];
        // Index commits are costly (a new segment, merges), so papers are indexed in chunks
        // of several files; a chunk's update runs on another core while the next files are
        // parsed and stored. At most one is in flight; all are done before this returns.
        let mut indexing: Option<tokio::task::JoinHandle<()>> = None;
        let mut session = Session::default();
        let mut pending = Touched::default();
        // Which report each generation belongs to, to say which files are not searchable.
        let mut written: Vec<(usize, i64)> = Vec::new();
        let last = order.len().saturating_sub(1);
        // The next file is parsed on another thread while this one is stored.
        let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
        let mut files: Vec<Option<(String, Vec<u8>)>> = files.into_iter().map(Some).collect();
        let mut parse_next = |i: usize| {
            let (name, bytes) = files[i].take().unwrap_or_default();
            let format = detected[i];
            tokio::task::spawn_blocking(move || prepare(&name, &bytes, format))
        };
        let order: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
        let mut next = order.first().map(|&i| parse_next(i));
        for (n, &i) in order.iter().enumerate() {
            let Some(parsing) = next.take() else { break };
            next = order.get(n + 1).map(|&j| parse_next(j));
            let prepared = match parsing.await {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(file = names[i], error = %e, "parser thread failed");
                    reports[i] = Some(ImportReport {
                        file: names[i].clone(),
                        error: Some("could not be read (see the log); nothing was changed".into()),
                        ..ImportReport::default()
                    });
                    continue;
                }
            };
            let (report, touched) = self.store(scope, prepared).await;
            stored(&report);
            reports[i] = Some(report);
            written.extend(touched.generations.iter().map(|&g| (i, g)));
            pending.extend(touched);
            if pending.len() < INDEX_CHUNK && n < last {
                continue;
            }
            let job = self
                .index_job(std::mem::take(&mut pending), &mut session)
                .await;
            if let Some(previous) = indexing.take() {
                let _ = previous.await;
            }
            indexing = job.map(tokio::task::spawn_blocking);
        }
        if let Some(running) = indexing {
            let _ = running.await;
        }
        if let Err(why) = self.finish_index(&session).await {
            for (i, _) in written {
                if let Some(r) = reports[i].as_mut() {
                    r.not_searchable = Some(why.clone());
                }
            }
        }
        self.clear_tag_cache();
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
        let _guard = self.writer.lock().await;
        // Parsing a large upload is seconds of CPU: off the async threads, so the bot keeps
        // answering while an instructor imports.
        let (name, data) = (file.to_string(), bytes.to_vec());
        let prepared =
            match tokio::task::spawn_blocking(move || prepare(&name, &data, format)).await {
                Ok(prepared) => prepared,
                Err(e) => {
                    tracing::error!(file, error = %e, "parser thread failed");
                    return ImportReport {
                        file: file.to_string(),
                        error: Some("could not be read (see the log); nothing was changed".into()),
                        ..ImportReport::default()
                    };
                }
            };
        let (mut report, touched) = self.store(scope, prepared).await;
        let mut session = Session::default();
        if let Some(job) = self.index_job(touched, &mut session).await {
            let _ = tokio::task::spawn_blocking(job).await;
        }
        if let Err(why) = self.finish_index(&session).await {
            report.not_searchable = Some(why);
        }
        self.clear_tag_cache();
        report
    }

    /// Stores one prepared file (the caller holds the writer lock); returns the report and
    /// the papers whose index documents must be refreshed.
    async fn store(&self, scope: Scope, prepared: Prepared) -> (ImportReport, Touched) {
        let Prepared {
            mut report,
            parsed,
            hash,
            parse_ms,
        } = prepared;
        let (Some(parsed), Some(format)) = (parsed, report.format.clone()) else {
            return (report, Touched::default());
        };
        let file = report.file.clone();
        let started = std::time::Instant::now();
        let touched = match self
            .write_file(scope, &file, &format, &hash, &parsed, &mut report)
            .await
        {
            Ok(touched) => touched,
            Err(e) => {
                tracing::error!(file, error = %e, "import failed; rolled back");
                report.error =
                    Some("could not be stored; nothing was changed (see the log)".into());
                // The identity tables may hold what was rolled back: reload them next time.
                *self.identities.lock().await = None;
                Touched::default()
            }
        };
        tracing::info!(
            file,
            scope = scope.0,
            format,
            new = report.new,
            merged = report.merged,
            dropped = report.dropped,
            parse_ms,
            store_ms = started.elapsed().as_millis() as u64,
            "file imported"
        );
        (report, touched)
    }
}

/// A file decoded and parsed, ready to store; `parsed` is `None` when the file was refused
/// (the report says why).
struct Prepared {
    report: ImportReport,
    parsed: Option<ParseOutput>,
    hash: String,
    parse_ms: u64,
}

/// Decodes, detects and parses one file: pure CPU work, run off the async threads.
fn prepare(file: &str, bytes: &[u8], format: Option<Format>) -> Prepared {
    let mut report = ImportReport {
        file: file.to_string(),
        ..ImportReport::default()
    };
    let refused = |report| Prepared {
        report,
        parsed: None,
        hash: String::new(),
        parse_ms: 0,
    };
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            report.error = Some(e);
            return refused(report);
        }
    };
    let Some(format) = format.or_else(|| detect::detect(text, file)) else {
        report.error = Some(
            "no reading-list format recognised (awesome-list markdown, citation-hub page, \
             course post, DokuWiki page, BibTeX or arXiv JSON lines); use --format to choose one"
                .into(),
        );
        return refused(report);
    };
    report.format = Some(format.name().to_string());
    let started = std::time::Instant::now();
    let parsed = ingest::parse(format, text);
    report.entries = parsed.entries.len();
    report.warnings = parsed.warnings.clone();
    // A BibTeX or JSON-lines file whose every entry is broken (a truncated download) would
    // otherwise be stored as an empty list, dropping every paper its earlier version gave.
    let broken =
        matches!(format, Format::Bibtex | Format::ArxivJsonl) && !parsed.warnings.is_empty();
    if parsed.entries.is_empty() && broken {
        report.error = Some(format!(
            "no entry could be read as {} (see the warnings below); nothing was changed",
            format.name()
        ));
        return refused(report);
    }
    if parsed.entries.is_empty() {
        report.warnings.push(Warning {
            line: 1,
            message: format!("no entries found in this {} file", format.name()),
        });
    }
    Prepared {
        report,
        parsed: Some(parsed),
        hash: fingerprint(text),
        parse_ms: started.elapsed().as_millis() as u64,
    }
}
