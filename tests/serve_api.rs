//! `jixiao serve`'s HTTP API, on a server bound to port 0 in this process.
//! Requests go over a plain TcpStream (HTTP/1.1, one per connection), so the
//! tests need no HTTP client crate.
#![cfg(feature = "serve")]

use jixiao::serve::{start, Config};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }
}

fn request(addr: SocketAddr, method: &str, path: &str, host: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer 413 before reading the whole body and close.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let headers = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = headers[9..12].parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..line]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[line + 2..line + 2 + n]);
        b = &b[line + 2 + n + 2..];
    }
}

struct Server {
    addr: SocketAddr,
}

impl Server {
    fn new(cfg: Config) -> Server {
        let cfg = Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..cfg
        };
        Server {
            addr: start(cfg).unwrap().addr,
        }
    }

    fn get(&self, path: &str) -> Reply {
        request(self.addr, "GET", path, &self.addr.to_string(), b"")
    }

    fn post(&self, path: &str, body: &[u8]) -> Reply {
        request(self.addr, "POST", path, &self.addr.to_string(), body)
    }

    fn batch(&self) -> String {
        let r = self.post("/api/batches", b"");
        assert_eq!(r.status, 200);
        r.json()["id"].as_str().unwrap().to_string()
    }

    fn upload(&self, batch: &str, name: &str, bytes: &[u8]) -> Reply {
        self.post(
            &format!("/api/batches/{batch}/files?name={}", pct(name)),
            bytes,
        )
    }
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(root().join("samples").join(name)).unwrap()
}

#[test]
fn the_page_and_its_assets_are_served_from_the_binary() {
    let s = Server::new(Config::default());
    let page = s.get("/");
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("绩效目标表"), "{html}");
    assert!(html.contains("app.js") && html.contains("app.css"));
    // Offline: nothing is fetched from another host.
    assert!(!html.contains("http://") && !html.contains("https://"));
    for asset in ["/app.js", "/app.css"] {
        let r = s.get(asset);
        assert_eq!(r.status, 200, "{asset}");
        assert!(!r.body.is_empty());
        let text = String::from_utf8(r.body).unwrap();
        assert!(!text.contains("https://"), "{asset} loads nothing remote");
    }
}

#[test]
fn convert_gives_the_tables_and_the_json_export_equals_the_golden() {
    let s = Server::new(Config::default());
    let b = s.batch();
    let name = "samples/word-messy-continued.docx";
    let r = s.upload(&b, name, &sample("word-messy-continued.docx"));
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["index"], 0);
    assert_eq!(v["file"], name);
    let golden: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("tests/golden/word-messy-continued.docx.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(v["tables"], golden["tables"], "the page gets the records");
    // The one-file JSON download is the CLI's output, byte for byte.
    let r = s.get(&format!("/api/batches/{b}/export?format=json&file=0"));
    assert_eq!(r.status, 200);
    assert!(r.headers.contains("application/json"));
    let want = std::fs::read(root().join("tests/golden/word-messy-continued.docx.json")).unwrap();
    assert_eq!(
        String::from_utf8(r.body).unwrap(),
        String::from_utf8(want).unwrap()
    );
}

#[test]
fn csv_export_equals_the_cli_golden() {
    let s = Server::new(Config::default());
    let b = s.batch();
    let r = s.upload(&b, "in/seed.txt", &sample("seed-tianjin-wuqing.txt"));
    assert_eq!(r.status, 200);
    let r = s.get(&format!("/api/batches/{b}/export?format=csv"));
    assert_eq!(r.status, 200);
    assert!(r.headers.contains("text/csv"));
    assert!(
        r.headers.contains("filename=\"jixiao.csv\""),
        "{}",
        r.headers
    );
    let want = std::fs::read(root().join("tests/golden/seed.csv")).unwrap();
    assert_eq!(
        String::from_utf8(r.body).unwrap(),
        String::from_utf8(want).unwrap()
    );
}

