//! `paperclub eval search FILE`: how often search puts a known paper first and in its top
//! ten, for paperclub's own search (the path `/paper search` takes, instance-wide) and for
//! a TF-IDF cosine baseline over the same catalog, in the same run.
//!
//! The query file is tab-separated, one query per line, `#` starting a comment:
//! `kind<TAB>arXiv id<TAB>query`, where kind is `description` (the paper described in
//! other words), `title` (its title) or `typo` (its title misspelt). Each kind is scored
//! apart because they pull ranking in opposite directions: a title wants its few words
//! matched in the title field, a description wants its many words matched anywhere.

use super::{index_for, TfIdf};
use crate::catalog::{Catalog, Resolved};
use crate::model::Scope;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

/// Ranks looked at: a paper below the tenth result is as good as not found.
const DEPTH: usize = 10;

/// Per `(system, kind)`: each query's rank (`None` below the top ten) and the total time.
type Tally<'a> = BTreeMap<(&'a str, &'a str), (Vec<Option<usize>>, f64)>;

/// One line of the query file.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalQuery {
    pub line: usize,
    pub kind: String,
    pub arxiv: String,
    pub text: String,
}

/// Kinds a query file may use.
const KINDS: [&str; 3] = ["description", "title", "typo"];

/// Parses a query file; an error names the first bad line and what was wrong with it.
pub fn parse_queries(text: &str) -> Result<Vec<EvalQuery>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = raw.splitn(3, '\t').map(str::trim).collect();
        let [kind, arxiv, query] = parts[..] else {
            return Err(format!(
                "line {line}: expected `kind<TAB>arXiv id<TAB>query`, found {} field(s)",
                parts.len()
            ));
        };
        if !KINDS.contains(&kind) {
            return Err(format!(
                "line {line}: kind `{kind}` is not one of {}",
                KINDS.join(", ")
            ));
        }
        if query.is_empty() || arxiv.is_empty() {
            return Err(format!("line {line}: empty arXiv id or query"));
        }
        out.push(EvalQuery {
            line,
            kind: kind.to_owned(),
            arxiv: arxiv.to_owned(),
            text: query.to_owned(),
        });
    }
    Ok(out)
}

/// Scores of one system on one kind of query.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    pub system: String,
    pub kind: String,
    pub queries: usize,
    /// Share of queries with the paper first.
    pub r_at_1: f64,
    /// Share of queries with the paper in the top ten.
    pub r_at_10: f64,
    /// Mean reciprocal rank, counting a paper below the top ten as 0.
    pub mrr: f64,
    /// Mean time per query, milliseconds (indicative: measured once, not a benchmark).
    pub mean_ms: f64,
}

/// A query whose paper was not first, for reading what went wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Miss {
    pub system: String,
    pub line: usize,
    pub kind: String,
    pub arxiv: String,
    /// 1-based rank, `None` below the top ten.
    pub rank: Option<usize>,
    pub query: String,
}

/// Everything one run measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvalReport {
    pub catalog_papers: usize,
    pub scores: Vec<Scores>,
    /// `(line, arXiv id)` of queries whose paper is not in the catalog; not scored.
    pub unknown: Vec<(usize, String)>,
    pub misses: Vec<Miss>,
}

