//! The closed set of reasons a file gives no records. Problems a conversion
//! survives are not errors: they are `notes` on the table.

use serde::Serialize;
use std::fmt;

/// Why a file could not be converted. The set is closed: scripts may match on
/// the names printed in `errors[].kind` and the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Not a format jixiao reads, or not recognisable at all.
    Unreadable,
    /// A known format, but damaged (truncated zip, broken XML, missing part).
    Corrupt,
    /// Password-protected: the content cannot be read without the password.
    Encrypted,
    /// A known format jixiao does not read (yet), such as Word 97-2003 .doc.
    Unsupported,
    /// Past one of the safety limits (file size, inflated size, XML depth…).
    TooLarge,
    /// Read fine, but holds no 绩效目标表.
    NoTables,
    /// The file could not be opened or read from disk.
    Io,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Unreadable => "unreadable",
            ErrorKind::Corrupt => "corrupt",
            ErrorKind::Encrypted => "encrypted",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::NoTables => "no_tables",
            ErrorKind::Io => "io",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file-level failure: its kind and a message a clerk can act on (what is
/// wrong and what to do), in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub fn corrupt(what: impl fmt::Display) -> Error {
        Error::new(
            ErrorKind::Corrupt,
            format!("文件已损坏，请重新导出 (file is damaged: {what}; export it again)"),
        )
    }

    pub fn encrypted() -> Error {
        Error::new(
            ErrorKind::Encrypted,
            "文件有密码保护，请去掉密码后重新导出 (file is password-protected: remove the password and export again)",
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.kind, self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
