//! YAML front matter of a course post (`---` … `---`) as a [`SessionMeta`]. Course sites
//! leave fields empty (`lecture: `), write tags as a list or a string, and sometimes write
//! YAML that does not parse; the last case falls back to reading `key: value` lines.

use super::{SessionMeta, Warning};
use yaml_serde::Value;

/// The session described by the front matter and the index of the first body line (0 when
/// there is no front matter; then the session is `None`).
pub fn read(text: &str, warnings: &mut Vec<Warning>) -> (Option<SessionMeta>, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let Some(open) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return (None, 0);
    };
    if lines
        .get(open)
        .map(|l| l.trim_start_matches('\u{feff}').trim())
        != Some("---")
    {
        return (None, 0);
    }
    let Some(close) = lines
        .iter()
        .enumerate()
        .skip(open + 1)
        .find(|(_, l)| matches!(l.trim(), "---" | "..."))
        .map(|(i, _)| i)
    else {
        warnings.push(Warning {
            line: open + 1,
            message: "front matter is not closed with `---`; read as text".to_string(),
        });
        return (None, 0);
    };
    let yaml = lines.get(open + 1..close).unwrap_or(&[]).join("\n");
    let meta = match yaml_serde::from_str::<Value>(&yaml) {
        Ok(Value::Mapping(map)) => from_mapping(&map),
        Ok(Value::Null) => SessionMeta::default(),
        Ok(_) => {
            warnings.push(Warning {
                line: open + 2,
                message: "front matter is not a `key: value` mapping".to_string(),
            });
            SessionMeta::default()
        }
        Err(e) => {
            let line = e.location().map_or(open + 2, |l| open + 1 + l.line());
            warnings.push(Warning {
                line,
                message: format!(
                    "front matter is not valid YAML ({}); read line by line",
                    // The parser counts from the first line inside the `---`.
                    super::shift_lines(&e.to_string(), open + 1)
                ),
            });
            fallback(&yaml)
        }
    };
    if meta.title.is_empty() {
        warnings.push(Warning {
            line: open + 1,
            message: "front matter has no `title`".to_string(),
        });
    }
    (Some(meta), close + 1)
}

fn from_mapping(map: &yaml_serde::Mapping) -> SessionMeta {
    let get = |k: &str| map.get(Value::String(k.to_string())).and_then(scalar);
    let tags = match map.get(Value::String("tags".to_string())) {
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar).collect(),
        Some(v) => scalar(v).map(|s| split_tags(&s)).unwrap_or_default(),
        None => Vec::new(),
    };
    SessionMeta {
        title: get("title").unwrap_or_default(),
        lecture: get("lecture"),
        tags,
        notes_team: get("notes"),
        video_team: get("video"),
        date: get("date"),
        presenters: get("presenters").or_else(|| get("present")),
    }
}

/// A non-empty scalar as text; lists, maps, null and blanks are `None`.
fn scalar(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

fn split_tags(s: &str) -> Vec<String> {
    s.trim_matches(['[', ']'])
        .split([',', ';'])
        .map(|t| t.trim().trim_matches(['"', '\'']).trim())
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

/// `key: value` lines and `- item` lines under `tags:`, for front matter YAML rejects.
fn fallback(yaml: &str) -> SessionMeta {
    let mut meta = SessionMeta::default();
    let mut in_tags = false;
    for line in yaml.lines() {
        let trimmed = line.trim();
        if in_tags {
            if let Some(item) = trimmed.strip_prefix("- ") {
                meta.tags.extend(split_tags(item));
                continue;
            }
            in_tags = false;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']).trim();
        let some = (!value.is_empty()).then(|| value.to_string());
        match key.trim() {
            "title" => meta.title = value.to_string(),
            "lecture" => meta.lecture = some,
            "notes" => meta.notes_team = some,
            "video" => meta.video_team = some,
            "date" => meta.date = some,
            "presenters" | "present" => meta.presenters = some,
            "tags" => {
                in_tags = value.is_empty();
                meta.tags.extend(split_tags(value));
            }
            _ => {}
        }
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_lists_strings_and_blanks() {
        let mut w = Vec::new();
        let (meta, body) = read(
            "---\nlayout: post\ntitle: Scaling\nlecture: \nnotes: team-5\nvideo: 4\ntags:\n- Efficiency\n- Scaling Laws\n---\n# x\n",
            &mut w,
        );
        let meta = meta.expect("session");
        assert_eq!(meta.title, "Scaling");
        assert_eq!(meta.lecture, None);
        assert_eq!(meta.notes_team.as_deref(), Some("team-5"));
        assert_eq!(meta.video_team.as_deref(), Some("4"));
        assert_eq!(meta.tags, ["Efficiency", "Scaling Laws"]);
        assert_eq!(body, 10);
        assert!(w.is_empty());

        let (meta, _) = read("---\ntitle: 'T'\ntags: a, b\n---\n", &mut w);
        assert_eq!(meta.expect("session").tags, ["a", "b"]);
    }

    #[test]
    fn broken_yaml_falls_back_to_lines() {
        let mut w = Vec::new();
        let (meta, _) = read(
            "---\ntitle: Alignment: RLHF\nnotes: team-2\n  bad: [\ntags:\n- RLHF\n---\n",
            &mut w,
        );
        let meta = meta.expect("session");
        assert_eq!(meta.title, "Alignment: RLHF");
        assert_eq!(meta.notes_team.as_deref(), Some("team-2"));
        assert_eq!(meta.tags, ["RLHF"]);
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn a_yaml_error_names_the_lines_of_the_file() {
        // The quote opened on file line 3 is never closed; the parser meets the end at file
        // line 5. Its own count starts inside the `---`, two lines further up.
        let mut w = Vec::new();
        read(
            "\n---\ntitle: \"Week 9: Broken\nlecture: 9\nnotes: team-1\n---\n",
            &mut w,
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, 5, "{w:?}");
        assert!(
            w[0].message.contains("at line 5 column")
                && w[0].message.contains("quoted scalar at line 3 column 8"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn missing_or_unclosed_front_matter() {
        let mut w = Vec::new();
        assert_eq!(read("# Just markdown\n", &mut w), (None, 0));
        assert_eq!(read("---\ntitle: x\n", &mut w), (None, 0));
        assert_eq!(w.len(), 1);
        let (meta, _) = read("---\n---\nbody", &mut w);
        assert_eq!(meta.map(|m| m.title), Some(String::new()));
    }
}
