//! The slash commands. Each one parses its options into a [`Request`], makes one core call
//! and sends the rendered [`crate::view::Reply`]; the first `///` line of each command is
//! the description Discord shows. Who may do what is decided from the interaction itself
//! (member permissions and roles), never from the cache.

use super::error::INSTRUCTORS_ONLY;
use super::{pager, render, BotError, Context};
use crate::cite::CiteFormat;
use crate::dispatch::{self, Caller, Request};
use crate::model::Scope;
use poise::serenity_prelude as serenity;
use std::time::Duration;

/// The largest reading list `/import` accepts.
const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

pub fn all() -> Vec<poise::Command<super::Data, BotError>> {
    use super::course_commands as course;
    use super::team_commands as team;
    vec![
        paper(),
        tags(),
        cite(),
        import(),
        course::course(),
        course::session(),
        course::week(),
        course::schedule(),
        team::team(),
        team::note(),
        team::notes(),
        super::slot_commands::slot(),
        super::read_commands::read(),
        super::recommend_commands::recommend(),
        help(),
    ]
}

/// Find papers: search, by tag, or one paper in full
#[poise::command(
    slash_command,
    subcommands("paper_search", "paper_tag", "paper_show"),
    subcommand_required
)]
pub async fn paper(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Search papers by title, authors, abstract and tags
#[poise::command(slash_command, rename = "search")]
pub async fn paper_search(
    ctx: Context<'_>,
    #[description = "Words to look for, e.g. compute optimal scaling"]
    #[max_length = 300]
    query: String,
    #[description = "Only papers with this tag"]
    #[autocomplete = "autocomplete_tag"]
    tag: Option<String>,
    #[description = "How many papers in all (1-50)"]
    #[min = 1]
    #[max = 50]
    limit: Option<u32>,
) -> Result<(), BotError> {
    let limit = limit.map(|n| n as usize);
    respond(
        ctx,
        Request::Search {
            query,
            tag,
            limit,
            page: 0,
        },
    )
    .await
}

/// Papers with a tag
#[poise::command(slash_command, rename = "tag")]
pub async fn paper_tag(
    ctx: Context<'_>,
    #[description = "The tag, e.g. scaling-laws"]
    #[autocomplete = "autocomplete_tag"]
    tag: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Tag { tag, page: 0 }).await
}

/// One paper in full: authors, year, tags, links, abstract
#[poise::command(slash_command, rename = "show")]
pub async fn paper_show(
    ctx: Context<'_>,
    #[description = "Citation key, title, arXiv id or DOI"]
    #[autocomplete = "autocomplete_paper"]
    paper: String,
) -> Result<(), BotError> {
    respond(ctx, Request::Show { paper }).await
}

/// Every tag in this server's catalog, most used first
#[poise::command(slash_command)]
pub async fn tags(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Tags { page: 0 }).await
}

/// Citation formats offered by `/cite`.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Format {
    #[name = "bibtex"]
    Bibtex,
    #[name = "biblatex"]
    Biblatex,
    #[name = "apa"]
    Apa,
    #[name = "mla"]
    Mla,
    #[name = "chicago"]
    Chicago,
    #[name = "ieee"]
    Ieee,
    #[name = "markdown"]
    Markdown,
}

impl From<Format> for CiteFormat {
    fn from(f: Format) -> CiteFormat {
        match f {
            Format::Bibtex => CiteFormat::Bibtex,
            Format::Biblatex => CiteFormat::Biblatex,
            Format::Apa => CiteFormat::Apa,
            Format::Mla => CiteFormat::Mla,
            Format::Chicago => CiteFormat::Chicago,
            Format::Ieee => CiteFormat::Ieee,
            Format::Markdown => CiteFormat::Markdown,
        }
    }
}

/// Cite a paper (BibTeX, APA, MLA, ...); several papers come as a .bib file
#[poise::command(slash_command)]
pub async fn cite(
    ctx: Context<'_>,
    #[description = "Citation key, title, arXiv id or DOI"]
    #[autocomplete = "autocomplete_paper"]
    paper: Option<String>,
    #[description = "Citation format (default: bibtex)"] format: Option<Format>,
    #[description = "Several citation keys separated by spaces, e.g. kaplan2020scaling hoffmann2022training"]
    #[max_length = 2000]
    papers: Option<String>,
    #[description = "Every paper with this tag"]
    #[autocomplete = "autocomplete_tag"]
    tag: Option<String>,
) -> Result<(), BotError> {
    // Many papers can take a while to format; defer so Discord's 3-second window holds.
    if papers.is_some() || tag.is_some() {
        ctx.defer().await?;
    }
    let format = format.map(CiteFormat::from).unwrap_or_default();
    respond(
        ctx,
        Request::Cite {
            paper,
            papers,
            tag,
            format,
        },
    )
    .await
}

/// This server's reading lists: import, replace, list and remove (instructors)
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("import_file", "import_list", "import_remove"),
    subcommand_required
)]
pub async fn import(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Import a reading list (.md or .bib) into this server's catalog
#[poise::command(slash_command, guild_only, rename = "file")]
pub async fn import_file(
    ctx: Context<'_>,
    #[description = "The reading list: awesome-list or course markdown, DokuWiki page, BibTeX"]
    file: serenity::Attachment,
    #[description = "The list this file replaces (otherwise it is a list of its own)"]
    #[autocomplete = "autocomplete_list"]
    replace: Option<String>,
) -> Result<(), BotError> {
    // default_member_permissions is only a default: server admins can grant the command
    // to anyone, so the handler checks again.
    let caller = caller(ctx);
    if !caller.instructor {
        return Err(BotError::user(INSTRUCTORS_ONLY));
    }
    let bytes = fetch_attachment(ctx, &file).await?;
    let request = Request::Import {
        filename: file.filename.clone(),
        bytes,
        replace,
    };
    let reply = dispatch::handle(&ctx.data().app, &caller, request).await;
    ctx.send(render::create_reply(reply, Vec::new())).await?;
    Ok(())
}

/// The reading lists this server imported, with their papers and dates
#[poise::command(slash_command, guild_only, rename = "list")]
pub async fn import_list(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Lists).await
}