#[test]
fn xlsx_exports_read_back_to_the_same_indicators() {
    let s = Server::new(Config::default());
    let b = s.batch();
    let names = ["word-seed-merged.docx", "sheet-stacked-forms.xlsx"];
    let mut indicators = 0;
    for n in names {
        let v = s.upload(&b, n, &sample(n)).json();
        assert_eq!(v["status"], "ok", "{n}");
        for t in v["tables"].as_array().unwrap() {
            indicators += t["indicators"].as_array().unwrap().len();
        }
    }
    let limits = jixiao::limits::Limits::default();
    for layout in ["flat", "form"] {
        let r = s.get(&format!(
            "/api/batches/{b}/export?format=xlsx&layout={layout}"
        ));
        assert_eq!(r.status, 200, "{layout}");
        assert!(r.headers.contains("spreadsheetml"));
        let back = jixiao::convert::convert_bytes(&r.body, "back.xlsx", &limits).unwrap();
        let n: usize = back.tables.iter().map(|t| t.indicators.len()).sum();
        assert_eq!(n, indicators, "{layout}");
    }
    // One file's form, named after it.
    let r = s.get(&format!(
        "/api/batches/{b}/export?format=xlsx&layout=form&file=1"
    ));
    assert_eq!(r.status, 200);
    assert!(
        r.headers
            .contains("filename*=UTF-8''sheet-stacked-forms-form.xlsx"),
        "{}",
        r.headers
    );
}

#[test]
fn a_bad_file_gives_its_error_kind_and_the_batch_goes_on() {
    let s = Server::new(Config::default());
    let b = s.batch();
    let mut truncated = sample("word-seed-merged.docx");
    truncated.truncate(truncated.len() / 2);
    let cases: [(&str, &[u8], &str); 3] = [
        ("broken.docx", &truncated, "corrupt"),
        (
            "random.bin",
            b"\x00\x01\x02 not a document at all \xff\xfe",
            "unreadable",
        ),
        ("empty.txt", b"just a line of text\n", "no_tables"),
    ];
    for (i, (name, bytes, kind)) in cases.iter().enumerate() {
        let r = s.upload(&b, name, bytes);
        assert_eq!(r.status, 200, "{name}");
        let v = r.json();
        assert_eq!(v["status"], "error", "{name}");
        assert_eq!(v["index"], i);
        assert_eq!(v["error"]["kind"], *kind, "{name}: {v}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(
            msg.chars().next().is_some_and(|c| !c.is_ascii()),
            "Chinese first: {msg}"
        );
    }
    let v = s
        .upload(&b, "seed.txt", &sample("seed-tianjin-wuqing.txt"))
        .json();
    assert_eq!(v["status"], "ok");
    // The batch JSON lists the failed files in errors, as the CLI does.
    let all = s
        .get(&format!("/api/batches/{b}/export?format=json"))
        .json();
    assert_eq!(all["errors"].as_array().unwrap().len(), 3);
    assert_eq!(all["errors"][0]["file"], "broken.docx");
    assert!(!all["tables"].as_array().unwrap().is_empty());
}

#[test]
fn oversize_request_is_refused_with_413() {
    let s = Server::new(Config {
        max_request_bytes: 8_000,
        ..Config::default()
    });
    let b = s.batch();
    let big = sample("sheet-self-evaluation.ods");
    assert!(big.len() > 8_000);
    let r = s.upload(&b, "sheet-self-evaluation.ods", &big);
    assert_eq!(r.status, 413);
    let v = r.json();
    assert_eq!(v["error"], "too_large");
    assert!(v["message"].as_str().unwrap().contains("8000"));
    // A file under the cap still converts.
    let v = s
        .upload(&b, "seed.txt", &sample("seed-tianjin-wuqing.txt"))
        .json();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["index"], 0, "the refused file took no place");
}

