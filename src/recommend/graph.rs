//! The catalog as the recommender sees it: papers in dense order with their labels, and the
//! tags, citation edges and groupings (a section of a reading list, a course post) sources
//! stated, each with the scope that stated it. Built once per catalog generation from
//! [`crate::store::recommend`] rows; pure and read-only afterwards.

use crate::store::recommend::{CiteRow, PaperText, SourceRow, TagRow};
use std::collections::HashMap;

/// Dense index of a paper in the graph.
pub type Node = u32;

/// Everything read from SQLite to build a graph.
#[derive(Debug, Clone, Default)]
pub struct GraphRows {
    pub papers: Vec<PaperText>,
    pub sources: Vec<SourceRow>,
    pub tags: Vec<TagRow>,
    pub cites: Vec<CiteRow>,
    /// Sentence-embedding vectors by paper (of one model; empty without a model).
    pub vectors: Vec<(i64, Vec<f32>)>,
}

/// A grouping of papers: one section of a reading list, or one course post.
#[derive(Debug, Clone)]
pub struct Group {
    pub scope: u64,
    /// `Session title / Required Readings`, `Scaling Laws`, ...
    pub label: String,
    pub members: Vec<Node>,
}

#[derive(Debug, Default)]
pub struct Graph {
    pub ids: Vec<i64>,
    pub index: HashMap<i64, Node>,
    /// "Kaplan 2020": first author's family name and year, else the title's start.
    pub labels: Vec<String>,
    /// Title and abstract, for the text index.
    pub texts: Vec<String>,
    /// Scopes with a source of the paper.
    pub scopes: Vec<Vec<u64>>,
    pub tag_names: Vec<String>,
    /// Per paper: `(tag, scope)`.
    pub tags_of: Vec<Vec<(u32, u64)>>,
    /// Per tag: `(paper, scope)`.
    pub tagged: Vec<Vec<(Node, u64)>>,
    /// Per paper: what it cites and what cites it, `(paper, scope)`.
    pub cites: Vec<Vec<(Node, u64)>>,
    pub cited_by: Vec<Vec<(Node, u64)>>,
    pub groups: Vec<Group>,
    pub groups_of: Vec<Vec<u32>>,
    /// Papers the global catalog sees, and per guild the papers only that guild sees:
    /// the size of the catalog as each scope knows it.
    pub global_papers: usize,
    pub own_papers: HashMap<u64, usize>,
}

/// Whether something stated in `stated` is visible to `scope` (its own or global).
pub fn visible(stated: u64, scope: u64) -> bool {
    stated == 0 || stated == scope
}

impl Graph {
    /// Builds the graph; tags and groupings stated by `exclude_file` are left out (the
    /// evaluation hides the evaluated post's own structure, keeping its papers and text).
    pub fn build(rows: &GraphRows, exclude_file: Option<i64>) -> Graph {
        let mut g = Graph::default();
        for p in &rows.papers {
            g.index.insert(p.id, g.ids.len() as Node);
            g.ids.push(p.id);
            g.labels.push(label(p));
            g.texts.push(p.text());
        }
        let n = g.ids.len();
        g.scopes = vec![Vec::new(); n];
        g.tags_of = vec![Vec::new(); n];
        g.cites = vec![Vec::new(); n];
        g.cited_by = vec![Vec::new(); n];
        g.groups_of = vec![Vec::new(); n];
        g.add_sources(&rows.sources, exclude_file);
        g.add_tags(&rows.tags, exclude_file);
        for c in &rows.cites {
            let (Some(&a), Some(&b)) = (g.index.get(&c.citing), g.index.get(&c.cited)) else {
                continue;
            };
            if a == b {
                continue;
            }
            let scope = c.scope as u64;
            push_unique(&mut g.cites[a as usize], (b, scope));
            push_unique(&mut g.cited_by[b as usize], (a, scope));
        }
        for scopes in &g.scopes {
            if scopes.contains(&0) {
                g.global_papers += 1;
            } else {
                for &s in scopes {
                    *g.own_papers.entry(s).or_insert(0) += 1;
                }
            }
        }
        g
    }

