"""PySpark: an archive of 绩效目标表 files into a Spark DataFrame (one row per indicator).

PySpark 示例：把整个档案转换为 Spark DataFrame（每个指标一行）。

    pip install ./python pyspark        # Java 17 on the machine
    python python/examples/spark_convert.py 'archive/' out.parquet

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
    files = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.{docx,xlsx,xls,ods,txt,xml,htm,html}")
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
