//! What is due: pure functions of a course, its sessions, what was already announced and
//! now. The window rule: **the post at an occurrence announces every session whose date
//! (and time, if it has one) falls from that occurrence up to the next occurrence, in the
//! course's zone** (a session with only a date counts for its whole day, so it belongs to
//! the last post on or before that day). [`plan`] walks the occurrences from the course's
//! next unhandled one up to now and decides each: post its window's sessions, record them
//! as missed when the occurrence is older than the grace window, or nothing (an empty
//! window, or only holidays). A session announced once is not announced again unless its
//! date or time changed since; then the post says it moved. [`reminders`] finds the
//! presenter reminders that are due.

use crate::course::{Course, Session};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use std::collections::{HashMap, HashSet};

/// When a session was announced: its local date and time as the post gave them.
pub type Announced = HashMap<i64, (NaiveDate, Option<NaiveTime>)>;

/// One session a post announces; `moved_from` when an earlier post gave another date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Announce {
    pub session: i64,
    pub moved_from: Option<(NaiveDate, Option<NaiveTime>)>,
}

/// The outcome of one occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Announce these sessions now, in date order.
    Post(Vec<Announce>),
    /// Too late to post (down past the grace window); the sessions it would have announced.
    Missed(Vec<i64>),
    /// Nothing to announce in this window.
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub occurrence: DateTime<Utc>,
    pub outcome: Outcome,
}

/// The decisions for every occurrence up to `now`, and the next occurrence still ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub decisions: Vec<Decision>,
    pub next: Option<DateTime<Utc>>,
}

/// At most this many occurrences are decided per call; a course down for years catches up
/// over several ticks instead of one long transaction.
const MAX_DECISIONS: usize = 64;

pub fn plan(
    course: &Course,
    sessions: &[Session],
    announced: &Announced,
    now: DateTime<Utc>,
) -> Plan {
    let mut decisions = Vec::new();
    let mut next = course.next_post_at;
    while let Some(occurrence) = next {
        if occurrence > now || decisions.len() >= MAX_DECISIONS {
            break;
        }
        let following = course.next_occurrence(occurrence);
        let due = window(course, sessions, announced, occurrence, following);
        let outcome = if due.is_empty() {
            Outcome::Nothing
        } else if now - occurrence > course.grace {
            Outcome::Missed(due.iter().map(|a| a.session).collect())
        } else {
            Outcome::Post(due)
        };
        decisions.push(Decision {
            occurrence,
            outcome,
        });
        next = following;
    }
    Plan { decisions, next }
}

/// The sessions the post at `from` announces: those still to announce (never announced,
/// or announced with another date or time; holidays never) placed from `from` up to the
/// `following` occurrence (after the schedule's last one: the end of the term, if it has
/// one), in date order.
pub fn window(
    course: &Course,
    sessions: &[Session],
    announced: &Announced,
    from: DateTime<Utc>,
    following: Option<DateTime<Utc>>,
) -> Vec<Announce> {
    let until = following.or(course.term_end());
    let mut due: Vec<(DateTime<Utc>, Announce)> = sessions
        .iter()
        .filter_map(|s| {
            let announce = to_announce(s, announced)?;
            let at = s.announce_at(course.tz);
            (at >= from && until.is_none_or(|u| at < u)).then_some((at, announce))
        })
        .collect();
    due.sort_by_key(|(at, a)| (*at, a.session));
    due.into_iter().map(|(_, a)| a).collect()
}

/// Whether `s` still needs a post, and if so what an earlier post said of it.
fn to_announce(s: &Session, announced: &Announced) -> Option<Announce> {
    if s.skipped {
        return None;
    }
    match announced.get(&s.id) {
        Some(&(date, time)) if (date, time) == (s.date, s.time) => None,
        before => Some(Announce {
            session: s.id,
            moved_from: before.copied(),
        }),
    }
}

/// The first occurrence from the course's next unhandled one that will post something,
/// and what; `None` when no later post has a session to announce.
pub fn next_posting(
    course: &Course,
    sessions: &[Session],
    announced: &Announced,
) -> Option<(DateTime<Utc>, Vec<Announce>)> {
    // No window after the last session still to announce can hold one.
    let last = sessions
        .iter()
        .filter(|s| to_announce(s, announced).is_some())
        .map(|s| s.announce_at(course.tz))
        .max()?;
    let mut next = course.next_post_at;
    while let Some(occurrence) = next {
        if occurrence > last {
            return None;
        }
        let following = course.next_occurrence(occurrence);
        let due = window(course, sessions, announced, occurrence, following);
        if !due.is_empty() {
            return Some((occurrence, due));
        }
        next = following;
    }
    None
}

/// Sessions still to announce that no later post will: placed after `now` but before the
/// course's next unhandled occurrence (the class is tomorrow, the post next Monday), after
/// the schedule is over, or after the term's end. An instructor is told when such a
/// session is created.
pub fn unannounced<'a>(
    course: &Course,
    sessions: &'a [Session],
    announced: &Announced,
    now: DateTime<Utc>,
) -> Vec<&'a Session> {
    sessions
        .iter()
        .filter(|s| to_announce(s, announced).is_some())
        .filter(|s| {
            let at = s.announce_at(course.tz);
            at >= now
                && (course.next_post_at.is_none_or(|next| at < next)
                    || course.term_end().is_some_and(|end| at >= end))
        })
        .collect()
}

/// A presenter reminder to send now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueReminder {
    pub session: i64,
    pub days: u32,
    pub at: DateTime<Utc>,
}

/// When the `days`-before reminder of a session goes out: that many days earlier at the
/// session's local time (09:00 for a session with only a date).
pub fn reminder_at(course: &Course, session: &Session, days: u32) -> Option<DateTime<Utc>> {
    let time = session.time.unwrap_or(NaiveTime::from_hms_opt(9, 0, 0)?);
    course.local_instant(session.date - Duration::days(days as i64), time)
}

/// The reminders due at `now` (those not in `done`, not older than the grace window; of
/// several due for one session only the latest, so a bot back after a week sends one),
/// and when the next one falls due.
pub fn reminders(
    course: &Course,
    sessions: &[Session],
    done: &HashSet<(i64, u32)>,
    now: DateTime<Utc>,
) -> (Vec<DueReminder>, Vec<DueReminder>, Option<DateTime<Utc>>) {
    let (mut due, mut superseded, mut next) = (Vec::new(), Vec::new(), None::<DateTime<Utc>>);
    for s in sessions.iter().filter(|s| !s.skipped) {
        if s.presenters.as_deref().is_none_or(|p| p.trim().is_empty()) {
            continue;
        }
        // Days in decreasing order: the last due one is the closest to the session.
        let mut latest: Option<DueReminder> = None;
        for &days in &course.reminder_days {
            let Some(at) = reminder_at(course, s, days) else {
                continue;
            };
            if done.contains(&(s.id, days)) {
                continue;
            }
            if at > now {
                next = Some(next.map_or(at, |n| n.min(at)));
            } else if now - at <= course.grace {
                let r = DueReminder {
                    session: s.id,
                    days,
                    at,
                };
                if let Some(earlier) = latest.replace(r) {
                    superseded.push(earlier);
                }
            }
        }
        due.extend(latest);
    }
    (due, superseded, next)
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
