//! The fake's REST side: every request recorded (method, path, authorization, body with
//! multipart files), answered exactly as Discord answers the routes serenity and poise use,
//! and a visible 404 for anything else.

use super::fake_discord::{lock, record, Body, FilePart, Recorded, Shared};
use super::interactions::Refusal;
use super::payloads;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

pub(super) async fn rest(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut recorded = Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        authorization: header("authorization"),
        body: parse_body(header("content-type").as_deref(), &body),
        at: Instant::now(),
        status: 0,
    };
    let delay = uri
        .path()
        .strip_prefix("/files/")
        .and_then(|name| lock(&shared.files).get(name).map(|(_, delay)| *delay));
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let response = answer(&shared, &recorded);
    recorded.status = response.status().as_u16();
    record(&shared, |log| log.requests.push(recorded));
    response
}

fn answer(shared: &Shared, r: &Recorded) -> Response {
    let segments: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
    let id = || shared.ids.fetch_add(1, Ordering::Relaxed);
    match (r.method.as_str(), segments.as_slice()) {
        ("GET", ["api", "v10", "gateway"]) => {
            axum::Json(json!({ "url": shared.ws_url })).into_response()
        }
        ("GET", ["api", "v10", "gateway", "bot"]) => {
            axum::Json(payloads::gateway_bot(&shared.ws_url)).into_response()
        }
        ("GET", ["api", "v10", "oauth2", "applications", "@me"]) => {
            axum::Json(payloads::application_info()).into_response()
        }
        ("PUT", ["api", "v10", "applications", _, "commands"])
        | ("PUT", ["api", "v10", "applications", _, "guilds", _, "commands"]) => {
            let commands = r.json().as_array().cloned().unwrap_or_default();
            let registered: Vec<Value> = commands
                .into_iter()
                .map(|mut c| {
                    c["id"] = json!(id().to_string());
                    c["application_id"] = json!(payloads::APP_ID.to_string());
                    c["version"] = json!(id().to_string());
                    if c.get("type").is_none() {
                        c["type"] = json!(1);
                    }
                    c
                })
                .collect();
            axum::Json(Value::Array(registered)).into_response()
        }
        ("POST", ["api", "v10", "interactions", interaction, token, "callback"]) => {
            match lock(&shared.interactions).acknowledge(interaction, token, r.at) {
                Ok(()) => StatusCode::NO_CONTENT.into_response(),
                Err(refusal) => refused(refusal),
            }
        }
        ("PATCH", ["api", "v10", "webhooks", _, token, "messages", "@original"])
        | ("POST", ["api", "v10", "webhooks", _, token]) => {
            match lock(&shared.interactions).webhook(token, r.at) {
                Ok(()) => axum::Json(payloads::message(id(), payloads::CHANNEL_A, r.json()))
                    .into_response(),
                Err(refusal) => refused(refusal),
            }
        }
        ("POST", ["api", "v10", "channels", channel, "messages"]) => {
            let channel = channel.parse().unwrap_or(payloads::CHANNEL_A);
            post_message(shared, channel, r.json(), id())
        }
        ("GET", ["api", "v10", "users", "@me"]) => axum::Json(payloads::bot_user()).into_response(),
        ("GET", ["api", "v10", "channels", channel]) => {
            let channel: u64 = channel.parse().unwrap_or_default();
            get_channel(shared, channel)
        }
        ("GET", ["api", "v10", "channels", channel, "messages"]) => {
            let channel: u64 = channel.parse().unwrap_or_default();
            if lock(&shared.history_denied).contains(&channel) {
                let body = json!({"message": "Missing Access", "code": 50001});
                return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
            }
            let limit = r
                .query
                .as_deref()
                .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("limit=")))
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(50)
                .min(100);
            let before = r
                .query
                .as_deref()
                .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("before=")))
                .and_then(|id| id.parse::<u64>().ok())
                .unwrap_or(u64::MAX);
            let all = lock(&shared.channels)
                .get(&channel)
                .cloned()
                .unwrap_or_default();
            let id_of = |m: &Value| m["id"].as_str().and_then(|i| i.parse::<u64>().ok());
            // Newest first, as Discord returns them; `before` pages back (ids grow).
            let recent: Vec<Value> = all
                .into_iter()
                .rev()
                .filter(|m| id_of(m).is_some_and(|id| id < before))
                .take(limit)
                .collect();
            axum::Json(Value::Array(recent)).into_response()
        }
        ("GET", ["files", name]) => match lock(&shared.files).get(*name) {
            Some((bytes, _)) => bytes.clone().into_response(),
            None => not_found(),
        },
        _ => not_found(),
    }
}

