//! `/recommend`: related papers from papers, a tag, words, a course week, or what the caller
//! or their team noted. Resolves the input into seeds, asks the recommender, puts the
//! course's own reading lists first as their own group, and renders each suggestion with
//! its one-line reason. The command line's `--json` takes the same [`Recommendations`].

use super::{quoted, Caller, Result};
use crate::catalog::Resolved;
use crate::course::{refuse, CourseError, Member};
use crate::model::{Paper, Scope};
use crate::recommend::{history, Ask};
use crate::state::App;
use crate::view::cards::list_line;
use crate::view::{Embed, Reply};
use serde::Serialize;
use std::collections::HashMap;

const DEFAULT_LIMIT: usize = 5;
pub const MAX_LIMIT: usize = 20;
/// A tag's papers used as seeds: enough to describe it, few enough to stay fast.
const TAG_SEEDS: usize = 200;

/// What to recommend from; several inputs add up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecommendRequest {
    /// Papers by key, arXiv id, DOI or title words (`paper:`, and `papers:` split).
    pub papers: Vec<String>,
    /// Papers by id (the "More like this" button).
    pub paper_ids: Vec<i64>,
    pub tag: Option<String>,
    pub text: Option<String>,
    /// A course week (`session:3`).
    pub session: Option<String>,
    /// `me` or `team`.
    pub for_whom: Option<String>,
    pub limit: Option<usize>,
}

/// One suggestion as every surface shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommended {
    #[serde(flatten)]
    pub paper: Paper,
    pub score: f32,
    pub why: String,
    /// The course week that assigns it, for suggestions from the course's own lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week: Option<usize>,
    /// The caller already wrote a note on it.
    pub noted: bool,
    #[serde(skip)]
    why_markdown: String,
}

/// The answer: the course's own readings first, then the rest of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Recommendations {
    /// What the suggestions are for, e.g. “Scaling Laws for Neural Language Models”.
    pub from: String,
    pub course: Vec<Recommended>,
    pub catalog: Vec<Recommended>,
    /// Said beside the results (what `for:` does not count yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

pub(super) async fn recommend(app: &App, caller: &Caller, r: RecommendRequest) -> Result<Reply> {
    match recommendations(app, caller, &r).await {
        // `for:` starts from the caller's or their team's notes, unpublished ones too: the
        // seeds and every "why" naming them would tell the channel what the team is
        // writing about, so the answer is the caller's alone.
        Ok(found) => Ok(Reply {
            ephemeral: r.for_whom.is_some(),
            ..render(&found)
        }),
        Err(CourseError::User(message)) => Ok(Reply::error(message)),
        Err(CourseError::Internal(e)) => Err(e),
    }
}

/// The seeds the request names, in the caller's scope.
struct Seeds {
    ids: Vec<i64>,
    from: Vec<String>,
    notice: Option<String>,
}

async fn seeds(
    app: &App,
    caller: &Caller,
    r: &RecommendRequest,
) -> std::result::Result<Seeds, CourseError> {
    let scope = caller.scope;
    let mut s = Seeds {
        ids: Vec::new(),
        from: Vec::new(),
        notice: None,
    };
    for id in &r.papers {
        match app.catalog.resolve(scope, id).await? {
            Resolved::One(p) => {
                s.from.push(quoted(&p.title));
                s.ids.push(p.id);
            }
            Resolved::Ambiguous(list) => {
                let keys: Vec<String> = list
                    .iter()
                    .take(5)
                    .map(|p| format!("`{}`", p.key))
                    .collect();
                return refuse(format!(
                    "Several papers match {}; use a key: {}.",
                    quoted(id),
                    keys.join(", ")
                ));
            }
            Resolved::NotFound => {
                return refuse(format!(
                    "No paper matches {}. Try `/paper search` with a few title words.",
                    quoted(id)
                ))
            }
        }
    }
    if !r.paper_ids.is_empty() {
        let found = app.catalog.papers_by_id(scope, &r.paper_ids).await?;
        if found.is_empty() {
            return refuse("That paper is not in this server's catalog.");
        }
        for p in found {
            s.from.push(quoted(&p.title));
            s.ids.push(p.id);
        }
    }
    if let Some(tag) = r.tag.as_deref().filter(|t| !t.trim().is_empty()) {
        let tagged = app
            .catalog
            .by_tag_page(scope, tag, 0, Some(TAG_SEEDS))
            .await?;
        if tagged.is_empty() {
            return refuse(super::papers::no_such_tag_text(&app.catalog, scope, tag).await?);
        }
        s.from.push(format!("papers tagged {}", quoted(tag)));
        s.ids.extend(tagged.iter().map(|p| p.id));
    }
    if let Some(week) = r.session.as_deref().filter(|w| !w.trim().is_empty()) {
        let Ok(n) = week.trim().trim_start_matches(['w', 'W']).parse::<usize>() else {
            return refuse(format!(
                "{} is not a week number; try `session:3`.",
                quoted(week)
            ));
        };
        let (n, session) = app.courses.week(scope.0, n).await?;
        // Otherwise the request would be refused as if nothing had been asked.
        if session.readings.is_empty() {
            return refuse(format!(
                "Week {n} ({}) has no readings to start from; `/schedule` shows the weeks that do.",
                quoted(&session.title)
            ));
        }
        s.from.push(format!("week {n}, {}", quoted(&session.title)));
        s.ids.extend(session.readings.iter().map(|r| r.paper_id));
    }
    if let Some(who) = r.for_whom.as_deref().filter(|w| !w.trim().is_empty()) {
        for_whom(app, caller, who, &mut s).await?;
    }
    if let Some(text) = r.text.as_deref().filter(|t| !t.trim().is_empty()) {
        s.from.push(quoted(text));
    }
    Ok(s)
}

