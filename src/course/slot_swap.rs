//! Swapping two slots' teams. An instructor's swap applies at once; a student's becomes a
//! pending row in SQLite that a member of each team confirms (Discord buttons carry only
//! the row's id), so a restart between the two confirmations loses nothing. The second
//! confirmation applies the swap in the same transaction, and only if both slots still
//! belong to the teams recorded when it was asked for.

use super::slots::{PaperRef, Slot};
use super::teams::Member;
use super::{refuse, CourseError, Courses};
use crate::catalog::Catalog;
use crate::store::slots::{self as store, SwapRow};
use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

type Result<T> = std::result::Result<T, CourseError>;

/// How long a swap waits for both teams.
pub const SWAP_EXPIRES_HOURS: i64 = 48;

/// The two slots of a swap, as they were when it was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwapPair {
    pub a: Slot,
    pub b: Slot,
    pub paper_a: PaperRef,
    pub paper_b: PaperRef,
}

/// Where a swap stands after a command or a button press.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwapState {
    /// Applied: team A now presents paper B and the other way round.
    Applied,
    /// Waiting: which teams have confirmed.
    Pending {
        id: i64,
        confirmed_a: bool,
        confirmed_b: bool,
        expires_at: DateTime<Utc>,
    },
    Declined,
}

impl Courses {
    /// `/slot swap a: b:`: applies at once for an instructor; otherwise records a pending
    /// swap for both teams to confirm (the caller must be in one of them).
    pub async fn request_swap(
        &self,
        catalog: &Catalog,
        guild: u64,
        who: Member<'_>,
        a: &str,
        b: &str,
        now: DateTime<Utc>,
    ) -> Result<(SwapPair, SwapState)> {
        self.require(guild).await?;
        let paper_a = self.paper_ref(catalog, guild, a).await?;
        let paper_b = self.paper_ref(catalog, guild, b).await?;
        if paper_a.id == paper_b.id {
            return refuse("A swap needs two different papers.");
        }
        let mine = self.membership(guild, who).await?.map(|m| m.team().id);
        let g = guild as i64;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let slot_of = |p: &PaperRef, row: Option<store::SlotRow>| {
            match row {
            Some(r) => Ok(Slot::from_row(r)),
            None => refuse(format!(
                "Nobody presents “{}” yet, so there is nothing to swap; claim it with `/slot claim` instead.",
                p.title
            )),
        }
        };
        let sa = slot_of(
            &paper_a,
            store::slot_of_paper(&mut tx, g, paper_a.id).await?,
        )?;
        let sb = slot_of(
            &paper_b,
            store::slot_of_paper(&mut tx, g, paper_b.id).await?,
        )?;
        if sa.team.id == sb.team.id {
            return refuse(format!(
                "Team {} presents both papers already; a swap is between two teams.",
                sa.team.shown()
            ));
        }
        let pair = SwapPair {
            a: sa,
            b: sb,
            paper_a,
            paper_b,
        };
        if who.instructor {
            apply(&mut tx, g, &pair.a, &pair.b).await?;
            tx.commit().await?;
            self.wake.notify_one();
            return Ok((pair, SwapState::Applied));
        }
        if mine != Some(pair.a.team.id) && mine != Some(pair.b.team.id) {
            return refuse(format!(
                "Only members of team {} or team {} (or an instructor) can ask for this swap.",
                pair.a.team.shown(),
                pair.b.team.shown()
            ));
        }
        let expires_at = now + Duration::hours(SWAP_EXPIRES_HOURS);
        let row = SwapRow {
            id: 0,
            guild_id: g,
            slot_a: pair.a.id,
            slot_b: pair.b.id,
            team_a: pair.a.team.id,
            team_b: pair.b.team.id,
            confirmed_a: false,
            confirmed_b: false,
            state: "pending".into(),
            requested_by: who.user as i64,
            expires_at: expires_at.timestamp(),
        };
        let id = store::insert_swap(&mut tx, &row, now.timestamp()).await?;
        tx.commit().await?;
        tracing::info!(guild_id = guild, swap = id, "slot swap requested");
        Ok((
            pair,
            SwapState::Pending {
                id,
                confirmed_a: false,
                confirmed_b: false,
                expires_at,
            },
        ))
    }

