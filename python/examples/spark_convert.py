"""PySpark: an archive of 绩效目标表 files into a Spark DataFrame (one row per indicator).

PySpark 示例：把整个档案转换为 Spark DataFrame（每个指标一行）。

    pip install ./python pyspark        # Java 17 on the machine
    PYSPARK_PYTHON="$(command -v python)" python python/examples/spark_convert.py 'archive/' out.parquet

``PYSPARK_PYTHON`` must name the Python that has jixiao installed (a venv's
``python``): Spark starts its Python workers with it, and without it they
run the system's ``python3``, where ``import jixiao`` fails.
（``PYSPARK_PYTHON`` 要指向装了 jixiao 的 Python，否则 Spark 的工作进程用系统 Python，找不到 jixiao。）

Every file under the archive goes to jixiao, which tells the format from the
content, as ``jixiao convert FOLDER`` does (a ``.doc``, ``.wps``, ``.et``
or ``.odt``, or a workbook saved under another extension, is read too); a
file that is not a table becomes one row with ``error_kind`` set.

Each Spark task converts its files with ``jixiao.rows`` inside
``mapPartitions``; nothing but the file bytes and the rows crosses into the
JVM. The schema is given, all strings: inference fails on columns that are
empty in every row (such as ``weight`` outside self-evaluations), and strings
keep decimals exact (``"0.80"``). Cast where you compute:
``col("budget_total").cast("decimal(38,6)")``.

Not run in CI (Java and a 300 MB package); Dask is the tested engine.
"""

import sys

from pyspark.sql import SparkSession
from pyspark.sql.types import StringType, StructField, StructType

import jixiao

COLUMNS = jixiao.COLUMNS + ["error_kind", "error_message"]
SCHEMA = StructType([StructField(c, StringType(), True) for c in COLUMNS])


def convert_partition(files):
    """(path, bytes) pairs → rows as tuples of strings; a failed file is one
    row with its error kind and message, so one bad file never fails the job."""
    import jixiao  # on the executor

    for path, content in files:
        try:
            for r in jixiao.rows(bytes(content), name=path):
                yield tuple(None if r.get(c) is None else str(r[c]) for c in COLUMNS)
        except jixiao.ConvertError as e:
            row = dict.fromkeys(COLUMNS)
            row.update(source_file=path, error_kind=e.kind, error_message=e.message)
            yield tuple(row[c] for c in COLUMNS)


def main(archive: str, out: str) -> None:
    spark = SparkSession.builder.master("local[2]").appName("jixiao").getOrCreate()
    # No extension filter: jixiao decides by content, so no file is skipped
    # silently (a filter by extension dropped .doc, .wps, .et and .odt).
    files = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(archive)
        .select("path", "content")
    )
    rows = files.rdd.map(lambda r: (r.path, r.content)).mapPartitions(convert_partition)
    df = spark.createDataFrame(rows, SCHEMA)
    df.write.mode("overwrite").parquet(out)
    ok = df.filter(df.error_kind.isNull()).count()
    print(f"{ok} indicator rows, {df.count() - ok} failed files")
    spark.stop()


if __name__ == "__main__":
    main(*sys.argv[1:3])
