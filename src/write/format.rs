//! The output registry: every format a command can write (`convert --to`,
//! `check --to`, `diff --to`, serve's downloads), each said once — its name,
//! the extensions that name it, whether it needs a file (`-o`), what it is
//! served as, and how it is written ([`Writing`]). Each command takes its
//! formats from here ([`Format::CONVERT`], [`Format::CHECK`],
//! [`Format::DIFF`], [`Format::SERVE`]) and dispatches on [`Format::writing`].

use std::path::Path;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A report as plain text (`check`, `diff`): no records.
    Text,
    Json,
    Jsonl,
    Csv,
    Xlsx,
    /// An SQLite database later runs append to ([`super::sqlite`]).
    Sqlite,
}

/// How a format is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writing {
    /// Each table rendered to bytes on the workers ([`super::render`]) and
    /// joined in input order by an [`super::Output`].
    Rendered,
    /// The tables kept and built into one workbook when the output
    /// finishes ([`super::xlsx::Book`]).
    Workbook,
    /// Loaded into a database, one transaction a run ([`super::sqlite`]).
    Database,
    /// A report's text (`check`, `diff`).
    Text,
}

/// One row of the registry.
struct Spec {
    format: Format,
    /// As `--to` and serve's `?format=` take it.
    name: &'static str,
    /// The extensions that name it (an output file's, lower case); the
    /// first is the one a file of it is given.
    extensions: &'static [&'static str],
    /// Never written to the screen: `-o` (or `--out-dir`) is needed.
    needs_file: bool,
    /// Its media type, for a download.
    media_type: &'static str,
    writing: Writing,
}

const SPECS: [Spec; 6] = [
    Spec {
        format: Format::Text,
        name: "text",
        extensions: &["txt"],
        needs_file: false,
        media_type: "text/plain; charset=utf-8",
        writing: Writing::Text,
    },
    Spec {
        format: Format::Json,
        name: "json",
        extensions: &["json"],
        needs_file: false,
        media_type: "application/json; charset=utf-8",
        writing: Writing::Rendered,
    },
    Spec {
        format: Format::Jsonl,
        name: "jsonl",
        extensions: &["jsonl", "ndjson"],
        needs_file: false,
        media_type: "application/x-ndjson",
        writing: Writing::Rendered,
    },
    Spec {
        format: Format::Csv,
        name: "csv",
        extensions: &["csv"],
        needs_file: false,
        media_type: "text/csv; charset=utf-8",
        writing: Writing::Rendered,
    },
    Spec {
        format: Format::Xlsx,
        name: "xlsx",
        extensions: &["xlsx"],
        needs_file: true,
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        writing: Writing::Workbook,
    },
    Spec {
        format: Format::Sqlite,
        name: "sqlite",
        extensions: &["db", "sqlite", "sqlite3"],
        needs_file: true,
        media_type: "application/vnd.sqlite3",
        writing: Writing::Database,
    },
];

// Every variant has its row, at its own index: checked when compiling.
const _: () = {
    let mut i = 0;
    while i < SPECS.len() {
        assert!(SPECS[i].format as usize == i);
        i += 1;
    }
    assert!(SPECS.len() == Format::Sqlite as usize + 1);
};

