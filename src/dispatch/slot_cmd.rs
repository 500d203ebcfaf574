//! `/slot claim|assign|release|swap|list|export|autofill` and the Confirm, Decline and
//! Apply buttons, as replies. Students claim for their own team; instructors (Manage
//! Server, or the course's instructor role, checked here and not only by Discord's
//! defaults) assign and autofill. A button's id carries all it needs: a swap's id (the
//! swap itself is in SQLite) or the autofill plan's fingerprint.

use super::course_cmd::{done, instructor, user_error};
use super::team_cmd::{member, NOT_IN_A_SERVER};
use super::{Caller, Result};
use crate::course::slots::{week_of, Assignment};
use crate::course::{CourseError, Member, Placed, Plan, Session, SwapPair, SwapState};
use crate::model::Scope;
use crate::state::App;
use crate::view::{Button, ButtonStyle, Embed, Reply};
use std::collections::HashMap;

mod export;
mod skipped;

use export::export;
pub(super) use skipped::{removal_note, skip_note};

/// `/slot ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotRequest {
    Claim {
        paper: String,
    },
    Assign {
        paper: String,
        team: String,
        date: Option<String>,
    },
    Release {
        paper: String,
    },
    Swap {
        a: String,
        b: String,
    },
    /// A Confirm (or Decline) of a pending swap.
    Answer {
        swap: i64,
        confirm: bool,
    },
    List {
        week: Option<usize>,
    },
    Export,
    /// The plan; applied with `apply` (only if still the plan `expect` when given).
    Autofill {
        apply: bool,
        expect: Option<u64>,
    },
}

const ONLY_INSTRUCTORS: &str =
    "Only instructors (Manage Server, or the course's instructor role) can assign slots or autofill them.";

impl SlotRequest {
    /// The request a button's id stands for: `slot:swap:<id>:yes|no`, `slot:autofill:<hex>`.
    pub fn from_button(id: &str) -> Option<SlotRequest> {
        let mut parts = id.split(':');
        if parts.next()? != "slot" {
            return None;
        }
        match (parts.next()?, parts.next()?, parts.next()) {
            ("swap", n, Some(answer @ ("yes" | "no"))) => Some(SlotRequest::Answer {
                swap: n.parse().ok()?,
                confirm: answer == "yes",
            }),
            ("autofill", hex, None) => Some(SlotRequest::Autofill {
                apply: true,
                expect: Some(u64::from_str_radix(hex, 16).ok()?),
            }),
            _ => None,
        }
    }
}

pub(super) async fn slot(app: &App, caller: &Caller, request: SlotRequest) -> Result<Reply> {
    let guild = caller.scope.0;
    if guild == Scope::GLOBAL.0 {
        return Ok(Reply::error(NOT_IN_A_SERVER));
    }
    let who = member(app, caller).await?;
    let only_instructors = matches!(
        request,
        SlotRequest::Assign { .. } | SlotRequest::Autofill { .. }
    );
    if only_instructors && !instructor(app, caller).await? {
        return Ok(Reply::error(ONLY_INSTRUCTORS));
    }
    user_error(run(app, guild, who, request).await)
}

async fn run(
    app: &App,
    guild: u64,
    who: Member<'_>,
    request: SlotRequest,
) -> std::result::Result<Reply, CourseError> {
    let (c, catalog, now) = (&app.courses, &*app.catalog, app.clock.now());
    Ok(match request {
        SlotRequest::Claim { paper } => {
            let placed = c.claim_slot(catalog, guild, who, &paper, now).await?;
            placed_reply(&placed)
        }
        SlotRequest::Assign { paper, team, date } => {
            let a = Assignment {
                paper: &paper,
                team: &team,
                date: date.as_deref(),
                by: who.user,
            };
            let placed = c.assign_slot(catalog, guild, a, now).await?;
            placed_reply(&placed)
        }
        SlotRequest::Release { paper } => {
            let (slot, paper) = c.release_slot(catalog, guild, who, &paper).await?;
            done(format!(
                "✓ Released: team {} no longer presents “{}”; the slot is open.",
                slot.team.shown(),
                paper.title
            ))
        }
        SlotRequest::Swap { a, b } => {
            let (pair, state) = c.request_swap(catalog, guild, who, &a, &b, now).await?;
            swap_reply(app, guild, &pair, &state, Some(who.user)).await?
        }
        SlotRequest::Answer { swap, confirm } => {
            let (pair, state) = c
                .answer_swap(catalog, guild, who, swap, confirm, now)
                .await?;
            swap_reply(app, guild, &pair, &state, None).await?
        }
        SlotRequest::List { week } => list(app, guild, week).await?,
        SlotRequest::Export => export(app, guild).await?,
        SlotRequest::Autofill { apply, expect } => {
            let (plan, applied) = c.autofill(guild, apply, expect, who.user, now).await?;
            autofill_reply(app, guild, &plan, applied, apply).await?
        }
    })
}

