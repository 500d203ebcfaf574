//! Reading a chat line: the slash command typed as in Discord (`/paper search
//! query:scaling laws`, or the shorthand `/paper search scaling laws`), its options by name
//! or in order, into the same [`Request`] the bot's commands make.

use super::chat_values;
use crate::cite::CiteFormat;
use crate::course::{split_ids, CourseSettings, NewSession, SessionEdit};
use crate::dispatch::{CourseRequest, RecommendRequest, Request, SessionRequest};

/// What one input line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatLine {
    Request(Request),
    Quit,
    Empty,
    /// The line is not a command; the message says why.
    Invalid(String),
}

/// A command's options in order; the first takes text without a `name:`.
fn options_of(command: &str) -> Option<&'static [&'static str]> {
    Some(match command {
        "paper search" => &["query", "tag", "limit", "page"],
        "paper tag" => &["tag", "page"],
        "paper show" => &["paper"],
        "tags" => &["page"],
        "cite" => &["paper", "papers", "tag", "format"],
        "import" | "import file" => &["file", "replace"],
        "import list" => &[],
        "import remove" => &["list"],
        "recommend" => &["paper", "papers", "tag", "text", "session", "for", "limit"],
        "course setup" | "course edit" => &[
            "channel",
            "timezone",
            "schedule",
            "start",
            "end",
            "instructor_role",
            "grace_hours",
            "notes_public",
            "teams_locked",
            "reminders",
            "slots_per_team",
            "session_minutes",
        ],
        "course info" | "course status" | "course progress" | "schedule" => &[],
        "schedule preview" => &["at"],
        "session import" => &["file"],
        "session add" => &[
            "title",
            "date",
            "required",
            "optional",
            "notes",
            "video",
            "presenters",
        ],
        "session edit" => &[
            "week",
            "title",
            "required",
            "optional",
            "notes",
            "video",
            "presenters",
        ],
        "session skip" => &["week", "shift"],
        "session move" => &["week", "date"],
        "session remove" => &["week"],
        "session announce" => &["week"],
        "week" => &["week"],
        "help" => &[],
        c if super::team::chat_options(c).is_some() => super::team::chat_options(c)?,
        c if super::slot::chat_options(c).is_some() => super::slot::chat_options(c)?,
        c if super::progress::chat_options(c).is_some() => super::progress::chat_options(c)?,
        c if super::chat_transfer::chat_options(c).is_some() => {
            super::chat_transfer::chat_options(c)?
        }
        _ => return None,
    })
}

/// `/schedule preview`, `/import list|remove|file`: commands whose group also runs on its
/// own (`/schedule`, `/import file:x`), so the second word is a subcommand only when it
/// is one by name.
fn optional_sub<'a>(body: &'a str, first: &str) -> Option<(String, &'a str)> {
    let subs: &[&str] = match first {
        "schedule" => &["preview"],
        "import" => &["list", "remove", "file"],
        _ => return None,
    };
    let rest = body[first.len()..].trim_start();
    let (word, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let sub = subs.iter().find(|s| word.eq_ignore_ascii_case(s))?;
    Some((format!("{first} {sub}"), after.trim_start()))
}

/// Splits `query:scaling laws tag:llm` into options. A word `name:` starts an option only
/// when `name` is one of the command's options, so `arXiv:2001.08361` stays text.
fn split_options(rest: &str, names: &[&str]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for word in rest.split_whitespace() {
        let named = word
            .split_once(':')
            .filter(|(n, _)| names.contains(&n.to_ascii_lowercase().as_str()));
        match named {
            Some((name, value)) => {
                if let Some((n, words)) = current.take() {
                    out.push((n, words.join(" ")));
                }
                let words = if value.is_empty() {
                    vec![]
                } else {
                    vec![value]
                };
                current = Some((name.to_ascii_lowercase(), words));
            }
            None => match &mut current {
                Some((_, words)) => words.push(word),
                None => current = Some((names.first().unwrap_or(&"").to_string(), vec![word])),
            },
        }
    }
    if let Some((n, words)) = current {
        out.push((n, words.join(" ")));
    }
    for (_, v) in &mut out {
        let t = v.trim();
        if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
            *v = t[1..t.len() - 1].to_string();
        }
    }
    out
}

/// The subcommands of each command group, for a line that names none or a wrong one.
const GROUPS: &[(&str, &str)] = &[
    ("paper", "search, tag, show"),
    (
        "course",
        "setup, edit, info, status, progress, export, import",
    ),
    ("session", "import, add, edit, skip, move, remove, announce"),
    ("team", "create, join, leave, move, list, members"),
    ("note", "add, list, edit, delete, publish, history"),
    ("notes", "export"),
    (
        "slot",
        "claim, assign, release, swap, confirm, decline, list, export, autofill",
    ),
    ("read", "done, undo, list"),
];

