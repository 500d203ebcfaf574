//! Text to BibTeX field values that LaTeX compiles: the reserved characters escaped, braces
//! always balanced (BibTeX counts braces before TeX sees a backslash, so a literal brace
//! becomes `\textbraceleft{}`, never `\{`), titles protected from re-casing, author lists
//! joined with `and` and organisations braced so BibTeX does not split them into names.
//! Non-ASCII stays UTF-8: biber and the biblatex crate read it, and inputenc handles it.

use super::names;

/// Escapes free text for a BibTeX/BibLaTeX field value (without the outer braces).
/// Whitespace, including newlines from multi-line sources, collapses to single spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut last_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        match c {
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            // Control characters would end up in the .bib file and confuse every reader.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A title value: escaped and wrapped in an extra brace pair so that styles which
/// re-case titles keep "GPT-4", "BERT" and "ImageNet" as written.
pub fn title(text: &str) -> Option<String> {
    let e = escape(text);
    (!e.is_empty()).then(|| format!("{{{e}}}"))
}

/// The `author` value: names joined with ` and `; an organisation's name is braced whole
/// so BibTeX neither splits "Google DeepMind" into given and family name nor reads the
/// "and" in "Department of Energy and Climate" as a separator.
pub fn authors(list: &[String]) -> Option<String> {
    let names: Vec<String> = list
        .iter()
        .filter_map(|a| {
            let bare = names::bare(a);
            let e = escape(bare);
            if e.trim_matches([',', ' ']).is_empty() {
                return None;
            }
            Some(if names::is_organisation(a) {
                format!("{{{e}}}")
            } else {
                e
            })
        })
        .collect();
    (!names.is_empty()).then(|| names.join(" and "))
}

/// A URL or DOI: verbatim in biblatex, so nothing is escaped; only characters that would
/// unbalance the braces or end the value are percent-encoded.
pub fn url(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            c if c.is_whitespace() => out.push_str("%20"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A citation key BibTeX accepts: no spaces, commas, braces, quotes, `#`, `%`, `=`,
/// `(`, `)` or backslashes. Falls back to `paper` when nothing is left.
pub fn key(raw: &str) -> String {
    let k: String = raw
        .trim()
        .chars()
        .filter(|c| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    ',' | '{' | '}' | '"' | '#' | '%' | '=' | '(' | ')' | '\\' | '~'
                )
        })
        .collect();
    if k.is_empty() {
        String::from("paper")
    } else {
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_escaped_and_braces_balanced() {
        assert_eq!(escape("R&D 100% $5 #1 a_b"), r"R\&D 100\% \$5 \#1 a\_b");
        assert_eq!(
            escape("{x} ~ ^ \\"),
            r"\textbraceleft{}x\textbraceright{} \textasciitilde{} \textasciicircum{} \textbackslash{}"
        );
        assert_eq!(escape("  two\n lines\t"), "two lines");
        assert_eq!(escape("Schölkopf 张伟"), "Schölkopf 张伟");
    }

    #[test]
    fn titles_get_an_extra_brace_pair() {
        assert_eq!(title("C++ & You").as_deref(), Some(r"{C++ \& You}"));
        assert_eq!(title("   "), None);
    }

    #[test]
    fn authors_join_with_and_and_brace_organisations() {
        let list = vec![
            "Jared Kaplan".to_string(),
            "OpenAI".to_string(),
            "Department of Energy and Climate".to_string(),
            " ".to_string(),
            "{Google DeepMind}".to_string(),
        ];
        assert_eq!(
            authors(&list).as_deref(),
            Some("Jared Kaplan and {OpenAI} and {Department of Energy and Climate} and {Google DeepMind}")
        );
        assert_eq!(authors(&[]), None);
    }

    #[test]
    fn urls_and_keys_are_made_safe() {
        assert_eq!(
            url(" https://x.org/a b{c} ").as_deref(),
            Some("https://x.org/a%20b%7Bc%7D")
        );
        assert_eq!(key("kaplan 2020, {x}"), "kaplan2020x");
        assert_eq!(key(" , "), "paper");
    }
}
