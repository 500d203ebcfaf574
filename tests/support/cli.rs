//! The `paperclub` binary as a script runs it, for the command-line tests: one process per
//! command on a data folder, at a fixed instant, with no configuration file or fault point
//! from the environment. Each test binary uses a part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The instant every command-line test runs at (`PAPERCLUB_NOW`): before the courses in
/// the fixtures begin.
pub const NOW: &str = "2026-02-20T12:00:00Z";

pub fn paperclub(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paperclub"))
        // No test reaches the Hub: the default model is fetched by none of them.
        .env("PAPERCLUB_MODEL", "none")
        .env("HF_HUB_OFFLINE", "1")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("PAPERCLUB_NOW", NOW)
        .env_remove("PAPERCLUB_CONFIG")
        .env_remove("PAPERCLUB_FAULT")
        .output()
        .expect("run paperclub")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard output of a command that must succeed.
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

/// Standard output of a command that must be refused (exit code 1: the input was wrong).
pub fn refused(out: &Output) -> String {
    let text = stdout(out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    text
}

/// `course setup` for `guild` as the course tests use it (channel 42, Mondays 09:00 Berlin,
/// from 2026-03-01), with `extra` options.
pub fn setup_course(data: &Path, guild: &str, extra: &[&str]) {
    let mut args = vec![
        "course",
        "--guild",
        guild,
        "setup",
        "--channel",
        "42",
        "--timezone",
        "Europe/Berlin",
        "--schedule",
        "MON 09:00",
        "--start",
        "2026-03-01",
    ];
    args.extend_from_slice(extra);
    ok(paperclub(data, &args));
}
