//! The signals and their combination. For seed papers in a scope, each candidate gets four
//! signals in [0, 1): text similarity (cosine over title and abstract, computed by the
//! caller from the TF-IDF index), shared tags weighted by how rare each tag is, the citation
//! graph (cites or cited by a seed; cited together with a seed; citing the same paper), and
//! co-occurrence in a grouping (a section of a reading list, a course post or session).
//! The score is their weighted sum; [`Weights::DEFAULT`] says how its weights were chosen.

use super::graph::{visible, Graph, Node};
use std::collections::{HashMap, HashSet};

/// How much each signal counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub text: f32,
    pub tags: f32,
    pub cites: f32,
    pub groups: f32,
    /// Similarity in meaning (sentence embeddings), where the papers have vectors.
    pub semantic: f32,
}

impl Weights {
    /// Chosen on the evaluation fixtures (`eval/recommend/`: 85 real course posts of three
    /// offerings of a UVA seminar, 323 papers; 50 posts have seeds and answers), alone and
    /// with a real tagged awesome-list beside them (the 48 topic files of
    /// `Strivin0311/llms-learning`, 979 papers in all, see `eval/recommend/README.md`):
    /// `paperclub eval recommend eval/recommend [LIST...] --weights TEXT,TAGS,CITES,GROUPS`
    /// (release build, 2026-11-29, text ranked by the seeds' profile). The TF-IDF
    /// baseline: R@10 0.283 / nDCG@10 0.240 on the posts, 0.257 / 0.211 with the list.
    ///
    /// | text, tags, cites, groups | posts R@10 | nDCG@10 | with list R@10 | nDCG@10 |
    /// |---------------------------|-------|-------|-------|-------|
    /// | 1, 0, 0, 0 (text alone)   | 0.311 | 0.247 | 0.270 | 0.223 |
    /// | 1, 0, 0.5, 0.2            | 0.344 | 0.260 | 0.281 | 0.226 |
    /// | 1, 0, 0.5, 0.35           | 0.351 | 0.272 | 0.305 | 0.232 |
    /// | 1, 0, 0.5, 0.5            | 0.351 | 0.285 | 0.301 | 0.228 |
    /// | 1, 0, 0.5, 1              | 0.351 | 0.274 | 0.230 | 0.199 |
    /// | 1, 0.05, 0.5, 0.2         | 0.351 | 0.273 | 0.295 | 0.231 |
    /// | **1, 0.05, 0.5, 0.35**    | 0.351 | 0.292 | 0.301 | 0.230 |
    /// | 1, 0.05, 0.5, 0.5         | 0.351 | 0.292 | 0.301 | 0.225 |
    /// | 1, 0.1, 0.5, 0.35         | 0.351 | 0.293 | 0.296 | 0.224 |
    /// | 1, 0.2, 0.5, 0.2 (before) | 0.351 | 0.287 | 0.269 | 0.209 |
    /// | 1, 0.2, 0.5, 0.5          | 0.344 | 0.279 | 0.245 | 0.197 |
    /// | 1, 0.5, 0.5, 0.35         | 0.340 | 0.274 | 0.237 | 0.188 |
    ///
    /// The posts' only tags are session tags (`Alignment`, `BasicLLM`); the list's are
    /// many per paper (`Apple`, `GPT-4`, `Mathematical Reasoning`). On both, a tag weight
    /// above 0.1 lifts papers that share a middling tag over closer text: the list took
    /// the previous weights (0.2 tags) below the text alone. A small weight keeps recall on
    /// both and lets a rare shared tag break ties. Groupings: 0.35 to 0.5 is the plateau on
    /// both sets; 1 lets the list's long sections crowd out the text. The fixtures hold no
    /// citation edges, so the citation weight is not measured: it is set between the
    /// grouping weight and the text's.
    ///
    /// Meaning (sentence embeddings of all-MiniLM-L6-v2, `--model DIR`, 2026-11-30), with
    /// the other four as above. Baselines unchanged (0.283 on the posts, 0.257 with the
    /// list); without vectors the signal is absent and the figures are those above.
    ///
    /// | meaning | posts R@10 | nDCG@10 | with list R@10 | nDCG@10 |
    /// |---------|-------|-------|-------|-------|
    /// | 0       | 0.351 | 0.292 | 0.301 | 0.230 |
    /// | 0.1     |       |       | 0.313 | 0.239 |
    /// | 0.2     | 0.390 | 0.309 | 0.343 | 0.255 |
    /// | 0.25    | 0.395 | 0.318 | 0.339 | 0.257 |
    /// | **0.3** | 0.391 | 0.316 | 0.339 | 0.259 |
    /// | 0.35    | 0.386 | 0.315 | 0.339 | 0.258 |
    /// | 0.4     | 0.362 | 0.310 | 0.319 | 0.252 |
    /// | 0.5     | 0.366 | 0.313 | 0.325 | 0.259 |
    /// | 1       | 0.356 | 0.302 |       |       |
    /// | 2       | 0.349 | 0.301 |       |       |
    /// | meaning alone (0, 0, 0, 0, 1) | 0.343 | 0.290 | | |
    ///
    /// (Vectors as floats; the snapshot keeps them as bytes, which gives 0.386 / 0.314 and
    /// 0.339 / 0.259 at 0.3.) 0.2 to 0.35 is a plateau on both sets; above it, the embedding's broad topic ("LLM
    /// safety") outweighs the shared words that pick the session's own subject. Text at
    /// 0.5 with meaning 0.5 gave Recall@10 0.366 on the posts and 0.357 with the list:
    /// better with the list, worse on the posts.
    pub const DEFAULT: Weights = Weights {
        text: 1.0,
        tags: 0.05,
        cites: 0.5,
        groups: 0.35,
        semantic: 0.3,
    };

