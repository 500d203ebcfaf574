//! Teams, notes and slots on the command line (`team`, `note`, `notes export`, `slot`): each becomes the
//! same [`Request`] the bot handles, for the guild named with `--guild`, as the member
//! named with `--user` (and `--role`). Without `--user` the person at the terminal acts
//! as the course's instructor, as the other course commands do.

use super::course::print_reply;
use crate::dispatch::{self, Caller, ExportBy, NoteRequest, Request, TeamRequest};
use crate::model::Scope;
use crate::state::App;
use clap::{Args, Subcommand};

/// Who runs a team or note command. Each option may come before or after the subcommand
/// (`team --guild 42 join team-1` or `team join team-1 --guild 42`), as scripts write both.
#[derive(Debug, Clone, Args)]
pub struct MemberArgs {
    /// The guild (required).
    #[arg(long, global = true)]
    pub guild: Option<u64>,
    /// Act as this Discord user id (a member, not an instructor, unless --instructor).
    #[arg(long, global = true)]
    pub user: Option<u64>,
    /// Act as a member carrying this role id (repeatable).
    #[arg(long = "role", global = true)]
    pub roles: Vec<u64>,
    /// Act as an instructor even with --user.
    #[arg(long, global = true)]
    pub instructor: bool,
}

impl MemberArgs {
    fn caller(&self, guild: u64) -> Caller {
        Caller {
            scope: Scope(guild),
            user_id: self.user.unwrap_or(crate::dispatch::TERMINAL_USER),
            roles: self.roles.clone(),
            instructor: self.instructor || self.user.is_none(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Create a team (instructors); with --role, everyone carrying that role is in it.
    Create {
        name: String,
        #[arg(long = "team-role")]
        team_role: Option<u64>,
    },
    /// Join a team (one per course).
    Join { team: String },
    /// Leave the team you joined (instructors; a student asks an instructor to move them).
    Leave,
    /// Move a member (a Discord user id) to a team, into a first one, or (without TEAM)
    /// out of theirs (instructors).
    Move { member: u64, team: Option<String> },
    /// Every team, with its members' count or role.
    List,
    /// Who is in a team.
    Members { team: String },
}

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Write a note on a paper (key, arXiv id, DOI or title).
    Add { paper: String, text: String },
    /// The notes on a paper you can see.
    List { paper: String },
    /// Change your note's text (the previous text is kept).
    Edit { note: i64, text: String },
    /// Delete a note (its author or an instructor).
    Delete { note: i64 },
    /// Show a note to the whole class (its author or an instructor).
    Publish { note: i64 },
    /// A note's earlier texts.
    History { note: i64 },
}

#[derive(Debug, Subcommand)]
pub enum NotesCommand {
    /// An annotated bibliography (markdown) of a week, a paper or a team: one option.
    Export {
        #[arg(long)]
        session: Option<usize>,
        #[arg(long)]
        paper: Option<String>,
        #[arg(long)]
        team: Option<String>,
    },
}

/// Which team or note command to run.
pub enum TeamCli {
    Team(TeamCommand),
    Note(NoteCommand),
    Notes(NotesCommand),
    Slot(super::SlotCommand),
    Read(super::ReadCommand),
}

/// Runs one team or note command; returns the exit code (1 when the reply is a refusal,
/// 2 when the options are wrong).
pub async fn run_team_command(
    app: &App,
    who: &MemberArgs,
    command: TeamCli,
    json: bool,
) -> anyhow::Result<i32> {
    let out = match &command {
        TeamCli::Slot(super::SlotCommand::Export { out }) => out.clone(),
        _ => None,
    };
    let Some(guild) = who.guild else {
        eprintln!("error: this command needs `--guild ID` (the Discord server's id)");
        return Ok(2);
    };
    let request = match request(command) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("{message}");
            return Ok(2);
        }
    };
    let mut reply = dispatch::handle(app, &who.caller(guild), request).await;
    if let (Some(path), Some(file)) = (out, reply.attachments.first()) {
        std::fs::write(&path, &file.bytes)?;
        reply.attachments.clear();
    }
    print_reply(&reply, json)
}

fn request(command: TeamCli) -> Result<Request, &'static str> {
    Ok(match command {
        TeamCli::Team(t) => Request::Team(match t {
            TeamCommand::Create { name, team_role } => TeamRequest::Create {
                name,
                role: team_role,
            },
            TeamCommand::Join { team } => TeamRequest::Join { team },
            TeamCommand::Leave => TeamRequest::Leave,
            TeamCommand::Move { member, team } => TeamRequest::Move { member, team },
            TeamCommand::List => TeamRequest::List,
            TeamCommand::Members { team } => TeamRequest::Members { team },
        }),
        TeamCli::Note(n) => Request::Note(match n {
            NoteCommand::Add { paper, text } => NoteRequest::Add { paper, text },
            NoteCommand::List { paper } => NoteRequest::List { paper },
            NoteCommand::Edit { note, text } => NoteRequest::Edit { note, text },
            NoteCommand::Delete { note } => NoteRequest::Delete { note },
            NoteCommand::Publish { note } => NoteRequest::Publish { note },
            NoteCommand::History { note } => NoteRequest::History { note },
        }),
        TeamCli::Slot(s) => s.request(),
        TeamCli::Read(r) => Request::Read(r.into()),
        TeamCli::Notes(NotesCommand::Export {
            session,
            paper,
            team,
        }) => Request::Note(NoteRequest::Export(ExportBy::from_options(
            session, paper, team,
        )?)),
    })
}

