"""The Dask examples of README.md and docs/scaling.md, run as scripts
exactly as a reader copies them (against the pinned dask of
requirements-test.txt): each ```python block that uses jixiao.dask is
written to a file and run with `python script.py` in a folder whose
`archive/` holds the samples. Only the worker count is lowered to 2 (the CI
machine has 2 cores); nothing else is changed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, SAMPLES, cli_jsonl

pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")


def blocks(doc: str) -> list[str]:
    text = (REPO / doc).read_text(encoding="utf-8")
    return [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "jixiao.dask" in b]


EXAMPLES = [(doc, i, code) for doc in ("README.md", "docs/scaling.md") for i, code in enumerate(blocks(doc))]


def test_the_docs_have_dask_examples():
    assert {doc for doc, _, _ in EXAMPLES} == {"README.md", "docs/scaling.md"}


@pytest.mark.parametrize("doc,i,code", EXAMPLES, ids=[f"{d}#{i}" for d, i, _ in EXAMPLES])
def test_a_dask_example_runs_as_a_script(tmp_path, cli, doc, i, code):
    shutil.copytree(SAMPLES, tmp_path / "archive")
    script = tmp_path / "example.py"
    script.write_text(re.sub(r"n_workers=\d+", "n_workers=2", code), encoding="utf-8")
    r = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, f"{doc} example {i} failed:\n{r.stdout}\n{r.stderr}"
    # What it wrote: the indicator rows of the archive's Word files, as the CLI gives them.
    got = pq.read_table(tmp_path / "indicators").num_rows
    want = [
        row
        for f in sorted((tmp_path / "archive").glob("*.docx"))
        for row in cli_jsonl(cli, str(f.relative_to(tmp_path)), cwd=tmp_path)
    ]
    assert got == len(want), (got, len(want))
