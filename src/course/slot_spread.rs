//! The part of `/slot autofill` that keeps a team to one paper a week: open slots go to
//! teams as a flow (each open paper to one team; each team at most once per session; each
//! team up to a cap), grown one paper at a time along augmenting paths, so an earlier
//! choice is undone when a later paper needs it. Among the teams a paper can reach, the one
//! with the fewest slots wins (ties by name order), which keeps the counts balanced.
//! The papers the flow cannot place without a double are placed after it, each costing
//! exactly one double, which is the fewest any plan filling as many slots can have.

use std::collections::{HashMap, HashSet, VecDeque};

/// The problem: open papers (with their session), in the order to fill them; how many
/// slots each team holds already; the sessions where a team presents already.
#[derive(Debug, Clone)]
pub(super) struct Spread<'a> {
    pub open: &'a [(i64, i64)],
    pub held: &'a [usize],
    pub busy: &'a HashSet<(usize, i64)>,
}

/// Where a BFS step came from (the flow network's nodes, by dense index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Paper(usize),
    /// A team's place in a session: `team * sessions + session`.
    Cell(usize),
    Team(usize),
}

/// The assignment so far, with what the search reads from it.
struct State {
    /// Each open paper's team.
    owner: Vec<Option<usize>>,
    /// Each cell's paper.
    cell: Vec<Option<usize>>,
    load: Vec<usize>,
}

impl Spread<'_> {
    /// For each open paper, the team (index) it goes to, no team holding more than `cap`
    /// slots or two in one session; `None` for a paper left open. Papers are taken in
    /// order, each with one search, which fills as many as any assignment could.
    pub fn assign(&self, cap: usize) -> Vec<Option<usize>> {
        let mut sessions: Vec<i64> = self.open.iter().map(|&(s, _)| s).collect();
        sessions.sort_unstable();
        sessions.dedup();
        let at: Vec<usize> = self
            .open
            .iter()
            .map(|(s, _)| sessions.binary_search(s).unwrap_or(0))
            .collect();
        let teams = self.held.len();
        let mut blocked = vec![false; teams * sessions.len()];
        for &(t, s) in self.busy {
            if let (true, Ok(i)) = (t < teams, sessions.binary_search(&s)) {
                blocked[t * sessions.len() + i] = true;
            }
        }
        let mut state = State {
            owner: vec![None; self.open.len()],
            cell: vec![None; teams * sessions.len()],
            load: self.held.to_vec(),
        };
        let grid = Grid {
            at: &at,
            sessions: sessions.len(),
            blocked: &blocked,
            cap,
        };
        for p in 0..self.open.len() {
            if let Some(moves) = grid.augmenting_path(&state, p) {
                for &(x, _) in &moves {
                    if let Some(t) = state.owner[x].take() {
                        state.cell[t * grid.sessions + at[x]] = None;
                        state.load[t] -= 1;
                    }
                }
                for (x, t) in moves {
                    state.owner[x] = Some(t);
                    state.cell[t * grid.sessions + at[x]] = Some(x);
                    state.load[t] += 1;
                }
            }
        }
        state.owner
    }

    /// Gives each paper `owner` leaves open to a team with room under `limit`: the one
    /// with the fewest papers in that session (a double before a triple), then the fewest
    /// slots, then name order; stops when every team is at the limit.
    ///
    /// Why this has the fewest doubles when `owner` is [`Spread::assign`]'s answer under a
    /// cap that places as many papers as `limit` does: a paper still open then has no team
    /// with room and a free session (placing it there would make the flow longer), so each
    /// paper placed here is one double, `fills - placed by the flow` in all. Any plan
    /// filling as many slots has at least that many, since its first paper of each team in
    /// each session, on its own, is a double-free plan the flow cannot beat.
    pub fn place_rest(&self, owner: &mut [Option<usize>], limit: usize) {
        let mut load = self.held.to_vec();
        let mut in_session: HashMap<(usize, i64), usize> =
            self.busy.iter().map(|&cell| (cell, 1)).collect();
        for (&(s, _), t) in self.open.iter().zip(owner.iter()) {
            if let Some(t) = *t {
                load[t] += 1;
                *in_session.entry((t, s)).or_default() += 1;
            }
        }
        for (&(s, _), slot) in self.open.iter().zip(owner.iter_mut()) {
            if slot.is_some() {
                continue;
            }
            let pick = (0..load.len())
                .filter(|&t| load[t] < limit)
                .min_by_key(|&t| (in_session.get(&(t, s)).copied().unwrap_or(0), load[t], t));
            let Some(t) = pick else { break };
            *slot = Some(t);
            load[t] += 1;
            *in_session.entry((t, s)).or_default() += 1;
        }
    }
}

