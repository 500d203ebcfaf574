//! Reading progress on the command line (`read done|undo|list`) and in `chat`: each
//! becomes the same [`Request`] the bot handles, for the member named with `--user` in the
//! guild named with `--guild`.

use crate::dispatch::{ReadRequest, Request};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ReadCommand {
    /// Mark a paper (key, arXiv id, DOI or title) as read.
    Done { paper: String },
    /// Take back a paper marked as read.
    Undo { paper: String },
    /// The course's readings week by week, with the ones marked as read.
    List,
}

impl From<ReadCommand> for ReadRequest {
    fn from(c: ReadCommand) -> ReadRequest {
        match c {
            ReadCommand::Done { paper } => ReadRequest::Done { paper },
            ReadCommand::Undo { paper } => ReadRequest::Undo { paper },
            ReadCommand::List => ReadRequest::List,
        }
    }
}

/// The options of the `/read` commands in `chat`, in order.
pub(super) fn chat_options(command: &str) -> Option<&'static [&'static str]> {
    Some(match command {
        "read done" | "read undo" => &["paper"],
        "read list" => &[],
        _ => return None,
    })
}

/// A `/read` command typed in `chat`; `None` when `command` is not one.
pub(super) fn chat_request(command: &str, get: &dyn Fn(&str) -> Option<String>) -> Option<Request> {
    let paper = || get("paper").unwrap_or_default();
    Some(Request::Read(match command {
        "read done" => ReadRequest::Done { paper: paper() },
        "read undo" => ReadRequest::Undo { paper: paper() },
        "read list" => ReadRequest::List,
        _ => return None,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::chat_parse::{parse_line, ChatLine};
    use super::*;

    #[test]
    fn read_commands_parse_like_their_slash_twins() {
        assert_eq!(
            parse_line("/read done arXiv:2001.08361"),
            ChatLine::Request(Request::Read(ReadRequest::Done {
                paper: "arXiv:2001.08361".into()
            }))
        );
        assert_eq!(
            parse_line("/read list"),
            ChatLine::Request(Request::Read(ReadRequest::List))
        );
        assert!(matches!(
            parse_line("/course progress"),
            ChatLine::Request(Request::Course(crate::dispatch::CourseRequest::Progress))
        ));
    }
}
