//! The JSON the fake sends: gateway events (READY, GUILD_CREATE, INTERACTION_CREATE for
//! slash commands, autocomplete and button presses) and REST answers (messages, the
//! application). Each carries the fields serenity requires; `deserializes_as_serenity`
//! tests keep it that way, because a missing field silently becomes an `Unknown` event.

use serde_json::{json, Value};

pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_ID: u64 = 900_000_000_000_000_001;
pub const GUILD_A: u64 = 100_000_000_000_000_001;
pub const GUILD_B: u64 = 100_000_000_000_000_002;
pub const CHANNEL_A: u64 = 200_000_000_000_000_001;
/// A channel of guild A where @everyone, the bot included, may view but not send or read
/// the history.
pub const CHANNEL_LOCKED: u64 = 200_000_000_000_000_002;
/// A channel of guild A where everyone may post but not read the history back.
pub const CHANNEL_NO_HISTORY: u64 = 200_000_000_000_000_003;
/// Guild B's own channels: a channel belongs to one guild, as on Discord.
pub const CHANNEL_B: u64 = 200_000_000_000_000_011;
pub const CHANNEL_B_LOCKED: u64 = 200_000_000_000_000_012;
pub const CHANNEL_B_NO_HISTORY: u64 = 200_000_000_000_000_013;
/// Somebody in the channel who is not the bot.
pub const STUDENT_ID: u64 = 400_000_000_000_000_001;
pub const INSTRUCTOR_ROLE: u64 = 300_000_000_000_000_001;

/// Discord permission bits used by the tests.
pub const VIEW_AND_SEND: u64 = (1 << 10) | (1 << 11);
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
pub const MANAGE_GUILD: u64 = 1 << 5;

/// Who sends an interaction, and from where.
#[derive(Debug, Clone)]
pub struct Invoker {
    pub user_id: u64,
    pub name: String,
    /// `None`: a direct message.
    pub guild_id: Option<u64>,
    pub permissions: u64,
    pub roles: Vec<u64>,
}

impl Invoker {
    /// A student in `guild`: may read and write, nothing more.
    pub fn student(guild: u64) -> Invoker {
        Invoker {
            user_id: STUDENT_ID,
            name: "student".into(),
            guild_id: Some(guild),
            permissions: VIEW_AND_SEND,
            roles: Vec::new(),
        }
    }

    /// A member with Manage Server in `guild`.
    pub fn instructor(guild: u64) -> Invoker {
        Invoker {
            user_id: 400_000_000_000_000_002,
            name: "instructor".into(),
            guild_id: Some(guild),
            permissions: VIEW_AND_SEND | MANAGE_GUILD,
            roles: Vec::new(),
        }
    }

    pub fn with_user(mut self, user_id: u64) -> Invoker {
        self.user_id = user_id;
        self
    }

    fn user(&self) -> Value {
        user(self.user_id, &self.name)
    }
}

pub fn user(id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": null,
    })
}

pub fn ready(guilds: &[u64], ws_url: &str) -> Value {
    json!({
        "v": 10,
        "user": {"id": BOT_ID.to_string(), "username": "paperclub", "discriminator": "0", "bot": true, "avatar": null},
        "guilds": guilds.iter().map(|g| json!({"id": g.to_string(), "unavailable": true})).collect::<Vec<_>>(),
        "session_id": "fake-session",
        "resume_gateway_url": ws_url,
        "shard": [0, 1],
        "application": {"id": APP_ID.to_string(), "flags": 0},
    })
}

/// A guild's channels: where posts go, one where the bot may neither send nor read the
/// history, and one where it may send but not read the history.
pub fn channels_of(guild: u64) -> [u64; 3] {
    match guild {
        GUILD_A => [CHANNEL_A, CHANNEL_LOCKED, CHANNEL_NO_HISTORY],
        GUILD_B => [CHANNEL_B, CHANNEL_B_LOCKED, CHANNEL_B_NO_HISTORY],
        // Any other guild a test makes up gets ids of its own.
        other => [1, 2, 3].map(|k| 300_000_000_000_000_000 + other.wrapping_mul(10) + k),
    }
}

/// A guild channel as `GET /channels/{id}` returns it (and GUILD_CREATE lists it).
pub fn channel(id: u64, guild: u64) -> Value {
    let [readings, locked, no_history] = channels_of(guild);
    let deny = |bits: u64| json!([{"id": guild.to_string(), "type": 0, "allow": "0", "deny": bits.to_string()}]);
    let (name, position, overwrites) = if id == locked {
        // Nobody may send or read back the history there.
        (
            "announcements",
            1,
            deny((1u64 << 11) | READ_MESSAGE_HISTORY),
        )
    } else if id == no_history {
        ("drop-box", 2, deny(READ_MESSAGE_HISTORY))
    } else {
        debug_assert_eq!(id, readings);
        ("readings", 0, json!([]))
    };
    json!({"id": id.to_string(), "name": name, "type": 0, "guild_id": guild.to_string(), "position": position, "permission_overwrites": overwrites})
}

