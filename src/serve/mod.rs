//! `jixiao serve`: a local web page for clerks who do not use a terminal.
//! It owns the HTTP side only — routes, limits, batches kept in memory —
//! and leaves reading to [`crate::convert`] and writing to [`crate::write`].
//!
//! The page (embedded in the binary, no CDN) creates a batch, then sends each
//! file as the raw body of one request, so a batch's progress is files done,
//! and a broken file fails alone. The server never opens a path it is given:
//! a file's name is only the label its records carry. Uploads live in memory
//! for the length of their conversion; only the converted tables stay, in at
//! most `max_batches` batches (the oldest is dropped first).

use crate::convert::convert_guarded;
use crate::error::Error;
use crate::limits::Limits;
use crate::model::{FileError, Table};
use crate::write::{xlsx::Layout, Encoding, Format, Headers, Options, Output};
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// What the server listens on and how much it accepts.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Bytes in one request body (one file); more is refused with 413.
    pub max_request_bytes: usize,
    /// Files in one batch; more is refused with 413.
    pub max_files: usize,
    /// Batches kept in memory; creating one more drops the oldest.
    pub max_batches: usize,
    /// Conversions running at once; more waits for a free place (503).
    pub max_running: usize,
    /// The reader limits, as for `jixiao convert` (`--limit`).
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8471)),
            max_request_bytes: 64 << 20,
            max_files: 5_000,
            max_batches: 16,
            max_running: 8,
            limits: Limits::default(),
        }
    }
}

/// One uploaded file as converted: its tables, or why it has none.
struct FileResult {
    label: String,
    outcome: Result<Vec<Table>, Error>,
}

#[derive(Default)]
struct Batch {
    files: Vec<FileResult>,
}

struct AppState {
    cfg: Config,
    /// The port actually bound (for the Host check when `--port 0`).
    port: u16,
    batches: Mutex<BTreeMap<u64, Batch>>,
    next: AtomicU64,
    /// Unguessable batch names: another page open in the same browser
    /// cannot read a clerk's results by counting.
    salt: RandomState,
    running: AtomicUsize,
}

type Shared = Arc<AppState>;

/// A running server: its address, and the thread that runs it.
pub struct Running {
    pub addr: SocketAddr,
    pub thread: std::thread::JoinHandle<io::Result<()>>,
}

/// Binds `cfg.listen` (port 0 picks a free port) and serves on a thread of
/// its own; conversions run on tokio's blocking pool.
pub fn start(cfg: Config) -> io::Result<Running> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let listener = rt.block_on(tokio::net::TcpListener::bind(cfg.listen))?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState {
        port: addr.port(),
        batches: Mutex::new(BTreeMap::new()),
        next: AtomicU64::new(1),
        salt: RandomState::new(),
        running: AtomicUsize::new(0),
        cfg,
    });
    let app = router(state);
    let thread = std::thread::Builder::new()
        .name("jixiao-serve".into())
        .spawn(move || rt.block_on(async move { axum::serve(listener, app).await }))?;
    Ok(Running { addr, thread })
}

fn router(state: Shared) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", app_js()) }),
        )
        .route(
            "/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route("/api/batches", post(create_batch))
        .route("/api/batches/{id}/files", post(add_file))
        .route("/api/batches/{id}/export", get(export))
        .layer(DefaultBodyLimit::max(state.cfg.max_request_bytes))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            only_local_hosts,
        ))
        .with_state(state)
}

/// The page's script, given the CLI's own list of folder extensions.
fn app_js() -> &'static str {
    static JS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JS.get_or_init(|| {
        let list = serde_json::to_string(crate::batch::FOLDER_EXTENSIONS).unwrap_or_default();
        APP_JS.replace("__FOLDER_EXTENSIONS__", &list)
    })
}

fn asset(kind: &'static str, text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        text,
    )
        .into_response()
}

/// On a loopback address, only requests naming it: a web page elsewhere that
/// points its own host name at 127.0.0.1 (DNS rebinding) gets 403.
async fn only_local_hosts(State(s): State<Shared>, req: Request, next: Next) -> Response {
    if s.cfg.listen.ip().is_loopback() {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let ok = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .any(|h| host == *h || host == format!("{h}:{}", s.port));
        if !ok {
            return problem(
                StatusCode::FORBIDDEN,
                "forbidden",
                "只接受本机地址的请求 (only requests to this machine's own address are served)",
            );
        }
    }
    next.run(req).await
}

