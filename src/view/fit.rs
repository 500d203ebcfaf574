//! Making a [`Reply`] acceptable to Discord whatever the catalog holds: every text cut to its
//! limit, at most 25 fields and 10 embeds, the 6,000-character budget shared by a message's
//! embeds, and the rules that are not about size: no empty field name or value, no embed
//! link that is not http(s), no message with nothing in it (Discord answers each with an
//! HTTP 400, which the user only sees as "interaction failed"). The Discord adapter calls
//! [`Reply::fit`] as its last step, so a long abstract or a hostile title can
//! never break a reply.

use super::limits::{self, truncate};
use super::{Embed, Field, Reply};

/// Discord shows this for a field that would otherwise be empty (it rejects empty ones).
const BLANK: &str = "\u{200b}";

impl Reply {
    /// This reply cut down to Discord's limits and rules. Idempotent.
    pub fn fit(mut self) -> Reply {
        self.content = self.content.map(|c| truncate(&c, limits::CONTENT));
        self.embeds.truncate(limits::EMBEDS);
        let mut budget = limits::EMBEDS_TOTAL;
        let mut kept = Vec::with_capacity(self.embeds.len());
        for embed in self.embeds {
            match fit_embed(embed, budget) {
                Some(embed) => {
                    budget -= embed_chars(&embed);
                    kept.push(embed);
                }
                // Later embeds are dropped rather than shown out of order.
                None => break,
            }
        }
        self.embeds = kept;
        let empty_content = self.content.as_deref().is_none_or(|c| c.trim().is_empty());
        if empty_content && self.embeds.is_empty() && self.attachments.is_empty() {
            self.content = Some("Nothing to show.".to_string());
        }
        self
    }
}

/// Characters Discord counts towards the 6,000 shared by a message's embeds.
pub fn embed_chars(embed: &Embed) -> usize {
    let count = |s: &Option<String>| s.as_deref().map_or(0, |s| s.chars().count());
    count(&embed.title)
        + count(&embed.description)
        + count(&embed.footer)
        + embed
            .fields
            .iter()
            .map(|f| f.name.chars().count() + f.value.chars().count())
            .sum::<usize>()
}

/// One embed within its own limits and within `budget` characters; `None` when not even its
/// title fits.
fn fit_embed(mut embed: Embed, budget: usize) -> Option<Embed> {
    embed.title = embed.title.map(|t| truncate(&t, limits::EMBED_TITLE));
    embed.description = embed
        .description
        .map(|d| truncate(&d, limits::EMBED_DESCRIPTION));
    embed.footer = embed.footer.map(|f| truncate(&f, limits::FOOTER));
    embed.url = embed.url.filter(|u| is_web_url(u));
    embed.fields.truncate(limits::FIELDS);
    embed.fields = embed.fields.into_iter().map(fit_field).collect();

    // Over budget: drop the footer, then fields from the end, then cut the description.
    if embed_chars(&embed) > budget {
        embed.footer = None;
    }
    while embed_chars(&embed) > budget && !embed.fields.is_empty() {
        embed.fields.pop();
    }
    let over = embed_chars(&embed).saturating_sub(budget);
    if over > 0 {
        let description = embed.description.take().unwrap_or_default();
        let keep = description.chars().count().saturating_sub(over);
        if keep > 0 {
            embed.description = Some(truncate(&description, keep));
        }
    }
    if embed_chars(&embed) > budget || is_empty(&embed) {
        return None;
    }
    Some(embed)
}

fn fit_field(field: Field) -> Field {
    let non_blank = |s: String, max: usize| {
        if s.trim().is_empty() {
            BLANK.to_string()
        } else {
            truncate(&s, max)
        }
    };
    Field {
        name: non_blank(field.name, limits::FIELD_NAME),
        value: non_blank(field.value, limits::FIELD_VALUE),
        inline: field.inline,
    }
}

fn is_empty(embed: &Embed) -> bool {
    embed.title.is_none() && embed.description.is_none() && embed.fields.is_empty()
}

/// Discord rejects an embed whose url is not a well-formed http(s) link.
fn is_web_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2048
        && !url.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long(n: usize) -> String {
        "é".repeat(n)
    }

    fn big_embed() -> Embed {
        Embed {
            title: Some(long(300)),
            url: Some("javascript:alert(1)".into()),
            description: Some(long(5000)),
            fields: (0..30)
                .map(|i| Field {
                    name: if i == 0 { String::new() } else { long(300) },
                    value: long(2000),
                    inline: false,
                })
                .collect(),
            footer: Some(long(3000)),
        }
    }

    #[test]
    fn every_limit_holds_after_fit() {
        let reply = Reply {
            content: Some(long(2500)),
            embeds: vec![big_embed(); 12],
            ..Reply::default()
        }
        .fit();
        assert!(reply.content.as_ref().unwrap().chars().count() <= limits::CONTENT);
        assert!(reply.embeds.len() <= limits::EMBEDS);
        let total: usize = reply.embeds.iter().map(embed_chars).sum();
        assert!(total <= limits::EMBEDS_TOTAL);
        for e in &reply.embeds {
            assert!(e.title.as_ref().unwrap().chars().count() <= limits::EMBED_TITLE);
            assert!(e.url.is_none());
            assert!(e.fields.len() <= limits::FIELDS);
            for f in &e.fields {
                assert!(!f.name.is_empty() && f.name.chars().count() <= limits::FIELD_NAME);
                assert!(f.value.chars().count() <= limits::FIELD_VALUE);
            }
        }
    }

    #[test]
    fn fit_is_idempotent_and_keeps_small_replies_unchanged() {
        let small = Reply {
            content: Some("hi".into()),
            embeds: vec![Embed {
                title: Some("Attention Is All You Need".into()),
                url: Some("https://arxiv.org/abs/1706.03762".into()),
                ..Embed::default()
            }],
            ..Reply::default()
        };
        assert_eq!(small.clone().fit(), small);
        let once = Reply {
            embeds: vec![big_embed(); 3],
            ..Reply::default()
        }
        .fit();
        assert_eq!(once.clone().fit(), once);
    }

    #[test]
    fn an_empty_reply_gets_some_content() {
        assert_eq!(
            Reply::default().fit().content.as_deref(),
            Some("Nothing to show.")
        );
    }
}
