//! The door every gateway event passes through before poise sees it. It counts the
//! interactions in flight so a shutdown can wait for them, turns new ones away politely
//! once a shutdown has begun (Discord would otherwise show "interaction failed"), and
//! handles buttons (pagination, slot swaps and autofill), which poise does not route to
//! commands.

use super::{pager, recommend_commands, render, slot_commands, BotError, Data};
use poise::serenity_prelude as serenity;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;
use tracing::warn;

const STOPPING: &str = "paperclub is restarting; try again in a minute.";

/// Whether the bot takes interactions, and how many are running.
#[derive(Debug, Default)]
pub struct Lifecycle {
    stopping: AtomicBool,
    in_flight: AtomicUsize,
    idle: Notify,
}

/// Held while one interaction runs.
pub struct InFlight(Arc<Lifecycle>);

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Lifecycle {
    /// `None` once stopping. Counting first and checking after means [`Lifecycle::drained`]
    /// can never miss an interaction that slipped in while the flag was being set.
    pub fn enter(self: &Arc<Self>) -> Option<InFlight> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let guard = InFlight(self.clone());
        if self.stopping.load(Ordering::SeqCst) {
            return None;
        }
        Some(guard)
    }

    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Resolves when no interaction is running.
    pub async fn drained(&self) {
        loop {
            let idle = self.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            if self.in_flight() == 0 {
                return;
            }
            idle.await;
        }
    }
}

/// Wraps the poise framework as serenity's framework.
pub struct Gate {
    inner: poise::Framework<Data, BotError>,
    data: Data,
    lifecycle: Arc<Lifecycle>,
}

impl Gate {
    pub fn new(
        inner: poise::Framework<Data, BotError>,
        data: Data,
        lifecycle: Arc<Lifecycle>,
    ) -> Gate {
        Gate {
            inner,
            data,
            lifecycle,
        }
    }
}

#[serenity::async_trait]
impl serenity::Framework for Gate {
    async fn init(&mut self, client: &serenity::Client) {
        serenity::Framework::init(&mut self.inner, client).await;
    }

    async fn dispatch(&self, ctx: serenity::Context, event: serenity::FullEvent) {
        let serenity::FullEvent::InteractionCreate { interaction } = &event else {
            return serenity::Framework::dispatch(&self.inner, ctx, event).await;
        };
        let Some(_in_flight) = self.lifecycle.enter() else {
            return turn_away(&ctx, interaction).await;
        };
        if let serenity::Interaction::Component(press) = interaction {
            if press.data.custom_id.starts_with("slot:") {
                return slot_commands::on_button(&ctx, &self.data, press).await;
            }
            if recommend_commands::is_more_like_this(&press.data.custom_id) {
                return recommend_commands::on_press(&ctx, &self.data, press).await;
            }
            return pager::on_button(&ctx, &self.data, press).await;
        }
        serenity::Framework::dispatch(&self.inner, ctx, event).await;
    }
}

async fn turn_away(ctx: &serenity::Context, interaction: &serenity::Interaction) {
    let note = || serenity::CreateInteractionResponse::Message(render::ephemeral_note(STOPPING));
    let result = match interaction {
        serenity::Interaction::Command(i) => i.create_response(ctx, note()).await,
        serenity::Interaction::Component(i) => i.create_response(ctx, note()).await,
        serenity::Interaction::Autocomplete(i) => {
            let empty = serenity::CreateAutocompleteResponse::new();
            i.create_response(
                ctx,
                serenity::CreateInteractionResponse::Autocomplete(empty),
            )
            .await
        }
        _ => Ok(()),
    };
    if let Err(e) = result {
        warn!(error = %e, "could not turn an interaction away during shutdown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn drained_waits_for_the_last_interaction_and_stop_refuses_new_ones() {
        let life = Arc::new(Lifecycle::default());
        let guard = life.enter().expect("accepting before stop");
        life.stop();
        assert!(life.enter().is_none());
        let waiting = tokio::spawn({
            let life = life.clone();
            async move { life.drained().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished());
        drop(guard);
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("drained after the last guard")
            .expect("task");
    }
}