/// The options of the team and note commands in `chat`, in order (the first takes text
/// without a `name:`).
pub(super) fn chat_options(command: &str) -> Option<&'static [&'static str]> {
    Some(match command {
        "team create" => &["name", "role"],
        "team join" | "team members" => &["team"],
        "team move" => &["member", "team"],
        "team leave" | "team list" => &[],
        "note add" => &["paper", "text"],
        "note list" => &["paper"],
        "note edit" => &["note", "text"],
        "note delete" | "note publish" | "note history" => &["note"],
        "notes export" => &["session", "paper", "team"],
        _ => return None,
    })
}

/// A team or note command typed in `chat`; `None` when `command` is not one.
pub(super) fn chat_request(
    command: &str,
    get: &dyn Fn(&str) -> Option<String>,
) -> Option<Result<Request, String>> {
    use super::chat_values::{discord_id, number_id, number_in};
    let note = || -> Result<i64, String> {
        let v = get("note").ok_or("Say which note: `note:12`.")?;
        Ok(i64::try_from(number_id("note", &v)?).unwrap_or(i64::MAX))
    };
    let text = || get("text").unwrap_or_default();
    let team = || get("team").unwrap_or_default();
    let paper = || get("paper").unwrap_or_default();
    let request = (|| -> Result<Request, String> {
        Ok(match command {
            "team create" => Request::Team(TeamRequest::Create {
                name: get("name").unwrap_or_default(),
                role: get("role").map(|v| discord_id("role", &v)).transpose()?,
            }),
            "team join" => Request::Team(TeamRequest::Join { team: team() }),
            "team leave" => Request::Team(TeamRequest::Leave),
            "team move" => Request::Team(TeamRequest::Move {
                member: discord_id(
                    "member",
                    &get("member").ok_or("Say who moves: `member:<@id>`.")?,
                )?,
                team: get("team"),
            }),
            "team list" => Request::Team(TeamRequest::List),
            "team members" => Request::Team(TeamRequest::Members { team: team() }),
            "note add" => Request::Note(NoteRequest::Add {
                paper: paper(),
                text: text(),
            }),
            "note list" => Request::Note(NoteRequest::List { paper: paper() }),
            "note edit" => Request::Note(NoteRequest::Edit {
                note: note()?,
                text: text(),
            }),
            "note delete" => Request::Note(NoteRequest::Delete { note: note()? }),
            "note publish" => Request::Note(NoteRequest::Publish { note: note()? }),
            "note history" => Request::Note(NoteRequest::History { note: note()? }),
            "notes export" => {
                let session = get("session")
                    .map(|v| number_in("session", &v, 1, u64::MAX))
                    .transpose()?
                    .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
                let by = ExportBy::from_options(session, get("paper"), get("team"))?;
                Request::Note(NoteRequest::Export(by))
            }
            _ => return Err(String::new()),
        })
    })();
    match request {
        Err(e) if e.is_empty() => None,
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::super::chat_parse::{parse_line, request, ChatLine};
    use super::*;

    #[test]
    fn team_and_note_commands_parse_like_their_slash_twins() {
        assert_eq!(
            request("/note add paper:arXiv:2001.08361 text:Loss falls as a power law"),
            Request::Note(NoteRequest::Add {
                paper: "arXiv:2001.08361".into(),
                text: "Loss falls as a power law".into(),
            })
        );
        assert_eq!(
            request("/team create team-5 role:<@&55>"),
            Request::Team(TeamRequest::Create {
                name: "team-5".into(),
                role: Some(55),
            })
        );
        assert_eq!(
            request("/team move member:<@11> team:team-2"),
            Request::Team(TeamRequest::Move {
                member: 11,
                team: Some("team-2".into()),
            })
        );
        assert!(
            matches!(parse_line("/team move team:team-2"), ChatLine::Invalid(m) if m.contains("member:<@id>"))
        );
        assert_eq!(
            request("/notes export session:2"),
            Request::Note(NoteRequest::Export(ExportBy::Session(2)))
        );
        assert!(
            matches!(parse_line("/notes export session:2 team:a"), ChatLine::Invalid(m) if m.contains("Export one thing"))
        );
        assert!(
            matches!(parse_line("/note publish"), ChatLine::Invalid(m) if m.contains("note:12"))
        );
    }
}
