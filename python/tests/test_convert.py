"""jixiao.convert / rows / to_pandas / to_arrow against the CLI, sample by sample."""

from __future__ import annotations

import importlib.metadata
import json
import os
import pickle
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

import jixiao
from conftest import CORPUS, REPO, SAMPLES, cli_json, cli_jsonl, plain


def _native_list(folder):
    """(path, name) as the CLI walks `folder` from the repository root."""
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        return [(str(REPO / p), n) for p, n in jixiao._native.list_inputs([folder])]
    finally:
        os.chdir(cwd)


SAMPLES_LIST = _native_list("samples")


def test_the_samples_are_all_there():
    assert len(SAMPLES_LIST) >= 13
    assert all(name.startswith("samples/") for _, name in SAMPLES_LIST)


@pytest.fixture(scope="module")
def cli_doc(cli):
    return cli_json(cli, "samples")


@pytest.fixture(scope="module")
def cli_rows(cli):
    return cli_jsonl(cli, "samples")


@pytest.mark.parametrize("path,name", SAMPLES_LIST, ids=[n for _, n in SAMPLES_LIST])
def test_tables_equal_the_cli_json(path, name, cli_doc):
    want = [t for t in cli_doc["tables"] if t["source"]["file"] == name]
    assert want, f"the CLI found no table in {name}"
    got = jixiao.convert(path, name=name)
    assert plain(got) == want


@pytest.mark.parametrize("path,name", SAMPLES_LIST, ids=[n for _, n in SAMPLES_LIST])
def test_bytes_and_path_give_the_same_tables(path, name):
    assert jixiao.convert(Path(path).read_bytes(), name=name) == jixiao.convert(Path(path), name=name)


def test_the_name_defaults_to_the_path_as_given(monkeypatch):
    monkeypatch.chdir(REPO)
    t = jixiao.convert("samples/seed-tianjin-wuqing.txt")
    assert t[0]["source"]["file"] == "samples/seed-tianjin-wuqing.txt"
    data = Path("samples/seed-tianjin-wuqing.txt").read_bytes()
    assert jixiao.convert(data)[0]["source"]["file"] == "<bytes>"


def test_rows_equal_the_cli_jsonl(cli_rows):
    got = []
    for path, name in SAMPLES_LIST:
        got.extend(jixiao.rows(path, name=name))
    assert got == cli_rows
    assert list(got[0]) == jixiao.COLUMNS
    assert jixiao.COLUMNS[-1] == "notes" and jixiao.COLUMNS_ZH[-1] == "说明"
    # The 说明 column is exercised, not only present.
    assert any(r["notes"] for r in got), "no sample row carries notes: the notes column went untested"


def decimals_of(table):
    """Every value at a decimal place of SCHEMA, with where it is."""
    for k in ("total", "fiscal", "other"):
        yield f"budget.{k}", table["budget"][k]
    for i, ind in enumerate(table["indicators"]):
        for k in ("weight", "score"):
            yield f"indicators[{i}].{k}", ind[k]
        for v in ("target", "actual"):
            if ind[v] is not None:
                for k in ("value", "upper"):
                    yield f"indicators[{i}].{v}.{k}", ind[v][k]


def test_decimals_are_exact_decimal_objects(cli_doc):
    seen = 0
    for path, name in SAMPLES_LIST:
        for t in jixiao.convert(path, name=name):
            for where, v in decimals_of(t):
                assert v is None or isinstance(v, Decimal), (name, where, v)
                seen += v is not None
            # No float anywhere in a record.
            assert "float" not in {type(x).__name__ for x in _leaves(t)}
    assert seen > 100
    seed = jixiao.convert(SAMPLES / "seed-tianjin-wuqing.txt")[0]
    assert seed["budget"]["total"] == Decimal("0.80")
    assert str(seed["budget"]["total"]) == "0.80"  # the written scale is kept
    # Sums stay exact, unlike floats (0.1 + 0.2 != 0.3).
    assert Decimal("0.10") + Decimal("0.20") == Decimal("0.30")
    quantities = [i["target"]["value"] for i in seed["indicators"] if i["target"] and i["target"]["value"] is not None]
    assert all(isinstance(q, Decimal) for q in quantities) and quantities


def test_big_money_keeps_every_digit():
    text = (Path(SAMPLES) / "seed-tianjin-wuqing.txt").read_text(encoding="utf-8")
    big = text.replace("0.80", "12345678901234567.89", 1)
    t = jixiao.convert(big.encode("utf-8"), name="big.txt")[0]
    assert t["budget"]["total"] == Decimal("12345678901234567.89")
    assert float(t["budget"]["total"]) != t["budget"]["total"]  # a float could not hold it