    /// A Confirm or Decline press on swap `id`, read and written in SQLite alone.
    pub async fn answer_swap(
        &self,
        catalog: &Catalog,
        guild: u64,
        who: Member<'_>,
        id: i64,
        confirm: bool,
        now: DateTime<Utc>,
    ) -> Result<(SwapPair, SwapState)> {
        let mine = self.membership(guild, who).await?.map(|m| m.team().id);
        let g = guild as i64;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let Some(swap) = store::swap(&mut tx, g, id).await? else {
            return refuse(format!("There is no swap #{id} in this course."));
        };
        let (Some(a), Some(b)) = (
            store::slot(&mut tx, g, swap.slot_a).await?,
            store::slot(&mut tx, g, swap.slot_b).await?,
        ) else {
            return refuse(format!(
                "Swap #{id} is out of date: one of its slots was released. Ask again with `/slot swap`."
            ));
        };
        let (a, b) = (Slot::from_row(a), Slot::from_row(b));
        match swap.state.as_str() {
            "done" => return refuse(format!("Swap #{id} was already applied.")),
            "declined" => return refuse(format!("Swap #{id} was declined.")),
            _ => {}
        }
        if swap.expires_at <= now.timestamp() {
            return refuse(format!(
                "Swap #{id} expired (a swap waits {SWAP_EXPIRES_HOURS} hours); ask again with `/slot swap`."
            ));
        }
        if a.team.id != swap.team_a || b.team.id != swap.team_b {
            return refuse(format!(
                "Swap #{id} is out of date: the slots changed hands since it was asked for. Ask again with `/slot swap`."
            ));
        }
        let (mut ca, mut cb) = (swap.confirmed_a, swap.confirmed_b);
        if mine == Some(swap.team_a) {
            ca = true;
        } else if mine == Some(swap.team_b) {
            cb = true;
        } else if who.instructor {
            (ca, cb) = (true, true);
        } else {
            return refuse(format!(
                "Only members of team {} or team {} can answer swap #{id}.",
                a.team.shown(),
                b.team.shown()
            ));
        }
        let state = if !confirm {
            store::update_swap(
                &mut tx,
                g,
                id,
                swap.confirmed_a,
                swap.confirmed_b,
                "declined",
            )
            .await?;
            SwapState::Declined
        } else if ca && cb {
            apply(&mut tx, g, &a, &b).await?;
            store::update_swap(&mut tx, g, id, ca, cb, "done").await?;
            SwapState::Applied
        } else {
            store::update_swap(&mut tx, g, id, ca, cb, "pending").await?;
            SwapState::Pending {
                id,
                confirmed_a: ca,
                confirmed_b: cb,
                expires_at: super::from_unix(swap.expires_at).unwrap_or(now),
            }
        };
        tx.commit().await?;
        self.wake.notify_one();
        tracing::info!(guild_id = guild, swap = id, confirm, "slot swap answered");
        let pair = SwapPair {
            paper_a: PaperRef {
                id: a.paper_id,
                title: super::slots::paper_title(catalog, guild, a.paper_id).await?,
            },
            paper_b: PaperRef {
                id: b.paper_id,
                title: super::slots::paper_title(catalog, guild, b.paper_id).await?,
            },
            a,
            b,
        };
        Ok((pair, state))
    }
}

/// Gives each slot the other's team, only while both still belong to the teams read.
async fn apply(conn: &mut SqliteConnection, guild: i64, a: &Slot, b: &Slot) -> Result<()> {
    crate::store::courses::touch_reminders(conn, guild).await?;
    let moved_a = store::move_to(conn, guild, a.id, a.team.id, b.team.id).await?;
    let moved_b = store::move_to(conn, guild, b.id, b.team.id, a.team.id).await?;
    if !(moved_a && moved_b) {
        return Err(CourseError::Internal(anyhow::anyhow!(
            "slots {} and {} changed inside the swap's transaction",
            a.id,
            b.id
        )));
    }
    Ok(())
}
