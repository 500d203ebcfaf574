//! Rendering a reply as plain text for the chat REPL and the command line: what the bot
//! would send, readable in a terminal.

use super::Reply;
use chrono::{DateTime, Utc};
use regex::{Captures, Regex};
use std::fmt::Write;
use std::sync::LazyLock;

/// A reply as the chat shows it: what the bot would send, markdown and all.
pub fn render(reply: &Reply) -> String {
    timestamps(&render_markup(reply, false), Utc::now())
}

/// A reply as the command line prints it: the text as written (Discord's markdown escapes
/// undone; attached files untouched), without the chat's "(only you can see this)", which
/// means nothing in a terminal.
pub fn render_terminal(reply: &Reply) -> String {
    timestamps(&render_markup(reply, true), Utc::now())
}

static TIMESTAMP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<t:(-?\d{1,12})(?::([tTdDfFR]))?>").expect("static regex"));

/// Discord shows `<t:1772438400:F>` in each reader's own zone; a terminal gets UTC, and
/// `:R` a relative phrase against `now`.
pub fn timestamps(text: &str, now: DateTime<Utc>) -> String {
    TIMESTAMP
        .replace_all(text, |c: &Captures<'_>| {
            let Some(t) = c[1]
                .parse()
                .ok()
                .and_then(|s| DateTime::from_timestamp(s, 0))
            else {
                return c[0].to_string();
            };
            match c.get(2).map_or("f", |m| m.as_str()) {
                "t" => t.format("%H:%M UTC").to_string(),
                "T" => t.format("%H:%M:%S UTC").to_string(),
                "d" | "D" => t.format("%a %Y-%m-%d").to_string(),
                "F" => t.format("%A %Y-%m-%d %H:%M UTC").to_string(),
                "R" => relative(t - now),
                _ => t.format("%Y-%m-%d %H:%M UTC").to_string(),
            }
        })
        .into_owned()
}

fn relative(d: chrono::Duration) -> String {
    let (n, unit) = match d.num_seconds().abs() {
        s if s < 90 => return "now".into(),
        s if s < 90 * 60 => (s / 60, "minute"),
        s if s < 36 * 3600 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    let unit = if n == 1 {
        unit.to_string()
    } else {
        format!("{unit}s")
    };
    if d.num_seconds() > 0 {
        format!("in {n} {unit}")
    } else {
        format!("{n} {unit} ago")
    }
}

fn render_markup(reply: &Reply, terminal: bool) -> String {
    let mut out = String::new();
    if let Some(c) = &reply.content {
        out.push_str(c);
        out.push('\n');
    }
    for e in &reply.embeds {
        out.push('\n');
        if let Some(t) = &e.title {
            let _ = write!(out, "■ {t}");
            if let Some(u) = &e.url {
                let _ = write!(out, "  <{u}>");
            }
            out.push('\n');
        }
        if let Some(d) = &e.description {
            for line in d.lines() {
                // A blank line stays blank: no trailing indentation.
                if line.trim().is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        for f in &e.fields {
            // A field of several lines (a week's readings) keeps them under its name.
            let _ = writeln!(out, "  {}: {}", f.name, f.value.replace('\n', "\n    "));
        }
        if let Some(f) = &e.footer {
            let _ = writeln!(out, "  ({f})");
        }
    }
    if terminal {
        out = crate::markdown::unescape(&out);
    }
    for a in &reply.attachments {
        let _ = writeln!(
            out,
            "\n[attachment {} — {} bytes]",
            a.filename,
            a.bytes.len()
        );
        if let Ok(text) = std::str::from_utf8(&a.bytes) {
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    if let Some(p) = &reply.pager {
        let _ = write!(out, "\n— page {} of {}", p.page + 1, p.pages);
        if p.page + 1 < p.pages {
            let _ = write!(out, " (add page:{} for the next)", p.page + 2);
        }
        out.push_str(" —\n");
    }
    for b in &reply.buttons {
        let _ = writeln!(out, "[{}] type: {}", b.label, b.typed);
    }
    if reply.ephemeral && !terminal {
        out.push_str("(only you can see this)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discord_timestamps_read_as_utc_in_a_terminal() {
        let now = DateTime::from_timestamp(1_772_400_000, 0).unwrap();
        assert_eq!(
            timestamps(
                "at <t:1772438400:F> (<t:1772438400:R>), <t:1772438400:D>",
                now
            ),
            "at Monday 2026-03-02 08:00 UTC (in 10 hours), Mon 2026-03-02"
        );
        assert_eq!(
            timestamps("<t:99999999999999999:F>", now),
            "<t:99999999999999999:F>"
        );
        let day = 86_400;
        let at = |s: i64| format!("<t:{}:R>", 1_772_400_000 + s);
        assert_eq!(timestamps(&at(day + 13 * 3600), now), "in 1 day");
        assert_eq!(timestamps(&at(-2 * 3600), now), "2 hours ago");
        assert_eq!(timestamps(&at(3600), now), "in 60 minutes");
    }

    #[test]
    fn a_field_of_several_lines_stays_indented_under_its_name() {
        let reply = Reply {
            embeds: vec![super::super::Embed {
                fields: vec![super::super::Field {
                    name: "Required readings".into(),
                    value: "• A\n• B".into(),
                    inline: false,
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(
            render(&reply).contains("  Required readings: • A\n    • B\n"),
            "{}",
            render(&reply)
        );
    }
}
