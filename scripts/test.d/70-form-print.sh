#!/usr/bin/env bash
# The printable form through LibreOffice: scripts/check-form-print.sh.
set -euo pipefail
exec bash "$(dirname "$0")/../check-form-print.sh"
