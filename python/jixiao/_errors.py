"""ConvertError: why one file gave no records (a closed set of kinds).

ConvertError：某个文件没有转换出记录的原因（种类是封闭的集合）。
"""

from __future__ import annotations

from typing import Optional

#: The closed set of error kinds, as the CLI prints them in ``errors[].kind``.
#: 错误种类（与命令行 ``errors[].kind`` 相同）。
KINDS = (
    "unreadable",
    "corrupt",
    "encrypted",
    "unsupported",
    "too_large",
    "no_tables",
    "io",
)


class ConvertError(Exception):
    """A file that gave no records. 文件无法转换。

    ``kind`` is one of :data:`KINDS` (``encrypted``: remove the password and
    export again; ``unsupported``: save a .doc as .docx; ``no_tables``: no
    绩效目标表 in the file; ``too_large``: past a safety limit, raise it with
    ``limits={...}``). ``message`` says, in Chinese then English, what is
    wrong and what to do. ``file`` is the name the records would carry.

    ``kind`` 为 :data:`KINDS` 之一；``message`` 先中文后英文，说明原因和处理办法；
    ``file`` 为文件名。可以被 pickle，因此能在 Dask / Spark 的工作进程之间传递。
    """

    kind: str
    message: str
    file: Optional[str]

    def __init__(self, kind: str, message: str, file: Optional[str] = None) -> None:
        # args hold all three, so the error pickles across worker processes.
        super().__init__(kind, message, file)
        self.kind = kind
        self.message = message
        self.file = file

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"[{self.kind}] {where}{self.message}"