type Titles = HashMap<i64, String>;

/// Titles of papers by id, escaped for display.
async fn titles(app: &App, guild: u64, ids: &[i64]) -> std::result::Result<Titles, CourseError> {
    let papers = app.catalog.papers_by_id(Scope(guild), ids).await?;
    Ok(papers
        .into_iter()
        .map(|p| {
            let title = crate::markdown::escape(&crate::view::limits::truncate(&p.title, 120));
            (p.id, title)
        })
        .collect())
}

/// When a session is: Discord's own timestamp when it has a time, else its date.
fn when(s: &Session) -> String {
    match s.time {
        Some(_) => format!("<t:{}:F>", s.starts_at.timestamp()),
        None => s.date.format("%a %Y-%m-%d").to_string(),
    }
}

fn placed_reply(p: &Placed) -> Reply {
    let moved = p
        .moved_from
        .map_or(String::new(), |w| format!(", moved from skipped week {w}"));
    done(format!(
        "✓ Team {} presents “{}” in week {} ({}){moved}.",
        p.slot.team.shown(),
        p.paper.title,
        p.week,
        when(&p.session)
    ))
}

async fn swap_reply(
    app: &App,
    guild: u64,
    pair: &SwapPair,
    state: &SwapState,
    asked_by: Option<u64>,
) -> std::result::Result<Reply, CourseError> {
    let sessions = app.courses.sessions(guild).await?;
    let side = |team: &crate::course::Team, title: &str, session: i64| {
        format!(
            "team {} (“{title}”, week {})",
            team.shown(),
            week_of(&sessions, session)
        )
    };
    let a = side(&pair.a.team, &pair.paper_a.title, pair.a.session_id);
    let b = side(&pair.b.team, &pair.paper_b.title, pair.b.session_id);
    let (ta, tb) = (pair.a.team.shown(), pair.b.team.shown());
    Ok(match state {
        SwapState::Applied => Reply::text(format!(
            "✓ Swapped: team {tb} now presents “{}” and team {ta} presents “{}”.",
            pair.paper_a.title, pair.paper_b.title
        )),
        SwapState::Declined => Reply::text(format!("✗ The swap of {a} and {b} was declined.")),
        SwapState::Pending {
            id,
            confirmed_a,
            confirmed_b,
            expires_at,
        } => {
            let mark = |yes: bool| if yes { "✓ confirmed" } else { "waiting" };
            let who = asked_by.map_or(String::new(), |u| format!(" asked by <@{u}>"));
            Reply {
                content: Some(format!(
                    "Swap #{id}{who}: {a} ⇄ {b}. A member of each team confirms below; it expires <t:{}:R>.\nTeam {ta}: {} · team {tb}: {}",
                    expires_at.timestamp(),
                    mark(*confirmed_a),
                    mark(*confirmed_b)
                )),
                buttons: vec![
                    Button {
                        id: format!("slot:swap:{id}:yes"),
                        label: "Confirm".into(),
                        style: ButtonStyle::Success,
                        typed: format!("/slot confirm swap:{id}"),
                    },
                    Button {
                        id: format!("slot:swap:{id}:no"),
                        label: "Decline".into(),
                        style: ButtonStyle::Danger,
                        typed: format!("/slot decline swap:{id}"),
                    },
                ],
                ..Reply::default()
            }
        }
    })
}

