//! A fake Discord on 127.0.0.1: the REST routes serenity and poise call (answered as Discord
//! would, everything else a visible 404) and a `ws://` gateway that performs Hello, Identify,
//! READY, GUILD_CREATE, heartbeat acks and RESUME. It records every request (method, path,
//! authorization, body with multipart files) and every gateway frame both ways, so tests
//! can wait for what the bot sends and, on a timeout, print everything it did send.

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinHandle;

use super::payloads;

/// How long `expect` waits before failing the test.
pub const WAIT: Duration = Duration::from_secs(5);

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub body: Body,
    /// When the fake received it (for latency figures).
    pub at: Instant,
}

#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(Value),
    Multipart {
        payload: Value,
        files: Vec<FilePart>,
    },
    Other(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct FilePart {
    pub field: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl Recorded {
    /// The JSON payload, whether sent as JSON or as `payload_json` of a multipart body.
    pub fn json(&self) -> &Value {
        static NULL: Value = Value::Null;
        match &self.body {
            Body::Json(v) | Body::Multipart { payload: v, .. } => v,
            _ => &NULL,
        }
    }

    pub fn files(&self) -> &[FilePart] {
        match &self.body {
            Body::Multipart { files, .. } => files,
            _ => &[],
        }
    }

    /// The message part of an interaction callback (`data`), or the body of a webhook call.
    pub fn message(&self) -> &Value {
        let json = self.json();
        if self.path.ends_with("/callback") {
            &json["data"]
        } else {
            json
        }
    }

    pub fn is_callback_for(&self, interaction_id: u64) -> bool {
        self.method == "POST"
            && self
                .path
                .starts_with(&format!("/api/v10/interactions/{interaction_id}/"))
            && self.path.ends_with("/callback")
    }
}

/// What was seen, in order.
#[derive(Debug, Default)]
pub struct Log {
    pub requests: Vec<Recorded>,
    /// Frames the bot sent on the gateway.
    pub gateway_in: Vec<Value>,
    /// Frames the fake sent on the gateway.
    pub gateway_out: Vec<Value>,
    pub connections: usize,
    /// Close frames the bot sent (a clean shutdown).
    pub closed_by_bot: usize,
}

enum Outbound {
    Frame(Value),
    Drop,
}

struct Shared {
    log: Mutex<Log>,
    changed: Notify,
    connection: Mutex<Option<mpsc::UnboundedSender<Outbound>>>,
    seq: AtomicU64,
    heartbeat_interval: AtomicU64,
    ids: AtomicU64,
    guilds: Vec<u64>,
    /// Attachments to download: bytes and how long to take serving them.
    files: Mutex<HashMap<String, (Vec<u8>, Duration)>>,
    http_url: String,
    ws_url: String,
}

/// A running fake; its servers stop when it is dropped.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl FakeDiscord {
    /// Starts both servers on ephemeral ports; the bot will be in `guilds`.
    pub async fn start(guilds: &[u64]) -> FakeDiscord {
        let http = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind http");
        let ws = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind ws");
        let shared = Arc::new(Shared {
            log: Mutex::new(Log::default()),
            changed: Notify::new(),
            connection: Mutex::new(None),
            seq: AtomicU64::new(0),
            heartbeat_interval: AtomicU64::new(45_000),
            ids: AtomicU64::new(500_000_000_000_000_000),
            guilds: guilds.to_vec(),
            files: Mutex::new(HashMap::new()),
            http_url: format!("http://{}", http.local_addr().expect("addr")),
            ws_url: format!("ws://{}", ws.local_addr().expect("addr")),
        });
        let rest = Router::new().fallback(rest).with_state(shared.clone());
        let gateway = Router::new()
            .route("/", axum::routing::get(gateway))
            .with_state(shared.clone());
        let tasks = vec![
            tokio::spawn(async move {
                let _ = axum::serve(http, rest).await;
            }),
            tokio::spawn(async move {
                let _ = axum::serve(ws, gateway).await;
            }),
        ];
        FakeDiscord { shared, tasks }
    }

    /// The interval the next Hello announces (the default, 45 s, keeps tests quiet).
    pub fn set_heartbeat_interval(&self, interval: Duration) {
        let ms = u64::try_from(interval.as_millis()).unwrap_or(u64::MAX);
        self.shared.heartbeat_interval.store(ms, Ordering::SeqCst);
    }

    pub fn http_url(&self) -> &str {
        &self.shared.http_url
    }

    /// A fresh snowflake for interactions, messages, attachments.
    pub fn next_id(&self) -> u64 {
        self.shared.ids.fetch_add(1, Ordering::Relaxed)
    }

    /// Serves `bytes` at a URL on the fake's own port (attachment downloads skip the proxy).
    pub fn serve_file(&self, name: &str, bytes: &[u8]) -> String {
        self.serve_slow_file(name, bytes, Duration::ZERO)
    }

    /// Like [`FakeDiscord::serve_file`], answering only after `delay` (a long download).
    pub fn serve_slow_file(&self, name: &str, bytes: &[u8], delay: Duration) -> String {
        lock(&self.shared.files).insert(name.to_string(), (bytes.to_vec(), delay));
        format!("{}/files/{name}", self.shared.http_url)
    }

    /// Pushes a gateway dispatch (op 0) to the connected bot; returns when it was sent off.
    pub fn dispatch(&self, event: &str, data: Value) -> Instant {
        let frame = json!({
            "op": 0,
            "s": self.shared.seq.fetch_add(1, Ordering::SeqCst) + 1,
            "t": event,
            "d": data,
        });
        let connection = lock(&self.shared.connection).clone();
        let sender = connection.expect("no gateway connection to dispatch on");
        lock(&self.shared.log).gateway_out.push(frame.clone());
        let at = Instant::now();
        sender
            .send(Outbound::Frame(frame))
            .expect("gateway connection closed");
        at
    }

    /// Closes the gateway connection the way Discord does before a resume (code 4000).
    pub fn drop_gateway(&self) {
        if let Some(sender) = lock(&self.shared.connection).take() {
            let _ = sender.send(Outbound::Drop);
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.log).requests.clone()
    }

    pub fn gateway_out(&self) -> Vec<Value> {
        lock(&self.shared.log).gateway_out.clone()
    }

    pub fn gateway_in(&self) -> Vec<Value> {
        lock(&self.shared.log).gateway_in.clone()
    }

    /// Waits until `found` returns something, or panics with everything seen.
    pub async fn wait_for<T>(&self, what: &str, mut found: impl FnMut(&Log) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let changed = self.shared.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if let Some(t) = found(&lock(&self.shared.log)) {
                return t;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                panic!("timed out waiting for {what}\n{}", self.dump());
            }
        }
    }

    /// Waits for a request matching `predicate`.
    pub async fn expect(&self, what: &str, predicate: impl Fn(&Recorded) -> bool) -> Recorded {
        self.wait_for(what, |log| {
            log.requests.iter().find(|r| predicate(r)).cloned()
        })
        .await
    }

    /// Waits for the interaction callback of `interaction_id`.
    pub async fn callback(&self, interaction_id: u64) -> Recorded {
        self.expect(
            &format!("the callback of interaction {interaction_id}"),
            |r| r.is_callback_for(interaction_id),
        )
        .await
    }

    /// Waits for a gateway frame from the bot matching `predicate`.
    pub async fn expect_gateway(&self, what: &str, predicate: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(what, |log| {
            log.gateway_in.iter().find(|f| predicate(f)).cloned()
        })
        .await
    }

    /// Waits for the fake to have sent a dispatch of type `event`, `count` times in all.
    pub async fn expect_sent(&self, event: &str, count: usize) {
        self.wait_for(&format!("{count} {event} sent"), |log| {
            let n = log.gateway_out.iter().filter(|f| f["t"] == event).count();
            (n >= count).then_some(())
        })
        .await
    }

    /// Everything seen so far, for failure messages.
    pub fn dump(&self) -> String {
        let log = lock(&self.shared.log);
        let mut out = format!(
            "--- {} gateway connection(s); frames from the bot:\n",
            log.connections
        );
        for frame in &log.gateway_in {
            let _ = writeln!(out, "  {}", redact(frame));
        }
        out.push_str("--- requests:\n");
        for r in &log.requests {
            let files: Vec<&str> = r.files().iter().map(|f| f.filename.as_str()).collect();
            let _ = writeln!(
                out,
                "  {} {}{} files={files:?}\n    {}",
                r.method,
                r.path,
                r.query
                    .as_deref()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default(),
                r.json()
            );
        }
        out
    }
}

