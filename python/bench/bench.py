"""Files per second: jixiao.convert in one Python process against the CLI on
the same files, and Dask with 2 worker processes against the CLI's -j 2.

    python python/bench/bench.py                    # samples/ copied 200x
    python python/bench/bench.py --copies 50 --repeat 1
    python python/bench/bench.py --folder /work/shared/corpus

Needs the package (pip install ./python, or maturin develop --release), dask
and distributed for the Dask runs, and a release CLI ($JIXIAO_BIN, else
target/release/jixiao, built with `cargo build --release --bin jixiao`).
Prints a Markdown table (best of --repeat runs, wall clock) for
docs/performance.md. Every run converts every file; the CLI writes JSONL to
/dev/null, Python keeps the records in memory (what a caller would use).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jixiao
import jixiao.dask

REPO = Path(__file__).resolve().parents[2]


def best(repeat, run):
    """The shortest of `repeat` wall-clock runs of run() (and its result)."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t0)
    return min(times), out


def cli_run(cli, folder, jobs):
    def run():
        r = subprocess.run(
            [str(cli), "convert", "-q", "-j", str(jobs), str(folder), "--to", "jsonl", "-o", "/dev/null"],
            capture_output=True,
        )
        if r.returncode not in (0, 1):  # 1: some files gave errors, as in the corpus
            sys.exit(r.stderr.decode())

    return run


def py_run(files, fn):
    def run():
        tables = failed = 0
        for path, name in files:
            try:
                tables += len(fn(path, name=name))
            except jixiao.ConvertError:
                failed += 1
        return tables, failed

    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", type=Path, help="convert this folder in place (default: samples/ copied)")
    ap.add_argument("--copies", type=int, default=200, help="copies of samples/ (default 200)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement, best kept (default 3)")
    ap.add_argument("--files-per-partition", type=int, default=64)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()

    cli = Path(os.environ.get("JIXIAO_BIN", REPO / "target" / "release" / "jixiao"))
    if not cli.exists():
        sys.exit(f"no CLI at {cli}: cargo build --release --bin jixiao, or set JIXIAO_BIN")

    tmp = None
    if args.folder:
        folder = args.folder
        what = str(folder)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
        folder = tmp / "archive"
        for i in range(args.copies):
            shutil.copytree(REPO / "samples", folder / f"c{i:03}")
        what = f"samples/ x{args.copies}"
    try:
        files = jixiao.dask.list_files(folder)
        n = len(files)
        rows = []

        def add(label, seconds):
            rows.append((label, n, seconds, n / seconds))
            print(f"  {label}: {seconds:.2f} s", file=sys.stderr, flush=True)

        # Warm the page cache once so the first measurement is not the odd one out.
        cli_run(cli, folder, 2)()
        add("CLI `-j 1` (JSONL to /dev/null)", best(args.repeat, cli_run(cli, folder, 1))[0])
        s, (tables, failed) = best(args.repeat, py_run(files, jixiao.convert))
        add("`jixiao.convert` loop, one process (Decimal records)", s)
        add("`jixiao.rows` loop, one process (flat dicts)", best(args.repeat, py_run(files, jixiao.rows))[0])
        add("CLI `-j 2`", best(args.repeat, cli_run(cli, folder, 2))[0])
        if not args.no_dask:
            from distributed import Client, LocalCluster

            with LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster, Client(cluster):
                runs = iter(range(args.repeat + 1))

                def dask_run():
                    # A different (and harmless) limit each run gives the
                    # tasks new keys: the same graph again is answered from
                    # what the cluster already holds, converting nothing.
                    lim = {"max_file_bytes": (1 << 30) + next(runs)}
                    df = jixiao.dask.read_archive(folder, files_per_partition=args.files_per_partition, limits=lim)
                    return len(df.compute()), df.npartitions

                # The first run also starts the workers' imports (pandas, jixiao).
                first, _ = best(1, dask_run)
                print(f"  Dask first run, imports included: {first:.2f} s", file=sys.stderr)
                s, (_, parts) = best(args.repeat, dask_run)
                add(f"Dask, 2 worker processes, `read_archive(...).compute()` ({parts} partitions)", s)

        load = os.getloadavg()
        print(f"\n{what}: {n} files, {tables} tables, {failed} files without records; "
              f"best of {args.repeat}; {platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, jixiao {jixiao.__version__}; "
              f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
        print("| run | files | seconds | files/s |")
        print("|---|---|---|---|")
        for label, files_n, seconds, rate in rows:
            print(f"| {label} | {files_n} | {seconds:.2f} | {rate:.0f} |")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
