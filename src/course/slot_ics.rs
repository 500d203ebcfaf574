//! The slot schedule as an iCalendar file (RFC 5545): one event per presentation at its
//! session's local time in the course's zone (`TZID`), lasting the course's session length,
//! with a `VTIMEZONE` describing that zone's offsets over the events' years. A UID is stable
//! per guild, session and paper, so re-importing the file updates a calendar's events
//! instead of duplicating them.

use super::{Course, Session};
use chrono::{DateTime, Datelike, Duration, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};
use std::fmt::Write as _;

/// One presentation to put in the calendar.
#[derive(Debug, Clone)]
pub struct IcsEntry<'a> {
    pub session: &'a Session,
    pub week: usize,
    pub paper_id: i64,
    /// Plain text (the file is not markdown).
    pub title: String,
    pub team: String,
}

/// The UID of a presentation's event.
pub fn uid(guild: u64, session: i64, paper: i64) -> String {
    format!("slot-{guild}-{session}-{paper}@paperclub")
}

/// The calendar text, CRLF line endings as RFC 5545 asks.
pub fn calendar(course: &Course, entries: &[IcsEntry<'_>], now: DateTime<Utc>) -> String {
    let tz = course.tz;
    let mut cal = Calendar::new();
    cal.name("paperclub presentations").timezone(tz.name());
    for e in entries {
        let mut event = Event::new();
        event
            .uid(&uid(course.guild_id, e.session.id, e.paper_id))
            .timestamp(now)
            .summary(&text(&format!("{} presents: {}", e.team, e.title)))
            .description(&text(&e.session.week_label(e.week)));
        match e.session.time {
            Some(time) => {
                let start = e.session.date.and_time(time);
                let local = |date_time| CalendarDateTime::WithTimezone {
                    date_time,
                    tzid: tz.name().to_string(),
                };
                event.starts(local(start)).ends(local(
                    start + Duration::minutes(course.session_minutes.into()),
                ));
            }
            // A session without a time is a whole local day (DTEND is exclusive).
            None => {
                event
                    .starts(e.session.date)
                    .ends(e.session.date + Duration::days(1));
            }
        }
        cal.push(event.done());
    }
    let text = cal.done().to_string();
    let years = entries.iter().map(|e| e.session.date.year());
    match (years.clone().min(), years.max()) {
        // icalendar 0.17 has no VTIMEZONE builder: the block goes in before the events.
        (Some(first), Some(last)) => {
            let block = vtimezone(tz, first, last);
            match text.find("BEGIN:VEVENT") {
                Some(at) => format!("{}{block}{}", &text[..at], &text[at..]),
                None => text,
            }
        }
        _ => text,
    }
}

/// A TEXT value as RFC 5545 allows it: the `icalendar` crate escapes backslashes, commas,
/// semicolons and line feeds, but passes other control characters through, and a bare
/// carriage return in a title would end the content line early (some calendars then drop
/// the event or read the rest as a property). A CR or CRLF is a line break (written as
/// `\n`); any other control character but a tab, which TEXT allows, becomes a space.
fn text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\r' => '\n',
            '\n' | '\t' => c,
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// The zone's observances from January `first` to December `last`: the offset in force at
/// the start, then every change found (each as its own STANDARD or DAYLIGHT block).
pub fn vtimezone(tz: Tz, first: i32, last: i32) -> String {
    let start = Utc
        .with_ymd_and_hms(first, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let end = Utc
        .with_ymd_and_hms(last + 1, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let mut out = String::new();
    let _ = write!(out, "BEGIN:VTIMEZONE\r\nTZID:{}\r\n", tz.name());
    let initial = tz.offset_from_utc_datetime(&start.naive_utc());
    observance(&mut out, start, initial, initial);
    let mut t = start;
    while t < end {
        let next = t + Duration::days(1);
        let (before, after) = (
            tz.offset_from_utc_datetime(&t.naive_utc()),
            tz.offset_from_utc_datetime(&next.naive_utc()),
        );
        if before != after {
            let at = change_between(tz, t, next);
            observance(&mut out, at, before, after);
        }
        t = next;
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

/// The first second in `(lo, hi]` with `hi`'s offset.
fn change_between(tz: Tz, mut lo: DateTime<Utc>, mut hi: DateTime<Utc>) -> DateTime<Utc> {
    let target = tz.offset_from_utc_datetime(&hi.naive_utc());
    while hi - lo > Duration::seconds(1) {
        let mid = lo + (hi - lo) / 2;
        if tz.offset_from_utc_datetime(&mid.naive_utc()) == target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

fn observance(
    out: &mut String,
    at: DateTime<Utc>,
    from: chrono_tz::TzOffset,
    to: chrono_tz::TzOffset,
) {
    let kind = if to.dst_offset().is_zero() {
        "STANDARD"
    } else {
        "DAYLIGHT"
    };
    let from_secs = from.fix().local_minus_utc();
    // DTSTART is the local time of the change read in the offset before it.
    let local = at.naive_utc() + Duration::seconds(i64::from(from_secs));
    let _ = write!(
        out,
        "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n",
        local.format("%Y%m%dT%H%M%S"),
        offset(from_secs),
        offset(to.fix().local_minus_utc())
    );
    if let Some(name) = to.abbreviation() {
        let _ = write!(out, "TZNAME:{name}\r\n");
    }
    let _ = write!(out, "END:{kind}\r\n");
}

/// `+0100`, `-0430`.
fn offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.abs() / 60;
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn control_characters_in_a_title_never_reach_the_file_unescaped() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 3).expect("date");
        let session = Session {
            id: 7,
            date,
            time: None,
            starts_at: Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight")),
            title: "Scaling\rDTSTART:19700101\r\nlaws\u{7}; again\u{0}".into(),
            tags: vec![],
            notes_team: None,
            video_team: None,
            presenters: None,
            skipped: false,
            readings: vec![],
        };
        let entry = IcsEntry {
            session: &session,
            week: 1,
            paper_id: 3,
            title: "Loss\rcurves".into(),
            team: "team-1".into(),
        };
        let file = calendar(&Course::for_tests(), &[entry], Utc::now());
        // Every CR is part of a line ending, and no other control character but the line
        // endings' LF is in the file.
        assert!(!file.replace("\r\n", "").contains(['\r', '\n']), "{file:?}");
        assert!(
            !file
                .chars()
                .any(|c| c.is_control() && c != '\r' && c != '\n'),
            "{file:?}"
        );
        // The breaks are kept as TEXT line breaks, and nothing became a property of its own.
        let unfolded = file.replace("\r\n ", "");
        assert!(
            unfolded
                .contains("DESCRIPTION:Week 1: Scaling\\nDTSTART:19700101\\nlaws \\; again \r\n"),
            "{unfolded:?}"
        );
        assert!(
            unfolded.contains("SUMMARY:team-1 presents: Loss\\ncurves\r\n"),
            "{unfolded:?}"
        );
        assert!(!unfolded.contains("\r\nDTSTART:1970"), "{unfolded:?}");
    }

    #[test]
    fn new_york_2026_has_both_changes_and_tokyo_none() {
        let ny = vtimezone(chrono_tz::America::New_York, 2026, 2026);
        assert!(ny.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\n"), "{ny}");
        assert!(ny.contains("BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n"), "{ny}");
        let tokyo = vtimezone(chrono_tz::Asia::Tokyo, 2026, 2027);
        assert_eq!(tokyo.matches("BEGIN:STANDARD").count(), 1, "{tokyo}");
        assert!(tokyo.contains("TZOFFSETTO:+0900"));
        assert_eq!(offset(-16_200), "-0430");
    }
}
