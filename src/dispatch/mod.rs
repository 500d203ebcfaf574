//! The commands every surface offers, as data: the Discord adapter and the chat REPL both
//! turn user input into a [`Request`], call [`handle`], and render the [`Reply`].

use crate::cite::CiteFormat;
use crate::markdown;
use crate::model::Scope;
use crate::state::App;
use crate::view::limits::truncate;
use crate::view::{Pager, Reply};
use tracing::Instrument;

mod admin;
mod cite_cmd;
mod complete;
mod course_cmd;
mod note_cmd;
pub mod paging;
mod papers;
mod read_cmd;
mod recommend_cmd;
mod slot_cmd;
mod team_cmd;
mod transfer_cmd;
mod week_cmd;

use admin::{help, import};
use cite_cmd::cite_request;
use papers::{by_tag, search, show, tags};

pub use admin::{read_by, report_text};
pub use complete::{complete_list, complete_paper, complete_tag, complete_team};
pub use course_cmd::{may_change_course, CourseRequest, SessionRequest, ONLY_INSTRUCTORS};
pub use note_cmd::{ExportBy, NoteRequest};
pub use papers::MORE_LIKE_THIS;
pub use read_cmd::ReadRequest;
pub use recommend_cmd::{recommendations, RecommendRequest, Recommendations, Recommended};
pub use slot_cmd::SlotRequest;
pub use team_cmd::TeamRequest;

/// The user the person at the terminal is (chat and command line without `--user`): a
/// real id, so what they join, note or mark counts as someone's (no Discord user has it).
pub const TERMINAL_USER: u64 = 1;

/// Who is asking, in which guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub scope: Scope,
    pub user_id: u64,
    /// The caller's roles in the guild (the course's instructor role is checked here).
    pub roles: Vec<u64>,
    /// Has Manage Server or the instance-wide instructor role.
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
        /// The list this upload replaces; without it an upload is a list of its own.
        replace: Option<String>,
    },
    /// The lists (imported files) of the caller's server.
    Lists,
    RemoveList {
        list: String,
    },
    Course(CourseRequest),
    Session(SessionRequest),
    /// A week by number or date; the current week when `None`.
    Week {
        week: Option<String>,
    },
    Schedule,
    Team(TeamRequest),
    Note(NoteRequest),
    Slot(SlotRequest),
    Read(ReadRequest),
    Recommend(RecommendRequest),
    Help,
}

/// An autocomplete choice: what the user sees and the value sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

/// What a user sees when a command fails on our side (the cause goes to the log).
pub const INTERNAL_ERROR: &str =
    "Something went wrong on our side; it has been logged. Please try again.";

/// Runs one request. Never fails: user mistakes come back as short ephemeral replies,
/// internal errors are logged with context and shown as a generic message.
pub async fn handle(app: &App, caller: &Caller, request: Request) -> Reply {
    let name = request.name();
    let span = tracing::info_span!(
        "command",
        name,
        guild = caller.scope.0,
        user = caller.user_id
    );
    run(app, caller, request).instrument(span).await
}

async fn run(app: &App, caller: &Caller, request: Request) -> Reply {
    let name = request.name();
    let catalog = &app.catalog;
    let result = match request {
        Request::Search {
            query,
            tag,
            limit,
            page,
        } => search(catalog, caller.scope, &query, tag, limit, page).await,
        Request::Tag { tag, page } => by_tag(catalog, caller.scope, &tag, page).await,
        Request::Show { paper } => show(catalog, caller.scope, &paper).await,
        Request::Tags { page } => tags(catalog, caller.scope, page).await,
        Request::Cite {
            paper,
            papers,
            tag,
            format,
        } => cite_request(catalog, caller.scope, paper, papers, tag, format).await,
        Request::Import {
            filename,
            bytes,
            replace,
        } => import(catalog, caller, &filename, &bytes, replace.as_deref()).await,
        Request::Lists => admin::lists(catalog, caller).await,
        Request::RemoveList { list } => admin::remove_list(catalog, caller, &list).await,
        Request::Course(r) => course_cmd::course(app, caller, r).await,
        Request::Session(r) => course_cmd::session(app, caller, r).await,
        Request::Week { week } => week_cmd::week(app, caller, week).await,
        Request::Schedule => week_cmd::schedule(app, caller).await,
        Request::Team(r) => team_cmd::team(app, caller, r).await,
        Request::Note(r) => note_cmd::note(app, caller, r).await,
        Request::Slot(r) => slot_cmd::slot(app, caller, r).await,
        Request::Read(r) => read_cmd::read(app, caller, r).await,
        Request::Recommend(r) => recommend_cmd::recommend(app, caller, r).await,
        Request::Help => Ok(help()),
    };
    match result {
        Ok(reply) => reply.fit(),
        Err(e) => {
            tracing::error!(command = name, error = ?e, "command failed");
            Reply::error(INTERNAL_ERROR)
        }
    }
}

