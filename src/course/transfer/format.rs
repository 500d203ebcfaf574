//! The course file: one JSON document holding a guild's course so that it can be set up
//! again next term, or in another server.
//!
//! ```json
//! {
//!   "format": "paperclub-course",
//!   "version": 1,
//!   "exported_at": "2026-06-30T12:00:00Z",
//!   "course": {
//!     "channel": "200000000000000001", "timezone": "Europe/Berlin", "schedule": "MON 09:00",
//!     "start": "2026-03-01", "end": null, "instructor_role": null, "grace_hours": 24,
//!     "reminders": "7,1", "notes_public": false, "slots_per_team": 3, "session_minutes": 75
//!   },
//!   "sessions": [{
//!     "date": "2026-03-03", "time": "14:00", "title": "Scaling laws", "tags": ["Scaling Laws"],
//!     "notes_team": "team-2", "video_team": null, "presenters": "team-1", "skipped": false,
//!     "source": "posts/2026-03-03-scaling.md",
//!     "readings": [{ "key": "kaplan2020scaling", "arxiv": "2001.08361", "doi": null,
//!                    "title": "Scaling Laws for Neural Language Models", "required": true }]
//!   }],
//!   "teams": [{ "name": "team-1", "role": null }],
//!   "slots": [{ "paper": { "key": "kaplan2020scaling", "arxiv": "2001.08361" }, "week": 1,
//!               "team": "team-1" }],
//!   "notes": [{ "paper": { "key": "kaplan2020scaling", "arxiv": "2001.08361" }, "week": 1,
//!               "author": "500000000000000001", "team": "team-1", "text": "...",
//!               "published": false, "written_at": "2026-03-02T10:00:00Z" }]
//! }
//! ```
//!
//! - `format` and `version` come first and are checked before anything else: a reader
//!   refuses a file of another format, or of a version it does not know, saying which.
//!   Version 1 is this layout; a change that an older reader would misread gets a new one.
//! - Discord ids (channel, roles, users) are strings, as Discord writes them (they exceed
//!   the integers JavaScript reads exactly); numbers are accepted on reading.
//! - Dates are local `YYYY-MM-DD` in the course's zone, times local `HH:MM`; `exported_at`
//!   and `written_at` are UTC instants (RFC 3339).
//! - A reading or a note's paper is named by citation key, arXiv id, DOI and title, all that
//!   are known; the import looks them up in the target server's catalog in that order
//!   (arXiv id, DOI, key, exact title) and reports those it cannot find.
//! - Teams carry their name and role, not their members: a new term's students join again.
//! - `slots`: which team presents which paper, in which week (1-based, as `/schedule`
//!   numbers them). The import refuses a slot whose week or team the file does not have,
//!   and reports one whose paper the target catalog lacks.
//! - `notes` is present only when the export was asked for notes (`--notes`); a note's
//!   earlier texts are not exported.
//! - Unknown fields are refused, so a typo in a hand-edited file is not silently ignored.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The `format` of a course file.
pub const FORMAT: &str = "paperclub-course";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;

/// A whole course file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseFile {
    pub format: String,
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<DateTime<Utc>>,
    pub course: CourseSpec,
    #[serde(default)]
    pub sessions: Vec<SessionSpec>,
    #[serde(default)]
    pub teams: Vec<TeamSpec>,
    #[serde(default)]
    pub slots: Vec<SlotSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<NoteSpec>>,
}

/// The course's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseSpec {
    #[serde(with = "id")]
    pub channel: u64,
    pub timezone: String,
    /// As typed at setup: `MON 09:00` or a cron expression.
    pub schedule: String,
    #[serde(default)]
    pub start: Option<NaiveDate>,
    #[serde(default)]
    pub end: Option<NaiveDate>,
    #[serde(default, with = "opt_id")]
    pub instructor_role: Option<u64>,
    #[serde(default = "default_grace")]
    pub grace_hours: u32,
    /// Presenter reminders, days before a session: `7,1`, or `none`.
    #[serde(default = "default_reminders")]
    pub reminders: String,
    #[serde(default)]
    pub notes_public: bool,
    /// Students may not join a team by themselves (absent in older files: false).
    #[serde(default)]
    pub teams_locked: bool,
    /// How many presentation slots one team may hold.
    #[serde(default = "default_slots_per_team")]
    pub slots_per_team: u32,
    /// How long a session lasts, in minutes (absent in files from before it existed).
    #[serde(default = "default_session_minutes")]
    pub session_minutes: u32,
}

fn default_slots_per_team() -> u32 {
    3
}

fn default_session_minutes() -> u32 {
    crate::course::service::DEFAULT_SESSION_MINUTES
}

fn default_grace() -> u32 {
    24
}

fn default_reminders() -> String {
    "7,1".into()
}

/// One session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSpec {
    pub date: NaiveDate,
    /// Local `HH:MM`; none for a session with only a date.
    #[serde(default)]
    pub time: Option<String>,
    pub title: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub notes_team: Option<String>,
    #[serde(default)]
    pub video_team: Option<String>,
    #[serde(default)]
    pub presenters: Option<String>,
    #[serde(default)]
    pub skipped: bool,
    /// The course post it was imported from, so importing that post again updates it.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub readings: Vec<ReadingSpec>,
}

