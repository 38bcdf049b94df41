#!/usr/bin/env bash
# `convert --to sqlite`: the database opens in the sqlite3 CLI, the query
# documented in README (indicators per table) matches the JSON output's
# counts, and a second run adds nothing. Needs .ci/install.d/sqlite3.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v sqlite3 >/dev/null 2>&1; then
    if [ "${CI:-}" = true ]; then
        echo "sqlite test: sqlite3 missing (see .ci/install.d/sqlite3.sh)" >&2
        exit 1
    fi
    echo "sqlite test skipped: run .ci/install.d/sqlite3.sh first"
    exit 0
fi
# The binary `cargo test` built (scripts/test.sh exports JIXIAO_BIN: no
# second build of it); run alone, this suite builds it.
if [ -z "${JIXIAO_BIN:-}" ]; then
    cargo build --quiet --bin jixiao
    JIXIAO_BIN="$PWD/target/debug/jixiao"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$JIXIAO_BIN
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAILED: $*" >&2; }

$bin convert samples/ --to sqlite -o "$tmp/archive.db" -q
query="SELECT t.file, t.table_no, COUNT(i.id) FROM tables t LEFT JOIN indicators i ON i.table_id = t.id GROUP BY t.id ORDER BY t.file, t.table_no;"
sqlite3 "$tmp/archive.db" "$query" > "$tmp/db.txt"
$bin convert samples/ -q | python3 -c '
import json, sys
d = json.load(sys.stdin)
rows = sorted((t["source"]["file"], t["source"]["table"], len(t["indicators"])) for t in d["tables"])
for f, n, c in rows: print(f"{f}|{n}|{c}")' > "$tmp/json.txt"
if diff -u "$tmp/json.txt" "$tmp/db.txt"; then ok; else bad "indicator counts differ from the JSON output"; fi

before=$(sqlite3 "$tmp/archive.db" "SELECT COUNT(*) FROM indicators;")
$bin convert samples/ --to sqlite -o "$tmp/archive.db" -q
after=$(sqlite3 "$tmp/archive.db" "SELECT COUNT(*) FROM indicators;")
if [ "$before" = "$after" ]; then ok; else bad "a second run added rows ($before → $after)"; fi

got=$(sqlite3 "$tmp/archive.db" "SELECT budget_total, typeof(budget_total) FROM tables WHERE file = 'samples/seed-tianjin-wuqing.txt' AND table_no = 1;")
if [ "$got" = "0.80|text" ]; then ok; else bad "decimals are not exact TEXT: $got"; fi

# README's query, run as README runs it, prints README's table
# (tests/readme.rs checks the lines jixiao itself prints around it).
python3 - README.md "$tmp/readme-query.sh" "$tmp/readme-table.txt" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
block = next(b for b in re.findall(r"```console\n(.*?)```", text, re.S) if "$ sqlite3" in b)
lines = block.splitlines()
start = next(i for i, l in enumerate(lines) if l.startswith("$ sqlite3"))
end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith(';"'))
nxt = next((i for i in range(end + 1, len(lines)) if lines[i].startswith("$ ")), len(lines))
open(sys.argv[2], "w", encoding="utf-8").write("\n".join([lines[start][2:]] + lines[start + 1:end + 1]) + "\n")
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(lines[end + 1:nxt]) + "\n")
PY
mkdir -p "$tmp/readme"
"$bin" convert samples/ -q -o "$tmp/readme/档案.db"
(cd "$tmp/readme" && bash "$tmp/readme-query.sh") | sed "s/ *$//" > "$tmp/readme-got.txt"
if diff -u "$tmp/readme-table.txt" "$tmp/readme-got.txt"; then ok; else bad "README's sqlite3 query prints another table"; fi

echo "sqlite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
