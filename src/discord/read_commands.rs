//! `/read done|undo|list`: a member marks the papers they have read and sees their own
//! progress through the course's readings. Each parses its options into a [`Request`] and
//! goes through the same `respond` as every command.

use super::commands::{autocomplete_paper, respond};
use super::{BotError, Context};
use crate::dispatch::{ReadRequest, Request};

/// Your reading progress: mark papers read, see what is left
#[poise::command(
    slash_command,
    guild_only,
    subcommands("read_done", "read_undo", "read_list"),
    subcommand_required
)]
pub async fn read(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Mark a paper as read
#[poise::command(slash_command, guild_only, rename = "done")]
pub async fn read_done(
    ctx: Context<'_>,
    #[description = "Citation key, title, arXiv id or DOI"]
    #[autocomplete = "autocomplete_paper"]
    paper: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Read(ReadRequest::Done { paper })).await
}

/// Take back a paper marked as read
#[poise::command(slash_command, guild_only, rename = "undo")]
pub async fn read_undo(
    ctx: Context<'_>,
    #[description = "Citation key, title, arXiv id or DOI"]
    #[autocomplete = "autocomplete_paper"]
    paper: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Read(ReadRequest::Undo { paper })).await
}

/// The course's readings week by week, with the ones you marked as read
#[poise::command(slash_command, guild_only, rename = "list")]
pub async fn read_list(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Read(ReadRequest::List)).await
}
