//! The weekly reading post. The window rule: the post at an occurrence announces every
//! session whose date (and time, if it has one) falls from that occurrence up to the next
//! occurrence, in the course's zone. [`plan`] decides what is due (pure); [`tick`] claims what is
//! due in SQLite, one transaction per course, then delivers every claimed post through a
//! [`Poster`]; [`run`] is the loop that sleeps until the next due time. The real poster
//! is the Discord surface's; tests use their own.
//!
//! Exactly once: an occurrence is claimed (a `posts` row, unique per guild and occurrence,
//! with the sessions it announces and the date each had) before anything is sent; each
//! message carries a nonce derived from the claim (guild, kind, occurrence; never the row
//! id, which a restore reuses), which Discord deduplicates for a few minutes, and a marker
//! line; a delivery that was interrupted, or whose occurrence is older than the last
//! restore of a backup, looks for its marker among the bot's own messages in the channel
//! before sending. A delivery holds a lease in the row, so two processes never deliver at
//! once.

mod announce;
mod claim;
mod deliver;
mod outlook;
pub mod plan;
pub mod render;
mod tick;

pub use announce::announce;
pub use outlook::{outlook, Outlook};
pub use plan::{plan, reminders, Announce, Announced, Decision, DueReminder, Outcome, Plan};
pub use tick::{preview, run, tick, TickReport};

use serde::{Deserialize, Serialize};
use std::future::Future;
use std::time::Duration;

/// Who a message may ping: exactly these roles and users, nobody else (no `@everyone`,
/// no role or user named in the text). Empty for every message but presenter reminders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentions {
    #[serde(default)]
    pub roles: Vec<u64>,
    #[serde(default)]
    pub users: Vec<u64>,
}

/// Why a message could not be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostError {
    /// Discord asked to wait this long (HTTP 429).
    RateLimited(Duration),
    /// The channel is gone or the bot may not post there: stop this course's posts until
    /// an instructor fixes it; the reason shows in `/course status`.
    Refused(String),
    /// Anything else (network, Discord's 5xx): try again later.
    Failed(String),
    /// The bot may not read the channel's history (Read Message History is missing), so a
    /// look for an earlier message cannot be made; posting itself may still be allowed.
    NoHistory(String),
}

/// Sends the weekly post's messages to a course's channel. Both calls name the course's
/// guild: a channel of any other guild is [`PostError::Refused`], so a course row pointing
/// elsewhere (an imported file, an edited database) never posts there.
pub trait Poster: Send + Sync {
    /// Sends one message with `nonce`, allowed to ping exactly `mentions`; returns its
    /// message id.
    fn send(
        &self,
        guild: u64,
        channel: u64,
        content: &str,
        nonce: &str,
        mentions: &Mentions,
    ) -> impl Future<Output = Result<u64, PostError>> + Send;

    /// The id of a message the bot itself sent in `channel` since `since` (unix seconds)
    /// whose text contains `marker`; anyone else's message never counts (anyone can type a
    /// marker line).
    fn find(
        &self,
        guild: u64,
        channel: u64,
        marker: &str,
        since: i64,
    ) -> impl Future<Output = Result<Option<u64>, PostError>> + Send;
}
