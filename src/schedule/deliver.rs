//! Delivering a claimed post: take its lease, send the parts Discord has not confirmed
//! (each with its nonce), first looking for a part's marker among the bot's messages in the
//! channel when it may have gone out already (a crash, or a backup restored since), and
//! record each message id as Discord confirms it. A refusal (channel gone or of another
//! guild, permission to post lost) stops the course; a look the bot may not make (no Read
//! Message History) is reported and the part sent with its nonce; anything else leaves the
//! post for a later attempt.

use super::render::{self, PostKey};
use super::{Mentions, PostError, Poster};
use crate::course::Courses;
use crate::store::courses as store;
use crate::store::posts;
use chrono::{DateTime, Duration, Utc};
use tracing::{info, warn};

/// How long a delivery may run before another attempt may take over (a crashed process's
/// lease simply runs out).
const LEASE: Duration = Duration::seconds(60);
/// A failed attempt (network, Discord 5xx) is retried after this long.
const RETRY: Duration = Duration::seconds(60);
/// 429s waited out within one delivery before leaving it to a later tick.
const MAX_RATE_LIMIT_WAITS: usize = 5;

pub(super) enum Delivered {
    Sent,
    Failed,
    /// Left for a later tick.
    Later,
    /// Another attempt holds the lease.
    Elsewhere,
}

/// Sends the parts of one claimed post that are not confirmed yet; `restored`: when a
/// backup was last restored (a post due before it looks for itself first).
pub(super) async fn deliver<P: Poster>(
    courses: &Courses,
    poster: &P,
    post: i64,
    restored: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Delivered> {
    let lease = {
        let mut conn = courses.pool.acquire().await?;
        posts::take_lease(&mut conn, post, now.timestamp(), (now + LEASE).timestamp()).await?
    };
    let Some(row) = lease else {
        return Ok(Delivered::Elsewhere);
    };
    let parts: Vec<String> = serde_json::from_str(&row.parts)?;
    let mentions: Mentions = serde_json::from_str(&row.mentions)?;
    let mut sent: Vec<String> = serde_json::from_str(&row.message_ids)?;
    let (guild, channel) = (row.guild_id as u64, row.channel_id as u64);
    let key = PostKey::new(row.guild_id, &row.kind, row.occurrence_at, row.session_id);
    // A second attempt may follow a crash after Discord accepted a message we never
    // recorded; a post due before a restore may have gone out from the database that the
    // restore replaced (its nonce long forgotten by Discord): look before sending.
    let recovering = row.attempts > 1 || restored.is_some_and(|at| row.occurrence_at <= at);
    // Kept on the sent post, so `/course status` shows it.
    let mut warning: Option<String> = None;
    for part in sent.len()..parts.len() {
        let marker = render::marker(&key, part + 1, parts.len());
        let mut result = if recovering {
            poster
                .find(guild, channel, &marker, row.occurrence_at)
                .await
                .map(|found| found.map(|id| id.to_string()))
        } else {
            Ok(None)
        };
        if let Err(PostError::NoHistory(reason)) = &result {
            // Not a refusal to post: send, guarded by the nonce alone, and say so.
            if warning.is_none() {
                warn!(
                    guild_id = row.guild_id,
                    post, reason, "cannot look for an earlier post"
                );
            }
            warning = Some(reason.clone());
            result = Ok(None);
        }
        if let Ok(None) = result {
            let nonce = render::nonce(&key, part + 1);
            result = send_with_waits(poster, guild, channel, &parts[part], &nonce, &mentions)
                .await
                .map(|id| Some(id.to_string()));
        }
        match result {
            Ok(Some(id)) => {
                crate::fault::kill_at(crate::fault::AFTER_SEND);
                sent.push(id);
                let mut conn = courses.pool.acquire().await?;
                posts::set_message_ids(&mut conn, post, &serde_json::to_string(&sent)?).await?;
            }
            Ok(None) => unreachable!("a send returns an id or an error"),
            Err(PostError::Refused(reason)) => {
                let mut tx = courses.pool.begin_with("BEGIN IMMEDIATE").await?;
                posts::finish_post(&mut tx, post, "failed", Some(&reason), now.timestamp()).await?;
                store::pause(&mut tx, row.guild_id, &reason).await?;
                tx.commit().await?;
                warn!(
                    guild_id = row.guild_id,
                    post, reason, "weekly post refused; course paused"
                );
                return Ok(Delivered::Failed);
            }
            Err(PostError::RateLimited(_))
            | Err(PostError::Failed(_))
            | Err(PostError::NoHistory(_)) => {
                let reason = match result {
                    Err(PostError::Failed(e)) | Err(PostError::NoHistory(e)) => e,
                    _ => "Discord kept rate-limiting the channel".to_string(),
                };
                let mut conn = courses.pool.acquire().await?;
                posts::release(&mut conn, post, (now + RETRY).timestamp(), &reason).await?;
                return Ok(Delivered::Later);
            }
        }
    }
    let mut conn = courses.pool.acquire().await?;
    posts::finish_post(&mut conn, post, "sent", warning.as_deref(), now.timestamp()).await?;
    info!(
        guild_id = row.guild_id,
        post,
        messages = sent.len(),
        "weekly post sent"
    );
    Ok(Delivered::Sent)
}

/// Sends one message, waiting out Discord's 429s a few times.
async fn send_with_waits<P: Poster>(
    poster: &P,
    guild: u64,
    channel: u64,
    content: &str,
    nonce: &str,
    mentions: &Mentions,
) -> Result<u64, PostError> {
    let mut waits = 0;
    loop {
        match poster.send(guild, channel, content, nonce, mentions).await {
            Err(PostError::RateLimited(after)) if waits < MAX_RATE_LIMIT_WAITS => {
                waits += 1;
                tokio::time::sleep(after.min(std::time::Duration::from_secs(60))).await;
            }
            other => return other,
        }
    }
}
