//! The permissions paperclub needs: in a course's channel (checked by course set-up, edit
//! and import before the channel is stored), and for the invite link that grants them.

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
}
