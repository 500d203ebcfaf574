//! Papers as embeds: the card for one paper, compact cards for result lists, and list pages.
//! Every piece is cut to Discord's limits here, and every text a reading list wrote goes
//! through [`crate::markdown`].

use super::limits::{self, truncate};
use super::{Embed, Field};
use crate::markdown::{code, escape, link_target};
use crate::model::Paper;

/// "Kaplan, McCandlish, Henighan et al." style author line.
pub fn authors_line(authors: &[String]) -> String {
    match authors.len() {
        0 => String::new(),
        1..=3 => authors.join(", "),
        _ => format!("{} et al.", authors[..3].join(", ")),
    }
}

/// "Authors · 2020 · Venue", leaving out what is unknown; plain text, not yet escaped.
pub fn byline(p: &Paper) -> String {
    let mut parts = Vec::new();
    let a = authors_line(&p.authors);
    if !a.is_empty() {
        parts.push(a);
    }
    if let Some(y) = p.year {
        parts.push(y.to_string());
    }
    if let Some(v) = p.venue.as_ref().filter(|v| !v.is_empty()) {
        parts.push(v.clone());
    }
    parts.join(" · ")
}

fn tags_value(p: &Paper) -> String {
    truncate(
        &p.tags.iter().map(|t| code(t)).collect::<Vec<_>>().join(" "),
        limits::FIELD_VALUE,
    )
}

fn links_value(p: &Paper) -> String {
    let mut lines = Vec::new();
    let mut used = 0;
    for l in &p.links {
        let line = format!("[{}]({})", escape(&l.kind), link_target(&l.url));
        // A cut link would be a broken link: stop before the limit instead.
        if used + line.len() + 1 > limits::FIELD_VALUE {
            break;
        }
        used += line.len() + 1;
        lines.push(line);
    }
    lines.join(" · ")
}

/// The full card of `/paper show`.
pub fn paper_card(p: &Paper) -> Embed {
    let mut description = escape(&byline(p));
    if let Some(a) = &p.abstract_text {
        description.push_str("\n\n");
        description.push_str(&escape(a));
    }
    let mut fields = vec![Field {
        name: "Cite as".into(),
        value: code(&p.key),
        inline: true,
    }];
    if let Some(a) = &p.arxiv {
        fields.push(Field {
            name: "arXiv".into(),
            value: escape(a),
            inline: true,
        });
    }
    if let Some(d) = &p.doi {
        fields.push(Field {
            name: "DOI".into(),
            value: truncate(&escape(d), limits::FIELD_VALUE),
            inline: true,
        });
    }
    if !p.tags.is_empty() {
        fields.push(Field {
            name: "Tags".into(),
            value: tags_value(p),
            inline: false,
        });
    }
    let links = links_value(p);
    if !links.is_empty() {
        fields.push(Field {
            name: "Links".into(),
            value: links,
            inline: false,
        });
    }
    if let Some(n) = &p.note {
        fields.push(Field {
            name: "Note".into(),
            value: truncate(&escape(n), limits::FIELD_VALUE),
            inline: false,
        });
    }
    Embed {
        title: Some(title(p)),
        url: p.primary_url(),
        // Long abstracts share the 6,000-character budget of the whole message.
        description: Some(truncate(&description, 2500)),
        fields,
        footer: Some(truncate(&sources_line(p), 200)),
    }
}

/// The title as an embed title: Discord renders markdown there too (bold, underline; not
/// links), so it is escaped like the rest.
fn title(p: &Paper) -> String {
    truncate(&escape(&p.title), limits::EMBED_TITLE)
}

fn sources_line(p: &Paper) -> String {
    let files: Vec<String> = p
        .sources
        .iter()
        .map(|s| {
            let name = s.file.rsplit(['/', '\\']).next().unwrap_or(&s.file);
            format!("{name}:{}", s.line)
        })
        .collect();
    format!("from {}", files.join(", "))
}

/// A compact card for a result list: title, byline, snippet, tags and key.
pub fn result_card(p: &Paper, snippet: &str) -> Embed {
    let mut lines = vec![escape(&byline(p))];
    // A snippet (already escaped by the search index) that is only the highlighted title would repeat the card's title.
    if !snippet.is_empty() && plain(snippet) != words(&p.title) {
        lines.push(format!("> {}", snippet.replace('\n', " ")));
    }
    lines.retain(|l| !l.is_empty());
    let description = lines.join("\n");
    let mut fields = vec![Field {
        name: "Cite as".into(),
        value: code(&p.key),
        inline: true,
    }];
    if !p.tags.is_empty() {
        fields.push(Field {
            name: "Tags".into(),
            value: truncate(&tags_value(p), 300),
            inline: true,
        });
    }
    Embed {
        title: Some(title(p)),
        url: p.primary_url(),
        description: (!description.is_empty()).then(|| truncate(&description, 600)),
        fields,
        footer: None,
    }
}

/// A search snippet as plain words: bold markers dropped, escapes undone, spaces collapsed.
fn plain(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let unbold = snippet.replace("**", "");
    let mut chars = unbold.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    words(&out)
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line of a list: linked title, byline and key.
pub fn list_line(p: &Paper) -> String {
    let title = escape(&truncate(&p.title, 150));
    let title = match p.primary_url() {
        Some(u) => format!("[{title}]({})", link_target(&u)),
        None => title,
    };
    let by = byline(p);
    if by.is_empty() {
        format!("**{title}** {}", code(&p.key))
    } else {
        format!(
            "**{title}** — {} {}",
            escape(&truncate(&by, 120)),
            code(&p.key)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(title: &str, authors: &[&str]) -> Paper {
        Paper {
            id: 1,
            key: "k".into(),
            title: title.into(),
            authors: authors.iter().map(|a| a.to_string()).collect(),
            year: None,
            venue: None,
            tags: Vec::new(),
            links: Vec::new(),
            arxiv: None,
            doi: None,
            abstract_text: None,
            note: None,
            sources: Vec::new(),
            bibtex: None,
        }
    }

    #[test]
    fn a_result_card_does_not_repeat_its_title_as_the_snippet() {
        let p = paper("An Image is Worth 16x16 Words: Transformers at Scale", &[]);
        let card = result_card(
            &p,
            "An Image is Worth 16x16 Words: Transformers at **Scale**",
        );
        assert_eq!(card.description, None);
        let p = paper("Attention_Is  All", &["Ashish Vaswani"]);
        let card = result_card(&p, r"**Attention\_Is** All");
        assert_eq!(card.description.as_deref(), Some("Ashish Vaswani"));
        let card = result_card(&p, "We use **attention**");
        assert_eq!(
            card.description.as_deref(),
            Some("Ashish Vaswani\n> We use **attention**")
        );
    }
}
