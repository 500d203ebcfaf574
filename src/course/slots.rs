//! Presentation slots: a team presents a paper that is a reading of a session, at that
//! session's time. The checks that refuse a slot (the paper taken, the team at its limit,
//! a date outside the course or on a skipped week, a paper the session does not read) are
//! pure functions over the course, its sessions and its slots; the service runs them and
//! writes in one `BEGIN IMMEDIATE` transaction, so two claims cannot both pass them.

use super::service::{load_sessions, parse_when, resolve_reading};
use super::teams::{Member, Team};
use super::{refuse, Course, CourseError, Courses, Session};
use crate::catalog::Catalog;
use crate::model::Scope;
use crate::store::courses as course_store;
use crate::store::slots::{self as store, SlotRow};
use chrono::{DateTime, NaiveDate, Utc};

type Result<T> = std::result::Result<T, CourseError>;

/// One presentation: a team presents a paper in a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub id: i64,
    pub session_id: i64,
    pub paper_id: i64,
    pub team: Team,
}

impl Slot {
    pub(crate) fn from_row(r: SlotRow) -> Slot {
        Slot {
            id: r.id,
            session_id: r.session_id,
            paper_id: r.paper_id,
            team: Team {
                id: r.team_id,
                name: r.team_name,
                role: r.team_role.map(|r| r as u64),
                joined: 0,
            },
        }
    }
}

/// A paper as the refusals name it: its id and its title, already escaped for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperRef {
    pub id: i64,
    pub title: String,
}

/// The week number (1-based, skipped weeks counted) of a session.
pub fn week_of(sessions: &[Session], session: i64) -> usize {
    sessions
        .iter()
        .position(|s| s.id == session)
        .map_or(0, |i| i + 1)
}

/// The session a paper is presented in: the one on `date` when given, else the first
/// session (not skipped) whose readings include it; a refusal that says why otherwise.
pub fn session_for<'a>(
    course: &Course,
    sessions: &'a [Session],
    paper: &PaperRef,
    date: Option<NaiveDate>,
) -> Result<&'a Session> {
    let title = &paper.title;
    let reads = |s: &Session| s.readings.iter().any(|r| r.paper_id == paper.id);
    let Some(date) = date else {
        let reading: Vec<&Session> = sessions.iter().filter(|s| reads(s)).collect();
        return match reading.iter().find(|s| !s.skipped) {
            Some(s) => Ok(s),
            None if reading.is_empty() => refuse(format!(
                "“{title}” is not a reading of any session, so there is no slot to present it in; an instructor adds it to a week with `/session edit`."
            )),
            None => refuse(format!(
                "“{title}” is read in week {}, which is skipped: there are no presentations that week.",
                week_of(sessions, reading[0].id)
            )),
        };
    };
    let first = course.start.or(sessions.first().map(|s| s.date));
    let last = course.end.or(sessions.last().map(|s| s.date));
    if first.is_some_and(|f| date < f) || last.is_some_and(|l| date > l) {
        let day = |d: Option<NaiveDate>| d.map_or("—".to_string(), |d| d.to_string());
        return refuse(format!(
            "{date} is outside the course, which runs from {} to {}.",
            day(first),
            day(last)
        ));
    }
    let Some(session) = sessions.iter().find(|s| s.date == date) else {
        let dates: Vec<String> = sessions
            .iter()
            .filter(|s| !s.skipped)
            .take(8)
            .map(|s| s.date.to_string())
            .collect();
        return refuse(format!(
            "There is no session on {date}. Sessions are on {}{}.",
            dates.join(", "),
            if sessions.len() > 8 { ", …" } else { "" }
        ));
    };
    if session.skipped {
        return refuse(format!(
            "{date} is a skipped week (week {}): there are no presentations that week.",
            week_of(sessions, session.id)
        ));
    }
    if !reads(session) {
        return refuse(format!(
            "“{title}” is not a reading of the session on {date} (week {}, “{}”); pick one of its readings, or another date.",
            week_of(sessions, session.id),
            crate::markdown::escape(&session.title)
        ));
    }
    Ok(session)
}

