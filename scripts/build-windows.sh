#!/usr/bin/env bash
# The Windows package: cross-builds jixiao.exe (x86_64-pc-windows-gnu, linked
# by Debian's mingw-w64) and packs dist/jixiao-windows-x86_64.zip with the
# exe, 启动网页版.bat (double-click: the page opens in the browser) and
# 使用说明.txt. The exe needs only DLLs every Windows 10/11 has.
#
# Needs: rustup (adds the target), Debian's gcc-mingw-w64-x86-64 (the linker
# and the C compiler for the bundled SQLite and mimalloc), python3 (packs the zip).
# Installs what is missing when run as root (.ci/install.d/windows.sh).
# JIXIAO_WINDOWS_PROFILE picks the cargo profile (default release),
# JIXIAO_WINDOWS_ZIP the zip's path (default dist/jixiao-windows-x86_64.zip).
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
profile=${JIXIAO_WINDOWS_PROFILE:-release}
bash .ci/install.d/windows.sh
rustup target list --installed 2>/dev/null | grep -qx "$target" || rustup target add "$target"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
# Both C dependencies (SQLite, mimalloc) are compiled by the cc crate, which
# finds x86_64-w64-mingw32-gcc by the target name.
start=$(date +%s)
cargo build --locked --profile "$profile" --target "$target" --bin jixiao
echo "windows: cargo build --profile $profile took $(( $(date +%s) - start )) s"
dir=target/$target/$profile
[ "$profile" = dev ] && dir=target/$target/debug
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/jixiao
out=${JIXIAO_WINDOWS_ZIP:-dist/jixiao-windows-x86_64.zip}
mkdir -p "$pkg" "$(dirname "$out")"
cp "$dir/jixiao.exe" "$pkg/"
# Windows wants CRLF in .bat and .txt files; the .bat is in the console's
# code page, so it holds ASCII only (the window's Chinese is printed by
# jixiao itself, as UTF-8 through the Windows console API).
sed 's/$/\r/' packaging/windows/start.bat > "$pkg/启动网页版.bat"
sed 's/$/\r/' packaging/windows/使用说明.txt > "$pkg/使用说明.txt"
rm -f "$out"
python3 - "$stage" "$out" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
# Fixed dates and order: the same inputs give the same zip.
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in sorted(os.walk(stage)):
        for f in sorted(files):
            p = os.path.join(root, f)
            info = zipfile.ZipInfo(os.path.relpath(p, stage), (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # UTF-8 names (启动网页版.bat)
            info.external_attr = 0o644 << 16
            with open(p, "rb") as fh:
                z.writestr(info, fh.read())
PY
ls -l "$out" "$dir/jixiao.exe"
