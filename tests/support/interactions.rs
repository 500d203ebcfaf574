//! Discord's rules for answering an interaction, as the fake enforces them: exactly one
//! acknowledgement (the callback) per interaction, within three seconds of its creation;
//! the webhook behind its token (editing the original response, follow-ups) exists only
//! once the interaction is acknowledged, and for fifteen minutes after its creation. A
//! refusal carries Discord's own status, code and message, so the bot sees what it would
//! see in production.

use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Discord's window for the callback.
pub const RESPOND_WITHIN: Duration = Duration::from_secs(3);
/// How long an interaction's token can edit and follow up.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// A request Discord would refuse: HTTP status, JSON error code, message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: u32,
    pub message: &'static str,
}

const UNKNOWN_INTERACTION: Refusal = Refusal {
    status: 404,
    code: 10062,
    message: "Unknown interaction",
};
const ALREADY_ACKNOWLEDGED: Refusal = Refusal {
    status: 400,
    code: 40060,
    message: "Interaction has already been acknowledged.",
};
const UNKNOWN_WEBHOOK: Refusal = Refusal {
    status: 404,
    code: 10015,
    message: "Unknown Webhook",
};
const INVALID_WEBHOOK_TOKEN: Refusal = Refusal {
    status: 401,
    code: 50027,
    message: "Invalid Webhook Token",
};

struct Interaction {
    id: String,
    created: Instant,
    acknowledged: bool,
}

/// Every interaction the fake sent, by token.
pub(super) struct Interactions {
    by_token: HashMap<String, Interaction>,
    respond_within: Duration,
    token_lifetime: Duration,
}

impl Default for Interactions {
    fn default() -> Interactions {
        Interactions {
            by_token: HashMap::new(),
            respond_within: RESPOND_WITHIN,
            token_lifetime: TOKEN_LIFETIME,
        }
    }
}

impl Interactions {
    /// Shorter windows, to test that a late answer is refused without waiting minutes.
    pub(super) fn set_windows(&mut self, respond_within: Duration, token_lifetime: Duration) {
        self.respond_within = respond_within;
        self.token_lifetime = token_lifetime;
    }

    /// Notes an INTERACTION_CREATE payload as sent at `at`.
    pub(super) fn created(&mut self, data: &Value, at: Instant) {
        let (Some(id), Some(token)) = (data["id"].as_str(), data["token"].as_str()) else {
            return;
        };
        self.by_token.insert(
            token.to_string(),
            Interaction {
                id: id.to_string(),
                created: at,
                acknowledged: false,
            },
        );
    }

    /// `POST /interactions/{id}/{token}/callback`.
    pub(super) fn acknowledge(
        &mut self,
        id: &str,
        token: &str,
        now: Instant,
    ) -> Result<(), Refusal> {
        let within = self.respond_within;
        let interaction = self
            .by_token
            .get_mut(token)
            .filter(|i| i.id == id)
            .ok_or(UNKNOWN_INTERACTION)?;
        if interaction.acknowledged {
            return Err(ALREADY_ACKNOWLEDGED);
        }
        if now.saturating_duration_since(interaction.created) > within {
            return Err(UNKNOWN_INTERACTION);
        }
        interaction.acknowledged = true;
        Ok(())
    }

    /// `PATCH /webhooks/{app}/{token}/messages/@original`, `POST /webhooks/{app}/{token}`.
    pub(super) fn webhook(&self, token: &str, now: Instant) -> Result<(), Refusal> {
        let interaction = self
            .by_token
            .get(token)
            .filter(|i| i.acknowledged)
            .ok_or(UNKNOWN_WEBHOOK)?;
        if now.saturating_duration_since(interaction.created) > self.token_lifetime {
            return Err(INVALID_WEBHOOK_TOKEN);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sent(interactions: &mut Interactions, at: Instant) {
        interactions.created(&json!({"id": "1", "token": "token-1"}), at);
    }

    #[test]
    fn one_acknowledgement_then_the_webhook_opens() {
        let mut all = Interactions::default();
        let now = Instant::now();
        sent(&mut all, now);
        assert_eq!(all.webhook("token-1", now), Err(UNKNOWN_WEBHOOK));
        assert_eq!(all.acknowledge("1", "token-1", now), Ok(()));
        assert_eq!(
            all.acknowledge("1", "token-1", now),
            Err(ALREADY_ACKNOWLEDGED)
        );
        assert_eq!(all.webhook("token-1", now), Ok(()));
        assert_eq!(
            all.acknowledge("2", "token-1", now),
            Err(UNKNOWN_INTERACTION)
        );
    }

    #[test]
    fn late_answers_are_refused() {
        let mut all = Interactions::default();
        let then = Instant::now();
        sent(&mut all, then);
        let late = then + RESPOND_WITHIN + Duration::from_millis(1);
        assert_eq!(
            all.acknowledge("1", "token-1", late),
            Err(UNKNOWN_INTERACTION)
        );
        sent(&mut all, then);
        assert_eq!(all.acknowledge("1", "token-1", then), Ok(()));
        let expired = then + TOKEN_LIFETIME + Duration::from_millis(1);
        assert_eq!(all.webhook("token-1", expired), Err(INVALID_WEBHOOK_TOKEN));
    }
}
