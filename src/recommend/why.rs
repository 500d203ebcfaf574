//! The one-line reason each suggestion carries: "shares `Scaling Laws`, `OpenAI`; both
//! cite Kaplan 2020; also in “Survey human alignment”; terms: compute, power-law". Built from
//! what the ranking found, in a structured form each surface renders (plain for the
//! command line and JSON, escaped markdown for Discord).

use super::graph::{Graph, Node};
use super::rank::{CiteLink, Scored};
use crate::markdown;
use serde::Serialize;

/// Shared tags, terms and the like named in a "why" line, at most this many each.
const NAMED: usize = 3;

/// Why a paper was suggested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Why {
    /// Shared tags, rarest first.
    pub tags: Vec<String>,
    /// "both cite Kaplan 2020", "cited by Vaswani 2017", ...
    pub cites: Option<String>,
    /// The grouping both are in: a reading-list section, a course post or a week.
    pub group: Option<String>,
    /// Words of title and abstract that made the texts similar.
    pub terms: Vec<String>,
    /// Found more by meaning (the embeddings) than by shared words.
    pub meaning: bool,
}

impl Why {
    /// What the ranking found for `s`; `extra_labels` names the extra groups (sessions),
    /// `terms` comes from the text index.
    pub fn of(g: &Graph, s: &Scored, extra_labels: &[String], terms: Vec<String>) -> Why {
        let label = |n: Node| g.labels[n as usize].clone();
        let cites = s.cite_link.map(|link| match link {
            CiteLink::CitedBySeed { seed } => format!("cited by {}", label(seed)),
            CiteLink::CitesSeed { seed } => format!("cites {}", label(seed)),
            CiteLink::BothCite { other } => format!("both cite {}", label(other)),
            CiteLink::CitedTogether { other } => format!("cited together by {}", label(other)),
        });
        let group = s.shared_groups.first().and_then(|&gid| {
            let name = if gid as usize >= g.groups.len() {
                extra_labels.get((u32::MAX - gid) as usize).cloned()
            } else {
                Some(g.groups[gid as usize].label.clone())
            };
            name.filter(|n| !n.trim().is_empty())
        });
        Why {
            tags: s
                .shared_tags
                .iter()
                .take(NAMED)
                .map(|&t| g.tag_names[t as usize].clone())
                .collect(),
            cites,
            group,
            terms: terms.into_iter().take(NAMED).collect(),
            meaning: false,
        }
    }

    /// The line as plain text (command line, JSON).
    pub fn text(&self) -> String {
        self.render(|t| format!("`{t}`"), |t| t.to_string())
    }

    /// The line as Discord markdown: every name from the catalog escaped.
    pub fn markdown(&self) -> String {
        self.render(markdown::code, markdown::escape)
    }

    fn render(&self, code: impl Fn(&str) -> String, plain: impl Fn(&str) -> String) -> String {
        let mut parts = Vec::new();
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|t| code(t)).collect();
            parts.push(format!("shares {}", tags.join(", ")));
        }
        if let Some(c) = &self.cites {
            parts.push(plain(c));
        }
        if let Some(g) = &self.group {
            parts.push(format!("also in “{}”", plain(g)));
        }
        if self.meaning {
            parts.push("close in meaning".to_string());
        }
        if !self.terms.is_empty() {
            parts.push(format!("terms: {}", plain(&self.terms.join(", "))));
        }
        if parts.is_empty() {
            return "similar title and abstract".to_string();
        }
        parts.join("; ")
    }
}
