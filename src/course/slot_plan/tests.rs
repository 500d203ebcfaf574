//! The autofill planner on hand-made and small random courses.

use super::*;
use crate::course::Reading;
use chrono::{Duration, NaiveDate};

fn team(id: i64, name: &str) -> Team {
    Team {
        id,
        name: name.into(),
        role: None,
        joined: 0,
    }
}

fn session(id: i64, days: i64, papers: &[i64], skipped: bool) -> Session {
    let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap() + Duration::days(days);
    Session {
        id,
        date,
        time: None,
        starts_at: date.and_hms_opt(9, 0, 0).unwrap().and_utc(),
        title: format!("week {id}"),
        tags: Vec::new(),
        notes_team: None,
        video_team: None,
        presenters: None,
        skipped,
        readings: papers
            .iter()
            .map(|&paper_id| Reading {
                paper_id,
                required: true,
            })
            .collect(),
    }
}

fn now() -> DateTime<Utc> {
    "2026-03-01T00:00:00Z".parse().unwrap()
}

#[test]
fn the_plan_keeps_claims_and_leaves_counts_at_most_one_apart() {
    let teams = [team(1, "a"), team(2, "b"), team(3, "c")];
    let sessions: Vec<Session> = (0..6)
        .map(|i| session(i + 1, 7 * i, &[10 * i + 1, 10 * i + 2], i == 2))
        .collect();
    let claimed = |paper, t: &Team| Slot {
        id: paper,
        session_id: 1,
        paper_id: paper,
        team: t.clone(),
    };
    let slots = [claimed(1, &teams[1]), claimed(2, &teams[1])];
    let plan = plan(&sessions, &slots, &teams, 10, now());
    // 12 readings, 2 in the skipped week, 2 claimed: 8 to fill.
    assert_eq!(plan.fills.len(), 8);
    assert!(plan
        .fills
        .iter()
        .all(|f| f.paper_id != 1 && f.paper_id != 2));
    assert!(plan.fills.iter().all(|f| f.session_id != 3));
    let counts: Vec<usize> = plan.counts.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, [4, 3, 3]);
    let again = super::plan(&sessions, &slots, &teams, 10, now());
    assert_eq!(again.fingerprint, plan.fingerprint, "deterministic");
}

#[test]
fn the_limit_leaves_slots_open_and_past_sessions_are_not_filled() {
    let teams = [team(1, "a"), team(2, "b")];
    let sessions = vec![
        session(1, -7, &[1], false),
        session(2, 7, &[2, 3, 4], false),
    ];
    let plan = plan(&sessions, &[], &teams, 1, now());
    let filled: Vec<(i64, i64)> = plan.fills.iter().map(|f| (f.paper_id, f.team.id)).collect();
    assert_eq!(filled, [(2, 1), (3, 2)]);
    assert_eq!(plan.left_open, 1);
}

fn claim(paper: i64, session_id: i64, t: &Team) -> Slot {
    Slot {
        id: paper,
        session_id,
        paper_id: paper,
        team: t.clone(),
    }
}

/// Which teams a plan gives each session, e.g. `[(2, ["a", "b"])]`.
fn by_week(fills: &[Planned]) -> Vec<(i64, Vec<String>)> {
    let mut weeks: Vec<(i64, Vec<String>)> = Vec::new();
    for f in fills {
        match weeks.iter_mut().find(|(s, _)| *s == f.session_id) {
            Some((_, names)) => names.push(f.team.name.clone()),
            None => weeks.push((f.session_id, vec![f.team.name.clone()])),
        }
    }
    weeks
}

#[test]
fn a_team_gets_one_paper_a_week_where_the_fewest_first_plan_gave_it_two() {
    let teams = [team(1, "a"), team(2, "b"), team(3, "c")];
    // Teams b and c present twice already (in week 1, which is past); weeks 2 and 3
    // have two open readings each.
    let sessions = vec![
        session(1, -7, &[90, 91, 92, 93], false),
        session(2, 7, &[1, 2], false),
        session(3, 14, &[3, 4], false),
    ];
    let slots = [
        claim(90, 1, &teams[1]),
        claim(91, 1, &teams[1]),
        claim(92, 1, &teams[2]),
        claim(93, 1, &teams[2]),
    ];
    // Fewest slots first gives team a both papers of week 2.
    let open = [(2, 1), (2, 2), (3, 3), (3, 4)];
    assert_eq!(
        fewest_first(&open, &[0, 2, 2], 3),
        [Some(0), Some(0), Some(0), Some(1)]
    );

    let plan = plan(&sessions, &slots, &teams, 3, now());
    assert_eq!(plan.fills.len(), 4, "every open slot is still filled");
    assert_eq!(
        by_week(&plan.fills),
        [
            (2, vec!["a".into(), "b".into()]),
            (3, vec!["a".into(), "c".into()])
        ]
    );
    assert!(plan.doubled.is_empty());
    let counts: Vec<usize> = plan.counts.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, [2, 3, 3]);
}

