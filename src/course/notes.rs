//! Notes on a course's papers: written by a member for their team, visible to that team
//! (and to instructors) until the author publishes them to the class. Each note records its
//! author, team, paper, session and time; an edit keeps the previous text. The length and
//! the hourly count are checked here, the count in SQLite so every process agrees.

use super::service::resolve_reading;
use super::teams::{Member, Membership};
use super::{from_unix, refuse, CourseError, Courses};
use crate::catalog::Catalog;
use crate::store::notes::{self as store, NewNoteRow, NoteFilter, NoteRow, Viewer};
use chrono::{DateTime, Duration, Utc};

type Result<T> = std::result::Result<T, CourseError>;

/// The longest note, in characters (a Discord message holds 2,000 with the header).
pub const NOTE_MAX_CHARS: usize = 1500;
/// Notes one member may write per rolling hour.
pub const NOTES_PER_HOUR: i64 = 30;

/// One note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: i64,
    pub author: u64,
    pub team: Option<String>,
    pub team_id: Option<i64>,
    pub paper_id: i64,
    pub session_id: Option<i64>,
    pub text: String,
    pub published: bool,
    pub written: DateTime<Utc>,
    /// How many earlier texts the note has (edits).
    pub revisions: usize,
}

impl Note {
    fn from_row(r: NoteRow) -> Note {
        Note {
            id: r.id,
            author: r.author_id as u64,
            team: r.team_name,
            team_id: r.team_id,
            paper_id: r.paper_id,
            session_id: r.session_id,
            text: r.body,
            published: r.published,
            written: from_unix(r.created_at).unwrap_or_default(),
            revisions: r.revisions as usize,
        }
    }
}

/// An earlier text of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub text: String,
    pub editor: u64,
    pub replaced: DateTime<Utc>,
}

fn checked_text(text: &str) -> Result<String> {
    let text = text.trim();
    let n = text.chars().count();
    if n == 0 {
        return refuse("A note needs some text.");
    }
    if n > NOTE_MAX_CHARS {
        return refuse(format!(
            "A note is at most {NOTE_MAX_CHARS} characters; this one has {n}. Split it in two."
        ));
    }
    Ok(text.to_string())
}

impl Courses {
    /// What `who` may see: every note for instructors and in a course whose notes are
    /// class-visible; else published notes, their own, and their team's.
    pub async fn viewer(&self, guild: u64, who: Member<'_>) -> Result<Viewer> {
        let public = self.course(guild).await?.is_some_and(|c| c.notes_public);
        let team = self.membership(guild, who).await?;
        Ok(Viewer {
            user_id: who.user as i64,
            team_id: team.as_ref().map(|m| m.team().id),
            all: who.instructor || public,
        })
    }

