#!/usr/bin/env bash
# The Windows package (scripts/build-windows.sh) and its test under Wine
# (scripts/test.d/80-windows.sh): Debian's mingw-w64 cross compiler (linker
# and C compiler for x86_64-pc-windows-gnu) and Wine 8 (64-bit only: the
# exe is 64-bit, so no i386 architecture is added), plus rustup's
# x86_64-pc-windows-gnu standard library.
# Bare Debian 12: gcc-mingw-w64-x86-64 wine wine64 (and rustup, as for Rust).
set -euo pipefail
if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || ! command -v wine >/dev/null 2>&1; then
    bash "$(dirname "$0")/../apt-install.sh" gcc-mingw-w64-x86-64 wine wine64
fi
if command -v rustup >/dev/null 2>&1; then
    rustup target list --installed | grep -qx x86_64-pc-windows-gnu ||
        rustup target add x86_64-pc-windows-gnu
fi
