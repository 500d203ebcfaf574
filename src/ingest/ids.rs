//! Identity of papers across sources: arXiv ids, DOIs, normalised titles and tag keys.

/// arXiv id without version from a URL (`arxiv.org/abs|pdf|html/...`) or text
/// (`arXiv:2001.08361v2`, bare `2001.08361`). Old-style ids (`hep-th/9901001`) too.
pub fn arxiv_id(text: &str) -> Option<String> {
    let _ = text;
    None
}

/// DOI (lower-cased) from a `doi.org` URL, `doi:` text or a bare `10.xxxx/...`.
pub fn doi(text: &str) -> Option<String> {
    let _ = text;
    None
}

/// Title folded for identity: lower-case, accents and punctuation removed, spaces collapsed.
pub fn normalize_title(title: &str) -> String {
    title.to_lowercase()
}

/// Tag folded for lookup: `Scaling Laws`, `scaling-laws`, `scaling_laws` → `scalinglaws`.
pub fn tag_key(tag: &str) -> String {
    tag.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