fn unknown(command: &str) -> String {
    let (group, sub) = command.split_once(' ').unwrap_or((command, ""));
    match GROUPS.iter().find(|(g, _)| *g == group) {
        Some((g, subs)) if sub.is_empty() => format!("`/{g}` needs a subcommand: {subs}."),
        Some((g, subs)) => format!("`/{g}` has no subcommand `{sub}`; it has {subs}."),
        None => format!("Unknown command `/{command}`; try `/help`."),
    }
}

/// `/recommend`'s options: `paper:` and `papers:"k1 k2"` add up.
fn recommend_request(
    get: &dyn Fn(&str) -> Option<String>,
    limit: Option<usize>,
) -> RecommendRequest {
    let mut papers: Vec<String> = get("paper").into_iter().collect();
    papers.extend(get("papers").map(|p| split_ids(&p)).unwrap_or_default());
    RecommendRequest {
        papers,
        tag: get("tag"),
        text: get("text"),
        session: get("session"),
        for_whom: get("for"),
        limit,
        ..RecommendRequest::default()
    }
}

/// Parses one line of chat input.
pub fn parse_line(line: &str) -> ChatLine {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return ChatLine::Empty;
    }
    if matches!(line, "/quit" | "/exit" | "quit" | "exit") {
        return ChatLine::Quit;
    }
    let Some(body) = line.strip_prefix('/') else {
        return ChatLine::Invalid("Commands start with `/`; try `/help`.".into());
    };
    let mut words = body.splitn(3, char::is_whitespace);
    let first = words.next().unwrap_or("").to_ascii_lowercase();
    let (command, rest) = if matches!(
        first.as_str(),
        "paper" | "course" | "session" | "team" | "note" | "notes" | "slot" | "read"
    ) {
        let sub = words.next().unwrap_or("").to_ascii_lowercase();
        (format!("{first} {sub}"), words.next().unwrap_or(""))
    } else if let Some((command, rest)) = optional_sub(body, &first) {
        (command, rest)
    } else {
        let rest = body[first.len()..].trim_start();
        (first, rest)
    };
    let Some(names) = options_of(&command) else {
        return ChatLine::Invalid(unknown(&command));
    };
    let opts = split_options(rest, names);
    let get = |name: &str| {
        opts.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    // The ranges Discord declares for these options (`limit` is 1 to 50 in `/paper search`,
    // 1 to 20 in `/recommend`), so the chat refuses what the client would not send.
    let number = |name: &str, max: u64| -> Result<Option<usize>, String> {
        get(name)
            .map(|v| {
                chat_values::number_in(name, &v, 1, max)
                    .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
            })
            .transpose()
    };
    let page = match number("page", u64::MAX) {
        Ok(p) => p.unwrap_or(1).saturating_sub(1),
        Err(e) => return ChatLine::Invalid(e),
    };
    let request = match command.as_str() {
        "paper search" => match number("limit", 50) {
            Ok(limit) => Request::Search {
                query: get("query").unwrap_or_default(),
                tag: get("tag"),
                limit,
                page,
            },
            Err(e) => return ChatLine::Invalid(e),
        },
        "paper tag" => Request::Tag {
            tag: get("tag").unwrap_or_default(),
            page,
        },
        "paper show" => Request::Show {
            paper: get("paper").unwrap_or_default(),
        },
        "tags" => Request::Tags { page },
        "cite" => {
            let format = match get("format") {
                None => CiteFormat::Bibtex,
                Some(f) => match CiteFormat::parse(&f) {
                    Some(f) => f,
                    None => {
                        return ChatLine::Invalid(format!(
                            "Unknown format `{f}`; use bibtex, biblatex, apa, mla, chicago, ieee or markdown."
                        ))
                    }
                },
            };
            Request::Cite {
                paper: get("paper"),
                papers: get("papers"),
                tag: get("tag"),
                format,
            }
        }
        "recommend" => match number("limit", 20) {
            Ok(limit) => Request::Recommend(recommend_request(&get, limit)),
            Err(e) => return ChatLine::Invalid(e),
        },
        "import" | "import file" => {
            let Some(path) = get("file") else {
                return ChatLine::Invalid("Give a file: `/import file:path/to/list.md`.".into());
            };
            match std::fs::read(&path) {
                Ok(bytes) => Request::Import {
                    filename: path,
                    bytes,
                    replace: get("replace"),
                },
                Err(e) => return ChatLine::Invalid(format!("Cannot read {path}: {e}")),
            }
        }
        "import list" => Request::Lists,
        "import remove" => match get("list") {
            Some(list) => Request::RemoveList { list },
            None => {
                return ChatLine::Invalid(
                    "Say which list: `/import remove list:readings.md`.".into(),
                )
            }
        },
        "course setup" | "course edit" => {
            let settings = match course_settings(&get) {
                Ok(s) => s,
                Err(e) => return ChatLine::Invalid(e),
            };
            Request::Course(if command == "course setup" {
                CourseRequest::Setup(settings)
            } else {
                CourseRequest::Edit(settings)
            })
        }
        "course info" => Request::Course(CourseRequest::Info),
        "course status" => Request::Course(CourseRequest::Status),
        "course progress" => Request::Course(CourseRequest::Progress),
        "schedule" => Request::Schedule,
        "schedule preview" => Request::Course(CourseRequest::Preview { at: get("at") }),
        "week" => Request::Week { week: get("week") },
        "session import" => {
            let Some(path) = get("file") else {
                return ChatLine::Invalid(
                    "Give a course post: `/session import file:path/to/post.md`.".into(),
                );
            };
            match std::fs::read(&path) {
                Ok(bytes) => Request::Session(SessionRequest::Import {
                    files: vec![(path, bytes)],
                }),
                Err(e) => return ChatLine::Invalid(format!("Cannot read {path}: {e}")),
            }
        }
        "session add" => {
            let list = |name: &str| -> Vec<String> {
                get(name).as_deref().map(split_ids).unwrap_or_default()
            };
            Request::Session(SessionRequest::Add(NewSession {
                date: get("date").unwrap_or_default(),
                title: get("title").unwrap_or_default(),
                required: list("required"),
                optional: list("optional"),
                notes_team: get("notes"),
                video_team: get("video"),
                presenters: get("presenters"),
            }))
        }
        "session edit" | "session skip" | "session move" | "session remove"
        | "session announce" => {
            let week = match number("week", u64::MAX) {
                Ok(Some(w)) => w,
                Ok(None) => return ChatLine::Invalid("Say which week: `week:3`.".into()),
                Err(e) => return ChatLine::Invalid(e),
            };
            Request::Session(match command.as_str() {
                "session skip" => SessionRequest::Skip {
                    week,
                    shift: get("shift").is_some_and(|v| matches!(v.as_str(), "true" | "yes" | "1")),
                },
                "session edit" => {
                    let list = |name: &str| get(name).as_deref().map(split_ids);
                    SessionRequest::Edit {
                        week,
                        edit: SessionEdit {
                            title: get("title"),
                            required: list("required"),
                            optional: list("optional"),
                            notes_team: get("notes"),
                            video_team: get("video"),
                            presenters: get("presenters"),
                        },
                    }
                }
                "session announce" => SessionRequest::Announce { week },
                "session move" => SessionRequest::Move {
                    week,
                    date: get("date").unwrap_or_default(),
                },
                _ => SessionRequest::Remove { week },
            })
        }
        other if super::progress::chat_options(other).is_some() => {
            match super::progress::chat_request(other, &get) {
                Some(r) => r,
                None => Request::Help,
            }
        }
        other => match super::team::chat_request(other, &get)
            .or_else(|| super::slot::chat_request(other, &get))
            .or_else(|| super::chat_transfer::chat_request(other, &get))
        {
            Some(Ok(r)) => r,
            Some(Err(e)) => return ChatLine::Invalid(e),
            None => Request::Help,
        },
    };
    ChatLine::Request(request)
}

