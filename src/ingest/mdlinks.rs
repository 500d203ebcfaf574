//! Links in one line of hand-written markdown: `paper link: [here](u1) | code link:
//! [here](u2)`, `[Code](u)`, `homepage: https://...`. Each link's label is the text just
//! before it (or its own text when that says more), classified by `links`.

use super::links;
use crate::model::Link;
use regex::Regex;
use std::sync::LazyLock;

static MD_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)"#).expect("static regex")
});
static BARE_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"https?://[^\s<>"|\]\[)]+[^\s<>"|\]\[).,;:]"#).expect("static regex")
});

/// Every link on `line` with its kind, in the order written.
pub fn links_in_line(line: &str) -> Vec<Link> {
    let mut found: Vec<(usize, Link)> = Vec::new();
    let mut boundary = 0;
    for m in MD_LINK.captures_iter(line) {
        let (Some(all), Some(text), Some(url)) = (m.get(0), m.get(1), m.get(2)) else {
            continue;
        };
        let before = line.get(boundary..all.start()).unwrap_or("");
        let kind = links::kind_from_label(label_of(before))
            .or_else(|| links::kind_from_label(text.as_str()))
            .unwrap_or_else(|| links::kind_from_url(url.as_str()));
        found.push((all.start(), Link::new(kind, url.as_str())));
        boundary = all.end();
    }
    // Bare URLs outside markdown links, each labelled by the text since the last link.
    let md_spans: Vec<(usize, usize)> = MD_LINK
        .find_iter(line)
        .map(|m| (m.start(), m.end()))
        .collect();
    let mut boundary = 0;
    for m in BARE_URL.find_iter(line) {
        let inside_md = md_spans
            .iter()
            .any(|(s, e)| *s <= m.start() && m.end() <= *e);
        if inside_md {
            continue;
        }
        let before = line.get(boundary..m.start()).unwrap_or("");
        let label = label_of(before.rsplit(')').next().unwrap_or(before));
        let kind =
            links::kind_from_label(label).unwrap_or_else(|| links::kind_from_url(m.as_str()));
        found.push((m.start(), Link::new(kind, m.as_str())));
        boundary = m.end();
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, l)| l).collect()
}

/// The label part of the text before a link: the last `|`-separated piece, without list
/// markers, emphasis and the trailing colon.
fn label_of(before: &str) -> &str {
    let piece = before.rsplit(['|', ',', ';']).next().unwrap_or(before);
    piece.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | '-' | '*' | '+' | '_' | '(' | '>' | '•')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(String, String)> {
        links_in_line(line)
            .into_iter()
            .map(|l| (l.kind, l.url))
            .collect()
    }

    #[test]
    fn several_labelled_links_on_one_line() {
        let got = kinds("paper link: [here](https://arxiv.org/abs/2106.09685) | code link: [here](https://github.com/microsoft/LoRA)");
        assert_eq!(
            got,
            [
                ("paper".into(), "https://arxiv.org/abs/2106.09685".into()),
                ("code".into(), "https://github.com/microsoft/LoRA".into())
            ]
        );
    }

    #[test]
    fn typos_link_text_and_bare_urls() {
        assert_eq!(kinds("gituhub link: [here](https://x.org/r)")[0].0, "code");
        assert_eq!(kinds("cdoe link: [here](https://x.org/r)")[0].0, "code");
        assert_eq!(kinds("[Slides](https://x.org/s.key)")[0].0, "slides");
        assert_eq!(
            kinds("weird label: [here](https://github.com/a/b)")[0].0,
            "code"
        );
        let bare = kinds("homepage: https://example.org/lab, video: https://youtu.be/abc.");
        assert_eq!(
            bare,
            [
                ("homepage".into(), "https://example.org/lab".into()),
                ("video".into(), "https://youtu.be/abc".into())
            ]
        );
        assert!(kinds("citation:").is_empty());
    }
}
