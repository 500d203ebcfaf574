//! Course commands: `/course setup|edit|info|status`, `/session import|add|skip|move|remove`,
//! `/week` and `/schedule`, as replies. Instructors (Manage Server, or the course's own
//! instructor role) change the course; everyone in the guild reads it.

use super::week_cmd::{title, when};

mod posts;
mod views;
use super::{Caller, Result};
use crate::course::{Course, CourseError, CourseSettings, NewSession, SessionEdit};
use crate::model::Scope;
use crate::state::App;
use crate::view::limits::truncate;
use crate::view::Reply;
use chrono::{DateTime, Utc};
use posts::{import_text, upload};
pub(super) use views::unannounced_note;
use views::{info, preview, status};

/// `/course ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CourseRequest {
    Setup(CourseSettings),
    Edit(CourseSettings),
    Info,
    Status,
    /// How many members marked each required reading read (instructors).
    Progress,
    /// The course as a JSON file (attached), with every note when `notes`.
    Export {
        notes: bool,
    },
    /// Sets the course up from a course file (`name` is only for messages).
    Import {
        name: String,
        bytes: Vec<u8>,
        options: crate::course::transfer::ImportOptions,
    },
    /// What would be posted at the first occurrence at or after `at` (default: now).
    Preview {
        at: Option<String>,
    },
}

/// `/session ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionRequest {
    /// Course posts (one file each, or already unpacked), named by their paths.
    Import {
        files: Vec<(String, Vec<u8>)>,
    },
    /// One uploaded post or `.zip` of posts, named as `/import file` names uploads: a
    /// second `message.txt` becomes `message (2).txt` instead of replacing a list or
    /// another week's post, unless `replace` names the upload it replaces.
    Upload {
        filename: String,
        bytes: Vec<u8>,
        replace: Option<String>,
    },
    Add(NewSession),
    Edit {
        week: usize,
        edit: SessionEdit,
    },
    Skip {
        week: usize,
        shift: bool,
    },
    Move {
        week: usize,
        date: String,
    },
    Remove {
        week: usize,
    },
    /// Posts the week's announcement now (a session no weekly post will announce).
    Announce {
        week: usize,
    },
}

pub const ONLY_INSTRUCTORS: &str =
    "Only instructors (Manage Server, or the course's instructor role) can change the course.";

/// Whether the caller may change this guild's course, for a surface that must know before
/// it does anything on the caller's behalf (such as downloading the file they attached).
pub async fn may_change_course(app: &App, caller: &Caller) -> anyhow::Result<bool> {
    instructor(app, caller).await
}

/// Whether the caller may change this guild's course.
pub(super) async fn instructor(app: &App, caller: &Caller) -> Result<bool> {
    if caller.instructor {
        return Ok(true);
    }
    let role = app
        .courses
        .course(caller.scope.0)
        .await
        .map_err(anyhow::Error::from)?
        .and_then(|c| c.instructor_role);
    Ok(role.is_some_and(|r| caller.roles.contains(&r)))
}

/// Turns a course error into the user's reply, or passes ours up to be logged.
pub(super) fn user_error(result: std::result::Result<Reply, CourseError>) -> Result<Reply> {
    match result {
        Ok(reply) => Ok(reply),
        Err(CourseError::User(message)) => Ok(Reply::error(message)),
        Err(CourseError::Internal(e)) => Err(e),
    }
}

