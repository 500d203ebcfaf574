//! Author strings as the catalog stores them ("First Last", "Last, First", "{OpenAI}",
//! "张伟") split into the parts every format needs: family name, given names, particle,
//! suffix, and whether the "author" is an organisation that must not be split at all.

/// Generational suffixes that follow the family name in "First Last Jr." order.
pub const SUFFIXES: &[&str] = &["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"];

/// Words that mark an author string as an organisation rather than a person.
const ORG_WORDS: &[&str] = &[
    "agency",
    "anthropic",
    "association",
    "center",
    "centre",
    "collaboration",
    "committee",
    "community",
    "company",
    "consortium",
    "contributors",
    "corporation",
    "corp",
    "council",
    "deepmind",
    "department",
    "foundation",
    "google",
    "group",
    "inc",
    "institute",
    "lab",
    "laboratory",
    "labs",
    "llc",
    "ltd",
    "meta",
    "microsoft",
    "nvidia",
    "openai",
    "organisation",
    "organization",
    "project",
    "research",
    "society",
    "team",
    "university",
];

/// One author, split.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Name {
    /// Family name, or the whole name of an organisation.
    pub family: String,
    pub given: Option<String>,
    /// Lower-case particle before the family name ("van", "de la").
    pub particle: Option<String>,
    pub suffix: Option<String>,
    pub organisation: bool,
}

/// Strips the braces a source used to protect a name and trims it.
pub fn bare(author: &str) -> &str {
    let t = author.trim();
    match t.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(inner) if !inner.contains(['{', '}']) => inner.trim(),
        _ => t,
    }
}

/// Organisation words that are also people's names ("Ai, Qingyao", "Ai Jun"): they mark an
/// organisation only in capitals, as organisations write them ("Meta AI").
const ACRONYM_ORG_WORDS: &[&str] = &["AI"];

/// Whether an author string names an organisation: the source braced it, it is one word
/// with no given name, it contains "and"/"&" (BibTeX would split it), it has more commas
/// than a person's name can, or it contains an organisation word.
pub fn is_organisation(author: &str) -> bool {
    let t = author.trim();
    if t.starts_with('{') && t.ends_with('}') {
        return true;
    }
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let cjk_only = t.chars().all(is_cjk);
    (words.len() == 1 && !cjk_only)
        || t.contains('&')
        || t.matches(',').count() > 2
        || words.iter().any(|w| {
            let lower = w.to_lowercase();
            lower == "and" || ORG_WORDS.contains(&lower.as_str()) || ACRONYM_ORG_WORDS.contains(w)
        })
}

/// Splits one author string; see [`Name`].
pub fn split(author: &str) -> Name {
    let organisation = is_organisation(author);
    let t = bare(author);
    if organisation {
        return Name {
            family: t.to_string(),
            organisation,
            ..Name::default()
        };
    }
    if let Some((last, rest)) = t.split_once(',') {
        // "Last, Jr., First" or "Last, First".
        let (suffix, given) = match rest.split_once(',') {
            Some((suffix, given)) => (non_empty(suffix), non_empty(given)),
            None => (None, non_empty(rest)),
        };
        let (particle, family) = split_particle(last.trim());
        return Name {
            family,
            given,
            particle,
            suffix,
            organisation,
        };
    }
    // A CJK name without spaces is written family-first and kept whole.
    let mut words: Vec<&str> = t.split_whitespace().collect();
    let suffix = match words.as_slice() {
        [_, _, .., s] if SUFFIXES.contains(&s.to_lowercase().as_str()) => {
            words.pop().map(str::to_string)
        }
        _ => None,
    };
    let Some(last) = words.pop() else {
        return Name::default();
    };
    // Lower-case words right before the family name are its particle ("van der").
    let mut particle_start = words.len();
    while particle_start > 1 && starts_lowercase(words[particle_start - 1]) {
        particle_start -= 1;
    }
    let particle = non_empty(&words[particle_start..].join(" "));
    let given = non_empty(&words[..particle_start].join(" "));
    Name {
        family: last.to_string(),
        given,
        particle,
        suffix,
        organisation,
    }
}

fn split_particle(last: &str) -> (Option<String>, String) {
    let words: Vec<&str> = last.split_whitespace().collect();
    let n = words.iter().take_while(|w| starts_lowercase(w)).count();
    if n == 0 || n == words.len() {
        return (None, last.to_string());
    }
    (non_empty(&words[..n].join(" ")), words[n..].join(" "))
}

fn starts_lowercase(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_lowercase)
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_split_at_the_last_word() {
        let n = split("Jared Kaplan");
        assert_eq!(n.family, "Kaplan");
        assert_eq!(n.given.as_deref(), Some("Jared"));
        assert!(!n.organisation);
        let n = split("Ludwig van Beethoven");
        assert_eq!(
            (n.particle.as_deref(), n.family.as_str()),
            (Some("van"), "Beethoven")
        );
        let n = split("Martin Luther King Jr.");
        assert_eq!(
            (n.family.as_str(), n.suffix.as_deref()),
            ("King", Some("Jr."))
        );
    }

    #[test]
    fn comma_names_keep_their_order() {
        let n = split("van der Berg, Anna");
        assert_eq!(n.family, "Berg");
        assert_eq!(n.particle.as_deref(), Some("van der"));
        assert_eq!(n.given.as_deref(), Some("Anna"));
        let n = split("Schölkopf, Bernhard");
        assert_eq!(n.family, "Schölkopf");
    }

    #[test]
    fn organisations_are_detected() {
        for org in [
            "OpenAI",
            "{Google DeepMind}",
            "Meta AI",
            "AT&T Labs",
            "Gemini Team",
        ] {
            assert!(is_organisation(org), "{org}");
            assert!(split(org).given.is_none(), "{org}");
        }
        for person in [
            "Jared Kaplan",
            "Kaplan, Jared",
            "张伟",
            "Li Ming",
            "Ai, Qingyao",
            "Ai Jun",
            "Qingyao Ai",
        ] {
            assert!(!is_organisation(person), "{person}");
        }
        for org in [
            "Shanghai AI Laboratory",
            "Allen Institute for AI",
            "Meta AI",
        ] {
            assert!(is_organisation(org), "{org}");
        }
        assert_eq!(split("{OpenAI}").family, "OpenAI");
    }

    #[test]
    fn degenerate_names_do_not_panic() {
        assert_eq!(split(""), Name::default());
        assert_eq!(split(" , ").family, "");
        assert_eq!(split("张伟").family, "张伟");
    }
}
