//! `/session import` as replies: course posts given by path (command line, chat) or
//! uploaded in Discord, where an upload is named as `/import file` names one, and the
//! report of what each post became.

use crate::catalog::list_name;
use crate::course::CourseError;
use crate::markdown::escape;
use crate::model::Scope;
use crate::state::App;
use crate::view::limits::truncate;
use crate::view::Reply;

/// Imports an uploaded post (or `.zip` of posts) under the name `/import file` would give
/// it, and says when that name is a new one, so an instructor who meant to update a week
/// learns of `replace:`.
pub(super) async fn upload(
    app: &App,
    guild: u64,
    filename: &str,
    bytes: Vec<u8>,
    replace: Option<&str>,
) -> std::result::Result<Reply, CourseError> {
    let text = crate::catalog::decode(&bytes).unwrap_or_default();
    let name = app
        .catalog
        .upload_name(Scope(guild), filename, text, replace)
        .await?
        .or_else(crate::course::refuse)?;
    let shown = list_name(&name).to_string();
    let mut done = app
        .courses
        .import_posts(&app.catalog, guild, vec![(name, bytes)], app.clock.now())
        .await?;
    // Users know an upload by its file name; the prefix only keeps uploads apart.
    for d in &mut done {
        d.file = list_name(&d.file).to_string();
    }
    let mut text = import_text(&done);
    text.push_str(&super::views::unannounced_note(app, guild, None, app.clock.now()).await?);
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    if replace.is_none() && shown != base {
        text.push_str(&format!(
            "This server already has an upload named {}, so this one is {}; to update that one instead, import again with {}.\n",
            crate::markdown::code(base),
            crate::markdown::code(&shown),
            crate::markdown::code(&format!("replace:{base}"))
        ));
    }
    Ok(Reply {
        content: Some(text),
        ephemeral: true,
        ..Reply::default()
    })
}

/// The import report of `/session import`.
pub(super) fn import_text(done: &[crate::course::SessionImport]) -> String {
    let mut out = String::new();
    for d in done {
        match (&d.error, d.date) {
            // The file name is the uploader's; the reason is the bot's own markdown, with
            // anything typed in it already in a code span.
            (Some(e), _) => out.push_str(&format!("✗ {}: {e}\n", escape(&d.file))),
            (None, date) => out.push_str(&format!(
                "✓ {}: “{}” on {} — {} required, {} optional readings\n",
                escape(&d.file),
                escape(&truncate(&d.title, 120)),
                date.map_or("?".into(), |d| d.to_string()),
                d.required,
                d.optional
            )),
        }
        for t in &d.unplaced {
            out.push_str(&format!(
                "  ⚠ reading not found in the catalog: {}\n",
                escape(&truncate(t, 120))
            ));
        }
        for w in &d.catalog.warnings {
            out.push_str(&format!(
                "  ⚠ {}:{}: {}\n",
                escape(&d.file),
                w.line,
                escape(&w.message)
            ));
        }
    }
    if out.is_empty() {
        out.push_str("No course posts given.");
    }
    out
}