    /// The baseline: text similarity alone.
    pub const TEXT_ONLY: Weights = Weights {
        text: 1.0,
        tags: 0.0,
        cites: 0.0,
        groups: 0.0,
        semantic: 0.0,
    };
}

/// A tag or grouping shared by more papers than this is not used to find candidates (it
/// still counts for candidates found otherwise): its weight is small and walking it slow.
const FANOUT: usize = 500;
/// Co-citation and citing the same paper count half a direct citation.
const INDIRECT: f32 = 0.5;

/// How a candidate relates to the seeds through citations, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CiteLink {
    /// A seed cites the candidate.
    CitedBySeed { seed: Node },
    /// The candidate cites a seed.
    CitesSeed { seed: Node },
    /// Both the candidate and a seed cite `other`.
    BothCite { other: Node },
    /// `other` cites both the candidate and a seed.
    CitedTogether { other: Node },
}

/// One candidate's signals and what produced them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scored {
    pub node: Node,
    pub score: f32,
    pub text: f32,
    pub tags: f32,
    pub cites: f32,
    pub groups: f32,
    pub semantic: f32,
    /// Shared tags, rarest first.
    pub shared_tags: Vec<u32>,
    pub cite_link: Option<CiteLink>,
    /// Shared groupings, smallest first.
    pub shared_groups: Vec<u32>,
}

/// What to rank from.
pub struct Query<'a> {
    pub scope: u64,
    pub seeds: &'a [Node],
    /// Text similarity of candidates (cosine, already restricted to what the caller wants).
    pub text: &'a HashMap<Node, f32>,
    /// Similarity in meaning of candidates (cosine of embeddings, restricted likewise).
    pub meaning: &'a HashMap<Node, f32>,
    /// Never suggested (the seeds are left out anyway).
    pub exclude: &'a HashSet<Node>,
    /// Extra groupings the scope has beyond the catalog's (a guild's course sessions).
    pub extra_groups: &'a [Vec<Node>],
}

/// Ranks every candidate any signal finds, best first.
pub fn rank(g: &Graph, q: &Query<'_>, w: Weights) -> Vec<Scored> {
    let seeds: HashSet<Node> = q.seeds.iter().copied().collect();
    let seed_tags = seed_tags(g, q.scope, &seeds);
    let mut candidates: HashSet<Node> = q.text.keys().chain(q.meaning.keys()).copied().collect();
    for &t in seed_tags.keys() {
        let members = &g.tagged[t as usize];
        if members.len() <= FANOUT {
            candidates.extend(
                members
                    .iter()
                    .filter(|m| visible(m.1, q.scope))
                    .map(|m| m.0),
            );
        }
    }
    let cites = cite_links(g, q.scope, &seeds);
    candidates.extend(cites.keys().copied());
    let groups = group_weights(g, q, &seeds);
    candidates.extend(groups.members.iter().copied());
    let mut out: Vec<Scored> = candidates
        .into_iter()
        .filter(|c| !seeds.contains(c) && !q.exclude.contains(c) && g.sees(q.scope, *c))
        .map(|c| {
            let mut s = Scored {
                node: c,
                text: q.text.get(&c).copied().unwrap_or(0.0),
                semantic: q.meaning.get(&c).copied().unwrap_or(0.0),
                ..Scored::default()
            };
            score_tags(g, q.scope, &seed_tags, &mut s);
            if let Some((raw, link)) = cites.get(&c) {
                s.cites = squash(*raw);
                s.cite_link = Some(*link);
            }
            score_groups(g, &groups, &mut s);
            s.score = w.text * s.text
                + w.tags * s.tags
                + w.cites * s.cites
                + w.groups * s.groups
                + w.semantic * s.semantic;
            s
        })
        .filter(|s| s.score > 0.0)
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| g.ids[a.node as usize].cmp(&g.ids[b.node as usize]))
    });
    out
}

fn squash(x: f32) -> f32 {
    x / (1.0 + x)
}

