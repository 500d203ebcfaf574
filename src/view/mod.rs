//! The reply model every surface renders: the Discord adapter turns it into messages and
//! embeds, the chat REPL into text. Discord's size limits are enforced here, once, so no
//! surface can send something Discord would refuse.

pub mod cards;
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

/// What the bot answers.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Reply {
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    pub attachments: Vec<Attachment>,
    /// Only the caller sees it (errors, instructor reports).
    pub ephemeral: bool,
    pub pager: Option<Pager>,
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

impl Embed {
    /// Characters that count towards Discord's 6,000 per message.
    fn size(&self) -> usize {
        let len = |s: &Option<String>| s.as_ref().map_or(0, |v| v.chars().count());
        len(&self.title)
            + len(&self.description)
            + len(&self.footer)
            + self
                .fields
                .iter()
                .map(|f| f.name.chars().count() + f.value.chars().count())
                .sum::<usize>()
    }
}

impl Reply {
    /// Cuts everything to Discord's limits: content, every embed part, the number of
    /// fields and embeds, and the total size of all embeds. The last line of defence; the
    /// renderers already aim to fit.
    pub fn fit(mut self) -> Reply {
        use limits::*;
        self.content = self.content.map(|c| truncate(&c, CONTENT));
        self.embeds.truncate(EMBEDS);
        for e in &mut self.embeds {
            e.title = e.title.take().map(|t| truncate(&t, EMBED_TITLE));
            e.description = e
                .description
                .take()
                .map(|d| truncate(&d, EMBED_DESCRIPTION));
            e.footer = e.footer.take().map(|f| truncate(&f, FOOTER));
            e.fields.truncate(FIELDS);
            for f in &mut e.fields {
                f.name = truncate(&f.name, FIELD_NAME);
                f.value = truncate(&f.value, FIELD_VALUE);
            }
        }
        while self.embeds.iter().map(Embed::size).sum::<usize>() > EMBEDS_TOTAL {
            if self.embeds.len() > 1 {
                self.embeds.pop();
            } else if let Some(e) = self.embeds.first_mut() {
                let over = e.size() - EMBEDS_TOTAL;
                let d = e.description.take().unwrap_or_default();
                let keep = d.chars().count().saturating_sub(over + 1);
                e.description = Some(truncate(&d, keep));
                if e.size() > EMBEDS_TOTAL {
                    e.fields.clear();
                }
            }
        }
        self
    }
}
