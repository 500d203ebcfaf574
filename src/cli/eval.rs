//! `paperclub eval search FILE`: reads the query file, runs the measurement in
//! `relevance::eval`, prints its table (or JSON). A file that cannot be read or parsed is
//! exit code 2 with the line at fault.

use super::EvalCommand;
use crate::catalog::Catalog;
use crate::relevance::eval::{eval_search, parse_queries};
use std::fmt::Write as _;

pub(super) async fn run(
    catalog: &Catalog,
    what: EvalCommand,
    json: bool,
    out: &mut String,
) -> anyhow::Result<i32> {
    let EvalCommand::Search { file, misses } = what else {
        anyhow::bail!("eval recommend builds a catalog of its own");
    };
    let queries = match std::fs::read_to_string(&file)
        .map_err(|e| e.to_string())
        .and_then(|text| parse_queries(&text))
    {
        Ok(q) => q,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return Ok(2);
        }
    };
    let report = eval_search(catalog, &queries).await?;
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&report)?);
    } else {
        out.push_str(&report.render(misses));
    }
    Ok(0)
}