/// A paper, by every identifier the exporting server knew.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arxiv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl PaperRef {
    /// How the paper is named in a report: its key, else arXiv id, DOI or title.
    pub fn shown(&self) -> String {
        let mut parts = Vec::new();
        if let Some(k) = &self.key {
            parts.push(k.clone());
        }
        if let Some(a) = &self.arxiv {
            parts.push(format!("arXiv:{a}"));
        }
        if let Some(d) = &self.doi {
            parts.push(format!("doi:{d}"));
        }
        if parts.is_empty() {
            if let Some(t) = &self.title {
                parts.push(format!("“{t}”"));
            }
        }
        parts.join(" / ")
    }
}

/// A reading of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arxiv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub required: bool,
}

impl ReadingSpec {
    pub fn paper(&self) -> PaperRef {
        PaperRef {
            key: self.key.clone(),
            arxiv: self.arxiv.clone(),
            doi: self.doi.clone(),
            title: self.title.clone(),
        }
    }
}

/// A team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamSpec {
    pub name: String,
    #[serde(default, with = "opt_id")]
    pub role: Option<u64>,
}

/// A presentation: a team presents a paper in a week's session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotSpec {
    pub paper: PaperRef,
    pub week: usize,
    pub team: String,
}

/// A note (only in files exported with notes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteSpec {
    pub paper: PaperRef,
    /// The week (1-based, as `/schedule` numbers them) whose readings hold the paper.
    #[serde(default)]
    pub week: Option<usize>,
    #[serde(with = "id")]
    pub author: u64,
    #[serde(default)]
    pub team: Option<String>,
    pub text: String,
    #[serde(default)]
    pub published: bool,
    pub written_at: DateTime<Utc>,
}

impl CourseFile {
    /// Reads a course file, or says what is wrong and where (`sessions[1].date: ...`).
    pub fn parse(bytes: &[u8]) -> Result<CourseFile, String> {
        // The header first: a file of another format or version is named as such instead
        // of failing on the first field this version does not know.
        #[derive(Deserialize)]
        struct Header {
            format: Option<serde_json::Value>,
            version: Option<serde_json::Value>,
        }
        let header: Header = serde_json::from_slice(bytes).map_err(|e| {
            format!("not a JSON object ({e}); a course file is what `course export` writes")
        })?;
        match header.format.as_ref().and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(format!(
                    "`format` is `{other}`, not `{FORMAT}`: this is not a paperclub course file"
                ))
            }
            None => {
                return Err(format!(
                    "no `\"format\": \"{FORMAT}\"`: this is not a paperclub course file"
                ))
            }
        }
        match header.version.as_ref().and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(VERSION) => {}
            Some(v) => {
                return Err(format!(
                "version {v} of the course file; this build of paperclub reads version {VERSION}"
            ))
            }
            None => return Err("no `version` number".into()),
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            // serde_json's message ends with the line and column.
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path.is_empty() || path == "." {
                inner.to_string()
            } else {
                format!("`{path}`: {inner}")
            }
        })
    }
}

/// A Discord id written as a string; a number is accepted too.
mod id {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&id.to_string())
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    pub(super) enum Written {
        Text(String),
        Number(u64),
    }

    impl Written {
        pub(super) fn id<E: serde::de::Error>(self) -> Result<u64, E> {
            match self {
                Written::Number(n) => Ok(n),
                Written::Text(t) => t
                    .trim()
                    .parse()
                    .map_err(|_| E::custom(format!("`{t}` is not a Discord id (digits only)"))),
            }
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        Written::deserialize(d)?.id()
    }
}

/// An optional Discord id, as [`id`].
mod opt_id {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match id {
            Some(id) => s.serialize_str(&id.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Option::<super::id::Written>::deserialize(d)?
            .map(|w| w.id())
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(extra: &str) -> String {
        format!(
            r#"{{"format": "paperclub-course", "version": 1,
  "course": {{"channel": "42", "timezone": "Europe/Berlin", "schedule": "MON 09:00"}}{extra}}}"#
        )
    }

    #[test]
    fn a_minimal_file_reads_with_defaults() {
        let file = CourseFile::parse(minimal("").as_bytes()).unwrap();
        assert_eq!(file.course.channel, 42);
        assert_eq!(file.course.grace_hours, 24);
        assert_eq!(file.course.reminders, "7,1");
        // A file from before session lengths existed has sessions of the default length.
        assert_eq!(file.course.session_minutes, 75);
        assert!(file.sessions.is_empty() && file.slots.is_empty() && file.notes.is_none());
    }

    #[test]
    fn mistakes_say_what_and_where() {
        let bad_date = minimal(r#", "sessions": [{"date": "2026-02-31", "title": "x"}]"#);
        let e = CourseFile::parse(bad_date.as_bytes()).unwrap_err();
        assert!(e.starts_with("`sessions[0].date`: "), "{e}");
        assert!(e.ends_with("at line 2 column 119"), "{e}");
        let typo = minimal(r#", "sesions": []"#);
        let e = CourseFile::parse(typo.as_bytes()).unwrap_err();
        assert!(e.contains("unknown field `sesions`"), "{e}");
        let e = CourseFile::parse(
            minimal("")
                .replace("\"version\": 1", "\"version\": 2")
                .as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "version 2 of the course file; this build of paperclub reads version 1"
        );
        let e = CourseFile::parse(br#"{"format": "csl-json", "version": 1}"#).unwrap_err();
        assert!(e.contains("not a paperclub course file"), "{e}");
        let e = CourseFile::parse(b"{\"format\": ").unwrap_err();
        assert!(e.starts_with("not a JSON object (EOF while parsing"), "{e}");
        let id = minimal("").replace("\"42\"", "\"#general\"");
        let e = CourseFile::parse(id.as_bytes()).unwrap_err();
        assert!(
            e.contains("`course.channel`") && e.contains("not a Discord id"),
            "{e}"
        );
    }
}
