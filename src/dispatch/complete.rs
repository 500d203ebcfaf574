//! Autocomplete for tag and paper options, within Discord's limits.

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
