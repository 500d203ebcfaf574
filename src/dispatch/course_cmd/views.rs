//! What `/course info`, `/course status` and `/schedule preview` show: the course's
//! settings and sessions, its posting record, what the next weekly post would say, and
//! which sessions no post will announce.

use super::stamp;
use crate::course::{Course, CourseError, PostRow};
use crate::markdown::escape;
use crate::state::App;
use crate::view::limits::truncate;
use crate::view::{Embed, Field, Reply};
use chrono::{DateTime, Utc};

pub(super) async fn info(app: &App, guild: u64) -> std::result::Result<Reply, CourseError> {
    let outlook = crate::schedule::outlook(&app.courses, guild, app.clock.now()).await?;
    let c = &outlook.course;
    let sessions = app.courses.sessions(guild).await?;
    let date = |d: Option<chrono::NaiveDate>| d.map_or("—".into(), |d| d.to_string());
    let field = |name: &str, value: String| Field {
        name: name.into(),
        value,
        inline: true,
    };
    let mut fields = vec![
        field("Channel", format!("<#{}>", c.channel_id)),
        field(
            "Schedule",
            format!("`{}` ({})", c.schedule_input.replace('`', "'"), c.tz.name()),
        ),
        field("Term", format!("{} → {}", date(c.start), date(c.end))),
        field("Sessions", sessions.len().to_string()),
        field("Grace window", format!("{} h", c.grace.num_hours())),
        field(
            "Notes",
            if c.notes_public {
                "visible to the class"
            } else {
                "team only until published"
            }
            .into(),
        ),
        field(
            "Teams",
            if c.teams_locked {
                "locked: instructors place members"
            } else {
                "members join one themselves"
            }
            .into(),
        ),
        field("Slots per team", c.slots_per_team.to_string()),
        field("Session length", format!("{} min", c.session_minutes)),
        field("Next post", next_post(c, &outlook.next)),
    ];
    if let Some(role) = c.instructor_role {
        fields.push(field("Instructor role", format!("<@&{role}>")));
    }
    if let Some(reason) = &c.paused_reason {
        fields.push(field("Posting stopped", escape(&truncate(reason, 300))));
    }
    Ok(Reply {
        embeds: vec![Embed {
            title: Some("Course".into()),
            fields,
            ..Embed::default()
        }],
        ..Reply::default()
    })
}

pub(super) async fn status(app: &App, guild: u64) -> std::result::Result<Reply, CourseError> {
    let outlook = crate::schedule::outlook(&app.courses, guild, app.clock.now()).await?;
    let c = &outlook.course;
    let posts = app.courses.recent_posts(guild, 50).await?;
    let mut lines = Vec::new();
    match posts
        .iter()
        .find(|p| p.state == "sent" && p.kind == "weekly")
    {
        Some(p) => {
            let ids: Vec<String> = serde_json::from_str(&p.message_ids).unwrap_or_default();
            let link = ids.first().map_or(String::new(), |id| {
                format!(
                    " — https://discord.com/channels/{guild}/{}/{id}",
                    p.channel_id
                )
            });
            lines.push(format!(
                "Last post: <t:{}:F>{link}",
                p.sent_at.unwrap_or(p.occurrence_at)
            ));
        }
        None => lines.push("Last post: none yet".into()),
    }
    // Sent, but with something to fix (the bot could not read the channel's history).
    let newest_sent = posts.iter().find(|p| p.state == "sent");
    if let Some(warning) = newest_sent.and_then(|p| p.reason.as_deref()) {
        lines.push(format!("⚠️ {}", escape(&truncate(warning, 300))));
    }
    lines.push(match (&c.paused_reason, c.next_post_at) {
        (Some(r), _) => format!(
            "⛔ Posting stopped: {}. Fix it, then `/course edit` to resume.",
            escape(&truncate(r, 300))
        ),
        (None, _) => format!("Next post: {}", next_post(c, &outlook.next)),
    });
    if let Some(error) = &c.claim_error {
        lines.push(format!(
            "⚠ Preparing the posts failed: {}. paperclub tries again, less often each time; the log has the details.",
            escape(&truncate(error, 300))
        ));
    }
    // A reminder left out because a later one went out is not a problem worth showing.
    let reminder = |p: &&PostRow| p.kind.starts_with("reminder-");
    // The latest occurrence, when its window had nothing to announce.
    if let Some(p) = posts
        .iter()
        .find(|p| p.kind == "weekly" && p.state != "failed")
    {
        if p.state == "nothing" {
            lines.push(format!(
                "Last occurrence: <t:{}:F>, nothing to announce in its window",
                p.occurrence_at
            ));
        }
    }
    let problems: Vec<String> = posts
        .iter()
        .filter(|p| !matches!(p.state.as_str(), "sent" | "nothing"))
        .filter(|p| !(reminder(p) && p.state == "missed"))
        .map(|p| {
            let reason = escape(&truncate(p.reason.as_deref().unwrap_or(""), 200));
            let what = if reminder(&p) { "reminder " } else { "" };
            let at = p.occurrence_at;
            match p.state.as_str() {
                "missed" => format!("• missed {what}<t:{at}:f>: {reason}"),
                "failed" => format!("• failed {what}<t:{at}:f>: {reason}"),
                _ if reason.is_empty() => format!("• sending {what}<t:{at}:f>"),
                _ => format!("• retrying {what}<t:{at}:f>: {reason}"),
            }
        })
        .collect();
    if !problems.is_empty() {
        lines.push(String::new());
        lines.push("**Missed or failed posts**".into());
        lines.extend(problems);
    }
    Ok(Reply {
        embeds: vec![Embed {
            title: Some("Weekly post status".into()),
            description: Some(lines.join("\n")),
            ..Embed::default()
        }],
        ..Reply::default()
    })
}

