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
        let until = following.or(course.term_end());
        let due = window(course, sessions, announced, occurrence, until);
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
/// or announced with another date or time; holidays never) placed from `from` up to
/// `until` (after the schedule's last occurrence: the end of the term, if it has one), in
/// date order.
pub fn window(
    course: &Course,
    sessions: &[Session],
    announced: &Announced,
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
) -> Vec<Announce> {
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
        let due = window(
            course,
            sessions,
            announced,
            occurrence,
            following.or(course.term_end()),
        );
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
mod tests {
    use super::*;
    use crate::course::when::{parse_zone, Schedule};
    use chrono::{NaiveDate, TimeZone};

    fn course(next: &str) -> Course {
        Course {
            guild_id: 1,
            channel_id: 2,
            tz: parse_zone("Europe/Berlin").unwrap(),
            schedule: Schedule::parse("MON 09:00").unwrap(),
            schedule_input: "MON 09:00".into(),
            start: None,
            end: None,
            instructor_role: None,
            grace: Duration::hours(24),
            notes_public: false,
            slots_per_team: 3,
            session_minutes: 75,
            reminder_days: vec![7, 1],
            next_post_at: Some(at(next)),
            next_reminder_at: None,
            paused_reason: None,
            claim_error: None,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn session(id: i64, date: &str) -> Session {
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        Session {
            id,
            date,
            time: None,
            starts_at: Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap()),
            title: format!("S{id}"),
            tags: vec![],
            notes_team: None,
            video_team: None,
            presenters: None,
            skipped: false,
            readings: vec![],
        }
    }

    // Mondays 2026-03-02, 03-09, 03-16 at 09:00 Berlin = 08:00 UTC.
    fn term() -> Vec<Session> {
        vec![
            session(1, "2026-03-03"),
            session(2, "2026-03-10"),
            session(3, "2026-03-17"),
        ]
    }

    fn none() -> Announced {
        Announced::new()
    }

    fn posted(outcome: &Outcome) -> Vec<i64> {
        match outcome {
            Outcome::Post(a) => a.iter().map(|a| a.session).collect(),
            _ => vec![],
        }
    }

    fn announced(sessions: &[Session], ids: &[i64]) -> Announced {
        sessions
            .iter()
            .filter(|s| ids.contains(&s.id))
            .map(|s| (s.id, (s.date, s.time)))
            .collect()
    }

    #[test]
    fn nothing_is_due_before_the_occurrence_and_its_window_at_it() {
        let c = course("2026-03-02T08:00:00Z");
        let p = plan(&c, &term(), &none(), at("2026-03-02T07:59:59Z"));
        assert!(p.decisions.is_empty());
        assert_eq!(p.next, Some(at("2026-03-02T08:00:00Z")));
        let p = plan(&c, &term(), &none(), at("2026-03-02T08:00:00Z"));
        assert_eq!(posted(&p.decisions[0].outcome), [1]);
        assert_eq!(p.next, Some(at("2026-03-09T08:00:00Z")));
    }

    #[test]
    fn a_tuesday_and_thursday_seminar_gets_one_monday_post_listing_both_in_order() {
        let c = course("2026-03-02T08:00:00Z");
        let sessions = vec![
            session(2, "2026-03-05"),
            session(1, "2026-03-03"),
            session(3, "2026-03-10"),
            session(4, "2026-03-12"),
        ];
        let p = plan(&c, &sessions, &none(), at("2026-03-02T08:00:00Z"));
        assert_eq!(posted(&p.decisions[0].outcome), [1, 2]);
        let done = announced(&sessions, &[1, 2]);
        let mut c = c;
        c.next_post_at = p.next;
        let p = plan(&c, &sessions, &done, at("2026-03-09T08:00:00Z"));
        assert_eq!(posted(&p.decisions[0].outcome), [3, 4]);
    }

    #[test]
    fn a_tue_thu_schedule_posts_each_session_in_its_own_post() {
        let mut c = course("2026-03-03T08:00:00Z");
        c.schedule = Schedule::parse("TUE,THU 09:00").unwrap();
        c.grace = Duration::days(3);
        let sessions = vec![session(1, "2026-03-03"), session(2, "2026-03-05")];
        let p = plan(&c, &sessions, &none(), at("2026-03-05T08:00:00Z"));
        let outcomes: Vec<_> = p.decisions.iter().map(|d| posted(&d.outcome)).collect();
        assert_eq!(outcomes, [vec![1], vec![2]]);
    }

    #[test]
    fn a_monthly_schedule_announces_the_months_sessions() {
        let mut c = course("2026-03-01T08:00:00Z");
        c.schedule = Schedule::parse("0 9 1 * *").unwrap();
        let sessions = vec![
            session(1, "2026-03-03"),
            session(2, "2026-03-24"),
            session(3, "2026-04-07"),
        ];
        let p = plan(&c, &sessions, &none(), at("2026-03-01T08:00:00Z"));
        assert_eq!(posted(&p.decisions[0].outcome), [1, 2]);
    }

    #[test]
    fn a_course_set_up_ten_days_before_its_first_session_posts_nothing_until_that_week() {
        // Set up on Friday 2026-02-27; the first session is Monday 2026-03-09.
        let c = course("2026-03-02T08:00:00Z");
        let sessions = vec![session(1, "2026-03-09"), session(2, "2026-03-16")];
        let p = plan(&c, &sessions, &none(), at("2026-03-16T08:00:00Z"));
        let outcomes: Vec<_> = p.decisions.iter().map(|d| d.outcome.clone()).collect();
        assert_eq!(
            outcomes[0],
            Outcome::Nothing,
            "03-02's window has no session"
        );
        assert_eq!(
            outcomes[1],
            Outcome::Missed(vec![1]),
            "down past the grace window"
        );
        assert_eq!(
            posted(&outcomes[2]),
            [2],
            "the last session in its own week"
        );
    }

    #[test]
    fn an_occurrence_past_the_grace_window_is_missed_and_the_latest_is_posted() {
        let c = course("2026-03-02T08:00:00Z");
        let p = plan(&c, &term(), &none(), at("2026-03-09T10:00:00Z"));
        let outcomes: Vec<_> = p.decisions.iter().map(|d| d.outcome.clone()).collect();
        assert_eq!(outcomes[0], Outcome::Missed(vec![1]));
        assert_eq!(posted(&outcomes[1]), [2]);
    }

    #[test]
    fn an_announced_session_is_never_chosen_again_and_a_holiday_posts_nothing() {
        let c = course("2026-03-09T08:00:00Z");
        let mut sessions = term();
        sessions[1].skipped = true;
        let p = plan(&c, &sessions, &none(), at("2026-03-09T08:00:00Z"));
        assert_eq!(p.decisions[0].outcome, Outcome::Nothing);
        let p = plan(
            &c,
            &term(),
            &announced(&term(), &[2]),
            at("2026-03-09T08:00:00Z"),
        );
        assert_eq!(p.decisions[0].outcome, Outcome::Nothing);
    }

    #[test]
    fn a_session_moved_after_its_post_is_announced_again_in_its_new_window_as_moved() {
        let c = course("2026-03-09T08:00:00Z");
        let done = announced(&term(), &[1, 2]);
        let mut sessions = term();
        // Week 2, announced for 03-10, moves to 03-19.
        sessions[1].date = NaiveDate::from_ymd_opt(2026, 3, 19).unwrap();
        let p = plan(&c, &sessions, &done, at("2026-03-16T08:00:00Z"));
        let outcomes: Vec<_> = p.decisions.iter().map(|d| d.outcome.clone()).collect();
        assert_eq!(
            outcomes[0],
            Outcome::Nothing,
            "03-09's window lost its session"
        );
        let Outcome::Post(a) = &outcomes[1] else {
            panic!("{outcomes:?}")
        };
        assert_eq!(a.iter().map(|a| a.session).collect::<Vec<_>>(), [3, 2]);
        let from = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        assert_eq!(a[0].moved_from, None);
        assert_eq!(a[1].moved_from, Some((from, None)));
    }

    #[test]
    fn after_the_last_session_there_is_nothing_to_post_and_no_next_posting() {
        let c = course("2026-03-23T08:00:00Z");
        let done = announced(&term(), &[1, 2, 3]);
        let p = plan(&c, &term(), &done, at("2026-03-23T08:00:00Z"));
        assert_eq!(p.decisions[0].outcome, Outcome::Nothing);
        assert_eq!(next_posting(&c, &term(), &done), None);
    }

    #[test]
    fn the_next_posting_skips_empty_windows() {
        let c = course("2026-03-02T08:00:00Z");
        let sessions = vec![session(1, "2026-03-18")];
        let (at_, due) = next_posting(&c, &sessions, &none()).unwrap();
        assert_eq!(at_, at("2026-03-16T08:00:00Z"));
        assert_eq!(due[0].session, 1);
    }

    #[test]
    fn a_session_before_the_first_post_is_named_as_never_announced() {
        // Set up on Friday 2026-02-27 at noon; the class is Saturday, the first post Monday.
        let c = course("2026-03-02T08:00:00Z");
        let sessions = vec![session(1, "2026-02-28"), session(2, "2026-03-03")];
        let lost = unannounced(&c, &sessions, &none(), at("2026-02-27T12:00:00Z"));
        assert_eq!(lost.iter().map(|s| s.id).collect::<Vec<_>>(), [1]);
        // A class with only a date counts for its whole day: the post at 09:00 that day
        // announces it.
        let sessions = vec![session(3, "2026-03-02")];
        assert!(unannounced(&c, &sessions, &none(), at("2026-02-27T12:00:00Z")).is_empty());
        let p = plan(&c, &sessions, &none(), at("2026-03-02T08:00:00Z"));
        assert_eq!(posted(&p.decisions[0].outcome), [3]);
    }

    fn presented(presenters: Option<&str>) -> Session {
        let date = NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
        Session {
            id: 9,
            date,
            time: None,
            starts_at: at("2026-03-16T23:00:00Z"),
            title: "T".into(),
            tags: vec![],
            notes_team: None,
            video_team: None,
            presenters: presenters.map(String::from),
            skipped: false,
            readings: vec![],
        }
    }

    #[test]
    fn seven_and_one_day_before_at_nine_local_and_only_with_presenters() {
        let c = course("2026-03-02T08:00:00Z");
        let s = [presented(Some("<@&5>"))];
        let none = HashSet::new();
        let (due, _, next) = reminders(&c, &s, &none, at("2026-03-10T07:59:00Z"));
        assert!(due.is_empty());
        assert_eq!(next, Some(at("2026-03-10T08:00:00Z")));
        let (due, _, next) = reminders(&c, &s, &none, at("2026-03-10T08:00:00Z"));
        assert_eq!(
            due,
            [DueReminder {
                session: 9,
                days: 7,
                at: at("2026-03-10T08:00:00Z")
            }]
        );
        assert_eq!(next, Some(at("2026-03-16T08:00:00Z")));
        let (due, _, _) = reminders(&c, &[presented(None)], &none, at("2026-03-10T08:00:00Z"));
        assert!(due.is_empty(), "no presenters, nobody to remind");
    }

    #[test]
    fn back_after_a_week_only_the_closest_reminder_goes_out() {
        let c = course("2026-03-02T08:00:00Z");
        let mut c2 = c.clone();
        c2.grace = Duration::days(8);
        let s = [presented(Some("<@&5>"))];
        let (due, superseded, _) = reminders(&c2, &s, &HashSet::new(), at("2026-03-16T10:00:00Z"));
        assert_eq!(due.iter().map(|r| r.days).collect::<Vec<_>>(), [1]);
        assert_eq!(superseded.iter().map(|r| r.days).collect::<Vec<_>>(), [7]);
        let done = HashSet::from([(9, 7), (9, 1)]);
        let (due, _, next) = reminders(&c, &s, &done, at("2026-03-16T10:00:00Z"));
        assert!(due.is_empty() && next.is_none());
    }
}
