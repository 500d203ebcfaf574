//! A stand-in for the Hugging Face Hub on 127.0.0.1, for `HF_ENDPOINT`: it serves model
//! files at `/{owner}/{name}/resolve/{revision}/{file}` as the Hub does. Small files answer
//! directly with their git blob sha1 as ETag; large ones (`.safetensors`) answer 302 to a
//! "CDN" on another port with `X-Linked-Etag` (their sha256) and `X-Linked-Size`, as the
//! Hub sends LFS files to its CDN; both carry `X-Repo-Commit`, and both honour `Range`
//! (hf-hub asks `bytes=0-0` for the size, then chunks). It counts requests, and can damage
//! what it sends (a flipped byte, or a body cut short) while its headers still claim the
//! true file. It runs on its own thread, so tests that run the binary stay plain `#[test]`s.
#![allow(dead_code)]

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// What the stand-in does to the bytes of large files.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    None,
    /// One byte in the middle flipped.
    Corrupt,
    /// Every answer cut to half its bytes.
    Truncate,
}

/// A repo the stand-in serves: its id, the commit every revision resolves to, its files.
pub struct Served {
    pub repo: String,
    pub commit: String,
    pub files: Vec<(String, Vec<u8>)>,
}

struct Shared {
    repos: Vec<Served>,
    damage: Damage,
    cdn: String,
    requests: AtomicUsize,
}

pub struct FakeHub {
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for FakeHub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl FakeHub {
    pub fn start(repos: Vec<Served>, damage: Damage) -> FakeHub {
        let hub = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let cdn = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        hub.set_nonblocking(true).unwrap();
        cdn.set_nonblocking(true).unwrap();
        let url = format!("http://{}", hub.local_addr().unwrap());
        let shared = Arc::new(Shared {
            repos,
            damage,
            cdn: format!("http://{}", cdn.local_addr().unwrap()),
            requests: AtomicUsize::new(0),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = Arc::clone(&shared);
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let app = Router::new()
                    .route("/{owner}/{name}/resolve/{rev}/{file}", get(resolve))
                    .route("/cdn/{sha}", get(cdn_blob))
                    .with_state(state);
                let hub = tokio::net::TcpListener::from_std(hub).unwrap();
                let cdn = tokio::net::TcpListener::from_std(cdn).unwrap();
                let a = axum::serve(hub, app.clone());
                let b = axum::serve(cdn, app);
                tokio::select! {
                    _ = a => {}
                    _ = b => {}
                    _ = stopped => {}
                }
            });
        });
        FakeHub {
            url,
            shared,
            stop: Some(stop),
        }
    }

    /// Requests answered so far (the hub's and the CDN's).
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn git_sha1(bytes: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    hex(&h.finalize())
}

async fn resolve(
    State(s): State<Arc<Shared>>,
    Path((owner, name, rev, file)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    s.requests.fetch_add(1, Ordering::SeqCst);
    let repo = format!("{owner}/{name}");
    let Some(served) = s.repos.iter().find(|r| r.repo == repo) else {
        return not_found("RepoNotFound");
    };
    if rev != served.commit && rev != "main" {
        return not_found("RevisionNotFound");
    }
    let Some((_, bytes)) = served.files.iter().find(|(f, _)| *f == file) else {
        return not_found("EntryNotFound");
    };
    let commit = HeaderValue::from_str(&served.commit).unwrap();
    if file.ends_with(".safetensors") {
        let sha = sha256(bytes);
        let mut r = StatusCode::FOUND.into_response();
        let h = r.headers_mut();
        h.insert(
            header::LOCATION,
            HeaderValue::from_str(&format!("{}/cdn/{sha}", s.cdn)).unwrap(),
        );
        h.insert("x-repo-commit", commit);
        h.insert(
            "x-linked-etag",
            HeaderValue::from_str(&format!("\"{sha}\"")).unwrap(),
        );
        h.insert("x-linked-size", HeaderValue::from(bytes.len()));
        // The ETag of the LFS pointer, as the Hub sends it beside the linked one.
        h.insert(
            header::ETAG,
            HeaderValue::from_str(&format!("\"{}\"", git_sha1(sha.as_bytes()))).unwrap(),
        );
        return r;
    }
    let mut r = ranged(bytes, &headers, Damage::None);
    let h = r.headers_mut();
    h.insert("x-repo-commit", commit);
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&format!("\"{}\"", git_sha1(bytes))).unwrap(),
    );
    r
}

async fn cdn_blob(
    State(s): State<Arc<Shared>>,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> Response {
    s.requests.fetch_add(1, Ordering::SeqCst);
    let blob = s
        .repos
        .iter()
        .flat_map(|r| &r.files)
        .find(|(_, b)| sha256(b) == sha);
    match blob {
        Some((_, bytes)) => ranged(bytes, &headers, s.damage),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The bytes `Range` asks for (206 with `Content-Range`), or all of them; damaged if asked.
fn ranged(bytes: &[u8], headers: &HeaderMap, damage: Damage) -> Response {
    let len = bytes.len();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes="))
        .and_then(|v| v.split_once('-'))
        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
    let (start, stop) = match range {
        Some((a, b)) => (a.min(len.saturating_sub(1)), b.min(len.saturating_sub(1))),
        None => (0, len.saturating_sub(1)),
    };
    let mut body = bytes[start..=stop].to_vec();
    match damage {
        Damage::None => {}
        Damage::Corrupt if body.len() > 1 => {
            let mid = body.len() / 2;
            body[mid] ^= 0xff;
        }
        Damage::Corrupt => {}
        Damage::Truncate if body.len() > 1 => body.truncate(body.len() / 2),
        Damage::Truncate => {}
    }
    let mut r = (StatusCode::PARTIAL_CONTENT, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_RANGE,
        HeaderValue::from_str(&format!("bytes {start}-{stop}/{len}")).unwrap(),
    );
    r
}

fn not_found(code: &'static str) -> Response {
    let mut r = StatusCode::NOT_FOUND.into_response();
    r.headers_mut()
        .insert("x-error-code", HeaderValue::from_static(code));
    r
}

/// The tiny random BERT (`paperclub::embed::tiny`) as a Hub repo's files.
pub fn tiny_repo(repo: &str, commit: &str) -> Served {
    let dir = tempfile::tempdir().unwrap();
    paperclub::embed::tiny::write(dir.path()).unwrap();
    let files = ["config.json", "tokenizer.json", "model.safetensors"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.path().join(f)).unwrap()))
        .collect();
    Served {
        repo: repo.into(),
        commit: commit.into(),
        files,
    }
}
