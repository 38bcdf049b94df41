//! `jixiao serve`: a local web page for clerks who do not use a terminal.
//! It owns the HTTP side only — routes, limits, batches kept in memory —
//! and leaves reading to [`crate::convert`] and writing to [`crate::write`].
//!
//! The page (embedded in the binary, no CDN) creates a batch, then sends each
//! file as the raw body of one request, so a batch's progress is files done,
//! and a broken file fails alone. The server never opens a path it is given:
//! a file's name is only the label its records carry. Uploads live in memory
//! for the length of their conversion; only the converted tables stay, in at
//! most `max_batches` batches and `max_kept_bytes` (the oldest is dropped
//! first).
//!
//! Faults it is built to outlast (issue 21): descriptors running out (the
//! accept loop waits, idle connections close at the header deadline),
//! clients that dribble (header and body deadlines), many large uploads at
//! once (refused with 503 before their bodies are read), pages on other
//! sites (403 before any state changes), clients that hang up (their
//! conversion is abandoned at its next checkpoint, and its place freed),
//! and panics (logged with their message, the server goes on).

use crate::convert::convert_guarded;
use crate::error::Error;
use crate::limits::Limits;
use crate::model::{FileError, Table};
use crate::run::Status;
use crate::write::{xlsx::Layout, Encoding, Format, Headers, Options, Output};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

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
    /// Time a client has to send a request's head; an idle connection is
    /// closed after it too.
    pub header_timeout: Duration,
    /// Time a client has to send a request's body.
    pub body_timeout: Duration,
    /// Connections open at once; more are closed as soon as accepted.
    pub max_connections: usize,
    /// Bytes of converted results kept (as their JSON); past it the oldest
    /// batches are dropped, and a file that alone does not fit is refused.
    pub max_kept_bytes: u64,
    /// Where the server's own lines go (descriptors run out, an internal
    /// error it went on after): the library prints nothing itself, the
    /// command line passes stderr.
    pub log: fn(&str),
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
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(120),
            max_connections: 256,
            max_kept_bytes: 256 << 20,
            log: |_| {},
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
    /// What its results weigh (their JSON's length), in `Kept::bytes`.
    bytes: u64,
}

/// The batches kept, oldest first, and what they weigh together.
#[derive(Default)]
struct Kept {
    batches: BTreeMap<u64, Batch>,
    bytes: u64,
}

impl Kept {
    /// Drops the oldest batch other than `keep`; false when there is none.
    fn drop_oldest_but(&mut self, keep: u64) -> bool {
        let Some(&oldest) = self.batches.keys().find(|&&k| k != keep) else {
            return false;
        };
        if let Some(b) = self.batches.remove(&oldest) {
            self.bytes = self.bytes.saturating_sub(b.bytes);
        }
        true
    }
}

struct AppState {
    cfg: Config,
    /// The port actually bound (for the Host check when `--port 0`).
    port: u16,
    kept: Mutex<Kept>,
    next: AtomicU64,
    /// Unguessable batch names: another page open in the same browser
    /// cannot read a clerk's results by counting.
    salt: RandomState,
    running: AtomicUsize,
    connections: AtomicUsize,
}

type Shared = Arc<AppState>;

/// A running server: its address, and the thread that runs it.
pub struct Running {
    pub addr: SocketAddr,
    pub thread: std::thread::JoinHandle<io::Result<()>>,
}

/// Binds `cfg.listen` (port 0 picks a free port) and serves on a thread of
/// its own; conversions run on tokio's blocking pool. The thread ends only
/// on a panic outside any connection, given back as an error with its
/// message (the CLI's panic hook is silent).
pub fn start(cfg: Config) -> io::Result<Running> {
    // Timers: header and body deadlines, and the waits after accept errors.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let listener = rt.block_on(tokio::net::TcpListener::bind(cfg.listen))?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState {
        port: addr.port(),
        kept: Mutex::new(Kept::default()),
        next: AtomicU64::new(1),
        salt: RandomState::new(),
        running: AtomicUsize::new(0),
        connections: AtomicUsize::new(0),
        cfg,
    });
    let app = router(state.clone());
    let thread = std::thread::Builder::new()
        .name("jixiao-serve".into())
        .spawn(move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                rt.block_on(accept_loop(listener, app, state))
            }))
            .unwrap_or_else(|p| {
                Err(io::Error::other(format!(
                    "内部错误 (internal error): {}",
                    panic_message(p.as_ref())
                )))
            })
        })?;
    Ok(Running { addr, thread })
}

