//! `/recommend` and the "More like this" button on paper cards. The button's `custom_id` is
//! `more:<paper id>`: everything it needs is in the id, so a card keeps working across
//! restarts. A press answers the presser alone with the recommendations.

use super::commands::{autocomplete_paper, caller_of_member, respond};
use super::{render, BotError, Context, Data};
use crate::course::split_ids;
use crate::dispatch::{self, RecommendRequest, Request};
use crate::model::Scope;
use crate::view::Reply;
use poise::serenity_prelude as serenity;
use tracing::warn;

use crate::dispatch::MORE_LIKE_THIS as PREFIX;

/// Related papers, each with the reason it is suggested
#[poise::command(slash_command)]
#[allow(clippy::too_many_arguments)]
pub async fn recommend(
    ctx: Context<'_>,
    #[description = "A paper to start from: key, arXiv id or title words"]
    #[autocomplete = "autocomplete_paper"]
    paper: Option<String>,
    #[description = "Several papers, keys separated by spaces"]
    #[max_length = 1000]
    papers: Option<String>,
    #[description = "Papers like those with this tag"]
    #[autocomplete = "super::commands::autocomplete_tag"]
    tag: Option<String>,
    #[description = "Papers about these words"]
    #[max_length = 300]
    text: Option<String>,
    #[description = "Papers like a course week's readings, e.g. 3"]
    #[max_length = 20]
    session: Option<String>,
    #[description = "From what you or your team noted"]
    #[rename = "for"]
    for_whom: Option<ForWhom>,
    #[description = "How many suggestions (1-20)"]
    #[min = 1]
    #[max = 20]
    limit: Option<u32>,
) -> Result<(), BotError> {
    let mut list: Vec<String> = paper.into_iter().collect();
    list.extend(papers.as_deref().map(split_ids).unwrap_or_default());
    let request = RecommendRequest {
        papers: list,
        tag,
        text,
        session,
        for_whom: for_whom.map(|f| f.name().to_string()),
        limit: limit.map(|n| n as usize),
        ..RecommendRequest::default()
    };
    // The first snapshot of a large catalog takes longer than Discord's three seconds. A
    // deferral fixes whether the answer is private, and `for:` answers privately.
    if !ctx.data().app.recommender.is_ready() {
        if request.for_whom.is_some() {
            ctx.defer_ephemeral().await?;
        } else {
            ctx.defer().await?;
        }
    }
    respond(ctx, Request::Recommend(request)).await
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ForWhom {
    #[name = "me"]
    Me,
    #[name = "team"]
    Team,
}

impl ForWhom {
    fn name(self) -> &'static str {
        match self {
            ForWhom::Me => "me",
            ForWhom::Team => "team",
        }
    }
}

/// Whether a button press is a "More like this".
pub fn is_more_like_this(custom_id: &str) -> bool {
    custom_id.starts_with(PREFIX)
}

/// Answers a "More like this" press, privately to the presser. Before the recommender's
/// first snapshot (seconds on a large catalog, past Discord's three-second window) the press
/// is acknowledged first with a private "thinking" response, which the answer then fills in.
pub async fn on_press(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
) {
    let Ok(id) = press.data.custom_id[PREFIX.len()..].parse::<i64>() else {
        let note = render::ephemeral_note("That button is not mine to answer.");
        let result = press
            .create_response(ctx, serenity::CreateInteractionResponse::Message(note))
            .await;
        return warn_on_error(result, press);
    };
    let deferred = !data.app.recommender.is_ready();
    if deferred {
        let thinking = serenity::CreateInteractionResponseMessage::new().ephemeral(true);
        let result = press
            .create_response(ctx, serenity::CreateInteractionResponse::Defer(thinking))
            .await;
        if result.is_err() {
            return warn_on_error(result, press);
        }
    }
    let reply = suggestions(data, press, id).await;
    let result = if deferred {
        press
            .edit_response(ctx, render::response_edit(reply))
            .await
            .map(drop)
    } else {
        let message = render::response_message(reply, Vec::new());
        press
            .create_response(ctx, serenity::CreateInteractionResponse::Message(message))
            .await
    };
    warn_on_error(result, press);
}

/// The recommendations for paper `id`, as the presser's guild sees them, for the presser
/// alone.
async fn suggestions(data: &Data, press: &serenity::ComponentInteraction, id: i64) -> Reply {
    let caller = caller_of_member(
        press.guild_id.map_or(Scope::GLOBAL, |g| Scope(g.get())),
        press.user.id.get(),
        press.member.as_ref(),
        data.instructor_role,
    );
    let request = RecommendRequest {
        paper_ids: vec![id],
        ..RecommendRequest::default()
    };
    let mut reply = dispatch::handle(&data.app, &caller, Request::Recommend(request)).await;
    reply.ephemeral = true;
    reply
}

fn warn_on_error(result: serenity::Result<()>, press: &serenity::ComponentInteraction) {
    if let Err(e) = result {
        warn!(error = %e, custom_id = %press.data.custom_id, "could not answer a More like this press");
    }
}
