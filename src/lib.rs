//! paperclub: a Discord bot for university courses and paper reading groups.
//!
//! The crate is a core (catalog, ingest, search, cite, course, schedule, view, dispatch)
//! that never touches Discord, plus two thin surfaces over the same dispatcher: `discord`
//! (serenity + poise) and `cli` (clap and the chat REPL). `state` holds the one
//! application state every surface shares; `app` is the start-up, the one place that wires
//! a surface to it and starts the background work. Imports run one way, from `app` down to
//! the services (`architecture_tests` checks it).

pub mod app;
pub mod backup;
pub mod bench;
pub mod catalog;
pub mod cite;
pub mod cli;
pub mod clock;
pub mod config;
pub mod course;
pub mod discord;
pub mod dispatch;
pub mod embed;
pub mod fault;
pub mod ingest;
pub mod markdown;
pub mod model;
pub mod recommend;
pub mod relevance;
pub mod schedule;
pub mod search;
pub mod state;
pub mod store;
pub mod view;

#[cfg(test)]
mod architecture_tests;
