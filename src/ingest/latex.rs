//! LaTeX in BibTeX field values, decoded for display: accents (`{\"o}`, `\'e`, `\v{c}`),
//! special letters (`{\ss}`, `\o`, `\i`), escaped symbols (`\&`, `\%`), dashes (`--`),
//! ties (`~`) and protective braces. The raw entry is kept verbatim elsewhere; this is
//! only what a person reads in chat. Unknown commands keep their argument and lose their
//! name, so nothing ever fails here.

use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Accents nest at most a couple of levels in real text; deeper input is left as written
/// rather than recursing without bound.
const MAX_DEPTH: usize = 8;

/// Decodes LaTeX markup in `s` into plain Unicode text with whitespace collapsed.
pub fn decode(s: &str) -> String {
    decode_at(s, 0)
}

fn decode_at(s: &str, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return s.to_string();
    }
    // Most values (abstracts above all) hold no markup: nothing to decode but spacing.
    let marked = s
        .bytes()
        .any(|b| matches!(b, b'\\' | b'{' | b'}' | b'$' | b'~'))
        || s.contains("--");
    let out = if marked {
        Cow::Owned(markup(s, depth))
    } else {
        Cow::Borrowed(s)
    };
    // Most values are already composed (plain ASCII above all); composing them again cost
    // more than the rest of parsing a large BibTeX file.
    let composed = if out.is_ascii() || is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        Cow::Owned(out.nfc().collect())
    };
    let mut text = String::with_capacity(composed.len());
    for word in composed.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    text
}

