//! A deterministic synthetic catalog: the same seed always gives the same papers, so
//! benchmark figures are comparable across runs and machines. Titles, abstracts, authors,
//! venues and tags come from real ML/NLP vocabulary (see `words`), plus coined model names
//! for the long tail of rare words real catalogs have. `to_bibtex` renders the papers as a
//! `.bib` file so the importer can be benchmarked on real parsing.

use super::words;
use crate::model::{Link, Paper};
use std::collections::HashSet;
use std::fmt::Write as _;

/// xorshift64*: tiny, fast and good enough to pick words; not for anything secret.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Zero is xorshift's one fixed point; any other state works.
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi` (modulo bias is irrelevant here).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next_u64() as usize % items.len()]
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// The word lists split once.
struct Vocab {
    adjectives: Vec<&'static str>,
    nouns: Vec<&'static str>,
    tasks: Vec<&'static str>,
    verbs: Vec<&'static str>,
    syllables: Vec<&'static str>,
    first: Vec<&'static str>,
    last: Vec<&'static str>,
    tags: Vec<String>,
}

impl Vocab {
    fn new() -> Vocab {
        let bar = |s: &'static str| s.split('|').map(str::trim).collect::<Vec<_>>();
        let ws = |s: &'static str| s.split_whitespace().collect::<Vec<_>>();
        let (adjectives, nouns, tasks) =
            (bar(words::ADJECTIVES), bar(words::NOUNS), bar(words::TASKS));
        Vocab {
            tags: tag_list(&adjectives, &nouns, &tasks),
            adjectives,
            nouns,
            tasks,
            verbs: ws(words::VERBS),
            syllables: ws(words::SYLLABLES),
            first: ws(words::FIRST_NAMES),
            last: ws(words::LAST_NAMES),
        }
    }
}

/// About 300 tags from nouns, tasks, some adjectives and extras, written in the mixed
/// styles people use (`Scaling Laws`, `scaling-laws`, `question answering`), which
/// `tag_key` folds together.
fn tag_list(adjectives: &[&str], nouns: &[&str], tasks: &[&str]) -> Vec<String> {
    let mut seen = HashSet::new();
    let base = nouns
        .iter()
        .chain(tasks)
        .chain(adjectives.iter().take(40))
        .copied()
        .chain(words::EXTRA_TAGS.split('|'));
    base.enumerate()
        .map(|(i, t)| match i % 3 {
            0 => title_case(t),
            1 => t.replace(' ', "-"),
            _ => t.to_string(),
        })
        .filter(|t| seen.insert(crate::ingest::ids::tag_key(t)))
        .collect()
}

/// The tags the generator draws from, as written.
pub fn tags() -> Vec<String> {
    Vocab::new().tags
}

/// `count` papers from `seed`. Ids are `1..=count`; keys are unique.
pub fn papers(count: usize, seed: u64) -> Vec<Paper> {
    let v = Vocab::new();
    let mut rng = Rng::new(seed);
    let mut keys = HashSet::with_capacity(count);
    (0..count)
        .map(|i| paper(&v, &mut rng, i, &mut keys))
        .collect()
}

fn paper(v: &Vocab, rng: &mut Rng, i: usize, keys: &mut HashSet<String>) -> Paper {
    let model = coined_name(v, rng);
    let title = title(v, rng, &model);
    let authors: Vec<String> = (0..rng.range(1, 8))
        .map(|_| format!("{} {}", rng.pick(&v.first), rng.pick(&v.last)))
        .collect();
    // Skewed towards recent years, as reading lists are.
    let year = 2025 - (rng.range(0, 35) * rng.range(0, 35) / 35) as i32;
    let (venue, _) = *rng.pick(words::VENUES);
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..rng.range(1, 5) {
        let t = rng.pick(&v.tags);
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    let arxiv = i.is_multiple_of(2).then(|| arxiv_id(rng, year));
    let links = arxiv
        .iter()
        .map(|a| Link::new("paper", format!("https://arxiv.org/abs/{a}")))
        .collect();
    Paper {
        id: i as i64 + 1,
        key: unique_key(keys, &authors, year, &title),
        abstract_text: Some(abstract_text(v, rng, &model)),
        title,
        authors,
        year: Some(year),
        venue: Some(venue.to_string()),
        tags,
        links,
        arxiv,
        doi: None,
        note: None,
        sources: Vec::new(),
        bibtex: None,
    }
}

fn title(v: &Vocab, rng: &mut Rng, model: &str) -> String {
    let adj = title_case(rng.pick::<&str>(&v.adjectives));
    let noun = title_case(rng.pick::<&str>(&v.nouns));
    let noun2 = title_case(rng.pick::<&str>(&v.nouns));
    let task = title_case(rng.pick::<&str>(&v.tasks));
    match rng.range(0, 7) {
        0 => format!("{adj} {noun} for {task}"),
        1 => format!("{model}: {adj} {noun} for {task}"),
        2 => format!("On the {noun} of {adj} {noun2}"),
        3 => format!("Towards {adj} {task} with {noun}"),
        4 => format!("{noun} Are {adj} {noun2}"),
        5 => format!("Learning {adj} {noun} from {noun2}"),
        6 => format!("{model}: Scaling {noun} to {task}"),
        _ => format!("Rethinking {noun} in {adj} {task}"),
    }
}

/// A made-up model name such as `Zorvexla`: rare words are what users search for most.
fn coined_name(v: &Vocab, rng: &mut Rng) -> String {
    let n = rng.range(2, 3);
    let raw: String = (0..n).map(|_| *rng.pick(&v.syllables)).collect();
    title_case(&raw)
}

fn abstract_text(v: &Vocab, rng: &mut Rng, model: &str) -> String {
    let target = rng.range(80, 200) as usize;
    let mut out = String::new();
    let mut words = 0;
    while words < target {
        let adj = rng.pick(&v.adjectives);
        let noun = rng.pick(&v.nouns);
        let noun2 = rng.pick(&v.nouns);
        let task = rng.pick(&v.tasks);
        let verb = rng.pick(&v.verbs);
        let s = match rng.range(0, 6) {
            0 => format!("We propose {model}, a {adj} approach to {task} built on {noun}."),
            1 => format!("Our method {verb} {adj} {noun} and {noun2} on standard {task} benchmarks."),
            2 => format!(
                "Experiments on {} datasets show gains of {}.{} points over strong baselines.",
                rng.range(2, 12),
                rng.range(0, 15),
                rng.range(0, 9)
            ),
            3 => format!("Unlike prior work on {noun}, {model} {verb} {noun2} without extra supervision."),
            4 => format!("We analyze why {adj} {noun} helps {task} and when it fails."),
            5 => format!("Code and models for {task} are released to support research on {noun2}."),
            _ => format!("Recent advances in {noun} have made {task} practical, yet {adj} {noun2} remains hard."),
        };
        words += s.split_whitespace().count();
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s);
    }
    out
}

fn arxiv_id(rng: &mut Rng, year: i32) -> String {
    let month = rng.range(1, 12);
    if year >= 2015 {
        format!("{:02}{month:02}.{:05}", year % 100, rng.range(1, 99_999))
    } else if year >= 2007 {
        format!("{:02}{month:02}.{:04}", year % 100, rng.range(1, 9_999))
    } else {
        format!("cs/{:02}{month:02}{:03}", year % 100, rng.range(1, 999))
    }
}

/// `lastname2020word`, with `a`, `b`, ... appended on collision as people do.
fn unique_key(keys: &mut HashSet<String>, authors: &[String], year: i32, title: &str) -> String {
    let ascii = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .flat_map(|c| c.to_lowercase())
            .collect()
    };
    let last = authors
        .first()
        .and_then(|a| a.split_whitespace().last())
        .map(ascii)
        .unwrap_or_default();
    let word = title
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.len() > 3)
        .map(ascii)
        .unwrap_or_default();
    let base = format!("{last}{year}{word}");
    let mut key = base.clone();
    let mut n = 0u32;
    while !keys.insert(key.clone()) {
        key = format!("{base}{}", suffix(n));
        n += 1;
    }
    key
}

/// `a`..`z`, then `aa`, `ab`, ...
fn suffix(mut n: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.iter().rev().map(|b| *b as char).collect()
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The papers as a BibTeX file: `@inproceedings` or `@article` by venue, with `keywords`,
/// `abstract` and arXiv `eprint` fields, special characters escaped for LaTeX.
pub fn to_bibtex(papers: &[Paper]) -> String {
    let mut out = String::with_capacity(papers.len() * 1500);
    for p in papers {
        let venue = p.venue.as_deref().unwrap_or("");
        let journal = words::VENUES.iter().any(|(v, j)| *v == venue && *j);
        let (kind, venue_field) = if journal {
            ("article", "journal")
        } else {
            ("inproceedings", "booktitle")
        };
        // Writing to a String cannot fail.
        let _ = writeln!(out, "@{kind}{{{},", p.key);
        let mut field = |name: &str, value: &str| {
            let _ = writeln!(out, "  {name} = {{{}}},", latex_escape(value));
        };
        field("title", &p.title);
        field("author", &p.authors.join(" and "));
        if let Some(y) = p.year {
            field("year", &y.to_string());
        }
        if !venue.is_empty() {
            field(venue_field, venue);
        }
        if !p.tags.is_empty() {
            field("keywords", &p.tags.join(", "));
        }
        if let Some(a) = &p.abstract_text {
            field("abstract", a);
        }
        if let Some(a) = &p.arxiv {
            field("eprint", a);
            field("archivePrefix", "arXiv");
        }
        out.push_str("}\n\n");
    }
    out
}

/// The papers as one awesome-list file of title-only entries (`#### Title` and a `tag:`
/// line; no links, no BibTeX), the input where only the normalised title identifies a
/// paper and most keys come from title words alone.
pub fn to_awesome(papers: &[Paper]) -> String {
    let mut out = String::with_capacity(papers.len() * 100);
    out.push_str("# Synthetic reading list\n\n");
    for p in papers {
        let tags: Vec<String> = p.tags.iter().map(|t| format!("`{t}`")).collect();
        // Writing to a String cannot fail.
        let _ = write!(out, "#### {}\n\ntag: {}\n\n", p.title, tags.join(" "));
    }
    out
}

