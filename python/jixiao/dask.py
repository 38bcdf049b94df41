"""Dask: an archive of 绩效目标表 files as one Dask DataFrame of indicator rows.

Dask：把整个档案（大量绩效目标表文件）读成一个 Dask DataFrame，每个指标一行。

::

    from dask.distributed import Client
    import jixiao.dask

    client = Client(n_workers=4)
    df = jixiao.dask.read_archive("archive/**/*.docx")
    ok = df[df.error_kind.isna()]
    ok.to_parquet("indicators/")
"""

from __future__ import annotations

import glob
import os
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import jixiao
from jixiao import _native

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe

__all__ = ["ERROR_COLUMNS", "columns", "list_files", "read_archive"]

#: Columns a failed file fills (one row per failed file, its other columns
#: empty but ``source_file``). 转换失败的文件占一行，填写这两列。
ERROR_COLUMNS: List[str] = ["error_kind", "error_message"]

PathOrGlob = Union[str, "os.PathLike[str]"]


def columns() -> List[str]:
    """The frame's columns: :data:`jixiao.COLUMNS`, then :data:`ERROR_COLUMNS`."""
    return jixiao.COLUMNS + ERROR_COLUMNS


def list_files(paths_or_glob: Union[PathOrGlob, Iterable[PathOrGlob]]) -> List[Tuple[str, str]]:
    """The files :func:`read_archive` reads, as ``(path, name)`` pairs in order.

    列出 :func:`read_archive` 将读取的文件。

    A string with ``*``, ``?`` or ``[`` is a glob (``**`` spans folders),
    matched files in sorted order, named as matched. A folder is walked as
    the CLI walks it (recursively, office and text extensions, in path order,
    named like the CLI names them), so the rows equal ``jixiao convert FOLDER``.
    A file is read whatever its extension. A list may mix all three.

    含 ``*``、``?``、``[`` 的字符串为通配模式；文件夹按命令行相同的规则递归读取；文件直接读取。
    """
    if isinstance(paths_or_glob, (str, os.PathLike)):
        items: Sequence[PathOrGlob] = [paths_or_glob]
    else:
        items = list(paths_or_glob)
    out: List[Tuple[str, str]] = []
    for item in items:
        p = os.fspath(item)
        if isinstance(p, bytes):
            p = os.fsdecode(p)
        if any(c in p for c in "*?["):
            matched = sorted(m for m in glob.glob(p, recursive=True) if os.path.isfile(m))
            out.extend((m, m.replace("\\", "/")) for m in matched)
        else:
            out.extend((os.fspath(path), name) for path, name in _native.list_inputs([p]))
    return out


def _convert_chunk(
    files: List[Tuple[str, str]], limits: Optional[Dict[str, int]] = None, errors: str = "column"
) -> Any:
    """One partition: the rows of each file of the chunk, failed files as error rows."""
    records: List[Dict[str, Any]] = []
    for path, name in files:
        try:
            records.extend(jixiao.rows(path, name=name, limits=limits))
        except jixiao.ConvertError as e:
            if errors == "raise":
                raise
            records.append({"source_file": name, "error_kind": e.kind, "error_message": e.message})
    return jixiao.frame(records, columns())


def read_archive(
    paths_or_glob: Union[PathOrGlob, Iterable[PathOrGlob]],
    *,
    files_per_partition: int = 64,
    limits: Optional[Mapping[str, int]] = None,
    errors: str = "column",
) -> "dask.dataframe.DataFrame":
    """A Dask DataFrame of the indicator rows of every file.

    把一批文件读成 Dask DataFrame（每个指标一行）。

    Args:
        paths_or_glob: a glob (``"archive/**/*.docx"``), a folder, a file, or
            a list of them; see :func:`list_files`. The list is made here, in
            the client; workers read the files, so they must see the same paths.
            通配模式、文件夹、文件或它们的列表；各工作节点须能访问同样的路径。
        files_per_partition: files converted by one task (one partition).
            每个分区（任务）转换的文件数。
        limits: safety limits to change, as for :func:`jixiao.convert`.
        errors: ``"column"`` (default): a file that gives no records becomes
            one row with ``source_file``, ``error_kind`` (one of
            :data:`jixiao.KINDS`) and ``error_message``, other columns empty,
            so one bad file never fails the job; ``"raise"``: the task fails
            with :class:`jixiao.ConvertError`.
            ``"column"``：失败的文件占一行，写明错误种类和原因，作业照常进行；
            ``"raise"``：直接抛出 ConvertError。

    Returns:
        A frame with :func:`columns`: the flat rows of :func:`jixiao.rows`
        (decimals as exact strings) plus ``error_kind`` / ``error_message``,
        rows in file order within each partition and partitions in file order.
        Keep the good rows with ``df[df.error_kind.isna()]``.
    """
    if errors not in ("column", "raise"):
        raise ValueError(f"errors 须为 'column' 或 'raise' (errors must be 'column' or 'raise', got {errors!r})")
    if files_per_partition < 1:
        raise ValueError("files_per_partition 须 >= 1 (files_per_partition must be >= 1)")
    import dask.dataframe as dd

    files = list_files(paths_or_glob)
    if not files:
        raise FileNotFoundError(f"没有找到文件 (no files matched {paths_or_glob!r})")
    chunks = [files[i : i + files_per_partition] for i in range(0, len(files), files_per_partition)]
    lim = jixiao._limits(limits)
    return dd.from_map(
        _convert_chunk,
        chunks,
        limits=lim,
        errors=errors,
        meta=_convert_chunk([]),
        label="jixiao-convert",
        enforce_metadata=False,
    )
