//! A course's time: its IANA zone (with "did you mean" for typos) and its posting schedule
//! (a cron expression, or a weekday and time such as `MON 09:00`), and the instants the
//! schedule fires at. The schedule is read in local wall-clock time, so a 09:00 post stays
//! at 09:00 across daylight-saving changes; a local time that does not exist (spring
//! forward) fires at the next valid minute, and a repeated hour (fall back) fires once.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

/// Parses an IANA zone name, case-insensitively; an unknown name gets the nearest names.
pub fn parse_zone(input: &str) -> Result<Tz, String> {
    let input = input.trim();
    if let Ok(tz) = Tz::from_str(input) {
        return Ok(tz);
    }
    if let Some(tz) = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(input))
    {
        return Ok(*tz);
    }
    let lower = input.to_lowercase();
    let mut near: Vec<(f64, &str)> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| {
            (
                strsim::jaro_winkler(&lower, &tz.name().to_lowercase()),
                tz.name(),
            )
        })
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0));
    let names: Vec<String> = near
        .iter()
        .take(3)
        .filter(|(score, _)| *score > 0.75)
        .map(|(_, n)| format!("`{n}`"))
        .collect();
    let shown = crate::markdown::code(&crate::view::limits::truncate(input, 60));
    Err(if names.is_empty() {
        format!("{shown} is not a time zone; use an IANA name such as `Europe/Berlin` or `America/New_York`.")
    } else {
        format!(
            "{shown} is not a time zone. Did you mean {}?",
            names.join(" or ")
        )
    })
}

/// A posting schedule: the cron expression as stored (seconds first, as the `cron` crate
/// reads it) and parsed.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub expr: String,
    cron: cron::Schedule,
}

const DAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

impl Schedule {
    /// Reads `MON 09:00` (several days: `MON,WED 09:00`), a five-field cron expression
    /// (`0 9 * * MON`, minute first, as crontab writes it), or the six/seven-field form.
    pub fn parse(input: &str) -> Result<Schedule, String> {
        let input = input.trim();
        let expr = weekday_time(input).unwrap_or_else(|| {
            let fields = input.split_whitespace().count();
            if fields == 5 {
                format!("0 {input}")
            } else {
                input.to_string()
            }
        });
        let cron =
            cron::Schedule::from_str(&expr).map_err(|e| unreadable(input, &e.to_string()))?;
        Ok(Schedule { expr, cron })
    }

    /// The instants after `after` (exclusive) at which the schedule fires in `tz`, in order.
    pub fn after(&self, tz: Tz, after: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        // Local times are not monotonic around a fall-back change, so start two hours early
        // in wall-clock time and keep only instants after `after`.
        let start = after.with_timezone(&tz).naive_local() - Duration::hours(3);
        let mut last = after;
        self.cron
            .after(&Utc.from_utc_datetime(&start))
            .take(100_000)
            .filter_map(move |wall| {
                let instant = resolve_local(tz, wall.naive_utc())?;
                (instant > last).then(|| {
                    last = instant;
                    instant
                })
            })
    }

    /// The first instant after `after`, or `None` when the schedule never fires again.
    pub fn next(&self, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.after(tz, after).next()
    }
}

/// `MON 09:00` or `mon,wed 9:30` as a cron expression.
fn weekday_time(input: &str) -> Option<String> {
    let (days, time) = input.split_once(char::is_whitespace)?;
    let (h, m) = time.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    let days: Vec<String> = days
        .split(',')
        .map(|d| d.trim().to_ascii_uppercase())
        .collect();
    let known = |d: &String| DAYS.iter().any(|k| d.starts_with(k) && d.len() >= 3);
    if days.is_empty() || !days.iter().all(known) {
        return None;
    }
    let days: Vec<&str> = days.iter().map(|d| &d[..3]).collect();
    Some(format!("0 {m} {h} * * {}", days.join(",")))
}

/// Why a schedule cannot be read, in the terms the instructor wrote it in. A weekday and
/// time is judged as that (the cron parser would complain about a "Seconds" field the
/// instructor never wrote); a cron expression gets the parser's reason, which is the last
/// line of its message (the lines before repeat the expression and point into it).
fn unreadable(input: &str, cron_error: &str) -> String {
    let shown = crate::markdown::code(&crate::view::limits::truncate(input, 80));
    let words: Vec<&str> = input.split_whitespace().collect();
    let why = match words.as_slice() {
        [_, _, _, _, _, ..] => {
            let reason = cron_error.lines().last().unwrap_or("").trim();
            format!(" ({})", reason.trim_end_matches('.').replace('`', "'"))
        }
        [days, time] if time.contains(':') => {
            let (h, m) = time.split_once(':').unwrap_or((time, ""));
            let valid = |t: &str, max: u32| t.parse::<u32>().is_ok_and(|n| n <= max);
            if !(valid(h, 23) && valid(m, 59)) {
                format!(
                    ": {} is not a time of day (00:00 to 23:59)",
                    crate::markdown::code(time)
                )
            } else {
                format!(
                    ": {} is not a weekday (MON, TUE, WED, THU, FRI, SAT, SUN, or several as `MON,WED`)",
                    crate::markdown::code(&crate::view::limits::truncate(days, 40))
                )
            }
        }
        _ => String::new(),
    };
    format!(
        "{shown} is not a schedule I can read{why}. Write a weekday and time such as `MON 09:00`, or a cron expression such as `0 9 * * MON`."
    )
}

