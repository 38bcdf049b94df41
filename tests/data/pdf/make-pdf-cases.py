#!/usr/bin/env python3
"""Writes the hand-made PDFs tests/pdf.rs reads, byte by byte (no PDF
library: every line, rectangle and text run is placed here on purpose).

  split-table.pdf   a table over two pages: the header row repeated on
                    page 2, and 产出指标 merged down across the page break
  touching.pdf      two tables drawn touching, with different columns
  unruled.pdf       text laid out in columns, no ruling lines
  scan.pdf          one page holding only an image (a scan)
  glyph-only.pdf    a ruled table whose font has no Unicode map
  encrypted.pdf     a trailer with /Encrypt

Text uses one Type0 font whose CIDs are the characters' Unicode values
(ToUnicode maps them back), no font file embedded: the reader never needs
the glyphs. Run: python3 tests/data/pdf/make-pdf-cases.py
"""
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 595, 842


def text(x, y, s, size=10.5, font="F1"):
    if font == "F1":
        hexs = s.encode("utf-16-be").hex()
    else:  # glyph ids only
        hexs = "".join("%04x" % (i + 3) for i, _ in enumerate(s))
    return f"BT /{font} {size} Tf {x} {y} Td <{hexs}> Tj ET\n"


def hline(x0, x1, y):
    return f"{x0} {y} m {x1} {y} l S\n"


def vline(x, y0, y1):
    return f"{x} {y0} m {x} {y1} l S\n"


def table(xs, ys, rows, merges=(), font="F1", thin_rects=False):
    """Lines of a table with column boundaries xs, row boundaries ys (top
    down) and row texts; merges are (row, col, rows, cols) areas with no
    inner lines. Returns content-stream text."""
    covered = {}
    for r, c, nr, nc in merges:
        for rr in range(r, r + nr):
            for cc in range(c, c + nc):
                covered[(rr, cc)] = (r, c, nr, nc)
    out = "0.5 w\n"
    seg = (lambda x0, y0, x1, y1: f"{x0} {y0 - 0.25} {x1 - x0} 0.5 re f\n" if y0 == y1
           else f"{x0 - 0.25} {y1} 0.5 {y0 - y1} re f\n") if thin_rects else \
        (lambda x0, y0, x1, y1: f"{x0} {y0} m {x1} {y1} l S\n")
    nrows, ncols = len(ys) - 1, len(xs) - 1
    # Horizontal lines: at every row boundary, except inside a merge.
    for k, y in enumerate(ys):
        for c in range(ncols):
            above, below = covered.get((k - 1, c)), covered.get((k, c))
            if 0 < k < nrows and above is not None and above == below:
                continue
            out += seg(xs[c], y, xs[c + 1], y)
    for k, x in enumerate(xs):
        for r in range(nrows):
            left, right = covered.get((r, k - 1)), covered.get((r, k))
            if 0 < k < ncols and left is not None and left == right:
                continue
            out += seg(x, ys[r], x, ys[r + 1])
    for r, row in enumerate(rows):
        for c, s in enumerate(row):
            if s:
                out += text(xs[c] + 3, ys[r] - 14, s, font=font)
    return out


