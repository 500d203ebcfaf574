//! Rendering a reply as plain text for the chat REPL and the command line: what the bot
//! would send, readable in a terminal.

use super::Reply;
use std::fmt::Write;

pub fn render(reply: &Reply) -> String {
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
            let _ = writeln!(out, "  {}: {}", f.name, f.value);
        }
        if let Some(f) = &e.footer {
            let _ = writeln!(out, "  ({f})");
        }
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
    if reply.ephemeral {
        out.push_str("(only you can see this)\n");
    }
    out
}
