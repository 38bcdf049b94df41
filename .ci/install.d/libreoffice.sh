#!/usr/bin/env bash
# LibreOffice Calc (headless) and poppler's pdftoppm for scripts/check-form-print.sh (run by scripts/test.d/70-form-print.sh):
# the printable form is checked by converting it to PDF and rendering the pages.
set -euo pipefail
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui poppler-utils fonts-noto-cjk >/dev/null
