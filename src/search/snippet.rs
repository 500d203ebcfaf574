//! Snippets as plain text with markdown bold: tantivy picks the best fragment of the
//! abstract (or the title), and this module renders it with the matched words in `**bold**`
//! and every other markdown special escaped, so that text from a paper can never turn into
//! links, headings or formatting in a chat reply.

use tantivy::snippet::{Snippet, SnippetGenerator};

/// Characters tantivy may put in one fragment; with ellipses and escapes the rendered
/// snippet stays around 200.
pub const FRAGMENT_CHARS: usize = 180;

/// The snippet for one hit: the best abstract fragment with matches, else the title's,
/// else the start of the abstract without highlights, else empty.
pub fn render(
    abstract_gen: Option<&SnippetGenerator>,
    title_gen: Option<&SnippetGenerator>,
    abstract_text: &str,
    title: &str,
) -> String {
    for (generator, text) in [(abstract_gen, abstract_text), (title_gen, title)] {
        if let Some(g) = generator {
            let s = g.snippet(text);
            if !s.highlighted().is_empty() {
                return to_markdown(&s, text);
            }
        }
    }
    lead(abstract_text)
}

/// Renders a snippet: highlights in bold, the rest escaped, `…` where text was cut.
pub fn to_markdown(snippet: &Snippet, full_text: &str) -> String {
    let fragment = snippet.fragment();
    let mut out = String::with_capacity(fragment.len() + 16);
    let cut_before = !full_text.trim_start().starts_with(fragment.trim_start());
    let cut_after = !full_text.trim_end().ends_with(fragment.trim_end());
    if cut_before {
        out.push('…');
    }
    let mut pos = 0;
    for range in snippet.highlighted() {
        // Ranges come from tantivy's own tokenizer offsets, but a bad one must not panic.
        let (Some(before), Some(word)) =
            (fragment.get(pos..range.start), fragment.get(range.clone()))
        else {
            continue;
        };
        push_escaped(&mut out, before);
        out.push_str("**");
        push_escaped(&mut out, word);
        out.push_str("**");
        pos = range.end;
    }
    push_escaped(&mut out, fragment.get(pos..).unwrap_or_default());
    let mut out = out.trim().to_string();
    if cut_after {
        out.push('…');
    }
    out
}

/// The first words of `text`, escaped, cut at a word boundary near [`FRAGMENT_CHARS`].
pub fn lead(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let mut end = text.len();
    if let Some((i, _)) = text.char_indices().nth(FRAGMENT_CHARS) {
        end = text[..i].rfind(char::is_whitespace).unwrap_or(i);
    }
    let mut out = String::new();
    push_escaped(&mut out, &text[..end]);
    let mut out = out.trim_end().to_string();
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Appends `text` with whitespace runs collapsed to one space (abstracts carry line breaks
/// that would otherwise start markdown blocks) and markdown specials backslash-escaped.
fn push_escaped(out: &mut String, text: &str) {
    let mut last_space = out.ends_with(' ');
    for c in text.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        let line_start = out.is_empty();
        if matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '<')
            || (line_start && matches!(c, '#' | '>' | '-' | '+'))
        {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_cuts_at_a_word_and_escapes() {
        let text = format!("# *bold* [link](x) {}", "word ".repeat(100));
        let l = lead(&text);
        assert!(l.starts_with(r"\# \*bold\* \[link\](x)"), "{l}");
        assert!(l.ends_with("word…"), "{l}");
        assert!(l.chars().count() <= FRAGMENT_CHARS + 10);
    }

    #[test]
    fn lead_of_short_text_has_no_ellipsis() {
        assert_eq!(lead("  short\n text "), "short text");
        assert_eq!(lead(""), "");
    }
}
