//! Where "now" comes from. Everything that depends on time (the weekly post, leases,
//! `/week` without a number) asks a [`Clock`], so tests can set and move time, including in
//! a child process (`PAPERCLUB_NOW`), instead of waiting for it.

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;
use std::time::Instant;

/// A source of the current instant.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that starts at a chosen instant and then runs at real speed: what a process
/// started by a test with `PAPERCLUB_NOW=2026-03-02T08:59:58Z` uses, so the scheduler sleeps
/// and wakes exactly as it would in production.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    start: DateTime<Utc>,
    at: Instant,
}

impl ShiftedClock {
    pub fn starting_at(start: DateTime<Utc>) -> ShiftedClock {
        ShiftedClock {
            start,
            at: Instant::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = Duration::from_std(self.at.elapsed()).unwrap_or(Duration::zero());
        self.start + elapsed
    }
}

/// A clock that only moves when told to (unit and integration tests).
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The process's clock: [`ShiftedClock`] when `PAPERCLUB_NOW` holds an RFC 3339 instant
/// (tests of whole processes), the system clock otherwise.
pub fn from_env() -> anyhow::Result<std::sync::Arc<dyn Clock>> {
    match std::env::var("PAPERCLUB_NOW") {
        Ok(v) if !v.trim().is_empty() => {
            let start = DateTime::parse_from_rfc3339(v.trim())
                .map_err(|e| anyhow::anyhow!("PAPERCLUB_NOW must be an RFC 3339 instant: {e}"))?;
            Ok(std::sync::Arc::new(ShiftedClock::starting_at(
                start.with_timezone(&Utc),
            )))
        }
        _ => Ok(std::sync::Arc::new(SystemClock)),
    }
}
