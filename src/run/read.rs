//! One input's bytes, bounded and never blocked: what is not a regular
//! file is refused before it is opened (a FIFO never blocks, `/dev/zero` is
//! never read), and a file growing past `max_file_bytes` while read stops.

use super::Input;
use crate::convert::convert_guarded;
use crate::error::{Error, ErrorKind};
use crate::limits::Limits;
use std::fs;
use std::io;
use std::path::Path;

/// Reads and normalises one input, bounded by `limits` (file size first).
pub fn read_one(input: &Input, limits: &Limits) -> Result<crate::normalize::Normalized, Error> {
    read_bytes(input, limits).and_then(|bytes| convert_guarded(&bytes, &input.label, limits))
}

/// One input's bytes, refused past `max_file_bytes` before reading (and
/// stopped there while reading, should the file grow). What is not a
/// regular file is refused before it is opened, so a FIFO never blocks and
/// `/dev/zero` is never read: a folder that cannot be opened and a broken
/// link are `io`, a FIFO, device or socket is `unsupported`.
pub fn read_bytes(input: &Input, limits: &Limits) -> Result<Vec<u8>, Error> {
    let meta = match fs::metadata(&input.path) {
        Ok(m) => m,
        Err(e) if fs::symlink_metadata(&input.path).is_ok_and(|m| m.is_symlink()) => {
            return Err(Error::new(
                ErrorKind::Io,
                format!(
                    "符号链接指向的文件不存在，请修复或删除这个链接 \
                     (a broken symbolic link: what it points to is gone; fix or remove the link): {e}"
                ),
            ))
        }
        Err(e) => return Err(io_error(&e)),
    };
    if meta.is_dir() {
        return Err(match fs::read_dir(&input.path) {
            Err(e) => Error::new(
                ErrorKind::Io,
                format!(
                    "无法打开文件夹，其中的文件都未读取，请检查权限 \
                     (cannot open the folder, so none of its files were read; check its permissions): {e}"
                ),
            ),
            Ok(_) => Error::new(
                ErrorKind::Unsupported,
                "这是文件夹，不是文件 (a folder, not a file)".to_string(),
            ),
        });
    }
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > limits.max_file_bytes {
        return Err(Limits::exceeded("max_file_bytes", limits.max_file_bytes));
    }
    let file = open_no_wait(&input.path).map_err(|e| io_error(&e))?;
    // Swapped for a FIFO or device between the two looks: still refused.
    match file.metadata() {
        Ok(m) if !m.is_file() => return Err(not_regular(&m)),
        Err(e) => return Err(io_error(&e)),
        Ok(_) => {}
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    io::Read::read_to_end(
        &mut io::Read::take(file, limits.max_file_bytes.saturating_add(1)),
        &mut bytes,
    )
    .map_err(|e| io_error(&e))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Limits::exceeded("max_file_bytes", limits.max_file_bytes));
    }
    Ok(bytes)
}

/// Opens for reading without waiting for a writer (a FIFO swapped in).
fn open_no_wait(path: &Path) -> io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(path)
}

fn not_regular(meta: &fs::Metadata) -> Error {
    let (zh, en) = special_kind(meta);
    Error::new(
        ErrorKind::Unsupported,
        format!(
            "不是普通文件（{zh}），未读取：请把文档复制成普通文件再转换 \
             (not a regular file but a {en}: not read; copy the document to a regular file first)"
        ),
    )
}

fn special_kind(meta: &fs::Metadata) -> (&'static str, &'static str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return ("命名管道", "FIFO");
        }
        if t.is_char_device() {
            return ("字符设备", "character device");
        }
        if t.is_block_device() {
            return ("块设备", "block device");
        }
        if t.is_socket() {
            return ("套接字", "socket");
        }
    }
    let _ = meta;
    ("特殊文件", "special file")
}

pub(crate) fn io_error(e: &io::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("无法读取文件 (cannot read the file): {e}"),
    )
}
