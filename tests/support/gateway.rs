//! The fake's gateway: Hello, then READY and GUILD_CREATE after Identify, RESUMED after
//! Resume, op 11 for every heartbeat, and whatever tests dispatch; every frame recorded.

use super::fake_discord::{lock, record, Outbound, Shared};
use super::payloads;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc;

pub(super) async fn gateway(
    State(shared): State<Arc<Shared>>,
    upgrade: WebSocketUpgrade,
) -> Response {
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