/// `GET /channels/{id}`: a channel of a guild the bot is in; 403 Missing Access for one of
/// another guild; 404 Unknown Channel for none.
fn get_channel(shared: &Shared, channel: u64) -> Response {
    if let Some(&guild) = shared.channel_guilds.get(&channel) {
        return axum::Json(payloads::channel(channel, guild)).into_response();
    }
    if let Some(&guild) = lock(&shared.unlisted_channels).get(&channel) {
        let listed = json!({"id": channel.to_string(), "name": "new", "type": 0, "guild_id": guild.to_string(), "position": 9, "permission_overwrites": []});
        return axum::Json(listed).into_response();
    }
    let (status, body) = if lock(&shared.foreign_channels).contains_key(&channel) {
        (
            StatusCode::FORBIDDEN,
            json!({"message": "Missing Access", "code": 50001}),
        )
    } else {
        (
            StatusCode::NOT_FOUND,
            json!({"message": "Unknown Channel", "code": 10003}),
        )
    };
    (status, axum::Json(body)).into_response()
}

/// A channel post as Discord takes it: an injected fault first; a payload Discord would
/// refuse is a 400; a nonce used in the channel within the nonce window, with
/// `enforce_nonce`, returns the first message instead of posting again.
fn post_message(shared: &Shared, channel: u64, body: &Value, id: u64) -> Response {
    if let Some((status, answer)) = lock(&shared.faults)
        .get_mut(&channel)
        .and_then(|q| q.pop_front())
    {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, axum::Json(answer)).into_response();
    }
    let content = body["content"].as_str().unwrap_or_default();
    let nonce = body["nonce"].as_str().map(str::to_string);
    let bad = if content.chars().count() > 2000 {
        Some("content: Must be 2000 or fewer in length.")
    } else if nonce.as_ref().is_some_and(|n| n.chars().count() > 25) {
        Some("nonce: Must be 25 or fewer in length.")
    } else if content.is_empty() && body["embeds"].as_array().is_none_or(|e| e.is_empty()) {
        Some("Cannot send an empty message")
    } else {
        None
    };
    if let Some(message) = bad {
        let answer = json!({"message": "Invalid Form Body", "code": 50035, "errors": message});
        return (StatusCode::BAD_REQUEST, axum::Json(answer)).into_response();
    }
    let mut channels = lock(&shared.channels);
    let posted = channels.entry(channel).or_default();
    if let (Some(n), true) = (&nonce, body["enforce_nonce"] == true) {
        let window = *lock(&shared.nonce_window);
        let mut nonces = lock(&shared.nonces);
        let first_use = *nonces
            .entry((channel, n.clone()))
            .or_insert_with(Instant::now);
        let remembered = first_use.elapsed() < window;
        if !remembered {
            nonces.insert((channel, n.clone()), Instant::now());
        }
        let first = posted.iter().rev().find(|m| m["nonce"].as_str() == Some(n));
        if let (true, Some(first)) = (remembered, first) {
            return axum::Json(first.clone()).into_response();
        }
    }
    let mut message = payloads::message(id, channel, body);
    if let Some(n) = nonce {
        message["nonce"] = json!(n);
    }
    posted.push(message.clone());
    axum::Json(message).into_response()
}

fn refused(refusal: Refusal) -> Response {
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = json!({"message": refusal.message, "code": refusal.code});
    (status, axum::Json(body)).into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"message": "404: Not Found", "code": 0})),
    )
        .into_response()
}

fn parse_body(content_type: Option<&str>, bytes: &[u8]) -> Body {
    if bytes.is_empty() {
        return Body::Empty;
    }
    let content_type = content_type.unwrap_or_default();
    if let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| rest.split("boundary=").nth(1))
    {
        return parse_multipart(boundary.trim_matches('"'), bytes);
    }
    match serde_json::from_slice(bytes) {
        Ok(v) => Body::Json(v),
        Err(_) => Body::Other(bytes.to_vec()),
    }
}

/// Just enough of RFC 7578 for what serenity sends: `payload_json` and `files[n]` parts.
fn parse_multipart(boundary: &str, bytes: &[u8]) -> Body {
    let delimiter = format!("--{boundary}");
    let mut payload = Value::Null;
    let mut files = Vec::new();
    for part in split(bytes, delimiter.as_bytes()).into_iter().skip(1) {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        if part.starts_with(b"--") {
            break;
        }
        let Some(header_end) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..header_end]).to_string();
        let content = &part[header_end + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let field = disposition(&head, "name").unwrap_or_default();
        match disposition(&head, "filename") {
            Some(filename) => files.push(FilePart {
                field,
                filename,
                bytes: content.to_vec(),
            }),
            None if field == "payload_json" => {
                payload = serde_json::from_slice(content).unwrap_or(Value::Null);
            }
            None => {}
        }
    }
    Body::Multipart { payload, files }
}

fn disposition(head: &str, key: &str) -> Option<String> {
    let needle = format!("{key}=\"");
    let start = head.find(&format!("; {needle}"))? + needle.len() + 2;
    let end = head[start..].find('"')? + start;
    Some(head[start..end].to_string())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut bytes: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = find(bytes, delimiter) {
        parts.push(&bytes[..at]);
        bytes = &bytes[at + delimiter.len()..];
    }
    parts.push(bytes);
    parts
}
