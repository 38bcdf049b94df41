#!/usr/bin/env bash
# Installs the Debian packages named that are not installed yet (one
# `apt-get update` first); as root or through sudo. Used by the steps in
# .ci/install.d/ (which name the packages each needs on a bare Debian 12).
set -euo pipefail
need=()
for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
