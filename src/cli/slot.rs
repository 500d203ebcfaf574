//! Presentation slots on the command line (`paperclub slot ...`) and in `chat`
//! (`/slot ...`): each becomes the same [`Request`] the bot handles. The buttons Discord
//! shows have typed twins here: `slot confirm|decline <swap>` and `slot autofill --apply`.

use crate::dispatch::{Request, SlotRequest};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum SlotCommand {
    /// Claim a paper (key, arXiv id, DOI or title) for your team to present.
    Claim { paper: String },
    /// Give a team a paper to present (instructors); --date picks the session.
    Assign {
        paper: String,
        team: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Give up a slot (its team's members, or instructors).
    Release { paper: String },
    /// Swap two teams' papers (instructors at once; otherwise both teams confirm).
    Swap { a: String, b: String },
    /// Confirm a pending swap for your team (the Confirm button).
    Confirm { swap: i64 },
    /// Decline a pending swap (the Decline button).
    Decline { swap: i64 },
    /// Who presents what, week by week.
    List {
        #[arg(long)]
        week: Option<usize>,
    },
    /// The presentations as an iCalendar file.
    Export {
        /// Write the .ics here instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Fill the open slots evenly between teams (instructors); shows the plan unless --apply.
    Autofill {
        #[arg(long)]
        apply: bool,
    },
}

impl SlotCommand {
    pub(super) fn request(self) -> Request {
        Request::Slot(match self {
            SlotCommand::Claim { paper } => SlotRequest::Claim { paper },
            SlotCommand::Assign { paper, team, date } => SlotRequest::Assign { paper, team, date },
            SlotCommand::Release { paper } => SlotRequest::Release { paper },
            SlotCommand::Swap { a, b } => SlotRequest::Swap { a, b },
            SlotCommand::Confirm { swap } => SlotRequest::Answer {
                swap,
                confirm: true,
            },
            SlotCommand::Decline { swap } => SlotRequest::Answer {
                swap,
                confirm: false,
            },
            SlotCommand::List { week } => SlotRequest::List { week },
            SlotCommand::Export { .. } => SlotRequest::Export,
            SlotCommand::Autofill { apply } => SlotRequest::Autofill {
                apply,
                expect: None,
            },
        })
    }
}

/// The options of the slot commands in `chat`, in order.
pub(super) fn chat_options(command: &str) -> Option<&'static [&'static str]> {
    Some(match command {
        "slot claim" | "slot release" => &["paper"],
        "slot assign" => &["paper", "team", "date"],
        "slot swap" => &["a", "b"],
        "slot confirm" | "slot decline" => &["swap"],
        "slot list" => &["week"],
        "slot export" => &[],
        "slot autofill" => &["apply"],
        _ => return None,
    })
}

/// A slot command typed in `chat`; `None` when `command` is not one.
pub(super) fn chat_request(
    command: &str,
    get: &dyn Fn(&str) -> Option<String>,
) -> Option<Result<Request, String>> {
    let text = |name: &str| get(name).unwrap_or_default();
    let swap = || -> Result<i64, String> {
        let v = get("swap").ok_or("Say which swap: `swap:3`.")?;
        Ok(i64::try_from(super::chat_values::number_id("swap", &v)?).unwrap_or(i64::MAX))
    };
    let request = (|| -> Result<SlotRequest, String> {
        Ok(match command {
            "slot claim" => SlotRequest::Claim {
                paper: text("paper"),
            },
            "slot release" => SlotRequest::Release {
                paper: text("paper"),
            },
            "slot assign" => SlotRequest::Assign {
                paper: text("paper"),
                team: text("team"),
                date: get("date"),
            },
            "slot swap" => SlotRequest::Swap {
                a: text("a"),
                b: text("b"),
            },
            "slot confirm" | "slot decline" => SlotRequest::Answer {
                swap: swap()?,
                confirm: command == "slot confirm",
            },
            "slot list" => SlotRequest::List {
                week: get("week")
                    .map(|w| super::chat_values::number_in("week", &w, 1, u64::MAX))
                    .transpose()?
                    .map(|w| usize::try_from(w).unwrap_or(usize::MAX)),
            },
            "slot export" => SlotRequest::Export,
            "slot autofill" => SlotRequest::Autofill {
                apply: get("apply").is_some_and(|v| matches!(v.as_str(), "true" | "yes" | "1")),
                expect: None,
            },
            _ => return Err(String::new()),
        })
    })();
    match request {
        Err(e) if e.is_empty() => None,
        other => Some(other.map(Request::Slot)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::chat_parse::{parse_line, ChatLine};
    use super::*;

    #[test]
    fn slot_commands_parse_like_their_slash_twins() {
        assert_eq!(
            parse_line("/slot assign paper:arXiv:2001.08361 team:team-1 date:2026-03-03"),
            ChatLine::Request(Request::Slot(SlotRequest::Assign {
                paper: "arXiv:2001.08361".into(),
                team: "team-1".into(),
                date: Some("2026-03-03".into()),
            }))
        );
        assert_eq!(
            parse_line("/slot confirm swap:4"),
            ChatLine::Request(Request::Slot(SlotRequest::Answer {
                swap: 4,
                confirm: true
            }))
        );
        assert!(
            matches!(parse_line("/slot decline"), ChatLine::Invalid(m) if m.contains("swap:3"))
        );
    }
}