#[test]
fn when_no_plan_avoids_a_second_paper_in_a_week_the_plan_says_which() {
    let teams = [team(1, "a"), team(2, "b")];
    let sessions = vec![session(1, 7, &[1, 2, 3], false)];
    let plan = plan(&sessions, &[], &teams, 3, now());
    assert_eq!(plan.fills.len(), 3);
    assert_eq!(plan.doubled.len(), 1);
    assert_eq!(plan.doubled[0].team.name, "a");
    assert_eq!(plan.doubled[0].paper_id, 3);
}

/// Whether any assignment of the open papers fills `want` of them within the limit with
/// no team twice in a session (claims included), by trying them all.
fn some_plan_avoids_doubles(
    open: &[(i64, i64)],
    held: &[usize],
    busy: &HashSet<(usize, i64)>,
    limit: usize,
    want: usize,
) -> bool {
    let choices = held.len() + 1;
    let total = choices.pow(open.len() as u32);
    (0..total).any(|mut code| {
        let mut load = held.to_vec();
        let mut used = busy.clone();
        let mut filled = 0;
        for &(session, _) in open {
            let pick = code % choices;
            code /= choices;
            if pick < held.len() {
                load[pick] += 1;
                filled += 1;
                if load[pick] > limit || !used.insert((pick, session)) {
                    return false;
                }
            }
        }
        filled == want
    })
}

#[test]
fn on_small_courses_the_plan_doubles_a_week_only_when_no_plan_avoids_it() {
    let mut seed: u64 = 7;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        ((seed >> 33) % n) as usize
    };
    let mut doubled_cases = 0;
    for _ in 0..300 {
        let teams: Vec<Team> = (0..1 + next(3))
            .map(|i| team(i as i64 + 1, &format!("t{i}")))
            .collect();
        let limit = 1 + next(3) as u32;
        let sessions: Vec<Session> = (0..1 + next(3) as i64)
            .map(|w| {
                let papers: Vec<i64> = (0..next(3) as i64).map(|r| 10 * w + r).collect();
                session(w + 1, 7 * w + 7, &papers, false)
            })
            .collect();
        let mut slots = Vec::new();
        for s in &sessions {
            for r in &s.readings {
                if next(4) == 0 {
                    slots.push(claim(r.paper_id, s.id, &teams[next(teams.len() as u64)]));
                }
            }
        }
        let plan = plan(&sessions, &slots, &teams, limit, now());
        let claimed: HashSet<i64> = slots.iter().map(|s| s.paper_id).collect();
        let open: Vec<(i64, i64)> = sessions
            .iter()
            .flat_map(|s| s.readings.iter().map(move |r| (s.id, r.paper_id)))
            .filter(|(_, p)| !claimed.contains(p))
            .collect();
        let held: Vec<usize> = teams
            .iter()
            .map(|t| slots.iter().filter(|s| s.team.id == t.id).count())
            .collect();
        let busy: HashSet<(usize, i64)> = slots
            .iter()
            .map(|s| ((s.team.id - 1) as usize, s.session_id))
            .collect();
        let want = fewest_first(&open, &held, limit as usize)
            .iter()
            .flatten()
            .count();
        assert_eq!(plan.fills.len(), want, "as many slots as before");
        for ((_, n), h) in plan.counts.iter().zip(&held) {
            assert!(*n == *h || *n <= limit as usize, "within the limit");
        }
        let mut seen = busy.clone();
        let doubles = plan
            .fills
            .iter()
            .filter(|f| !seen.insert(((f.team.id - 1) as usize, f.session_id)))
            .count();
        assert_eq!(doubles, plan.doubled.len(), "the plan names every double");
        let avoidable = some_plan_avoids_doubles(&open, &held, &busy, limit as usize, want);
        assert_eq!(
            plan.doubled.is_empty(),
            avoidable,
            "{open:?} {held:?} {busy:?} {limit}"
        );
        doubled_cases += usize::from(!plan.doubled.is_empty());
    }
    assert!(doubled_cases > 0, "some cases cannot avoid a double");
}
