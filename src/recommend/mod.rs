//! Recommendations: related papers from seed papers (or words), ranked by text similarity,
//! rare shared tags, the citation graph and co-occurrence in reading lists and course
//! sessions (`rank`), each with a one-line reason (`why`). The catalog is read once per
//! catalog generation into a [`Snapshot`] (the graph and the TF-IDF index) that every
//! request of this process shares until the change log moves; a request only ranks.

pub mod eval;
pub mod graph;
pub mod history;
pub mod rank;
pub mod semantic;
#[cfg(test)]
mod semantic_tests;
#[cfg(test)]
mod tests;
pub mod why;

use crate::model::Scope;
use crate::relevance::TfIdf;
use crate::store;
use graph::{Graph, GraphRows, Node};
pub use rank::Weights;
use semantic::Semantic;
use sqlx::SqlitePool;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;
pub use why::Why;

/// How many text neighbours are considered before the graph signals and the guild's view
/// are applied.
const TEXT_CANDIDATES: usize = 300;
/// Up to this many papers, text similarity ranks every paper sharing a word with the
/// seeds' whole profile (the evaluation's catalogs are far smaller). Above it, the
/// [`TEXT_CANDIDATES`] papers nearest to its [`QUERY_TERMS`] heaviest words are scored
/// against the whole profile: a request no longer walks the postings of common words over
/// most of a large catalog. On the evaluation fixtures forced through this path, Recall@10
/// is 0.354 on the posts and 0.297 with the awesome-list (whole profile: 0.351 and 0.301;
/// a pool of 1,000 instead of 300 gave the same); the 16 words alone, without the second
/// scoring, gave 0.306 and 0.205.
const EXACT_TEXT_UP_TO: usize = 20_000;
const QUERY_TERMS: usize = 16;

/// The catalog as of one generation: its graph and the text index over title and abstract.
pub struct Snapshot {
    pub generation: i64,
    pub graph: Graph,
    pub text: TfIdf,
    /// The papers' embedding vectors, when a model has computed them.
    pub semantic: Option<Semantic>,
}

/// What to recommend from, in a scope.
#[derive(Debug, Clone, Default)]
pub struct Ask<'a> {
    pub scope: Scope,
    /// Seed papers (ids); never suggested.
    pub seeds: &'a [i64],
    /// Words to match instead of, or beside, the seeds.
    pub text: Option<&'a str>,
    /// Papers never to suggest (beyond the seeds).
    pub exclude: &'a [i64],
    /// The scope's own groupings beyond the catalog's (its course's sessions): a label and
    /// the papers.
    pub sessions: &'a [(String, Vec<i64>)],
    pub limit: usize,
}

/// One suggested paper.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub paper_id: i64,
    pub score: f32,
    pub why: Why,
}

impl Snapshot {
    /// Builds the graph and the text index.
    pub fn build(rows: &GraphRows, generation: i64) -> Snapshot {
        let graph = Graph::build(rows, None);
        // Only globally visible papers make the statistics: a guild's own papers are
        // ranked with them and change nothing for anyone else.
        let text = TfIdf::build_scoped(
            graph
                .ids
                .iter()
                .zip(&graph.texts)
                .zip(&graph.scopes)
                .map(|((id, t), scopes)| (*id, t.clone(), scopes.contains(&0))),
        );
        let semantic = Semantic::build(&graph, &rows.vectors);
        Snapshot {
            generation,
            graph,
            text,
            semantic,
        }
    }

    /// Suggestions for `ask`, best first, ranked over `graph` (this snapshot's own, or one
    /// built without a file's groupings for the evaluation).
    pub fn suggest_on(&self, graph: &Graph, ask: &Ask<'_>, weights: Weights) -> Vec<Suggestion> {
        let node = |id: &i64| graph.index.get(id).copied();
        let seeds: Vec<Node> = ask.seeds.iter().filter_map(node).collect();
        let exclude: HashSet<Node> = ask.exclude.iter().filter_map(node).collect();
        let mut text: HashMap<Node, f32> = HashMap::new();
        let sees = |id: i64| node(&id).is_some_and(|n| graph.sees(ask.scope.0, n));
        let profile = self.text.profile(ask.seeds);
        if !profile.is_empty() {
            let near = if graph.papers_seen(ask.scope.0) <= EXACT_TEXT_UP_TO {
                self.text
                    .similar_to_profile(&profile, ask.seeds, TEXT_CANDIDATES, &sees)
            } else {
                self.text.similar_to_profile_pooled(
                    &profile,
                    ask.seeds,
                    TEXT_CANDIDATES,
                    QUERY_TERMS,
                    &sees,
                )
            };
            for (id, s) in near {
                text.extend(node(&id).map(|n| (n, s)));
            }
        }
        let asked = ask
            .text
            .map(|words| self.text.text_profile(words))
            .unwrap_or_default();
        if !asked.is_empty() {
            for (id, s) in self
                .text
                .similar_to_profile(&asked, &[], TEXT_CANDIDATES, &sees)
            {
                if let Some(n) = node(&id) {
                    let e = text.entry(n).or_insert(0.0);
                    *e = e.max(s);
                }
            }
        }
        let meaning: HashMap<Node, f32> = match &self.semantic {
            Some(sem) if weights.semantic > 0.0 => sem
                .similar(&seeds, TEXT_CANDIDATES, |n| {
                    !exclude.contains(&n) && graph.sees(ask.scope.0, n)
                })
                .into_iter()
                .collect(),
            _ => HashMap::new(),
        };
        let sessions: Vec<Vec<Node>> = ask
            .sessions
            .iter()
            .map(|(_, ids)| ids.iter().filter_map(node).collect())
            .collect();
        let labels: Vec<String> = ask.sessions.iter().map(|(l, _)| l.clone()).collect();
        let query = rank::Query {
            scope: ask.scope.0,
            seeds: &seeds,
            text: &text,
            meaning: &meaning,
            exclude: &exclude,
            extra_groups: &sessions,
        };
        rank::rank(graph, &query, weights)
            .into_iter()
            .take(ask.limit)
            .map(|s| {
                let id = graph.ids[s.node as usize];
                // The seeds' words first, then the asked words, each named once.
                let mut terms = Vec::new();
                if s.text > 0.0 {
                    for t in [&profile, &asked]
                        .into_iter()
                        .flat_map(|p| self.text.profile_terms(p, id, 3))
                    {
                        if !terms.contains(&t) {
                            terms.push(t);
                        }
                    }
                }
                let mut why = Why::of(graph, &s, &labels, terms);
                why.meaning = s.semantic * weights.semantic > s.text * weights.text;
                Suggestion {
                    paper_id: id,
                    score: s.score,
                    why,
                }
            })
            .collect()
    }

