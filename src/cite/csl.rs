//! The prose styles (APA, MLA, Chicago, IEEE) through a real CSL engine: a paper becomes a
//! `hayagriva::Entry`, hayagriva's bundled styles and locales render the bibliography, and
//! the rendered elements are written out as plain text or as chat markdown with *italics*.

use super::bibtex::{venue_of, VenueKind};
use super::names;
use crate::markdown;
use crate::model::Paper;
use hayagriva::archive::{locales, ArchivedStyle};
use hayagriva::citationberg::{FontStyle, IndependentStyle, Locale, Style};
use hayagriva::types::{
    ChunkKind, ChunkedString, Date, EntryType, FormatString, Person, Publisher, QualifiedUrl,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild, Entry,
};
use std::sync::LazyLock;

/// The bundled locales, decoded once: decoding every locale per request would dominate.
static LOCALES: LazyLock<Vec<Locale>> = LazyLock::new(locales);

/// The four prose styles, decoded once. A dependent style in the archive (none of these
/// is) would leave its slot empty and the caller falls back.
static STYLES: LazyLock<[Option<IndependentStyle>; 4]> = LazyLock::new(|| {
    [Prose::Apa, Prose::Mla, Prose::Chicago, Prose::Ieee].map(|p| match p.archived().get() {
        Style::Independent(s) => Some(s),
        Style::Dependent(_) => None,
    })
});

/// A CSL-rendered style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prose {
    Apa,
    Mla,
    Chicago,
    Ieee,
}

impl Prose {
    fn archived(self) -> ArchivedStyle {
        match self {
            Prose::Apa => ArchivedStyle::AmericanPsychologicalAssociation,
            Prose::Mla => ArchivedStyle::ModernLanguageAssociation,
            Prose::Chicago => ArchivedStyle::ChicagoAuthorDate,
            Prose::Ieee => ArchivedStyle::InstituteOfElectricalAndElectronicsEngineers,
        }
    }

    fn style(self) -> Option<&'static IndependentStyle> {
        STYLES[self as usize].as_ref()
    }
}

/// How to write the rendered text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Plain,
    /// Chat markdown: italics as `*...*`, markdown specials in the text escaped.
    Markdown,
}

/// Renders `papers` as a bibliography in `style`, one string per paper in the style's
/// order; with `labels`, numeric styles keep their `[1]` labels. A paper the engine
/// renders as nothing (no title, no authors) gets a minimal line instead.
pub fn render(
    papers: &[(String, &Paper)],
    style: Prose,
    markup: Markup,
    labels: bool,
) -> Vec<String> {
    let entries: Vec<Entry> = papers.iter().map(|(key, p)| entry(p, key, style)).collect();
    // hayagriva is a large third-party engine; a panic inside it must not take down a
    // chat command, so it is contained and the minimal lines used instead.
    let rendered = std::panic::catch_unwind(|| run(&entries, style, markup))
        .ok()
        .flatten()
        .filter(|items| items.len() == papers.len());
    let Some(items) = rendered else {
        return papers.iter().map(|(_, p)| fallback(p, markup)).collect();
    };
    items
        .into_iter()
        .map(|(key, label, line)| {
            let paper = papers.iter().find(|(k, _)| *k == key).map(|(_, p)| *p);
            // With neither title nor authors a style prints little more than "(n.d.)".
            let line = match paper {
                Some(p) if is_blank(p) || !line.chars().any(char::is_alphanumeric) => {
                    fallback(p, markup)
                }
                _ => line,
            };
            match label.filter(|l| labels && !l.is_empty()) {
                Some(l) => format!("{l} {line}"),
                None => line,
            }
        })
        .collect()
}

