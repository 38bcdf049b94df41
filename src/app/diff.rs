//! `jixiao diff OLD NEW`: reads both sides (files or folders), hands their
//! tables to [`jixiao::diff::diff`], and writes the report as text, JSON or
//! xlsx. Exit codes: 0 written, 1 cannot write, 2 usage error.

use super::{formats, usage};
use jixiao::write::Format;

#[derive(clap::Args, Debug)]
pub(crate) struct DiffArgs {
    /// 旧版：文件或文件夹 (the older version: a file or a folder)
    old: std::path::PathBuf,
    /// 新版：文件或文件夹 (the newer version: a file or a folder)
    new: std::path::PathBuf,
    /// 报告格式 (report format)
    #[arg(long, value_parser = formats(Format::DIFF), default_value = "text")]
    to: Format,
    /// 输出文件（写完才出现）；不给则输出到屏幕 (output file, written atomically; default stdout)
    #[arg(short, long)]
    output: Option<std::path::PathBuf>,
}

/// Every table of a file or folder, in path order; unreadable files are
/// reported on stderr and left out.
fn tables_of(path: &std::path::Path) -> Result<Vec<jixiao::model::Table>, String> {
    let inputs = jixiao::run::collect(&[path.to_path_buf()], None)?;
    let limits = jixiao::limits::Limits::default();
    let mut out = Vec::new();
    for input in &inputs.files {
        match jixiao::run::read_one(input, &limits) {
            Ok(n) => out.extend(n.tables),
            Err(e) => eprintln!("jixiao: {}: {e}", input.label),
        }
    }
    Ok(out)
}

/// `jixiao diff OLD NEW`; returns the exit code (0, 1 cannot write, 2 usage).
pub(crate) fn main(a: DiffArgs) -> i32 {
    if a.to.needs_file() && a.output.is_none() {
        return usage(a.to.file_needed("变化"));
    }
    let (old, new) = match (tables_of(&a.old), tables_of(&a.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => return usage(e),
    };
    let d = jixiao::diff::diff(&old, &new);
    let bytes = jixiao::diff::report(&d, a.to);
    let written = bytes.and_then(|b| match &a.output {
        Some(dest) => {
            let (atomic, mut f) = jixiao::run::AtomicFile::create(dest)?;
            std::io::Write::write_all(&mut f, &b)?;
            atomic.commit()
        }
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), &b),
    });
    match written {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("jixiao: 无法写出结果 (cannot write the output): {e}");
            1
        }
    }
}
