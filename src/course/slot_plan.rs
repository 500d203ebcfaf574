//! `/slot autofill`: a deterministic plan that gives every open slot (a reading of a
//! coming, not skipped session that nobody presents) to a team within the course's limit,
//! the team with the fewest slots first (ties by team name), and no team twice in a week
//! unless no plan avoids it; then with as few second papers in a week as any plan that
//! fills as many slots ([`super::slot_spread`]). Existing claims are kept, so the teams'
//! counts end up close (at most one apart when the weeks allow it).
//! The plan's fingerprint travels in the Apply button: applying recomputes the plan and
//! refuses when it is no longer the one shown, so nothing about it is held in memory.

use super::service::load_sessions;
use super::slot_spread::Spread;
use super::slots::Slot;
use super::teams::Team;
use super::{refuse, Course, CourseError, Courses, Session};
use crate::store::courses as course_store;
use crate::store::slots as store;
use crate::store::teams as team_store;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

type Result<T> = std::result::Result<T, CourseError>;

/// One slot the plan fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub session_id: i64,
    pub paper_id: i64,
    pub team: Team,
}

/// The plan, with what it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub fills: Vec<Planned>,
    /// Each team's slots after the plan, by name.
    pub counts: Vec<(Team, usize)>,
    /// Open slots the plan leaves open (every team at the limit).
    pub left_open: usize,
    /// Fills that give a team a second (or later) paper in a week: as few as any plan
    /// that fills as many slots has.
    pub doubled: Vec<Planned>,
    pub fingerprint: u64,
}

/// The plan over `sessions`, the existing `slots` and the `teams` (in name order): the
/// most slots the limit allows, each team at most once a week as far as any plan manages
/// (under the lowest per-team maximum that does), the papers that cannot avoid a double
/// placed after, with the doubled weeks named.
pub fn plan(
    sessions: &[Session],
    slots: &[Slot],
    teams: &[Team],
    limit: u32,
    now: DateTime<Utc>,
) -> Plan {
    let Inputs { open, held, busy } = Inputs::of(sessions, slots, teams, now);
    let spread = Spread {
        open: &open,
        held: &held,
        busy: &busy,
    };
    let mut owner = once_a_week(&spread, limit as usize);
    spread.place_rest(&mut owner, limit as usize);
    let mut counts: Vec<(Team, usize)> = teams.iter().cloned().zip(held).collect();
    let mut fills = Vec::new();
    for (&(session_id, paper_id), team) in open.iter().zip(&owner) {
        if let Some(t) = *team {
            counts[t].1 += 1;
            fills.push(Planned {
                session_id,
                paper_id,
                team: teams[t].clone(),
            });
        }
    }
    let doubled = doubled(&fills, &busy, teams);
    let fingerprint = fingerprint(&fills);
    Plan {
        left_open: open.len() - fills.len(),
        fills,
        counts,
        doubled,
        fingerprint,
    }
}

/// What a plan is computed from, by team index (teams in name order).
pub(super) struct Inputs {
    /// `(session, paper)` of each open slot: a reading of a coming, not skipped session
    /// that nobody presents, each paper once.
    pub open: Vec<(i64, i64)>,
    /// Slots each team holds already.
    pub held: Vec<usize>,
    /// `(team, session)` where a team presents already.
    pub busy: HashSet<(usize, i64)>,
}

impl Inputs {
    pub fn of(sessions: &[Session], slots: &[Slot], teams: &[Team], now: DateTime<Utc>) -> Self {
        let mut taken: HashSet<i64> = slots.iter().map(|s| s.paper_id).collect();
        let open = sessions
            .iter()
            .filter(|s| !s.skipped && s.starts_at > now)
            .flat_map(|s| s.readings.iter().map(move |r| (s.id, r.paper_id)))
            .filter(|&(_, paper)| taken.insert(paper))
            .collect();
        let held = teams
            .iter()
            .map(|t| slots.iter().filter(|s| s.team.id == t.id).count())
            .collect();
        let busy = slots
            .iter()
            .filter_map(|s| {
                let team = teams.iter().position(|t| t.id == s.team.id)?;
                Some((team, s.session_id))
            })
            .collect();
        Inputs { open, held, busy }
    }
}

