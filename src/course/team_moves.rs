//! Moving a member between teams. Students join a team once; after that, a move is an
//! instructor's act, because a team's unpublished notes, slots and swaps belong to it: a
//! student free to leave and join would read every team's drafts and act for any team,
//! then go back. Each move is recorded (who, from where, to where, by whom, when), and a
//! team's roster shows its recent moves.

use super::{refuse, CourseError, Courses, Member, Team};
use crate::store::{team_moves as store, teams};
use chrono::{DateTime, Utc};

type Result<T> = std::result::Result<T, CourseError>;

/// How many recent moves a team's roster shows.
pub const MOVES_SHOWN: i64 = 10;

/// What a move did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub user: u64,
    /// The team the member had joined before, if any.
    pub from: Option<Team>,
    /// `None`: taken out of their team (a student who left the course).
    pub to: Option<Team>,
}

/// A recorded move, as a roster shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMove {
    pub user: u64,
    /// `None`: the member was in no team (or that team is gone).
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: u64,
    pub at: DateTime<Utc>,
}

/// The refusal a student gets who tries to leave their team.
pub fn leave_refusal(team: &Team) -> String {
    format!(
        "You are in team {}, and students do not leave or change teams by themselves: a team's unpublished notes, slots and swaps are its own. Ask an instructor to move you (`/team move member: team:`).",
        team.shown()
    )
}

impl Courses {
    /// Moves `user` into the team called `name` (instructors), from the team they joined
    /// if any, and records the move; both in one transaction. Without a team, takes them
    /// out of the team they joined (students cannot leave by themselves).
    pub async fn move_member(
        &self,
        guild: u64,
        by: Member<'_>,
        user: u64,
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Moved> {
        self.require(guild).await?;
        if !by.instructor {
            return refuse(
                "Only instructors (Manage Server, or the course's instructor role) move members between teams.",
            );
        }
        if user == 0 {
            return refuse("`member` must be a member of this server.");
        }
        let Some(name) = name else {
            return self.take_out(guild, by, user, now).await;
        };
        let to = self.team_named(guild, name).await?;
        if let Some(role) = to.role {
            return refuse(format!(
                "Team {} is everyone with the <@&{role}> role; give the member the role instead of moving them.",
                to.shown()
            ));
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let from = teams::joined_team(&mut tx, guild as i64, user as i64).await?;
        if from.as_ref().is_some_and(|f| f.id == to.id) {
            return refuse(format!("<@{user}> is already in team {}.", to.shown()));
        }
        let (g, u, at) = (guild as i64, user as i64, now.timestamp());
        store::set_team(&mut tx, g, u, to.id, at).await?;
        let from_id = from.as_ref().map(|f| f.id);
        store::record(&mut tx, g, u, from_id, Some(to.id), by.user as i64, at).await?;
        tx.commit().await?;
        let from = match from {
            Some(f) => Some(self.team_named(guild, &f.name).await?),
            None => None,
        };
        let to = Some(self.team_named(guild, &to.name).await?);
        Ok(Moved { user, from, to })
    }

    /// Takes `user` out of the team they joined, recorded as a move to no team.
    async fn take_out(
        &self,
        guild: u64,
        by: Member<'_>,
        user: u64,
        now: DateTime<Utc>,
    ) -> Result<Moved> {
        let (g, u, at) = (guild as i64, user as i64, now.timestamp());
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let Some(from) = teams::joined_team(&mut tx, g, u).await? else {
            return refuse(format!(
                "<@{user}> has joined no team (a role team's members change with the role); name a `team:` to put them in one."
            ));
        };
        teams::leave(&mut tx, g, u).await?;
        store::record(&mut tx, g, u, Some(from.id), None, by.user as i64, at).await?;
        tx.commit().await?;
        let from = self.team_named(guild, &from.name).await?;
        Ok(Moved {
            user,
            from: Some(from),
            to: None,
        })
    }

    /// The latest moves into or out of `team`, newest first.
    pub async fn team_moves(&self, guild: u64, team: &Team) -> Result<Vec<TeamMove>> {
        let mut conn = self.pool.acquire().await?;
        let rows = store::of_team(&mut conn, guild as i64, team.id, MOVES_SHOWN).await?;
        Ok(rows
            .into_iter()
            .map(|r| TeamMove {
                user: r.user_id as u64,
                from: r.from_name,
                to: r.to_name,
                by: r.moved_by as u64,
                at: DateTime::from_timestamp(r.moved_at, 0).unwrap_or_default(),
            })
            .collect())
    }
}