pub(super) async fn course(app: &App, caller: &Caller, request: CourseRequest) -> Result<Reply> {
    let guild = caller.scope.0;
    if guild == Scope::GLOBAL.0 {
        return Ok(Reply::error(
            "Courses belong to a server: use this command in a server (or `--guild ID`).",
        ));
    }
    // An export holds every note, which only instructors may read all of.
    let changes = matches!(
        request,
        CourseRequest::Setup(_)
            | CourseRequest::Edit(_)
            | CourseRequest::Export { .. }
            | CourseRequest::Import { .. }
    );
    if changes && !instructor(app, caller).await? {
        return Ok(Reply::error(ONLY_INSTRUCTORS));
    }
    if request == CourseRequest::Progress && !instructor(app, caller).await? {
        return Ok(Reply::error(
            "Only instructors (Manage Server, or the course's instructor role) see the class's reading progress; `/read list` shows yours.",
        ));
    }
    let now = app.clock.now();
    user_error(
        async {
            match request {
                CourseRequest::Setup(s) => {
                    // Setting up again changes the settings given and keeps the rest: say
                    // so, since the instructor may have expected a fresh course.
                    let existed = app.courses.course(guild).await?.is_some();
                    let c = app.courses.configure(guild, s, true, now).await?;
                    let what = if existed {
                        "This server already had a course, so its settings were updated (its sessions, teams and notes are kept)"
                    } else {
                        "Course set up"
                    };
                    configured(app, what, &c).await
                }
                CourseRequest::Edit(s) => {
                    let c = app.courses.configure(guild, s, false, now).await?;
                    configured(app, "Course updated", &c).await
                }
                CourseRequest::Info => info(app, guild).await,
                CourseRequest::Status => status(app, guild).await,
                CourseRequest::Progress => super::read_cmd::class_progress(app, guild).await,
                CourseRequest::Export { notes } => {
                    super::transfer_cmd::export(app, guild, notes).await
                }
                CourseRequest::Import {
                    name,
                    bytes,
                    options,
                } => super::transfer_cmd::import(app, guild, &name, &bytes, options).await,
                CourseRequest::Preview { at } => preview(app, guild, at.as_deref(), now).await,
            }
        }
        .await,
    )
}

pub(super) async fn session(app: &App, caller: &Caller, request: SessionRequest) -> Result<Reply> {
    let guild = caller.scope.0;
    if guild == Scope::GLOBAL.0 {
        return Ok(Reply::error(
            "Courses belong to a server: use this command in a server (or `--guild ID`).",
        ));
    }
    if !instructor(app, caller).await? {
        return Ok(Reply::error(ONLY_INSTRUCTORS));
    }
    let now = app.clock.now();
    let c = &app.courses;
    user_error(
        async {
            Ok(match request {
                SessionRequest::Import { files } => {
                    let done = c.import_posts(&app.catalog, guild, files, now).await?;
                    let note = views::unannounced_note(app, guild, None, now).await?;
                    Reply {
                        content: Some(import_text(&done) + &note),
                        ephemeral: true,
                        ..Reply::default()
                    }
                }
                SessionRequest::Upload {
                    filename,
                    bytes,
                    replace,
                } => upload(app, guild, &filename, bytes, replace.as_deref()).await?,
                SessionRequest::Add(new) => {
                    let s = c.add_session(&app.catalog, guild, new).await?;
                    // The session is committed: a failure to number it must not read as a
                    // failed add (retried, it would add the week twice).
                    let context = async { Ok::<_, CourseError>((c.require(guild).await?.tz, c.sessions(guild).await?)) };
                    let note = views::unannounced_note(app, guild, Some(s.id), now);
                    match context.await {
                        Ok((tz, sessions)) => done(placed("Added", None, &s, &sessions, now, tz) + &note.await.unwrap_or_default()),
                        Err(e) => {
                            tracing::error!(error = ?e, guild, "numbering an added session failed");
                            done(format!("✓ Added “{}” on {}; `/schedule` shows its week.", title(&s), when(&s)))
                        }
                    }
                }
                SessionRequest::Skip { week, shift } => {
                    let s = c.skip(guild, week, shift).await?;
                    // The skip is committed: a failure to describe its presentations must
                    // not read as a failed skip (retried with `shift`, it would shift twice).
                    let note = super::slot_cmd::skip_note(app, guild, &s, shift)
                        .await
                        .unwrap_or_else(|e| {
                            tracing::error!(error = ?e, guild, "describing a skip's presentations failed");
                            " (Could not list the week's presentations; see `/slot list`.)".into()
                        });
                    done(if shift {
                        format!("✓ Week {week} is a holiday; “{}” and every later session moved a week later.{note}", title(&s))
                    } else {
                        format!("✓ Week {week} (“{}”) is skipped: no post that week.{note}", title(&s))
                    })
                }
                SessionRequest::Edit { week, edit } => {
                    let s = c.edit_session(&app.catalog, guild, week, edit).await?;
                    let req = s.readings.iter().filter(|r| r.required).count();
                    done(format!(
                        "✓ Week {week} is now “{}”, {} required and {} optional readings.",
                        title(&s),
                        req,
                        s.readings.len() - req
                    ))
                }
                SessionRequest::Move { week, date } => {
                    let s = c.move_week(guild, week, &date).await?;
                    let tz = c.require(guild).await?.tz;
                    let note = views::unannounced_note(app, guild, Some(s.id), now).await?;
                    done(placed("Moved", Some(week), &s, &c.sessions(guild).await?, now, tz) + &note)
                }
                SessionRequest::Announce { week } => {
                    let (s, channel) = crate::schedule::announce(c, guild, week, now).await?;
                    done(format!(
                        "✓ Week {week} (“{}”, {}) is being posted to <#{channel}> now; the weekly posts will not announce it again.",
                        title(&s),
                        when(&s)
                    ))
                }
                SessionRequest::Remove { week } => {
                    let (_, before) = c.week(guild, week).await?;
                    let note = super::slot_cmd::removal_note(app, guild, &before)
                        .await
                        .unwrap_or_else(|e| {
                            tracing::error!(error = ?e, guild, "listing a removed week's presentations failed");
                            String::new()
                        });
                    let s = c.remove(guild, week).await?;
                    done(format!("✓ Removed week {week} (“{}”).{note}", title(&s)))
                }
            })
        }
        .await,
    )
}

