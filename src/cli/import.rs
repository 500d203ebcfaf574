//! `paperclub import`: what became of each file the paths name (found by
//! [`crate::ingest::files`]), imported under its canonical path. A file met
//! in a folder that is not a reading list (a README, an empty stub, a page of tables) is
//! skipped with the reason; a file named explicitly is expected to be one, so it is an error.

use crate::catalog::{decode, Catalog, ImportReport};
use crate::dispatch::report_text;
use crate::ingest::files::find;
use crate::ingest::{self, detect, Format};
use crate::model::Scope;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// A folder file up to this size is parsed once before the import to see whether it holds
/// any entry, so that a stub is not stored at all; the cost is a second parse of small
/// files only.
const PREPARSE_MAX_BYTES: usize = 1 << 20;

/// What became of one file: its import report, or why it was left alone.
#[derive(Debug, Serialize)]
struct Outcome {
    #[serde(flatten)]
    report: ImportReport,
    /// Set when a file found in a folder is not a reading list; nothing was imported.
    skipped: Option<String>,
}

/// Runs `import`, writing the reports to `out`; returns the exit code: 1 when a file could
/// not be read or stored, or a file named explicitly is not a reading list.
pub(super) async fn run_import(
    catalog: &Catalog,
    paths: &[PathBuf],
    format: Option<Format>,
    scope: Scope,
    json: bool,
    out: &mut String,
) -> anyhow::Result<i32> {
    // Reports come out in the order the files were found, whichever were imported.
    let mut slots: Vec<Option<Outcome>> = Vec::new();
    let mut readable = Vec::new();
    let mut waiting = Vec::new();
    for file in find(paths)? {
        let name = file.path.display().to_string();
        match std::fs::read(&file.path) {
            Err(e) => slots.push(Some(failed(name, format!("cannot read: {e}")))),
            Ok(bytes) => match (file.named, not_a_list(&bytes, &name, format)) {
                (false, Some(reason)) => slots.push(Some(skipped(name, reason))),
                _ => {
                    waiting.push((slots.len(), file.named));
                    slots.push(None);
                    readable.push((name, bytes));
                }
            },
        }
    }
    let bar = progress_bar(readable.len(), "files");
    let reports = catalog
        .import_files_watched(scope, readable, format, |report| {
            bar.set_message(
                report
                    .file
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            );
            bar.inc(1);
        })
        .await;
    bar.finish_and_clear();
    for ((slot, named), report) in waiting.into_iter().zip(reports) {
        // A folder file in a known format with nothing in it (a stub) is not a list either.
        let empty = report.error.is_none() && report.entries == 0;
        slots[slot] = Some(if empty && !named {
            let format = report.format.clone().unwrap_or_default();
            Outcome {
                skipped: Some(no_entries(&format)),
                ..outcome(report)
            }
        } else {
            outcome(report)
        });
    }
    let outcomes: Vec<Outcome> = slots.into_iter().flatten().collect();
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&outcomes)?);
    } else {
        print(&outcomes, out);
    }
    // A change stored but not yet searchable is not a success either.
    let failed = outcomes
        .iter()
        .any(|o| o.report.error.is_some() || o.report.not_searchable.is_some());
    Ok(i32::from(failed))
}

/// A bar of files stored, on standard error when it is a terminal (hidden otherwise, so
/// pipes and logs get only the reports). Reports print after the last file because a
/// file's ✓ means searchable, which the index commit at the end decides.
pub(super) fn progress_bar(len: usize, unit: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if len < 2 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    let template = format!("{{bar:30}} {{pos}}/{{len}} {unit}  {{elapsed}}  {{wide_msg}}");
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

/// Why a file found in a folder is not a reading list, if it is not one: not text, in no
/// format paperclub reads (unless `--format` says which), or, for a file small enough to
/// read twice, without a single entry in its format (a stub). A bigger file without entries
/// is recognised only once imported (see `run_import`).
fn not_a_list(bytes: &[u8], name: &str, format: Option<Format>) -> Option<String> {
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(e) => return Some(format!("not a reading list: {e}")),
    };
    let Some(format) = format.or_else(|| detect::detect(text, name)) else {
        return Some("not a reading list: no reading-list format recognised".into());
    };
    let empty = bytes.len() <= PREPARSE_MAX_BYTES && ingest::parse(format, text).entries.is_empty();
    empty.then(|| no_entries(format.name()))
}

fn no_entries(format: &str) -> String {
    format!("not a reading list: no entries recognised (read as {format})")
}

fn outcome(report: ImportReport) -> Outcome {
    Outcome {
        report,
        skipped: None,
    }
}

fn failed(file: String, error: String) -> Outcome {
    outcome(ImportReport {
        file,
        error: Some(error),
        ..ImportReport::default()
    })
}

fn skipped(file: String, reason: String) -> Outcome {
    Outcome {
        report: ImportReport {
            file,
            ..ImportReport::default()
        },
        skipped: Some(reason),
    }
}

fn print(outcomes: &[Outcome], out: &mut String) {
    for o in outcomes {
        match &o.skipped {
            Some(reason) => {
                let _ = writeln!(out, "– {}: skipped, {reason}", o.report.file);
            }
            None => out.push_str(&report_text(&o.report)),
        }
    }
    let reports: Vec<&ImportReport> = outcomes
        .iter()
        .filter(|o| o.skipped.is_none())
        .map(|o| &o.report)
        .collect();
    let sum = |f: fn(&ImportReport) -> usize| reports.iter().map(|r| f(r)).sum::<usize>();
    let failed = reports.iter().filter(|r| r.error.is_some()).count();
    let unsearchable = reports
        .iter()
        .filter(|r| r.not_searchable.is_some())
        .count();
    let _ = writeln!(
        out,
        "{} file(s): {} new, {} merged, {} unchanged, {} skipped, {} warning(s), {failed} failed{}{}",
        reports.len(),
        sum(|r| r.new),
        sum(|r| r.merged),
        sum(|r| r.unchanged),
        sum(|r| r.skipped),
        sum(|r| r.warnings.len()),
        match unsearchable {
            0 => String::new(),
            n => format!(", {n} not yet searchable"),
        },
        match outcomes.len() - reports.len() {
            0 => String::new(),
            n => format!("; {n} file(s) not reading lists, skipped"),
        }
    );
}
