//! A [`Reply`] as Discord builders: content, embeds (linked title, description, fields,
//! footer), attachments, the ephemeral flag and pagination buttons, always with empty
//! `allowed_mentions`. Every reply goes through [`Reply::fit`] here, the last
//! step before sending, whatever the core produced.

use crate::dispatch::Choice;
use crate::view::{limits, Button, ButtonStyle, Embed, Reply};
use poise::serenity_prelude as serenity;
use poise::CreateReply;

/// Mentions nobody: text from reading lists and users must never ping.
pub fn no_mentions() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
}

/// A reply to a slash command.
pub fn create_reply(reply: Reply, components: Vec<serenity::CreateActionRow>) -> CreateReply {
    let reply = reply.fit();
    let components = with_buttons(components, &reply.buttons);
    let mut out = CreateReply::default()
        .ephemeral(reply.ephemeral)
        .allowed_mentions(no_mentions())
        .components(components);
    if let Some(content) = reply.content {
        out = out.content(content);
    }
    for embed in &reply.embeds {
        out = out.embed(embed_builder(embed));
    }
    for file in reply.attachments {
        out = out.attachment(serenity::CreateAttachment::bytes(file.bytes, file.filename));
    }
    out
}

/// The same reply as an interaction response message (button presses answer with an
/// update of the paged message).
pub fn response_message(
    reply: Reply,
    components: Vec<serenity::CreateActionRow>,
) -> serenity::CreateInteractionResponseMessage {
    let reply = reply.fit();
    let components = with_buttons(components, &reply.buttons);
    let mut out = serenity::CreateInteractionResponseMessage::new()
        .ephemeral(reply.ephemeral)
        .allowed_mentions(no_mentions())
        .components(components)
        .embeds(reply.embeds.iter().map(embed_builder).collect());
    // An update must clear the old content when the new page has none.
    out = out.content(reply.content.unwrap_or_default());
    for file in reply.attachments {
        out = out.add_file(serenity::CreateAttachment::bytes(file.bytes, file.filename));
    }
    out
}

/// The same reply as the edit that fills in a deferred response (its ephemeral flag was
/// set by the deferral and cannot change).
pub fn response_edit(reply: Reply) -> serenity::EditInteractionResponse {
    let reply = reply.fit();
    let components = with_buttons(Vec::new(), &reply.buttons);
    let mut out = serenity::EditInteractionResponse::new()
        .allowed_mentions(no_mentions())
        .components(components)
        .embeds(reply.embeds.iter().map(embed_builder).collect())
        .content(reply.content.unwrap_or_default());
    for file in reply.attachments {
        out = out.new_attachment(serenity::CreateAttachment::bytes(file.bytes, file.filename));
    }
    out
}

/// A short ephemeral note (errors, refusals).
pub fn ephemeral_reply(message: &str) -> CreateReply {
    create_reply(Reply::error(message), Vec::new())
}

/// The same note as a raw interaction response.
pub fn ephemeral_note(message: &str) -> serenity::CreateInteractionResponseMessage {
    response_message(Reply::error(message), Vec::new())
}

/// The reply's own buttons (Confirm, Apply, ...) as one more row under `rows`.
fn with_buttons(
    mut rows: Vec<serenity::CreateActionRow>,
    buttons: &[Button],
) -> Vec<serenity::CreateActionRow> {
    if !buttons.is_empty() {
        let row = buttons
            .iter()
            .take(5)
            .map(|b| {
                let style = match b.style {
                    ButtonStyle::Primary => serenity::ButtonStyle::Primary,
                    ButtonStyle::Secondary => serenity::ButtonStyle::Secondary,
                    ButtonStyle::Success => serenity::ButtonStyle::Success,
                    ButtonStyle::Danger => serenity::ButtonStyle::Danger,
                };
                serenity::CreateButton::new(&b.id)
                    .label(&b.label)
                    .style(style)
            })
            .collect();
        rows.push(serenity::CreateActionRow::Buttons(row));
    }
    rows
}

fn embed_builder(embed: &Embed) -> serenity::CreateEmbed {
    let mut out = serenity::CreateEmbed::new();
    if let Some(title) = &embed.title {
        out = out.title(title);
    }
    if let Some(url) = &embed.url {
        out = out.url(url);
    }
    if let Some(description) = &embed.description {
        out = out.description(description);
    }
    out = out.fields(
        embed
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.value.clone(), f.inline)),
    );
    if let Some(footer) = &embed.footer {
        out = out.footer(serenity::CreateEmbedFooter::new(footer));
    }
    out
}

/// Autocomplete choices within Discord's limits (25 choices, 100 characters each), however
/// many the core offers.
pub fn choices(choices: Vec<Choice>) -> serenity::CreateAutocompleteResponse {
    let choices = choices
        .into_iter()
        .filter(|c| !c.value.is_empty() && c.value.chars().count() <= limits::CHOICE_VALUE)
        .take(limits::CHOICES)
        .map(|c| {
            let name = if c.name.trim().is_empty() {
                c.value.clone()
            } else {
                limits::truncate(&c.name, limits::CHOICE_NAME)
            };
            serenity::AutocompleteChoice::new(name, c.value)
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_capped_at_25_and_100_characters() {
        let many = (0..40)
            .map(|i| Choice {
                name: "x".repeat(150),
                value: format!("key{i}"),
            })
            .collect();
        let json = serde_json::to_value(choices(many)).expect("serializes");
        let list = json["choices"].as_array().expect("choices");
        assert_eq!(list.len(), 25);
        assert!(list
            .iter()
            .all(|c| c["name"].as_str().unwrap().chars().count() <= 100));
    }

    #[test]
    fn a_value_too_long_for_discord_is_left_out_rather_than_cut() {
        let json = serde_json::to_value(choices(vec![Choice {
            name: "long".into(),
            value: "k".repeat(101),
        }]))
        .expect("serializes");
        assert_eq!(json["choices"].as_array().map(Vec::len), Some(0));
    }
}
