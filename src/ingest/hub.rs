//! Citation-hub pages: one hub paper (title, badge line, abstract) followed by page chrome
//! ("hub tools", "claims ledger", ...), summaries without titles ("representative citing
//! papers", not importable) and the "citing papers explorer": `-`-separated groups of a
//! title line and a one-line summary. The hub paper is entry 0 and every citing paper gets
//! a `(citing, 0)` edge.

use super::{ParseOutput, RawEntry, Warning};

/// Lines that are the page's interface, never paper text.
const CHROME: &[&str] = &[
    "hub tools",
    "citation-role summary",
    "citation-polarity summary",
    "claims ledger",
    "authors",
    "co-cited works",
    "representative citing papers",
    "citing papers explorer",
    "abstract",
    "load more",
    "show more",
    "view all",
    "-",
];

fn is_chrome(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    CHROME.contains(&l.as_str())
}

pub fn parse(text: &str) -> ParseOutput {
    let mut out = ParseOutput::default();
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let find = |label: &str| {
        lines
            .iter()
            .position(|(_, l)| l.eq_ignore_ascii_case(label))
    };
    let abstract_at = find("abstract");
    let explorer_at = find("citing papers explorer");

    let Some(title_at) = hub_title(&lines, abstract_at) else {
        out.warnings.push(Warning {
            line: 1,
            message: "no hub paper title found (expected a `super hub` line or an `abstract` \
                      line below the title)"
                .to_string(),
        });
        return out;
    };
    let (title_line, title) = lines[title_at];
    let mut hub = RawEntry {
        line: title_line,
        title: title.to_string(),
        ..RawEntry::default()
    };
    let badge_end = abstract_at
        .filter(|a| *a > title_at)
        .unwrap_or(title_at + 2);
    let badge: Vec<&str> = lines
        .get(title_at + 1..badge_end.min(title_at + 3).max(title_at + 1))
        .unwrap_or(&[])
        .iter()
        .map(|(_, l)| *l)
        .filter(|l| !is_chrome(l))
        .collect();
    if !badge.is_empty() {
        hub.note = Some(badge.join(" "));
    }
    if let Some(a) = abstract_at {
        let body: Vec<&str> = lines
            .iter()
            .skip(a + 1)
            .take_while(|(_, l)| !is_chrome(l))
            .map(|(_, l)| *l)
            .collect();
        if !body.is_empty() {
            hub.abstract_text = Some(body.join(" "));
        }
    }
    out.entries.push(hub);

    let Some(explorer) = explorer_at else {
        out.warnings.push(Warning {
            line: title_line,
            message: "no `citing papers explorer` section; only the hub paper was read".to_string(),
        });
        return out;
    };
    for (line, title, summary) in citing(lines.get(explorer + 1..).unwrap_or(&[])) {
        out.entries.push(RawEntry {
            line,
            title,
            note: summary,
            ..RawEntry::default()
        });
        out.cites.push((out.entries.len() - 1, 0));
    }
    super::warn_duplicates(&mut out);
    out
}

/// The hub paper's title: the line after the `super hub` badge, else the nearest line above
/// `abstract` that reads like a title rather than a sentence.
fn hub_title(lines: &[(usize, &str)], abstract_at: Option<usize>) -> Option<usize> {
    let marker = lines
        .iter()
        .position(|(_, l)| l.to_lowercase().starts_with("super hub"));
    if let Some(m) = marker {
        return (m + 1..lines.len()).find(|&i| !is_chrome(lines[i].1));
    }
    let a = abstract_at?;
    (0..a)
        .rev()
        .find(|&i| !is_chrome(lines[i].1) && !lines[i].1.ends_with('.'))
}

/// Citing papers from the explorer's lines: `-`-separated groups of title then summary, or
/// (when the page has no separators) alternating title and summary lines.
fn citing(lines: &[(usize, &str)]) -> Vec<(usize, String, Option<String>)> {
    // The explorer ends where other page chrome starts.
    let end = lines
        .iter()
        .position(|(_, l)| is_chrome(l) && *l != "-")
        .unwrap_or(lines.len());
    let section = &lines[..end];
    let mut papers = Vec::new();
    if section.iter().any(|(_, l)| *l == "-") {
        for group in section.split(|(_, l)| *l == "-") {
            let Some(((line, title), rest)) = group.split_first() else {
                continue;
            };
            let summary: Vec<&str> = rest.iter().map(|(_, l)| *l).collect();
            let summary = (!summary.is_empty()).then(|| summary.join(" "));
            papers.push((*line, title.to_string(), summary));
        }
        return papers;
    }
    let mut i = 0;
    while i < section.len() {
        let (line, title) = section[i];
        // A summary is a sentence; a title rarely ends with a full stop.
        let next_is_summary = section.get(i + 1).is_some_and(|(_, l)| l.ends_with('.'));
        if next_is_summary && !title.ends_with('.') {
            papers.push((
                line,
                title.to_string(),
                section.get(i + 1).map(|(_, s)| s.to_string()),
            ));
            i += 2;
        } else {
            if !title.ends_with('.') {
                papers.push((line, title.to_string(), None));
            }
            i += 1;
        }
    }
    papers
}

#[cfg(test)]
mod tests {
    use super::*;

    const HUB: &str = include_str!("../../tests/fixtures/ingest/hub_page.txt");

    #[test]
    fn hub_paper_first_with_abstract() {
        let out = parse(HUB);
        let hub = &out.entries[0];
        assert_eq!(hub.title, "Attention Is All You Need");
        assert_eq!(hub.line, 3);
        assert!(hub.abstract_text.as_deref().is_some_and(|a| a
            .starts_with("The dominant sequence transduction models")
            && a.ends_with("English constituency parsing.")));
        assert!(hub
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("Canonical reference.")));
    }

    #[test]
    fn citing_papers_with_summaries_and_edges() {
        let out = parse(HUB);
        let titles: Vec<&str> = out
            .entries
            .iter()
            .skip(1)
            .map(|e| e.title.as_str())
            .collect();
        assert_eq!(
            titles,
            [
                "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
                "Language Models are Few-Shot Learners",
                "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
                "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
            ]
        );
        assert_eq!(out.cites, [(1, 0), (2, 0), (3, 0), (4, 0)]);
        assert!(out.entries[1]
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("BERT pre-trains deep bidirectional")));
        assert_eq!(out.entries[4].note, None);
        assert_eq!(out.entries[1].line, 17);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    }

    #[test]
    fn explorer_without_separators_alternates() {
        let page = "super hub\nDeep Residual Learning for Image Recognition\nabstract\nDeeper nets are hard to train.\nciting papers explorer\nDensely Connected Convolutional Networks\nDenseNet connects each layer to every other layer.\nMobileNets: Efficient CNNs for Mobile Vision\nMobileNets use depthwise separable convolutions.\n";
        let out = parse(page);
        assert_eq!(out.entries.len(), 3);
        assert_eq!(
            out.entries[2].title,
            "MobileNets: Efficient CNNs for Mobile Vision"
        );
        assert_eq!(out.cites, [(1, 0), (2, 0)]);
    }

    #[test]
    fn pages_without_a_hub_or_explorer_warn() {
        assert!(parse("nothing here.\n").entries.is_empty());
        let out = parse("Some Title\nabstract\nText.\n");
        assert_eq!(out.entries.len(), 1);
        assert_eq!(out.warnings.len(), 1);
    }
}
