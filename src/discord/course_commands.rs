//! The course slash commands: `/course`, `/session`, `/week` and `/schedule`. Each parses
//! its options into a [`Request`] and goes through the same `respond` as every command;
//! instructor checks happen in the core (the course's own instructor role lives there).

use super::channels;
use super::commands::respond;
use super::{BotError, Context};
use crate::course::{split_ids, CourseSettings, NewSession, SessionEdit};
use crate::dispatch::{CourseRequest, Request, SessionRequest};
use poise::serenity_prelude as serenity;

/// The course: its channel, time zone and weekly posting schedule
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "course_setup",
        "course_edit",
        "course_info",
        "course_status",
        "course_progress",
        "course_export",
        "course_import"
    ),
    subcommand_required
)]
pub async fn course(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Set up this server's course (instructors)
#[poise::command(slash_command, guild_only, rename = "setup")]
#[allow(clippy::too_many_arguments)]
pub async fn course_setup(
    ctx: Context<'_>,
    #[description = "Where the weekly reading post goes"] channel: serenity::ChannelId,
    #[description = "IANA time zone, e.g. Europe/Berlin or America/New_York"]
    #[max_length = 64]
    timezone: String,
    #[description = "When to post: a weekday and time (MON 09:00) or a cron expression"]
    #[max_length = 100]
    schedule: String,
    #[description = "First day of the course, YYYY-MM-DD"] start: Option<String>,
    #[description = "Last day of the course, YYYY-MM-DD"] end: Option<String>,
    #[description = "Members with this role are instructors"] instructor_role: Option<
        serenity::RoleId,
    >,
    #[description = "Hours after the scheduled time a missed post is still sent (default 24)"]
    #[min = 0]
    #[max = 336]
    grace_hours: Option<u32>,
    #[description = "Presenter reminders, days before a session: 7,1 (default) or none"]
    #[max_length = 40]
    reminders: Option<String>,
    #[description = "How long a session lasts, in minutes (default 75)"]
    #[min = 1]
    #[max = 1440]
    session_minutes: Option<u32>,
) -> Result<(), BotError> {
    let note = channels::check_channel(ctx, channel).await?;
    let settings = CourseSettings {
        channel: Some(channel.get()),
        timezone: Some(timezone),
        schedule: Some(schedule),
        start,
        end,
        instructor_role: instructor_role.map(|r| r.get()),
        grace_hours,
        notes_public: None,
        teams_locked: None,
        reminders,
        slots_per_team: None,
        session_minutes,
    };
    respond(ctx, Request::Course(CourseRequest::Setup(settings))).await?;
    channels::send_note(ctx, note).await
}

/// Change the course's settings; also resumes posting after a failure (instructors)
#[poise::command(slash_command, guild_only, rename = "edit")]
#[allow(clippy::too_many_arguments)]
pub async fn course_edit(
    ctx: Context<'_>,
    #[description = "Where the weekly reading post goes"] channel: Option<serenity::ChannelId>,
    #[description = "IANA time zone, e.g. Europe/Berlin"]
    #[max_length = 64]
    timezone: Option<String>,
    #[description = "When to post: MON 09:00 or a cron expression"]
    #[max_length = 100]
    schedule: Option<String>,
    #[description = "First day of the course, YYYY-MM-DD (none to clear)"] start: Option<String>,
    #[description = "Last day of the course, YYYY-MM-DD (none to clear)"] end: Option<String>,
    #[description = "Members with this role are instructors"] instructor_role: Option<
        serenity::RoleId,
    >,
    #[description = "Hours after the scheduled time a missed post is still sent"]
    #[min = 0]
    #[max = 336]
    grace_hours: Option<u32>,
    #[description = "Notes visible to the whole class at once (default: their team until published)"]
    notes_public: Option<bool>,
    #[description = "Students may not join a team by themselves; instructors place them with /team move"]
    teams_locked: Option<bool>,
    #[description = "Presenter reminders, days before a session: 7,1 or none"]
    #[max_length = 40]
    reminders: Option<String>,
    #[description = "How many presentation slots one team may hold (default 3)"]
    #[min = 1]
    #[max = 100]
    slots_per_team: Option<u32>,
    #[description = "How long a session lasts, in minutes (default 75)"]
    #[min = 1]
    #[max = 1440]
    session_minutes: Option<u32>,
) -> Result<(), BotError> {
    let note = match channel {
        Some(channel) => channels::check_channel(ctx, channel).await?,
        // An edit also resumes posting: not into a channel of another server (a course
        // imported on the command line may name one).
        None => {
            channels::check_current_channel(ctx).await?;
            None
        }
    };
    let settings = CourseSettings {
        channel: channel.map(|c| c.get()),
        timezone,
        schedule,
        start,
        end,
        instructor_role: instructor_role.map(|r| r.get()),
        grace_hours,
        notes_public,
        teams_locked,
        reminders,
        slots_per_team,
        session_minutes,
    };
    respond(ctx, Request::Course(CourseRequest::Edit(settings))).await?;
    channels::send_note(ctx, note).await
}

/// The course's settings
#[poise::command(slash_command, guild_only, rename = "info")]
pub async fn course_info(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Course(CourseRequest::Info)).await
}