/// A JSON error body: `{"error": kind, "message": …}`.
fn problem(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": kind, "message": message });
    (status, json_body(&body)).into_response()
}

fn json_body(v: &serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        v.to_string(),
    )
        .into_response()
}

fn batch_id(s: &AppState, n: u64) -> String {
    format!("{n}-{:016x}", s.salt.hash_one(n))
}

fn parse_batch(s: &AppState, id: &str) -> Option<u64> {
    let (n, _) = id.split_once('-')?;
    let n: u64 = n.parse().ok()?;
    (batch_id(s, n) == id).then_some(n)
}

fn no_batch() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "no_batch",
        "这批文件已不在服务器上，请刷新页面重新上传 (this batch is gone: reload the page and upload again)",
    )
}

async fn create_batch(State(s): State<Shared>) -> Response {
    let n = s.next.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut b) = s.batches.lock() {
        b.insert(n, Batch::default());
        while b.len() > s.cfg.max_batches.max(1) {
            b.pop_first();
        }
    }
    json_body(&serde_json::json!({
        "id": batch_id(&s, n),
        "max_files": s.cfg.max_files,
        "max_request_bytes": s.cfg.max_request_bytes,
    }))
}

#[derive(Deserialize)]
struct FileQuery {
    name: Option<String>,
}

/// A name from the client, made safe to show and to carry in records: no
/// control characters, at most 300 characters. It is never opened.
fn clean_label(name: Option<&str>) -> String {
    let s: String = name
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    let s = s.trim().replace('\\', "/");
    if s.is_empty() {
        "upload".into()
    } else {
        s
    }
}

/// Releases a place among the running conversions when dropped.
struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

async fn add_file(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<FileQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Some(n) = parse_batch(&s, &id) else {
        return no_batch();
    };
    let bytes = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let max = s.cfg.max_request_bytes;
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                &format!(
                    "文件超过服务器上限 {max} 字节；请用命令行 jixiao convert，或以 --max-request-bytes 放宽 \
                     (the file is over the server's limit of {max} bytes: use jixiao convert, or start the server with a larger --max-request-bytes)"
                ),
            );
        }
        Err(e) => return problem(e.status(), "bad_request", &e.body_text()),
    };
    let running = s.running.fetch_add(1, Ordering::AcqRel);
    let place = Place(&s.running);
    if running >= s.cfg.max_running.max(1) {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "服务器正忙，请稍后重试 (the server is busy: try again in a moment)",
        );
    }
    // Reserve the file's place first, so a batch never grows past its cap.
    let index = match s.batches.lock() {
        Ok(mut b) => match b.get_mut(&n) {
            None => return no_batch(),
            Some(batch) if batch.files.len() >= s.cfg.max_files => {
                let max = s.cfg.max_files;
                return problem(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_many_files",
                    &format!(
                        "一批最多 {max} 个文件；请分批上传 (at most {max} files in one batch: upload the rest as a new batch)"
                    ),
                );
            }
            Some(batch) => {
                batch.files.push(FileResult {
                    label: String::new(),
                    outcome: Ok(Vec::new()),
                });
                batch.files.len() - 1
            }
        },
        Err(_) => return problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", "lock"),
    };
    let label = clean_label(q.name.as_deref());
    let limits = s.cfg.limits;
    let l = label.clone();
    // `jixiao check`'s default rules, shown on the page beside each table.
    let done = tokio::task::spawn_blocking(move || {
        let outcome = convert_guarded(&bytes, &l, &limits).map(|n| n.tables);
        let findings = match &outcome {
            Ok(tables) => crate::check::RuleSet::default().check_file(tables),
            Err(_) => Vec::new(),
        };
        (outcome, findings)
    })
    .await;
    let (outcome, findings) =
        done.unwrap_or_else(|_| (Err(Error::corrupt("internal error")), Vec::new()));
    drop(place);
    let mut body = file_json(index, &label, &outcome);
    body["findings"] = serde_json::to_value(&findings).unwrap_or_default();
    if let Ok(mut b) = s.batches.lock() {
        if let Some(slot) = b.get_mut(&n).and_then(|b| b.files.get_mut(index)) {
            *slot = FileResult { label, outcome };
        }
    }
    json_body(&body)
}

