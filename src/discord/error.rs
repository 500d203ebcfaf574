//! Errors of the Discord surface and the one place that reports them. A [`BotError::User`]
//! carries a sentence written for the user; everything else is logged with its context and
//! shown only as a generic apology, so no internal detail (paths, SQL, HTTP bodies) ever
//! reaches a channel.

use super::{render, Data};
use poise::serenity_prelude as serenity;
use tracing::{error, warn};

const GENERIC: &str = "Something went wrong on my side; it has been logged. Please try again.";
pub(crate) const INSTRUCTORS_ONLY: &str =
    "Only instructors (Manage Server or the instructor role) can do that.";

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// A short, human sentence for the user (shown ephemeral).
    #[error("{0}")]
    User(String),
    /// Logged with context; the user sees a generic message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl BotError {
    pub fn user(message: impl Into<String>) -> BotError {
        BotError::User(message.into())
    }
}

impl From<serenity::Error> for BotError {
    fn from(e: serenity::Error) -> BotError {
        BotError::Internal(anyhow::Error::new(e).context("Discord API call"))
    }
}

/// poise's error hook.
pub fn on_error(error: poise::FrameworkError<'_, Data, BotError>) -> poise::BoxFuture<'_, ()> {
    Box::pin(report(error))
}

async fn report(error: poise::FrameworkError<'_, Data, BotError>) {
    use poise::FrameworkError as E;
    let (ctx, message) = match error {
        E::Command {
            error: BotError::User(message),
            ctx,
            ..
        } => (ctx, message),
        E::Command {
            error: BotError::Internal(e),
            ctx,
            ..
        } => {
            error!(
                command = %ctx.command().qualified_name,
                guild_id = ?ctx.guild_id().map(|g| g.get()),
                user_id = %ctx.author().id,
                error = ?e,
                "command failed"
            );
            (ctx, GENERIC.to_string())
        }
        E::ArgumentParse {
            ctx, input, error, ..
        } => {
            warn!(command = %ctx.command().qualified_name, ?input, %error, "unreadable option");
            (
                ctx,
                "I couldn't read one of the options; check it and try again.".into(),
            )
        }
        E::SubcommandRequired { ctx } => (
            ctx,
            "Pick one: `/paper search`, `/paper tag` or `/paper show`.".into(),
        ),
        E::GuildOnly { ctx, .. } => (ctx, "This command only works in a server.".into()),
        E::MissingUserPermissions { ctx, .. } => (ctx, INSTRUCTORS_ONLY.into()),
        E::CommandPanic { ctx, payload, .. } => {
            error!(command = %ctx.command().qualified_name, ?payload, "command panicked");
            (ctx, GENERIC.to_string())
        }
        other => {
            let Some(ctx) = other.ctx() else {
                error!(error = %other, "framework error outside a command");
                return;
            };
            error!(command = %ctx.command().qualified_name, error = %other, "framework error");
            (ctx, GENERIC.to_string())
        }
    };
    if let Err(e) = ctx.send(render::ephemeral_reply(&message)).await {
        warn!(error = %e, "could not send an error message");
    }
}