/// One `(key, label, text)` per bibliography item, in the style's order.
fn run(
    entries: &[Entry],
    prose: Prose,
    markup: Markup,
) -> Option<Vec<(String, Option<String>, String)>> {
    let style = prose.style()?;
    let locales = LOCALES.as_slice();
    let mut driver = BibliographyDriver::new();
    for e in entries {
        let items = vec![CitationItem::with_entry(e)];
        driver.citation(CitationRequest::from_items(items, style, locales));
    }
    let result = driver.finish(BibliographyRequest {
        style,
        locale: None,
        locale_files: locales,
    });
    let items = result.bibliography?.items;
    Some(
        items
            .into_iter()
            .map(|item| {
                let label = item.first_field.map(|f| {
                    let mut l = String::new();
                    write_child(&mut l, &f, markup, false);
                    l.trim().to_string()
                });
                let mut line = String::new();
                for child in &item.content.0 {
                    write_child(&mut line, child, markup, false);
                }
                (item.key, label, tidy(&line))
            })
            .collect(),
    )
}

/// Collapses whitespace and removes the punctuation artefacts hayagriva leaves where a
/// style expects a field the paper lacks ("ahead of print,." or "(2020,)").
fn tidy(line: &str) -> String {
    let mut s = line.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [(",.", "."), (",)", ")"), (".\u{201d}.", ".\u{201d}")] {
        s = s.replace(from, to);
    }
    s
}

/// Writes one rendered element; `italic` is whether an enclosing run is already italic.
fn write_child(out: &mut String, child: &ElemChild, markup: Markup, italic: bool) {
    match (child, markup) {
        (ElemChild::Text(t), Markup::Plain) | (ElemChild::Link { text: t, .. }, Markup::Plain) => {
            out.push_str(&t.text);
        }
        (ElemChild::Text(t), Markup::Markdown)
        | (ElemChild::Link { text: t, .. }, Markup::Markdown) => {
            let escaped = markdown::escape(&t.text);
            let is_italic = t.formatting.font_style == FontStyle::Italic && !italic;
            if is_italic && !t.text.trim().is_empty() {
                // Markdown emphasis may not start or end with a space.
                let lead = &escaped[..escaped.len() - escaped.trim_start().len()];
                let trail = &escaped[escaped.trim_end().len()..];
                out.push_str(&format!("{lead}*{}*{trail}", escaped.trim()));
            } else {
                out.push_str(&escaped);
            }
        }
        (ElemChild::Elem(e), _) => {
            for c in &e.children.0 {
                write_child(out, c, markup, italic);
            }
        }
        (ElemChild::Markup(m), _) => out.push_str(m),
        (ElemChild::Transparent { .. }, _) => {}
    }
}

/// The entry hayagriva renders for `paper` in `style`. The shape differs per style only
/// where hayagriva's mapping onto the bundled CSL styles misrenders the obvious one:
///
/// - a conference paper is an article in proceedings for IEEE ("in *Proc.*"), but an
///   article in a periodical elsewhere, because hayagriva also reports proceedings as the
///   `volume-title`, which MLA and Chicago print a second time as a "special issue" and
///   APA follows with a stray comma; APA itself treats regularly published proceedings
///   (NeurIPS, ICML) like a periodical;
/// - an arXiv preprint without a venue carries the pieces each style prints well:
///   `[Preprint]. arXiv.` (APA), `arXiv, 2020` (MLA), `Preprint arXiv:ID` (Chicago),
///   `arXiv:ID` (IEEE);
/// - anything else is a stand-alone report with its URL.
fn entry(paper: &Paper, key: &str, style: Prose) -> Entry {
    let (venue, kind) = venue_of(paper);
    let arxiv = paper
        .arxiv
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    // A paper with neither venue nor arXiv id is a stand-alone document; "report" renders
    // cleanly in all four styles where "web" and "misc" leave stray punctuation.
    let entry_type = if venue.is_some() || arxiv.is_some() {
        EntryType::Article
    } else {
        EntryType::Report
    };
    let mut e = Entry::new(key, entry_type);
    if let Some(title) = protected(&paper.title) {
        e.set_title(title);
    }
    let authors: Vec<Person> = paper.authors.iter().filter_map(|a| person(a)).collect();
    if !authors.is_empty() {
        e.set_authors(authors);
    }
    if let Some(y) = paper.year {
        e.set_date(Date::from_year(y));
    }
    let url = paper.primary_url();
    if let Some(url) = url.and_then(|u| u.trim().parse::<QualifiedUrl>().ok()) {
        e.set_url(url);
    }
    if let Some(doi) = paper
        .doi
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        e.set_doi(doi.to_string());
    }
    if let Some(id) = arxiv {
        e.set_arxiv(id.to_string());
    }
    match (kind, venue.and_then(protected)) {
        (VenueKind::Proceedings | VenueKind::Journal, Some(v)) => {
            let parent_type = if kind == VenueKind::Proceedings && style == Prose::Ieee {
                EntryType::Proceedings
            } else {
                EntryType::Periodical
            };
            let mut parent = Entry::new(key, parent_type);
            parent.set_title(v);
            e.set_parents(vec![parent]);
        }
        (VenueKind::Other, Some(v)) if arxiv.is_none() => {
            e.set_publisher(Publisher::new(Some(v), None));
        }
        _ => {
            if let Some(id) = arxiv {
                preprint(&mut e, id, style);
            }
        }
    }
    e
}

