//! A fake Discord on 127.0.0.1: the REST routes serenity and poise call (answered as Discord
//! would, everything else a visible 404) and a `ws://` gateway that performs Hello, Identify,
//! READY, GUILD_CREATE, heartbeat acks and RESUME. It records every request (method, path,
//! authorization, body with multipart files) and every gateway frame both ways, so tests
//! can wait for what the bot sends and, on a timeout, print everything it did send.

use super::interactions::Interactions;
use super::{gateway, rest};
use axum::serve::ListenerExt;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinHandle;

/// How long `expect` waits before failing the test.
pub const WAIT: Duration = Duration::from_secs(5);
/// How long Discord remembers a message's nonce ("a few minutes").
pub const NONCE_WINDOW: Duration = Duration::from_secs(5 * 60);

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
    /// The HTTP status the fake answered with (a refusal is recorded too).
    pub status: u16,
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

    /// Whether the fake accepted it (Discord would have).
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
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

pub(super) enum Outbound {
    Frame(Value),
    Drop,
}

pub(super) struct Shared {
    pub(super) log: Mutex<Log>,
    pub(super) changed: Notify,
    pub(super) connection: Mutex<Option<mpsc::UnboundedSender<Outbound>>>,
    pub(super) seq: AtomicU64,
    pub(super) heartbeat_interval: AtomicU64,
    pub(super) ids: AtomicU64,
    pub(super) guilds: Vec<u64>,
    /// Attachments to download: bytes and how long to take serving them.
    pub(super) files: Mutex<HashMap<String, (Vec<u8>, Duration)>>,
    /// Messages posted to each channel, oldest first (what `GET .../messages` returns).
    pub(super) channels: Mutex<HashMap<u64, Vec<Value>>>,
    /// Answers to give the next posts to a channel instead of posting: (status, body).
    pub(super) faults: Mutex<HashMap<u64, std::collections::VecDeque<(u16, Value)>>>,
    /// When each nonce was first used in a channel: Discord forgets a nonce after a few
    /// minutes, and a message sent again with it after that is posted again.
    pub(super) nonces: Mutex<HashMap<(u64, String), Instant>>,
    pub(super) nonce_window: Mutex<Duration>,
    /// Channels whose history the bot may not read (`GET .../messages` answers 403).
    pub(super) history_denied: Mutex<std::collections::HashSet<u64>>,
    /// Channels of guilds the bot is not in: `GET /channels/{id}` answers 403 Missing
    /// Access, as Discord does.
    pub(super) foreign_channels: Mutex<HashMap<u64, u64>>,
    /// The guild of each channel of the guilds the bot is in.
    pub(super) channel_guilds: HashMap<u64, u64>,
    /// Channels of the bot's guilds that GUILD_CREATE did not list (a thread, a channel
    /// made since): only `GET /channels/{id}` knows them.
    pub(super) unlisted_channels: Mutex<HashMap<u64, u64>>,
    /// Interactions sent, for Discord's rules on answering them.
    pub(super) interactions: Mutex<Interactions>,
    pub(super) http_url: String,
    pub(super) ws_url: String,
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
            channels: Mutex::new(HashMap::new()),
            faults: Mutex::new(HashMap::new()),
            nonces: Mutex::new(HashMap::new()),
            nonce_window: Mutex::new(NONCE_WINDOW),
            history_denied: Mutex::new(std::collections::HashSet::new()),
            foreign_channels: Mutex::new(HashMap::new()),
            unlisted_channels: Mutex::new(HashMap::new()),
            channel_guilds: guilds
                .iter()
                .flat_map(|&g| super::payloads::channels_of(g).map(|c| (c, g)))
                .collect(),
            interactions: Mutex::new(Interactions::default()),
            http_url: format!("http://{}", http.local_addr().expect("addr")),
            ws_url: format!("ws://{}", ws.local_addr().expect("addr")),
        });
        let rest = Router::new()
            .fallback(rest::rest)
            .with_state(shared.clone());
        let gateway = Router::new()
            .route("/", axum::routing::get(gateway::gateway))
            .with_state(shared.clone());
        let tasks = vec![
            tokio::spawn(async move {
                let _ = axum::serve(http.tap_io(no_delay), rest).await;
            }),
            tokio::spawn(async move {
                let _ = axum::serve(ws.tap_io(no_delay), gateway).await;
            }),
        ];
        FakeDiscord { shared, tasks }
    }

    /// The interval the next Hello announces (the default, 45 s, keeps tests quiet).
    pub fn set_heartbeat_interval(&self, interval: Duration) {
        let ms = u64::try_from(interval.as_millis()).unwrap_or(u64::MAX);
        self.shared.heartbeat_interval.store(ms, Ordering::SeqCst);
    }

    /// Shortens Discord's windows (three seconds to acknowledge an interaction, fifteen
    /// minutes for its token) for interactions sent from now on, to test late answers.
    pub fn set_interaction_windows(&self, respond_within: Duration, token_lifetime: Duration) {
        lock(&self.shared.interactions).set_windows(respond_within, token_lifetime);
    }

    /// Messages the bot posted to `channel` (not interaction replies), oldest first.
    pub fn channel_messages(&self, channel: u64) -> Vec<Value> {
        lock(&self.shared.channels)
            .get(&channel)
            .cloned()
            .unwrap_or_default()
    }

    /// The next post to `channel` is answered with `status` and `body` instead (a 429, a
    /// 403 Missing Permissions, a 404 Unknown Channel, a 500).
    pub fn fail_next_post(&self, channel: u64, status: u16, body: Value) {
        lock(&self.shared.faults)
            .entry(channel)
            .or_default()
            .push_back((status, body));
    }

    /// Discord forgets nonces after `window` from now on (to stand in for minutes passing).
    pub fn set_nonce_window(&self, window: Duration) {
        *lock(&self.shared.nonce_window) = window;
    }

    /// Someone who is not the bot writes `content` in `channel`; returns the message.
    pub fn post_as(&self, author: u64, channel: u64, content: &str) -> Value {
        let body = serde_json::json!({ "content": content });
        let message = super::payloads::message_by(self.next_id(), channel, &body, author);
        self.push_message(channel, message.clone());
        message
    }

    /// Adds `message` to `channel`'s history as if it had been posted there.
    pub fn push_message(&self, channel: u64, message: Value) {
        lock(&self.shared.channels)
            .entry(channel)
            .or_default()
            .push(message);
    }

    /// The bot loses Read Message History in `channel`: `GET .../messages` answers 403.
    pub fn deny_history(&self, channel: u64) {
        lock(&self.shared.history_denied).insert(channel);
    }

    /// `channel` belongs to `guild`, a server the bot is in, but the gateway never listed it.
    pub fn add_unlisted_channel(&self, channel: u64, guild: u64) {
        lock(&self.shared.unlisted_channels).insert(channel, guild);
    }

    /// `channel` belongs to `guild`, a server the bot is not in.
    pub fn add_foreign_channel(&self, channel: u64, guild: u64) {
        lock(&self.shared.foreign_channels).insert(channel, guild);
    }

    /// Waits until `channel` holds `count` messages.
    pub async fn expect_channel_messages(&self, channel: u64, count: usize) -> Vec<Value> {
        self.wait_for(&format!("{count} message(s) in channel {channel}"), |_| {
            let all = lock(&self.shared.channels)
                .get(&channel)
                .cloned()
                .unwrap_or_default();
            (all.len() >= count).then_some(all)
        })
        .await
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
        if event == "INTERACTION_CREATE" {
            lock(&self.shared.interactions).created(&frame["d"], at);
        }
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
                "  {} {}{} -> {} files={files:?}\n    {}",
                r.method,
                r.path,
                r.query
                    .as_deref()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default(),
                r.status,
                r.json()
            );
        }
        out
    }
}

/// Without TCP_NODELAY, Nagle's algorithm meets the peer's delayed ACK and holds a small
/// frame sent right after another for up to 40 ms, which would show up as fake latency.
fn no_delay(tcp: &mut tokio::net::TcpStream) {
    let _ = tcp.set_nodelay(true);
}

pub(super) fn record(shared: &Shared, f: impl FnOnce(&mut Log)) {
    f(&mut lock(&shared.log));
    shared.changed.notify_waiters();
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
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