/// Runs every query through both systems against the instance-wide catalog.
pub async fn eval_search(catalog: &Catalog, queries: &[EvalQuery]) -> anyhow::Result<EvalReport> {
    let scope = Scope::GLOBAL;
    let tfidf = index_for(catalog, scope).await?;
    let mut report = EvalReport {
        catalog_papers: tfidf.len(),
        ..EvalReport::default()
    };
    let mut ranks = Tally::new();
    for q in queries {
        let Resolved::One(paper) = catalog.resolve(scope, &q.arxiv).await? else {
            report.unknown.push((q.line, q.arxiv.clone()));
            continue;
        };
        let started = Instant::now();
        let found: Vec<i64> = catalog
            .search(scope, &q.text, &[], None, DEPTH)
            .await?
            .into_iter()
            .map(|r| r.paper.id)
            .collect();
        let ms = started.elapsed().as_secs_f64() * 1e3;
        record(
            &mut ranks,
            &mut report.misses,
            "paperclub",
            q,
            &found,
            paper.id,
            ms,
        );
        let started = Instant::now();
        let found: Vec<i64> = baseline(&tfidf, &q.text);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        record(
            &mut ranks,
            &mut report.misses,
            "tf-idf",
            q,
            &found,
            paper.id,
            ms,
        );
    }
    for ((system, kind), (ranks, total_ms)) in ranks {
        let n = ranks.len() as f64;
        let share = |ok: &dyn Fn(usize) -> bool| {
            ranks.iter().filter(|r| r.is_some_and(ok)).count() as f64 / n
        };
        report.scores.push(Scores {
            system: system.to_owned(),
            kind: kind.to_owned(),
            queries: ranks.len(),
            r_at_1: share(&|r| r == 1),
            r_at_10: share(&|r| r <= DEPTH),
            mrr: ranks
                .iter()
                .map(|r| r.map_or(0.0, |r| 1.0 / r as f64))
                .sum::<f64>()
                / n,
            mean_ms: total_ms / n,
        });
    }
    Ok(report)
}

fn baseline(tfidf: &TfIdf, text: &str) -> Vec<i64> {
    tfidf
        .query(text, DEPTH)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

fn record<'a>(
    ranks: &mut Tally<'a>,
    misses: &mut Vec<Miss>,
    system: &'a str,
    q: &'a EvalQuery,
    found: &[i64],
    want: i64,
    ms: f64,
) {
    let rank = found.iter().position(|&id| id == want).map(|i| i + 1);
    let entry = ranks.entry((system, q.kind.as_str())).or_default();
    entry.0.push(rank);
    entry.1 += ms;
    if rank != Some(1) {
        misses.push(Miss {
            system: system.to_owned(),
            line: q.line,
            kind: q.kind.clone(),
            arxiv: q.arxiv.clone(),
            rank,
            query: q.text.clone(),
        });
    }
}

impl EvalReport {
    /// The table people read; `misses` adds every query whose paper was not first.
    pub fn render(&self, misses: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "catalog: {} papers", self.catalog_papers);
        let _ = writeln!(
            out,
            "{:<10} {:<12} {:>7} {:>6} {:>6} {:>6} {:>8}",
            "system", "kind", "queries", "R@1", "R@10", "MRR", "ms/query"
        );
        for s in &self.scores {
            let _ = writeln!(
                out,
                "{:<10} {:<12} {:>7} {:>6.3} {:>6.3} {:>6.3} {:>8.2}",
                s.system, s.kind, s.queries, s.r_at_1, s.r_at_10, s.mrr, s.mean_ms
            );
        }
        for (line, arxiv) in &self.unknown {
            let _ = writeln!(
                out,
                "line {line}: {arxiv} is not in the catalog; not scored"
            );
        }
        if misses {
            for m in &self.misses {
                let rank = m.rank.map_or("-".to_owned(), |r| r.to_string());
                let _ = writeln!(
                    out,
                    "miss {:<9} line {:>4} {:<11} {} rank {:>2}: {}",
                    m.system, m.line, m.kind, m.arxiv, rank, m.query
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_files_are_tab_separated_with_comments() {
        let text = "# kind\tid\tquery\n\ndescription\t2505.01428\ttuning-free image customization\ntitle\t1706.03762\tAttention Is All You Need\n";
        let q = parse_queries(text).expect("parses");
        assert_eq!(q.len(), 2);
        assert_eq!((q[0].line, q[0].kind.as_str()), (3, "description"));
        assert_eq!(q[1].text, "Attention Is All You Need");
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse_queries("title 1706.03762 Attention").unwrap_err();
        assert!(e.starts_with("line 1:") && e.contains("1 field"), "{e}");
        let e = parse_queries("\nsummary\t1706.03762\tx").unwrap_err();
        assert!(e.starts_with("line 2:") && e.contains("summary"), "{e}");
        let e = parse_queries("title\t\tx").unwrap_err();
        assert!(e.contains("empty"), "{e}");
    }
}