impl Request {
    /// The command's name as users type it.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Search { .. } => "paper search",
            Request::Tag { .. } => "paper tag",
            Request::Show { .. } => "paper show",
            Request::Tags { .. } => "tags",
            Request::Cite { .. } => "cite",
            Request::Import { .. } => "import",
            Request::Lists => "import list",
            Request::RemoveList { .. } => "import remove",
            Request::Course(CourseRequest::Setup(_)) => "course setup",
            Request::Course(CourseRequest::Edit(_)) => "course edit",
            Request::Course(CourseRequest::Info) => "course info",
            Request::Course(CourseRequest::Status) => "course status",
            Request::Course(CourseRequest::Progress) => "course progress",
            Request::Course(CourseRequest::Export { .. }) => "course export",
            Request::Course(CourseRequest::Import { .. }) => "course import",
            Request::Course(CourseRequest::Preview { .. }) => "schedule preview",
            Request::Session(SessionRequest::Import { .. } | SessionRequest::Upload { .. }) => {
                "session import"
            }
            Request::Session(SessionRequest::Add(_)) => "session add",
            Request::Session(SessionRequest::Skip { .. }) => "session skip",
            Request::Session(SessionRequest::Edit { .. }) => "session edit",
            Request::Session(SessionRequest::Move { .. }) => "session move",
            Request::Session(SessionRequest::Remove { .. }) => "session remove",
            Request::Session(SessionRequest::Announce { .. }) => "session announce",
            Request::Week { .. } => "week",
            Request::Schedule => "schedule",
            Request::Team(TeamRequest::Create { .. }) => "team create",
            Request::Team(TeamRequest::Join { .. }) => "team join",
            Request::Team(TeamRequest::Leave) => "team leave",
            Request::Team(TeamRequest::Move { .. }) => "team move",
            Request::Team(TeamRequest::List) => "team list",
            Request::Team(TeamRequest::Members { .. }) => "team members",
            Request::Note(NoteRequest::Add { .. }) => "note add",
            Request::Note(NoteRequest::List { .. }) => "note list",
            Request::Note(NoteRequest::Edit { .. }) => "note edit",
            Request::Note(NoteRequest::Delete { .. }) => "note delete",
            Request::Note(NoteRequest::Publish { .. }) => "note publish",
            Request::Note(NoteRequest::History { .. }) => "note history",
            Request::Note(NoteRequest::Export(_)) => "notes export",
            Request::Slot(SlotRequest::Claim { .. }) => "slot claim",
            Request::Slot(SlotRequest::Assign { .. }) => "slot assign",
            Request::Slot(SlotRequest::Release { .. }) => "slot release",
            Request::Slot(SlotRequest::Swap { .. }) => "slot swap",
            Request::Slot(SlotRequest::Answer { confirm: true, .. }) => "slot confirm",
            Request::Slot(SlotRequest::Answer { confirm: false, .. }) => "slot decline",
            Request::Slot(SlotRequest::List { .. }) => "slot list",
            Request::Slot(SlotRequest::Export) => "slot export",
            Request::Slot(SlotRequest::Autofill { .. }) => "slot autofill",
            Request::Read(ReadRequest::Done { .. }) => "read done",
            Request::Read(ReadRequest::Undo { .. }) => "read undo",
            Request::Read(ReadRequest::List) => "read list",
            Request::Recommend(_) => "recommend",
            Request::Help => "help",
        }
    }

    /// The same request at another page, for pagination controls.
    pub fn with_page(&self, new: usize) -> Option<Request> {
        let mut r = self.clone();
        match &mut r {
            Request::Search { page, .. } | Request::Tag { page, .. } | Request::Tags { page } => {
                *page = new;
                Some(r)
            }
            _ => None,
        }
    }
}

type Result<T> = anyhow::Result<T>;

/// Slices one page out of `items`; the page is clamped to the last one.
fn page_of<T>(items: &[T], page: usize, per: usize) -> (&[T], Option<Pager>) {
    let (page, pager) = pager(items.len(), page, per);
    let slice = &items[page * per..((page + 1) * per).min(items.len())];
    (slice, pager)
}

/// The page to show of `total` items, `per` a page (a page past the end shows the last),
/// and the pager when there is more than one.
fn pager(total: usize, page: usize, per: usize) -> (usize, Option<Pager>) {
    let pages = total.div_ceil(per).max(1);
    let page = page.min(pages - 1);
    (page, (pages > 1).then_some(Pager { page, pages }))
}

fn quoted(s: &str) -> String {
    format!("“{}”", markdown::escape(&truncate(s.trim(), 100)))
}