    /// Writes a note on `paper` for the author's current team.
    pub async fn add_note(
        &self,
        catalog: &Catalog,
        guild: u64,
        who: Member<'_>,
        paper: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Note> {
        self.require(guild).await?;
        let text = checked_text(text)?;
        let paper_id = resolve_reading(catalog, guild, paper).await?;
        let team = self.membership(guild, who).await?;
        let mut conn = self.pool.acquire().await?;
        let session =
            crate::store::courses::session_reading(&mut conn, guild as i64, paper_id).await?;
        drop(conn);
        // Count and insert under one write lock: two bursts cannot both pass the limit.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let since = (now - Duration::hours(1)).timestamp();
        let (count, oldest) =
            store::written_since(&mut tx, guild as i64, who.user as i64, since + 1).await?;
        if count >= NOTES_PER_HOUR {
            let again = oldest.unwrap_or(since) + 3600;
            return refuse(format!(
                "You have written {count} notes in the last hour, the limit ({NOTES_PER_HOUR} an hour). You can write the next one <t:{again}:R>."
            ));
        }
        let row = NewNoteRow {
            guild_id: guild as i64,
            author_id: who.user as i64,
            team_id: team.as_ref().map(|m: &Membership| m.team().id),
            paper_id,
            session_id: session,
            body: text,
            created_at: now.timestamp(),
        };
        let id = store::insert_note(&mut tx, &row).await?;
        tx.commit().await?;
        tracing::info!(
            guild_id = guild,
            note = id,
            paper = paper_id,
            "note written"
        );
        self.note(guild, id).await
    }

    /// Note `id` of this guild, or a refusal.
    pub async fn note(&self, guild: u64, id: i64) -> Result<Note> {
        let mut conn = self.pool.acquire().await?;
        match store::note(&mut conn, guild as i64, id).await? {
            Some(row) => Ok(Note::from_row(row)),
            None => refuse(format!("There is no note #{id} in this course.")),
        }
    }

    /// A note `who` may see, else the same refusal as a missing one (so ids reveal nothing).
    async fn visible_note(&self, guild: u64, who: Member<'_>, id: i64) -> Result<Note> {
        let note = self.note(guild, id).await?;
        let viewer = self.viewer(guild, who).await?;
        let sees = viewer.all
            || note.published
            || note.author == who.user
            || note.team_id.is_some() && note.team_id == viewer.team_id;
        if sees {
            Ok(note)
        } else {
            refuse(format!("There is no note #{id} in this course."))
        }
    }

    /// The notes on papers `papers` (all papers when `None`), optionally of one team, that
    /// `who` may see, oldest first.
    pub async fn visible_notes(
        &self,
        guild: u64,
        who: Member<'_>,
        papers: Option<&[i64]>,
        team: Option<i64>,
    ) -> Result<Vec<Note>> {
        let viewer = self.viewer(guild, who).await?;
        let mut conn = self.pool.acquire().await?;
        let filter = NoteFilter {
            papers,
            team_id: team,
        };
        let rows = store::visible(&mut conn, guild as i64, viewer, filter).await?;
        Ok(rows.into_iter().map(Note::from_row).collect())
    }

    /// Replaces a note's text (its author only); the previous text becomes a revision.
    pub async fn edit_note(
        &self,
        guild: u64,
        who: Member<'_>,
        id: i64,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Note> {
        let note = self.visible_note(guild, who, id).await?;
        if note.author != who.user {
            return refuse(format!("Only its author can edit note #{id}."));
        }
        let text = checked_text(text)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        store::edit(
            &mut tx,
            guild as i64,
            id,
            &text,
            who.user as i64,
            now.timestamp(),
        )
        .await?;
        tx.commit().await?;
        self.note(guild, id).await
    }

    /// Deletes a note (its author or an instructor), with its revisions.
    pub async fn delete_note(&self, guild: u64, who: Member<'_>, id: i64) -> Result<Note> {
        let note = self.visible_note(guild, who, id).await?;
        if note.author != who.user && !who.instructor {
            return refuse(format!(
                "Only its author or an instructor can delete note #{id}."
            ));
        }
        let mut conn = self.pool.acquire().await?;
        store::delete(&mut conn, guild as i64, id).await?;
        Ok(note)
    }

    /// Makes a note visible to the whole class (its author or an instructor).
    pub async fn publish_note(&self, guild: u64, who: Member<'_>, id: i64) -> Result<Note> {
        let note = self.visible_note(guild, who, id).await?;
        if note.author != who.user && !who.instructor {
            return refuse(format!(
                "Only its author or an instructor can publish note #{id}."
            ));
        }
        if note.published {
            return refuse(format!("Note #{id} is already published."));
        }
        let mut conn = self.pool.acquire().await?;
        store::publish(&mut conn, guild as i64, id).await?;
        drop(conn);
        self.note(guild, id).await
    }

    /// A note's earlier texts, oldest first (for whoever may see the note).
    pub async fn note_revisions(
        &self,
        guild: u64,
        who: Member<'_>,
        id: i64,
    ) -> Result<Vec<Revision>> {
        self.visible_note(guild, who, id).await?;
        let mut conn = self.pool.acquire().await?;
        let rows = store::revisions(&mut conn, guild as i64, id).await?;
        Ok(rows
            .into_iter()
            .map(|r| Revision {
                text: r.body,
                editor: r.editor_id as u64,
                replaced: from_unix(r.replaced_at).unwrap_or_default(),
            })
            .collect())
    }
}

impl Courses {
    /// The catalog paper `id` names (key, arXiv id, DOI or title words) in this guild, or
    /// a refusal that says why not.
    pub async fn paper_id(&self, catalog: &Catalog, guild: u64, id: &str) -> Result<i64> {
        resolve_reading(catalog, guild, id).await
    }
}
