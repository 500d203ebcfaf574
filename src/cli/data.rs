//! The data subcommands (`import`, `search`, `tag`, `tags`, `stats`, `show`, `cite`,
//! `reindex`, `eval`): one core call each, printed as text or, with `--json`, as JSON.

use super::Command;
use crate::catalog::{Catalog, Removal, Resolved};
use crate::model::{Paper, Scope};
use crate::view::{cards, text};
use std::fmt::Write as _;
use std::io::Write as _;

/// `println!` into the output buffer (writing to a `String` cannot fail).
macro_rules! outln {
    ($out:expr) => { let _ = writeln!($out); };
    ($out:expr, $($arg:tt)*) => { let _ = writeln!($out, $($arg)*); };
}

/// `print!` into the output buffer.
macro_rules! outp {
    ($out:expr, $($arg:tt)*) => { let _ = write!($out, $($arg)*); };
}

fn scope(guild: Option<u64>) -> Scope {
    guild.map_or(Scope::GLOBAL, Scope)
}

fn print_json<T: serde::Serialize>(out: &mut String, value: &T) -> anyhow::Result<()> {
    outln!(out, "{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Runs a data subcommand, writing its output to standard output; returns the process
/// exit code. A reader that goes away early (`paperclub tags | head`) is not an error.
pub async fn run_data_command(
    catalog: &Catalog,
    command: Command,
    json: bool,
) -> anyhow::Result<i32> {
    let mut out = String::new();
    let code = data_command(catalog, command, json, &mut out).await;
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    code
}

async fn data_command(
    catalog: &Catalog,
    command: Command,
    json: bool,
    out: &mut String,
) -> anyhow::Result<i32> {
    match command {
        Command::Import {
            paths,
            format,
            guild,
        } => super::import::run_import(catalog, &paths, format, scope(guild), json, out).await,
        Command::Lists {
            guild,
            remove: Some(list),
        } => {
            let mut removed = catalog.remove_list(scope(guild), &list).await?;
            // The command line imports a file under its canonical path; any spelling of
            // it names the list.
            if let (Removal::NotFound, Ok(real)) = (&removed, std::fs::canonicalize(&list)) {
                removed = catalog
                    .remove_list(scope(guild), &real.display().to_string())
                    .await?;
            }
            Ok(match removed {
                Removal::Removed(papers) => {
                    outln!(out, "removed {list}: it spoke for {papers} papers");
                    0
                }
                Removal::NotFound => {
                    outln!(out, "no list named {list}; `paperclub lists` shows them");
                    1
                }
                Removal::ReadBy(sessions) => {
                    // A global list can keep several guilds' weeks; say whose.
                    for (guild, group) in sessions
                        .chunk_by(|a, b| a.guild == b.guild)
                        .map(|g| (g[0].guild, g))
                    {
                        outln!(
                            out,
                            "guild {guild}: {}",
                            crate::dispatch::read_by(&list, group)
                        );
                    }
                    1
                }
            })
        }
        Command::Lists {
            guild,
            remove: None,
        } => {
            let lists = catalog.lists(scope(guild)).await?;
            if json {
                print_json(out, &lists)?;
            } else {
                for l in &lists {
                    outln!(
                        out,
                        "{:>6}  {}  {:<8} {}",
                        l.entries,
                        l.imported_at,
                        l.format,
                        l.name
                    );
                }
            }
            Ok(0)
        }
        Command::Search {
            query,
            tag,
            year,
            limit,
            guild,
        } => {
            let results = catalog
                .search(scope(guild), &query.join(" "), &tag, year, limit)
                .await?;
            if json {
                print_json(out, &results)?;
            } else if results.is_empty() {
                outln!(out, "No papers found.");
            } else {
                for (i, r) in results.iter().enumerate() {
                    outln!(
                        out,
                        "{:>2}. {}  [{}]  {:.2}",
                        i + 1,
                        r.paper.title,
                        r.paper.key,
                        r.score
                    );
                    let by = cards::byline(&r.paper);
                    if !by.is_empty() {
                        outln!(out, "    {by}");
                    }
                    if !r.snippet.is_empty() {
                        outln!(out, "    {}", r.snippet.replace('\n', " "));
                    }
                }
            }
            Ok(0)
        }
        Command::Tag { tag, guild } => {
            let tag = tag.join(" ");
            let papers = catalog.by_tag(scope(guild), &tag).await?;
            if papers.is_empty() && !json {
                // As `/paper tag` says it, with the command that lists the tags.
                outln!(
                    out,
                    "No papers are tagged “{tag}”. `paperclub tags` lists every tag."
                );
                return Ok(1);
            }
            print_papers(out, &papers, json)?;
            Ok(if papers.is_empty() { 1 } else { 0 })
        }
        Command::Tags { guild } => {
            let tags = catalog.tags(scope(guild)).await?;
            if json {
                print_json(out, &tags)?;
            } else {
                for t in &tags {
                    outln!(out, "{:>5}  {}", t.count, t.tag);
                }
            }
            Ok(0)
        }
        Command::Stats { guild } => {
            let stats = catalog.stats(scope(guild)).await?;
            if json {
                print_json(out, &stats)?;
            } else {
                outln!(
                    out,
                    "papers {}\ntags {}\nsources {}\nfiles {}\nwith BibTeX {}\nwith abstract {}\ncitation edges {}",
                    stats.papers, stats.tags, stats.sources, stats.files,
                    stats.with_bibtex, stats.with_abstract, stats.cites
                );
                outln!(out, "{}", index_state(&stats));
            }
            Ok(0)
        }
        Command::Show { id, guild } => {
            let id = id.join(" ");
            match catalog.resolve(scope(guild), &id).await? {
                Resolved::One(p) if json => print_json(out, &p)?,
                Resolved::One(p) => {
                    let reply = crate::view::Reply {
                        embeds: vec![cards::paper_card(&p)],
                        ..Default::default()
                    };
                    // The card is escaped for Discord; a terminal shows the text as written.
                    outp!(out, "{}", text::render_terminal(&reply));
                }
                Resolved::Ambiguous(list) => {
                    eprintln!("Several papers match \"{id}\"; use a key:");
                    print_papers(out, &list, json)?;
                    return Ok(2);
                }
                Resolved::NotFound => {
                    eprintln!("No paper matches \"{id}\".");
                    return Ok(1);
                }
            }
            Ok(0)
        }
        Command::Cite { ids, format, guild } => {
            let mut papers = Vec::new();
            for id in &ids {
                match catalog.resolve(scope(guild), id).await? {
                    Resolved::One(p) => papers.push(*p),
                    Resolved::Ambiguous(list) => {
                        let keys: Vec<&str> = list.iter().map(|p| p.key.as_str()).collect();
                        eprintln!("\"{id}\" is ambiguous: {}", keys.join(", "));
                        return Ok(2);
                    }
                    Resolved::NotFound => {
                        eprintln!("No paper matches \"{id}\".");
                        return Ok(1);
                    }
                }
            }
            let cited = crate::cite::cite_many(&papers, format);
            if json {
                print_json(
                    out,
                    &serde_json::json!({ "format": format.name(), "citation": cited }),
                )?;
            } else {
                outp!(out, "{cited}");
                if !cited.ends_with('\n') {
                    outln!(out);
                }
            }
            Ok(0)
        }
        Command::Reindex => {
            let n = catalog.reindex().await?;
            if json {
                print_json(out, &serde_json::json!({ "indexed": n }))?;
            } else {
                outln!(out, "Indexed {n} papers.");
            }
            Ok(0)
        }
        Command::Eval { what } => super::eval::run(catalog, what, json, out).await,
        other => anyhow::bail!("not a data command: {other:?}"),
    }
}

/// The search index's line in `stats`: in step with the database, or how far behind.
fn index_state(stats: &crate::catalog::Stats) -> String {
    match stats.index_generation {
        Some(g) if stats.index_behind == 0 => {
            format!("search index up to date (generation {g})")
        }
        Some(g) => format!(
            "search index behind by {} change(s) (generation {g} of {}); it catches up at the next start or import, or run `paperclub reindex`",
            stats.index_behind, stats.generation
        ),
        None => format!(
            "search index needs a rebuild (database generation {}); run `paperclub reindex`",
            stats.generation
        ),
    }
}

fn print_papers(out: &mut String, papers: &[Paper], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(out, &papers);
    }
    if papers.is_empty() {
        outln!(out, "No papers found.");
    }
    for p in papers {
        outln!(out, "{}  [{}]", p.title, p.key);
        let by = cards::byline(p);
        if !by.is_empty() {
            outln!(out, "    {by}");
        }
    }
    Ok(())
}
