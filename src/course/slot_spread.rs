//! The part of `/slot autofill` that keeps a team to one paper a week: open slots go to
//! teams as a flow (each open paper to one team; each team at most once per session; each
//! team up to a cap), grown one paper at a time along augmenting paths, so an earlier
//! choice is undone when a later paper needs it. Among the teams a paper can reach, the one
//! with the fewest slots wins (ties by name order), which keeps the counts balanced.

use std::collections::{HashMap, HashSet, VecDeque};

/// The problem: open papers (with their session), in the order to fill them; how many
/// slots each team holds already; the sessions where a team presents already.
#[derive(Debug, Clone)]
pub(super) struct Spread<'a> {
    pub open: &'a [(i64, i64)],
    pub held: &'a [usize],
    pub busy: &'a HashSet<(usize, i64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Node {
    Paper(usize),
    /// A team's place in a session.
    Cell(usize, i64),
    Team(usize),
}

impl Spread<'_> {
    /// For each open paper, the team (index) it goes to, no team holding more than `cap`
    /// slots or two in one session; `None` for a paper left open.
    pub fn assign(&self, cap: usize) -> Vec<Option<usize>> {
        let mut owner: Vec<Option<usize>> = vec![None; self.open.len()];
        for p in 0..self.open.len() {
            if let Some(path) = self.augmenting_path(&owner, p, cap) {
                for (paper, team) in path {
                    owner[paper] = Some(team);
                }
            }
        }
        owner
    }

    /// The moves (paper, its new team) that give paper `p` a team, ending at the team with
    /// the fewest slots among those reachable with room under `cap`.
    fn augmenting_path(
        &self,
        owner: &[Option<usize>],
        p: usize,
        cap: usize,
    ) -> Option<Vec<(usize, usize)>> {
        let session = |paper: usize| self.open[paper].0;
        let mut cells: HashMap<(usize, i64), usize> = HashMap::new();
        let mut load = self.held.to_vec();
        for (paper, team) in owner.iter().enumerate() {
            if let Some(t) = *team {
                cells.insert((t, session(paper)), paper);
                load[t] += 1;
            }
        }
        let mut parent: HashMap<Node, Node> = HashMap::new();
        let mut queue = VecDeque::from([Node::Paper(p)]);
        let mut seen = HashSet::from([Node::Paper(p)]);
        let mut ends = Vec::new();
        let mut visit = |from: Node, to: Node, queue: &mut VecDeque<Node>| {
            if seen.insert(to) {
                parent.insert(to, from);
                queue.push_back(to);
            }
        };
        while let Some(node) = queue.pop_front() {
            match node {
                Node::Paper(x) => {
                    for t in 0..self.held.len() {
                        let s = session(x);
                        if owner[x] != Some(t) && !self.busy.contains(&(t, s)) {
                            visit(node, Node::Cell(t, s), &mut queue);
                        }
                    }
                }
                Node::Cell(t, s) => match cells.get(&(t, s)) {
                    Some(&q) => visit(node, Node::Paper(q), &mut queue),
                    None => visit(node, Node::Team(t), &mut queue),
                },
                Node::Team(t) => {
                    if load[t] < cap {
                        ends.push(t);
                    }
                    let mut mine: Vec<i64> = cells
                        .keys()
                        .filter(|(team, _)| *team == t)
                        .map(|&(_, s)| s)
                        .collect();
                    mine.sort_unstable();
                    for s in mine {
                        visit(node, Node::Cell(t, s), &mut queue);
                    }
                }
            }
        }
        let end = ends.into_iter().min_by_key(|&t| (load[t], t))?;
        // Walk back: every paper on the path takes the cell that follows it.
        let mut moves = Vec::new();
        let mut node = Node::Team(end);
        while let Some(&prev) = parent.get(&node) {
            if let (Node::Paper(x), Node::Cell(t, _)) = (prev, node) {
                moves.push((x, t));
            }
            node = prev;
        }
        Some(moves)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_earlier_choice_moves_so_a_later_paper_finds_a_team() {
        // Each team holds a slot; team 1's is in session 2. Paper 10 (session 1) goes to
        // team 0 first (a tie, name order); paper 20 (session 2) can only go to team 0,
        // which is then full at cap 2: paper 10 moves to team 1.
        let open = [(1, 10), (2, 20)];
        let held = [1, 1];
        let busy = HashSet::from([(0, 9), (1, 2)]);
        let spread = Spread {
            open: &open,
            held: &held,
            busy: &busy,
        };
        assert_eq!(spread.assign(2), [Some(1), Some(0)]);
        assert_eq!(spread.assign(1), [None, None]);
        // With team 1 also in session 1, nothing can move: paper 20 stays open at cap 2.
        let busy = HashSet::from([(0, 9), (1, 1), (1, 2)]);
        let spread = Spread {
            busy: &busy,
            ..spread
        };
        assert_eq!(spread.assign(2), [Some(0), None]);
        assert_eq!(spread.assign(3), [Some(0), Some(0)]);
    }
}
