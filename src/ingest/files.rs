//! Which files a list of paths names: files named directly, plus reading lists found in
//! folders. A folder is walked once per real directory (a symlink loop such as
//! `sub/up -> ..` is not walked round and round), and a file is one file however it was
//! spelled (`lists/a.bib`, `./lists/a.bib`, its absolute path). The command line's import
//! and the start-up's example catalog both read folders through it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// File names a folder import picks up; explicit paths are always read.
const READING_LIST_EXTENSIONS: [&str; 7] =
    ["md", "markdown", "txt", "bib", "bibtex", "wiki", "jsonl"];

/// A file an import will read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFile {
    pub path: PathBuf,
    /// Named on the command line rather than found in a folder.
    pub named: bool,
}

/// Files named directly, plus reading lists found in folders (recursively, sorted, hidden
/// entries skipped), each once, by canonical path where it exists.
pub fn collect_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    Ok(find(paths)?.into_iter().map(|f| f.path).collect())
}

pub fn find(paths: &[PathBuf]) -> anyhow::Result<Vec<ListFile>> {
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
