//! A scope's imported files as lists an instructor manages: which there are, the name a
//! new upload gets, and removing one with everything it stated. Discord names pasted text
//! `message.txt` and many files `readings.md`, so an upload never silently replaces an
//! earlier one with the same name; replacing is asked for by naming the list.

use super::import::fingerprint;
use super::write::Touched;
use super::{sync::Session, Catalog};
use crate::model::Scope;
use crate::store::{changes, sources};
use serde::Serialize;

/// Stored names of uploaded files start with this; users see the name without it.
pub const UPLOAD_PREFIX: &str = "discord:";

/// One imported file of a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListInfo {
    /// The name users type: an upload's file name, or the path a command-line import used.
    pub name: String,
    pub format: String,
    /// How many papers the file speaks for.
    pub entries: usize,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub imported_at: String,
}

/// What removing a list did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// Removed; it spoke for this many papers.
    Removed(usize),
    /// The scope has no list of that name.
    NotFound,
    /// Kept: these sessions read papers only this list names.
    ReadBy(Vec<ReadingSession>),
}

/// A course session that keeps a list from being removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingSession {
    pub guild: u64,
    /// As `/schedule` numbers weeks.
    pub week: usize,
    pub title: String,
}

/// The name users see for a stored file name.
pub fn list_name(stored: &str) -> &str {
    stored.strip_prefix(UPLOAD_PREFIX).unwrap_or(stored)
}

/// `readings (2).md` for the second `readings.md`.
fn numbered(filename: &str, n: usize) -> String {
    match filename.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{filename} ({n})"),
    }
}

impl Catalog {
    /// The files `scope` imported itself (not the global catalog's), newest first.
    pub async fn lists(&self, scope: Scope) -> anyhow::Result<Vec<ListInfo>> {
        let mut conn = self.pool.acquire().await?;
        let rows = sources::files_of_scope(&mut conn, scope).await?;
        Ok(rows
            .into_iter()
            .map(|r| ListInfo {
                name: list_name(&r.path).to_string(),
                format: r.format,
                entries: r.entries.max(0) as usize,
                imported_at: r.imported_at,
            })
            .collect())
    }

    /// The stored name an upload of `filename` with `text` is imported under. With
    /// `replace`, the named list (it must exist); otherwise the file name, numbered when a
    /// different list already has it. An identical re-upload gets the name of the list it
    /// repeats, so it is reported unchanged instead of stored twice. A `.zip` of course
    /// posts stores each post under `name/path`: such a name counts as taken too, and
    /// `replace` may name the archive.
    pub async fn upload_name(
        &self,
        scope: Scope,
        filename: &str,
        text: &str,
        replace: Option<&str>,
    ) -> anyhow::Result<Result<String, String>> {
        let mut conn = self.pool.acquire().await?;
        if let Some(list) = replace {
            let archive = format!("{UPLOAD_PREFIX}{}", list.trim());
            let inside =
                sources::paths_with_prefix(&mut conn, scope, &format!("{archive}/")).await?;
            if !inside.is_empty() {
                return Ok(Ok(archive));
            }
            let stored = self.stored_name(&mut conn, scope, list).await?;
            return Ok(stored.ok_or_else(|| {
                format!("This server has no list named `{list}`; `/import list` shows them.")
            }));
        }
        let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
        let base = if base.trim().is_empty() {
            "upload"
        } else {
            base
        };
        let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
        let taken =
            sources::paths_with_prefix(&mut conn, scope, &format!("{UPLOAD_PREFIX}{stem}")).await?;
        let hash = fingerprint(text);
        let mut n = 1;
        loop {
            let name = if n == 1 {
                base.to_string()
            } else {
                numbered(base, n)
            };
            let stored = format!("{UPLOAD_PREFIX}{name}");
            let folder = format!("{stored}/");
            if !taken.iter().any(|t| *t == stored || t.starts_with(&folder)) {
                return Ok(Ok(stored));
            }
            let same = sources::find_file(&mut conn, scope, &stored).await?;
            if same.is_some_and(|f| f.hash == hash) {
                return Ok(Ok(stored));
            }
            n += 1;
        }
    }

    /// Removes a list of `scope` and everything it stated (tags, links, citations, its
    /// claim on each paper); papers other lists also name stay with what those said.
    /// Refused, changing nothing, when a course session reads a paper only this list names:
    /// the session would be left without that reading and nobody told (the instructor
    /// removes or edits those weeks first, or imports a new version with `replace:`).
    pub async fn remove_list(&self, scope: Scope, list: &str) -> anyhow::Result<Removal> {
        let _guard = self.writer.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let Some(stored) = self.stored_name(&mut tx, scope, list).await? else {
            return Ok(Removal::NotFound);
        };
        let Some(file) = sources::find_file(&mut tx, scope, &stored).await? else {
            return Ok(Removal::NotFound);
        };
        let readers = sources::sessions_reading_only(&mut tx, file.id, scope).await?;
        if !readers.is_empty() {
            return Ok(Removal::ReadBy(
                readers
                    .into_iter()
                    .map(|r| ReadingSession {
                        guild: r.guild_id as u64,
                        week: r.week.max(1) as usize,
                        title: r.title,
                    })
                    .collect(),
            ));
        }
        let mut ids_guard = self.current_identities(&mut tx).await?;
        let Some(ids) = ids_guard.as_mut() else {
            anyhow::bail!("identity tables missing after loading");
        };
        let papers = sources::delete_file(&mut tx, file.id).await?;
        if scope != Scope::GLOBAL {
            // The guild's views of these papers lose what this list said.
            let pairs: Vec<_> = papers.iter().map(|&p| (p, scope)).collect();
            super::views::refresh(&mut tx, ids, &pairs, &Default::default()).await?;
        }
        let generation = changes::append(&mut tx, &papers).await?;
        tx.commit().await?;
        ids.generation = generation;
        drop(ids_guard);
        let touched = Touched {
            ids: papers.clone(),
            generations: vec![generation],
            ..Touched::default()
        };
        let mut session = Session::default();
        if let Some(job) = self.index_job(touched, &mut session).await {
            let _ = tokio::task::spawn_blocking(job).await;
        }
        if let Err(why) = self.finish_index(&session).await {
            tracing::warn!(
                list,
                why,
                "list removed; the search index will catch up later"
            );
        }
        self.clear_tag_cache();
        Ok(Removal::Removed(papers.len()))
    }

    /// The stored name of the list users call `list`: an upload's file name or a path.
    async fn stored_name(
        &self,
        conn: &mut sqlx::SqliteConnection,
        scope: Scope,
        list: &str,
    ) -> anyhow::Result<Option<String>> {
        let list = list.trim();
        for candidate in [format!("{UPLOAD_PREFIX}{list}"), list.to_string()] {
            if sources::find_file(&mut *conn, scope, &candidate)
                .await?
                .is_some()
            {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_upload_is_numbered_before_its_extension() {
        assert_eq!(numbered("message.txt", 2), "message (2).txt");
        assert_eq!(numbered("README", 3), "README (3)");
        assert_eq!(numbered(".bib", 2), ".bib (2)");
        assert_eq!(list_name("discord:message.txt"), "message.txt");
        assert_eq!(list_name("/srv/lists/a.bib"), "/srv/lists/a.bib");
    }
}
