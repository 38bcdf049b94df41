"""jixiao: Chinese budget performance target tables (绩效目标表) into records.

jixiao：把 Word、Excel 和文本里的绩效目标表转换成结构化记录。

The conversion is the Rust library's own (the same records as the ``jixiao``
command line), run without holding the GIL, so threads convert in parallel
and Dask, Spark or Ray call it as an ordinary function::

    import jixiao
    tables = jixiao.convert("samples/word-seed-merged.docx")   # SCHEMA JSON tables
    rows = jixiao.rows(open("a.xlsx", "rb").read(), name="a.xlsx")  # flat rows

转换逻辑与命令行完全相同；转换时释放 GIL，可在线程、Dask、Spark、Ray 中并行调用。
金额、指标数值等小数一律精确：``convert`` 给出 ``decimal.Decimal``，``rows``、
pandas 和 Arrow 中为原文小数字符串（如 ``"0.80"``），从不经过浮点数。
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Union

from . import _native
from ._errors import KINDS, ConvertError

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import pyarrow

__all__ = [
    "COLUMNS",
    "ConvertError",
    "KINDS",
    "__version__",
    "convert",
    "rows",
    "to_arrow",
    "to_pandas",
]

#: The version of the library and of this package. 版本号。
__version__: str = _native.VERSION

#: The flat columns of :func:`rows`: CSV / JSONL's 33 English keys, the last
#: ``notes`` (说明). :func:`rows` 的列：CSV / JSONL 的 33 列英文名，最后一列为 ``notes``（说明）。
COLUMNS: List[str] = list(_native.COLUMNS)

#: Chinese headers of the 33 flat columns (as in the CSV). 33 列的中文表头。
COLUMNS_ZH: List[str] = list(_native.COLUMNS_ZH)

_WHOLE = frozenset(_native.WHOLE_NUMBER_COLUMNS)

Data = Union[bytes, bytearray, str, "os.PathLike[str]"]


def convert(
    data: Data, *, name: Optional[str] = None, limits: Optional[Mapping[str, int]] = None
) -> List[Dict[str, Any]]:
    """Converts one file into its tables, as SCHEMA JSON records.

    把一个文件转换为绩效目标表记录（与 ``jixiao convert --to json`` 的 ``tables`` 相同）。

    Args:
        data: the file's bytes (``bytes`` / ``bytearray``), or its path
            (``str`` / ``os.PathLike``). A ``str`` is always a path; pass
            text content as ``text.encode()``.
            文件内容（bytes）或路径（str / PathLike）；str 一律视为路径。
        name: the name records carry in ``source.file``; defaults to the path
            as given, or ``"<bytes>"``. 记录中的来源文件名，默认为路径。
        limits: safety limits to change, ``{"max_file_bytes": 1 << 30}``;
            the names are those of the CLI's ``--limit``.
            要调整的安全限制，名称同命令行 ``--limit``。

    Returns:
        One dict per table, every key always present. Money, target values,
        weights and scores are ``decimal.Decimal`` (exact, as written:
        ``Decimal("0.80")``), never float.
        每张表一个 dict；金额、指标数值、分值、得分为 ``decimal.Decimal``。

    Raises:
        ConvertError: the file gave no records; ``.kind`` is one of
            :data:`KINDS`, ``.message`` says what to do.
            文件无法转换：``.kind`` 为错误种类，``.message`` 说明处理办法。
        ValueError: an unknown limit name. 限制名称有误。
    """
    return _native.convert(data, name=name, limits=_limits(limits))


def rows(
    data: Data, *, name: Optional[str] = None, limits: Optional[Mapping[str, int]] = None
) -> List[Dict[str, Any]]:
    """Converts one file into flat rows: one per indicator, the CSV's columns.

    把一个文件转换为扁平行：每个指标一行，列与 CSV / JSONL 相同（英文列名）。

    Each dict is one line of ``jixiao convert --to jsonl``, exactly: the 33
    keys of :data:`COLUMNS` (``source_file`` … ``locator``, ``notes``;
    ``table``, ``seq`` and ``year`` are ``int``, the rest ``str`` or
    ``None``; decimals are exact strings such as ``"0.80"``; ``extra`` is
    compact JSON; ``notes`` is the row's 说明 as text — the indicator's notes,
    then the table's — or ``None``). A table without indicators still gives
    one row.

    每行与 ``jixiao convert --to jsonl`` 的一行完全相同：:data:`COLUMNS` 各列，
    ``notes`` 为该行的说明文字（先指标的，再表的），没有则为 ``None``。
    参数和异常同 :func:`convert`。
    """
    return _native.rows(data, name=name, limits=_limits(limits))


def frame(records: List[Dict[str, Any]], columns: Optional[List[str]] = None) -> "pandas.DataFrame":
    """Rows (from :func:`rows`) as a pandas DataFrame with fixed dtypes.

    把 :func:`rows` 的结果变成 pandas DataFrame（列类型固定）。

    ``table``, ``seq`` and ``year`` are nullable ``Int64``; every other
    column is pandas' ``string`` dtype, decimals included (exact text;
    ``pd.to_numeric`` or ``decimal.Decimal`` when you need numbers). The
    dtypes do not depend on the values, so empty frames and Dask partitions
    agree.
    ``table``、``seq``、``year`` 为 ``Int64``，其余（含小数）为 ``string``。
    """
    import pandas as pd

    columns = columns or COLUMNS
    df = pd.DataFrame.from_records(records, columns=columns)
    return df.astype({c: ("Int64" if c in _WHOLE else "string") for c in columns})


def to_pandas(
    data: Data, *, name: Optional[str] = None, limits: Optional[Mapping[str, int]] = None
) -> "pandas.DataFrame":
    """:func:`rows` as a pandas DataFrame (needs pandas); dtypes as :func:`frame`.

    :func:`rows` 的 pandas 版本（需安装 pandas）；小数为精确的字符串。
    """
    return frame(rows(data, name=name, limits=limits))


def arrow_schema() -> "pyarrow.Schema":
    """The Arrow schema of :func:`to_arrow`: ``int64`` for ``table``, ``seq``
    and ``year``, ``string`` for the rest (decimals as exact text: their
    scale varies per value — ``"0.80"``, ``"110"`` — which no single
    ``decimal128(p, s)`` column keeps). To compute, cast:
    ``pyarrow.compute.cast(t["budget_total"], pyarrow.decimal128(38, 6))``.

    :func:`to_arrow` 的 Arrow 模式：小数以字符串保存原文精度，需要计算时再转换为 decimal128。
    """
    import pyarrow as pa

    return pa.schema([(c, pa.int64() if c in _WHOLE else pa.string()) for c in COLUMNS])


def to_arrow(
    data: Data, *, name: Optional[str] = None, limits: Optional[Mapping[str, int]] = None
) -> "pyarrow.Table":
    """:func:`rows` as a pyarrow Table (needs pyarrow); schema :func:`arrow_schema`.

    :func:`rows` 的 Arrow 版本（需安装 pyarrow）。
    """
    import pyarrow as pa

    return pa.Table.from_pylist(rows(data, name=name, limits=limits), schema=arrow_schema())


def _limits(limits: Optional[Mapping[str, int]]) -> Optional[Dict[str, int]]:
    if limits is None:
        return None
    out = {}
    for k, v in dict(limits).items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(
                f"安全限制须为非负整数 (limit {k!r} must be a whole number >= 0, got {v!r})"
            )
        out[str(k)] = v
    return out
