//! The real [`Poster`]: the weekly post's messages sent through Discord's REST API with a
//! nonce Discord enforces (a repeated send within a few minutes returns the first message
//! instead of posting twice) and no mentions, only into a channel of the course's own
//! guild; and a look through the channel's recent messages for a marker among the bot's
//! own, for a delivery that may have gone out before (a crash, a restored backup).

use super::channels::{self, Unknown};
use super::render::no_mentions;
use crate::schedule::{Mentions, PostError, Poster};
use poise::serenity_prelude as serenity;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Messages per page of a look for the bot's own message (Discord's maximum).
const PAGE: u8 = 100;
/// Pages read at most, newest first, back to the post's occurrence: a busy channel (or a
/// backup restored a day later) may have many messages after the post.
const PAGES: usize = 10;
/// A message dated this long before the occurrence cannot be its post (the post is claimed
/// at or after the occurrence; this allows for the host's clock running ahead of Discord's).
const CLOCK_SLACK: i64 = 300;

pub struct DiscordPoster {
    http: Arc<serenity::Http>,
    cache: Option<Arc<serenity::Cache>>,
    /// The bot's own user id, asked once: only its messages carry a real marker.
    me: tokio::sync::OnceCell<serenity::UserId>,
    /// The guild of each channel seen (a channel never changes guild).
    guilds: Mutex<HashMap<u64, u64>>,
}

impl DiscordPoster {
    pub fn new(http: Arc<serenity::Http>) -> DiscordPoster {
        DiscordPoster {
            http,
            cache: None,
            me: tokio::sync::OnceCell::new(),
            guilds: Mutex::new(HashMap::new()),
        }
    }

    /// Reads channels' guilds from the gateway cache before asking Discord.
    pub fn with_cache(mut self, cache: Arc<serenity::Cache>) -> DiscordPoster {
        self.cache = Some(cache);
        self
    }

    /// `channel` as an id, once it is known to belong to `guild`; a channel of another
    /// guild (or none) stops the course with the reason.
    async fn course_channel(
        &self,
        guild: u64,
        channel: u64,
    ) -> Result<serenity::ChannelId, PostError> {
        let id = channel_id(channel)?;
        let known = self
            .guilds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&channel)
            .copied();
        let found = match known {
            Some(g) => Ok(g),
            None => channels::guild_of(&self.http, self.cache.as_deref(), guild, id).await,
        };
        if let Ok(g) = found {
            self.guilds
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(channel, g);
        }
        match (&found, channels::refusal(channel, guild, &found)) {
            (_, None) => Ok(id),
            (Err(Unknown::Failed(why)), _) => Err(PostError::Failed(why.clone())),
            // `/course status` adds how to resume.
            (_, Some(reason)) => Err(PostError::Refused(reason.trim_end_matches('.').into())),
        }
    }

    async fn me(&self) -> Result<serenity::UserId, PostError> {
        self.me
            .get_or_try_init(|| async {
                self.http
                    .get_current_user()
                    .await
                    .map(|u| u.id)
                    .map_err(|e| {
                        PostError::Failed(format!("could not ask Discord who paperclub is: {e}"))
                    })
            })
            .await
            .copied()
    }
}

impl Poster for DiscordPoster {
    async fn send(
        &self,
        guild: u64,
        channel: u64,
        content: &str,
        nonce: &str,
        mentions: &Mentions,
    ) -> Result<u64, PostError> {
        // Exactly the roles and users asked for; never @everyone, never a name in the text.
        // serenity's ids panic on 0, which no Discord id is; such a value is dropped.
        let allowed = no_mentions()
            .roles(
                mentions
                    .roles
                    .iter()
                    .filter(|&&r| r != 0)
                    .map(|&r| serenity::RoleId::new(r)),
            )
            .users(
                mentions
                    .users
                    .iter()
                    .filter(|&&u| u != 0)
                    .map(|&u| serenity::UserId::new(u)),
            );
        let message = serenity::CreateMessage::new()
            .content(content)
            .allowed_mentions(allowed)
            .nonce(serenity::Nonce::String(nonce.to_string()))
            .enforce_nonce(true);
        self.course_channel(guild, channel)
            .await?
            .send_message(&self.http, message)
            .await
            .map(|m| m.id.get())
            .map_err(|e| classify(channel, e))
    }

    async fn find(
        &self,
        guild: u64,
        channel: u64,
        marker: &str,
        since: i64,
    ) -> Result<Option<u64>, PostError> {
        let id = self.course_channel(guild, channel).await?;
        let me = self.me().await?;
        let mut before: Option<serenity::MessageId> = None;
        for _ in 0..PAGES {
            let mut query = serenity::GetMessages::new().limit(PAGE);
            if let Some(oldest) = before {
                query = query.before(oldest);
            }
            let page = id
                .messages(&self.http, query)
                .await
                .map_err(|e| match status(&e) {
                    // Reading the history is its own permission; without it the bot may
                    // still be allowed to post.
                    Some(403) => PostError::NoHistory(format!(
                        "cannot read message history in <#{channel}>; grant paperclub Read Message History there (without it, a post interrupted by a crash or a restore may be sent twice)"
                    )),
                    _ => classify(channel, e),
                })?;
            // Anyone can type the marker line; only the bot's own plain message is the post
            // (a command's reply is the bot's too, and may quote what a member typed).
            let found = page.iter().find(|m| {
                m.author.id == me
                    && m.webhook_id.is_none()
                    && m.kind == serenity::MessageType::Regular
                    && m.content.contains(marker)
            });
            if let Some(m) = found {
                return Ok(Some(m.id.get()));
            }
            // Newest first: the last message is the oldest of the page.
            match page.last() {
                Some(oldest)
                    if page.len() == usize::from(PAGE)
                        && oldest.timestamp.unix_timestamp() >= since - CLOCK_SLACK =>
                {
                    before = Some(oldest.id);
                }
                _ => break,
            }
        }
        Ok(None)
    }
}

/// The channel to post in; a course stored with channel 0 (before setup refused it) stops
/// its posts with the reason instead of panicking in serenity.
fn channel_id(channel: u64) -> Result<serenity::ChannelId, PostError> {
    match channel {
        0 => Err(PostError::Refused(
            "the course has no channel (id 0); choose one with `/course edit channel:`".into(),
        )),
        c => Ok(serenity::ChannelId::new(c)),
    }
}

/// The HTTP status of Discord's answer, if it answered.
fn status(error: &serenity::Error) -> Option<u16> {
    match error {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            Some(r.status_code.as_u16())
        }
        _ => None,
    }
}

/// Discord's answer as what the scheduler should do about it.
fn classify(channel: u64, error: serenity::Error) -> PostError {
    let serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) = &error else {
        return PostError::Failed(format!("could not reach Discord: {error}"));
    };
    let code = response.error.code;
    match response.status_code.as_u16() {
        // Discord's retry_after is in the body, which serenity does not keep; a second is
        // what a per-channel message limit usually asks for.
        429 => PostError::RateLimited(Duration::from_secs(1)),
        404 => PostError::Refused(format!(
            "the channel <#{channel}> no longer exists (Discord error {code}); choose another with `/course edit channel:`"
        )),
        403 => PostError::Refused(format!(
            "paperclub may not post in <#{channel}> (Discord error {code}: {}); give it Send Messages there, then `/course edit`",
            response.error.message
        )),
        400 => PostError::Refused(format!(
            "Discord refused the post (error {code}: {})",
            response.error.message
        )),
        status => PostError::Failed(format!("Discord answered {status}")),
    }
}
