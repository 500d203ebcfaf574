//! What is due: a pure function of a course, its sessions, the sessions already announced
//! and now. It walks the schedule's occurrences from the course's next unhandled one up to
//! now and decides each: post the next session not yet announced, record the week as
//! missed when the occurrence is older than the grace window, or nothing (no session left,
//! or a holiday week).

use crate::course::{Course, Session};
use chrono::{DateTime, Utc};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::when::{parse_zone, Schedule};
    use chrono::{Duration, NaiveDate, TimeZone};

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
            next_post_at: Some(at(next)),
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
}
