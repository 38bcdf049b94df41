"""jixiao.dask.read_archive on a real LocalCluster (2 worker processes) over
samples/ copied 50×, against the CLI over the same files."""

from __future__ import annotations

import shutil

import pytest

import jixiao
import jixiao.dask
from conftest import SAMPLES, cli_jsonl

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

COPIES = 50


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    for i in range(COPIES):
        shutil.copytree(SAMPLES, root / f"c{i:02}")
    # One file that gives no records, to show errors as a column.
    (root / "c00" / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    return root


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as c:
        yield c


def key(r):
    return (r["source_file"], r["table"] or 0, r["locator"] or "")


def records(df):
    import pandas as pd

    return [
        {k: (None if pd.isna(v) else v) for k, v in r.items()}
        for r in df.to_dict("records")
    ]


def test_a_cluster_gives_the_cli_rows(archive, client, cli):
    assert len(client.scheduler_info()["workers"]) == 2
    df = jixiao.dask.read_archive(archive, files_per_partition=50)
    files = jixiao.dask.list_files(archive)
    assert df.npartitions == -(-len(files) // 50) > 2
    got = records(df.compute())
    rows = [r for r in got if r["error_kind"] is None]
    errors = [r for r in got if r["error_kind"] is not None]

    want = cli_jsonl(cli, str(archive))
    assert len(want) == COPIES * len(cli_jsonl(cli, str(SAMPLES)))
    strip = [{k: v for k, v in r.items() if k not in ("error_kind", "error_message")} for r in rows]
    assert sorted(strip, key=key) == sorted(want, key=key)
    # Partitions come back in file order, rows in file order within them.
    assert strip == want
    assert [(e["source_file"], e["error_kind"]) for e in errors] == [
        (str(archive / "c00" / "broken.docx"), "corrupt")
    ]
    assert all(e["error_message"] for e in errors)


def test_errors_can_fail_the_task(archive, client):
    df = jixiao.dask.read_archive([archive / "c00" / "broken.docx"], errors="raise")
    with pytest.raises(jixiao.ConvertError) as e:
        df.compute()
    assert e.value.kind == "corrupt"


def test_globs_lists_and_meta(archive):
    got = jixiao.dask.list_files(str(archive / "c0*" / "*.xlsx"))
    assert len(got) == 10 * 3
    assert all(p == n and n.endswith(".xlsx") for p, n in got)
    df = jixiao.dask.read_archive(str(archive / "c01" / "**" / "*.txt"))
    assert list(df.columns) == jixiao.dask.columns()
    with pytest.raises(FileNotFoundError):
        jixiao.dask.read_archive(str(archive / "nothing-*.docx"))