pub fn guild(id: u64) -> Value {
    json!({
        "id": id.to_string(),
        "name": format!("course {id}"),
        "icon": null,
        "owner_id": "400000000000000099",
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "large": false,
        "unavailable": false,
        "member_count": 2,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_progress_bar_enabled": false,
        "system_channel_flags": 0,
        "preferred_locale": "en-US",
        "afk_timeout": 300,
        "features": [],
        // @everyone (its id is the guild's) may view, send and read the history; the bot is
        // a plain member.
        "roles": [{"id": id.to_string(), "name": "@everyone", "color": 0, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}, "icon": null, "unicode_emoji": null, "hoist": false, "position": 0, "permissions": (VIEW_AND_SEND | READ_MESSAGE_HISTORY).to_string(), "managed": false, "mentionable": false, "flags": 0}],
        "emojis": [],
        "stickers": [],
        "members": [{"user": {"id": BOT_ID.to_string(), "username": "paperclub", "discriminator": "0", "bot": true, "avatar": null}, "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0}],
        "channels": channels_of(id).iter().map(|&c| channel(c, id)).collect::<Vec<_>>(),
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    })
}

pub fn gateway_bot(ws_url: &str) -> Value {
    json!({
        "url": ws_url,
        "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
    })
}

pub fn application_info() -> Value {
    json!({
        "id": APP_ID.to_string(),
        "name": "paperclub",
        "icon": null,
        "description": "",
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "00",
        "owner": user(400_000_000_000_000_099, "owner"),
        "flags": 0,
    })
}

/// The current user (`GET /users/@me`): the bot.
pub fn bot_user() -> Value {
    json!({"id": BOT_ID.to_string(), "username": "paperclub", "discriminator": "0", "bot": true, "avatar": null, "global_name": null, "verified": true, "mfa_enabled": false, "flags": 0})
}

/// The Message Discord returns for a message the bot posted (or an interaction reply).
pub fn message(id: u64, channel_id: u64, body: &Value) -> Value {
    let mut m = message_by(id, channel_id, body, BOT_ID);
    m["author"]["username"] = json!("paperclub");
    m["author"]["bot"] = json!(true);
    m
}

/// A message written by the user `author` (a member of the channel, not the bot).
pub fn message_by(id: u64, channel_id: u64, body: &Value, author: u64) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": {"id": author.to_string(), "username": "member", "discriminator": "0", "avatar": null},
        "content": body["content"].as_str().unwrap_or_default(),
        // When the fake took it, as Discord stamps a message.
        "timestamp": chrono::Utc::now().to_rfc3339(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds").cloned().unwrap_or_else(|| json!([])),
        "components": body.get("components").cloned().unwrap_or_else(|| json!([])),
        "pinned": false,
        "type": 0,
        "flags": body.get("flags").cloned().unwrap_or(json!(0)),
    })
}

fn interaction(id: u64, kind: u8, who: &Invoker, data: Value) -> Value {
    let mut v = json!({
        "id": id.to_string(),
        "application_id": APP_ID.to_string(),
        "type": kind,
        "token": format!("token-{id}"),
        "version": 1,
        // Sent from the guild's own readings channel (or, in a DM, a channel of no guild).
        "channel_id": who.guild_id.map_or(CHANNEL_A, |g| channels_of(g)[0]).to_string(),
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 26_214_400,
        "app_permissions": "2248473465835073",
        "data": data,
    });
    match who.guild_id {
        Some(guild) => {
            v["guild_id"] = json!(guild.to_string());
            v["guild_locale"] = json!("en-US");
            v["member"] = json!({
                "user": who.user(),
                "roles": who.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
                "joined_at": "2024-01-01T00:00:00.000000+00:00",
                "deaf": false,
                "mute": false,
                "flags": 0,
                "permissions": who.permissions.to_string(),
            });
        }
        None => v["user"] = who.user(),
    }
    v
}

/// INTERACTION_CREATE for `/name options...`; options as Discord sends them (see [`opt`],
/// [`sub`]); `resolved` for attachments.
pub fn slash(id: u64, who: &Invoker, name: &str, options: Value, resolved: Option<Value>) -> Value {
    let mut data = json!({"id": "700000000000000001", "name": name, "type": 1, "options": options});
    if let Some(resolved) = resolved {
        data["resolved"] = resolved;
    }
    interaction(id, 2, who, data)
}

/// Autocomplete (type 4): `options` holds one option marked focused (see [`focused`]).
pub fn autocomplete(id: u64, who: &Invoker, name: &str, options: Value) -> Value {
    let data = json!({"id": "700000000000000001", "name": name, "type": 1, "options": options});
    interaction(id, 4, who, data)
}

/// A button press (type 3) on `message`.
pub fn button(id: u64, who: &Invoker, custom_id: &str, message: Value) -> Value {
    let mut v = interaction(
        id,
        3,
        who,
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    v["message"] = message;
    v
}

/// A string option.
pub fn opt(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

pub fn opt_int(name: &str, value: i64) -> Value {
    json!({"name": name, "type": 4, "value": value})
}

/// A subcommand holding its own options.
pub fn sub(name: &str, options: Value) -> Value {
    json!({"name": name, "type": 1, "options": options})
}

/// The option being typed in an autocomplete interaction.
pub fn focused(name: &str, partial: &str) -> Value {
    json!({"name": name, "type": 3, "value": partial, "focused": true})
}

/// An attachment option and the `resolved` block that describes the file.
pub fn attachment(name: &str, id: u64, filename: &str, size: usize, url: &str) -> (Value, Value) {
    let option = json!({"name": name, "type": 11, "value": id.to_string()});
    let resolved = json!({"attachments": {id.to_string(): {
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": "text/plain; charset=utf-8",
    }}});
    (option, resolved)
}

/// A user option (type 6) and its resolved user.
pub fn user_option(name: &str, id: u64) -> (Value, Value) {
    let option = json!({"name": name, "type": 6, "value": id.to_string()});
    let resolved = json!({"users": {id.to_string(): user(id, "member")}});
    (option, resolved)
}

/// A channel option (type 7) and its resolved channel.
pub fn channel_option(name: &str, channel: u64) -> (Value, Value) {
    let option = json!({"name": name, "type": 7, "value": channel.to_string()});
    let resolved = json!({"channels": {channel.to_string(): {
        "id": channel.to_string(),
        "name": "readings",
        "type": 0,
        "permissions": VIEW_AND_SEND.to_string(),
    }}});
    (option, resolved)
}