    /// Suggestions for `ask` with the chosen weights.
    pub fn suggest(&self, ask: &Ask<'_>) -> Vec<Suggestion> {
        self.suggest_on(&self.graph, ask, Weights::DEFAULT)
    }
}

/// Reads everything the graph is built from.
pub async fn load_rows(pool: &SqlitePool) -> anyhow::Result<GraphRows> {
    let mut conn = pool.acquire().await?;
    Ok(GraphRows {
        papers: store::recommend::papers(&mut conn).await?,
        sources: store::recommend::sources(&mut conn).await?,
        tags: store::recommend::tags(&mut conn).await?,
        cites: store::recommend::cites(&mut conn).await?,
        vectors: store::embeddings::vectors(&mut conn)
            .await?
            .into_iter()
            .filter_map(|(id, blob)| Some((id, crate::embed::from_blob(&blob)?)))
            .collect(),
    })
}

/// The snapshot this process ranks from, rebuilt when the catalog's generation moves (in
/// this process or another one on the same data folder).
#[derive(Default)]
pub struct Recommender {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// One rebuild at a time.
    building: tokio::sync::Mutex<()>,
}

/// How long a request waits for a rebuild before answering from the previous snapshot (a
/// large catalog takes seconds to rebuild; Discord wants an answer within three).
const FRESH_WAIT: Duration = Duration::from_millis(1000);

impl Recommender {
    /// The snapshot of the catalog's current generation; while one is being rebuilt after a
    /// change, the previous one (after [`FRESH_WAIT`]). Results are loaded through the
    /// catalog as the guild sees it now, so a previous snapshot can miss a new paper but
    /// never shows what a guild may not see.
    pub async fn snapshot(self: &Arc<Self>, pool: &SqlitePool) -> anyhow::Result<Arc<Snapshot>> {
        let generation = store::changes::current(&mut *pool.acquire().await?).await?;
        if let Some(s) = self.cached(Some(generation)) {
            return Ok(s);
        }
        let rebuild = {
            let me = Arc::clone(self);
            let pool = pool.clone();
            async move {
                let _building = me.building.lock().await;
                match me.cached(Some(generation)) {
                    Some(s) => Ok(s),
                    None => me.rebuild(&pool, generation).await,
                }
            }
        };
        let Some(previous) = self.cached(None) else {
            return rebuild.await;
        };
        match tokio::time::timeout(FRESH_WAIT, tokio::spawn(rebuild)).await {
            Ok(Ok(Ok(fresh))) => Ok(fresh),
            Ok(Ok(Err(e))) => {
                tracing::warn!(error = %e, "rebuilding the recommendation snapshot failed");
                Ok(previous)
            }
            Ok(Err(e)) => Err(e.into()),
            // The rebuild goes on in the background.
            Err(_) => Ok(previous),
        }
    }

    async fn rebuild(&self, pool: &SqlitePool, generation: i64) -> anyhow::Result<Arc<Snapshot>> {
        let started = std::time::Instant::now();
        let rows = load_rows(pool).await?;
        let snapshot = Arc::new(
            tokio::task::spawn_blocking(move || Snapshot::build(&rows, generation)).await?,
        );
        tracing::info!(
            generation,
            papers = snapshot.graph.len(),
            ms = started.elapsed().as_millis() as u64,
            "recommendation snapshot built"
        );
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&snapshot));
        Ok(snapshot)
    }

    /// Whether a snapshot is held, so a request answers within Discord's three seconds
    /// (before the first one is built, a large catalog takes seconds).
    pub fn is_ready(&self) -> bool {
        self.cached(None).is_some()
    }

    /// The snapshot held, if it is of `generation` (any when `None`).
    fn cached(&self, generation: Option<i64>) -> Option<Arc<Snapshot>> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current
            .as_ref()
            .filter(|s| generation.is_none_or(|g| s.generation == g))
            .cloned()
    }
}