def _leaves(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from _leaves(x)
    elif isinstance(v, list):
        for x in v:
            yield from _leaves(x)
    else:
        yield v


def test_version_is_the_library_and_package_version():
    cargo = (REPO / "Cargo.toml").read_text()
    version = re.search(r'^version = "([^"]+)"', cargo, re.M).group(1)
    assert jixiao.__version__ == version
    assert importlib.metadata.version("jixiao") == version


def test_to_pandas_holds_the_rows_with_fixed_dtypes():
    pd = pytest.importorskip("pandas")
    path = SAMPLES / "sheet-flat-export.xlsx"
    rows = jixiao.rows(path)
    df = jixiao.to_pandas(path)
    assert list(df.columns) == jixiao.COLUMNS
    assert len(df) == len(rows)
    assert str(df["year"].dtype) == "Int64"
    assert all(str(df[c].dtype) == "string" for c in jixiao.COLUMNS if c not in ("table", "seq", "year"))
    back = [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in df.to_dict("records")]
    assert back == rows


def test_to_arrow_holds_the_rows_with_decimals_as_text():
    pa = pytest.importorskip("pyarrow")
    path = SAMPLES / "seed-tianjin-wuqing.txt"
    t = jixiao.to_arrow(path)
    assert t.schema == jixiao.arrow_schema()
    assert t.column("budget_total").type == pa.string()
    assert t.to_pylist() == jixiao.rows(path)
    exact = pa.compute.cast(t.column("budget_total"), pa.decimal128(38, 2))
    assert exact[0].as_py() == Decimal("0.80")


# --- errors: the same closed kinds and messages as the CLI ---------------------------------


def _docx_bytes():
    return (SAMPLES / "word-seed-merged.docx").read_bytes()


ERROR_CASES = {
    "unreadable": lambda d: (d / "noise.bin", bytes(range(256)) * 8),
    "corrupt": lambda d: (d / "cut.docx", _docx_bytes()[: len(_docx_bytes()) // 2]),
    "unsupported": lambda d: (d / "a.rtf", b"{\\rtf1\\ansi hello}"),
    "no_tables": lambda d: (d / "plain.txt", "没有表格的文本\n".encode("utf-8")),
}


@pytest.mark.parametrize("kind", sorted(ERROR_CASES))
def test_error_kinds_match_the_cli(kind, tmp_path, cli):
    path, data = ERROR_CASES[kind](tmp_path)
    path.write_bytes(data)
    with pytest.raises(jixiao.ConvertError) as e:
        jixiao.convert(path, name=path.name)
    want = cli_json(cli, path.name, cwd=tmp_path)["errors"]
    assert want == [{"file": path.name, "kind": e.value.kind, "message": e.value.message}]
    assert e.value.kind == kind
    assert e.value.file == path.name
    assert e.value.kind in jixiao.KINDS
    with pytest.raises(jixiao.ConvertError):
        jixiao.rows(data, name=path.name)


def test_too_large_and_io(tmp_path):
    with pytest.raises(jixiao.ConvertError) as e:
        jixiao.convert(SAMPLES / "seed-tianjin-wuqing.txt", limits={"max_file_bytes": 10})
    assert e.value.kind == "too_large" and "max_file_bytes=10" in e.value.message
    with pytest.raises(jixiao.ConvertError) as e:
        jixiao.convert(_docx_bytes(), limits={"max_file_bytes": 10})
    assert e.value.kind == "too_large"
    with pytest.raises(jixiao.ConvertError) as e:
        jixiao.convert(tmp_path / "missing.docx")
    assert e.value.kind == "io"
    with pytest.raises(ValueError, match="no limit named"):
        jixiao.convert(b"", limits={"max_nothing": 1})
    with pytest.raises(ValueError):
        jixiao.convert(b"", limits={"max_file_bytes": -1})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_not_waited_on(tmp_path):
    # The CLI's own read: only regular files, so a worker never blocks on a pipe.
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    with pytest.raises(jixiao.ConvertError) as e:
        jixiao.convert(fifo)
    assert e.value.kind == "unsupported"


def test_convert_error_pickles_for_worker_processes():
    with pytest.raises(jixiao.ConvertError) as e:
        jixiao.convert(b"\x00\x01garbage", name="x.bin")
    back = pickle.loads(pickle.dumps(e.value))
    assert (back.kind, back.message, back.file) == (e.value.kind, e.value.message, "x.bin")
    assert str(back).startswith(f"[{back.kind}] x.bin: ")


@pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").exists(), reason="../shared/corpus not present")
def test_every_corpus_file_gives_what_the_cli_gives(cli):
    """Records or an error of the same kind and message, for the ~400 real,
    corrupt, encrypted and hostile files of the shared corpus (read in place)."""
    doc = cli_json(cli, str(CORPUS))
    want_tables = defaultdict(list)
    for t in doc["tables"]:
        want_tables[t["source"]["file"]].append(t)
    want_errors = {e["file"]: (e["kind"], e["message"]) for e in doc["errors"]}
    files = jixiao._native.list_inputs([str(CORPUS)])
    assert len(files) > 300
    kinds = defaultdict(int)
    for path, name in files:
        try:
            got = plain(jixiao.convert(path, name=name))
        except jixiao.ConvertError as e:
            kinds[e.kind] += 1
            assert want_errors.get(name) == (e.kind, e.message), name
            continue
        assert name not in want_errors, name
        assert got == want_tables[name], name
    assert kinds["encrypted"] > 5 and kinds["corrupt"] > 5, dict(kinds)


def test_the_engine_examples_compile():
    """The PySpark and Ray examples are not run here (Java, large packages),
    but they must at least be valid Python."""
    for p in sorted((REPO / "python" / "examples").glob("*.py")):
        compile(p.read_text(encoding="utf-8"), str(p), "exec")
