//! Paged replies that outlive the process. A surface with page buttons (Discord) stores the
//! request behind a paged reply in SQLite (`paged_requests`) and puts only the row's id in
//! its buttons, so a press after a restart, or one another process on the same data folder
//! answers, re-runs the same request at the page it asks for. A press is looked up in the
//! presser's guild alone and answered only for the person who ran the command; requests
//! older than [`KEPT_FOR_DAYS`] are pruned as new ones come and answer "expired".

use super::{handle, Caller, Request};
use crate::catalog::PagedRequest as PagedRow;
use crate::state::App;
use crate::view::Reply;
use chrono::Duration;

/// How long a paged reply's buttons keep working.
pub const KEPT_FOR_DAYS: i64 = 7;

pub const EXPIRED: &str = "These results have expired; run the command again.";
pub const NOT_YOURS: &str =
    "Only the person who ran the command can turn its pages; run it yourself to browse.";

/// Stores `request` (as `caller` made it) for later pages and returns the id its buttons
/// carry; `None` for a request that has no pages.
pub async fn remember(
    app: &App,
    caller: &Caller,
    request: &Request,
) -> anyhow::Result<Option<u64>> {
    let Some(row) = to_row(caller, request) else {
        return Ok(None);
    };
    let now = app.clock.now();
    let cutoff = (now - Duration::days(KEPT_FOR_DAYS)).timestamp();
    let id = app
        .catalog
        .remember_paged(caller.scope, &row, now.timestamp(), cutoff)
        .await?;
    Ok(u64::try_from(id).ok())
}

/// Answers a press on the buttons of request `id`: the request again at `page`, or a short
/// private note when it is gone (pruned, never made, or made in another guild) or belongs
/// to someone else.
pub async fn turn_page(app: &App, caller: &Caller, id: u64, page: usize) -> Reply {
    let row = match recall(app, caller, id).await {
        Ok(Some(row)) => row,
        Ok(None) => return Reply::error(EXPIRED),
        Err(e) => {
            tracing::error!(error = ?e, id, "reading a paged request failed");
            return Reply::error(super::INTERNAL_ERROR);
        }
    };
    if row.user_id != caller.user_id as i64 {
        return Reply::error(NOT_YOURS);
    }
    match to_request(row, page) {
        Some(request) => handle(app, caller, request).await,
        None => Reply::error(EXPIRED),
    }
}

async fn recall(app: &App, caller: &Caller, id: u64) -> anyhow::Result<Option<PagedRow>> {
    let Ok(id) = i64::try_from(id) else {
        return Ok(None);
    };
    let cutoff = (app.clock.now() - Duration::days(KEPT_FOR_DAYS)).timestamp();
    app.catalog.paged_request(caller.scope, id, cutoff).await
}

fn to_row(caller: &Caller, request: &Request) -> Option<PagedRow> {
    let row = |kind: &str| PagedRow {
        user_id: caller.user_id as i64,
        kind: kind.to_string(),
        query: None,
        tag: None,
        max_results: None,
    };
    Some(match request {
        Request::Search {
            query, tag, limit, ..
        } => PagedRow {
            query: Some(query.clone()),
            tag: tag.clone(),
            max_results: limit.map(|l| l as i64),
            ..row("search")
        },
        Request::Tag { tag, .. } => PagedRow {
            tag: Some(tag.clone()),
            ..row("tag")
        },
        Request::Tags { .. } => row("tags"),
        _ => return None,
    })
}

fn to_request(row: PagedRow, page: usize) -> Option<Request> {
    Some(match row.kind.as_str() {
        "search" => Request::Search {
            query: row.query?,
            tag: row.tag,
            limit: row.max_results.and_then(|l| usize::try_from(l).ok()),
            page,
        },
        "tag" => Request::Tag {
            tag: row.tag?,
            page,
        },
        "tags" => Request::Tags { page },
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
