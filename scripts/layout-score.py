#!/usr/bin/env python3
"""Score jixiao's output on layout fixtures against their hand-written expectations.

Usage:
    JIXIAO_LAYOUTS_OUT=/tmp/actual cargo test layouts::   # dump actual JSON
    python3 scripts/layout-score.py /tmp/actual [NAME ...] [--prefix real-] [--md] [--misses]

Expected JSON is read from tests/layouts/NAME.json (override with --expected DIR),
actual JSON from ACTUAL_DIR/NAME.json. NAMEs default to every fixture in ACTUAL_DIR
(filtered by --prefix). `incomplete` is ignored on both sides (tests/layouts.rs
does not check it yet).

The metric
----------
Tables are matched by position (expected table i with actual table i).

Fields SCHEMA determines, per table (14):
    title, seq, kind, unit_code, unit_name, money_unit, project_name, year,
    fund_level, budget.total, budget.fiscal, budget.other, fund_use, goals
    (goals is one field: the whole list).
Per indicator, matched by position within its table (9):
    level1, level2, level3, description, target, weight, actual, score, remark
    (target and actual are one field each: the whole object — raw, kind, op,
    value, upper, unit — must be equal; one wrong part makes the field wrong).

A field is *determined* when the expected value is non-null and non-empty, or
the actual value is non-null/non-empty and differs from the expected one (an
invented value counts against). It is *right* when determined and equal.
An expected table with no actual counterpart (fewer tables, or an error such as
no_tables) scores every determined field of it as missed; the same for an
expected indicator with no actual counterpart. An actual table or indicator with
no expected counterpart scores each of its non-empty fields as wrong.

Reported per fixture and overall:
  - fields right / fields determined (the field rate);
  - tables found / tables expected (an expected table with a counterpart);
  - tables fully right: the whole table object equal, `extra`, `notes`,
    indicator `extra` and `locator`, `source` included (`incomplete` excluded);
  - separately, whether `extra` (the table's and every indicator's) and `notes`
    match, per matched table.

Exit status 0 always (it measures; tests/layouts.rs judges).
"""

import argparse
import json
import os
import sys

TABLE_FIELDS = [
    "title", "seq", "kind", "unit_code", "unit_name", "money_unit",
    "project_name", "year", "fund_level", "budget.total", "budget.fiscal",
    "budget.other", "fund_use", "goals",
]
INDICATOR_FIELDS = [
    "level1", "level2", "level3", "description", "target", "weight",
    "actual", "score", "remark",
]
IGNORED = ("incomplete",)


def get(obj, dotted):
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def empty(v):
    return v is None or v == "" or v == [] or v == {}


MISSES = {}


def score_field(want, got, name=None):
    """(determined, right) for one field; a miss is tallied under `name`."""
    d, r = _score_field(want, got)
    if name and d and not r:
        MISSES[name] = MISSES.get(name, 0) + 1
    return d, r


def _score_field(want, got):
    if empty(want) and empty(got):
        return 0, 0
    if empty(want):
        return 1, 0  # invented
    return 1, int(want == got)


def clean(table):
    return {k: v for k, v in table.items() if k not in IGNORED}


def score_table(want, got):
    det = right = 0
    for f in TABLE_FIELDS:
        d, r = score_field(get(want, f) if want else None, get(got, f) if got else None, f)
        det += d
        right += r
    wi = (want or {}).get("indicators") or []
    gi = (got or {}).get("indicators") or []
    for k in range(max(len(wi), len(gi))):
        w = wi[k] if k < len(wi) else None
        g = gi[k] if k < len(gi) else None
        for f in INDICATOR_FIELDS:
            d, r = score_field(get(w, f) if w else None, get(g, f) if g else None, "indicators[]." + f)
            det += d
            right += r
    return det, right


def extra_match(want, got):
    if want.get("extra", {}) != got.get("extra", {}):
        return False
    wi = want.get("indicators") or []
    gi = got.get("indicators") or []
    for k in range(max(len(wi), len(gi))):
        we = wi[k].get("extra", {}) if k < len(wi) else {}
        ge = gi[k].get("extra", {}) if k < len(gi) else {}
        if we != ge:
            return False
    return True