class Pdf:
    def __init__(self):
        self.objs = []

    def add(self, body):
        self.objs.append(body)
        return len(self.objs)

    def stream(self, data, extra=""):
        data = zlib.compress(data.encode("latin-1") if isinstance(data, str) else data)
        return self.add(b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n" % (len(data), extra.encode())
                        + data + b"\nendstream")

    def write(self, name, pages, fonts=True, glyph_only=False, image=False, encrypt=False):
        cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                "/CMapName /Identity-UCS def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                "1 beginbfrange <0000> <FFFF> <0000> endbfrange\nendcmap end end\n")
        tounicode = self.stream(cmap)
        desc = self.add(b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /FakeSong "
                        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>")
        f1 = self.add(b"<< /Type /Font /Subtype /Type0 /BaseFont /FakeSong /Encoding /Identity-H "
                      b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (desc, tounicode))
        f2 = self.add(b"<< /Type /Font /Subtype /Type0 /BaseFont /GlyphOnlySans /Encoding /Identity-H "
                      b"/DescendantFonts [%d 0 R] >>" % desc)
        img = None
        if image:
            img = self.stream(b"\x80" * 16, "/Type /XObject /Subtype /Image /Width 4 /Height 4 "
                              "/ColorSpace /DeviceGray /BitsPerComponent 8")
        pages_id = len(self.objs) + len(pages) * 2 + 1
        kids = []
        for content in pages:
            c = self.stream(content)
            res = b"/Font << /F1 %d 0 R /F2 %d 0 R >>" % (f1, f2)
            if img:
                res += b" /XObject << /Im1 %d 0 R >>" % img
            kids.append(self.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                                 b"/Resources << %s >> >>" % (pages_id, W, H, c, res)))
        assert self.add(b"<< /Type /Pages /Kids [%s] /Count %d >>"
                        % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))) == pages_id
        catalog = self.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
        enc = None
        if encrypt:
            enc = self.add(b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 "
                           b"/O <%s> /U <%s> >>" % (b"00" * 32, b"00" * 32))
        out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(self.objs, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objs) + 1)
        for o in offsets:
            out += b"%010d 00000 n \n" % o
        out += b"trailer\n<< /Size %d /Root %d 0 R" % (len(self.objs) + 1, catalog)
        if enc:
            out += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (enc, b"11" * 16, b"11" * 16)
        out += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(out)


XS = [60, 150, 250, 400, 530]
HEAD = ["一级指标", "二级指标", "三级指标", "指标值"]


def split_table():
    # Page 1: a paragraph, the title, header row, 产出指标 over three rows
    # reaching the page's foot. Page 2: the header row again, then the
    # merge's last two rows and a 效益指标 row. A page number in each footer.
    ys1 = [176, 152, 128, 104, 80]
    p1 = text(60, 700, "说明：本表跨页。") + text(200, 210, "项目支出绩效目标表", 14) + text(290, 40, "第 1 页", 9) + table(
        XS, ys1, [HEAD, ["产出指标", "数量指标", "培训人次", "≥500人次"],
                  ["", "质量指标", "合格率", "≥95%"], ["", "时效指标", "完成时间", "2024年12月"]],
        merges=[(1, 0, 3, 1)])
    ys2 = [800, 776, 752, 728, 704]
    p2 = text(290, 40, "第 2 页", 9) + table(XS, ys2, [HEAD, ["", "成本指标", "人均成本", "≤200元"], ["", "", "总成本", "≤10万元"],
                         ["效益指标", "社会效益指标", "满意度", "≥90%"]],
               merges=[(1, 0, 2, 1), (1, 1, 2, 1)])
    Pdf().write("split-table.pdf", [p1, p2])


def touching():
    # Table A (four columns) and table B (two columns) share the line y=600;
    # B is drawn with thin filled rectangles instead of strokes.
    a = table(XS, [700, 676, 652, 628, 600], [["项目名称", "甲项目", "主管部门", "某局"],
                                              ["资金", "100", "其中", "80"], ["年度目标", "完成", "", ""],
                                              ["备注", "无", "", ""]], merges=[(2, 2, 2, 2)])
    b = table([60, 300, 530], [600, 576, 552], [["指标", "数值"], ["合格率", "≥95%"]], thin_rects=True)
    Pdf().write("touching.pdf", [a + b])


def unruled():
    p = text(200, 760, "项目支出绩效目标表", 14)
    for r, row in enumerate([HEAD, ["产出指标", "数量指标", "培训人次", "≥500人次"]]):
        for c, s in enumerate(row):
            p += text(XS[c] + 3, 700 - 24 * r, s)
    Pdf().write("unruled.pdf", [p])


def scan():
    Pdf().write("scan.pdf", ["q 500 0 0 700 40 60 cm /Im1 Do Q\n"], image=True)


def glyph_only():
    p = table(XS, [700, 676, 652], [HEAD, ["产出指标", "数量指标", "培训人次", "≥500人次"]], font="F2")
    Pdf().write("glyph-only.pdf", [p])


def encrypted():
    Pdf().write("encrypted.pdf", [text(100, 700, "项目")], encrypt=True)


if __name__ == "__main__":
    split_table()
    touching()
    unruled()
    scan()
    glyph_only()
    encrypted()