/// What the page shows for one file.
fn file_json(index: usize, label: &str, outcome: &Result<Vec<Table>, Error>) -> serde_json::Value {
    match outcome {
        Ok(tables) => serde_json::json!({
            "index": index,
            "file": label,
            "status": if tables.iter().any(|t| !t.incomplete.is_empty()) { "partial" } else { "ok" },
            "tables": tables,
            "gaps": tables.iter().map(|t| t.incomplete.iter().map(|g| g.describe()).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "error": null,
        }),
        Err(e) => serde_json::json!({
            "index": index,
            "file": label,
            "status": "error",
            "tables": [],
            "gaps": [],
            "error": { "kind": e.kind.as_str(), "message": e.message },
        }),
    }
}

#[derive(Deserialize)]
struct ExportQuery {
    /// json, csv, xlsx
    format: Option<String>,
    /// flat or form (xlsx only)
    layout: Option<String>,
    /// One file's index; the whole batch without it.
    file: Option<usize>,
}

async fn export(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let Some(n) = parse_batch(&s, &id) else {
        return no_batch();
    };
    let format = match q.format.as_deref().unwrap_or("xlsx") {
        "json" => Format::Json,
        "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        other => {
            return problem(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("format {other:?}: json, csv or xlsx"),
            )
        }
    };
    let layout = match q.layout.as_deref().unwrap_or("flat") {
        "flat" => Layout::Flat,
        "form" => Layout::Form,
        other => {
            return problem(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("layout {other:?}: flat or form"),
            )
        }
    };
    // Copy what is exported, so the writers run without the lock.
    let (tables, errors, name) = {
        let Ok(b) = s.batches.lock() else {
            return problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", "lock");
        };
        let Some(batch) = b.get(&n) else {
            return no_batch();
        };
        let chosen: Vec<&FileResult> = match q.file {
            Some(i) => match batch.files.get(i) {
                Some(f) => vec![f],
                None => {
                    return problem(
                        StatusCode::NOT_FOUND,
                        "no_file",
                        "没有这个文件 (no such file in this batch)",
                    )
                }
            },
            None => batch.files.iter().collect(),
        };
        let mut tables = Vec::new();
        let mut errors = Vec::new();
        for f in &chosen {
            match &f.outcome {
                Ok(t) => tables.extend(t.iter().cloned()),
                Err(e) => errors.push(FileError {
                    file: f.label.clone(),
                    kind: e.kind,
                    message: e.message.clone(),
                }),
            }
        }
        let name = match (q.file, chosen.first()) {
            (Some(_), Some(f)) => stem(&f.label),
            _ => "jixiao".to_string(),
        };
        (tables, errors, name)
    };
    let opts = Options {
        format,
        headers: Headers::Zh,
        bom: true,
        encoding: Encoding::Utf8,
        layout,
    };
    let bytes = tokio::task::spawn_blocking(move || -> io::Result<Vec<u8>> {
        let mut out = Output::begin(Vec::new(), opts)?;
        for t in tables {
            out.keep(t)?;
        }
        out.finish(&errors)
    })
    .await;
    let bytes = match bytes {
        Ok(Ok(b)) => b,
        _ => {
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "无法生成下载文件 (could not build the download)",
            )
        }
    };
    let suffix = if format == Format::Xlsx && layout == Layout::Form {
        "-form"
    } else {
        ""
    };
    let file_name = format!("{name}{suffix}.{}", opts.extension());
    let kind = match format {
        Format::Json => "application/json; charset=utf-8",
        Format::Csv => "text/csv; charset=utf-8",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Format::Jsonl => "application/x-ndjson",
    };
    let mut resp = Response::new(Body::from(bytes));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// The file name without folders or extension.
fn stem(label: &str) -> String {
    let base = label.rsplit('/').next().unwrap_or(label);
    let stem = match base.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s,
        _ => base,
    };
    if stem.is_empty() {
        "jixiao".into()
    } else {
        stem.to_string()
    }
}

/// `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266).
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut pct = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
            pct.push(b as char);
        } else {
            pct.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{pct}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_cleaned_never_paths_to_open() {
        assert_eq!(clean_label(Some("a\\b\u{0}c.docx")), "a/bc.docx");
        assert_eq!(clean_label(Some("  ")), "upload");
        assert_eq!(clean_label(None), "upload");
        assert_eq!(clean_label(Some(&"长".repeat(400))).chars().count(), 300);
    }

    #[test]
    fn download_names() {
        assert_eq!(stem("文件夹/项目表.docx"), "项目表");
        assert_eq!(stem(".hidden"), ".hidden");
        assert_eq!(
            content_disposition("项目.xlsx"),
            "attachment; filename=\"__.xlsx\"; filename*=UTF-8''%E9%A1%B9%E7%9B%AE.xlsx"
        );
    }
}
