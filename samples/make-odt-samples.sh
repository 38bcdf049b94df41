#!/usr/bin/env bash
# Makes the OpenDocument text (.odt) twin of every Word sample with
# LibreOffice Writer. tests/doc.rs checks that each twin gives the same
# records as its .docx.
# Needs: apt-get install -y libreoffice-writer-nogui
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
soffice --headless -env:UserInstallation=file://"$out"/profile \
  --convert-to odt --outdir "$out" "$PWD"/word-*.docx >/dev/null
for f in "$out"/word-*.odt; do mv "$f" .; done
