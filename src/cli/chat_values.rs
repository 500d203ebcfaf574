//! Option values typed in `chat`, read as strictly as Discord reads them. Discord's client
//! only lets a member pick a user, role or channel, or type an integer within the option's
//! range; the chat takes typed text, so it accepts what a member would paste (`<@&55>`,
//! `<#7>`, `#12`) and refuses anything else with the option's name, rather than picking
//! the digits out of it (`note:-1` must not name note 1).

/// A Discord id: digits, or a pasted mention of a user, role or channel (`<@1>`, `<@!1>`,
/// `<@&1>`, `<#1>`).
pub(super) fn discord_id(name: &str, value: &str) -> Result<u64, String> {
    let v = value.trim();
    let inner = v
        .strip_prefix('<')
        .and_then(|v| v.strip_suffix('>'))
        .map(|v| {
            ["@&", "@!", "@", "#"]
                .iter()
                .find_map(|p| v.strip_prefix(p))
                .unwrap_or(v)
        })
        .unwrap_or(v);
    // Too many digits for an id: `digits` saturates them, which is no id either.
    digits(inner).filter(|&id| id != u64::MAX).ok_or_else(|| {
        format!(
            "`{name}` must be a Discord id (digits), got `{}`",
            shown(value)
        )
    })
}

/// A numbered thing (a note, a swap): digits, with or without a leading `#`.
pub(super) fn number_id(name: &str, value: &str) -> Result<u64, String> {
    let v = value.trim();
    digits(v.strip_prefix('#').unwrap_or(v)).ok_or_else(|| {
        format!(
            "`{name}` must be a number such as `12`, got `{}`",
            shown(value)
        )
    })
}

/// A whole number from `min` to `max`, the range the Discord option declares.
pub(super) fn number_in(name: &str, value: &str, min: u64, max: u64) -> Result<u64, String> {
    let range = if max == u64::MAX {
        format!("{min} or more")
    } else {
        format!("from {min} to {max}")
    };
    match digits(value.trim()) {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{name}` must be a whole number {range}, got `{}`",
            shown(value)
        )),
    }
}

fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Digits too many for a u64 are still a number, just out of any range.
    Some(text.parse::<u64>().unwrap_or(u64::MAX))
}

/// The value as typed, short and unable to close the code span it is shown in.
fn shown(value: &str) -> String {
    crate::view::limits::truncate(value.trim(), 40).replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_digits_or_pasted_mentions_and_nothing_else() {
        for ok in ["55", "<@55>", "<@!55>", "<@&55>", "<#55>", " 55 "] {
            assert_eq!(discord_id("role", ok), Ok(55), "{ok}");
        }
        for bad in [
            "-55",
            "55x",
            "x55",
            "<@55",
            "",
            "5 5",
            "99999999999999999999999",
        ] {
            let e = discord_id("role", bad).unwrap_err();
            assert!(e.contains("`role`"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_negative_or_decorated_number_is_not_another_number() {
        assert_eq!(number_id("note", "#12"), Ok(12));
        assert_eq!(number_id("note", "12"), Ok(12));
        for bad in ["-1", "1.5", "+1", "one", "#"] {
            assert!(number_id("note", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_outside_the_options_range_say_the_range() {
        assert_eq!(number_in("limit", "3", 1, 50), Ok(3));
        for bad in ["0", "51", "-1", "99999999999999999999999"] {
            let e = number_in("limit", bad, 1, 50).unwrap_err();
            assert!(e.contains("from 1 to 50") && e.contains(bad), "{e}");
        }
        assert_eq!(
            number_in("week", "0", 1, u64::MAX),
            Err("`week` must be a whole number 1 or more, got `0`".into())
        );
    }
}
