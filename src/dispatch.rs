//! The commands every surface offers, as data: the Discord adapter and the chat REPL both
//! turn user input into a [`Request`], call [`handle`], and render the [`Reply`].

use crate::catalog::Catalog;
use crate::cite::CiteFormat;
use crate::model::Scope;
use crate::view::Reply;

/// Who is asking, in which guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub scope: Scope,
    pub user_id: u64,
    /// Has Manage Server or the configured instructor role.
    pub instructor: bool,
}

/// One command invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Search {
        query: String,
        tag: Option<String>,
        limit: Option<usize>,
        page: usize,
    },
    Tag {
        tag: String,
        page: usize,
    },
    Show {
        paper: String,
    },
    Tags {
        page: usize,
    },
    Cite {
        /// One paper (key, arXiv id, DOI or title words).
        paper: Option<String>,
        /// Several keys separated by spaces or commas.
        papers: Option<String>,
        tag: Option<String>,
        format: CiteFormat,
    },
    Import {
        filename: String,
        bytes: Vec<u8>,
    },
    Help,
}

/// An autocomplete choice: what the user sees and the value sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

/// Runs one request. Never fails: user mistakes come back as short ephemeral replies,
/// internal errors are logged with context and shown as a generic message.
pub async fn handle(catalog: &Catalog, caller: &Caller, request: Request) -> Reply {
    let _ = (catalog, caller, request);
    Reply::text("not yet")
}

/// Tag names for autocomplete: at most 25, each within Discord's 100-character limit.
pub async fn complete_tag(catalog: &Catalog, scope: Scope, partial: &str) -> Vec<Choice> {
    let _ = (catalog, scope, partial);
    Vec::new()
}

/// Paper titles and keys for autocomplete (value is the citation key).
pub async fn complete_paper(catalog: &Catalog, scope: Scope, partial: &str) -> Vec<Choice> {
    let _ = (catalog, scope, partial);
    Vec::new()
}
