//! `/cite`: one paper inline, several (keys or a tag) as an attached file.

use super::papers::{ambiguous, not_found};
use super::Result;
use crate::catalog::{Catalog, Resolved};
use crate::cite::{self, CiteFormat};
use crate::markdown::{code, code_block};
use crate::model::{Paper, Scope};
use crate::view::limits::{self};
use crate::view::{Attachment, Reply};

/// Papers in one multi-paper citation request.
const MAX_CITE: usize = 200;

pub(super) async fn cite_request(
    catalog: &Catalog,
    scope: Scope,
    paper: Option<String>,
    papers: Option<String>,
    tag: Option<String>,
    format: CiteFormat,
) -> Result<Reply> {
    let many_keys = papers.filter(|p| !p.trim().is_empty());
    let tag = tag.filter(|t| !t.trim().is_empty());
    if many_keys.is_none() && tag.is_none() {
        let Some(id) = paper.filter(|p| !p.trim().is_empty()) else {
            return Ok(Reply::error(
                "Name a paper (key, arXiv id, DOI or title words), or give `papers:` or `tag:`.",
            ));
        };
        return Ok(match catalog.resolve(scope, &id).await? {
            Resolved::One(p) => single_citation(&p, format),
            Resolved::Ambiguous(list) => ambiguous(&id, &list),
            Resolved::NotFound => not_found(&id),
        });
    }
    // Limits first: a list or a tag too long to cite is refused before anything is loaded.
    let mut ids: Vec<&str> = Vec::new();
    for id in paper
        .iter()
        .chain(many_keys.iter())
        .flat_map(|s| s.split([' ', ',', ';', '\n']))
        .map(str::trim)
        .filter(|id| !id.is_empty())
    {
        if !ids.iter().any(|seen| seen.eq_ignore_ascii_case(id)) {
            ids.push(id);
        }
    }
    let tagged = match &tag {
        Some(t) => catalog.count_tagged(scope, t).await?,
        None => 0,
    };
    if let (Some(t), 0) = (&tag, tagged) {
        return super::papers::no_such_tag(catalog, scope, t).await;
    }
    if let Some(n) = [ids.len(), tagged].into_iter().find(|n| *n > MAX_CITE) {
        return Ok(too_many(n));
    }
    let mut list: Vec<Paper> = Vec::new();
    let mut missing = Vec::new();
    for (id, found) in ids.iter().zip(catalog.resolve_many(scope, &ids).await?) {
        match found {
            Resolved::One(p) => list.push(*p),
            _ => missing.push(id.to_string()),
        }
    }
    if let Some(t) = &tag {
        list.extend(catalog.by_tag(scope, t).await?);
    }
    let mut seen = std::collections::HashSet::new();
    list.retain(|p| seen.insert(p.id));
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().take(10).map(|m| code(m)).collect();
        return Ok(Reply::error(format!(
            "Not found: {}. Nothing was cited.",
            names.join(", ")
        )));
    }
    if list.is_empty() {
        return Ok(Reply::error("No papers to cite."));
    }
    if list.len() > MAX_CITE {
        return Ok(too_many(list.len()));
    }
    let body = cite::cite_many(&list, format);
    let (filename, what) = match format {
        CiteFormat::Bibtex | CiteFormat::Biblatex => ("references.bib", "BibTeX"),
        CiteFormat::Markdown => ("references.md", "Markdown"),
        _ => ("references.txt", format.name()),
    };
    Ok(Reply {
        content: Some(format!("{} references ({what}) attached.", list.len())),
        attachments: vec![Attachment {
            filename: filename.into(),
            bytes: body.into_bytes(),
        }],
        ..Reply::default()
    })
}

fn too_many(n: usize) -> Reply {
    Reply::error(format!(
        "That is {n} papers; cite at most {MAX_CITE} at once."
    ))
}

fn single_citation(p: &Paper, format: CiteFormat) -> Reply {
    let text = cite::cite(p, format);
    let block = match format {
        CiteFormat::Bibtex | CiteFormat::Biblatex => code_block("bibtex", text.trim_end()),
        CiteFormat::Markdown => code_block("md", text.trim_end()),
        _ => cite::cite_markdown(p, format).trim_end().to_string(),
    };
    if block.chars().count() <= limits::CONTENT {
        return Reply::text(block);
    }
    Reply {
        content: Some(format!(
            "The citation of {} is long; it is attached.",
            code(&p.key)
        )),
        attachments: vec![Attachment {
            filename: format!("{}.bib", p.key),
            bytes: text.into_bytes(),
        }],
        ..Reply::default()
    }
}
