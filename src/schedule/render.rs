//! The weekly post as Discord messages: the session's title and time as Discord timestamps,
//! required readings first, then optional ones, each with its link and citation key, the
//! notes, video and presenting teams, and any week that was missed since the last post. A
//! long week splits across messages at line boundaries; every message ends with a small
//! marker line that lets a restarted bot find a message it sent before crashing.

use super::Mentions;
use crate::course::Session;
use crate::markdown::escape;
use crate::model::Paper;
use crate::view::limits::{truncate, CONTENT};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use regex::Regex;
use std::sync::LazyLock;

static MENTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<@(&|!)?(\d{1,20})>").expect("static regex"));

/// The roles and users named in a session's presenters (`<@&role>`, `<@user>`): the only
/// ones a presenter reminder may ping.
pub fn presenter_mentions(presenters: &str) -> Mentions {
    let mut m = Mentions::default();
    for c in MENTION.captures_iter(presenters) {
        // No Discord id is 0 (nor above u64); such a mention is shown but pings nobody.
        let Ok(id @ 1..) = c[2].parse::<u64>() else {
            continue;
        };
        let list = if c.get(1).is_some_and(|k| k.as_str() == "&") {
            &mut m.roles
        } else {
            &mut m.users
        };
        if !list.contains(&id) {
            list.push(id);
        }
    }
    m
}

/// Presenters as shown: mentions stay mentions (they render as names; whether they ping is
/// decided by the message's allowed mentions), everything else is escaped.
fn presenters_text(text: &str) -> String {
    let text = truncate(text, 200);
    let mut out = String::new();
    let mut last = 0;
    for m in MENTION.find_iter(&text) {
        out.push_str(&escape(&text[last..m.start()]));
        out.push_str(m.as_str());
        last = m.end();
    }
    out.push_str(&escape(&text[last..]));
    out
}

/// What a post says about one session.
pub struct SessionPost<'a> {
    pub week: usize,
    pub session: &'a Session,
    pub required: &'a [Paper],
    pub optional: &'a [Paper],
    /// The local date and time an earlier post gave the session, when it moved since.
    pub moved_from: Option<(NaiveDate, Option<NaiveTime>)>,
}

/// What a post says: every session of its window, in date order.
pub struct PostInput<'a> {
    pub sessions: &'a [SessionPost<'a>],
    /// Occurrences missed since the previous post.
    pub missed: &'a [DateTime<Utc>],
}

/// What names one post for Discord, whatever its row: the guild, the kind (`weekly`,
/// `reminder-7`), the occurrence's instant and, for a reminder, its session. The row id
/// would not do: a restored backup hands the ids of posts made after it to new ones, and a
/// claim made again after a restore must find the message the first one sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostKey {
    pub guild: i64,
    pub kind: String,
    pub occurrence_at: i64,
    pub session: Option<i64>,
}

impl PostKey {
    /// A weekly post is one per occurrence (its sessions may change until it is claimed),
    /// so its session is left out; a reminder is one per session and occurrence.
    pub fn new(guild: i64, kind: &str, occurrence_at: i64, session: Option<i64>) -> PostKey {
        PostKey {
            guild,
            kind: kind.to_string(),
            occurrence_at,
            session: session.filter(|_| kind != "weekly"),
        }
    }

    /// 64 bits of FNV-1a over the key: the same in every build and on every machine
    /// (std's hasher promises neither).
    fn digest(&self) -> u64 {
        let text = format!(
            "{}|{}|{}|{}",
            self.guild,
            self.kind,
            self.occurrence_at,
            self.session.unwrap_or(0)
        );
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
}

/// The marker line of part `part` (1-based) of `parts` of the post `key`.
pub fn marker(key: &PostKey, part: usize, parts: usize) -> String {
    let kind = if key.kind == "weekly" {
        "weekly post"
    } else {
        key.kind.as_str()
    };
    format!("paperclub {kind} {:016x} · {part}/{parts}", key.digest())
}

/// The nonce Discord deduplicates a message by (at most 25 characters: 2 + 16 + 1 + 3).
pub fn nonce(key: &PostKey, part: usize) -> String {
    format!("pc{:016x}p{}", key.digest(), part.min(999))
}

/// The post's messages, each within Discord's 2,000 characters with its marker.
pub fn render(key: &PostKey, input: &PostInput<'_>) -> Vec<String> {
    let mut lines = Vec::new();
    for (i, session) in input.sessions.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        lines.extend(session_lines(session));
    }
    if !input.missed.is_empty() {
        let when: Vec<String> = input
            .missed
            .iter()
            .map(|t| format!("<t:{}:f>", t.timestamp()))
            .collect();
        lines.push(String::new());
        lines.push(format!(
            "⚠️ The post scheduled for {} was missed: paperclub was offline past the grace window.",
            when.join(", ")
        ));
    }
    pack(key, &lines)
}

