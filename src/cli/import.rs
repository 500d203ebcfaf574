//! `paperclub import`: which files a list of paths names, and what became of each. A folder
//! is walked once per real directory (a symlink loop such as `sub/up -> ..` is not walked
//! round and round), and a file is one file however it was spelled (`lists/a.bib`,
//! `./lists/a.bib`, its absolute path): it is imported under its canonical path. A file met
//! in a folder that is not a reading list (a README, an empty stub, a page of tables) is
//! skipped with the reason; a file named explicitly is expected to be one, so it is an error.

use crate::catalog::{decode, Catalog, ImportReport};
use crate::dispatch::report_text;
use crate::ingest::{self, detect, Format};
use crate::model::Scope;
use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A folder file up to this size is parsed once before the import to see whether it holds
/// any entry, so that a stub is not stored at all; the cost is a second parse of small
/// files only.
const PREPARSE_MAX_BYTES: usize = 1 << 20;

/// File names a folder import picks up; explicit paths are always read.
const READING_LIST_EXTENSIONS: [&str; 7] =
    ["md", "markdown", "txt", "bib", "bibtex", "wiki", "jsonl"];

/// A file an import will read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListFile {
    path: PathBuf,
    /// Named on the command line rather than found in a folder.
    named: bool,
}

/// What became of one file: its import report, or why it was left alone.
#[derive(Debug, Serialize)]
struct Outcome {
    #[serde(flatten)]
    report: ImportReport,
    /// Set when a file found in a folder is not a reading list; nothing was imported.
    skipped: Option<String>,
}

/// Files named directly, plus reading lists found in folders (recursively, sorted, hidden
/// entries skipped), each once, by canonical path where it exists.
pub fn collect_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    Ok(find(paths)?.into_iter().map(|f| f.path).collect())
}

fn find(paths: &[PathBuf]) -> anyhow::Result<Vec<ListFile>> {
    let mut walk = Walk::default();
    for p in paths {
        if p.is_dir() {
            walk.dir(p)?;
        } else {
            walk.file(p, true);
        }
    }
    Ok(walk.found)
}

#[derive(Default)]
struct Walk {
    dirs: HashSet<PathBuf>,
    files: HashSet<PathBuf>,
    found: Vec<ListFile>,
}

impl Walk {
    fn dir(&mut self, dir: &Path) -> anyhow::Result<()> {
        let real = dir
            .canonicalize()
            .map_err(|e| anyhow::anyhow!("cannot read folder {}: {e}", dir.display()))?;
        if !self.dirs.insert(real.clone()) {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&real)
            .map_err(|e| anyhow::anyhow!("cannot read folder {}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                self.dir(&p)?;
            } else if has_list_extension(&p) {
                self.file(&p, false);
            }
        }
        Ok(())
    }

    /// Records `path` unless it was met before under any spelling. A path that cannot be
    /// resolved (missing, a broken link) is kept as written so its report says why.
    fn file(&mut self, path: &Path, named: bool) {
        let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if self.files.insert(real.clone()) {
            self.found.push(ListFile { path: real, named });
        } else if named {
            if let Some(f) = self.found.iter_mut().find(|f| f.path == real) {
                f.named = true;
            }
        }
    }
}

fn has_list_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| READING_LIST_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_loop_is_walked_once_and_spellings_of_a_file_are_one() {
        let dir = tempfile::tempdir().unwrap();
        let lists = dir.path().join("lists");
        std::fs::create_dir_all(lists.join("sub")).unwrap();
        std::fs::write(lists.join("a.bib"), "@misc{a,title={A}}\n").unwrap();
        std::fs::write(lists.join("sub/b.md"), "# B\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("..", lists.join("sub/up")).unwrap();
        let spellings = [
            lists.clone(),
            lists.join("a.bib"),
            lists.join("./sub/../a.bib"),
            lists.join("sub"),
        ];
        let found = find(&spellings).unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["a.bib", "b.md"]);
        assert!(found[0].named && !found[1].named, "{found:?}");
        assert!(found.iter().all(|f| f.path.is_absolute()));
    }

    #[test]
    fn a_missing_file_is_kept_as_written_so_its_report_says_why() {
        let missing = PathBuf::from("no/such/list.bib");
        let found = find(std::slice::from_ref(&missing)).unwrap();
        assert_eq!(
            found,
            vec![ListFile {
                path: missing,
                named: true
            }]
        );
    }
}
