//! Course reuse: a guild's course written out as one versioned JSON file (the layout is
//! documented in [`format`]) and read back into a guild, next term or in another server.
//! Readings travel by citation key, arXiv id, DOI and title, and are looked up again in
//! the target guild's catalog; what cannot be found there is reported, never guessed.
//! An import writes everything in one transaction: it lands whole or not at all.

mod export;
pub mod format;
mod import;

pub use import::{CourseImport, ImportOptions};
