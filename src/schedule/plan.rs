//! What is due: pure functions of a course, its sessions, what was already sent and now.
//! [`plan`] walks the schedule's occurrences from the course's next unhandled one up to
//! now and decides each: post the next session not yet announced, record the week as
//! missed when the occurrence is older than the grace window, or nothing (no session left,
//! or a holiday week). [`reminders`] finds the presenter reminders that are due.

use crate::course::{Course, Session};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use std::collections::HashSet;

/// The outcome of one occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Announce this session now.
    Post(i64),
    /// Too late to post (down past the grace window); the session it would have announced.
    Missed(Option<i64>),
    /// Nothing to announce.
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
    announced: &HashSet<i64>,
    now: DateTime<Utc>,
) -> Plan {
    let mut taken = announced.clone();
    let mut decisions = Vec::new();
    let mut next = course.next_post_at;
    while let Some(occurrence) = next {
        if occurrence > now || decisions.len() >= MAX_DECISIONS {
            break;
        }
        let session = sessions
            .iter()
            .find(|s| !taken.contains(&s.id) && s.starts_at_or_after(occurrence, course.tz));
        let outcome = match session {
            None => Outcome::Nothing,
            Some(s) if s.skipped => Outcome::Nothing,
            Some(s) if now - occurrence > course.grace => Outcome::Missed(Some(s.id)),
            Some(s) => {
                taken.insert(s.id);
                Outcome::Post(s.id)
            }
        };
        decisions.push(Decision {
            occurrence,
            outcome,
        });
        next = course.next_occurrence(occurrence);
    }
    Plan { decisions, next }
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

    #[test]
    fn nothing_is_due_before_the_occurrence_and_one_post_at_it() {
        let c = course("2026-03-02T08:00:00Z");
        let p = plan(&c, &term(), &HashSet::new(), at("2026-03-02T07:59:59Z"));
        assert!(p.decisions.is_empty());
        assert_eq!(p.next, Some(at("2026-03-02T08:00:00Z")));
        let p = plan(&c, &term(), &HashSet::new(), at("2026-03-02T08:00:00Z"));
        assert_eq!(p.decisions[0].outcome, Outcome::Post(1));
        assert_eq!(p.next, Some(at("2026-03-09T08:00:00Z")));
    }

    #[test]
    fn an_occurrence_past_the_grace_window_is_missed_and_the_latest_is_posted() {
        let c = course("2026-03-02T08:00:00Z");
        let p = plan(&c, &term(), &HashSet::new(), at("2026-03-09T10:00:00Z"));
        let outcomes: Vec<_> = p.decisions.iter().map(|d| d.outcome).collect();
        assert_eq!(outcomes, [Outcome::Missed(Some(1)), Outcome::Post(2)]);
    }

    #[test]
    fn an_announced_session_is_never_chosen_again_and_a_holiday_posts_nothing() {
        let c = course("2026-03-09T08:00:00Z");
        let mut sessions = term();
        sessions[1].skipped = true;
        let p = plan(
            &c,
            &sessions,
            &HashSet::from([1]),
            at("2026-03-09T08:00:00Z"),
        );
        assert_eq!(p.decisions[0].outcome, Outcome::Nothing);
        let p = plan(&c, &term(), &HashSet::from([2]), at("2026-03-09T08:00:00Z"));
        assert_eq!(p.decisions[0].outcome, Outcome::Post(3));
    }

    #[test]
    fn after_the_last_session_there_is_nothing_to_post() {
        let c = course("2026-03-23T08:00:00Z");
        let p = plan(
            &c,
            &term(),
            &HashSet::from([1, 2, 3]),
            at("2026-03-23T08:00:00Z"),
        );
        assert_eq!(p.decisions[0].outcome, Outcome::Nothing);
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