/// The seeds' visible tags with their weight: `ln(1 + N / n)` for a tag `n` of the `N`
/// papers carry, so a tag on two papers counts several times one on half the catalog.
fn seed_tags(g: &Graph, scope: u64, seeds: &HashSet<Node>) -> HashMap<u32, f32> {
    let n = g.papers_seen(scope).max(1) as f32;
    let mut out = HashMap::new();
    for &s in seeds {
        for &(t, stated) in &g.tags_of[s as usize] {
            if visible(stated, scope) && !out.contains_key(&t) {
                let count = g.tag_count(scope, t).max(1) as f32;
                out.insert(t, (1.0 + n / count).ln());
            }
        }
    }
    out
}

fn score_tags(g: &Graph, scope: u64, seed_tags: &HashMap<u32, f32>, s: &mut Scored) {
    let mut shared: Vec<(u32, f32)> = Vec::new();
    for &(t, stated) in &g.tags_of[s.node as usize] {
        if let Some(&w) = seed_tags.get(&t) {
            if visible(stated, scope) && !shared.iter().any(|(x, _)| *x == t) {
                shared.push((t, w));
            }
        }
    }
    shared.sort_by(|a, b| b.1.total_cmp(&a.1));
    s.tags = squash(shared.iter().map(|(_, w)| w).sum::<f32>() / 2.0);
    s.shared_tags = shared.into_iter().map(|(t, _)| t).collect();
}

/// Raw citation score and the strongest link of every paper the citation graph ties to a
/// seed.
fn cite_links(g: &Graph, scope: u64, seeds: &HashSet<Node>) -> HashMap<Node, (f32, CiteLink)> {
    let mut out: HashMap<Node, (f32, CiteLink)> = HashMap::new();
    let mut add = |c: Node, w: f32, link: CiteLink| {
        let e = out.entry(c).or_insert((0.0, link));
        e.0 += w;
        e.1 = e.1.min(link);
    };
    let vis = |list: &[(Node, u64)]| -> Vec<Node> {
        list.iter()
            .filter(|(_, s)| visible(*s, scope))
            .map(|(p, _)| *p)
            .collect()
    };
    for &seed in seeds {
        for cited in vis(&g.cites[seed as usize]) {
            add(cited, 1.0, CiteLink::CitedBySeed { seed });
            for other in vis(&g.cited_by[cited as usize]) {
                add(other, INDIRECT, CiteLink::BothCite { other: cited });
            }
        }
        for citing in vis(&g.cited_by[seed as usize]) {
            add(citing, 1.0, CiteLink::CitesSeed { seed });
            for other in vis(&g.cites[citing as usize]) {
                add(other, INDIRECT, CiteLink::CitedTogether { other: citing });
            }
        }
    }
    out
}

/// Groupings (catalog sections and posts the scope sees, and the scope's own sessions)
/// that hold a seed, each with its weight `1 / ln(e + size)`: sharing a short list says
/// more than sharing a long one.
struct SeedGroups {
    /// Catalog groups holding a seed.
    weight: HashMap<u32, f32>,
    /// Papers to consider from them (groups of at most [`FANOUT`] papers).
    members: Vec<Node>,
    /// Extra groups (sessions) holding a seed: paper to `(u32::MAX - i, weight)`.
    extra: HashMap<Node, Vec<(u32, f32)>>,
}

fn group_weights(g: &Graph, q: &Query<'_>, seeds: &HashSet<Node>) -> SeedGroups {
    let mut out = SeedGroups {
        weight: HashMap::new(),
        members: Vec::new(),
        extra: HashMap::new(),
    };
    let weight = |size: usize| 1.0 / (std::f32::consts::E + size as f32).ln();
    for &s in seeds {
        for &gid in &g.groups_of[s as usize] {
            let group = &g.groups[gid as usize];
            if visible(group.scope, q.scope) && !out.weight.contains_key(&gid) {
                out.weight.insert(gid, weight(group.members.len()));
                if group.members.len() <= FANOUT {
                    out.members.extend(group.members.iter().copied());
                }
            }
        }
    }
    for (i, members) in q.extra_groups.iter().enumerate() {
        if members.iter().any(|m| seeds.contains(m)) {
            let entry = (u32::MAX - i as u32, weight(members.len()));
            for &m in members {
                out.extra.entry(m).or_default().push(entry);
                out.members.push(m);
            }
        }
    }
    out
}

fn score_groups(g: &Graph, groups: &SeedGroups, s: &mut Scored) {
    let mut shared: Vec<(u32, f32)> = g.groups_of[s.node as usize]
        .iter()
        .filter_map(|gid| groups.weight.get(gid).map(|w| (*gid, *w)))
        .collect();
    shared.extend(groups.extra.get(&s.node).into_iter().flatten().copied());
    shared.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    s.groups = squash(shared.iter().map(|(_, w)| w).sum());
    s.shared_groups = shared.into_iter().map(|(gid, _)| gid).collect();
}
