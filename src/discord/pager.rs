//! Pagination buttons. The request behind a paged reply is stored in SQLite by
//! [`paging`] (keyed by guild, pruned after a week); each button's `custom_id` is
//! `page:<id>:<target page>:<prev|next>`, so a press after a restart, or answered by
//! another process, works the same. A press re-runs the stored request at the target page
//! and answers with an update of the same message (interaction response type 7). Only the
//! person who ran the command may turn its pages.

use super::commands::caller_of_member;
use super::{render, Data};
use crate::dispatch::{paging, Caller, Request};
use crate::model::Scope;
use crate::view::Pager;
use poise::serenity_prelude as serenity;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::{error, warn};

/// Previous/Next buttons for a reply at `pager`; none when everything fits on one page.
pub fn buttons(id: u64, pager: &Pager) -> Vec<serenity::CreateActionRow> {
    if pager.pages <= 1 {
        return Vec::new();
    }
    let last = pager.pages - 1;
    let page = pager.page.min(last);
    let prev = serenity::CreateButton::new(format!("page:{id}:{}:prev", page.saturating_sub(1)))
        .label("Previous")
        .style(serenity::ButtonStyle::Secondary)
        .disabled(page == 0);
    let position = serenity::CreateButton::new(format!("page:{id}:{page}:at"))
        .label(format!("{} / {}", page + 1, pager.pages))
        .style(serenity::ButtonStyle::Secondary)
        .disabled(true);
    let next = serenity::CreateButton::new(format!("page:{id}:{}:next", (page + 1).min(last)))
        .label("Next")
        .style(serenity::ButtonStyle::Secondary)
        .disabled(page == last);
    vec![serenity::CreateActionRow::Buttons(vec![
        prev, position, next,
    ])]
}

/// Reads `page:<id>:<page>:<which>`.
pub fn parse_custom_id(custom_id: &str) -> Option<(u64, usize)> {
    let mut parts = custom_id.split(':');
    if parts.next()? != "page" {
        return None;
    }
    let id = parts.next()?.parse().ok()?;
    let page = parts.next()?.parse().ok()?;
    Some((id, page))
}

/// How long after the command started its paged reply may wait for its request to be
/// stored before going out without buttons: another process's long import can hold
/// SQLite's write lock for seconds, and Discord drops an interaction not answered within
/// three.
const STORE_WITHIN: Duration = Duration::from_millis(1500);

/// Paged replies storing their request at the same time. A store waiting on another
/// process's write lock holds a pool connection until SQLite's busy timeout; without a
/// bound, a few paged replies during a long import would take every connection and stall
/// commands that only read.
pub const STORES_AT_ONCE: usize = 2;

/// Stores a paged reply's request and returns its buttons; no buttons for a one-page
/// reply, nor when storing fails or would answer later than [`STORE_WITHIN`] after
/// `started` (the reply itself still goes out).
pub async fn components_for(
    data: &Data,
    pager: Option<&Pager>,
    request: &Request,
    caller: &Caller,
    started: Instant,
) -> Vec<serenity::CreateActionRow> {
    let Some(pager) = pager.filter(|p| p.pages > 1) else {
        return Vec::new();
    };
    let deadline = tokio::time::Instant::from_std(started + STORE_WITHIN);
    // A task of its own, waited for until the deadline: once it holds a permit it runs to
    // its end (or to SQLite's busy timeout) even when the reply goes without it, so no
    // transaction is cancelled half-way and a connection never returns to the pool inside
    // one. It gives up without storing when no permit comes before the deadline.
    let (app, who, request) = (data.app.clone(), caller.clone(), request.clone());
    let permits = Arc::clone(&data.paging);
    let stored = tokio::spawn(async move {
        let _permit = tokio::time::timeout_at(deadline, permits.acquire_owned())
            .await
            .ok()?
            .ok()?;
        Some(paging::remember(&app, &who, &request).await)
    });
    let result = match tokio::time::timeout_at(deadline, stored).await {
        Ok(Ok(Some(result))) => result,
        Ok(Ok(None)) | Err(_) => {
            warn!("storing a paged request waited too long; the reply goes out without buttons");
            return Vec::new();
        }
        Ok(Err(e)) => Err(e.into()),
    };
    match result {
        Ok(Some(id)) => buttons(id, pager),
        Ok(None) => Vec::new(),
        Err(e) => {
            error!(error = ?e, "storing a paged request failed; the reply goes out without buttons");
            Vec::new()
        }
    }
}

/// Answers a button press.
pub async fn on_button(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
) {
    let response = page_response(data, press).await;
    if let Err(e) = press.create_response(ctx, response).await {
        warn!(error = %e, custom_id = %press.data.custom_id, "could not answer a button press");
    }
}

async fn page_response(
    data: &Data,
    press: &serenity::ComponentInteraction,
) -> serenity::CreateInteractionResponse {
    let Some((id, page)) = parse_custom_id(&press.data.custom_id) else {
        return serenity::CreateInteractionResponse::Message(render::ephemeral_note(
            "That button is not mine to answer.",
        ));
    };
    let caller = caller_of_member(
        press.guild_id.map_or(Scope::GLOBAL, |g| Scope(g.get())),
        press.user.id.get(),
        press.member.as_ref(),
        data.instructor_role,
    );
    let reply = paging::turn_page(&data.app, &caller, id, page).await;
    if reply.ephemeral {
        // A refusal or an error about the new page goes to the presser alone; the message
        // stays as it is.
        return serenity::CreateInteractionResponse::Message(render::response_message(
            reply,
            Vec::new(),
        ));
    }
    let components = match &reply.pager {
        Some(pager) => buttons(id, pager),
        None => Vec::new(),
    };
    serenity::CreateInteractionResponse::UpdateMessage(render::response_message(reply, components))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_ids_round_trip_and_stay_within_discord_limits() {
        let rows = buttons(u64::MAX, &Pager { page: 1, pages: 3 });
        let json = serde_json::to_value(&rows).expect("serializes");
        let ids: Vec<&str> = json[0]["components"]
            .as_array()
            .expect("buttons")
            .iter()
            .map(|b| b["custom_id"].as_str().expect("custom_id"))
            .collect();
        assert_eq!(ids.len(), 3);
        assert!(ids.iter().all(|id| id.len() <= 100));
        assert_eq!(parse_custom_id(ids[0]), Some((u64::MAX, 0)));
        assert_eq!(parse_custom_id(ids[2]), Some((u64::MAX, 2)));
        assert_eq!(parse_custom_id("other:1:2"), None);
    }

    #[test]
    fn a_single_page_gets_no_buttons() {
        assert!(buttons(1, &Pager { page: 0, pages: 1 }).is_empty());
    }
}
