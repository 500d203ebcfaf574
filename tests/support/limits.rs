//! Checks one captured reply against every Discord limit in `paperclub::view::limits`, and
//! that it cannot ping anybody. Applied to every answer the test helpers capture.

use super::fake_discord::Recorded;
use paperclub::view::limits;
use serde_json::Value;

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Panics, naming the limit, when `reply` would be refused by Discord.
pub fn assert_within_limits(reply: &Recorded) {
    let kind = reply.json()["type"].as_u64();
    let is_callback = reply.path.ends_with("/callback");
    match (is_callback, kind) {
        (true, Some(8)) => return assert_choices(&reply.json()["data"]),
        // Deferrals carry no message.
        (true, Some(5 | 6)) => return,
        _ => {}
    }
    let message = reply.message();
    assert_message(message, &reply.path);
}

/// Limits of one message payload (`content`, `embeds`, `components`, `allowed_mentions`).
pub fn assert_message(message: &Value, context: &str) {
    assert!(
        chars(&message["content"]) <= limits::CONTENT,
        "content over {} characters in {context}",
        limits::CONTENT
    );
    let empty = Vec::new();
    let embeds = message["embeds"].as_array().unwrap_or(&empty);
    assert!(
        embeds.len() <= limits::EMBEDS,
        "more than 10 embeds in {context}"
    );
    let mut total = 0;
    for embed in embeds {
        let title = chars(&embed["title"]);
        let description = chars(&embed["description"]);
        let footer = chars(&embed["footer"]["text"]);
        assert!(
            title <= limits::EMBED_TITLE,
            "embed title too long in {context}"
        );
        assert!(
            description <= limits::EMBED_DESCRIPTION,
            "embed description too long in {context}"
        );
        assert!(
            footer <= limits::FOOTER,
            "embed footer too long in {context}"
        );
        let fields = embed["fields"].as_array().unwrap_or(&empty);
        assert!(
            fields.len() <= limits::FIELDS,
            "more than 25 fields in {context}"
        );
        total += title + description + footer;
        for field in fields {
            let (name, value) = (chars(&field["name"]), chars(&field["value"]));
            assert!(
                (1..=limits::FIELD_NAME).contains(&name),
                "field name empty or too long in {context}"
            );
            assert!(
                (1..=limits::FIELD_VALUE).contains(&value),
                "field value empty or too long in {context}"
            );
            total += name + value;
        }
        if let Some(url) = embed["url"].as_str() {
            assert!(url.starts_with("http"), "embed url {url:?} in {context}");
        }
    }
    assert!(
        total <= limits::EMBEDS_TOTAL,
        "embeds total {total} over 6000 in {context}"
    );
    for row in message["components"].as_array().unwrap_or(&empty) {
        for component in row["components"].as_array().unwrap_or(&empty) {
            assert!(
                chars(&component["custom_id"]) <= 100,
                "custom_id too long in {context}"
            );
        }
    }
    assert_no_mentions(message, context);
}

/// `allowed_mentions` present with nothing allowed.
pub fn assert_no_mentions(message: &Value, context: &str) {
    let allowed = &message["allowed_mentions"];
    assert!(
        allowed.is_object(),
        "no allowed_mentions in {context}: {message}"
    );
    assert_eq!(
        allowed["parse"],
        serde_json::json!([]),
        "mentions parsed in {context}"
    );
    for list in ["users", "roles"] {
        assert!(
            allowed[list].as_array().is_none_or(Vec::is_empty),
            "{list} allowed in {context}"
        );
    }
    assert_ne!(
        allowed["replied_user"],
        Value::Bool(true),
        "replied user pinged in {context}"
    );
}

fn assert_choices(data: &Value) {
    let choices = data["choices"].as_array().expect("autocomplete choices");
    assert!(choices.len() <= limits::CHOICES, "more than 25 choices");
    for choice in choices {
        assert!(
            (1..=limits::CHOICE_NAME).contains(&chars(&choice["name"])),
            "choice name: {choice}"
        );
        if let Some(value) = choice["value"].as_str() {
            assert!(
                value.chars().count() <= limits::CHOICE_VALUE,
                "choice value: {choice}"
            );
        }
    }
}