/// `s` with its commands, braces, ties and dashes decoded, spacing as written.
fn markup(s: &str, depth: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => i = command(&chars, i + 1, &mut out, depth),
            '{' | '}' | '$' => i += 1,
            '~' => {
                out.push(' ');
                i += 1;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('—');
                    i += 3;
                } else {
                    out.push('–');
                    i += 2;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Combining mark for a one-character accent command (`\"`, `\'`, ...) or a letter accent
/// command (`\v`, `\c`, ...).
fn accent_mark(name: &str) -> Option<char> {
    Some(match name {
        "\"" => '\u{308}',
        "'" => '\u{301}',
        "`" => '\u{300}',
        "^" => '\u{302}',
        "~" => '\u{303}',
        "=" => '\u{304}',
        "." => '\u{307}',
        "u" => '\u{306}',
        "v" => '\u{30C}',
        "H" => '\u{30B}',
        "c" => '\u{327}',
        "k" => '\u{328}',
        "r" => '\u{30A}',
        "d" => '\u{323}',
        "b" => '\u{331}',
        _ => return None,
    })
}

fn letter(name: &str) -> Option<&'static str> {
    Some(match name {
        "ss" => "ß",
        "o" => "ø",
        "O" => "Ø",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "aa" => "å",
        "AA" => "Å",
        "l" => "ł",
        "L" => "Ł",
        "i" => "ı",
        "j" => "ȷ",
        "dh" => "ð",
        "th" => "þ",
        "textendash" => "–",
        "textemdash" => "—",
        "ldots" | "dots" | "textellipsis" => "…",
        "LaTeX" => "LaTeX",
        "TeX" => "TeX",
        "textregistered" => "®",
        "copyright" => "©",
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" | "varepsilon" => "ε",
        "lambda" => "λ",
        "mu" => "μ",
        "pi" => "π",
        "rho" => "ρ",
        "sigma" => "σ",
        "tau" => "τ",
        "theta" => "θ",
        "ell" => "ℓ",
        "times" => "×",
        "infty" => "∞",
        "leq" | "le" => "≤",
        "geq" | "ge" => "≥",
        _ => return None,
    })
}

/// Handles the command whose name starts at `i` (just after the backslash); returns the
/// index after it.
fn command(chars: &[char], i: usize, out: &mut String, depth: usize) -> usize {
    let Some(&first) = chars.get(i) else {
        return i;
    };
    let (name, mut next) = if first.is_ascii_alphabetic() {
        let end = (i..chars.len())
            .find(|&j| !chars[j].is_ascii_alphabetic())
            .unwrap_or(chars.len());
        (chars[i..end].iter().collect::<String>(), end)
    } else {
        (first.to_string(), i + 1)
    };
    let symbolic = !first.is_ascii_alphabetic();
    if symbolic
        && matches!(
            first,
            '&' | '%' | '$' | '#' | '_' | '{' | '}' | ' ' | ',' | ';'
        )
    {
        out.push(if matches!(first, ',' | ';') {
            ' '
        } else {
            first
        });
        return next;
    }
    // `\(`…`\)` and `\[`…`\]` delimit math, like `$`.
    if symbolic && matches!(first, '(' | ')' | '[' | ']') {
        return next;
    }
    if symbolic && first == '\\' {
        out.push(' ');
        return next;
    }
    if let Some(mark) = accent_mark(&name) {
        if !symbolic {
            next = skip_spaces(chars, next);
        }
        let (base, after) = argument(chars, next, depth + 1);
        if !base.is_empty() {
            out.push_str(&base);
            out.push(mark);
        }
        return after;
    }
    if let Some(text) = letter(&name) {
        // `\ss{}` and `{\ss}` both end the command; a space after a word command is eaten.
        if chars.get(next) == Some(&'{') && chars.get(next + 1) == Some(&'}') {
            next += 2;
        } else if chars.get(next) == Some(&' ') && !symbolic {
            next += 1;
        }
        out.push_str(text);
        return next;
    }
    // Unknown command: `\emph{x}` → `x`, `\url{x}` → `x`; the argument is decoded by the
    // caller's loop since only the name is skipped here.
    if symbolic {
        return next;
    }
    if chars.get(next) == Some(&' ') {
        next += 1;
    }
    next
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

/// The accent's argument: `{o}`, `{\i}`, or one character (`\"o`, `\'\i`).
fn argument(chars: &[char], i: usize, depth: usize) -> (String, usize) {
    if depth > MAX_DEPTH {
        return (String::new(), i);
    }
    match chars.get(i) {
        Some('{') => {
            let end = (i + 1..chars.len())
                .find(|&j| chars[j] == '}')
                .unwrap_or(chars.len());
            let inner: String = chars[i + 1..end].iter().collect();
            (
                undotted(decode_at(&inner, depth)),
                (end + 1).min(chars.len()),
            )
        }
        Some('\\') => {
            let mut s = String::new();
            let after = command(chars, i + 1, &mut s, depth);
            (undotted(s), after)
        }
        Some(&c) => (c.to_string(), i + 1),
        None => (String::new(), i),
    }
}

/// A dotless i under an accent is just an i once the accent is on it.
fn undotted(s: String) -> String {
    s.replace('ı', "i").replace('ȷ', "j")
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn accents_in_every_bracing_style() {
        assert_eq!(decode(r#"Sch{\"o}lkopf"#), "Schölkopf");
        assert_eq!(decode(r#"Sch\"{o}lkopf"#), "Schölkopf");
        assert_eq!(decode(r#"Sch\"olkopf"#), "Schölkopf");
        assert_eq!(decode(r"Cl{\'e}ment Hongler"), "Clément Hongler");
        assert_eq!(decode(r"Fran\c{c}ois"), "François");
        assert_eq!(decode(r"\v{S}imon"), "Šimon");
        assert_eq!(decode(r"Ant{\'\i}a"), "Antía");
        assert_eq!(decode(r"Ant\'{\i}a"), "Antía");
        assert_eq!(decode(r"\~{n}"), "ñ");
        assert_eq!(decode(r"\H o"), "ő");
        assert_eq!(decode(r#"\"Ozertem"#), "Özertem");
    }

    #[test]
    fn letters_symbols_dashes_and_braces() {
        assert_eq!(decode(r"Gro{\ss}e"), "Große");
        assert_eq!(decode(r"{\O}stergaard"), "Østergaard");
        assert_eq!(decode(r"Research \& Development"), "Research & Development");
        assert_eq!(decode("10835--10866"), "10835–10866");
        assert_eq!(decode("a---b"), "a—b");
        assert_eq!(
            decode("{BERT}: Pre-training of {D}eep"),
            "BERT: Pre-training of Deep"
        );
        assert_eq!(decode(r"\emph{Deep} \textbf{nets}"), "Deep nets");
        assert_eq!(decode(r"\url{https://x.org/a_b}"), "https://x.org/a_b");
        assert_eq!(decode("D.~P. Kingma"), "D. P. Kingma");
        assert_eq!(decode(r"$\ell_1$ penalties"), "ℓ_1 penalties");
        assert_eq!(decode(r"\(\text {ALR}^n\) : fast"), "ALR^n : fast");
        assert_eq!(decode("  spread \n over\tlines "), "spread over lines");
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for s in [
            r"\", r"\'", r"{\'", r"\v{", "{{{", "}}}", r"\\\\", "é\\\"", r"\c",
        ] {
            let _ = decode(s);
        }
        let _ = decode(&r#"\"{"#.repeat(100_000));
        let _ = decode(&r#"\""#.repeat(100_000));
    }
}