/// Remove one of this server's reading lists and everything it said
#[poise::command(slash_command, guild_only, rename = "remove")]
pub async fn import_remove(
    ctx: Context<'_>,
    #[description = "The list to remove"]
    #[autocomplete = "autocomplete_list"]
    list: String,
) -> Result<(), BotError> {
    respond(ctx, Request::RemoveList { list }).await
}

pub(super) async fn autocomplete_list(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    render::choices(dispatch::complete_list(&ctx.data().app.catalog, scope(ctx), partial).await)
}

/// Refuses a caller who may not change the course, before anything is done for them: a
/// course or session import checks this first, so a student's file is never downloaded.
pub(super) async fn require_course_instructor(ctx: Context<'_>) -> Result<(), BotError> {
    if dispatch::may_change_course(&ctx.data().app, &caller(ctx)).await? {
        Ok(())
    } else {
        Err(BotError::user(dispatch::ONLY_INSTRUCTORS))
    }
}

/// Checks an attachment's declared size, defers (privately: imports answer the
/// instructor alone), and downloads it.
pub(super) async fn fetch_attachment(
    ctx: Context<'_>,
    file: &serenity::Attachment,
) -> Result<Vec<u8>, BotError> {
    if file.size as usize > MAX_IMPORT_BYTES {
        return Err(too_big(file));
    }
    ctx.defer_ephemeral().await?;
    download(&ctx.data().downloads, file).await
}

/// What paperclub can do and how to ask
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), BotError> {
    respond(ctx, Request::Help).await
}

/// One core call, rendered and sent, with pagination buttons when the reply has pages.
pub(super) async fn respond(ctx: Context<'_>, request: Request) -> Result<(), BotError> {
    let started = std::time::Instant::now();
    let caller = caller(ctx);
    let reply = dispatch::handle(&ctx.data().app, &caller, request.clone()).await;
    let components =
        pager::components_for(ctx.data(), reply.pager.as_ref(), &request, &caller, started).await;
    ctx.send(render::create_reply(reply, components)).await?;
    Ok(())
}

pub(super) async fn autocomplete_tag(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    render::choices(dispatch::complete_tag(&ctx.data().app.catalog, scope(ctx), partial).await)
}

pub(super) async fn autocomplete_paper(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    render::choices(dispatch::complete_paper(&ctx.data().app.catalog, scope(ctx), partial).await)
}

pub(super) fn scope(ctx: Context<'_>) -> Scope {
    ctx.guild_id().map_or(Scope::GLOBAL, |g| Scope(g.get()))
}

/// Who is asking: instructor when the interaction's member has Manage Server (or is an
/// administrator) or carries the configured instructor role. Direct messages have no
/// member, hence no instructor.
fn caller(ctx: Context<'_>) -> Caller {
    let member = match ctx {
        poise::Context::Application(app) => app.interaction.member.as_deref(),
        poise::Context::Prefix(_) => None,
    };
    caller_of_member(
        scope(ctx),
        ctx.author().id.get(),
        member,
        ctx.data().instructor_role,
    )
}

/// Who is asking, from an interaction's guild, user and member data.
pub(super) fn caller_of_member(
    scope: Scope,
    user_id: u64,
    member: Option<&serenity::Member>,
    instructor_role: Option<serenity::RoleId>,
) -> Caller {
    Caller {
        scope,
        user_id,
        roles: member.map_or_else(Vec::new, |m| m.roles.iter().map(|r| r.get()).collect()),
        instructor: member.is_some_and(|m| is_instructor(m, instructor_role)),
    }
}

pub(crate) fn is_instructor(member: &serenity::Member, role: Option<serenity::RoleId>) -> bool {
    let by_permission = member
        .permissions
        .is_some_and(|p| p.manage_guild() || p.administrator());
    let by_role = role.is_some_and(|r| member.roles.contains(&r));
    by_permission || by_role
}

fn too_big(file: &serenity::Attachment) -> BotError {
    BotError::user(format!(
        "`{}` is too large: the limit is {} MB.",
        file.filename.replace('`', "'"),
        MAX_IMPORT_BYTES / (1024 * 1024)
    ))
}

/// Fetches an attachment from Discord's CDN. The declared size was checked before
/// deferring; the stream is checked too, since the declared size is only the client's word.
async fn download(
    client: &reqwest::Client,
    file: &serenity::Attachment,
) -> Result<Vec<u8>, BotError> {
    let failed =
        || BotError::user("I couldn't download that file from Discord; try attaching it again.");
    let mut response = client
        .get(&file.url)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "attachment download failed");
            failed()
        })?;
    if !response.status().is_success() {
        tracing::warn!(status = %response.status(), "attachment download refused");
        return Err(failed());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| {
        tracing::warn!(error = %e, "attachment download interrupted");
        failed()
    })? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(too_big(file));
        }
    }
    Ok(bytes)
}