/// The next post that has something to announce, and which weeks, or why there is none.
fn next_post(c: &Course, next: &Option<(DateTime<Utc>, Vec<usize>)>) -> String {
    match (next, c.next_post_at) {
        (Some((at, weeks)), _) => {
            let weeks: Vec<String> = weeks.iter().map(usize::to_string).collect();
            let label = if weeks.len() == 1 { "week" } else { "weeks" };
            format!("{} ({label} {})", stamp(*at), weeks.join(", "))
        }
        (None, Some(_)) => "none (no session left to announce)".into(),
        (None, None) => "none (the schedule is over)".into(),
    }
}

/// A warning naming the sessions (only `session`, when given) that no weekly post will
/// announce, with what to do; empty when every session ahead has its post.
pub(in crate::dispatch) async fn unannounced_note(
    app: &App,
    guild: u64,
    session: Option<i64>,
    now: DateTime<Utc>,
) -> std::result::Result<String, CourseError> {
    let outlook = crate::schedule::outlook(&app.courses, guild, now).await?;
    let c = &outlook.course;
    let lost: Vec<_> = outlook
        .unannounced
        .iter()
        .filter(|(_, s)| session.is_none_or(|id| s.id == id))
        .collect();
    let shown: Vec<String> = lost
        .iter()
        .take(10)
        .map(|(week, s)| {
            let why = match c.next_post_at {
                Some(next) if s.announce_at(c.tz) < next => {
                    format!("before the next post, {}", stamp(next))
                }
                Some(_) => "after the term ends".to_string(),
                None => "after the schedule's last post".to_string(),
            };
            format!(
                "week {week} (“{}”, {}): {why}",
                escape(&truncate(&s.title, 80)),
                crate::schedule::render::day(s.date)
            )
        })
        .collect();
    if lost.is_empty() {
        return Ok(String::new());
    }
    let more = match lost.len() - shown.len() {
        0 => String::new(),
        n => format!("; and {n} more"),
    };
    Ok(format!(
        "\n⚠ No weekly post will announce {} session(s): {}{more}. Move a session into a posting week with `/session move week: date:`, or post it now with `/session announce week:`.",
        lost.len(),
        shown.join("; ")
    ))
}

pub(super) async fn preview(
    app: &App,
    guild: u64,
    at: Option<&str>,
    now: DateTime<Utc>,
) -> std::result::Result<Reply, CourseError> {
    let at = match at.map(str::trim).filter(|a| !a.is_empty()) {
        None => now,
        Some(text) => {
            let course = app.courses.require(guild).await?;
            let (date, time) = crate::course::parse_when(text)?;
            course
                .local_instant(date, time.unwrap_or(chrono::NaiveTime::MIN))
                .unwrap_or(now)
        }
    };
    let found = crate::schedule::preview(&app.courses, guild, at).await?;
    Ok(Reply::text(match found {
        None => "The schedule has no post left after that.".to_string(),
        Some((t, None)) => format!(
            "{}: nothing to post (no session left to announce, or a holiday week).",
            stamp(t)
        ),
        Some((t, Some(messages))) => {
            format!("Would post at {}:\n\n{}", stamp(t), messages.join("\n\n"))
        }
    }))
}
