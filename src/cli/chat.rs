//! `paperclub chat`: type slash commands as in Discord and read the reply the bot would
//! send, rendered as text from the same reply model ([`super::chat_parse`] reads the
//! lines). Reads standard input line by line, so it works interactively and in scripts.

use super::chat_parse::{parse_line, ChatLine};
use crate::dispatch::{self, Caller};
use crate::state::App;
use crate::view::text;
use std::io::{BufRead, IsTerminal, Write};

/// The REPL: prompt (on a terminal), read, dispatch, print, until end of input, `/quit`,
/// or the reader of our output going away.
pub async fn run_chat(app: &App, caller: &Caller) -> anyhow::Result<()> {
    let watcher = tokio::spawn(watch_posts(app.clone(), caller.scope.0));
    let result = repl(app, caller).await;
    watcher.abort();
    result
}

/// Prints each weekly post of the guild's course as its time comes, as the channel would
/// show it. The chat only shows posts; it never claims or sends them, so a bot running on
/// the same data folder still posts each week exactly once.
async fn watch_posts(app: App, guild: u64) {
    let mut last = app.clock.now();
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let now = app.clock.now();
        while let Ok(Some((at, messages))) =
            crate::schedule::preview(&app.courses, guild, last + chrono::Duration::seconds(1)).await
        {
            if at > now {
                break;
            }
            last = at;
            let Some(messages) = messages else { continue };
            let text = text::timestamps(&messages.join("\n"), now);
            println!(
                "\n— the weekly post, due now (chat shows it; only the bot sends it) —\n{text}\n"
            );
        }
        last = last.max(now);
    }
}

async fn repl(app: &App, caller: &Caller) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut out = std::io::stdout();
    let result = async {
        if interactive {
            writeln!(
                out,
                "paperclub chat — type /help for commands, /quit to leave."
            )?;
        }
        let mut lines = stdin.lock().lines();
        loop {
            if interactive {
                write!(out, "> ")?;
                out.flush()?;
            }
            let Some(line) = lines.next() else { break };
            let line = line?;
            match parse_line(&line) {
                ChatLine::Quit => break,
                ChatLine::Empty => continue,
                ChatLine::Invalid(msg) => {
                    // A script's reader needs to know which line was refused.
                    if !interactive {
                        writeln!(out, "> {}", line.trim())?;
                    }
                    writeln!(out, "{msg}")?
                }
                ChatLine::Request(request) => {
                    if !interactive {
                        writeln!(out, "> {}", line.trim())?;
                    }
                    let reply = dispatch::handle(app, caller, request).await;
                    writeln!(out, "{}", text::render(&reply))?;
                }
            }
        }
        std::io::Result::Ok(())
    }
    .await;
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