/// What `/session add` or `/session move` did. Weeks are numbered by date, so a session
/// placed before others renumbers them, and one on a past day is never announced: both
/// say so.
fn placed(
    verb: &str,
    was: Option<usize>,
    s: &crate::course::Session,
    sessions: &[crate::course::Session],
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> String {
    let n = sessions
        .iter()
        .position(|x| x.id == s.id)
        .map_or(0, |i| i + 1);
    let mut text = format!(
        "✓ {verb} “{}” on {}: week {n} of {}.",
        title(s),
        when(s),
        sessions.len()
    );
    match was {
        None if n < sessions.len() => text.push_str(" The weeks after it are numbered one higher."),
        Some(old) if old != n => text.push_str(&format!(
            " It was week {old}; weeks are numbered by date, so the weeks between moved by one."
        )),
        _ => {}
    }
    // A session without a time is today's all day long.
    if s.announce_at(tz) < now {
        text.push_str(&format!(
            "\n⚠ That day has passed, so no weekly post announces it; `/session move week:{n} date:` sets another."
        ));
    }
    text
}

pub(super) fn done(text: String) -> Reply {
    Reply {
        content: Some(text),
        ephemeral: true,
        ..Reply::default()
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    format!("<t:{0}:F> (<t:{0}:R>)", t.timestamp())
}

pub(super) fn next_post_footer(c: &Course) -> String {
    match (&c.paused_reason, c.next_post_at) {
        (Some(r), _) => format!("Posting is stopped: {}", truncate(r, 200)),
        (None, Some(t)) => format!("Next post: {} UTC", t.format("%Y-%m-%d %H:%M")),
        (None, None) => "No more posts scheduled.".into(),
    }
}

/// What `/course setup` or `/course edit` did. A start or end typed a year off leaves
/// sessions outside the term, where no weekly post announces them; the reply counts them.
async fn configured(app: &App, what: &str, c: &Course) -> std::result::Result<Reply, CourseError> {
    let next = c.next_post_at.map_or("none".into(), stamp);
    let mut text = format!(
        "✓ {what}: the weekly post goes to <#{}> on `{}` ({}), next {next}.",
        c.channel_id,
        c.schedule_input.replace('`', "'"),
        c.tz.name()
    );
    // Each post announces the sessions up to the next one, so a schedule firing every few
    // minutes (a cron typo such as `*/5 * * * *`) would post each session minutes before
    // its day ends.
    let mut next = c.schedule.after(c.tz, app.clock.now());
    if let (Some(a), Some(b)) = (next.next(), next.next()) {
        if b - a < chrono::Duration::hours(12) {
            text.push_str(&format!(
                "\n⚠ This schedule fires more than twice a day (next at <t:{}:f> and <t:{}:f>); each post announces only the sessions up to the next one. A weekly post is a weekday and time such as `MON 09:00`.",
                a.timestamp(),
                b.timestamp()
            ));
        }
    }
    text.push_str(&views::unannounced_note(app, c.guild_id, None, app.clock.now()).await?);
    Ok(done(text))
}
