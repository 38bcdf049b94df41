#!/usr/bin/env bash
# Makes the Word 97-2003 (.doc) twin of every Word sample with LibreOffice,
# and a .wps copy of one (WPS Writer saves Word 97 binaries under .wps).
# tests/doc.rs checks that each twin gives the same records as its .docx.
# Needs: apt-get install -y libreoffice-writer-nogui
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
soffice --headless -env:UserInstallation=file://"$out"/profile \
  --convert-to doc --outdir "$out" "$PWD"/word-*.docx >/dev/null
for f in "$out"/word-*.doc; do mv "$f" .; done
cp word-seed-merged.doc word-seed-merged.wps