/// Every session (or one week) with its readings: who presents each, or "open".
async fn list(
    app: &App,
    guild: u64,
    week: Option<usize>,
) -> std::result::Result<Reply, CourseError> {
    let course = app.courses.require(guild).await?;
    let sessions = app.courses.sessions(guild).await?;
    if sessions.is_empty() {
        return Ok(Reply::text("The course has no sessions yet, so no slots."));
    }
    if let Some(w) = week {
        app.courses.week(guild, w).await?;
    }
    let slots = app.courses.slots(guild).await?;
    let ids: Vec<i64> = sessions
        .iter()
        .flat_map(|s| s.readings.iter().map(|r| r.paper_id))
        .collect();
    let t = titles(app, guild, &ids).await?;
    let by_paper: HashMap<i64, &crate::course::Slot> =
        slots.iter().map(|s| (s.paper_id, s)).collect();
    let mut lines = Vec::new();
    for (i, s) in sessions.iter().enumerate() {
        if week.is_some_and(|w| w != i + 1) {
            continue;
        }
        if s.skipped {
            lines.push(format!("**Week {}** · {} — skipped", i + 1, when(s)));
            for slot in slots.iter().filter(|slot| slot.session_id == s.id) {
                let title = t.get(&slot.paper_id).map_or("?", String::as_str);
                lines.push(format!(
                    "• “{title}” → team {} — needs a new week",
                    slot.team.shown()
                ));
            }
            continue;
        }
        lines.push(format!("**Week {}** · {}", i + 1, when(s)));
        for r in &s.readings {
            let title = t.get(&r.paper_id).map_or("?", String::as_str);
            match by_paper.get(&r.paper_id) {
                Some(slot) if slot.session_id == s.id => {
                    lines.push(format!("• “{title}” → team {}", slot.team.shown()))
                }
                Some(_) => {}
                None => lines.push(format!("• “{title}” — open")),
            }
        }
    }
    let teams = app.courses.teams(guild).await?;
    let counts: Vec<String> = teams
        .iter()
        .map(|team| {
            let n = slots.iter().filter(|s| s.team.id == team.id).count();
            format!("{}: {n}", team.name)
        })
        .collect();
    Ok(Reply {
        embeds: vec![Embed {
            title: Some(match week {
                Some(w) => format!("Presentation slots — week {w}"),
                None => "Presentation slots".into(),
            }),
            description: Some(crate::view::limits::truncate(
                &lines.join("\n"),
                crate::view::limits::EMBED_DESCRIPTION,
            )),
            footer: Some(format!(
                "Slots per team (limit {}): {}",
                course.slots_per_team,
                if counts.is_empty() {
                    "no teams yet".into()
                } else {
                    counts.join(" · ")
                }
            )),
            ..Embed::default()
        }],
        ..Reply::default()
    })
}

async fn autofill_reply(
    app: &App,
    guild: u64,
    plan: &Plan,
    applied: bool,
    asked_to_apply: bool,
) -> std::result::Result<Reply, CourseError> {
    if applied {
        return Ok(Reply::text(format!(
            "✓ Autofill applied: {} slot(s) filled. See `/slot list`.",
            plan.fills.len()
        )));
    }
    let counts = plan
        .counts
        .iter()
        .map(|(t, n)| format!("{}: {n}", t.name))
        .collect::<Vec<_>>()
        .join(" · ");
    if plan.fills.is_empty() {
        return Ok(Reply::text(format!(
            "Nothing to fill: {}. Slots per team: {counts}.",
            if plan.left_open > 0 {
                "every team is at its limit"
            } else {
                "every coming reading has a presenter"
            }
        )));
    }
    let sessions = app.courses.sessions(guild).await?;
    let ids: Vec<i64> = plan.fills.iter().map(|f| f.paper_id).collect();
    let t = titles(app, guild, &ids).await?;
    let lines: Vec<String> = plan
        .fills
        .iter()
        .map(|f| {
            format!(
                "• week {}: “{}” → team {}",
                week_of(&sessions, f.session_id),
                t.get(&f.paper_id).map_or("?", String::as_str),
                f.team.shown()
            )
        })
        .collect();
    let mut footer = format!("After: {counts}");
    if plan.left_open > 0 {
        footer.push_str(&format!(
            " · {} slot(s) stay open (every team at its limit)",
            plan.left_open
        ));
    }
    let mut content = if asked_to_apply {
        "The slots changed since that preview; this is the plan now. Apply it?".to_string()
    } else {
        "Autofill plan: existing claims stay; nothing changes until you apply it.".to_string()
    };
    if !plan.doubled.is_empty() {
        // One line per team and week: a team with three papers in a week is named once.
        let mut extra: Vec<(String, usize, usize)> = Vec::new();
        for f in &plan.doubled {
            let (team, week) = (f.team.shown(), week_of(&sessions, f.session_id));
            match extra.iter_mut().find(|(t, w, _)| *t == team && *w == week) {
                Some(e) => e.2 += 1,
                None => extra.push((team, week, 1)),
            }
        }
        let twice: Vec<String> = extra
            .into_iter()
            .map(|(team, week, more)| match more {
                1 => format!("team {team} in week {week}"),
                n => format!("team {team} {} times in week {week}", n + 1),
            })
            .collect();
        content.push_str(&format!(
            "\n⚠ No plan gives every team at most one paper a week, so some present twice (as few as any plan allows): {}.",
            twice.join(", ")
        ));
    }
    Ok(Reply {
        content: Some(content),
        embeds: vec![Embed {
            title: Some(format!("Autofill: {} slot(s)", plan.fills.len())),
            description: Some(crate::view::limits::truncate(
                &lines.join("\n"),
                crate::view::limits::EMBED_DESCRIPTION,
            )),
            footer: Some(footer),
            ..Embed::default()
        }],
        buttons: vec![Button {
            id: format!("slot:autofill:{:x}", plan.fingerprint),
            label: "Apply".into(),
            style: ButtonStyle::Primary,
            typed: "/slot autofill apply:true".into(),
        }],
        ..Reply::default()
    })
}
