//! The reply model every surface renders: the Discord adapter turns it into messages and
//! embeds, the chat REPL into text. Discord's size limits are enforced here, once, so no
//! surface can send something Discord would refuse.

pub mod cards;
pub mod fit;
pub mod limits;
pub mod text;

use serde::Serialize;

/// One embed: a paper card or a list page.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Embed {
    pub title: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

/// A file sent with the reply (a `.bib` of several citations, an import report).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attachment {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Where a paginated reply is: the surface shows "previous"/"next" controls that re-run
/// the same request at another page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pager {
    /// 0-based.
    pub page: usize,
    pub pages: usize,
}

/// A button under a reply. Its `id` carries everything a press needs (state lives in
/// SQLite, never in the surface), so a press after a restart works the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Button {
    pub id: String,
    pub label: String,
    pub style: ButtonStyle,
    /// The same action typed in chat or on the command line.
    pub typed: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Success,
    Danger,
}

/// What the bot answers.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Reply {
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    pub attachments: Vec<Attachment>,
    /// Only the caller sees it (errors, instructor reports).
    pub ephemeral: bool,
    pub pager: Option<Pager>,
    pub buttons: Vec<Button>,
}

impl Reply {
    pub fn text(content: impl Into<String>) -> Reply {
        Reply {
            content: Some(content.into()),
            ..Reply::default()
        }
    }

    /// A short, human error only the caller sees.
    pub fn error(message: impl Into<String>) -> Reply {
        Reply {
            content: Some(message.into()),
            ephemeral: true,
            ..Reply::default()
        }
    }
}
