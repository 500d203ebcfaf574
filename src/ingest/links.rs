//! What a link points at. Reading lists label links by hand (`paper link`, `code link`,
//! `gituhub link`, `cdoe link`, `project page`) or not at all, so the label is fuzzy-matched
//! to a known kind and, failing that, the URL's host decides.

/// Known kinds and the words people write for them. The first word is the kind itself.
const KINDS: &[(&str, &[&str])] = &[
    (
        "paper",
        &[
            "paper",
            "pdf",
            "arxiv",
            "article",
            "publication",
            "preprint",
            "openreview",
        ],
    ),
    (
        "code",
        &[
            "code",
            "github",
            "repo",
            "repository",
            "source",
            "gitlab",
            "implementation",
        ],
    ),
    ("dataset", &["dataset", "data", "datasets", "benchmark"]),
    (
        "blog",
        &["blog", "post", "blogpost", "article blog", "medium"],
    ),
    (
        "homepage",
        &[
            "homepage",
            "home page",
            "project",
            "project page",
            "website",
            "site",
            "page",
        ],
    ),
    ("video", &["video", "youtube", "talk", "recording"]),
    ("slides", &["slides", "slide", "deck", "presentation"]),
    (
        "model",
        &["model", "weights", "checkpoint", "huggingface", "hf"],
    ),
    ("demo", &["demo", "playground", "space"]),
    ("docs", &["docs", "documentation", "doc"]),
    ("poster", &["poster"]),
];

/// Kind for a hand-written label such as `paper link`, `Code`, `gituhub link:`; `None`
/// when the label is not recognisably a kind.
pub fn kind_from_label(label: &str) -> Option<&'static str> {
    let cleaned: String = label
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = cleaned
        .split_whitespace()
        .filter(|w| {
            !matches!(
                *w,
                "link" | "links" | "lnk" | "url" | "here" | "the" | "official"
            )
        })
        .collect();
    if words.is_empty() || words.len() > 3 {
        return None;
    }
    let phrase = words.join(" ");
    let mut best: Option<(&'static str, usize)> = None;
    for (kind, names) in KINDS {
        for name in *names {
            for candidate in std::iter::once(phrase.as_str()).chain(words.iter().copied()) {
                let d = distance(candidate, name);
                // Short words tolerate one slip, longer ones two (`gituhub`, `datset`).
                let allowed = match name.len() {
                    0..=3 => 0,
                    4..=5 => 1,
                    _ => 2,
                };
                if d <= allowed && best.is_none_or(|(_, b)| d < b) {
                    best = Some((kind, d));
                }
            }
        }
    }
    best.map(|(k, _)| k)
}

/// Kind judged from the URL alone.
pub fn kind_from_url(url: &str) -> &'static str {
    let u = url.to_lowercase();
    let host = u
        .split("://")
        .nth(1)
        .unwrap_or(&u)
        .split('/')
        .next()
        .unwrap_or("");
    if host.ends_with("github.com") || host.ends_with("gitlab.com") {
        "code"
    } else if u.contains("huggingface.co/datasets") || host.ends_with("kaggle.com") {
        "dataset"
    } else if host.ends_with("huggingface.co") {
        "model"
    } else if host.ends_with("youtube.com")
        || host.ends_with("youtu.be")
        || host.ends_with("vimeo.com")
    {
        "video"
    } else if host.ends_with("arxiv.org")
        || host.ends_with("doi.org")
        || host.ends_with("openreview.net")
        || host.ends_with("aclanthology.org")
        || host.ends_with("aclweb.org")
        || host.contains("proceedings")
        || host.ends_with("papers.nips.cc")
        || host.ends_with("semanticscholar.org")
        || u.ends_with(".pdf")
    {
        "paper"
    } else if host.ends_with("medium.com")
        || host.contains("blog")
        || host.ends_with("substack.com")
    {
        "blog"
    } else {
        "other"
    }
}

/// Kind of a labelled link: the label when it names a kind, else the URL's host.
pub fn classify(label: &str, url: &str) -> &'static str {
    kind_from_label(label).unwrap_or_else(|| kind_from_url(url))
}

/// Optimal-string-alignment distance, so a swapped pair (`cdoe`) counts as one slip.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_map_to_kinds_despite_typos() {
        assert_eq!(kind_from_label("paper link"), Some("paper"));
        assert_eq!(kind_from_label("Code link:"), Some("code"));
        assert_eq!(kind_from_label("cdoe link"), Some("code"));
        assert_eq!(kind_from_label("gituhub link"), Some("code"));
        assert_eq!(kind_from_label("dataset link"), Some("dataset"));
        assert_eq!(kind_from_label("datset link"), Some("dataset"));
        assert_eq!(kind_from_label("blog link"), Some("blog"));
        assert_eq!(kind_from_label("homepage"), Some("homepage"));
        assert_eq!(kind_from_label("project page"), Some("homepage"));
        assert_eq!(kind_from_label("video"), Some("video"));
        assert_eq!(kind_from_label("slides"), Some("slides"));
        assert_eq!(kind_from_label("papr link"), Some("paper"));
    }

    #[test]
    fn unknown_labels_fall_back_to_the_url() {
        assert_eq!(
            kind_from_label("we also recommend reading this very long sentence"),
            None
        );
        assert_eq!(kind_from_label(""), None);
        assert_eq!(classify("zzz", "https://github.com/a/b"), "code");
        assert_eq!(classify("", "https://arxiv.org/abs/2001.08361"), "paper");
        assert_eq!(
            classify("", "https://huggingface.co/datasets/x/y"),
            "dataset"
        );
        assert_eq!(classify("", "https://www.youtube.com/watch?v=1"), "video");
        assert_eq!(classify("", "https://example.com/"), "other");
        assert_eq!(classify("paper link", "https://github.com/a/b"), "paper");
    }
}
