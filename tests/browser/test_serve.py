#!/usr/bin/env python3
"""`jixiao serve` in a real browser: Debian's chromium driven by Playwright.

Uploads two samples and a broken file through the page's file picker, then
checks the file list (two ok rows, one error row with its kind and advice),
the tables drawn as 绩效目标表, a highlighted note on hover, the language
toggle, and an .xlsx download. Writes a screenshot (docs/serve.png when
JIXIAO_SCREENSHOT names it).

Usage: test_serve.py PATH/TO/jixiao
"""

import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
# Chromium as root in a closed network: no sandbox, nothing fetched at start.
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
checks = {"passed": 0, "failed": 0}


def check(name, fn):
    try:
        fn()
        checks["passed"] += 1
        print(f"ok   {name}")
    except Exception as e:  # report every check, then fail at the end
        checks["failed"] += 1
        print(f"FAIL {name}: {e}")


def english_only(line):
    """Two English words in a row and not one Chinese character (file names
    and format names alone, such as `partial.txt` or `CSV`, are not prose)."""
    return bool(re.search(r"[A-Za-z]{2,}[ ,:;]+[A-Za-z]{2,}", line)) and not re.search(r"[\u3400-\u9fff]", line)


def start_server(binary):
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0", "--max-request-bytes", "20000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not m:
        proc.kill()
        raise SystemExit(f"no URL in the server's first line: {line!r} {proc.stderr.read()}")
    return proc, m.group(0)


def records(binary, *args):
    """What the CLI makes of the samples: the page must show the same."""
    import json
    out = subprocess.run([binary, *args], capture_output=True, check=False).stdout
    return json.loads(out)