def score_fixture(want_doc, got_doc):
    wt = [clean(t) for t in want_doc.get("tables", [])]
    gt = [clean(t) for t in got_doc.get("tables", [])]
    res = {"det": 0, "right": 0, "expected": len(wt), "found": 0,
           "full": 0, "extra": 0, "notes": 0, "matched": 0,
           "errors": [e.get("kind") for e in got_doc.get("errors", [])]}
    for k in range(max(len(wt), len(gt))):
        w = wt[k] if k < len(wt) else None
        g = gt[k] if k < len(gt) else None
        d, r = score_table(w, g)
        res["det"] += d
        res["right"] += r
        if w is not None and g is not None:
            res["found"] += 1
            res["matched"] += 1
            res["full"] += int(w == g)
            res["extra"] += int(extra_match(w, g))
            res["notes"] += int(w.get("notes", []) == g.get("notes", []))
    return res


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "—"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("actual_dir")
    ap.add_argument("names", nargs="*")
    ap.add_argument("--expected", default=os.path.join(os.path.dirname(__file__), "..", "tests", "layouts"))
    ap.add_argument("--prefix", default="")
    ap.add_argument("--md", action="store_true", help="print a markdown table")
    ap.add_argument("--misses", action="store_true", help="also print the missed fields, most first")
    args = ap.parse_args()

    names = args.names or sorted(
        f[:-5] for f in os.listdir(args.actual_dir) if f.endswith(".json")
    )
    names = [n for n in names if n.startswith(args.prefix)]
    tot = {"det": 0, "right": 0, "expected": 0, "found": 0, "full": 0,
           "extra": 0, "notes": 0, "matched": 0}
    rows = []
    for n in names:
        try:
            with open(os.path.join(args.expected, n + ".json"), encoding="utf-8") as f:
                want = json.load(f)
            with open(os.path.join(args.actual_dir, n + ".json"), encoding="utf-8") as f:
                got = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{n}: skipped ({e})", file=sys.stderr)
            continue
        r = score_fixture(want, got)
        for k in tot:
            tot[k] += r[k]
        rows.append((n, r))

    if args.md:
        print("| fixture | fields right / determined | rate | tables found / expected | fully right | extra match | notes match |")
        print("|---|---|---|---|---|---|---|")
        for n, r in rows:
            err = f" ({', '.join(r['errors'])})" if r["errors"] else ""
            print(f"| {n} | {r['right']} / {r['det']} | {pct(r['right'], r['det'])} | "
                  f"{r['found']} / {r['expected']}{err} | {r['full']} | {r['extra']} / {r['matched']} | {r['notes']} / {r['matched']} |")
        print(f"| **all {len(rows)}** | {tot['right']} / {tot['det']} | {pct(tot['right'], tot['det'])} | "
              f"{tot['found']} / {tot['expected']} | {tot['full']} | {tot['extra']} / {tot['matched']} | {tot['notes']} / {tot['matched']} |")
    else:
        w = max((len(n) for n, _ in rows), default=10)
        for n, r in rows:
            err = f" errors={','.join(r['errors'])}" if r["errors"] else ""
            print(f"{n:<{w}}  fields {r['right']:>4}/{r['det']:<4} {pct(r['right'], r['det']):>7}  "
                  f"tables {r['found']}/{r['expected']}  full {r['full']}  extra {r['extra']}/{r['matched']}  "
                  f"notes {r['notes']}/{r['matched']}{err}")
        print(f"{'ALL (' + str(len(rows)) + ')':<{w}}  fields {tot['right']:>4}/{tot['det']:<4} "
              f"{pct(tot['right'], tot['det']):>7}  tables {tot['found']}/{tot['expected']}  full {tot['full']}  "
              f"extra {tot['extra']}/{tot['matched']}  notes {tot['notes']}/{tot['matched']}")
    if args.misses:
        print("missed fields:", ", ".join(f"{k} {v}" for k, v in sorted(MISSES.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
