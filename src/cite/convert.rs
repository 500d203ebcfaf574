//! A source's own BibTeX entry rewritten in BibLaTeX conventions: entry types
//! (`@conference` → `@inproceedings`, `@techreport` → `@report`), field names (`journal` →
//! `journaltitle`, `archivePrefix` → `eprinttype`), `year`/`month` → `date`. Values are
//! copied as the source wrote them, so its own escaping and brace protection survive.

use biblatex::{Field, Pair, RawBibliography, RawChunk, RawEntry};

/// The first entry of `source` in BibLaTeX form, or `None` when the source does not parse.
pub fn to_biblatex(source: &str) -> Option<String> {
    let raw = RawBibliography::parse(source).ok()?;
    let entry = &raw.entries.first()?.v;
    Some(convert(entry, &raw.abbreviations))
}

/// `macros` are the source's `@string` definitions: the converted entry travels alone, so
/// they are inlined rather than left as undefined names.
fn convert(entry: &RawEntry<'_>, macros: &[Pair<'_>]) -> String {
    let fields: Vec<(String, &Field<'_>)> = entry
        .fields
        .iter()
        .map(|p| (p.key.v.to_ascii_lowercase(), &p.value.v))
        .collect();
    let text = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| plain(v))
    };
    let is_arxiv = text("archiveprefix")
        .or_else(|| text("eprinttype"))
        .is_some_and(|p| p.eq_ignore_ascii_case("arxiv"));
    let has_date = text("date").is_some();
    let date = if has_date {
        None
    } else {
        date_of(text("year").as_deref(), text("month").as_deref())
    };

    let source_kind = entry.kind.v.to_ascii_lowercase();
    let (kind, subtype) = match source_kind.as_str() {
        "conference" => ("inproceedings", None),
        "techreport" => ("report", Some("techreport")),
        "phdthesis" => ("thesis", Some("phdthesis")),
        "mastersthesis" => ("thesis", Some("mathesis")),
        "electronic" | "www" | "webpage" => ("online", None),
        "misc" if is_arxiv => ("online", None),
        other => (other, None),
    };

    let mut out = format!("@{kind}{{{}", entry.key.v);
    let mut push = |name: &str, value: String| out.push_str(&format!(",\n  {name} = {value}"));
    for (name, value) in &fields {
        let renamed = match (name.as_str(), &date) {
            ("year", Some(d)) => {
                push("date", format!("{{{d}}}"));
                continue;
            }
            ("month", Some(_)) => continue,
            ("journal", _) => "journaltitle",
            ("address", _) => "location",
            ("school", _) => "institution",
            ("primaryclass", _) => "eprintclass",
            ("archiveprefix", _) => "eprinttype",
            (other, _) => other,
        };
        let value = if renamed == "eprinttype" && is_arxiv {
            String::from("{arxiv}")
        } else {
            expr(value, macros, 0)
        };
        push(renamed, value);
    }
    // A source's own `type` ("Technical Report") says more than the generic subtype.
    if let Some(t) = subtype.filter(|_| text("type").is_none()) {
        push("type", format!("{{{t}}}"));
    }
    out.push_str("\n}\n");
    out
}

/// The value as it appears in a .bib file: braced strings and macros joined by `#`; a
/// macro the source defines is replaced by its definition, others (`dec`) stay bare.
fn expr(field: &Field<'_>, macros: &[Pair<'_>], depth: usize) -> String {
    field
        .iter()
        .map(|c| match c.v {
            RawChunk::Normal(s) => format!("{{{s}}}"),
            RawChunk::Abbreviation(s) => {
                let defined = macros.iter().find(|m| m.key.v.eq_ignore_ascii_case(s));
                match defined {
                    // The depth bound stops a source whose macros refer to each other.
                    Some(m) if depth < 4 => expr(&m.value.v, macros, depth + 1),
                    _ => s.to_string(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" # ")
}

/// The value's text with macros left as their names (enough for `year` and `month`).
fn plain(field: &Field<'_>) -> String {
    field
        .iter()
        .map(|c| match c.v {
            RawChunk::Normal(s) | RawChunk::Abbreviation(s) => s.trim_matches(['{', '}', ' ']),
        })
        .collect::<String>()
}

/// `YYYY` or `YYYY-MM` from BibTeX's `year` and `month`; `None` when the year is not a
/// plain number (then `year` is kept as written, which biblatex also accepts).
fn date_of(year: Option<&str>, month: Option<&str>) -> Option<String> {
    let year = year?.trim();
    if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(match month.and_then(month_number) {
        Some(m) => format!("{year}-{m:02}"),
        None => year.to_string(),
    })
}

fn month_number(month: &str) -> Option<u8> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = month.trim().to_ascii_lowercase();
    if let Ok(n) = m.parse::<u8>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let prefix = m.get(..3)?;
    NAMES
        .iter()
        .position(|n| *n == prefix)
        .and_then(|i| u8::try_from(i + 1).ok())
}