/// A panic's message, as far as its payload tells.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Accepts connections for ever. An accept error (descriptors run out:
/// `EMFILE`) is waited out, said once a minute on stderr; connections past
/// `max_connections` are closed at once.
async fn accept_loop(listener: tokio::net::TcpListener, app: Router, s: Shared) -> io::Result<()> {
    let mut said: Option<Instant> = None;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                if said.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
                    (s.cfg.log)(&format!(
                        "暂时无法接受新连接，稍后重试 (cannot accept connections for now, waiting): {e}"
                    ));
                    said = Some(Instant::now());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let open = s.connections.fetch_add(1, Ordering::AcqRel);
        let counted = Counted(s.clone());
        if open >= s.cfg.max_connections.max(1) {
            drop(stream);
            continue;
        }
        let svc = hyper_util::service::TowerToHyperService::new(app.clone());
        let header_timeout = s.cfg.header_timeout;
        tokio::spawn(LogPanics(
            s.cfg.log,
            Box::pin(async move {
                let _counted = counted;
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(io, svc)
                    .await;
            }),
        ));
    }
}

/// One open connection, uncounted when dropped.
struct Counted(Shared);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection's future, whose panic is logged with its message instead
/// of vanishing with the task (the server goes on).
struct LogPanics(fn(&str), Pin<Box<dyn Future<Output = ()> + Send>>);

impl Future for LogPanics {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let log = self.0;
        let inner = &mut self.1;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(p) => p,
            Err(p) => {
                log(&format!(
                    "网页服务内部错误，已继续运行 (internal error in the server, going on): {}",
                    panic_message(p.as_ref())
                ));
                Poll::Ready(())
            }
        }
    }
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
        let list = serde_json::to_string(crate::run::FOLDER_EXTENSIONS).unwrap_or_default();
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
    if !same_origin(&req) {
        return problem(
            StatusCode::FORBIDDEN,
            "cross_site",
            "只接受本页面发出的请求 (only requests from this page are served)",
        );
    }
    next.run(req).await
}