fn record(shared: &Shared, f: impl FnOnce(&mut Log)) {
    f(&mut lock(&shared.log));
    shared.changed.notify_waiters();
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Identify carries the token; keep it out of failure output.
fn redact(frame: &Value) -> Value {
    let mut frame = frame.clone();
    if frame["d"].get("token").is_some() {
        frame["d"]["token"] = json!("<redacted>");
    }
    frame
}

async fn rest(
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
    let recorded = Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        authorization: header("authorization"),
        body: parse_body(header("content-type").as_deref(), &body),
        at: Instant::now(),
    };
    let delay = uri
        .path()
        .strip_prefix("/files/")
        .and_then(|name| lock(&shared.files).get(name).map(|(_, delay)| *delay));
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let response = answer(&shared, &recorded);
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
        ("POST", ["api", "v10", "interactions", _, _, "callback"]) => {
            StatusCode::NO_CONTENT.into_response()
        }
        ("PATCH", ["api", "v10", "webhooks", _, _, "messages", "@original"])
        | ("POST", ["api", "v10", "webhooks", _, _]) => {
            axum::Json(payloads::message(id(), payloads::CHANNEL_A, r.json())).into_response()
        }
        ("POST", ["api", "v10", "channels", channel, "messages"]) => {
            let channel = channel.parse().unwrap_or(payloads::CHANNEL_A);
            axum::Json(payloads::message(id(), channel, r.json())).into_response()
        }
        ("GET", ["files", name]) => match lock(&shared.files).get(*name) {
            Some((bytes, _)) => bytes.clone().into_response(),
            None => not_found(),
        },
        _ => not_found(),
    }
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

