//! The window rule and presenter reminders, decided on small hand-made terms.

use super::*;
use crate::course::when::Schedule;
use chrono::{NaiveDate, TimeZone};

fn course(next: &str) -> Course {
    Course {
        next_post_at: Some(at(next)),
        ..Course::for_tests()
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

/// A small deterministic generator (no test dependency for one loop).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[test]
fn under_any_schedule_and_any_ticks_every_session_is_announced_once_in_its_own_window() {
    let mut rng = Lcg(7);
    let schedules = [
        "MON 09:00",
        "TUE,THU 09:00",
        "MON,WED 08:00",
        "0 9 * * *",
        "0 9 1 * *",
    ];
    for round in 0..60 {
        let mut c = course("2026-03-02T08:00:00Z");
        c.schedule = Schedule::parse(schedules[round % schedules.len()]).unwrap();
        c.next_post_at = c.next_occurrence(at("2026-02-27T12:00:00Z"));
        // Sessions over ten weeks from the day after the first post (one before it has no
        // post, and is named when created): some with a time, some all day, some two on a
        // day.
        let first = c.next_post_at.unwrap().with_timezone(&c.tz).date_naive() + Duration::days(1);
        let sessions: Vec<Session> = (0..12)
            .map(|i| {
                let date = first + Duration::days(rng.below(70) as i64);
                let mut s = session(i + 1, &date.to_string());
                if rng.below(2) == 0 {
                    let time = NaiveTime::from_hms_opt(8 + rng.below(10) as u32, 0, 0).unwrap();
                    s.time = Some(time);
                    s.starts_at = c.local_instant(date, time).unwrap();
                }
                s
            })
            .collect();
        // Ticks at random moments (never more than the grace window apart), each applying
        // what the plan claims, as the scheduler's claim does.
        let mut announced = Announced::new();
        let mut posted: Vec<(i64, DateTime<Utc>)> = Vec::new();
        let mut now = at("2026-02-27T12:00:00Z");
        while now < at("2026-05-20T00:00:00Z") {
            now += Duration::minutes(1 + rng.below(23 * 60) as i64);
            let p = plan(&c, &sessions, &announced, now);
            for d in &p.decisions {
                let Outcome::Post(due) = &d.outcome else {
                    assert_eq!(d.outcome, Outcome::Nothing, "round {round}: nothing missed");
                    continue;
                };
                for a in due {
                    let s = sessions.iter().find(|s| s.id == a.session).unwrap();
                    announced.insert(s.id, (s.date, s.time));
                    posted.push((s.id, d.occurrence));
                }
            }
            c.next_post_at = p.next;
        }
        for s in &sessions {
            let times: Vec<_> = posted.iter().filter(|(id, _)| *id == s.id).collect();
            assert_eq!(
                times.len(),
                1,
                "round {round}: session {} posted {times:?}",
                s.id
            );
            let occurrence = times[0].1;
            let at = s.announce_at(c.tz);
            let next = c.next_occurrence(occurrence);
            assert!(
                occurrence <= at && next.is_none_or(|n| at < n),
                "round {round}: {} at {at} posted at {occurrence}, next post {next:?}",
                s.id
            );
        }
    }
}
