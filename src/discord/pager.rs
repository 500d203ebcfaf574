//! Pagination buttons. A paged reply is remembered under a short id (a bounded in-memory
//! map: the oldest entries go first, and after a restart old buttons answer "expired");
//! each button's `custom_id` is `page:<id>:<target page>:<prev|next>`. A press re-runs the
//! remembered request at the target page and answers with an update of the same message
//! (interaction response type 7). Only the person who ran the command may turn its pages.

use super::{render, Data};
use crate::dispatch::{self, Caller, Request};
use crate::view::Pager;
use poise::serenity_prelude as serenity;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use tracing::warn;

/// How many paged replies stay pageable.
const CAPACITY: usize = 2048;

pub struct Pages {
    inner: Mutex<Inner>,
}

impl Default for Pages {
    /// Ids start from the clock, so a button left over from before a restart finds no
    /// entry ("expired") rather than someone else's newer request under the same number.
    fn default() -> Pages {
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64);
        Pages {
            inner: Mutex::new(Inner {
                next_id: start,
                ..Inner::default()
            }),
        }
    }
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    entries: HashMap<u64, (Request, Caller)>,
    order: VecDeque<u64>,
}

impl Pages {
    /// Keeps `request` for later pages; returns its id.
    pub fn remember(&self, request: Request, caller: Caller) -> u64 {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.next_id = inner.next_id.wrapping_add(1);
        let id = inner.next_id;
        inner.entries.insert(id, (request, caller));
        inner.order.push_back(id);
        while inner.order.len() > CAPACITY {
            if let Some(old) = inner.order.pop_front() {
                inner.entries.remove(&old);
            }
        }
        id
    }

    pub fn recall(&self, id: u64) -> Option<(Request, Caller)> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.entries.get(&id).cloned()
    }
}

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

/// The same request at another page; `None` for requests that are not paged.
pub fn at_page(request: Request, page: usize) -> Option<Request> {
    Some(match request {
        Request::Search {
            query, tag, limit, ..
        } => Request::Search {
            query,
            tag,
            limit,
            page,
        },
        Request::Tag { tag, .. } => Request::Tag { tag, page },
        Request::Tags { .. } => Request::Tags { page },
        _ => return None,
    })
}

/// Remembers a paged reply and returns its buttons; no buttons for a one-page reply.
pub fn components_for(
    data: &Data,
    pager: Option<&Pager>,
    request: Request,
    caller: Caller,
) -> Vec<serenity::CreateActionRow> {
    match pager {
        Some(pager) if pager.pages > 1 => buttons(data.pages.remember(request, caller), pager),
        _ => Vec::new(),
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
    let note =
        |text: &str| serenity::CreateInteractionResponse::Message(render::ephemeral_note(text));
    let Some((id, page)) = parse_custom_id(&press.data.custom_id) else {
        return note("That button is not mine to answer.");
    };
    let Some((request, caller)) = data.pages.recall(id) else {
        return note("These results have expired; run the command again.");
    };
    if caller.user_id != press.user.id.get() {
        return note(
            "Only the person who ran the command can turn its pages; run it yourself to browse.",
        );
    }
    let Some(request) = at_page(request, page) else {
        return note("These results have no other pages.");
    };
    let reply = dispatch::handle(&data.app, &caller, request).await;
    if reply.ephemeral {
        // An error about the new page goes to the presser alone; the message stays as it is.
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
    use crate::model::Scope;

    fn caller() -> Caller {
        Caller {
            scope: Scope(1),
            user_id: 7,
            roles: Vec::new(),
            instructor: false,
        }
    }

    #[test]
    fn the_oldest_pages_are_forgotten_first() {
        let pages = Pages::default();
        let first = pages.remember(Request::Tags { page: 0 }, caller());
        for _ in 0..CAPACITY {
            pages.remember(Request::Tags { page: 0 }, caller());
        }
        assert!(pages.recall(first).is_none());
        assert!(pages.recall(first + CAPACITY as u64).is_some());
    }

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
