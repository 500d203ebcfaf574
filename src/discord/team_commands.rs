//! The team and note slash commands: `/team`, `/note` and `/notes export`. Each parses its
//! options into a [`Request`] and goes through the same `respond` as every command; who may
//! do what (instructors, authors, team members) is decided in the core.

use super::commands::{autocomplete_paper, respond, scope};
use super::{render, BotError, Context};
use crate::dispatch::{self, ExportBy, NoteRequest, Request, TeamRequest};
use poise::serenity_prelude as serenity;

/// Course teams: create and move (instructors), join, list
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "team_create",
        "team_join",
        "team_leave",
        "team_move",
        "team_list",
        "team_members"
    ),
    subcommand_required
)]
pub async fn team(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Create a team, optionally everyone with a role (instructors)
#[poise::command(slash_command, guild_only, rename = "create")]
pub async fn team_create(
    ctx: Context<'_>,
    #[description = "The team's name, e.g. team-5 (course posts name teams this way)"]
    #[max_length = 40]
    name: String,
    #[description = "Members with this role are the team (instead of joining)"] role: Option<
        serenity::RoleId,
    >,
) -> Result<(), BotError> {
    let role = role.map(|r| r.get());
    respond(ctx, Request::Team(TeamRequest::Create { name, role })).await
}

/// Join a team (one team per course)
#[poise::command(slash_command, guild_only, rename = "join")]
pub async fn team_join(
    ctx: Context<'_>,
    #[description = "The team to join"]
    #[autocomplete = "autocomplete_team"]
    team: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Team(TeamRequest::Join { team })).await
}

/// Leave the team you joined (instructors; students ask an instructor to move them)
#[poise::command(slash_command, guild_only, rename = "leave")]
pub async fn team_leave(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Team(TeamRequest::Leave)).await
}

/// Move a member to another team, into a first one, or out of theirs (instructors; recorded)
#[poise::command(slash_command, guild_only, rename = "move")]
pub async fn team_move(
    ctx: Context<'_>,
    #[description = "The member to move"] member: serenity::User,
    #[description = "The team they move to (leave it out to take them out of their team)"]
    #[autocomplete = "autocomplete_team"]
    team: Option<String>,
) -> Result<(), BotError> {
    let member = member.id.get();
    respond(ctx, Request::Team(TeamRequest::Move { member, team })).await
}

/// Every team of the course, and yours
#[poise::command(slash_command, guild_only, rename = "list")]
pub async fn team_list(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Team(TeamRequest::List)).await
}

/// Who is in a team
#[poise::command(slash_command, guild_only, rename = "members")]
pub async fn team_members(
    ctx: Context<'_>,
    #[description = "The team"]
    #[autocomplete = "autocomplete_team"]
    team: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Team(TeamRequest::Members { team })).await
}

/// Notes on the readings, shared with your team until published
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "note_add",
        "note_list",
        "note_edit",
        "note_delete",
        "note_publish",
        "note_history"
    ),
    subcommand_required
)]
pub async fn note(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Write a note on a paper (your team sees it until you publish it)
#[poise::command(slash_command, guild_only, rename = "add")]
pub async fn note_add(
    ctx: Context<'_>,
    #[description = "Citation key, title, arXiv id or DOI"]
    #[autocomplete = "autocomplete_paper"]
    paper: String,
    #[description = "The note (at most 1,500 characters; shown as plain text)"]
    #[max_length = 1500]
    text: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Note(NoteRequest::Add { paper, text })).await
}

/// The notes on a paper that you can see
#[poise::command(slash_command, guild_only, rename = "list")]
pub async fn note_list(
    ctx: Context<'_>,
    #[description = "Citation key, title, arXiv id or DOI"]
    #[autocomplete = "autocomplete_paper"]
    paper: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Note(NoteRequest::List { paper })).await
}

/// Change your note's text (the previous text is kept)
#[poise::command(slash_command, guild_only, rename = "edit")]
pub async fn note_edit(
    ctx: Context<'_>,
    #[description = "The note's number (#12 in /note list)"]
    #[min = 1]
    note: i64,
    #[description = "The new text (at most 1,500 characters)"]
    #[max_length = 1500]
    text: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Note(NoteRequest::Edit { note, text })).await
}

/// Delete a note (its author or an instructor)
#[poise::command(slash_command, guild_only, rename = "delete")]
pub async fn note_delete(
    ctx: Context<'_>,
    #[description = "The note's number (#12 in /note list)"]
    #[min = 1]
    note: i64,
) -> Result<(), BotError> {
    respond(ctx, Request::Note(NoteRequest::Delete { note })).await
}

/// Show a note to the whole class (its author or an instructor)
#[poise::command(slash_command, guild_only, rename = "publish")]
pub async fn note_publish(
    ctx: Context<'_>,
    #[description = "The note's number (#12 in /note list)"]
    #[min = 1]
    note: i64,
) -> Result<(), BotError> {
    respond(ctx, Request::Note(NoteRequest::Publish { note })).await
}

/// A note's earlier texts
#[poise::command(slash_command, guild_only, rename = "history")]
pub async fn note_history(
    ctx: Context<'_>,
    #[description = "The note's number (#12 in /note list)"]
    #[min = 1]
    note: i64,
) -> Result<(), BotError> {
    respond(ctx, Request::Note(NoteRequest::History { note })).await
}

/// Notes as a file
#[poise::command(
    slash_command,
    guild_only,
    subcommands("notes_export"),
    subcommand_required
)]
pub async fn notes(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// An annotated bibliography (markdown) of a week, a paper or a team: one option
#[poise::command(slash_command, guild_only, rename = "export")]
pub async fn notes_export(
    ctx: Context<'_>,
    #[description = "A week's number (see /schedule)"]
    #[min = 1]
    session: Option<u32>,
    #[description = "Citation key, title, arXiv id or DOI"]
    #[autocomplete = "autocomplete_paper"]
    paper: Option<String>,
    #[description = "A team"]
    #[autocomplete = "autocomplete_team"]
    team: Option<String>,
) -> Result<(), BotError> {
    match ExportBy::from_options(session.map(|n| n as usize), paper, team) {
        Ok(by) => respond(ctx, Request::Note(NoteRequest::Export(by))).await,
        Err(message) => Err(BotError::user(message)),
    }
}

async fn autocomplete_team(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    render::choices(dispatch::complete_team(&ctx.data().app, scope(ctx), partial).await)
}
