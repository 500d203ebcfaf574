//! The course commands on the command line (`course`, `session`, `week`, `schedule`): each
//! becomes the same [`Request`] the bot handles and prints the reply as text (or, with
//! `--json`, the reply model as JSON). The person at the terminal owns the data folder, so
//! acts as an instructor of the guild named with `--guild`.

use crate::course::{CourseSettings, NewSession, SessionEdit};
use crate::dispatch::{self, Caller, CourseRequest, Request, SessionRequest};
use crate::model::Scope;
use crate::state::App;
use crate::view::text;
use clap::{Args, Subcommand};
use std::io::Write as _;
use std::path::PathBuf;

/// The settings of `course setup` / `course edit`.
#[derive(Debug, Clone, Args)]
pub struct SettingsArgs {
    /// The Discord channel id the weekly post goes to.
    #[arg(long)]
    pub channel: Option<u64>,
    /// IANA time zone, e.g. Europe/Berlin.
    #[arg(long)]
    pub timezone: Option<String>,
    /// Posting schedule: a weekday and time (`MON 09:00`) or a cron expression.
    #[arg(long)]
    pub schedule: Option<String>,
    /// First day of the course (YYYY-MM-DD).
    #[arg(long)]
    pub start: Option<String>,
    /// Last day of the course (YYYY-MM-DD).
    #[arg(long)]
    pub end: Option<String>,
    /// Members with this role id are the course's instructors.
    #[arg(long)]
    pub instructor_role: Option<u64>,
    /// Hours after the scheduled time within which a missed post is still sent.
    #[arg(long)]
    pub grace_hours: Option<u32>,
    /// Notes visible to the whole class at once (true) or to their team until published.
    #[arg(long)]
    pub notes_public: Option<bool>,
    /// Students may not join a team by themselves (instructors place them with `team move`).
    #[arg(long)]
    pub teams_locked: Option<bool>,
    /// Presenter reminders in days before a session: `7,1` (default), or `none`.
    #[arg(long)]
    pub reminders: Option<String>,
    /// How many presentation slots one team may hold (default 3).
    #[arg(long)]
    pub slots_per_team: Option<u32>,
    /// How long a session lasts, in minutes (default 75).
    #[arg(long)]
    pub session_minutes: Option<u32>,
}

