"""Ray Data: an archive of 绩效目标表 files into a Ray Dataset (one row per indicator).

Ray Data 示例：把整个档案转换为 Ray Dataset（每个指标一行）。

    pip install ./python "ray[data]"
    python python/examples/ray_convert.py 'archive/' out/

``read_binary_files`` hands each task the bytes and path of its files;
``flat_map`` turns one file into its rows with ``jixiao.rows`` (the GIL is
released while it converts). Decimals stay exact strings (``"0.80"``); a
failed file becomes one row with ``error_kind`` and ``error_message``.

Not run in CI (Ray is a large package); Dask is the tested engine.
"""

import sys

import ray

import jixiao

COLUMNS = jixiao.COLUMNS + ["error_kind", "error_message"]


def file_rows(item):
    try:
        rows = jixiao.rows(item["bytes"], name=item["path"])
        return [{**dict.fromkeys(COLUMNS), **r} for r in rows]
    except jixiao.ConvertError as e:
        row = dict.fromkeys(COLUMNS)
        row.update(source_file=item["path"], error_kind=e.kind, error_message=e.message)
        return [row]


def main(archive: str, out: str) -> None:
    ray.init(num_cpus=2)
    files = ray.data.read_binary_files(
        archive,
        include_paths=True,
        file_extensions=["docx", "xlsx", "xls", "ods", "txt", "xml", "htm", "html"],
    )
    rows = files.flat_map(file_rows)
    rows.write_parquet(out)
    print(rows.count(), "rows")


if __name__ == "__main__":
    main(*sys.argv[1:3])