/// `/course setup` options; a channel may be typed as an id or as `<#id>`.
fn course_settings(get: &dyn Fn(&str) -> Option<String>) -> Result<CourseSettings, String> {
    let id = |name: &str| -> Result<Option<u64>, String> {
        get(name)
            .map(|v| chat_values::discord_id(name, &v))
            .transpose()
    };
    // Discord declares 0 to 336 grace hours; slots and minutes are checked, with their own
    // message, by the course service, as for the command line.
    let number = |name: &str, max: u64| -> Result<Option<u32>, String> {
        get(name)
            .map(|v| chat_values::number_in(name, &v, 0, max).map(|n| n as u32))
            .transpose()
    };
    let grace_hours = number("grace_hours", 336)?;
    let flag = |name: &str| match get(name).as_deref() {
        None => Ok(None),
        Some("true" | "yes" | "1") => Ok(Some(true)),
        Some("false" | "no" | "0") => Ok(Some(false)),
        Some(v) => Err(format!("`{name}` is true or false, got `{v}`")),
    };
    Ok(CourseSettings {
        channel: id("channel")?,
        timezone: get("timezone"),
        schedule: get("schedule"),
        start: get("start"),
        end: get("end"),
        instructor_role: id("instructor_role")?,
        grace_hours,
        notes_public: flag("notes_public")?,
        teams_locked: flag("teams_locked")?,
        reminders: get("reminders"),
        slots_per_team: number("slots_per_team", u32::MAX.into())?,
        session_minutes: number("session_minutes", u32::MAX.into())?,
    })
}

