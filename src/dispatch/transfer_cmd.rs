//! `course export` and `course import`: the course as one JSON file (see
//! [`crate::course::transfer::format`]) and back, for instructors. The file travels as an
//! attachment of the reply, so every surface that can send or save files can offer it.

use super::course_cmd::done;
use crate::course::transfer::format::CourseFile;
use crate::course::transfer::{CourseImport, ImportOptions};
use crate::course::CourseError;
use crate::markdown::escape;
use crate::state::App;
use crate::view::limits::truncate;
use crate::view::{Attachment, Reply};

type CourseResult<T> = std::result::Result<T, CourseError>;

pub(super) async fn export(app: &App, guild: u64, notes: bool) -> CourseResult<Reply> {
    let file = app
        .courses
        .export_course(&app.catalog, guild, notes, app.clock.now())
        .await?;
    let readings: usize = file.sessions.iter().map(|s| s.readings.len()).sum();
    let notes = match &file.notes {
        Some(n) => format!(", {} notes", n.len()),
        None => String::new(),
    };
    let summary = format!(
        "✓ Exported the course: {} sessions with {readings} readings, {} teams, {} presentation slots{notes}.",
        file.sessions.len(),
        file.teams.len(),
        file.slots.len()
    );
    let json = serde_json::to_vec_pretty(&file).map_err(anyhow::Error::from)?;
    Ok(Reply {
        attachments: vec![Attachment {
            filename: format!("course-{guild}.json"),
            bytes: json,
        }],
        ..done(summary)
    })
}

pub(super) async fn import(
    app: &App,
    guild: u64,
    name: &str,
    bytes: &[u8],
    options: ImportOptions,
) -> CourseResult<Reply> {
    let file = match CourseFile::parse(bytes) {
        Ok(f) => f,
        Err(why) => {
            // A code block shows the reason as written, field names and all, and renders
            // nothing in it as markdown or a mention.
            return Ok(Reply::error(format!(
                "{} is not a course file this build can read:\n{}",
                escape(&truncate(name, 100)),
                crate::markdown::code_block("text", &truncate(&why, 1000))
            )));
        }
    };
    let done_import = app
        .courses
        .import_course(&app.catalog, guild, file, options, app.clock.now())
        .await?;
    let note = super::course_cmd::unannounced_note(app, guild, None, app.clock.now()).await?;
    Ok(done(report(&done_import) + &note))
}

fn report(r: &CourseImport) -> String {
    let mut out = format!(
        "✓ {} the course: {} sessions with {} readings, {} teams, {} presentation slots, {} notes.",
        if r.replaced { "Replaced" } else { "Imported" },
        r.sessions,
        r.readings,
        r.teams,
        r.slots,
        r.notes
    );
    if r.shifted_days != 0 {
        out.push_str(&format!("\nEvery date moved by {} days.", r.shifted_days));
    }
    if !r.unresolved.is_empty() {
        out.push_str(&format!(
            "\n⚠ {} reading(s) or slot(s) not found, left out (import the papers into this server's catalog, then `/session edit`):",
            r.unresolved.len()
        ));
        for u in &r.unresolved {
            out.push_str(&format!("\n  ⚠ {}", escape(u)));
        }
    }
    for s in &r.skipped_notes {
        out.push_str(&format!("\n  ⚠ note left out: {}", escape(s)));
    }
    out
}
