//! README's two commands are what the project runs: the test command in its
//! table, in its Testing section and in the 中文 quick start is the one
//! command `.ci/run` runs after its install steps.

use std::path::Path;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The command in the table row that starts with `| test`.
fn table_test_command(readme: &str) -> String {
    let row = readme
        .lines()
        .find(|l| l.starts_with("| test"))
        .expect("README's two-commands table has a test row");
    let cell = row.rsplit('|').nth(1).expect("the row has a command cell");
    cell.trim().trim_matches('`').to_string()
}

/// The first command of the ```sh block under `## Testing`.
fn testing_section_command(readme: &str) -> String {
    let section = readme
        .split("\n## Testing")
        .nth(1)
        .expect("README has a Testing section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .expect("the Testing section has a sh block");
    block.lines().next().unwrap_or("").trim().to_string()
}

/// The last command `.ci/run` runs (comments and blank lines aside).
fn ci_last_command(ci: &str) -> String {
    ci.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with('#'))
        .expect(".ci/run runs something")
        .to_string()
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let readme = read("README.md");
    let command = table_test_command(&readme);
    assert_eq!(command, "bash scripts/test.sh");
    assert_eq!(testing_section_command(&readme), command);
    let zh = readme
        .split("## 中文快速上手")
        .nth(1)
        .expect("README has a 中文 quick start");
    assert!(
        zh.contains(&format!("`{command}`")),
        "the 中文 quick start gives {command}"
    );
    assert_eq!(ci_last_command(&read(".ci/run")), command);
}

#[test]
fn ci_installs_before_it_tests() {
    let ci = read(".ci/run");
    let install = ci
        .find(".ci/install.d/")
        .expect(".ci/run runs the install steps");
    let test = ci
        .rfind("bash scripts/test.sh")
        .expect(".ci/run runs the test command");
    assert!(install < test, "install steps come first");
}

/// The ```console blocks of README: each a list of (command, printed lines).
fn console_blocks(readme: &str) -> Vec<Vec<(String, Vec<String>)>> {
    let mut blocks = Vec::new();
    for part in readme.split("```console\n").skip(1) {
        let body = part.split("\n```").next().unwrap_or("");
        let mut block: Vec<(String, Vec<String>)> = Vec::new();
        for line in body.lines() {
            match line.strip_prefix("$ ") {
                Some(cmd) => block.push((cmd.to_string(), Vec::new())),
                None => {
                    if let Some(last) = block.last_mut() {
                        last.1.push(line.to_string());
                    }
                }
            }
        }
        blocks.push(block);
    }
    blocks
}

/// The printed lines of the README command that starts with `cmd`.
fn readme_lines<'a>(blocks: &'a [Vec<(String, Vec<String>)>], cmd: &str) -> Vec<&'a [String]> {
    blocks
        .iter()
        .flatten()
        .filter(|(c, _)| c.starts_with(cmd))
        .map(|(_, out)| out.as_slice())
        .collect()
}

/// Seconds vary from run to run; everything else must not.
fn without_seconds(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(dot) = rest.find('.') {
        let (head, tail) = rest.split_at(dot);
        let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let frac = &tail[1..];
        if digits > 0
            && frac.len() >= 4
            && frac.as_bytes()[..2].iter().all(u8::is_ascii_digit)
            && (frac[2..].starts_with(" 秒") || frac[2..].starts_with(" s)"))
        {
            out.push_str(&head[..head.len() - digits]);
            out.push_str("N.NN");
            rest = &frac[2..];
        } else {
            out.push_str(head);
            out.push('.');
            rest = frac;
        }
    }
    out.push_str(rest);
    out
}

use crate::util::run::here as jixiao;

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(without_seconds)
        .collect()
}

fn expected(out: &[String]) -> Vec<String> {
    out.iter().map(|l| without_seconds(l)).collect()
}

/// README's quick start prints what the program prints: the summary line of
/// `convert samples/ -o out.csv`, then the CSV line `grep -m1 seed` finds.
#[test]
fn the_quick_start_prints_what_readme_shows() {
    let blocks = console_blocks(&read("README.md"));
    let convert = readme_lines(
        &blocks,
        "cargo run --release -- convert samples/ -o out.csv",
    );
    assert!(!convert.is_empty(), "README has the quick start");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("out.csv");
    let o = jixiao(&["convert", "samples/", "-o", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{o:?}");
    for shown in &convert {
        assert_eq!(
            lines(&o.stderr),
            expected(shown),
            "README's quick-start line"
        );
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    let first = text.lines().find(|l| l.contains("seed")).unwrap();
    for shown in readme_lines(&blocks, "grep -m1 seed out.csv") {
        assert_eq!(shown, [first.to_string()], "README's grep line");
    }
}

/// README's sqlite example: the first run loads every sample, the second
/// adds nothing; the lines printed are README's (the sqlite3 query between
/// them is run by scripts/test.d/50-sqlite.sh, which has the sqlite3 CLI).
#[test]
fn the_sqlite_example_prints_what_readme_shows() {
    let blocks = console_blocks(&read("README.md"));
    let shown = readme_lines(&blocks, "jixiao convert samples/ -o 档案.db");
    assert_eq!(shown.len(), 2, "README runs the load twice");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("档案.db");
    let db = db.to_str().unwrap();
    for run in shown {
        let o = jixiao(&["convert", "samples/", "-o", db]);
        assert!(o.status.success(), "{o:?}");
        let got: Vec<String> = lines(&o.stderr)
            .into_iter()
            .map(|l| l.replace(db, "档案.db"))
            .collect();
        assert_eq!(got, expected(run), "README's sqlite lines");
    }
}

/// README's `jixiao check` example is the report the program writes.
#[test]
fn the_check_example_prints_what_readme_shows() {
    let blocks = console_blocks(&read("README.md"));
    let cmd = "jixiao check samples/";
    let (line, shown) = blocks
        .iter()
        .flatten()
        .find(|(c, _)| c.starts_with(cmd))
        .expect("README has a check example");
    let args: Vec<&str> = line.split_whitespace().skip(1).collect();
    let o = jixiao(&args);
    assert_eq!(lines(&o.stdout), expected(shown), "README's check report");
}

#[test]
fn readme_synopsis_names_every_convert_flag() {
    let readme = read("README.md");
    let synopsis = readme
        .split("## Commands\n\n```\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("README has a Commands synopsis");
    let o = jixiao(&["convert", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout).to_string();
    let mut flags = 0;
    // Each option line of the help: `  -o, --output <OUTPUT>  …` or `      --strict  …`.
    for line in help
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
    {
        let names: Vec<&str> = line
            .split_whitespace()
            .take(2)
            .map(|w| w.trim_end_matches(','))
            .filter(|w| w.starts_with('-'))
            .collect();
        if names.iter().any(|n| ["--help", "--version"].contains(n)) {
            continue;
        }
        flags += 1;
        assert!(
            names.iter().any(
                |n| synopsis.contains(&format!("{n} ")) || synopsis.contains(&format!("[{n}]"))
            ),
            "README's synopsis lacks {names:?}"
        );
    }
    assert!(flags > 15, "{help}");
}