fn session_lines(input: &SessionPost<'_>) -> Vec<String> {
    let s = input.session;
    let ts = s.starts_at.timestamp();
    let when = match s.time {
        Some(_) => format!("<t:{ts}:F> (<t:{ts}:R>)"),
        None => format!("{} (<t:{ts}:R>)", day(s.date)),
    };
    let mut lines = vec![format!("📚 **{}**", week_title(input.week, &s.title)), when];
    if let Some((date, time)) = input.moved_from {
        let time = time
            .map(|t| t.format(" %H:%M").to_string())
            .unwrap_or_default();
        lines.push(format!(
            "🔁 Moved: an earlier post gave {}{time}.",
            day(date)
        ));
    }
    for (label, papers) in [
        ("Required readings", input.required),
        ("Optional readings", input.optional),
    ] {
        if papers.is_empty() {
            continue;
        }
        lines.push(String::new());
        lines.push(format!("**{label}**"));
        lines.extend(
            papers
                .iter()
                .enumerate()
                .map(|(i, p)| reading_line(i + 1, p)),
        );
    }
    if input.required.is_empty() && input.optional.is_empty() {
        lines.push(String::new());
        lines.push("No readings listed for this session yet.".into());
    }
    let mut teams: Vec<String> = [("Notes", &s.notes_team), ("Video", &s.video_team)]
        .into_iter()
        .filter_map(|(label, team)| {
            team.as_deref()
                .map(|t| format!("{label}: {}", escape(&truncate(t, 100))))
        })
        .collect();
    if let Some(p) = s.presenters.as_deref().filter(|p| !p.trim().is_empty()) {
        teams.push(format!("Presenting: {}", presenters_text(p)));
    }
    if !teams.is_empty() {
        lines.push(String::new());
        lines.push(teams.join(" · "));
    }
    lines
}

/// `Week 3 · Scaling laws`, or the title alone when it already names its week.
pub fn week_title(week: usize, title: &str) -> String {
    let shown = escape(&truncate(title, 200));
    if crate::course::names_its_week(title) {
        shown
    } else {
        format!("Week {week} · {shown}")
    }
}

