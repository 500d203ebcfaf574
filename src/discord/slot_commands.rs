//! The slot slash commands (`/slot ...`) and their buttons. A button press is turned back
//! into a [`SlotRequest`] from its `custom_id` alone and handled like a command: what a
//! pending swap or an autofill plan is lives in SQLite (or in the id), never in this
//! process, so a press after a restart works the same. A press answers by updating the
//! message it belongs to; a refusal goes to the presser alone.

use super::commands::{autocomplete_paper, is_instructor, respond};
use super::{render, BotError, Context, Data};
use crate::dispatch::{self, Caller, Request, SlotRequest};
use crate::model::Scope;
use poise::serenity_prelude as serenity;
use tracing::warn;

/// Presentation slots: who presents which paper, and when
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "slot_claim",
        "slot_assign",
        "slot_release",
        "slot_swap",
        "slot_list",
        "slot_export",
        "slot_autofill"
    ),
    subcommand_required
)]
pub async fn slot(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Claim a paper for your team to present (in the session that reads it)
#[poise::command(slash_command, guild_only, rename = "claim")]
pub async fn slot_claim(
    ctx: Context<'_>,
    #[description = "Citation key, title, arXiv id or DOI of a session's reading"]
    #[autocomplete = "autocomplete_paper"]
    paper: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Slot(SlotRequest::Claim { paper })).await
}

/// Give a team a paper to present (instructors)
#[poise::command(slash_command, guild_only, rename = "assign")]
pub async fn slot_assign(
    ctx: Context<'_>,
    #[description = "Citation key, title, arXiv id or DOI of a session's reading"]
    #[autocomplete = "autocomplete_paper"]
    paper: String,
    #[description = "The team that presents it"]
    #[autocomplete = "autocomplete_team"]
    team: String,
    #[description = "The session's date, YYYY-MM-DD (default: the session that reads the paper)"]
    #[max_length = 20]
    date: Option<String>,
) -> Result<(), BotError> {
    respond(
        ctx,
        Request::Slot(SlotRequest::Assign { paper, team, date }),
    )
    .await
}

/// Give up a slot (its team's members, or instructors)
#[poise::command(slash_command, guild_only, rename = "release")]
pub async fn slot_release(
    ctx: Context<'_>,
    #[description = "The paper whose slot to open again"]
    #[autocomplete = "autocomplete_paper"]
    paper: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Slot(SlotRequest::Release { paper })).await
}

/// Swap two teams' papers (instructors at once; otherwise both teams confirm)
#[poise::command(slash_command, guild_only, rename = "swap")]
pub async fn slot_swap(
    ctx: Context<'_>,
    #[description = "One team's paper"]
    #[autocomplete = "autocomplete_paper"]
    a: String,
    #[description = "The other team's paper"]
    #[autocomplete = "autocomplete_paper"]
    b: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Slot(SlotRequest::Swap { a, b })).await
}

/// Who presents what, week by week
#[poise::command(slash_command, guild_only, rename = "list")]
pub async fn slot_list(
    ctx: Context<'_>,
    #[description = "Only this week (see /schedule)"]
    #[min = 1]
    week: Option<u32>,
) -> Result<(), BotError> {
    let week = week.map(|w| w as usize);
    respond(ctx, Request::Slot(SlotRequest::List { week })).await
}

/// The presentations as a calendar file (.ics) for your calendar app
#[poise::command(slash_command, guild_only, rename = "export")]
pub async fn slot_export(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Slot(SlotRequest::Export)).await
}

/// Fill the open slots evenly between teams; shows the plan first (instructors)
#[poise::command(slash_command, guild_only, rename = "autofill")]
pub async fn slot_autofill(ctx: Context<'_>) -> Result<(), BotError> {
    let request = SlotRequest::Autofill {
        apply: false,
        expect: None,
    };
    respond(ctx, Request::Slot(request)).await
}

async fn autocomplete_team(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let scope = ctx.guild_id().map_or(Scope::GLOBAL, |g| Scope(g.get()));
    render::choices(dispatch::complete_team(&ctx.data().app, scope, partial).await)
}

/// Answers a press of a slot button (`slot:...`).
pub async fn on_button(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
) {
    let response = button_response(data, press).await;
    if let Err(e) = press.create_response(ctx, response).await {
        warn!(error = %e, custom_id = %press.data.custom_id, "could not answer a slot button");
    }
}

async fn button_response(
    data: &Data,
    press: &serenity::ComponentInteraction,
) -> serenity::CreateInteractionResponse {
    let note =
        |text: &str| serenity::CreateInteractionResponse::Message(render::ephemeral_note(text));
    let Some(request) = SlotRequest::from_button(&press.data.custom_id) else {
        return note("That button is not mine to answer.");
    };
    let member = press.member.as_ref();
    let caller = Caller {
        scope: press.guild_id.map_or(Scope::GLOBAL, |g| Scope(g.get())),
        user_id: press.user.id.get(),
        roles: member.map_or_else(Vec::new, |m| m.roles.iter().map(|r| r.get()).collect()),
        instructor: member.is_some_and(|m| is_instructor(m, data.instructor_role)),
    };
    let reply = dispatch::handle(&data.app, &caller, Request::Slot(request)).await;
    if reply.ephemeral && reply.buttons.is_empty() {
        // A refusal goes to the presser alone; the message stays as it is.
        return serenity::CreateInteractionResponse::Message(render::response_message(
            reply,
            Vec::new(),
        ));
    }
    serenity::CreateInteractionResponse::UpdateMessage(render::response_message(reply, Vec::new()))
}
