#!/usr/bin/env bash
# LibreOffice Calc (headless) and poppler's pdftoppm for scripts/check-form-print.sh
# (run by scripts/test.d/70-form-print.sh): the printable form and the flat
# workbook are checked by converting them to PDF and rendering the pages.
# Bare Debian 12: libreoffice-calc-nogui poppler-utils fonts-noto-cjk python3.
# (Making the .odt and .doc samples by hand, samples/make-*-samples.sh, also
# needs libreoffice-writer-nogui.)
set -euo pipefail
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null && command -v python3 >/dev/null; then
    exit 0
fi
bash "$(dirname "$0")/../apt-install.sh" libreoffice-calc-nogui poppler-utils fonts-noto-cjk python3