#[test]
fn the_file_count_is_capped_per_batch() {
    let s = Server::new(Config {
        max_files: 2,
        ..Config::default()
    });
    let b = s.batch();
    for _ in 0..2 {
        assert_eq!(s.upload(&b, "x.txt", b"x").status, 200);
    }
    let r = s.upload(&b, "x.txt", b"x");
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"], "too_many_files");
}

#[test]
fn reader_limits_are_the_clis() {
    let mut limits = jixiao::limits::Limits::default();
    limits.set("max_file_bytes=1000").unwrap();
    let s = Server::new(Config {
        limits,
        ..Config::default()
    });
    let b = s.batch();
    let v = s
        .upload(&b, "seed.txt", &sample("seed-tianjin-wuqing.txt"))
        .json();
    assert_eq!(v["error"]["kind"], "too_large", "{v}");
}

#[test]
fn unknown_batches_and_foreign_hosts_are_refused() {
    let s = Server::new(Config::default());
    assert_eq!(s.upload("1-0000000000000000", "a.txt", b"x").status, 404);
    assert_eq!(s.get("/api/batches/nonsense/export").status, 404);
    let b = s.batch();
    assert_eq!(
        s.get(&format!("/api/batches/{b}/export?format=pdf")).status,
        400
    );
    // A page on another host name pointed at 127.0.0.1 (DNS rebinding).
    let r = request(s.addr, "GET", "/", "evil.example:80", b"");
    assert_eq!(r.status, 403);
    assert_eq!(request(s.addr, "GET", "/", "localhost", b"").status, 200);
}

#[test]
fn each_file_comes_with_the_check_findings() {
    let s = Server::new(Config::default());
    let b = s.batch();
    let limits = jixiao::limits::Limits::default();
    for n in ["word-messy-continued.docx", "sheet-self-evaluation.xlsx"] {
        let bytes = sample(n);
        let v = s.upload(&b, n, &bytes).json();
        // The same findings as `jixiao check`, in full.
        let tables = jixiao::convert::convert_bytes(&bytes, n, &limits)
            .unwrap()
            .tables;
        let want = jixiao::check::RuleSet::default().check_file(&tables);
        assert_eq!(v["findings"], serde_json::to_value(&want).unwrap(), "{n}");
        assert!(!want.is_empty(), "{n} has a finding to show");
    }
    let v = s
        .upload(&b, "x.docx", &sample("word-messy-continued.docx"))
        .json();
    assert_eq!(v["findings"][0]["rule"], "level2-wrong-parent");
    assert_eq!(v["findings"][0]["field"], "indicators[15].level2");
    // A file that failed has none.
    assert_eq!(
        s.upload(&b, "bad.bin", b"\x00\x01").json()["findings"],
        serde_json::json!([])
    );
}

// ---- Issue 21: faults the server must outlast ------------------------------
// Each loop below is bounded (attempts × a short sleep, and read timeouts),
// so a regression fails the test instead of hanging it.

use std::time::{Duration, Instant};

