//! Which guild a channel belongs to (the gateway cache first, else `GET /channels/{id}`; a
//! channel never moves between guilds, so the poster keeps an answer) and whether paperclub
//! has there the permissions the weekly post needs, which the invite link grants. Course
//! set-up, edit and import check a channel here before it is stored, and the poster checks
//! its guild again before every send, so no course posts (with its role pings) into another
//! server's channel, whatever the course row says.

use super::{BotError, Context};
use poise::serenity_prelude as serenity;
use serenity::Permissions;

/// What the weekly post needs in its channel: to see it, to post, and to read its recent
/// messages (a restarted bot looks for a post it may have sent before stopping).
pub const NEEDED: Permissions = Permissions::VIEW_CHANNEL
    .union(Permissions::SEND_MESSAGES)
    .union(Permissions::READ_MESSAGE_HISTORY);

/// The invite link's permissions: [`NEEDED`], plus Embed Links and Attach Files for
/// command replies that carry cards and files (117760).
pub const INVITE: Permissions = NEEDED
    .union(Permissions::EMBED_LINKS)
    .union(Permissions::ATTACH_FILES);

/// The link that adds paperclub to a server with [`INVITE`]'s permissions.
pub fn invite_url(application: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application}&scope=bot+applications.commands&permissions={}",
        INVITE.bits()
    )
}

/// Why a channel's guild is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// Not a server channel (a direct message).
    NoGuild,
    /// Discord has no such channel (404).
    Gone,
    /// Discord will not show it to paperclub (403): another server's, or View Channel is
    /// missing.
    Hidden,
    /// Discord could not be asked (network, 5xx, rate limit): try again later.
    Failed(String),
}

/// The guild `channel` belongs to: `expected` when the cache lists it among that guild's
/// channels or threads, else Discord's answer.
pub async fn guild_of(
    http: &serenity::Http,
    cache: Option<&serenity::Cache>,
    expected: u64,
    channel: serenity::ChannelId,
) -> Result<u64, Unknown> {
    let cached = (|| {
        let guild = cache?.guild(serenity::GuildId::new(expected.max(1)))?;
        let listed =
            guild.channels.contains_key(&channel) || guild.threads.iter().any(|t| t.id == channel);
        Some(listed)
    })();
    if cached == Some(true) {
        return Ok(expected);
    }
    match http.get_channel(channel).await {
        Ok(serenity::Channel::Guild(c)) => Ok(c.guild_id.get()),
        Ok(_) => Err(Unknown::NoGuild),
        Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))) => {
            match r.status_code.as_u16() {
                404 => Err(Unknown::Gone),
                403 => Err(Unknown::Hidden),
                status => Err(Unknown::Failed(format!("Discord answered {status}"))),
            }
        }
        Err(e) => Err(Unknown::Failed(format!("could not reach Discord: {e}"))),
    }
}

/// Why `channel` is no place for guild `guild`'s course, in words an instructor can act
/// on; `None` when it is one of the guild's channels.
pub fn refusal(channel: u64, guild: u64, found: &Result<u64, Unknown>) -> Option<String> {
    let fix = "choose a channel of this server";
    match found {
        Ok(g) if *g == guild => None,
        Ok(_) => Some(format!(
            "<#{channel}> belongs to another server, not this one: {fix}."
        )),
        Err(Unknown::NoGuild) => Some(format!(
            "<#{channel}> is not a server channel: {fix}."
        )),
        Err(Unknown::Gone) => Some(format!("channel {channel} does not exist: {fix}.")),
        Err(Unknown::Hidden) => Some(format!(
            "paperclub cannot see <#{channel}>: it is another server's channel, or paperclub lacks View Channel there. Give it View Channel, Send Messages and Read Message History, or {fix}."
        )),
        Err(Unknown::Failed(why)) => Some(format!(
            "paperclub could not ask Discord which server <#{channel}> belongs to ({why}); try again in a minute."
        )),
    }
}

/// The names of `needed` permissions missing from `have`, as Discord's settings call them.
pub fn missing(have: Permissions, needed: Permissions) -> Vec<&'static str> {
    [
        (Permissions::VIEW_CHANNEL, "View Channel"),
        (Permissions::SEND_MESSAGES, "Send Messages"),
        (Permissions::READ_MESSAGE_HISTORY, "Read Message History"),
        (Permissions::EMBED_LINKS, "Embed Links"),
        (Permissions::ATTACH_FILES, "Attach Files"),
    ]
    .into_iter()
    .filter(|(p, _)| needed.contains(*p) && !have.contains(*p))
    .map(|(_, name)| name)
    .collect()
}

