#!/usr/bin/env bash
# The Windows package (scripts/build-windows.sh) under Debian's Wine: the
# zip holds the exe, the .bat and the instructions; jixiao.exe converts the
# samples to CSV (UTF-8 and GBK) and JSONL byte for byte as the Linux build
# does, and `serve` answers with the page. Wine 8.0 lacks
# bcryptprimitives.dll (Windows 10/11 have it; Rust's standard library takes
# its random seeds there), so a stand-in that forwards to RtlGenRandom
# (packaging/windows/test/bcryptprimitives.c) is built beside the unpacked
# exe for this run only: the zip never holds it.
# Needs .ci/install.d/windows.sh; outside CI it skips itself when that is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in wine x86_64-w64-mingw32-gcc; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        if [ "${CI:-}" = true ]; then
            echo "windows test: $tool missing (see .ci/install.d/windows.sh)" >&2
            exit 1
        fi
        echo "windows test skipped: $tool missing; run .ci/install.d/windows.sh first"
        exit 0
    fi
done
if [ -z "${JIXIAO_BIN:-}" ]; then
    cargo build --quiet --bin jixiao
    JIXIAO_BIN="$PWD/target/debug/jixiao"
fi
# The dev profile without debug info: the release build (thin LTO, one
# codegen unit) costs about 9½ min of CPU cold, the dev one a fraction, and
# the test is about what Windows does differently (paths, line ends, the
# console, code pages), which the profile does not change. The package
# itself is `bash scripts/build-windows.sh` (release).
zip=target/windows-test/jixiao-windows-x86_64.zip
JIXIAO_WINDOWS_PROFILE=${JIXIAO_WINDOWS_PROFILE:-dev} CARGO_PROFILE_DEV_DEBUG=false \
    JIXIAO_WINDOWS_ZIP=$zip bash scripts/build-windows.sh
work=$(mktemp -d)
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null
    WINEPREFIX="$work/prefix" wineserver -k 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*" >&2; }

python3 - "$zip" "$work/pkg" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = sorted(z.namelist())
want = ["jixiao/jixiao.exe", "jixiao/使用说明.txt", "jixiao/启动网页版.bat"]
assert names == want, names
bat = z.read("jixiao/启动网页版.bat")
assert b"jixiao.exe serve --open\r\n" in bat and b"pause" in bat, bat
assert all(b < 128 for b in bat), "the .bat is ASCII (any code page reads it)"
txt = z.read("jixiao/使用说明.txt").decode("utf-8-sig")
for words in ("启动网页版.bat", "Ctrl+C", "下载", "jixiao.exe convert"):
    assert words in txt, words
z.extractall(sys.argv[2])
PY
ok "the zip holds the exe, 启动网页版.bat and 使用说明.txt"
exe_dir=$work/pkg/jixiao
x86_64-w64-mingw32-gcc -shared -O2 -o "$exe_dir/bcryptprimitives.dll" \
    packaging/windows/test/bcryptprimitives.c -ladvapi32

export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wineboot -i >/dev/null 2>&1 || true
win() { wine "$exe_dir/jixiao.exe" "$@"; }

out=$work/out
mkdir -p "$out"
compare() {
    local name=$1
    shift
    "$JIXIAO_BIN" convert samples/ -q -o "$out/linux-$name" "$@"
    win convert samples/ -q -o "$out/windows-$name" "$@" 2>"$out/stderr-$name" || true
    if cmp -s "$out/linux-$name" "$out/windows-$name"; then
        ok "convert samples/ -o $name $*: byte for byte the Linux build's"
    else
        bad "convert samples/ -o $name $* differs from the Linux build (stderr: $(head -c 400 "$out/stderr-$name"))"
        diff <(head -c 3000 "$out/linux-$name") <(head -c 3000 "$out/windows-$name" 2>/dev/null) | head -20 >&2 || true
    fi
}
compare out.csv
compare out.jsonl
compare out-gbk.csv --encoding gbk --no-bom

# The page: what the .bat starts, without --open (no browser here).
win serve --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
url=
for _ in $(seq 1 60); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/serve.out" | head -1 || true)
    [ -n "$url" ] && break
    sleep 1
done
if [ -n "$url" ] && python3 - "$url" <<'PY'
import sys, urllib.request
page = urllib.request.urlopen(sys.argv[1], timeout=20).read().decode("utf-8")
assert "绩效目标表转换" in page, page[:200]
PY
then
    ok "serve: the page answers at $url"
else
    bad "serve: no page (stdout: $(cat "$work/serve.out"); stderr: $(head -c 400 "$work/serve.err"))"
fi
if grep -q "Ctrl-C" "$work/serve.out"; then
    ok "serve says how to stop it"
else
    bad "serve's window does not say how to stop it: $(cat "$work/serve.out")"
fi

echo "windows: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
