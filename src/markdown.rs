//! Text from reading lists made inert for Discord's markdown: escaped prose, link targets
//! that cannot end their link early, inline code and code blocks that cannot be closed from
//! inside. It sits below both of its users, the reply views and the citation formats, so
//! neither imports the other for it. Anything a list wrote reaches a reply through one of
//! these; only text the bot itself writes (labels, bold counts) is left as markdown.

/// Escapes the characters Discord's markdown would interpret, so that an abstract holding
/// `[Click here](https://evil.example)` shows as written instead of as a masked link. A
/// `-` or `+` that starts a line would start a list. URLs are left alone: chat clients link
/// them as written, and a backslash would become part of the link.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_url = false;
    let mut line_start = true;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            in_url = false;
        } else if !in_url && (i == 0 || text[..i].ends_with(char::is_whitespace)) {
            let rest = &text[i..];
            in_url = rest.starts_with("https://") || rest.starts_with("http://");
        }
        let special = matches!(
            c,
            '\\' | '*' | '_' | '`' | '~' | '|' | '[' | ']' | '<' | '>' | '#'
        ) || (line_start && matches!(c, '-' | '+'));
        if !in_url && special {
            out.push('\\');
        }
        out.push(c);
        if c == '\n' {
            line_start = true;
        } else if !c.is_whitespace() {
            line_start = false;
        }
    }
    out
}

/// Undoes [`escape`] for a terminal, where markdown is not rendered: a backslash before
/// ASCII punctuation is dropped.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// A URL as the target of `[text](url)`: whitespace, brackets, parentheses and angle
/// brackets percent-encoded, so a list's URL can neither end the link nor start another.
pub fn link_target(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            '`' => out.push_str("%60"),
            c if c.is_whitespace() => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as inline code; a backtick inside would end the span, so it becomes `'`.
pub fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// `text` in a fenced code block; a fence inside is broken with a zero-width space so it
/// cannot close the block and let the rest render as markdown.
pub fn code_block(lang: &str, text: &str) -> String {
    format!("```{lang}\n{}\n```", text.replace("```", "`\u{200b}``"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_links_headings_and_lists_are_escaped_and_urls_are_not() {
        assert_eq!(
            escape("[Click here](https://evil.example) for *more*"),
            r"\[Click here\](https://evil.example) for \*more\*"
        );
        assert_eq!(
            escape("see https://example.com/a_b_c and a_b"),
            r"see https://example.com/a_b_c and a\_b"
        );
        assert_eq!(
            escape("# Heading\n- item\n  + item\nx - y"),
            "\\# Heading\n\\- item\n  \\+ item\nx - y"
        );
        assert_eq!(escape("> quote ||spoiler||"), r"\> quote \|\|spoiler\|\|");
    }

    #[test]
    fn unescape_undoes_escape() {
        for text in [
            r"[Click here](https://evil.example) \alpha_1 *x* # - a",
            "- item\n+ item",
        ] {
            assert_eq!(unescape(&escape(text)), text);
        }
    }

    #[test]
    fn link_targets_cannot_end_their_link() {
        assert_eq!(
            link_target("https://x.example/a) [Click here](https://evil.example"),
            "https://x.example/a%29%20%5BClick%20here%5D%28https://evil.example"
        );
        assert_eq!(
            link_target("https://arxiv.org/abs/2001.08361"),
            "https://arxiv.org/abs/2001.08361"
        );
    }

    #[test]
    fn code_spans_and_blocks_cannot_be_closed_from_inside() {
        assert_eq!(code("a`b"), "`a'b`");
        let block = code_block("bibtex", "x\n```\n[Click](https://evil.example)");
        assert_eq!(block.matches("```").count(), 2, "{block}");
        assert!(block.starts_with("```bibtex\n") && block.ends_with("\n```"));
    }
}