impl Format {
    /// `convert --to`, in the order its help lists them.
    pub const CONVERT: &'static [Format] = &[
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Xlsx,
        Format::Sqlite,
    ];
    /// `check --to`: the findings report.
    pub const CHECK: &'static [Format] = &[
        Format::Text,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Xlsx,
    ];
    /// `diff --to`: the changes report.
    pub const DIFF: &'static [Format] = &[Format::Text, Format::Json, Format::Xlsx];
    /// `serve`'s downloads (`?format=`).
    pub const SERVE: &'static [Format] = &[Format::Json, Format::Csv, Format::Xlsx];

    fn spec(self) -> &'static Spec {
        // SPECS lists every variant at its own index (checked above).
        &SPECS[self as usize]
    }

    /// Its name, as `--to` takes it.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The extension a file in this format is given.
    pub fn extension(self) -> &'static str {
        self.spec().extensions[0]
    }

    /// Whether it can only be written to a file (`-o`).
    pub fn needs_file(self) -> bool {
        self.spec().needs_file
    }

    pub fn media_type(self) -> &'static str {
        self.spec().media_type
    }

    pub fn writing(self) -> Writing {
        self.spec().writing
    }

    /// The format of this name among `among`.
    pub fn named(name: &str, among: &[Format]) -> Option<Format> {
        among.iter().copied().find(|f| f.name() == name)
    }

    /// The format among `among` that a file's extension names.
    pub fn of_path(path: &Path, among: &[Format]) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_lowercase();
        among
            .iter()
            .copied()
            .find(|f| f.spec().extensions.contains(&ext.as_str()))
    }

    /// The usage error when a format that [`needs_file`](Format::needs_file)
    /// has none; `stem` names the example file (结果, 问题, 变化). A
    /// database is always an archive (档案).
    pub fn file_needed(self, stem: &str) -> String {
        match self.writing() {
            Writing::Database => format!(
                "{} 需要数据库文件：请加 -o 档案.{} ({} output needs -o FILE.{})",
                self.name(),
                self.extension(),
                self.name(),
                self.extension()
            ),
            _ => format!(
                "{} 需要输出文件：请加 -o {stem}.{} ({} output needs -o FILE.{})",
                self.name(),
                self.extension(),
                self.name(),
                self.extension()
            ),
        }
    }

    /// `convert`'s format from `--to` and `-o`, which must agree: a file is
    /// never named for one format and holding another. JSON when neither
    /// says; a database needs `-o`.
    pub fn for_convert(to: Option<Format>, output: Option<&Path>) -> Result<Format, String> {
        let named = output.and_then(|o| Format::of_path(o, Format::CONVERT));
        let format = match (to, output, named) {
            (Some(t), Some(o), Some(n)) if t != n => {
                let renamed = o.with_extension(t.extension());
                return Err(format!(
                    "--to {} 与输出文件 {} 的扩展名（{}）不符：请去掉 --to，或把文件名改为 {} \
                     (--to {} disagrees with -o {}, which names {} output: drop --to or use -o {})",
                    t.name(),
                    o.display(),
                    n.name(),
                    renamed.display(),
                    t.name(),
                    o.display(),
                    n.name(),
                    renamed.display()
                ));
            }
            (Some(t), _, _) => t,
            (None, Some(_), Some(n)) => n,
            (None, Some(o), None) => {
                return Err(format!(
                    "看不出输出文件 {} 要写成哪种格式：请用 .csv、.xlsx、.json、.jsonl 或 .db 结尾，或加 --to csv|xlsx|json|jsonl|sqlite \
                     (cannot tell the format of -o {}: end it in .csv, .xlsx, .json, .jsonl or .db, or add --to)",
                    o.display(),
                    o.display()
                ))
            }
            (None, None, _) => Format::Json,
        };
        if format.writing() == Writing::Database && output.is_none() {
            return Err(format.file_needed(""));
        }
        Ok(format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_lists_every_format_once_in_order() {
        for (i, s) in SPECS.iter().enumerate() {
            assert_eq!(s.format as usize, i, "{}", s.name);
            assert_eq!(s.format.spec().name, s.name);
            assert_eq!(Format::named(s.name, &[s.format]), Some(s.format));
        }
    }

    #[test]
    fn extensions_name_formats_within_a_command() {
        let of = |p: &str, among| Format::of_path(Path::new(p), among);
        assert_eq!(of("a/结果.CSV", Format::CONVERT), Some(Format::Csv));
        assert_eq!(of("x.ndjson", Format::CONVERT), Some(Format::Jsonl));
        assert_eq!(of("x.sqlite3", Format::CONVERT), Some(Format::Sqlite));
        assert_eq!(of("x.txt", Format::CONVERT), None);
        assert_eq!(of("x.txt", Format::CHECK), Some(Format::Text));
        assert_eq!(of("x", Format::CONVERT), None);
    }

    #[test]
    fn messages_for_a_missing_file() {
        assert_eq!(
            Format::Xlsx.file_needed("结果"),
            "xlsx 需要输出文件：请加 -o 结果.xlsx (xlsx output needs -o FILE.xlsx)"
        );
        assert_eq!(
            Format::Sqlite.file_needed("结果"),
            "sqlite 需要数据库文件：请加 -o 档案.db (sqlite output needs -o FILE.db)"
        );
    }
}