/// Whether a slot's session has been skipped since it was placed: the presentation has no
/// session to happen in until it is placed again (or the slot released).
pub fn is_stranded(sessions: &[Session], slot: &Slot) -> bool {
    sessions
        .iter()
        .any(|s| s.id == slot.session_id && s.skipped)
}

/// Refuses a paper someone presents already, naming the team.
pub fn check_free(taken: Option<&Slot>, sessions: &[Session], paper: &PaperRef) -> Result<()> {
    match taken {
        None => Ok(()),
        Some(slot) => refuse(format!(
            "“{}” is already taken: team {} presents it in week {}{}.",
            paper.title,
            slot.team.shown(),
            week_of(sessions, slot.session_id),
            if is_stranded(sessions, slot) {
                ", which is skipped (the team places it again, or it is released first)"
            } else {
                ""
            }
        )),
    }
}

/// Refuses a team that holds as many slots as the course allows.
pub fn check_limit(team: &Team, held: i64, limit: u32) -> Result<()> {
    if held >= i64::from(limit) {
        return refuse(format!(
            "Team {} is at its limit: it presents {held} paper(s) already, and this course allows {limit} per team.",
            team.shown()
        ));
    }
    Ok(())
}

/// The sessions with their slot teams added to the presenters (a role team as its role's
/// mention, so a presenter reminder pings exactly those roles; any other team by name).
pub fn with_slot_presenters(sessions: &[Session], slots: &[Slot]) -> Vec<Session> {
    sessions
        .iter()
        .map(|s| {
            let mut names: Vec<String> = s
                .presenters
                .iter()
                .filter(|p| !p.trim().is_empty())
                .cloned()
                .collect();
            for slot in slots.iter().filter(|slot| slot.session_id == s.id) {
                let shown = match slot.team.role {
                    Some(r) => format!("<@&{r}>"),
                    None => slot.team.name.clone(),
                };
                let lower = names.join(" ").to_lowercase();
                if !lower.contains(&shown.to_lowercase()) {
                    names.push(shown);
                }
            }
            Session {
                presenters: (!names.is_empty()).then(|| names.join(", ")),
                ..s.clone()
            }
        })
        .collect()
}

/// What `/slot assign` asks for: a paper, a team, optionally a session's date, and who.
#[derive(Debug, Clone, Copy)]
pub struct Assignment<'a> {
    pub paper: &'a str,
    pub team: &'a str,
    pub date: Option<&'a str>,
    pub by: u64,
}

/// What a new slot became.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub slot: Slot,
    pub paper: PaperRef,
    pub week: usize,
    pub session: Session,
    /// The skipped week the team's slot was in before this placed it again.
    pub moved_from: Option<usize>,
}

impl Courses {
    /// The guild's slots in session order.
    pub async fn slots(&self, guild: u64) -> Result<Vec<Slot>> {
        let mut conn = self.pool.acquire().await?;
        let rows = store::slots(&mut conn, guild as i64).await?;
        Ok(rows.into_iter().map(Slot::from_row).collect())
    }

    /// The paper `id` names, with its title for messages.
    pub async fn paper_ref(&self, catalog: &Catalog, guild: u64, id: &str) -> Result<PaperRef> {
        let id = resolve_reading(catalog, guild, id).await?;
        Ok(PaperRef {
            id,
            title: paper_title(catalog, guild, id).await?,
        })
    }

    /// `/slot claim`: the caller's team presents `paper`.
    pub async fn claim_slot(
        &self,
        catalog: &Catalog,
        guild: u64,
        who: Member<'_>,
        paper: &str,
        now: DateTime<Utc>,
    ) -> Result<Placed> {
        let Some(team) = self.membership(guild, who).await? else {
            self.require(guild).await?;
            return refuse("You are not in a team, and slots are claimed for a team: join one with `/team join` first.");
        };
        let paper = self.paper_ref(catalog, guild, paper).await?;
        self.place(guild, team.team(), &paper, None, who.user, now)
            .await
    }