/// A session's day as plain text: a date has no instant, and a Discord timestamp would show
/// students in other zones the day before or after.
pub fn day(date: chrono::NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// A presenter reminder: who presents which week when, and the readings to prepare.
pub fn reminder(key: &PostKey, week: usize, s: &Session, required: &[Paper]) -> Vec<String> {
    let ts = s.starts_at.timestamp();
    let when = match s.time {
        Some(_) => format!("<t:{ts}:F>"),
        None => day(s.date),
    };
    let who = presenters_text(s.presenters.as_deref().unwrap_or_default());
    let mut lines = vec![format!(
        "⏰ **Reminder:** {who}, you present **{}** on {when} (<t:{ts}:R>).",
        week_title(week, &s.title)
    )];
    if !required.is_empty() {
        lines.push(String::new());
        lines.push("**Required readings**".into());
        lines.extend(
            required
                .iter()
                .enumerate()
                .map(|(i, p)| reading_line(i + 1, p)),
        );
    }
    pack(key, &lines)
}

fn reading_line(n: usize, p: &Paper) -> String {
    let title = escape(&truncate(&p.title, 250));
    let title = match p.primary_url() {
        // `<url>`: a link without an embed preview, so a week's post stays one message.
        Some(url) => format!("[{title}](<{url}>)"),
        None => title,
    };
    let year = p.year.map(|y| format!(" ({y})")).unwrap_or_default();
    format!("{n}. {title}{year} · `{}`", p.key.replace('`', "'"))
}

/// Packs lines into messages of at most 2,000 characters including the marker line.
fn pack(key: &PostKey, lines: &[String]) -> Vec<String> {
    // Room for "\n-# " and the longest marker.
    let budget = CONTENT - 4 - marker(key, 99, 99).chars().count();
    let mut parts: Vec<String> = vec![String::new()];
    for line in lines {
        let line = truncate(line, budget);
        let current = parts.last_mut().expect("never empty");
        let len = current.chars().count();
        if len > 0 && len + 1 + line.chars().count() > budget {
            parts.push(line);
        } else {
            if len > 0 {
                current.push('\n');
            }
            current.push_str(&line);
        }
    }
    let n = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, text)| format!("{}\n-# {}", text.trim_end(), marker(key, i + 1, n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn paper(i: usize) -> Paper {
        Paper {
            id: i as i64,
            key: format!("key{i}"),
            title: format!("A [paper] about *things* number {i} @everyone"),
            authors: vec![],
            year: Some(2020),
            venue: None,
            tags: vec![],
            links: vec![],
            arxiv: Some(format!("2001.{:05}", i)),
            doi: None,
            abstract_text: None,
            note: None,
            sources: vec![],
            bibtex: None,
        }
    }

    fn weekly(at: i64) -> PostKey {
        PostKey::new(7, "weekly", at, Some(1))
    }

    #[test]
    fn a_posts_marker_and_nonce_name_the_claim_not_the_row() {
        let key = weekly(1_772_438_400);
        // The same claim made again (after a restore, in another row, for another session
        // list) has the same marker and nonce.
        assert_eq!(marker(&key, 1, 2), marker(&weekly(1_772_438_400), 1, 2));
        assert_eq!(key, PostKey::new(7, "weekly", 1_772_438_400, None));
        assert!(marker(&key, 1, 2).starts_with("paperclub weekly post "));
        // Anything else that differs makes another post.
        let others = [
            weekly(1_773_043_200),
            PostKey::new(8, "weekly", 1_772_438_400, None),
            PostKey::new(7, "reminder-7", 1_772_438_400, Some(1)),
            PostKey::new(7, "reminder-7", 1_772_438_400, Some(2)),
        ];
        for other in &others {
            assert_ne!(marker(&key, 1, 1), marker(other, 1, 1), "{other:?}");
            assert_ne!(nonce(&key, 1), nonce(other, 1), "{other:?}");
        }
        assert_ne!(nonce(&key, 1), nonce(&key, 2));
        for part in [1, 9, 99, 1000] {
            assert!(nonce(&key, part).chars().count() <= 25);
        }
    }

    fn session() -> Session {
        Session {
            id: 1,
            date: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
            time: None,
            starts_at: DateTime::parse_from_rfc3339("2026-03-02T23:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            title: "Scaling **laws**".into(),
            tags: vec![],
            notes_team: Some("team-5".into()),
            video_team: None,
            presenters: None,
            skipped: false,
            readings: vec![],
        }
    }

    #[test]
    fn required_before_optional_with_links_keys_teams_and_a_marker() {
        let s = session();
        let parts = render(
            &weekly(1_772_438_400),
            &PostInput {
                sessions: &[SessionPost {
                    week: 3,
                    session: &s,
                    required: &[paper(1)],
                    optional: &[paper(2)],
                    moved_from: None,
                }],
                missed: &[],
            },
        );
        assert_eq!(parts.len(), 1);
        let text = &parts[0];
        assert!(
            text.starts_with(
                "📚 **Week 3 · Scaling \\*\\*laws\\*\\***\nTuesday 3 March 2026 (<t:1772492400:R>)"
            ),
            "{text}"
        );
        let req = text.find("Required readings").unwrap();
        let opt = text.find("Optional readings").unwrap();
        assert!(req < opt);
        assert!(text.contains("[A \\[paper\\] about \\*things\\* number 1 @everyone](<https://arxiv.org/abs/2001.00001>) (2020) · `key1`"));
        assert!(text.contains("Notes: team-5"));
        assert_eq!(
            presenter_mentions("team-2 <@&55> and <@!66>, <@77> <@&55>"),
            Mentions {
                roles: vec![55],
                users: vec![66, 77]
            }
        );
        // serenity panics on an id of 0; a huge one is no id either.
        assert_eq!(
            presenter_mentions("<@&0> <@0> <@99999999999999999999> <@&5>"),
            Mentions {
                roles: vec![5],
                users: vec![]
            }
        );
        assert_eq!(presenters_text("<@&55> *and* me"), "<@&55> \\*and\\* me");
        assert!(text.ends_with(&format!("-# {}", marker(&weekly(1_772_438_400), 1, 1))));
    }

    #[test]
    fn a_long_week_splits_into_messages_within_discords_limit() {
        let s = session();
        let many: Vec<Paper> = (0..60).map(paper).collect();
        let key = weekly(1_773_043_200);
        let parts = render(
            &key,
            &PostInput {
                sessions: &[SessionPost {
                    week: 1,
                    session: &s,
                    required: &many,
                    optional: &[],
                    moved_from: None,
                }],
                missed: &[],
            },
        );
        assert!(parts.len() > 1);
        for (i, p) in parts.iter().enumerate() {
            assert!(p.chars().count() <= CONTENT);
            assert!(p.ends_with(&marker(&key, i + 1, parts.len())));
        }
        let all = parts.join("\n");
        for i in 0..60 {
            assert!(all.contains(&format!("`key{i}`")));
        }
    }

    #[test]
    fn a_window_of_two_sessions_lists_both_in_order_and_a_moved_one_says_so() {
        let (a, mut b) = (session(), session());
        b.title = "Mixture of experts".into();
        b.date = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        let was = NaiveDate::from_ymd_opt(2026, 2, 26).unwrap();
        let parts = render(
            &weekly(1_773_648_000),
            &PostInput {
                sessions: &[
                    SessionPost {
                        week: 3,
                        session: &a,
                        required: &[paper(1)],
                        optional: &[],
                        moved_from: None,
                    },
                    SessionPost {
                        week: 4,
                        session: &b,
                        required: &[],
                        optional: &[],
                        moved_from: Some((was, None)),
                    },
                ],
                missed: &[],
            },
        );
        let text = parts.join("\n");
        let first = text.find("Week 3 · Scaling").unwrap();
        let second = text.find("Week 4 · Mixture of experts").unwrap();
        assert!(first < second, "{text}");
        assert!(text.contains("Thursday 5 March 2026"), "{text}");
        assert!(
            text.contains("🔁 Moved: an earlier post gave Thursday 26 February 2026."),
            "{text}"
        );
        assert_eq!(text.matches("🔁").count(), 1, "{text}");
    }
}
