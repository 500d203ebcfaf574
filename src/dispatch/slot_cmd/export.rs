//! `/slot export`: the guild's presentations as an iCalendar file, sent as an attachment
//! (privately: it is the caller's to import into a calendar app).

use crate::course::slot_ics::{self, IcsEntry};
use crate::course::slots::week_of;
use crate::course::CourseError;
use crate::model::Scope;
use crate::state::App;
use crate::view::{Attachment, Reply};
use std::collections::HashMap;

pub(super) async fn export(app: &App, guild: u64) -> std::result::Result<Reply, CourseError> {
    let course = app.courses.require(guild).await?;
    let sessions = app.courses.sessions(guild).await?;
    let slots = app.courses.slots(guild).await?;
    if slots.is_empty() {
        return Ok(Reply::error(
            "Nobody presents anything yet, so the calendar would be empty; claim a slot with `/slot claim` first.",
        ));
    }
    let ids: Vec<i64> = slots.iter().map(|s| s.paper_id).collect();
    let papers = app.catalog.papers_by_id(Scope(guild), &ids).await?;
    let plain: HashMap<i64, String> = papers.into_iter().map(|p| (p.id, p.title)).collect();
    let entries: Vec<IcsEntry<'_>> = slots
        .iter()
        .filter_map(|slot| {
            // A presentation stranded in a skipped week has no time to put in a calendar.
            let session = sessions
                .iter()
                .find(|s| s.id == slot.session_id && !s.skipped)?;
            Some(IcsEntry {
                session,
                week: week_of(&sessions, session.id),
                paper_id: slot.paper_id,
                title: plain.get(&slot.paper_id).cloned().unwrap_or_default(),
                team: slot.team.name.clone(),
            })
        })
        .collect();
    let text = slot_ics::calendar(&course, &entries, app.clock.now());
    let left_out = match slots.len() - entries.len() {
        0 => String::new(),
        n => {
            format!(" {n} in skipped weeks are left out until they have a new week (`/slot list`).")
        }
    };
    Ok(Reply {
        content: Some(format!(
            "✓ {} presentation(s) as a calendar file ({}); importing it again updates the same events.{left_out}",
            entries.len(),
            course.tz.name()
        )),
        attachments: vec![Attachment {
            filename: "presentations.ics".into(),
            bytes: text.into_bytes(),
        }],
        ephemeral: true,
        ..Reply::default()
    })
}
