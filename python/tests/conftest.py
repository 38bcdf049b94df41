"""Shared fixtures: where the repository, the samples and the CLI are.

The Python records are compared with what the CLI writes *now*, run at test
time, so the tests stay valid while the normaliser and writers change.
"""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
CORPUS = REPO.parent / "shared" / "corpus"


def cli_path() -> Path:
    """The CLI to compare with: $JIXIAO_BIN, else the debug build (cargo
    build --bin jixiao, a no-op after cargo test)."""
    env = os.environ.get("JIXIAO_BIN")
    if env:
        return Path(env)
    subprocess.run(
        ["cargo", "build", "-q", "--bin", "jixiao"], cwd=REPO, check=True
    )
    return REPO / "target" / "debug" / "jixiao"


@pytest.fixture(scope="session")
def cli():
    path = cli_path()

    def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(path), *args], cwd=cwd, capture_output=True, check=False
        )

    return run


def cli_json(cli, *inputs: str, cwd: Path = REPO) -> dict:
    r = cli("convert", "-q", *inputs, "--to", "json", cwd=cwd)
    assert r.returncode in (0, 1), r.stderr.decode()
    return json.loads(r.stdout)


def cli_jsonl(cli, *inputs: str, cwd: Path = REPO) -> list:
    r = cli("convert", "-q", *inputs, "--to", "jsonl", cwd=cwd)
    assert r.returncode in (0, 1), r.stderr.decode()
    return [json.loads(line) for line in r.stdout.decode().splitlines()]


def plain(v):
    """A Python record as the CLI's JSON spells it: Decimal → its text."""
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v
