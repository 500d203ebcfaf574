//! The shape of the crate, checked from its source: the top-level modules (those `lib.rs`
//! declares) and the `crate::` paths each one's files name. The start-up (`app`) is the
//! only module that may name a surface (`cli`, `discord`), and nothing names `app`, so the
//! core never depends on the top of the house; and the arrows between top-level modules
//! run one way, with no circle. Only `crate::` paths count (the crate does not climb out
//! of a top-level module with `super::`); line comments are left out, and a string that spells
//! a path counts, which errs on the side of failing. SQL is written only in `store/`, and
//! `dispatch` reaches the database through the services, never `store` itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The modules that choose and run a surface; the core must not know them.
const TOP: [&str; 3] = ["app", "cli", "discord"];

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules `lib.rs` declares, test-only ones left out.
fn top_level_modules(lib: &str) -> Vec<String> {
    let mut modules = Vec::new();
    let mut test_only = false;
    for line in lib.lines().map(str::trim) {
        if line.starts_with("#[cfg(test)]") {
            test_only = true;
            continue;
        }
        let declared = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("pub(crate) mod "))
            .or_else(|| line.strip_prefix("mod "))
            .and_then(|rest| rest.strip_suffix(';'));
        if let Some(name) = declared {
            if !test_only {
                modules.push(name.to_string());
            }
        }
        test_only = false;
    }
    modules
}

/// Every `.rs` file of top-level module `name`: `src/name.rs` and all below `src/name/`.
fn files_of(name: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let file = src().join(format!("{name}.rs"));
    if file.is_file() {
        files.push(file);
    }
    let mut dirs = vec![src().join(name)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// `text` without its `//` comments (doc comments mention paths freely). Block comments
/// are kept: the crate writes none, and a path in one fails loudly rather than a `/*` in a
/// string hiding the rest of a file.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.find("//").map_or(line, |i| &line[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segments of the `crate::` paths in `code`: `crate::a::B` gives `a`, and
/// `crate::{a::B, c}` gives `a` and `c`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let after = &code[at + "crate::".len()..];
        let Some(group) = after.trim_start().strip_prefix('{') else {
            names.insert(ident(after));
            continue;
        };
        let mut depth = 0;
        let mut item_start = true;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => item_start = true,
                c if item_start && !c.is_whitespace() => {
                    names.insert(ident(&group[i..]));
                    item_start = false;
                }
                _ => {}
            }
        }
    }
    names
}

/// Which top-level modules each top-level module names.
fn import_graph() -> Graph {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("src/lib.rs");
    let modules = top_level_modules(&lib);
    let known: BTreeSet<&str> = modules.iter().map(String::as_str).collect();
    let mut graph = Graph::new();
    for module in &modules {
        let files = files_of(module);
        assert!(!files.is_empty(), "no source file for module `{module}`");
        let mut names = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file");
            names.extend(crate_paths(&without_comments(&text)));
        }
        names.retain(|n| n != module && known.contains(n.as_str()));
        graph.insert(module.clone(), names);
    }
    graph
}

/// Whether `to` can be reached from `from` along the graph's arrows.
fn reaches(graph: &Graph, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from];
    while let Some(m) = todo.pop() {
        if m == to {
            return true;
        }
        if seen.insert(m) {
            todo.extend(graph.get(m).into_iter().flatten().map(String::as_str));
        }
    }
    false
}

#[test]
fn the_import_graph_reader_finds_the_arrows_it_should() {
    let graph = import_graph();
    // Without these, a reader that found nothing would pass the tests below.
    for (from, to) in [
        ("app", "discord"),
        ("dispatch", "state"),
        ("state", "course"),
    ] {
        assert!(
            graph[from].contains(to),
            "expected `{from}` -> `{to}`; read {graph:#?}"
        );
    }
    let grouped = crate_paths("use crate::{a::B, c, d::{E, F}};\nlet x = crate::g::h();");
    assert_eq!(grouped, ["a", "c", "d", "g"].map(String::from).into());
}

#[test]
fn no_module_but_the_start_up_names_app_cli_or_discord() {
    let graph = import_graph();
    let wrong: Vec<String> = graph
        .iter()
        .filter(|(from, _)| from.as_str() != "app")
        .flat_map(|(from, to)| {
            to.iter()
                .filter(|t| TOP.contains(&t.as_str()))
                .map(move |t| format!("{from} -> {t}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "only `app` may import `app`, `cli` or `discord`; found: {}",
        wrong.join(", ")
    );
}

#[test]
fn the_top_level_modules_import_one_another_without_a_circle() {
    let graph = import_graph();
    // An arrow lies on a circle exactly when its head leads back to its tail.
    let circular: Vec<String> = graph
        .iter()
        .flat_map(|(from, to)| {
            let graph = &graph;
            to.iter()
                .filter(move |t| reaches(graph, t, from))
                .map(move |t| format!("{from} -> {t}"))
        })
        .collect();
    assert!(
        circular.is_empty(),
        "import arrows on a circle: {}",
        circular.join(", ")
    );
}

/// Files that may hold SQL outside `store/`: the benchmark's FTS5 rival builds its own
/// in-memory database, whose SQL is the thing measured, not the application's store.
const SQL_ELSEWHERE: [&str; 1] = ["bench/fts5.rs"];

/// Spellings of SQL in code, upper case so that prose in strings does not match.
const SQL_MARKS: [&str; 9] = [
    "sqlx::query",
    "query_as(",
    "query_scalar(",
    "SELECT ",
    "INSERT INTO",
    "INSERT OR",
    "DELETE FROM",
    "CREATE TABLE",
    " SET ",
];

/// `code` up to its unit-test module: tests may set up rows with SQL of their own.
fn without_test_module(code: &str) -> &str {
    code.find("#[cfg(test)]\nmod ").map_or(code, |i| &code[..i])
}

/// The source files outside `store/` whose code (comments and tests left out) spells SQL.
fn files_with_sql() -> Vec<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("src/lib.rs");
    let mut found = Vec::new();
    for module in top_level_modules(&lib) {
        if module == "store" {
            continue;
        }
        for file in files_of(&module) {
            let name = file
                .strip_prefix(src())
                .expect("a file below src")
                .to_string_lossy()
                .replace('\\', "/");
            // A `tests.rs` is a test module of its parent, declared under `#[cfg(test)]`.
            if SQL_ELSEWHERE.contains(&name.as_str()) || name.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("a source file");
            let code = without_comments(&text);
            if SQL_MARKS
                .iter()
                .any(|mark| without_test_module(&code).contains(mark))
            {
                found.push(name);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn sql_lives_only_in_store_and_dispatch_does_not_reach_it() {
    let sql = files_with_sql();
    // Tests may count rows in the store to check what a command left behind.
    let mut dispatch_to_store: Vec<String> = files_of("dispatch")
        .into_iter()
        .filter(|file| !file.ends_with("tests.rs"))
        .filter(|file| {
            let text = std::fs::read_to_string(file).expect("a source file");
            let code = without_comments(&text);
            crate_paths(without_test_module(&code)).contains("store")
        })
        .map(|file| {
            file.strip_prefix(src())
                .expect("below src")
                .display()
                .to_string()
        })
        .collect();
    dispatch_to_store.sort();
    // Both lists in one message, so one run names every file to mend.
    assert!(
        sql.is_empty() && dispatch_to_store.is_empty(),
        "SQL outside `src/store/` (move it into a `store` function): [{}]; \
         `dispatch` names `store` (call a service instead) in: [{}]",
        sql.join(", "),
        dispatch_to_store.join(", ")
    );
}
