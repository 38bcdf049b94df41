#!/usr/bin/env bash
# The sqlite3 CLI for scripts/test.d/50-sqlite.sh (the database jixiao
# writes must open in it). jixiao itself links SQLite in (rusqlite bundled).
# Bare Debian 12: sqlite3, and python3 (the suite reads JSON with it).
set -euo pipefail
command -v sqlite3 >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 && exit 0
bash "$(dirname "$0")/../apt-install.sh" sqlite3 python3