/// Refuses a channel that is not this server's (judged from the gateway cache, else asked
/// of Discord) or where paperclub lacks a permission the weekly post needs (judged from the
/// guild's roles, the channel's overwrites and the bot's own member in the cache). When the
/// cache cannot tell the permissions, returns a note saying so instead of guessing.
pub(super) async fn check_channel(
    ctx: Context<'_>,
    channel: serenity::ChannelId,
) -> Result<Option<String>, BotError> {
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let found = {
        let discord = ctx.serenity_context();
        guild_of(&discord.http, Some(&discord.cache), guild, channel).await
    };
    if let Some(reason) = refusal(channel.get(), guild, &found) {
        return Err(BotError::user(format!(
            "paperclub will not post there: {reason}"
        )));
    }
    let perms = (|| {
        let guild = ctx.guild()?;
        let target = guild.channels.get(&channel)?;
        let member = guild.members.get(&ctx.cache().current_user().id)?;
        Some(guild.user_permissions_in(target, member))
    })();
    let Some(perms) = perms else {
        return Ok(Some(format!(
            "Note: paperclub could not check its permissions in <#{channel}> (Discord has not told it about that channel or its own membership). Make sure it has View Channel, Send Messages and Read Message History there."
        )));
    };
    match missing(perms, NEEDED).as_slice() {
        [] => Ok(None),
        lacking => Err(BotError::user(format!(
            "paperclub may not post in <#{channel}>: it lacks {} there. Give it View Channel, Send Messages and Read Message History in that channel, or choose another channel.",
            lacking.join(", ")
        ))),
    }
}

/// Refuses to go on when the guild's course posts into a channel that is not this
/// server's (stored by the command line, which cannot ask Discord), or that is gone; no
/// course, or a channel Discord cannot be asked about right now, passes.
pub(super) async fn check_current_channel(ctx: Context<'_>) -> Result<(), BotError> {
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let channel = match ctx.data().app.courses.course(guild).await {
        Ok(Some(course)) if course.channel_id != 0 => serenity::ChannelId::new(course.channel_id),
        _ => return Ok(()),
    };
    let found = {
        let discord = ctx.serenity_context();
        guild_of(&discord.http, Some(&discord.cache), guild, channel).await
    };
    match (&found, refusal(channel.get(), guild, &found)) {
        (Err(Unknown::Failed(_)), _) | (_, None) => Ok(()),
        (_, Some(reason)) => Err(BotError::user(format!(
            "{reason} Give it as `channel:` to resume posting."
        ))),
    }
}

/// A note from [`check_channel`], after the command's own answer.
pub(super) async fn send_note(ctx: Context<'_>, note: Option<String>) -> Result<(), BotError> {
    if let Some(note) = note {
        ctx.send(poise::CreateReply::default().content(note).ephemeral(true))
            .await?;
    }
    Ok(())
}

/// The channel an import without `channel:` would post in, if it needs checking: a server
/// with a course keeps its channel (checked when it was set); one without takes the file's,
/// which may be another server's.
pub(super) async fn channel_from_file(
    ctx: Context<'_>,
    bytes: &[u8],
) -> Option<serenity::ChannelId> {
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let current = ctx.data().app.courses.course(guild).await;
    if !matches!(current, Ok(None)) {
        return None;
    }
    crate::course::transfer::format::CourseFile::parse(bytes)
        .ok()
        .map(|f| f.course.channel)
        .filter(|&c| c != 0)
        .map(serenity::ChannelId::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invite_grants_every_permission_the_bot_uses() {
        assert_eq!(INVITE.bits(), 117_760);
        assert!(invite_url(42)
            .ends_with("client_id=42&scope=bot+applications.commands&permissions=117760"));
        assert!(missing(INVITE, NEEDED).is_empty());
        let send_only = Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES;
        assert_eq!(missing(send_only, NEEDED), vec!["Read Message History"]);
    }

    #[test]
    fn a_channel_of_another_guild_is_refused_saying_what_to_do() {
        assert_eq!(refusal(5, 1, &Ok(1)), None);
        let other = refusal(5, 1, &Ok(2)).expect("refused");
        assert!(other.contains("<#5> belongs to another server"), "{other}");
        assert!(refusal(5, 1, &Err(Unknown::Hidden))
            .expect("refused")
            .contains("cannot see <#5>"));
        assert!(
            refusal(5, 1, &Err(Unknown::Failed("Discord answered 502".into())))
                .expect("refused")
                .contains("try again")
        );
    }
}
