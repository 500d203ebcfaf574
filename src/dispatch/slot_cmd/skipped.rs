//! What a skipped week does to its presentations, said in `/session skip`'s reply. With
//! `shift` they moved a week later with their sessions; without it they stay with their
//! teams but have no session, and the reply names them so an instructor can place them
//! again (`/slot list` keeps showing them as needing a new week until then). A removed
//! week takes its presentations with it; `/session remove`'s reply names them.

use super::titles;
use crate::course::{CourseError, Session};
use crate::state::App;

/// The line to add to the skip's reply (empty when no presentation was affected).
/// `skipped` is the week's session as it was before the skip.
pub(crate) async fn skip_note(
    app: &App,
    guild: u64,
    skipped: &Session,
    shift: bool,
) -> Result<String, CourseError> {
    let sessions = app.courses.sessions(guild).await?;
    let slots = app.courses.slots(guild).await?;
    if shift {
        let moved = slots
            .iter()
            .filter(|slot| {
                sessions
                    .iter()
                    .any(|s| s.id == slot.session_id && s.date > skipped.date)
            })
            .count();
        return Ok(match moved {
            0 => String::new(),
            n => format!("\n{n} presentation(s) moved with their sessions."),
        });
    }
    let stranded: Vec<_> = slots
        .iter()
        .filter(|slot| slot.session_id == skipped.id)
        .collect();
    if stranded.is_empty() {
        return Ok(String::new());
    }
    let who = presenters(app, guild, &stranded).await?;
    Ok(format!(
        "\n⚠ {} presentation(s) of that week now have no session: {}. Each stays its team's until placed in another week that reads the paper (`/slot assign paper: team: date:`, or the team's `/slot claim`) or released; `/slot list` shows them as needing a new week.",
        stranded.len(),
        who.join(", ")
    ))
}

/// The line to add to `/session remove`'s reply: the presentations the week took with it.
/// Asked before the removal, which deletes them.
pub(crate) async fn removal_note(
    app: &App,
    guild: u64,
    removed: &Session,
) -> Result<String, CourseError> {
    let slots = app.courses.slots(guild).await?;
    let gone: Vec<_> = slots
        .iter()
        .filter(|slot| slot.session_id == removed.id)
        .collect();
    if gone.is_empty() {
        return Ok(String::new());
    }
    let who = presenters(app, guild, &gone).await?;
    Ok(format!(
        "\n⚠ {} presentation(s) were removed with it: {}. A team presents one again by claiming it in a week that reads the paper.",
        gone.len(),
        who.join(", ")
    ))
}

/// `team team-1 (“Title”)` for each slot.
async fn presenters(
    app: &App,
    guild: u64,
    slots: &[&crate::course::Slot],
) -> Result<Vec<String>, CourseError> {
    let ids: Vec<i64> = slots.iter().map(|slot| slot.paper_id).collect();
    let t = titles(app, guild, &ids).await?;
    Ok(slots
        .iter()
        .map(|slot| {
            let title = t.get(&slot.paper_id).map_or("?", String::as_str);
            format!("team {} (“{title}”)", slot.team.shown())
        })
        .collect())
}