async fn gateway(State(shared): State<Arc<Shared>>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| session(shared, socket))
}

/// One gateway connection: Hello, then answer Identify, Resume and Heartbeat, and forward
/// what tests dispatch.
async fn session(shared: Arc<Shared>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    *lock(&shared.connection) = Some(tx);
    record(&shared, |log| log.connections += 1);
    let interval = shared.heartbeat_interval.load(Ordering::SeqCst);
    if send(
        &shared,
        &mut socket,
        json!({"op": 10, "d": {"heartbeat_interval": interval}}),
    )
    .await
    .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(WsMessage::Text(text))) => text.to_string(),
                    Some(Ok(WsMessage::Close(_))) => {
                        record(&shared, |log| log.closed_by_bot += 1);
                        break;
                    }
                    Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                record(&shared, |log| log.gateway_in.push(frame.clone()));
                let replies = match frame["op"].as_u64() {
                    Some(1) => vec![json!({"op": 11})],
                    Some(2) => handshake(&shared),
                    Some(6) => vec![json!({
                        "op": 0,
                        "s": shared.seq.fetch_add(1, Ordering::SeqCst) + 1,
                        "t": "RESUMED",
                        "d": {},
                    })],
                    _ => Vec::new(),
                };
                for reply in replies {
                    if send(&shared, &mut socket, reply).await.is_err() {
                        return;
                    }
                }
            }
            outbound = rx.recv() => match outbound {
                Some(Outbound::Frame(frame)) => {
                    if socket.send(WsMessage::Text(frame.to_string().into())).await.is_err() {
                        break;
                    }
                }
                Some(Outbound::Drop) | None => {
                    let close = CloseFrame { code: 4000, reason: "fake drop".into() };
                    let _ = socket.send(WsMessage::Close(Some(close))).await;
                    break;
                }
            },
        }
    }
}

fn handshake(shared: &Shared) -> Vec<Value> {
    let seq = || shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
    let mut frames = vec![json!({
        "op": 0, "s": seq(), "t": "READY",
        "d": payloads::ready(&shared.guilds, &shared.ws_url),
    })];
    for &guild in &shared.guilds {
        frames.push(json!({"op": 0, "s": seq(), "t": "GUILD_CREATE", "d": payloads::guild(guild)}));
    }
    frames
}

async fn send(shared: &Shared, socket: &mut WebSocket, frame: Value) -> Result<(), axum::Error> {
    record(shared, |log| log.gateway_out.push(frame.clone()));
    socket.send(WsMessage::Text(frame.to_string().into())).await
}