/// Whether a request that can change state (any but GET/HEAD, and every
/// API call) comes from the page itself: a browser names the page that sent
/// it in `Origin` and says `Sec-Fetch-Site`; a page on another site can
/// still send a simple POST without a preflight. Requests naming neither
/// (curl, scripts) pass: they are not a browser acting for someone else.
fn same_origin(req: &Request) -> bool {
    let api = req.uri().path().starts_with("/api/");
    if !api && matches!(req.method().as_str(), "GET" | "HEAD") {
        return true;
    }
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site") {
        if !matches!(site.to_str(), Ok("same-origin" | "none")) {
            return false;
        }
    }
    match h.get(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
            match (origin.to_str(), host) {
                (Ok(o), Some(host)) => o.strip_prefix("http://") == Some(host),
                _ => false,
            }
        }
    }
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
    if let Ok(mut k) = s.kept.lock() {
        k.batches.insert(n, Batch::default());
        while k.batches.len() > s.cfg.max_batches.max(1) {
            k.drop_oldest_but(n);
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

/// Releases a place among the running conversions when dropped. It moves
/// into the conversion itself, so a client that hangs up does not free the
/// place of a conversion still running.
struct Place(Shared);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Set when a conversion's handler is dropped (its client went away);
/// the conversion, on the blocking pool, stops at its next checkpoint.
struct HangUp(Arc<AtomicBool>);

impl Drop for HangUp {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn too_large_body(max: usize) -> Response {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        &format!(
            "文件超过服务器上限 {max} 字节；请用命令行 jixiao convert，或以 --max-request-bytes 放宽 \
             (the file is over the server's limit of {max} bytes: use jixiao convert, or start the server with a larger --max-request-bytes)"
        ),
    )
}

/// Sets a reserved file's slot, keeping the batch's and the total weight.
fn settle(s: &AppState, n: u64, index: usize, result: FileResult, bytes: u64) {
    if let Ok(mut k) = s.kept.lock() {
        let Some(batch) = k.batches.get_mut(&n) else {
            return;
        };
        if let Some(slot) = batch.files.get_mut(index) {
            *slot = result;
            batch.bytes += bytes;
            k.bytes += bytes;
        }
    }
}

async fn add_file(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<FileQuery>,
    req: Request,
) -> Response {
    let Some(n) = parse_batch(&s, &id) else {
        return no_batch();
    };
    let max = s.cfg.max_request_bytes;
    // A declared size over the cap is refused before anything is read.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|d| d > max as u64) {
        return too_large_body(max);
    }
    // The place first, then the body: when the server is busy the body is
    // never read (24 uploads of 60 MB at once held 1.78 GB before).
    let running = s.running.fetch_add(1, Ordering::AcqRel);
    let place = Place(s.clone());
    if running >= s.cfg.max_running.max(1) {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "服务器正忙，请稍后重试 (the server is busy: try again in a moment)",
        );
    }
    // Reserve the file's place first, so a batch never grows past its cap.
    let index = match s.kept.lock() {
        Ok(mut k) => match k.batches.get_mut(&n) {
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
    let failed = |label: &str, e: Error| FileResult {
        label: label.to_string(),
        outcome: Err(e),
    };
    // The body, within its deadline and the size cap.
    let body = tokio::time::timeout(
        s.cfg.body_timeout,
        axum::body::to_bytes(req.into_body(), max),
    )
    .await;
    let bytes = match body {
        Ok(Ok(b)) => b,
        Ok(Err(_)) if declared.is_none() => {
            settle(
                &s,
                n,
                index,
                failed(
                    &label,
                    Error::new(crate::error::ErrorKind::TooLarge, "upload too large"),
                ),
                0,
            );
            return too_large_body(max);
        }
        Ok(Err(_)) | Err(_) => {
            let timed_out = body.is_err();
            settle(
                &s,
                n,
                index,
                failed(
                    &label,
                    Error::new(crate::error::ErrorKind::Io, "upload interrupted"),
                ),
                0,
            );
            return if timed_out {
                problem(
                    StatusCode::REQUEST_TIMEOUT,
                    "timeout",
                    "上传太慢，已中断；请重试 (the upload was too slow and was stopped: try again)",
                )
            } else {
                problem(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "上传中断 (the upload was cut short)",
                )
            };
        }
    };
    let limits = s.cfg.limits;
    let l = label.clone();
    // If the client hangs up, hyper drops this handler while it waits
    // below: `_hang_up` then tells the conversion to stop at its next
    // checkpoint (src/limits.rs), and its place is freed when it does.
    let abandon = Arc::new(AtomicBool::new(false));
    let _hang_up = HangUp(abandon.clone());
    // `jixiao check`'s default rules, shown on the page beside each table.
    // The place goes with the conversion: it counts until the conversion
    // ends or is abandoned.
    let done = tokio::task::spawn_blocking(move || {
        let outcome = crate::limits::abandonable(abandon, || convert_guarded(&bytes, &l, &limits))
            .map(|n| n.tables);
        let findings = match &outcome {
            Ok(tables) => crate::check::RuleSet::default().check_file(tables),
            Err(_) => Vec::new(),
        };
        drop(place);
        (outcome, findings)
    })
    .await;
    let (mut outcome, findings) = match done {
        Ok(d) => d,
        Err(e) => {
            let what = e
                .try_into_panic()
                .map(|p| panic_message(p.as_ref()))
                .unwrap_or_else(|_| "cancelled".into());
            (s.cfg.log)(&format!(
                "网页服务内部错误，已继续运行 (internal error in the server, going on): {what}"
            ));
            (Err(Error::corrupt("internal error")), Vec::new())
        }
    };
    let mut body = file_json(index, &label, &outcome);
    body["findings"] = serde_json::to_value(&findings).unwrap_or_default();
    let mut text = body.to_string();
    // What is kept weighs what the page was sent; past the budget the oldest
    // batches go, and a file that alone does not fit is not kept.
    let mut weight = text.len() as u64;
    if let Ok(mut k) = s.kept.lock() {
        while k.bytes + weight > s.cfg.max_kept_bytes && k.drop_oldest_but(n) {}
        let this = k.batches.get(&n).map_or(0, |b| b.bytes);
        if this + weight > s.cfg.max_kept_bytes {
            let budget = s.cfg.max_kept_bytes;
            outcome = Err(Error::new(
                crate::error::ErrorKind::TooLarge,
                format!(
                    "服务器保存的结果已满（{budget} 字节）：请先导出这一批，再新建一批上传其余文件 \
                     (the results kept by the server are full ({budget} bytes): export this batch, then upload the rest as a new batch)"
                ),
            ));
            body = file_json(index, &label, &outcome);
            body["findings"] = serde_json::json!([]);
            text = body.to_string();
            weight = 0;
        }
    }
    settle(&s, n, index, FileResult { label, outcome }, weight);
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        text,
    )
        .into_response()
}

/// What the page shows for one file.
fn file_json(index: usize, label: &str, outcome: &Result<Vec<Table>, Error>) -> serde_json::Value {
    match outcome {
        Ok(tables) => serde_json::json!({
            "index": index,
            "file": label,
            "status": Status::of_tables(tables).as_str(),
            "tables": tables,
            "gaps": tables.iter().map(|t| t.incomplete.iter().map(|g| g.describe()).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "error": null,
        }),
        Err(e) => serde_json::json!({
            "index": index,
            "file": label,
            "status": Status::Error.as_str(),
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
    let name = q.format.as_deref().unwrap_or("xlsx");
    let format = match Format::named(name, Format::SERVE) {
        Some(f) => f,
        None => {
            return problem(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("format {name:?}: json, csv or xlsx"),
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
        let Ok(k) = s.kept.lock() else {
            return problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", "lock");
        };
        let Some(batch) = k.batches.get(&n) else {
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
    let kind = format.media_type();
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
