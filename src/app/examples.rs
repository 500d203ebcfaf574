//! What `chat` shows in an empty data folder: the bundled example catalog and a small
//! example course built from the example course posts, so a first run has something to
//! search, recommend and schedule.

use crate::model::Scope;
use crate::state::App;
use std::path::{Path, PathBuf};

/// The example catalog that `chat` imports into an empty data folder.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The guild `chat` plays when none is given: the example course lives there.
pub const EXAMPLE_GUILD: u64 = 1;

/// Imports the bundled example catalog, and sets up a small example course (in
/// [`EXAMPLE_GUILD`]) from the example course post, so `chat` shows both.
pub(super) async fn import_examples(app: &App) -> anyhow::Result<()> {
    let dir = examples_dir();
    let files = crate::ingest::files::collect_files(std::slice::from_ref(&dir))?;
    let mut contents = Vec::new();
    for file in &files {
        contents.push((file.display().to_string(), std::fs::read(file)?));
    }
    let reports = app
        .catalog
        .import_files(Scope::GLOBAL, contents, None)
        .await;
    let papers: usize = reports.iter().map(|r| r.new).sum();
    eprintln!(
        "Imported the example catalog ({papers} papers from {} files in {}).",
        files.len(),
        dir.display()
    );
    example_course(app, &dir.join("course")).await
}

/// The example course: weekly posts on Mondays at 09:00 in Berlin, starting this week, with
/// the sessions in `examples/course/`.
async fn example_course(app: &App, dir: &Path) -> anyhow::Result<()> {
    use crate::course::{CourseError, CourseSettings};
    let now = app.clock.now();
    let settings = CourseSettings {
        channel: Some(EXAMPLE_CHANNEL),
        timezone: Some("Europe/Berlin".into()),
        schedule: Some("MON 09:00".into()),
        start: Some(now.date_naive().to_string()),
        ..CourseSettings::default()
    };
    let internal = |e: CourseError| anyhow::anyhow!("example course: {e}");
    app.courses
        .configure(EXAMPLE_GUILD, settings, true, now)
        .await
        .map_err(internal)?;
    let mut posts = Vec::new();
    for file in crate::ingest::files::collect_files(&[dir.to_path_buf()])? {
        posts.push((file.display().to_string(), std::fs::read(&file)?));
    }
    posts.sort();
    let done = app
        .courses
        .import_posts(&app.catalog, EXAMPLE_GUILD, posts, now)
        .await
        .map_err(internal)?;
    for team in ["team-1", "team-2"] {
        app.courses
            .create_team(EXAMPLE_GUILD, team, None, now)
            .await
            .map_err(internal)?;
    }
    eprintln!(
        "Set up an example course in guild {EXAMPLE_GUILD} with {} weekly sessions and two teams (try /schedule, /week, /course info, /team list, /slot autofill).",
        done.len()
    );
    Ok(())
}

/// The example course's channel id (any id: `chat` prints posts instead of sending them).
const EXAMPLE_CHANNEL: u64 = 100;