/// Marks `e` as an arXiv preprint in the form `style` prints well (see [`entry`]).
fn preprint(e: &mut Entry, id: &str, style: Prose) {
    let (publisher, number, genre) = match style {
        Prose::Apa => (true, false, true),
        Prose::Mla => (true, false, false),
        Prose::Chicago => (false, true, true),
        Prose::Ieee => (false, true, false),
    };
    if publisher {
        e.set_publisher(Publisher::new(
            Some(FormatString::with_value("arXiv")),
            None,
        ));
    }
    if number {
        e.set_keyed_serial_number("serial", format!("arXiv:{id}"));
    }
    if genre {
        e.set_genre(FormatString::with_value("Preprint"));
    }
}

/// Text for a title or venue with the words whose case carries meaning ("BERT",
/// "ImageNet", "iOS", "GPT-4", "t-SNE") protected from the styles' title-casing, which
/// would otherwise print "Imagenet" and "Ios"; other words may still be re-cased.
fn protected(text: &str) -> Option<FormatString> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let mut value = ChunkedString::new();
    let last = words.len() - 1;
    for (i, w) in words.iter().enumerate() {
        let case_matters =
            w.chars().skip(1).any(char::is_uppercase) || w.chars().any(|c| c.is_ascii_digit());
        let kind = if case_matters {
            ChunkKind::Verbatim
        } else {
            ChunkKind::Normal
        };
        // The separating space travels with the word: the case folder drops chunks that
        // are only whitespace.
        let word = if i < last {
            format!("{w} ")
        } else {
            w.to_string()
        };
        value.push_str(&word, kind);
    }
    Some(FormatString { value, short: None })
}

/// One author as a CSL name: an organisation is a single institutional name, a person
/// has family, given, particle and suffix parts.
fn person(author: &str) -> Option<Person> {
    let n = names::split(author);
    if n.family.is_empty() && n.given.is_none() {
        return None;
    }
    let (name, given_name) = match (n.family.is_empty(), n.given) {
        (true, given) => (given.unwrap_or_default(), None),
        (false, _) if n.organisation => (n.family, None),
        (false, given) => (n.family, given),
    };
    Some(Person {
        name,
        given_name,
        prefix: n.particle,
        suffix: n.suffix,
        comma_suffix: false,
        alias: None,
    })
}

fn is_blank(paper: &Paper) -> bool {
    paper.title.trim().is_empty() && paper.authors.iter().all(|a| a.trim().is_empty())
}

/// Used only when the engine fails or yields nothing: the title and the link.
fn fallback(paper: &Paper, markup: Markup) -> String {
    let title = paper.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = match (title.is_empty(), markup) {
        (true, _) => String::from("Untitled."),
        (false, Markup::Plain) => format!("{title}."),
        (false, Markup::Markdown) => format!("{}.", markdown::escape(&title)),
    };
    match paper.primary_url() {
        Some(u) => format!("{title} {}", u.trim()),
        None => title,
    }
}