/// The fixed part of the search: each paper's session (dense), the cells claims block.
struct Grid<'a> {
    at: &'a [usize],
    sessions: usize,
    blocked: &'a [bool],
    cap: usize,
}

impl Grid<'_> {
    /// The moves (paper, its new team) that give paper `p` a team, ending at the team with
    /// the fewest slots among those reachable with room under the cap.
    fn augmenting_path(&self, state: &State, p: usize) -> Option<Vec<(usize, usize)>> {
        let teams = state.load.len();
        let (papers, cells) = (state.owner.len(), state.cell.len());
        let mut from_paper: Vec<Option<Node>> = vec![None; papers];
        let mut from_cell: Vec<Option<Node>> = vec![None; cells];
        let mut from_team: Vec<Option<Node>> = vec![None; teams];
        let mut seen_paper = vec![false; papers];
        seen_paper[p] = true;
        let mut queue = VecDeque::from([Node::Paper(p)]);
        let mut best: Option<usize> = None;
        while let Some(node) = queue.pop_front() {
            match node {
                Node::Paper(x) => {
                    for t in 0..teams {
                        let c = t * self.sessions + self.at[x];
                        if state.owner[x] != Some(t) && !self.blocked[c] && from_cell[c].is_none() {
                            from_cell[c] = Some(node);
                            queue.push_back(Node::Cell(c));
                        }
                    }
                }
                Node::Cell(c) => match state.cell[c] {
                    Some(q) if !seen_paper[q] => {
                        seen_paper[q] = true;
                        from_paper[q] = Some(node);
                        queue.push_back(Node::Paper(q));
                    }
                    Some(_) => {}
                    None => {
                        let t = c / self.sessions;
                        if from_team[t].is_none() {
                            from_team[t] = Some(node);
                            queue.push_back(Node::Team(t));
                        }
                    }
                },
                Node::Team(t) => {
                    if state.load[t] < self.cap
                        && best.is_none_or(|b| (state.load[t], t) < (state.load[b], b))
                    {
                        best = Some(t);
                    }
                    let row = t * self.sessions..(t + 1) * self.sessions;
                    for (c, from) in row.clone().zip(&mut from_cell[row]) {
                        if state.cell[c].is_some() && from.is_none() {
                            *from = Some(node);
                            queue.push_back(Node::Cell(c));
                        }
                    }
                }
            }
        }
        // Walk back: every paper on the path takes the cell that follows it.
        let mut moves = Vec::new();
        let mut node = Node::Team(best?);
        loop {
            let prev = match node {
                Node::Paper(x) if x == p => break,
                Node::Paper(x) => from_paper[x],
                Node::Cell(c) => from_cell[c],
                Node::Team(t) => from_team[t],
            }?;
            if let (Node::Paper(x), Node::Cell(c)) = (prev, node) {
                moves.push((x, c / self.sessions));
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

    #[test]
    fn the_papers_left_over_go_where_a_team_has_the_fewest_papers_that_week() {
        // Session 1 has four open papers for two teams, so two of them are doubles
        // whatever happens. Team a has fewer slots, yet the fourth paper goes to team b:
        // two teams with two papers that week rather than team a with three.
        let open = [(1, 1), (1, 2), (1, 3), (1, 4), (2, 5)];
        let held = [0, 3];
        let busy = HashSet::from([(1, 8), (1, 9)]);
        let spread = Spread {
            open: &open,
            held: &held,
            busy: &busy,
        };
        let mut owner = spread.assign(4);
        assert_eq!(owner, [Some(0), Some(1), None, None, Some(0)]);
        spread.place_rest(&mut owner, 10);
        assert_eq!(owner, [Some(0), Some(1), Some(0), Some(1), Some(0)]);
        // When only team a has room, it takes both: a slot filled before a triple avoided.
        let mut owner = spread.assign(4);
        spread.place_rest(&mut owner, 4);
        assert_eq!(owner, [Some(0), Some(1), Some(0), Some(0), Some(0)]);
    }
}