async fn for_whom(
    app: &App,
    caller: &Caller,
    who: &str,
    s: &mut Seeds,
) -> std::result::Result<(), CourseError> {
    let guild = caller.scope.0;
    if guild == Scope::GLOBAL.0 {
        return refuse("`for:` needs a server's course: use it in a server (or `--guild ID`).");
    }
    let pool = app.catalog.pool();
    let (ids, label) = match who.trim().to_lowercase().as_str() {
        "me" => (
            history::engaged_by_user(pool, guild, caller.user_id).await?,
            "you",
        ),
        "team" => {
            let member = Member {
                user: caller.user_id,
                roles: &caller.roles,
                instructor: caller.instructor,
            };
            let Some(team) = app.courses.membership(guild, member).await? else {
                return refuse("You are in no team yet; `/team join` one, or use `for:me`.");
            };
            let team = team.team().clone();
            (
                history::engaged_by_team(pool, guild, team.id).await?,
                "your team",
            )
        }
        _ => return refuse("`for:` takes `me` or `team`."),
    };
    if ids.is_empty() {
        return refuse(format!(
            "Nothing to go on yet: {label} noted, read or present no paper. {}",
            history::NOT_COUNTED
        ));
    }
    s.from.push(format!(
        "what {label} noted, read or present ({} papers)",
        ids.len()
    ));
    s.ids.extend(ids);
    s.notice = Some(history::NOT_COUNTED.to_string());
    Ok(())
}

/// Resolves the request, ranks, and splits the course's own readings from the rest.
pub async fn recommendations(
    app: &App,
    caller: &Caller,
    r: &RecommendRequest,
) -> std::result::Result<Recommendations, CourseError> {
    let limit = r.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let seeds = seeds(app, caller, r).await?;
    let text = r.text.as_deref().filter(|t| !t.trim().is_empty());
    if seeds.ids.is_empty() && text.is_none() {
        return refuse(
            "Say what to recommend from: `paper:`, `papers:\"k1 k2\"`, `tag:`, `text:`, `session:<week>`, or `for:me` / `for:team`.",
        );
    }
    let guild = caller.scope.0;
    let sessions = if guild == Scope::GLOBAL.0 || app.courses.course(guild).await?.is_none() {
        Vec::new()
    } else {
        app.courses.sessions(guild).await?
    };
    let mut assigned: HashMap<i64, usize> = HashMap::new();
    let groups: Vec<(String, Vec<i64>)> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let ids: Vec<i64> = s.readings.iter().map(|r| r.paper_id).collect();
            for id in &ids {
                assigned.entry(*id).or_insert(i + 1);
            }
            (format!("week {}: {}", i + 1, s.title), ids)
        })
        .collect();
    let noted: Vec<i64> = if guild == Scope::GLOBAL.0 {
        Vec::new()
    } else {
        history::engaged_by_user(app.catalog.pool(), guild, caller.user_id).await?
    };
    let snapshot = app.recommender.snapshot(app.catalog.pool()).await?;
    let ask = Ask {
        scope: caller.scope,
        seeds: &seeds.ids,
        text,
        exclude: &[],
        sessions: &groups,
        // Enough for both groups to fill up.
        limit: limit * 3,
    };
    let suggestions = snapshot.suggest(&ask);
    drop(snapshot);
    let ids: Vec<i64> = suggestions.iter().map(|s| s.paper_id).collect();
    let papers: HashMap<i64, Paper> = app
        .catalog
        .papers_by_id(caller.scope, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut out = Recommendations {
        from: seeds.from.join(", "),
        notice: seeds.notice,
        ..Recommendations::default()
    };
    for s in suggestions {
        let Some(paper) = papers.get(&s.paper_id).cloned() else {
            continue;
        };
        let week = assigned.get(&s.paper_id).copied();
        let item = Recommended {
            noted: noted.contains(&s.paper_id),
            paper,
            score: s.score,
            why: s.why.text(),
            why_markdown: s.why.markdown(),
            week,
        };
        let group = if week.is_some() {
            &mut out.course
        } else {
            &mut out.catalog
        };
        if group.len() < limit {
            group.push(item);
        }
    }
    Ok(out)
}

fn render(found: &Recommendations) -> Reply {
    let mut embeds = Vec::new();
    if !found.course.is_empty() {
        embeds.push(group_embed(
            "From this course's reading lists",
            &found.course,
        ));
    }
    if !found.catalog.is_empty() {
        let title = if found.course.is_empty() {
            "Suggestions"
        } else {
            "From the catalog"
        };
        embeds.push(group_embed(title, &found.catalog));
    }
    let mut content = format!("Papers like {}", found.from);
    if embeds.is_empty() {
        content = format!(
            "Nothing related found for {} in this catalog yet.",
            found.from
        );
    }
    if let Some(n) = &found.notice {
        content.push_str(&format!("\n-# {n}"));
    }
    Reply {
        content: Some(content),
        embeds,
        ..Reply::default()
    }
}

fn group_embed(title: &str, items: &[Recommended]) -> Embed {
    let lines: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut marks = Vec::new();
            if let Some(w) = r.week {
                marks.push(format!("week {w}"));
            }
            if r.noted {
                marks.push("you noted or read it".to_string());
            }
            let marks = if marks.is_empty() {
                String::new()
            } else {
                format!(" ({})", marks.join(", "))
            };
            format!(
                "{}. {}{marks}\n   ↳ {}",
                i + 1,
                list_line(&r.paper),
                r.why_markdown
            )
        })
        .collect();
    Embed {
        title: Some(title.to_string()),
        description: Some(lines.join("\n")),
        ..Embed::default()
    }
}