    /// How many papers `scope` sees.
    pub fn papers_seen(&self, scope: u64) -> usize {
        self.global_papers + self.own_papers.get(&scope).copied().unwrap_or(0)
    }

    fn add_sources(&mut self, sources: &[SourceRow], exclude_file: Option<i64>) {
        let mut group_ids: HashMap<(i64, Option<&str>), u32> = HashMap::new();
        for s in sources {
            let Some(&node) = self.index.get(&s.paper_id) else {
                continue;
            };
            push_unique(&mut self.scopes[node as usize], s.scope as u64);
            if Some(s.file_id) == exclude_file {
                continue;
            }
            // A course post is one session: its required and further readings belong
            // together. Elsewhere the section heading groups; a flat `.bib` groups nothing.
            let (key, label) = if s.format == crate::ingest::Format::Course.name() {
                let label = s.section.as_deref().map_or("", |l| {
                    l.rsplit_once(" / ").map_or(l, |(session, _)| session)
                });
                ((s.file_id, None), label.to_string())
            } else {
                match &s.section {
                    Some(section) => ((s.file_id, Some(section.as_str())), section.clone()),
                    None => continue,
                }
            };
            let id = *group_ids.entry(key).or_insert_with(|| {
                self.groups.push(Group {
                    scope: s.scope as u64,
                    label,
                    members: Vec::new(),
                });
                (self.groups.len() - 1) as u32
            });
            let members = &mut self.groups[id as usize].members;
            if !members.contains(&node) {
                members.push(node);
                self.groups_of[node as usize].push(id);
            }
        }
    }

    fn add_tags(&mut self, tags: &[TagRow], exclude_file: Option<i64>) {
        let mut tag_ids: HashMap<i64, u32> = HashMap::new();
        for t in tags {
            let Some(&node) = self.index.get(&t.paper_id) else {
                continue;
            };
            if Some(t.file_id) == exclude_file {
                continue;
            }
            let tag = *tag_ids.entry(t.tag_id).or_insert_with(|| {
                self.tag_names.push(t.name.clone());
                self.tagged.push(Vec::new());
                (self.tag_names.len() - 1) as u32
            });
            let scope = t.scope as u64;
            if !self.tags_of[node as usize].contains(&(tag, scope)) {
                self.tags_of[node as usize].push((tag, scope));
                self.tagged[tag as usize].push((node, scope));
            }
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether `scope` sees the paper at all.
    pub fn sees(&self, scope: u64, node: Node) -> bool {
        self.scopes[node as usize]
            .iter()
            .any(|&s| visible(s, scope))
    }

    /// How many papers `scope` sees with the tag (a guild's own taggings count with the
    /// global ones).
    pub fn tag_count(&self, scope: u64, tag: u32) -> usize {
        let mut seen: Vec<Node> = self.tagged[tag as usize]
            .iter()
            .filter(|(_, s)| visible(*s, scope))
            .map(|(p, _)| *p)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// "Kaplan 2020" for the "why" line: the first author's family name and the year, else the
/// title's first words.
fn label(p: &PaperText) -> String {
    let authors: Vec<String> = serde_json::from_str(&p.authors).unwrap_or_default();
    let family = authors.first().and_then(|a| {
        let a = a.trim();
        match a.split_once(',') {
            Some((family, _)) => Some(family.trim().to_string()),
            None => a.split_whitespace().last().map(str::to_string),
        }
    });
    match (family, p.year) {
        (Some(f), Some(y)) => format!("{f} {y}"),
        (Some(f), None) => f,
        (None, _) => {
            let words: Vec<&str> = p.title.split_whitespace().take(4).collect();
            let short = words.join(" ");
            if p.title.split_whitespace().count() > 4 {
                format!("{short}…")
            } else {
                short
            }
        }
    }
}