/// The instant of a local wall-clock time: the earlier one when the hour repeats, the next
/// valid minute when it does not exist.
pub fn resolve_local(tz: Tz, wall: NaiveDateTime) -> Option<DateTime<Utc>> {
    for shift in 0..=180 {
        match tz.from_local_datetime(&(wall + Duration::minutes(shift))) {
            LocalResult::Single(t) => return Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(early, _) => return Some(early.with_timezone(&Utc)),
            LocalResult::None => continue,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_typo_in_the_zone_suggests_the_real_name() {
        assert_eq!(
            parse_zone("europe/berlin").unwrap(),
            chrono_tz::Europe::Berlin
        );
        let err = parse_zone("Europe/Berln").unwrap_err();
        assert!(err.contains("`Europe/Berlin`"), "{err}");
        assert!(parse_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn weekday_and_time_five_fields_and_six_fields_all_read() {
        assert_eq!(Schedule::parse("MON 09:00").unwrap().expr, "0 0 9 * * MON");
        assert_eq!(
            Schedule::parse("mon,wed 9:30").unwrap().expr,
            "0 30 9 * * MON,WED"
        );
        assert_eq!(
            Schedule::parse("0 9 * * MON").unwrap().expr,
            "0 0 9 * * MON"
        );
        assert!(Schedule::parse("every monday")
            .unwrap_err()
            .contains("MON 09:00"));
        assert!(Schedule::parse("MON 25:00").is_err());
    }

    #[test]
    fn an_unreadable_schedule_says_what_is_wrong_in_the_instructors_terms() {
        let err = Schedule::parse("MON 25:00").unwrap_err();
        assert!(err.contains("`25:00` is not a time of day"), "{err}");
        let err = Schedule::parse("Mnday 09:00").unwrap_err();
        assert!(err.contains("`Mnday` is not a weekday"), "{err}");
        // The cron parser's own wording (a "Seconds" field, a caret line) stays out.
        for input in ["MON 25:00", "every monday", "0 9 * * MOON"] {
            let err = Schedule::parse(input).unwrap_err();
            assert!(
                !err.contains("Seconds") && !err.contains('\n'),
                "{input}: {err}"
            );
            assert!(err.starts_with(&format!("`{input}`")), "{input}: {err}");
        }
    }

    #[test]
    fn typed_text_is_shown_as_code_without_markdown_escapes() {
        // Inside a code span Discord shows a backslash as written.
        let err = parse_zone("Foo*Bar").unwrap_err();
        assert!(err.starts_with("`Foo*Bar`"), "{err}");
        let err = Schedule::parse("0 9 * * MOON").unwrap_err();
        assert!(err.starts_with("`0 9 * * MOON`"), "{err}");
    }

    #[test]
    fn the_local_hour_holds_across_both_2026_dst_changes() {
        let s = Schedule::parse("SUN 09:00").unwrap();
        for (tz, from, to) in [
            (
                chrono_tz::America::New_York,
                "2026-02-20T00:00:00Z",
                "2026-11-20T00:00:00Z",
            ),
            (
                chrono_tz::Europe::Berlin,
                "2026-02-20T00:00:00Z",
                "2026-11-20T00:00:00Z",
            ),
        ] {
            let all: Vec<_> = s
                .after(tz, utc(from))
                .take_while(|t| *t < utc(to))
                .collect();
            assert_eq!(all.len(), 39);
            for t in all {
                let local = t.with_timezone(&tz);
                assert_eq!((local.hour(), local.minute()), (9, 0), "{tz} {t}");
            }
        }
    }

    #[test]
    fn a_missing_local_time_fires_at_the_next_valid_minute_and_a_repeated_one_once() {
        let tz = chrono_tz::America::New_York;
        // 2026-03-08 02:30 does not exist in New York (02:00 -> 03:00).
        let s = Schedule::parse("30 2 * * *").unwrap();
        let spring: Vec<_> = s.after(tz, utc("2026-03-07T12:00:00Z")).take(2).collect();
        let local = spring[0].with_timezone(&tz);
        assert_eq!((local.day(), local.hour(), local.minute()), (8, 3, 0));
        assert_eq!(spring[1].with_timezone(&tz).day(), 9);
        // 2026-11-01 01:30 happens twice; the post fires once, at the first.
        let s = Schedule::parse("30 1 * * *").unwrap();
        let fall: Vec<_> = s.after(tz, utc("2026-10-31T12:00:00Z")).take(2).collect();
        assert_eq!(fall[0], utc("2026-11-01T05:30:00Z"));
        assert_eq!(fall[1].with_timezone(&tz).day(), 2);
    }
}
