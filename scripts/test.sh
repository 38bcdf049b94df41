#!/usr/bin/env bash
# The whole test suite: README's test command. cargo test first, then every
# suite in scripts/test.d/ (Python package, browser, print checks), in order.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test
for suite in scripts/test.d/*.sh; do
    [ -e "$suite" ] || continue
    echo "== $suite"
    bash "$suite"
done
