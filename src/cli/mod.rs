//! The command line: clap definitions, and running each subcommand over the same core the
//! bot uses. `chat` is a REPL over the bot's own dispatcher.

mod bench;
mod chat;
mod chat_parse;
mod chat_transfer;
mod chat_values;
mod course;
mod data;
mod embed;
mod eval;
mod import;
mod model;
mod progress;
mod recommend;
mod slot;
mod team;

pub use bench::run_bench;
pub use course::{run_course_command, CourseCli, CourseCommand, ScheduleCommand, SessionCommand};
pub use embed::run_embed;
pub use model::{run_model, ModelCommand};
pub use progress::ReadCommand;
pub use recommend::{run_eval, run_recommend, RecommendArgs};
pub use slot::SlotCommand;
pub use team::{run_team_command, MemberArgs, NoteCommand, NotesCommand, TeamCli, TeamCommand};

pub use chat_parse::{parse_line, ChatLine};

use crate::cite::CiteFormat;
use crate::ingest::Format;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// paperclub: reading lists in, a course's Discord bot out.
#[derive(Debug, Parser)]
#[command(name = "paperclub", version, about)]
pub struct Cli {
    /// Folder holding the database and the search index.
    #[arg(long, global = true, env = "PAPERCLUB_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// A TOML configuration file (see config/paperclub.example.toml).
    #[arg(long, global = true, env = "PAPERCLUB_CONFIG")]
    pub config: Option<PathBuf>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import reading lists: files or folders (recursively), format detected from content.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Read every file as this format instead of detecting it.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Import into this guild's catalog instead of the global one.
        #[arg(long)]
        guild: Option<u64>,
    },
    /// The imported files (lists) of a guild or of the global catalog; `--remove` one.
    Lists {
        #[arg(long)]
        guild: Option<u64>,
        /// Remove this list (a file name or path as `lists` shows it) and all it stated.
        #[arg(long)]
        remove: Option<String>,
    },
    /// Full-text search over titles, authors, abstracts, tags and venues.
    Search {
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Only papers with this tag (repeatable: all must match).
        #[arg(long)]
        tag: Vec<String>,
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, default_value_t = 10, value_parser = at_least_one)]
        limit: usize,
        #[arg(long)]
        guild: Option<u64>,
    },
    /// Papers with a tag (any spelling: `Scaling Laws`, `scaling-laws`).
    Tag {
        #[arg(required = true, num_args = 1..)]
        tag: Vec<String>,
        #[arg(long)]
        guild: Option<u64>,
    },
    /// Every tag with its paper count.
    Tags {
        #[arg(long)]
        guild: Option<u64>,
    },
    /// Counts of papers, tags, sources and files.
    Stats {
        #[arg(long)]
        guild: Option<u64>,
    },
    /// One paper in full, by citation key, arXiv id, DOI or title words.
    Show {
        #[arg(required = true, num_args = 1..)]
        id: Vec<String>,
        #[arg(long)]
        guild: Option<u64>,
    },
    /// Citations of one or more papers (each ID a key, arXiv id or DOI).
    Cite {
        #[arg(required = true, num_args = 1..)]
        ids: Vec<String>,
        #[arg(long, value_enum, default_value_t = CiteFormat::Bibtex)]
        format: CiteFormat,
        #[arg(long)]
        guild: Option<u64>,
    },
    /// Related papers, each with the reason it was suggested.
    Recommend(RecommendArgs),
    /// Rebuild the search index from the database.
    Reindex,
    /// Compute the embedding vectors the catalog lacks, for recommendations by meaning
    /// (the bot and the chat do this in the background); fetches the model first if needed.
    Embed {
        /// A folder or Hub repo id (`owner/name[@revision]`); default: `embeddings.model`
        /// of the config, PAPERCLUB_MODEL, or all-MiniLM-L6-v2.
        #[arg(long)]
        model: Option<String>,
    },
    /// The sentence-embedding model: `fetch` it now, or its `status` here.
    Model {
        #[command(subcommand)]
        action: ModelCommand,
    },
    /// Measure search or recommendation quality against a TF-IDF baseline (eval/README.md).
    Eval {
        #[command(subcommand)]
        what: EvalCommand,
    },
    /// Write a consistent copy of the database (safe while the bot runs).
    Backup { path: PathBuf },
    /// Replace the database with a backup, after checking it (stop the bot first).
    Restore { path: PathBuf },
    /// Talk to the bot without Discord: type slash commands, read the replies.
    Chat {
        /// Answer as the bot would in this guild (default: the example course's guild, 1).
        #[arg(long)]
        guild: Option<u64>,
        /// Act as this Discord user id: a member, with the permissions of the roles given
        /// (without it, as the course's instructor).
        #[arg(long)]
        user: Option<u64>,
        /// Act as a member with this role id (repeatable).
        #[arg(long = "role")]
        roles: Vec<u64>,
        /// Act as an instructor even with --user.
        #[arg(long)]
        instructor: bool,
        /// Do not import the bundled example catalog into an empty data folder.
        #[arg(long)]
        no_examples: bool,
    },
    /// A guild's course: set it up, edit it, show it and its posting status, its readers'
    /// progress; export it to a file and import it again next term.
    Course {
        /// The guild (before or after the subcommand: `course export --guild 42`).
        #[arg(long, global = true)]
        guild: Option<u64>,
        #[command(subcommand)]
        action: CourseCommand,
    },
    /// A guild's sessions: import course posts, add, skip, move, remove.
    Session {
        /// The guild (before or after the subcommand: `session import PATH --guild 42`).
        #[arg(long, global = true)]
        guild: Option<u64>,
        #[command(subcommand)]
        action: SessionCommand,
    },
    /// One week as students see it: by number, by date, or the current one.
    Week {
        week: Option<String>,
        #[arg(long)]
        guild: u64,
    },
    /// The term's sessions; `schedule preview` shows what the next post would say.
    Schedule {
        /// The guild (before or after the subcommand: `schedule preview --guild 42`).
        #[arg(long, global = true)]
        guild: Option<u64>,
        #[command(subcommand)]
        action: Option<ScheduleCommand>,
    },
    /// A course's teams: create, join, leave, move, list, members.
    Team {
        #[command(flatten)]
        who: MemberArgs,
        #[command(subcommand)]
        action: TeamCommand,
    },
    /// Notes on the readings: add, list, edit, delete, publish, history.
    Note {
        #[command(flatten)]
        who: MemberArgs,
        #[command(subcommand)]
        action: NoteCommand,
    },
    /// Notes as an annotated bibliography: `notes export --session N | --paper P | --team T`.
    Notes {
        #[command(flatten)]
        who: MemberArgs,
        #[command(subcommand)]
        action: NotesCommand,
    },
    /// Presentation slots: claim, assign, release, swap, list, export (.ics), autofill.
    Slot {
        #[command(flatten)]
        who: MemberArgs,
        #[command(subcommand)]
        action: SlotCommand,
    },
    /// Your reading progress: mark papers read (`done`, `undo`), see it week by week (`list`).
    Read {
        #[command(flatten)]
        who: MemberArgs,
        #[command(subcommand)]
        action: ReadCommand,
    },
    /// Run the Discord bot (token from DISCORD_TOKEN).
    Run {
        /// Send REST and gateway traffic through this base URL (proxy or fake Discord).
        #[arg(long, env = "PAPERCLUB_DISCORD_API")]
        discord_api: Option<String>,
        /// Register commands in this guild only.
        #[arg(long, env = "PAPERCLUB_DEV_GUILD")]
        dev_guild: Option<u64>,
    },
    /// Measure import, search, autocomplete and cite speed on synthetic catalogs.
    Bench {
        /// Catalog sizes to measure.
        #[arg(long, value_delimiter = ',', default_values_t = [10_000usize, 100_000])]
        sizes: Vec<usize>,
        /// Query repetitions per measurement.
        #[arg(long, default_value_t = 20)]
        iterations: usize,
        /// Also measure this embedding model's speed (papers per second).
        #[arg(long)]
        model: Option<PathBuf>,
    },
}

/// What `eval` measures.
#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// R@1, R@10 and MRR per query kind for paperclub's search and a TF-IDF baseline.
    Search {
        /// Lines of `kind<TAB>arXiv id<TAB>query`; kind is description, title or typo.
        file: PathBuf,
        /// Also list every query whose paper was not ranked first.
        #[arg(long)]
        misses: bool,
    },
    /// Course posts' required readings as seeds, their further readings as answers
    /// (Recall@10, nDCG@10), in a catalog of their own (not the data folder's).
    Recommend {
        /// Course posts, and `.bib`/other lists that add papers to the catalog.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Weights of text, tags, citations, groupings and (optionally; 0 when left out)
        /// meaning, e.g. `1,0.05,0.5,0.35,0.3`; repeat to compare several on one catalog.
        #[arg(long)]
        weights: Vec<String>,
        /// A sentence-embedding model folder (`config.json`, `model.safetensors`,
        /// `tokenizer.json`): the catalog's vectors are computed with it first.
        #[arg(long)]
        model: Option<PathBuf>,
    },
}

pub use chat::run_chat;
pub use data::run_data_command;

/// A count such as `--limit`: a whole number, 1 or more (0 used to answer with one).
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("a whole number, 1 or more".into()),
    }
}