/// The request a chat line makes (tests of each command group's parsing).
#[cfg(test)]
pub(super) fn request(line: &str) -> Request {
    match parse_line(line) {
        ChatLine::Request(r) => r,
        other => panic!("{line}: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_options_and_shorthand_give_the_same_request() {
        let want = Request::Search {
            query: "scaling laws".into(),
            tag: None,
            limit: None,
            page: 0,
        };
        assert_eq!(request("/paper search query:scaling laws"), want);
        assert_eq!(request("/paper search scaling laws"), want);
    }

    #[test]
    fn options_split_only_on_the_commands_own_names() {
        assert_eq!(
            request("/paper search arXiv:2001.08361 tag:Scaling Laws limit:3"),
            Request::Search {
                query: "arXiv:2001.08361".into(),
                tag: Some("Scaling Laws".into()),
                limit: Some(3),
                page: 0,
            }
        );
        assert_eq!(
            request("/cite papers:\"kaplan2020scaling hoffmann2022training\" format:apa"),
            Request::Cite {
                paper: None,
                papers: Some("kaplan2020scaling hoffmann2022training".into()),
                tag: None,
                format: CiteFormat::Apa,
            }
        );
    }

    #[test]
    fn import_runs_alone_or_with_list_remove_and_file() {
        assert_eq!(request("/import list"), Request::Lists);
        assert_eq!(
            request("/import remove list:message (2).txt"),
            Request::RemoveList {
                list: "message (2).txt".into()
            }
        );
        assert_eq!(
            request("/schedule preview at:2026-03-02"),
            Request::Course(CourseRequest::Preview {
                at: Some("2026-03-02".into())
            })
        );
        assert_eq!(request("/schedule"), Request::Schedule);
        // A file argument, with or without the subcommand's name, is the file to read.
        for line in [
            "/import file:/nonexistent/x.md",
            "/import file file:/nonexistent/x.md",
        ] {
            assert!(
                matches!(parse_line(line), ChatLine::Invalid(m) if m.contains("/nonexistent/x.md")),
                "{line}"
            );
        }
    }

    #[test]
    fn course_edit_takes_the_session_length() {
        assert_eq!(
            request("/course edit session_minutes:90"),
            Request::Course(CourseRequest::Edit(CourseSettings {
                session_minutes: Some(90),
                ..CourseSettings::default()
            }))
        );
        assert!(
            matches!(parse_line("/course edit session_minutes:long"), ChatLine::Invalid(m) if m.contains("`session_minutes` must be a whole number"))
        );
    }

    #[test]
    fn mistakes_are_explained_not_guessed() {
        assert!(
            matches!(parse_line("/paper searhc x"), ChatLine::Invalid(m) if m.contains("no subcommand `searhc`; it has search, tag, show"))
        );
        assert!(
            matches!(parse_line("/slot"), ChatLine::Invalid(m) if m.starts_with("`/slot` needs a subcommand: claim,"))
        );
        assert!(
            matches!(parse_line("/frobnicate"), ChatLine::Invalid(m) if m.contains("Unknown command `/frobnicate`"))
        );
        assert!(
            matches!(parse_line("/cite x format:harvard"), ChatLine::Invalid(m) if m.contains("harvard"))
        );
        assert!(
            matches!(parse_line("/paper search x limit:ten"), ChatLine::Invalid(m) if m.contains("limit"))
        );
        assert_eq!(parse_line("   "), ChatLine::Empty);
        assert_eq!(parse_line("/quit"), ChatLine::Quit);
    }

    /// `line` is refused with a message that says `says`.
    fn assert_invalid(line: &str, says: &str) {
        assert!(
            matches!(parse_line(line), ChatLine::Invalid(ref m) if m.contains(says)),
            "{line}: {:?}",
            parse_line(line)
        );
    }

    #[test]
    fn a_mistyped_id_or_number_is_refused_not_read_as_another() {
        // Picking the digits out of `-1` once edited and deleted note 1.
        for line in [
            "/note edit note:-1 text:x",
            "/note delete note:-1",
            "/note publish note:1x",
            "/slot confirm swap:-2",
            "/notes export session:-2",
            "/course setup channel:-7 timezone:UTC schedule:MON 09:00",
            "/team create team-5 role:-55",
        ] {
            assert_invalid(line, "must be");
        }
        assert_eq!(
            request("/note delete note:#3"),
            Request::Note(crate::dispatch::NoteRequest::Delete { note: 3 })
        );
        // Discord's client refuses a limit outside the option's range; so does the chat.
        for line in [
            "/paper search x limit:0",
            "/paper search x limit:-5",
            "/paper search x limit:51",
            "/recommend tag:x limit:21",
        ] {
            assert_invalid(line, "whole number from 1 to");
        }
        assert_eq!(parse_line("/quit"), ChatLine::Quit);
    }
}