impl From<SettingsArgs> for CourseSettings {
    fn from(a: SettingsArgs) -> Self {
        CourseSettings {
            channel: a.channel,
            timezone: a.timezone,
            schedule: a.schedule,
            start: a.start,
            end: a.end,
            instructor_role: a.instructor_role,
            grace_hours: a.grace_hours,
            notes_public: a.notes_public,
            teams_locked: a.teams_locked,
            reminders: a.reminders,
            slots_per_team: a.slots_per_team,
            session_minutes: a.session_minutes,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CourseCommand {
    /// Create the guild's course (channel, time zone and schedule are required).
    Setup {
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Change the course's settings (also resumes posting after a failure).
    Edit {
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// The course's settings.
    Info,
    /// The last post, the next one, and every missed or failed post.
    Status,
    /// How many members marked each required reading as read, week by week.
    Progress,
    /// Write the course (settings, sessions, readings, teams) as one JSON file.
    Export {
        /// Include every note.
        #[arg(long)]
        notes: bool,
        /// The file to write (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Set the guild's course up from a file written by `course export`.
    Import {
        file: PathBuf,
        /// Replace the guild's course, and everything of it, if it has one.
        #[arg(long)]
        replace: bool,
        /// Move the course to start on this date; every session moves as many days.
        #[arg(long)]
        start: Option<String>,
        /// Post to this channel id. Without it the guild keeps its current channel; a guild
        /// with no course takes the file's (the bot refuses it if it is another server's).
        #[arg(long)]
        channel: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Import course-site posts as sessions (their readings join the guild's catalog).
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Add a session.
    Add {
        /// YYYY-MM-DD, optionally with a time: "2026-02-03 14:00".
        #[arg(long)]
        date: String,
        #[arg(long)]
        title: String,
        /// A required reading (key, arXiv id, DOI or title); repeatable.
        #[arg(long)]
        required: Vec<String>,
        /// An optional reading; repeatable.
        #[arg(long)]
        optional: Vec<String>,
        #[arg(long)]
        notes_team: Option<String>,
        #[arg(long)]
        video_team: Option<String>,
        #[arg(long)]
        presenters: Option<String>,
    },
    /// Change a week's title, teams or readings (readings given replace the old ones).
    Edit {
        week: usize,
        #[arg(long)]
        title: Option<String>,
        /// A required reading; repeatable; replaces the required readings.
        #[arg(long)]
        required: Option<Vec<String>>,
        /// An optional reading; repeatable; replaces the optional readings.
        #[arg(long)]
        optional: Option<Vec<String>>,
        /// The notes team (`none` clears it).
        #[arg(long)]
        notes_team: Option<String>,
        #[arg(long)]
        video_team: Option<String>,
        #[arg(long)]
        presenters: Option<String>,
    },
    /// Skip a week (a holiday); with --shift, that week and the later ones move a week.
    Skip {
        week: usize,
        #[arg(long)]
        shift: bool,
    },
    /// Move a week's session to another date.
    Move { week: usize, date: String },
    /// Remove a week's session.
    Remove { week: usize },
    /// Post a week's announcement now (one no weekly post will announce).
    Announce { week: usize },
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// What would be posted at the first occurrence at or after --at (default: now).
    Preview {
        /// A local date and time in the course's zone: "2026-03-02 09:00".
        #[arg(long)]
        at: Option<String>,
    },
}

/// Which course command to run, with its guild.
pub enum CourseCli {
    Course(CourseCommand),
    Session(SessionCommand),
    Week(Option<String>),
    Schedule(Option<ScheduleCommand>),
}

/// Runs one course command for `guild`; returns the exit code (1 when the reply is an
/// error).
pub async fn run_course_command(
    app: &App,
    guild: u64,
    command: CourseCli,
    json: bool,
) -> anyhow::Result<i32> {
    let export_to = match &command {
        CourseCli::Course(CourseCommand::Export { out, .. }) => Some(out.clone()),
        _ => None,
    };
    let request = match request(command) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("{message}");
            return Ok(2);
        }
    };
    let caller = Caller {
        scope: Scope(guild),
        user_id: crate::dispatch::TERMINAL_USER,
        roles: Vec::new(),
        instructor: true,
    };
    let reply = dispatch::handle(app, &caller, request).await;
    match (export_to, reply.attachments.first()) {
        (Some(out), Some(file)) => write_export(&reply, &file.bytes, out.as_deref()),
        _ => print_reply(&reply, json),
    }
}

/// Writes an exported course to `out` (standard output by default); the summary goes to
/// standard error so that the output can be redirected to a file as it is.
fn write_export(
    reply: &crate::view::Reply,
    bytes: &[u8],
    out: Option<&std::path::Path>,
) -> anyhow::Result<i32> {
    match out {
        Some(path) => std::fs::write(path, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.write_all(b"\n")?;
        }
    }
    let summary = reply.content.as_deref().unwrap_or_default();
    match out {
        Some(path) => eprintln!("{summary} Written to {}.", path.display()),
        None => eprintln!("{summary}"),
    }
    Ok(0)
}

/// Prints a reply as text (or JSON); returns 1 when it is a refusal, 0 otherwise.
pub(super) fn print_reply(reply: &crate::view::Reply, json: bool) -> anyhow::Result<i32> {
    let printed = if json {
        serde_json::to_string_pretty(reply)? + "\n"
    } else {
        text::render_terminal(reply)
    };
    match std::io::stdout().lock().write_all(printed.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    let failed = reply.ephemeral
        && reply
            .content
            .as_deref()
            .is_some_and(|c| !c.starts_with('✓'));
    Ok(if failed { 1 } else { 0 })
}

fn request(command: CourseCli) -> Result<Request, String> {
    Ok(match command {
        CourseCli::Course(c) => Request::Course(match c {
            CourseCommand::Setup { settings } => CourseRequest::Setup(settings.into()),
            CourseCommand::Edit { settings } => CourseRequest::Edit(settings.into()),
            CourseCommand::Info => CourseRequest::Info,
            CourseCommand::Status => CourseRequest::Status,
            CourseCommand::Progress => CourseRequest::Progress,
            CourseCommand::Export { notes, .. } => CourseRequest::Export { notes },
            CourseCommand::Import {
                file,
                replace,
                start,
                channel,
            } => CourseRequest::Import {
                name: file.display().to_string(),
                bytes: std::fs::read(&file)
                    .map_err(|e| format!("cannot read {}: {e}", file.display()))?,
                options: crate::course::transfer::ImportOptions {
                    replace,
                    channel,
                    start,
                },
            },
        }),
        CourseCli::Session(s) => Request::Session(match s {
            SessionCommand::Import { paths } => {
                let mut files = Vec::new();
                for file in
                    crate::ingest::files::collect_files(&paths).map_err(|e| e.to_string())?
                {
                    let bytes = std::fs::read(&file)
                        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
                    files.push((file.display().to_string(), bytes));
                }
                SessionRequest::Import { files }
            }
            SessionCommand::Add {
                date,
                title,
                required,
                optional,
                notes_team,
                video_team,
                presenters,
            } => SessionRequest::Add(NewSession {
                date,
                title,
                required,
                optional,
                notes_team,
                video_team,
                presenters,
            }),
            SessionCommand::Edit {
                week,
                title,
                required,
                optional,
                notes_team,
                video_team,
                presenters,
            } => SessionRequest::Edit {
                week,
                edit: SessionEdit {
                    title,
                    required,
                    optional,
                    notes_team,
                    video_team,
                    presenters,
                },
            },
            SessionCommand::Skip { week, shift } => SessionRequest::Skip { week, shift },
            SessionCommand::Move { week, date } => SessionRequest::Move { week, date },
            SessionCommand::Remove { week } => SessionRequest::Remove { week },
            SessionCommand::Announce { week } => SessionRequest::Announce { week },
        }),
        CourseCli::Week(week) => Request::Week { week },
        CourseCli::Schedule(None) => Request::Schedule,
        CourseCli::Schedule(Some(ScheduleCommand::Preview { at })) => {
            Request::Course(CourseRequest::Preview { at })
        }
    })
}