/// Sends `head` (and `body`) on a new connection and reads the reply, or
/// what came before the server closed, within `wait`.
fn raw(addr: SocketAddr, head: &str, body: &[u8], wait: Duration) -> Option<Reply> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(wait)).ok()?;
    s.write_all(head.as_bytes()).ok()?;
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let headers = String::from_utf8_lossy(&raw[..split]).to_string();
    Some(Reply {
        status: headers.get(9..12)?.parse().ok()?,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

fn post_head(addr: SocketAddr, path: &str, len: usize, extra: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {len}\r\n{extra}Connection: close\r\n\r\n"
    )
}

/// `POST /api/batches` with `extra` header lines.
fn new_batch_from(addr: SocketAddr, extra: &str) -> Reply {
    let head = post_head(addr, "/api/batches", 0, extra);
    raw(addr, &head, b"", Duration::from_secs(30)).unwrap()
}

/// #6: a page on another site can send a simple POST (no preflight) with
/// the server's own Host; `Origin` / `Sec-Fetch-Site` name that site, and
/// the request is refused before a batch is made. On main: 200, and 16 such
/// posts evicted a clerk's batch.
#[test]
fn cross_site_requests_are_refused_before_any_state_changes() {
    let s = Server::new(Config::default());
    let b = s.batch();
    assert_eq!(
        s.upload(&b, "seed.txt", &sample("seed-tianjin-wuqing.txt"))
            .status,
        200
    );
    let wait = Duration::from_secs(30);
    for extra in [
        "Origin: http://evil.example\r\n".to_string(),
        "Origin: null\r\n".to_string(),
        "Sec-Fetch-Site: cross-site\r\n".to_string(),
        "Sec-Fetch-Site: same-site\r\n".to_string(),
    ] {
        for _ in 0..20 {
            let r = new_batch_from(s.addr, &extra);
            assert_eq!(r.status, 403, "{extra}");
            assert_eq!(r.json()["error"], "cross_site");
        }
        let up = post_head(
            s.addr,
            &format!("/api/batches/{b}/files?name=x.txt"),
            1,
            &extra,
        );
        assert_eq!(raw(s.addr, &up, b"x", wait).unwrap().status, 403);
    }
    // The clerk's batch is still there, with its one file.
    let v = s
        .get(&format!("/api/batches/{b}/export?format=json"))
        .json();
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    assert!(!v["tables"].as_array().unwrap().is_empty());
    // The page's own requests pass.
    let own = format!(
        "Origin: http://{}\r\nSec-Fetch-Site: same-origin\r\n",
        s.addr
    );
    let r = new_batch_from(s.addr, &own);
    assert_eq!(r.status, 200);
    // A link from elsewhere still opens the page.
    let get = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nSec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n",
        s.addr
    );
    assert_eq!(raw(s.addr, &get, b"", wait).unwrap().status, 200);
}

