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
