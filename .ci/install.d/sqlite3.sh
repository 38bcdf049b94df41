#!/usr/bin/env bash
# The sqlite3 CLI for scripts/test.d/50-sqlite.sh (the database jixiao
# writes must open in it). jixiao itself links SQLite in (rusqlite bundled).
set -euo pipefail
if ! command -v sqlite3 >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends sqlite3 >/dev/null
fi