    /// `/slot assign` (instructors): the team presents the paper, on the date when given.
    pub async fn assign_slot(
        &self,
        catalog: &Catalog,
        guild: u64,
        a: Assignment<'_>,
        now: DateTime<Utc>,
    ) -> Result<Placed> {
        let Assignment {
            paper,
            team,
            date,
            by,
        } = a;
        self.require(guild).await?;
        let team = self.team_named(guild, team).await?;
        let date = date
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_when(d).map(|(d, _)| d))
            .transpose()?;
        let paper = self.paper_ref(catalog, guild, paper).await?;
        self.place(guild, &team, &paper, date, by, now).await
    }

    async fn place(
        &self,
        guild: u64,
        team: &Team,
        paper: &PaperRef,
        date: Option<NaiveDate>,
        by: u64,
        now: DateTime<Utc>,
    ) -> Result<Placed> {
        let g = guild as i64;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let Some(row) = course_store::course(&mut tx, g).await? else {
            return refuse("This server has no course yet.");
        };
        let course = Course::from_row(&row)?;
        let sessions = load_sessions(&mut tx, guild).await?;
        let session = session_for(&course, &sessions, paper, date)?.clone();
        let taken = store::slot_of_paper(&mut tx, g, paper.id)
            .await?
            .map(Slot::from_row);
        // The team's own slot in a week skipped since moves here instead.
        let stranded = taken
            .as_ref()
            .filter(|t| t.team.id == team.id && is_stranded(&sessions, t));
        if stranded.is_none() {
            check_free(taken.as_ref(), &sessions, paper)?;
        }
        let held = store::team_count(&mut tx, g, team.id).await? - i64::from(stranded.is_some());
        check_limit(team, held, course.slots_per_team)?;
        if let Some(old) = stranded {
            store::delete(&mut tx, g, old.id).await?;
        }
        let Some(id) = store::insert(
            &mut tx,
            g,
            session.id,
            paper.id,
            team.id,
            by as i64,
            now.timestamp(),
        )
        .await?
        else {
            return refuse(format!("“{}” was taken a moment ago.", paper.title));
        };
        course_store::touch_reminders(&mut tx, g).await?;
        tx.commit().await?;
        self.wake.notify_one();
        tracing::info!(guild_id = guild, slot = id, paper = paper.id, team = %team.name, "slot placed");
        Ok(Placed {
            slot: Slot {
                id,
                session_id: session.id,
                paper_id: paper.id,
                team: team.clone(),
            },
            paper: paper.clone(),
            week: week_of(&sessions, session.id),
            session,
            moved_from: stranded.map(|old| week_of(&sessions, old.session_id)),
        })
    }

    /// `/slot release`: gives up the slot of `paper` (its team's members, or instructors).
    pub async fn release_slot(
        &self,
        catalog: &Catalog,
        guild: u64,
        who: Member<'_>,
        paper: &str,
    ) -> Result<(Slot, PaperRef)> {
        self.require(guild).await?;
        let paper = self.paper_ref(catalog, guild, paper).await?;
        let mine = self.membership(guild, who).await?.map(|m| m.team().id);
        let mut conn = self.pool.acquire().await?;
        let Some(slot) = store::slot_of_paper(&mut conn, guild as i64, paper.id).await? else {
            return refuse(format!(
                "Nobody presents “{}”, so there is nothing to release.",
                paper.title
            ));
        };
        let slot = Slot::from_row(slot);
        if !who.instructor && mine != Some(slot.team.id) {
            return refuse(format!(
                "“{}” is team {}'s slot: only its members or an instructor can release it.",
                paper.title,
                slot.team.shown()
            ));
        }
        store::delete(&mut conn, guild as i64, slot.id).await?;
        course_store::touch_reminders(&mut conn, guild as i64).await?;
        self.wake.notify_one();
        Ok((slot, paper))
    }
}

/// A paper's title as messages show it (escaped, cut short).
pub(crate) async fn paper_title(catalog: &Catalog, guild: u64, id: i64) -> Result<String> {
    let papers = catalog.papers_by_id(Scope(guild), &[id]).await?;
    Ok(papers.first().map_or_else(
        || format!("paper {id}"),
        |p| crate::markdown::escape(&crate::view::limits::truncate(&p.title, 150)),
    ))
}