/// The last weekly post, the next one, and any missed or failed post
#[poise::command(slash_command, guild_only, rename = "status")]
pub async fn course_status(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Course(CourseRequest::Status)).await
}

/// How many members marked each required reading as read, week by week (instructors)
#[poise::command(slash_command, guild_only, rename = "progress")]
pub async fn course_progress(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Course(CourseRequest::Progress)).await
}

/// The course as a JSON file to set it up again next term (instructors)
#[poise::command(slash_command, guild_only, rename = "export")]
pub async fn course_export(
    ctx: Context<'_>,
    #[description = "Include every note (default: no)"] notes: Option<bool>,
) -> Result<(), BotError> {
    let notes = notes.unwrap_or(false);
    respond(ctx, Request::Course(CourseRequest::Export { notes })).await
}

/// Set the course up from a file of /course export (instructors)
#[poise::command(slash_command, guild_only, rename = "import")]
pub async fn course_import(
    ctx: Context<'_>,
    #[description = "A course file written by /course export or `paperclub course export`"]
    file: serenity::Attachment,
    #[description = "Replace this server's course and everything of it (default: no)"]
    replace: Option<bool>,
    #[description = "Move the course to start on this day, YYYY-MM-DD; sessions move as much"]
    #[max_length = 20]
    start: Option<String>,
    #[description = "Post here (default: the course's current channel, else the file's if it is this server's)"]
    channel: Option<serenity::ChannelId>,
) -> Result<(), BotError> {
    super::commands::require_course_instructor(ctx).await?;
    let bytes = super::commands::fetch_attachment(ctx, &file).await?;
    let target = match channel {
        Some(c) => Some(c),
        None => channels::channel_from_file(ctx, &bytes).await,
    };
    let note = match target {
        Some(c) => channels::check_channel(ctx, c).await?,
        None => None,
    };
    let options = crate::course::transfer::ImportOptions {
        replace: replace.unwrap_or(false),
        channel: channel.map(|c| c.get()),
        start,
    };
    let request = CourseRequest::Import {
        name: file.filename.clone(),
        bytes,
        options,
    };
    respond(ctx, Request::Course(request)).await?;
    channels::send_note(ctx, note).await
}