/// Escapes the characters LaTeX treats specially; accents are left as UTF-8, which
/// biber and modern BibTeX read.
fn latex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str(r"\textasciitilde{}"),
            '^' => out.push_str(r"\textasciicircum{}"),
            '\\' => out.push_str(r"\textbackslash{}"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ids::tag_key;

    #[test]
    fn the_same_seed_gives_the_same_catalog() {
        assert_eq!(papers(50, 7), papers(50, 7));
        assert_ne!(papers(5, 7), papers(5, 8));
    }

    #[test]
    fn papers_look_like_papers() {
        let ps = papers(500, 1);
        let keys: HashSet<_> = ps.iter().map(|p| &p.key).collect();
        assert_eq!(keys.len(), ps.len());
        for p in &ps {
            assert!((1..=8).contains(&p.authors.len()));
            assert!((1..=5).contains(&p.tags.len()));
            assert!((1990..=2025).contains(&p.year.unwrap_or(0)), "{:?}", p.year);
            let words = p
                .abstract_text
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .count();
            assert!((80..=240).contains(&words), "{words}");
        }
        let with_arxiv = ps.iter().filter(|p| p.arxiv.is_some()).count();
        assert_eq!(with_arxiv, 250);
    }

    #[test]
    fn there_are_about_300_distinct_tags() {
        let t = tags();
        let keys: HashSet<_> = t.iter().map(|t| tag_key(t)).collect();
        assert_eq!(keys.len(), t.len());
        assert!((250..=350).contains(&t.len()), "{}", t.len());
    }

    #[test]
    fn bibtex_has_one_entry_per_paper_with_keywords_and_abstract() {
        let ps = papers(20, 3);
        let bib = to_bibtex(&ps);
        assert_eq!(bib.matches("\n@").count() + 1, ps.len());
        assert_eq!(bib.matches("keywords = {").count(), ps.len());
        assert_eq!(bib.matches("abstract = {").count(), ps.len());
        assert!(bib.contains(&format!("{{{},", ps[0].key)));
        assert_eq!(latex_escape("50% of a_b & {c}"), r"50\% of a\_b \& \{c\}");
        let parsed = biblatex::Bibliography::parse(&bib).expect("biblatex parses it");
        assert_eq!(parsed.len(), ps.len());
    }

    #[test]
    fn the_awesome_list_parses_to_one_title_only_entry_per_paper() {
        let ps = papers(50, 3);
        let parsed = crate::ingest::awesome::parse(&to_awesome(&ps));
        assert_eq!(parsed.entries.len(), ps.len());
        for (e, p) in parsed.entries.iter().zip(&ps) {
            assert_eq!(e.title, p.title);
            assert!(e.bibtex.is_none() && e.links.is_empty() && e.arxiv.is_none());
            assert_eq!(e.tags.len(), p.tags.len() + 1, "{:?}", e.tags);
        }
    }

    #[test]
    fn key_suffixes_count_like_bibtex_users_do() {
        let s: Vec<_> = [0, 1, 25, 26, 27].iter().map(|n| suffix(*n)).collect();
        assert_eq!(s, ["a", "b", "z", "aa", "ab"]);
    }
}