/// #4: with every conversion place taken, an upload is refused with 503
/// before its body is read: the client sends only the head of a 50 MB
/// upload and still gets its answer. On main the body was buffered first
/// (24 uploads of 60 MB held 1.78 GB): no answer without the body.
#[test]
fn a_busy_server_refuses_uploads_before_reading_their_bodies() {
    let s = Server::new(Config {
        max_running: 1,
        max_request_bytes: 64 << 20,
        ..Config::default()
    });
    let b = s.batch();
    // The one place, held by an upload whose body is still coming.
    let path = format!("/api/batches/{b}/files?name=slow.txt");
    let mut slow = TcpStream::connect(s.addr).unwrap();
    slow.write_all(post_head(s.addr, &path, 1000, "").as_bytes())
        .unwrap();
    slow.write_all(b"\tx").unwrap();
    // Bounded retry until the slow upload holds the place.
    let head = post_head(
        s.addr,
        &format!("/api/batches/{b}/files?name=big.txt"),
        50 << 20,
        "",
    );
    let mut got = None;
    for _ in 0..50 {
        let r =
            raw(s.addr, &head, b"", Duration::from_secs(20)).expect("an answer without the body");
        if r.status == 503 {
            got = Some(r);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let r = got.expect("503 while the place is held");
    assert_eq!(r.json()["error"], "busy");
    // A declared size over the cap is refused without reading too.
    let over = post_head(s.addr, &path, (64 << 20) + 1, "");
    assert_eq!(
        raw(s.addr, &over, b"", Duration::from_secs(20))
            .unwrap()
            .status,
        413
    );
    drop(slow);
}

/// #5: a client that dribbles its request head, or its body, is cut off at
/// the deadline (slowloris). On main neither had a deadline: the
/// connections stayed open for ever.
#[test]
fn dribbling_clients_are_cut_off_at_the_deadlines() {
    let s = Server::new(Config {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        ..Config::default()
    });
    let b = s.batch();
    // A head sent a byte at a time, never finished: closed within bounds.
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let start = Instant::now();
    let mut closed = false;
    for byte in b"GET / HTTP/1.1\r\nHost: x".iter().cycle().take(100) {
        if c.write_all(&[*byte]).is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        match c.read(&mut buf) {
            Ok(_) => {
                closed = true; // an answer (408) or end of stream
                break;
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    assert!(
        closed,
        "the dribbled head was still open after {:?}",
        start.elapsed()
    );
    // An idle connection that sends nothing is closed as well.
    let mut idle = TcpStream::connect(s.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut buf = [0u8; 64];
    assert!(
        idle.read(&mut buf).is_ok(),
        "an idle connection stayed open past the header deadline"
    );
    // A body that stops coming: 408 after the body deadline.
    let path = format!("/api/batches/{b}/files?name=x.txt");
    let r = raw(
        s.addr,
        &post_head(s.addr, &path, 100, ""),
        b"\tx",
        Duration::from_secs(20),
    )
    .expect("an answer to a stalled body");
    assert_eq!(r.status, 408);
    assert_eq!(r.json()["error"], "timeout");
}

/// #7: kept results are bounded by bytes, not only by count: past
/// `max_kept_bytes` the oldest batch goes, and a file that alone does not
/// fit in a batch is not kept. On main 60 uploads of a 2 MB dump kept
/// 889 MB.
#[test]
fn kept_results_are_bounded_by_bytes() {
    let s = Server::new(Config {
        max_kept_bytes: 40_000,
        ..Config::default()
    });
    let seed = sample("seed-tianjin-wuqing.txt");
    let first = s.batch();
    let v = s.upload(&first, "a.txt", &seed).json();
    assert_eq!(v["status"], "ok", "{v}");
    let weight = v.to_string().len();
    assert!(
        weight * 2 < 40_000 && weight * 3 > 40_000,
        "the seed's result weighs {weight}"
    );
    // Two more batches of one file each: the first batch goes.
    for _ in 0..2 {
        let b = s.batch();
        assert_eq!(s.upload(&b, "a.txt", &seed).json()["status"], "ok");
    }
    assert_eq!(
        s.get(&format!("/api/batches/{first}/export?format=json"))
            .status,
        404
    );
    // One batch that would outgrow the budget alone: the file is refused.
    let b = s.batch();
    let mut last = serde_json::Value::Null;
    for _ in 0..3 {
        last = s.upload(&b, "a.txt", &seed).json();
    }
    assert_eq!(last["error"]["kind"], "too_large", "{last}");
    // The export still works and carries what was kept.
    assert_eq!(
        s.get(&format!("/api/batches/{b}/export?format=json"))
            .status,
        200
    );
}

/// #3: descriptors run out (idle connections under `ulimit -n 64`, in a
/// child process): the accept loop waits (on main its sleep panicked on a
/// runtime without timers and the server was gone) and serves again once
/// the idle connections are closed at the header deadline.
#[test]
fn running_out_of_descriptors_is_waited_out() {
    if std::env::var_os("JIXIAO_SERVE_CHILD").is_some() {
        return serve_child();
    }
    let exe = std::env::current_exe().unwrap();
    // The test's full name in the one test binary (`serve_api::…`).
    let name = match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::running_out_of_descriptors_is_waited_out"),
        None => "running_out_of_descriptors_is_waited_out".to_string(),
    };
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" \"$1\" --exact --nocapture --test-threads=1")
        .arg(&exe)
        .arg(&name)
        .env("JIXIAO_SERVE_CHILD", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let addr: SocketAddr = loop {
        line.clear();
        assert!(
            std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0,
            "the child printed no address"
        );
        // The harness prints `test NAME ... ` on the same line first.
        if let Some((_, a)) = line.trim().split_once("listening ") {
            break a.parse().unwrap();
        }
    };
    // 100 idle connections: more than the child has descriptors.
    let idle: Vec<TcpStream> = (0..100)
        .filter_map(|_| TcpStream::connect(addr).ok())
        .collect();
    assert!(idle.len() > 64, "only {} connections", idle.len());
    // The server answers again within bounded attempts (idle connections
    // are closed after 1 s), and the child is still running.
    let mut answered = false;
    for _ in 0..60 {
        let get = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        if raw(addr, &get, b"", Duration::from_secs(2)).is_some_and(|r| r.status == 200) {
            answered = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let alive = child.try_wait().unwrap().is_none();
    drop(idle);
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    assert!(alive, "the server process died: {err}");
    // Descriptors did run out, and it was said once.
    assert_eq!(
        err.matches("cannot accept connections for now").count(),
        1,
        "{err}"
    );
    assert!(
        answered,
        "no answer after the idle connections closed: {err}"
    );
    assert!(status.success(), "{err}");
}

/// The child of the test above: a server with a 1 s header deadline, until
/// its stdin closes (at most 120 s).
fn serve_child() {
    let r = start(Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        header_timeout: Duration::from_secs(1),
        log: |line| eprintln!("jixiao: {line}"),
        ..Config::default()
    })
    .unwrap();
    println!("listening {}", r.addr);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        let _ = tx.send(());
    });
    let _ = rx.recv_timeout(Duration::from_secs(120));
    assert!(!r.thread.is_finished(), "the server thread ended");
}

/// A PDF that takes long to read and holds little: `pages` pages sharing
/// one content stream of `ops` identity matrices (nothing drawn, nothing
/// kept), uncompressed.
fn slow_pdf(pages: usize, ops: usize) -> Vec<u8> {
    let content = "1 0 0 1 0 0 cm\n".repeat(ops);
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let obj = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: String| {
        offsets.push(out.len());
        let n = offsets.len();
        out.extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
    };
    obj(
        &mut out,
        &mut offsets,
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
    );
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 4)).collect();
    obj(
        &mut out,
        &mut offsets,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} /MediaBox [0 0 595 842] >>",
            kids.join(" ")
        ),
    );
    obj(
        &mut out,
        &mut offsets,
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        ),
    );
    for _ in 0..pages {
        obj(
            &mut out,
            &mut offsets,
            "<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>".into(),
        );
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// #8 (its serve half): a conversion whose client hangs up is abandoned,
/// and its place freed. One place; a PDF that takes minutes to read (2,000
/// pages of 20,000 operators: ~150 s of CPU in a debug build) holds it (a
/// second upload is 503); its client closes the connection; the
/// second upload then gets its place within the bounded retries, long
/// before the PDF would have been read. On main the conversion kept its
/// place until it ended: 503 for every retry.
#[test]
fn a_conversion_whose_client_hangs_up_is_abandoned() {
    let s = Server::new(Config {
        max_running: 1,
        limits: jixiao::limits::Limits {
            max_pdf_operators: u64::MAX,
            ..Default::default()
        },
        ..Config::default()
    });
    let b = s.batch();
    let pdf = slow_pdf(2_000, 20_000);
    let mut slow = TcpStream::connect(s.addr).unwrap();
    let path = format!("/api/batches/{b}/files?name=slow.pdf");
    slow.write_all(post_head(s.addr, &path, pdf.len(), "").as_bytes())
        .unwrap();
    slow.write_all(&pdf).unwrap();
    let small = sample("seed-tianjin-wuqing.txt");
    let up = post_head(
        s.addr,
        &format!("/api/batches/{b}/files?name=seed.txt"),
        small.len(),
        "",
    );
    let wait = Duration::from_secs(30);
    // Bounded retry until the slow conversion holds the place.
    let held = (0..100).any(|_| {
        let r = raw(s.addr, &up, &small, wait).expect("an answer");
        assert_ne!(r.status, 200, "the slow PDF was read already");
        std::thread::sleep(Duration::from_millis(100));
        r.status == 503
    });
    assert!(held, "503 while the slow PDF converts");
    // The client goes away; the place comes back within the retries.
    drop(slow);
    let freed = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        raw(s.addr, &up, &small, wait).expect("an answer").status == 200
    });
    assert!(freed, "the abandoned conversion's place was not freed");
}
