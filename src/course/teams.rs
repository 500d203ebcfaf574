//! A course's teams: created by instructors, joined by members (one team each), or tied to
//! a Discord role so that whoever carries the role is a member. The bot never lists a
//! role's members (that needs the privileged members intent): a member's roles come with
//! each command they run, and a role team's roster reads "everyone with @role".

use super::{refuse, CourseError, Courses};
/// The folded name teams are matched on, for surfaces that compare names as the store does.
pub use crate::store::teams::name_key;
use crate::store::teams::{self as store, TeamRow};
use crate::view::limits::truncate;
use chrono::{DateTime, Utc};

type Result<T> = std::result::Result<T, CourseError>;

/// The longest team name, so names fit in autocomplete and on one line.
pub const TEAM_NAME_MAX: usize = 40;

/// One team of a course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: i64,
    pub name: String,
    /// Members carrying this role belong to the team.
    pub role: Option<u64>,
    /// Members who joined by command.
    pub joined: usize,
}

impl Team {
    fn from_row(r: TeamRow) -> Team {
        Team {
            id: r.id,
            name: r.name,
            role: r.role_id.map(|r| r as u64),
            joined: r.members as usize,
        }
    }

    /// The name as inline code: shown exactly as written (markdown is not read inside a
    /// code span, so no escaping), with a backtick that would end the span replaced.
    pub fn shown(&self) -> String {
        format!("`{}`", self.name.replace('`', "'"))
    }
}

/// A member asking, with the roles their command came with.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub user: u64,
    pub roles: &'a [u64],
    /// Manage Server or the course's instructor role.
    pub instructor: bool,
}

/// How a member belongs to their team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Membership {
    Joined(Team),
    ByRole(Team),
}

impl Membership {
    pub fn team(&self) -> &Team {
        match self {
            Membership::Joined(t) | Membership::ByRole(t) => t,
        }
    }
}

impl Courses {
    /// The guild's teams, by name.
    pub async fn teams(&self, guild: u64) -> Result<Vec<Team>> {
        let mut conn = self.pool.acquire().await?;
        let rows = store::teams(&mut conn, guild as i64).await?;
        Ok(rows.into_iter().map(Team::from_row).collect())
    }

    /// Teams whose name starts with `partial`, for autocomplete.
    pub async fn teams_starting(
        &self,
        guild: u64,
        partial: &str,
        limit: usize,
    ) -> Result<Vec<Team>> {
        let mut conn = self.pool.acquire().await?;
        let rows = store::teams_with_prefix(&mut conn, guild as i64, partial, limit as i64).await?;
        Ok(rows.into_iter().map(Team::from_row).collect())
    }

    /// The team called `name` in any case (as course posts name them), or a refusal that
    /// lists the teams there are.
    pub async fn team_named(&self, guild: u64, name: &str) -> Result<Team> {
        let mut conn = self.pool.acquire().await?;
        if let Some(row) = store::team_by_name(&mut conn, guild as i64, name).await? {
            return Ok(Team::from_row(row));
        }
        let names: Vec<String> = store::teams(&mut conn, guild as i64)
            .await?
            .into_iter()
            .map(|t| format!("`{}`", t.name.replace('`', "'")))
            .collect();
        let shown = truncate(name.trim(), TEAM_NAME_MAX).replace('`', "'");
        if shown.is_empty() && !names.is_empty() {
            return refuse(format!("Name a team: {}.", names.join(", ")));
        }
        if names.is_empty() && shown.is_empty() {
            refuse("This course has no teams yet; an instructor creates them with `/team create`.")
        } else if names.is_empty() {
            refuse(format!("There is no team `{shown}`: this course has no teams yet; an instructor creates them with `/team create`."))
        } else {
            refuse(format!(
                "There is no team `{shown}`. Teams: {}.",
                names.join(", ")
            ))
        }
    }

