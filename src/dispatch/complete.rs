//! Autocomplete for tag, paper and team options, within Discord's limits.

use super::Choice;
use crate::catalog::Catalog;
use crate::model::Scope;
use crate::view::limits::{self, truncate};

/// Tag names for autocomplete: at most 25, each within Discord's 100-character limit.
pub async fn complete_tag(catalog: &Catalog, scope: Scope, partial: &str) -> Vec<Choice> {
    match catalog.tag_prefix(scope, partial, limits::CHOICES).await {
        Ok(tags) => tags
            .into_iter()
            .filter(|t| t.tag.chars().count() <= limits::CHOICE_VALUE)
            .map(|t| Choice {
                name: truncate(&format!("{} ({})", t.tag, t.count), limits::CHOICE_NAME),
                value: t.tag,
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = ?e, "tag autocomplete failed");
            Vec::new()
        }
    }
}

/// Paper titles and keys for autocomplete (value is the citation key).
pub async fn complete_paper(catalog: &Catalog, scope: Scope, partial: &str) -> Vec<Choice> {
    match catalog.paper_prefix(scope, partial, limits::CHOICES).await {
        Ok(papers) => papers
            .into_iter()
            .filter(|p| p.key.chars().count() <= limits::CHOICE_VALUE)
            .map(|p| {
                let year = p.year.map(|y| format!(" ({y})")).unwrap_or_default();
                let suffix = format!("{year} — {}", p.key);
                let room = limits::CHOICE_NAME
                    .saturating_sub(suffix.chars().count())
                    .max(10);
                Choice {
                    name: truncate(
                        &format!("{}{suffix}", truncate(&p.title, room)),
                        limits::CHOICE_NAME,
                    ),
                    value: p.key,
                }
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = ?e, "paper autocomplete failed");
            Vec::new()
        }
    }
}

/// Team names for autocomplete (value is the name; names are matched in any case).
pub async fn complete_team(app: &crate::state::App, scope: Scope, partial: &str) -> Vec<Choice> {
    match app
        .courses
        .teams_starting(scope.0, partial.trim(), limits::CHOICES)
        .await
    {
        Ok(teams) => teams
            .into_iter()
            .map(|t| Choice {
                name: truncate(&t.name, limits::CHOICE_NAME),
                value: t.name,
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = ?e, "team autocomplete failed");
            Vec::new()
        }
    }
}

/// The server's own list names for autocomplete, those containing `partial` (any case).
pub async fn complete_list(catalog: &Catalog, scope: Scope, partial: &str) -> Vec<Choice> {
    let partial = partial.trim().to_lowercase();
    match catalog.lists(scope).await {
        Ok(lists) => lists
            .into_iter()
            .filter(|l| l.name.to_lowercase().contains(&partial))
            .filter(|l| l.name.chars().count() <= limits::CHOICE_VALUE)
            .take(limits::CHOICES)
            .map(|l| Choice {
                name: truncate(
                    &format!("{} ({} papers)", l.name, l.entries),
                    limits::CHOICE_NAME,
                ),
                value: l.name,
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = ?e, "list autocomplete failed");
            Vec::new()
        }
    }
}