def main():
    binary = sys.argv[1]
    messy = records(binary, "convert", str(SAMPLES / "word-messy-continued.docx"))["tables"]
    seed = records(binary, "convert", str(SAMPLES / "seed-tianjin-wuqing.txt"))["tables"]
    found = records(binary, "check", "--to", "json", "-q", str(SAMPLES / "word-messy-continued.docx"))["findings"]
    # The note shown on hover: the first on an indicator's level-1 cell.
    level1 = next(n for n in messy[0]["notes"] if re.fullmatch(r"indicators\[\d+\]\.level1", n["field"]))
    flag = next(f for f in found if f["field"].startswith("indicators["))
    proc, url = start_server(binary)
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-browser-"))
    try:
        broken = tmp / "损坏的文件.docx"
        data = (SAMPLES / "word-seed-merged.docx").read_bytes()
        broken.write_bytes(data[: len(data) // 2])
        # A table read in part: no project name, one target missing, an unknown label.
        partial = tmp / "partial.txt"
        partial.write_text(
            "项目支出绩效目标表\n\t单位名称\n\t某某区档案局\n\n\t神秘栏目\n\t看不懂的内容\n\n\n\n"
            "\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\n"
            "\t产出指标\n\t数量指标\n\t整理档案卷数\n\t≥500卷\n\n"
            "\t产出指标\n\t质量指标\n\t档案数字化合格率\n\t\n", encoding="utf-8")
        # Over the server's --max-request-bytes: refused by the page before sending.
        big = SAMPLES / "sheet-self-evaluation.ods"
        assert big.stat().st_size > 20000
        files = [SAMPLES / "word-messy-continued.docx", SAMPLES / "seed-tianjin-wuqing.txt", broken, partial, big]
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(tmp / "profile"), executable_path="/usr/bin/chromium", headless=True,
                args=ARGS, accept_downloads=True, viewport={"width": 1000, "height": 1280}, locale="zh-CN",
            )
            page = ctx.new_page()
            page.goto(url)
            check("the page is in Chinese", lambda: expect(page.locator("h1")).to_contain_text("绩效目标表"))
            page.set_input_files("#pick-files", [str(f) for f in files])
            summary = page.locator("#summary")
            check("the batch finishes", lambda: expect(summary).to_contain_text("5/5", timeout=30_000))
            check("the progress bar is full", lambda: expect(page.locator("#bar")).to_have_attribute(
                "style", re.compile(r"width: 100%")))
            rows = page.locator("#files tbody tr")

            def file_rows():
                expect(rows).to_have_count(5)
                expect(rows.nth(0)).to_have_attribute("data-status", "ok")
                expect(rows.nth(1)).to_have_attribute("data-status", "ok")
                expect(rows.nth(0).locator("td").nth(2)).to_have_text(
                    f"{len(messy)} / {sum(len(t['indicators']) for t in messy)}")
                expect(rows.nth(1).locator("td").nth(2)).to_have_text(
                    f"{len(seed)} / {sum(len(t['indicators']) for t in seed)}")

            check("two files ok with their counts", file_rows)

            def error_row():
                bad = rows.nth(2)
                expect(bad).to_have_attribute("data-status", "error")
                expect(bad).to_contain_text("损坏的文件.docx")
                # The kind in Chinese, its code in the title.
                expect(bad.locator(".kind")).to_have_text("文件损坏")
                expect(bad.locator(".kind")).to_have_attribute("title", "corrupt")
                expect(bad).to_contain_text("请重新导出")

            check("the broken file's row shows its kind and advice", error_row)

            sheets = page.locator(".sheet")

            def tables():
                expect(sheets).to_have_count(len(messy) + len(seed) + 1)
                first = sheets.nth(0)
                expect(first.locator("caption")).to_contain_text("绩效目标表")
                expect(first.locator("th", has_text="一级指标")).to_have_count(1)
                expect(first.locator('td[data-field="indicators[0].level3"]')).not_to_be_empty()
                # 一级指标 merged down its run of rows, as in the printed form.
                assert int(first.locator('td[data-field="indicators[0].level1"]').get_attribute("rowspan")) > 1

            check("each table is drawn as its form", tables)

            def partial_table():
                row = rows.nth(3)
                expect(row).to_have_attribute("data-status", "partial")
                expect(row).to_contain_text("项目名称：表中没有这一栏")
                last = sheets.nth(8)
                # Two fields missing; the unknown label is kept, no gap.
                expect(last.locator(".gaps li")).to_have_count(2)
                expect(last.locator('td[data-field="project_name"]')).to_have_class(re.compile(r"\bmissing\b"))
                expect(last.locator('td[data-field="indicators[1].target"]')).to_have_class(re.compile(r"\bmissing\b"))
                expect(last.locator('td[data-field="indicators[0].target"]')).not_to_have_class(re.compile(r"\bmissing\b"))
                expect(last.locator("th.unknown")).to_have_text("神秘栏目")

            check("a partial table shows what it could not fill", partial_table)

            def too_big():
                row = rows.nth(4)
                expect(row).to_have_attribute("data-status", "error")
                expect(row.locator(".kind")).to_have_text("超出限制")
                expect(row).to_contain_text("20000")

            check("a file over the server's limit is refused with its reason", too_big)
            cell = sheets.nth(0).locator(f'td[data-field="{level1["field"]}"]')

            def note():
                expect(cell).to_have_class(re.compile(r"\bnz\b"))
                expect(cell).to_have_text(level1["normalized"])
                note = cell.get_attribute("data-note")
                assert level1["raw"] in note and level1["rule"] in note, note
                # Every note lands on a cell: as many marked cells as fields noted.
                fields = {n["field"] for n in messy[0]["notes"]}
                marked = sheets.nth(0).evaluate(
                    "s => [...s.querySelectorAll('.nz')].filter(c => c.dataset.note.includes('规则: ')).length")
                assert marked == len(fields), (marked, sorted(fields))

            check("a normalised cell is highlighted with its note", note)

            def hover():
                cell.hover()
                after = page.evaluate(
                    "c => getComputedStyle(c, '::after').content", cell.element_handle())
                assert level1["raw"] in after, after

            check("the note shows on hover", hover)

            def findings():
                first = sheets.nth(0)
                item = first.locator(f'.findings li[data-rule="{flag["rule"]}"]').first
                expect(item).to_contain_text(flag["message_zh"])
                flagged = first.locator(f'td[data-field="{flag["field"]}"]')
                expect(flagged).to_have_class(re.compile(r"\bflag\b"))
                assert flag["message_zh"] in flagged.get_attribute("data-note")

            check("check findings listed and marked on their cell", findings)

            def chinese_first():
                # Severity, field names and locations in Chinese: no line of
                # the Chinese page is English alone.
                first = sheets.nth(0)
                item = first.locator(f'.findings li[data-rule="{flag["rule"]}"]').first
                zh = {"error": "错误", "warning": "警告", "info": "提示"}[flag["severity"]]
                expect(item).to_contain_text(f"[{zh}]")
                assert "indicators[" not in item.inner_text(), item.inner_text()
                expect(first.locator(".where")).to_contain_text("个表格")
                lines = page.evaluate("document.body.innerText").splitlines()
                english = [l for l in lines if english_only(l)]
                assert not english, english

            check("the Chinese page has no English-only line", chinese_first)
            shot = os.environ.get("JIXIAO_SCREENSHOT")
            if shot:
                page.mouse.move(0, 0)
                page.evaluate("window.scrollTo(0, 0)")
                cell.hover()
                page.screenshot(path=shot)

            def download():
                with page.expect_download() as d:
                    rows.nth(0).locator("a", has_text="xlsx").first.click()
                path = tmp / "out.xlsx"
                d.value.save_as(path)
                assert d.value.suggested_filename == "word-messy-continued.xlsx", d.value.suggested_filename
                with zipfile.ZipFile(path) as z:
                    sheet = z.read("xl/worksheets/sheet1.xml").decode()
                    # The flat sheets are streamed with inline strings (no sharedStrings.xml).
                    names = z.namelist()
                    strings = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else sheet
                assert "<row" in sheet and "产出指标" in strings

            check("the file's xlsx downloads", download)

            def whole_batch():
                with page.expect_download() as d:
                    page.locator('[data-export="xlsx-form"]').click()
                assert d.value.suggested_filename == "jixiao-form.xlsx", d.value.suggested_filename

            check("the batch's form xlsx downloads", whole_batch)

            def english():
                page.locator("#lang").click()
                expect(page.locator("h1")).to_contain_text("Performance target tables")
                expect(rows.nth(2).locator("td").nth(1)).to_have_text("error")
                expect(sheets.nth(0).locator("th", has_text="Level 1")).to_have_count(1)
                page.locator("#lang").click()
                expect(page.locator("h1")).to_contain_text("绩效目标表")

            check("English as a toggle", english)

            def folder():
                page.set_input_files("#pick-folder", str(SAMPLES))
                known = page.evaluate("FOLDER_EXTENSIONS")  # the CLI's list, as the server gave it
                want = sorted(f for f in os.listdir(SAMPLES) if f.rsplit(".", 1)[-1].lower() in known)
                expect(summary).to_contain_text(f"{5 + len(want)}/{5 + len(want)}", timeout=30_000)
                names = rows.locator("td:first-child").all_inner_texts()[5:]
                assert names == ["samples/" + f for f in want], names  # path order
                statuses = [rows.nth(5 + i).get_attribute("data-status") for i in range(len(want))]
                # In path order; the files over this server's 20000 bytes are refused.
                over = ["error" if (SAMPLES / f).stat().st_size > 20000 else "ok" for f in sorted(want)]
                assert statuses == over, statuses

            check("a folder: its office and text files, the scripts passed over", folder)
            ctx.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"browser: {checks['passed']} passed, {checks['failed']} failed")
    return 1 if checks["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