    /// Creates a team, optionally tied to a role (instructors; checked by the caller).
    pub async fn create_team(
        &self,
        guild: u64,
        name: &str,
        role: Option<u64>,
        now: DateTime<Utc>,
    ) -> Result<Team> {
        self.require(guild).await?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > TEAM_NAME_MAX {
            return refuse(format!(
                "A team name has 1 to {TEAM_NAME_MAX} characters, e.g. `team-5`."
            ));
        }
        if role == Some(0) {
            return refuse("`role` must be a Discord role id (digits), not 0.");
        }
        if name.contains(['\n', '\r']) {
            return refuse("A team name is one line.");
        }
        let mut conn = self.pool.acquire().await?;
        let role_id = role.map(|r| r as i64);
        match store::insert_team(&mut conn, guild as i64, name, role_id, now.timestamp()).await? {
            Some(_) => {}
            None => {
                let clash = store::teams(&mut conn, guild as i64)
                    .await?
                    .into_iter()
                    .find(|t| {
                        t.role_id.is_some() && t.role_id == role_id
                            || store::name_key(&t.name) == store::name_key(name)
                    });
                drop(conn);
                return refuse(match clash {
                    Some(t) if store::name_key(&t.name) == store::name_key(name) => format!(
                        "There is already a team {} (names are matched in any case).",
                        Team::from_row(t).shown()
                    ),
                    Some(t) => format!(
                        "That role already makes up team {}; a role can back one team.",
                        Team::from_row(t).shown()
                    ),
                    None => "That team already exists.".to_string(),
                });
            }
        }
        // An in-memory database has one connection: give it back before reading again.
        drop(conn);
        self.team_named(guild, name).await
    }

    /// The member's team: the one they joined, else the first team whose role they carry.
    pub async fn membership(&self, guild: u64, who: Member<'_>) -> Result<Option<Membership>> {
        let mut conn = self.pool.acquire().await?;
        if let Some(row) = store::joined_team(&mut conn, guild as i64, who.user as i64).await? {
            return Ok(Some(Membership::Joined(Team::from_row(row))));
        }
        let teams = store::teams(&mut conn, guild as i64).await?;
        Ok(teams
            .into_iter()
            .find(|t| t.role_id.is_some_and(|r| who.roles.contains(&(r as u64))))
            .map(|t| Membership::ByRole(Team::from_row(t))))
    }

    /// Joins the team called `name`; refused when the member already has a team, or the
    /// team follows a role.
    pub async fn join_team(
        &self,
        guild: u64,
        who: Member<'_>,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Team> {
        let course = self.require(guild).await?;
        if course.teams_locked && !who.instructor {
            return refuse("Teams are locked for this course: an instructor places members (`/team move member: team:`).");
        }
        let team = self.team_named(guild, name).await?;
        if let Some(role) = team.role {
            return refuse(format!(
                "Team {} is everyone with the <@&{role}> role; ask an instructor for the role instead of joining.",
                team.shown()
            ));
        }
        match self.membership(guild, who).await? {
            Some(Membership::Joined(t)) if t.id == team.id => {
                return refuse(format!("You are already in team {}.", t.shown()))
            }
            Some(Membership::Joined(t)) => {
                return refuse(format!(
                    "You are already in team {}; a member is in one team per course, and moving to another is an instructor's act (`/team move`).",
                    t.shown()
                ))
            }
            Some(Membership::ByRole(t)) => {
                return refuse(format!(
                    "You are in team {} through its role; a member is in one team per course.",
                    t.shown()
                ))
            }
            None => {}
        }
        let mut conn = self.pool.acquire().await?;
        if !store::join(
            &mut conn,
            guild as i64,
            who.user as i64,
            team.id,
            now.timestamp(),
        )
        .await?
        {
            // Another command joined a team between the check and the insert.
            return refuse("You joined a team meanwhile; see `/team list`.");
        }
        drop(conn);
        self.team_named(guild, &team.name).await
    }

    /// Leaves the team the member joined by command: instructors only, since a student
    /// who could leave could join another team and read its notes (see `team_moves`).
    pub async fn leave_team(&self, guild: u64, who: Member<'_>) -> Result<Team> {
        match self.membership(guild, who).await? {
            None => refuse("You are not in a team."),
            Some(Membership::ByRole(t)) => refuse(format!(
                "You are in team {} through a role; an instructor removes the role to take you out.",
                t.shown()
            )),
            Some(Membership::Joined(t)) if !who.instructor => {
                refuse(super::team_moves::leave_refusal(&t))
            }
            Some(Membership::Joined(t)) => {
                let mut conn = self.pool.acquire().await?;
                store::leave(&mut conn, guild as i64, who.user as i64).await?;
                Ok(t)
            }
        }
    }

    /// A team and the members who joined it by command (user ids).
    pub async fn team_members(&self, guild: u64, name: &str) -> Result<(Team, Vec<u64>)> {
        let team = self.team_named(guild, name).await?;
        let mut conn = self.pool.acquire().await?;
        let members = store::members(&mut conn, guild as i64, team.id).await?;
        Ok((
            team,
            members.into_iter().map(|m| m.user_id as u64).collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_name_shows_as_written_in_a_code_span_that_cannot_be_closed() {
        let team = Team {
            id: 1,
            name: "team_5 `x`".into(),
            role: None,
            joined: 0,
        };
        assert_eq!(team.shown(), "`team_5 'x'`");
    }
}
