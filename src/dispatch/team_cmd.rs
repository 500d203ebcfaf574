//! `/team create|join|leave|move|list|members`. Instructors create teams; members join one
//! team per course, or belong to a team through its Discord role; moving a member to
//! another team is an instructor's act, recorded and shown in the team's roster. Role teams
//! are shown as "everyone with @role": the bot cannot list a role's members without the
//! privileged members intent.

use super::course_cmd::{done, instructor, user_error};
use super::{Caller, Result};
use crate::course::{name_key, CourseError, Member, Membership, Team, TeamMove};
use crate::markdown::escape;
use crate::model::Scope;
use crate::state::App;
use crate::view::{Embed, Reply};

/// `/team ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamRequest {
    Create {
        name: String,
        role: Option<u64>,
    },
    Join {
        team: String,
    },
    Leave,
    /// An instructor moves `member` (a user id) into `team`, or out of their team.
    Move {
        member: u64,
        team: Option<String>,
    },
    List,
    Members {
        team: String,
    },
}

pub(super) const NOT_IN_A_SERVER: &str =
    "Courses belong to a server: use this command in a server (or `--guild ID`).";

/// The caller as a course member, with the instructor check done once.
pub(super) async fn member<'a>(app: &App, caller: &'a Caller) -> Result<Member<'a>> {
    Ok(Member {
        user: caller.user_id,
        roles: &caller.roles,
        instructor: instructor(app, caller).await?,
    })
}

pub(super) async fn team(app: &App, caller: &Caller, request: TeamRequest) -> Result<Reply> {
    let guild = caller.scope.0;
    if guild == Scope::GLOBAL.0 {
        return Ok(Reply::error(NOT_IN_A_SERVER));
    }
    let who = member(app, caller).await?;
    let now = app.clock.now();
    let c = &app.courses;
    user_error(
        async {
            Ok(match request {
                TeamRequest::Create { name, role } => {
                    if !who.instructor {
                        return Ok(Reply::error(
                            "Only instructors (Manage Server, or the course's instructor role) can create teams.",
                        ));
                    }
                    let t = c.create_team(guild, &name, role, now).await?;
                    done(match t.role {
                        Some(r) => format!("✓ Created team {}: everyone with <@&{r}> is in it.", t.shown()),
                        None => format!("✓ Created team {}; members join with `/team join`.", t.shown()),
                    })
                }
                TeamRequest::Join { team } => {
                    let t = c.join_team(guild, who, &team, now).await?;
                    done(format!("✓ You joined team {}.", t.shown()))
                }
                TeamRequest::Leave => {
                    let t = c.leave_team(guild, who).await?;
                    done(format!("✓ You left team {}.", t.shown()))
                }
                TeamRequest::Move { member, team } => {
                    let m = c.move_member(guild, who, member, team.as_deref(), now).await?;
                    let from = match &m.from {
                        Some(f) => format!(" from team {}", f.shown()),
                        None => String::new(),
                    };
                    let to = match &m.to {
                        Some(t) => format!(" to team {}", t.shown()),
                        None => " out of their team".to_string(),
                    };
                    let notes = match &m.from {
                        Some(f) => format!(" Notes they wrote stay with team {}.", f.shown()),
                        None => String::new(),
                    };
                    done(format!(
                        "✓ Moved <@{}>{from}{to}; the move is recorded in `/team members`.{notes}",
                        m.user
                    ))
                }
                TeamRequest::List => list(app, guild, who).await?,
                TeamRequest::Members { team } => {
                    let (t, members) = c.team_members(guild, &team).await?;
                    let mut lines: Vec<String> = members.iter().map(|u| format!("• <@{u}>")).collect();
                    if let Some(r) = t.role {
                        lines.insert(0, format!("• everyone with <@&{r}>"));
                    }
                    if lines.is_empty() {
                        lines.push("Nobody yet; members join with `/team join`.".into());
                    }
                    let moves = c.team_moves(guild, &t).await?;
                    if !moves.is_empty() {
                        lines.push(String::new());
                        lines.push("**Moves** (by instructors, newest first)".into());
                        lines.extend(moves.iter().map(|m| move_line(m, &t)));
                    }
                    Reply {
                        embeds: vec![Embed {
                            title: Some(format!("Team {}", t.shown())),
                            description: Some(lines.join("\n")),
                            ..Embed::default()
                        }],
                        ..Reply::default()
                    }
                }
            })
        }
        .await,
    )
}

/// One recorded move as a roster line: who came from where, or left for where.
fn move_line(m: &TeamMove, team: &Team) -> String {
    let named = |n: &Option<String>| match n {
        Some(n) => format!("team {}", crate::markdown::code(n)),
        None => "no team".to_string(),
    };
    let into =
        m.to.as_deref()
            .is_some_and(|n| name_key(n) == name_key(&team.name));
    let what = if into {
        format!("came from {}", named(&m.from))
    } else {
        format!("moved to {}", named(&m.to))
    };
    format!(
        "• <@{}> {what} <t:{}:d>, moved by <@{}>",
        m.user,
        m.at.timestamp(),
        m.by
    )
}

/// Every team, with its members' count or role, the weeks the course posts give it, and
/// the caller's own team.
async fn list(app: &App, guild: u64, who: Member<'_>) -> std::result::Result<Reply, CourseError> {
    app.courses.require(guild).await?;
    let teams = app.courses.teams(guild).await?;
    if teams.is_empty() {
        return Ok(Reply::text(
            "This course has no teams yet; an instructor creates them with `/team create name:`.",
        ));
    }
    let sessions = app.courses.sessions(guild).await?;
    let duties = |t: &Team| -> Vec<String> {
        let mut out = Vec::new();
        for (i, s) in sessions.iter().enumerate() {
            for (what, named) in [
                ("notes", &s.notes_team),
                ("video", &s.video_team),
                ("presenting", &s.presenters),
            ] {
                if named
                    .as_deref()
                    .is_some_and(|n| name_key(n) == name_key(&t.name))
                {
                    out.push(format!("{what} week {}", i + 1));
                }
            }
        }
        out
    };
    let lines: Vec<String> = teams
        .iter()
        .map(|t| {
            let who = match t.role {
                Some(r) => format!("everyone with <@&{r}>"),
                None if t.joined == 1 => "1 member".to_string(),
                None => format!("{} members", t.joined),
            };
            let duties = duties(t);
            let duties = if duties.is_empty() {
                String::new()
            } else {
                format!(" · {}", duties.join(", "))
            };
            format!("**{}** — {who}{duties}", escape(&t.name))
        })
        .collect();
    let mine = match app.courses.membership(guild, who).await? {
        Some(Membership::Joined(t)) => format!("You are in team {}.", t.name),
        Some(Membership::ByRole(t)) => format!("You are in team {} through its role.", t.name),
        None => "You are not in a team; join one with /team join.".to_string(),
    };
    Ok(Reply {
        embeds: vec![Embed {
            title: Some(format!("Teams ({})", teams.len())),
            description: Some(lines.join("\n")),
            footer: Some(mine),
            ..Embed::default()
        }],
        ..Reply::default()
    })
}