/// The course's sessions (instructors)
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "session_import",
        "session_add",
        "session_edit",
        "session_skip",
        "session_move",
        "session_remove",
        "session_announce"
    ),
    subcommand_required
)]
pub async fn session(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Import course-site posts (.md, or a .zip of them) as sessions; readings join the catalog
#[poise::command(slash_command, guild_only, rename = "import")]
pub async fn session_import(
    ctx: Context<'_>,
    #[description = "A course post (front matter, then Required / More Readings) or a .zip of posts"]
    file: serenity::Attachment,
    #[description = "The upload this file replaces (otherwise it is an upload of its own)"]
    #[autocomplete = "super::commands::autocomplete_list"]
    replace: Option<String>,
) -> Result<(), BotError> {
    super::commands::require_course_instructor(ctx).await?;
    let bytes = super::commands::fetch_attachment(ctx, &file).await?;
    let request = SessionRequest::Upload {
        filename: file.filename.clone(),
        bytes,
        replace,
    };
    respond(ctx, Request::Session(request)).await
}

/// Add a session
#[poise::command(slash_command, guild_only, rename = "add")]
#[allow(clippy::too_many_arguments)]
pub async fn session_add(
    ctx: Context<'_>,
    #[description = "YYYY-MM-DD, optionally with a time: 2026-02-03 14:00"] date: String,
    #[description = "The session's title"]
    #[max_length = 200]
    title: String,
    #[description = "Required readings: citation keys or arXiv ids, separated by spaces"]
    #[max_length = 1000]
    required: Option<String>,
    #[description = "Optional readings: citation keys or arXiv ids, separated by spaces"]
    #[max_length = 1000]
    optional: Option<String>,
    #[description = "The team taking notes"] notes: Option<String>,
    #[description = "The team recording video"] video: Option<String>,
    #[description = "Who presents"] presenters: Option<String>,
) -> Result<(), BotError> {
    let list = |v: Option<String>| v.as_deref().map(split_ids).unwrap_or_default();
    let new = NewSession {
        date,
        title,
        required: list(required),
        optional: list(optional),
        notes_team: notes,
        video_team: video,
        presenters,
    };
    respond(ctx, Request::Session(SessionRequest::Add(new))).await
}

/// Change a week's title, teams or readings (readings given replace the old ones)
#[poise::command(slash_command, guild_only, rename = "edit")]
#[allow(clippy::too_many_arguments)]
pub async fn session_edit(
    ctx: Context<'_>,
    #[description = "The week's number (see /schedule)"]
    #[min = 1]
    week: u32,
    #[description = "The new title"]
    #[max_length = 200]
    title: Option<String>,
    #[description = "Required readings (replace the old ones): keys or arXiv ids"]
    #[max_length = 1000]
    required: Option<String>,
    #[description = "Optional readings (replace the old ones): keys or arXiv ids"]
    #[max_length = 1000]
    optional: Option<String>,
    #[description = "The team taking notes (none to clear)"] notes: Option<String>,
    #[description = "The team recording video (none to clear)"] video: Option<String>,
    #[description = "Who presents (none to clear)"] presenters: Option<String>,
) -> Result<(), BotError> {
    let list = |v: Option<String>| v.as_deref().map(split_ids);
    let edit = SessionEdit {
        title,
        required: list(required),
        optional: list(optional),
        notes_team: notes,
        video_team: video,
        presenters,
    };
    let request = SessionRequest::Edit {
        week: week as usize,
        edit,
    };
    respond(ctx, Request::Session(request)).await
}

/// Skip a week (a holiday)
#[poise::command(slash_command, guild_only, rename = "skip")]
pub async fn session_skip(
    ctx: Context<'_>,
    #[description = "The week's number (see /schedule)"]
    #[min = 1]
    week: u32,
    #[description = "Move this week's session and every later one a week later"] shift: Option<
        bool,
    >,
) -> Result<(), BotError> {
    let request = SessionRequest::Skip {
        week: week as usize,
        shift: shift.unwrap_or(false),
    };
    respond(ctx, Request::Session(request)).await
}

/// Move a week's session to another date
#[poise::command(slash_command, guild_only, rename = "move")]
pub async fn session_move(
    ctx: Context<'_>,
    #[description = "The week's number (see /schedule)"]
    #[min = 1]
    week: u32,
    #[description = "The new date: YYYY-MM-DD, optionally with a time"] date: String,
) -> Result<(), BotError> {
    let request = SessionRequest::Move {
        week: week as usize,
        date,
    };
    respond(ctx, Request::Session(request)).await
}

/// Remove a week's session
#[poise::command(slash_command, guild_only, rename = "remove")]
pub async fn session_remove(
    ctx: Context<'_>,
    #[description = "The week's number (see /schedule)"]
    #[min = 1]
    week: u32,
) -> Result<(), BotError> {
    let request = SessionRequest::Remove {
        week: week as usize,
    };
    respond(ctx, Request::Session(request)).await
}

/// Post a week's announcement now (one no weekly post will announce)
#[poise::command(slash_command, guild_only, rename = "announce")]
pub async fn session_announce(
    ctx: Context<'_>,
    #[description = "The week's number (see /schedule)"]
    #[min = 1]
    week: u32,
) -> Result<(), BotError> {
    let request = SessionRequest::Announce {
        week: week as usize,
    };
    respond(ctx, Request::Session(request)).await
}

/// A week's readings: this week, a week's number, or a date
#[poise::command(slash_command, guild_only)]
pub async fn week(
    ctx: Context<'_>,
    #[description = "A week number (3) or a date (2026-03-02); default: this week"]
    #[max_length = 40]
    week: Option<String>,
) -> Result<(), BotError> {
    respond(ctx, Request::Week { week }).await
}

/// The whole term: every session with its date
#[poise::command(slash_command, guild_only)]
pub async fn schedule(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Schedule).await
}
