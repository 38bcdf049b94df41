//! `jixiao serve`: the local page. The flags become the server's
//! [`jixiao::serve::Config`]; this module says where the page is, opens a
//! browser when asked, and waits for the server to stop.

use super::usage;
use std::io::{self, Write};

#[derive(clap::Args, Debug)]
pub(crate) struct ServeArgs {
    /// 端口，0 表示任选一个空闲端口 (port; 0 picks a free one)
    #[arg(long, default_value_t = 8471)]
    port: u16,
    /// 在默认浏览器中打开页面 (open the page in the default browser)
    #[arg(long)]
    open: bool,
    /// 监听地址，默认 127.0.0.1（只有本机能打开） (address to listen on; default 127.0.0.1, this machine only)
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::IpAddr>,
    /// 接受的最大文件，字节数 (largest file accepted, in bytes)
    #[arg(long, value_name = "N", default_value_t = 64 << 20)]
    max_request_bytes: usize,
    /// 一批最多几个文件 (most files in one batch)
    #[arg(long, value_name = "N", default_value_t = 5000)]
    max_files: usize,
    /// 放宽或收紧读取的安全限制，同 convert (raise or lower a reader safety limit, as for convert)
    #[arg(long, value_name = "NAME=N")]
    limit: Vec<String>,
}

pub(crate) fn main(a: ServeArgs) -> i32 {
    let mut cfg = jixiao::serve::Config::default();
    for l in &a.limit {
        if let Err(msg) = cfg.limits.set(l) {
            return usage(msg);
        }
    }
    cfg.log = |line| eprintln!("jixiao: {line}");
    cfg.max_request_bytes = a.max_request_bytes;
    cfg.max_files = a.max_files;
    let ip = a.listen.unwrap_or(cfg.listen.ip());
    cfg.listen = std::net::SocketAddr::new(ip, a.port);
    if !ip.is_loopback() {
        eprintln!(
            "jixiao: 警告：在 {ip} 上监听，同一网络中的其他电脑也能打开此页面并上传文件 \
             (warning: listening on {ip}: other machines on the network can open this page and upload files)"
        );
    }
    let running = match jixiao::serve::start(cfg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "jixiao: 无法在 {ip}:{} 上启动网页服务，可换一个端口 --port N (cannot listen there: {e}; try another --port)",
                a.port
            );
            return 1;
        }
    };
    let host = if ip.is_loopback() || ip.is_unspecified() {
        format!("127.0.0.1:{}", running.addr.port())
    } else {
        running.addr.to_string()
    };
    let url = format!("http://{host}/");
    println!(
        "jixiao: 网页已启动：{url}（浏览器没有自动打开时，把这个地址复制到浏览器） (the page is at {url}: open it in a browser)\n\
         jixiao: 用网页期间请不要关闭本窗口；用完后关闭本窗口，或按 Ctrl-C，即停止 \
         (keep this window open while you use the page; close it or press Ctrl-C to stop)"
    );
    let _ = io::stdout().flush();
    if a.open {
        open_browser(&url);
    }
    match running.thread.join() {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("jixiao: 网页服务已停止 (the server stopped): {e}");
            1
        }
        Err(_) => 1,
    }
}

fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    if cmd.arg(url).spawn().is_err() {
        eprintln!("jixiao: 无法自动打开浏览器，请手动打开上面的地址 (could not open a browser: open the address above yourself)");
    }
}