/// The most papers that can go out with no team twice in a week, under the lowest
/// per-team cap that still places that many (a higher cap never places fewer, so a binary
/// search finds it; the lower the cap, the closer the counts).
fn once_a_week(spread: &Spread<'_>, limit: usize) -> Vec<Option<usize>> {
    let fills = |owner: &[Option<usize>]| owner.iter().flatten().count();
    let mut best = spread.assign(limit);
    let most = fills(&best);
    let (mut lo, mut hi) = (0, limit);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        let owner = spread.assign(mid);
        if fills(&owner) == most {
            (hi, best) = (mid, owner);
        } else {
            lo = mid;
        }
    }
    best
}

/// The fills that give a team a second paper in a session (with a claim or another fill).
fn doubled(fills: &[Planned], busy: &HashSet<(usize, i64)>, teams: &[Team]) -> Vec<Planned> {
    let mut seen: HashSet<(i64, i64)> = busy
        .iter()
        .map(|&(t, session)| (teams[t].id, session))
        .collect();
    fills
        .iter()
        .filter(|f| !seen.insert((f.team.id, f.session_id)))
        .cloned()
        .collect()
}

/// FNV-1a over the plan: stable across processes and builds, unlike `DefaultHasher`.
fn fingerprint(fills: &[Planned]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for f in fills {
        for n in [f.session_id, f.paper_id, f.team.id] {
            for b in n.to_le_bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    h
}

impl Courses {
    /// The autofill plan; applied when `apply` (only if its fingerprint is still
    /// `expect`, when given). Returns the plan and whether it was written.
    pub async fn autofill(
        &self,
        guild: u64,
        apply: bool,
        expect: Option<u64>,
        by: u64,
        now: DateTime<Utc>,
    ) -> Result<(Plan, bool)> {
        let g = guild as i64;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let Some(row) = course_store::course(&mut tx, g).await? else {
            return refuse("This server has no course yet.");
        };
        let course = Course::from_row(&row)?;
        let sessions = load_sessions(&mut tx, guild).await?;
        let slots: Vec<Slot> = store::slots(&mut tx, g)
            .await?
            .into_iter()
            .map(Slot::from_row)
            .collect();
        let teams: Vec<Team> = team_store::teams(&mut tx, g)
            .await?
            .into_iter()
            .map(|t| Team {
                id: t.id,
                name: t.name,
                role: t.role_id.map(|r| r as u64),
                joined: t.members as usize,
            })
            .collect();
        if teams.is_empty() {
            return refuse(
                "This course has no teams yet; an instructor creates them with `/team create`.",
            );
        }
        let plan = plan(&sessions, &slots, &teams, course.slots_per_team, now);
        if !apply || plan.fills.is_empty() {
            return Ok((plan, false));
        }
        if expect.is_some_and(|e| e != plan.fingerprint) {
            return Ok((plan, false));
        }
        for f in &plan.fills {
            let done = store::insert(
                &mut tx,
                g,
                f.session_id,
                f.paper_id,
                f.team.id,
                by as i64,
                now.timestamp(),
            )
            .await?;
            if done.is_none() {
                return Err(CourseError::Internal(anyhow::anyhow!(
                    "paper {} taken inside the autofill transaction",
                    f.paper_id
                )));
            }
        }
        course_store::touch_reminders(&mut tx, g).await?;
        tx.commit().await?;
        self.wake.notify_one();
        tracing::info!(
            guild_id = guild,
            slots = plan.fills.len(),
            "autofill applied"
        );
        Ok((plan, true))
    }
}

#[cfg(test)]
mod tests;
