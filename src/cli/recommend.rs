//! `paperclub recommend` (the twin of `/recommend`, through the same dispatcher function)
//! and `paperclub eval recommend` (Recall@10 and nDCG@10 on course posts, against the
//! TF-IDF baseline).

use super::EvalCommand;
use crate::clock::Clock;
use crate::course::{split_ids, CourseError};
use crate::dispatch::{self, Caller, RecommendRequest, Recommendations, Recommended};
use crate::model::Scope;
use crate::recommend::{eval, Weights};
use crate::state::App;
use clap::Args;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// A paper to start from: key, arXiv id, DOI or title words (repeatable).
    #[arg(long)]
    pub paper: Vec<String>,
    /// Papers like those with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Papers about these words.
    #[arg(long)]
    pub text: Option<String>,
    /// Papers like a course week's readings (needs --guild).
    #[arg(long)]
    pub session: Option<String>,
    /// `me` or `team`: from what the member (--user) or their team noted (needs --guild).
    #[arg(long = "for")]
    pub for_whom: Option<String>,
    #[arg(long, default_value_t = 5, value_parser = super::at_least_one)]
    pub limit: usize,
    #[arg(long)]
    pub guild: Option<u64>,
    /// Act as this member (for `--for`).
    #[arg(long, default_value_t = 0)]
    pub user: u64,
    /// Act as a member with this role id (repeatable).
    #[arg(long = "role")]
    pub roles: Vec<u64>,
}

/// Prints recommendations; exit code 1 when the request is refused.
pub async fn run_recommend(app: &App, args: &RecommendArgs, json: bool) -> anyhow::Result<i32> {
    let mut papers = Vec::new();
    for p in &args.paper {
        papers.extend(split_ids(p));
    }
    let request = RecommendRequest {
        papers,
        tag: args.tag.clone(),
        text: args.text.clone(),
        session: args.session.clone(),
        for_whom: args.for_whom.clone(),
        limit: Some(args.limit),
        ..RecommendRequest::default()
    };
    let caller = Caller {
        scope: args.guild.map_or(Scope::GLOBAL, Scope),
        user_id: args.user,
        roles: args.roles.clone(),
        instructor: args.user == 0,
    };
    let found = match dispatch::recommendations(app, &caller, &request).await {
        Ok(found) => found,
        Err(CourseError::User(message)) => {
            eprintln!("{}", crate::markdown::unescape(&message));
            return Ok(1);
        }
        Err(CourseError::Internal(e)) => return Err(e),
    };
    let out = if json {
        serde_json::to_string_pretty(&found)? + "\n"
    } else {
        text(&found)
    };
    print(&out)?;
    Ok(0)
}

fn text(found: &Recommendations) -> String {
    let mut out = format!("Papers like {}\n", crate::markdown::unescape(&found.from));
    let mut group = |title: &str, items: &[Recommended]| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title}");
        for (i, r) in items.iter().enumerate() {
            let week = r.week.map(|w| format!("  (week {w})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "{:>2}. {}  [{}]  {:.3}{week}\n    why: {}",
                i + 1,
                r.paper.title,
                r.paper.key,
                r.score,
                r.why
            );
        }
    };
    group("From this course's reading lists:", &found.course);
    group("From the catalog:", &found.catalog);
    if found.course.is_empty() && found.catalog.is_empty() {
        out.push_str("Nothing related found.\n");
    }
    if let Some(n) = &found.notice {
        let _ = writeln!(out, "\n{n}");
    }
    out
}

fn print(text: &str) -> anyhow::Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Runs an evaluation on a fresh in-memory catalog.
pub async fn run_eval(what: EvalCommand, clock: Arc<dyn Clock>, json: bool) -> anyhow::Result<i32> {
    let EvalCommand::Recommend {
        paths,
        weights,
        model,
    } = what
    else {
        anyhow::bail!("eval search runs on the data folder's catalog");
    };
    let weights = match weights
        .iter()
        .map(|w| parse_weights(w))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(w) if w.is_empty() => vec![Weights::DEFAULT],
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return Ok(2);
        }
    };
    let embedder = match model.as_deref().map(crate::embed::Embedder::load) {
        None => None,
        Some(Ok(e)) => Some(Arc::new(e)),
        Some(Err(e)) => {
            eprintln!("error: {e:#}");
            return Ok(2);
        }
    };
    let mut files = Vec::new();
    for file in crate::ingest::files::collect_files(&paths)? {
        files.push((file.display().to_string(), std::fs::read(&file)?));
    }
    files.sort();
    let app = App::in_memory(clock).await?;
    let reports = eval::run(&app.catalog, files, &weights, embedder).await?;
    let out = if json {
        let text = match &reports[..] {
            [one] => serde_json::to_string_pretty(one)?,
            all => serde_json::to_string_pretty(all)?,
        };
        text + "\n"
    } else {
        reports
            .iter()
            .zip(&weights)
            .map(|(r, w)| eval_text(r, *w))
            .collect::<Vec<_>>()
            .join("\n")
    };
    print(&out)?;
    Ok(0)
}

fn eval_text(r: &eval::Report, w: Weights) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} posts, {} papers in the catalog ({} with vectors); weights text {} tags {} cites {} groups {} meaning {}",
        r.posts.len(),
        r.papers,
        r.vectors,
        w.text,
        w.tags,
        w.cites,
        w.groups,
        w.semantic
    );
    let _ = writeln!(
        out,
        "{:<44} seeds  expected  R@10 (base)    nDCG@10 (base)",
        "post"
    );
    for p in &r.posts {
        let name = std::path::Path::new(&p.file)
            .file_name()
            .map_or(p.file.clone(), |f| f.to_string_lossy().into_owned());
        let _ = writeln!(
            out,
            "{name:<44} {:>5}  {:>8}  {:.2} ({:.2})    {:.2} ({:.2})",
            p.seeds, p.expected, p.recall, p.baseline_recall, p.ndcg, p.baseline_ndcg
        );
    }
    let mut ratio = if r.baseline_recall > 0.0 {
        format!("{:.2}x", r.recall / r.baseline_recall)
    } else {
        "n/a".into()
    };
    if let Some((low, high)) = r.ratio_interval {
        let _ = write!(
            ratio,
            " (95% bootstrap interval over posts: {low:.2}x to {high:.2}x)"
        );
    }
    let _ = writeln!(
        out,
        "paperclub:       Recall@10 {:.3}  nDCG@10 {:.3}\nTF-IDF baseline: Recall@10 {:.3}  nDCG@10 {:.3}\nRecall@10 ratio: {ratio}",
        r.recall, r.ndcg, r.baseline_recall, r.baseline_ndcg
    );
    out
}

fn parse_weights(text: &str) -> Result<Weights, String> {
    let parts: Vec<f32> = text
        .split(',')
        .map(|p| p.trim().parse::<f32>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            format!("--weights takes four or five numbers, e.g. `1,0.5,0.5,0.5`; got `{text}`")
        })?;
    match parts[..] {
        [text, tags, cites, groups] | [text, tags, cites, groups, _] => Ok(Weights {
            text,
            tags,
            cites,
            groups,
            // Four numbers keep their old meaning: these four signals, without meaning.
            semantic: parts.get(4).copied().unwrap_or(0.0),
        }),
        _ => Err(format!(
            "--weights takes four or five numbers (text, tags, cites, groups[, meaning]); got `{text}`"
        )),
    }
}
