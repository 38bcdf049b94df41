// jixiao serve: the page. Sends each dropped file as the raw body of one
// request to the local server, then draws every table as its 绩效目标表 with
// what the program changed or could not place marked on the cell.
"use strict";

// Filled in by the server from the CLI's own list (batch::FOLDER_EXTENSIONS).
const FOLDER_EXTENSIONS = __FOLDER_EXTENSIONS__;
const PARALLEL = 2;
const MAX_DRAWN = 200;

const T = {
  zh: {
    title: "绩效目标表转换", drop: "把 Word、Excel 或文本文件（或整个文件夹）拖到这里",
    local: "文件只在本机处理，不会上传到网上。", pickFiles: "选择文件", pickFolder: "选择文件夹",
    downloadAll: "下载全部：", xlsxFlat: "Excel（每行一个指标）", xlsxForm: "Excel（原表样式）",
    file: "文件", status: "状态", tables: "表 / 指标", detail: "说明", download: "下载",
    ok: "成功", partial: "部分读取", error: "出错", wait: "处理中…",
    summary: (d, n, t, i, e) => `已处理 ${d}/${n} 个文件：${t} 张表，${i} 个指标，${e} 个出错`,
    noteLegend: "黄色：程序改写过的单元格（鼠标移上去看原文和规则）", missingLegend: "斜纹：未填的项", unknownLegend: "橙色虚线：未识别的表头（内容在“其他”里）",
    unit: "单位", money: "金额单位", project: "项目名称", year: "年度", level: "资金级次",
    budget: "预算规模及资金用途", total: "预算数", fiscal: "其中：财政资金", other: "其他资金",
    fundUse: "资金用途", goals: "绩效目标", l1: "一级指标", l2: "二级指标", l3: "三级指标",
    desc: "绩效指标描述", target: "指标值", actual: "实际完成值", weight: "分值", score: "得分", remark: "备注",
    raw: "原文", becomes: "改为", rule: "规则", unplacedTitle: "未归位的单元格：", otherNotes: "其他说明：",
    findings: "检查发现：", table: "表", busy: "服务器正忙，稍后重试…",
    more: (n, all) => `只显示前 ${n} 张表（共 ${all} 张）；全部结果请用上面的下载按钮。`,
    tooBig: (m) => `文件超过服务器上限 ${m} 字节；请用命令行 jixiao convert，或以 --max-request-bytes 放宽`,
    kinds: { unreadable: "无法识别", corrupt: "文件损坏", encrypted: "有密码", unsupported: "不支持的格式", too_large: "超出限制", no_tables: "没有绩效目标表", io: "读写出错" },
    severity: { error: "错误", warning: "警告", info: "提示" },
    indicator: (n) => `第 ${n} 个指标的`, extraWord: "其他", notePlace: "位置",
    fields: { unit_name: "单位名称", unit_code: "单位代码", money_unit: "金额单位", project_name: "项目名称", year: "年度",
      fund_level: "资金级次", total: "预算数", fiscal: "财政资金", other: "其他资金", fund_use: "资金用途",
      goals: "绩效目标", title: "标题", level1: "一级指标", level2: "二级指标", level3: "三级指标", description: "绩效指标描述",
      target: "指标值", kind: "定性/定量", comparator: "比较符", value: "数值", unit: "计量单位", actual: "实际完成值",
      weight: "分值", score: "得分", remark: "备注", indicators: "指标", extra: "其他", notes: "说明", seq: "序号" },
    where: (s) => s.replace(/\btables (\d+)-(\d+)/g, "第 $1-$2 个表格").replace(/\btable (\d+)/g, "第 $1 个表格")
      .replace(/\blines? (\d+(?:-\d+)?)/g, "第 $1 行").replace(/\brows? (\d+(?:-\d+)?)/g, "第 $1 行")
      .replace(/\bpages? (\d+(?:-\d+)?)/g, "第 $1 页"),
  },
  en: {
    title: "Performance target tables", drop: "Drop Word, Excel or text files (or a whole folder) here",
    local: "Files are processed on this machine only; nothing goes to the internet.", pickFiles: "Choose files",
    pickFolder: "Choose a folder", downloadAll: "Download all:", xlsxFlat: "Excel (one row per indicator)",
    xlsxForm: "Excel (as the printed form)", file: "File", status: "Status", tables: "Tables / indicators",
    detail: "Details", download: "Download", ok: "ok", partial: "partial", error: "error", wait: "working…",
    summary: (d, n, t, i, e) => `${d}/${n} files done: ${t} tables, ${i} indicators, ${e} errors`,
    noteLegend: "Yellow: a cell the program changed (hover to see the original and the rule)",
    missingLegend: "Hatched: not filled in", unknownLegend: "Orange dashes: a label not understood (kept in extra)", unit: "Unit", money: "Money unit", project: "Project",
    year: "Year", level: "Fund level", budget: "Budget and use of funds", total: "Total", fiscal: "of which fiscal",
    other: "Other funds", fundUse: "Use of funds", goals: "Goals", l1: "Level 1", l2: "Level 2", l3: "Level 3",
    desc: "Description", target: "Target", actual: "Actual", weight: "Weight", score: "Score", remark: "Remark",
    raw: "original", becomes: "becomes", rule: "rule", unplacedTitle: "Cells not placed:", otherNotes: "Other notes:",
    findings: "Check findings:", table: "Table", busy: "Server busy, retrying…",
    more: (n, all) => `Showing the first ${n} of ${all} tables; the downloads above have them all.`,
    tooBig: (m) => `The file is over the server's limit of ${m} bytes: use jixiao convert, or start the server with a larger --max-request-bytes`,
    kinds: { unreadable: "unreadable", corrupt: "damaged", encrypted: "password", unsupported: "unsupported", too_large: "too large", no_tables: "no target table", io: "read/write error" },
    severity: { error: "error", warning: "warning", info: "info" },
    indicator: (n) => `indicator ${n}: `, extraWord: "extra", notePlace: "where",
    fields: {},
    where: (s) => s,
  },
};
let lang = localStorage.getItem("jixiao-lang") === "en" ? "en" : "zh";
const t = (k) => T[lang][k];

// A record field as a clerk reads it: indicators[15].level2 → 第 16 个指标的二级指标,
// extra.总分 → 其他/总分 (English: indicator 16: level2, extra/总分).
function fieldName(field) {
  if (!field) return "";
  const names = t("fields");
  const word = (w) => names[w] || w;
  const parts = field.split(".");
  const out = [];
  let lead = "";
  for (let k = 0; k < parts.length; k++) {
    const m = /^indicators\[(\d*)\]$/.exec(parts[k]);
    if (m) { lead = m[1] === "" ? "" : t("indicator")(Number(m[1]) + 1); continue; }
    if (parts[k] === "extra") { out.push(t("extraWord") + "/" + parts.slice(k + 1).join(".")); break; }
    if (parts[k] !== "budget" || lang !== "zh") out.push(word(parts[k]));
  }
  return lead + out.join(lang === "zh" ? "·" : ".");
}
const kindName = (k) => (t("kinds")[k] || k);
const severityName = (s) => (t("severity")[s] || s);

const state = { batch: null, results: [], total: 0, done: 0, queue: [], active: 0 };
const $ = (s) => document.querySelector(s);

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k);
  return e;
}

function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const n of document.querySelectorAll("[data-t]")) n.textContent = t(n.dataset.t);
  $("#lang").textContent = lang === "zh" ? "English" : "中文";
  redraw();
}

$("#lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("jixiao-lang", lang);
  applyLang();
});

// ---- choosing files ----
const drop = $("#drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", async (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const items = [...(e.dataTransfer.items || [])].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry());
  if (items.length && items.every(Boolean)) {
    const files = [];
    for (const entry of items) await walk(entry, "", files, false);
    add(files);
  } else {
    add([...e.dataTransfer.files].map((f) => ({ file: f, name: f.name })));
  }
});
$("#pick-files").addEventListener("change", (e) => {
  add([...e.target.files].map((f) => ({ file: f, name: f.name })));
  e.target.value = "";
});
$("#pick-folder").addEventListener("change", (e) => {
  const files = [...e.target.files].filter((f) => known(f.name)).map((f) => ({ file: f, name: f.webkitRelativePath || f.name }));
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  add(files);
  e.target.value = "";
});

function known(name) {
  const dot = name.lastIndexOf(".");
  return dot > 0 && FOLDER_EXTENSIONS.includes(name.slice(dot + 1).toLowerCase()) && !name.startsWith("~$");
}

// A dropped folder: its files in path order, as `jixiao convert` walks one.
async function walk(entry, prefix, out, inFolder) {
  if (entry.isFile) {
    if (inFolder && !known(entry.name)) return;
    const file = await new Promise((ok, bad) => entry.file(ok, bad));
    out.push({ file, name: prefix + entry.name });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    const all = [];
    for (;;) {
      const some = await new Promise((ok, bad) => reader.readEntries(ok, bad));
      if (!some.length) break;
      all.push(...some);
    }
    all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const c of all) await walk(c, prefix + entry.name + "/", out, true);
  }
}

// ---- the batch ----
async function add(files) {
  if (!files.length) return;
  if (!state.batch) {
    const r = await fetch("api/batches", { method: "POST" });
    state.batch = await r.json();
    $("#batch").hidden = false;
  }
  for (const f of files) {
    const slot = { name: f.name, status: "wait", tables: [], gaps: [], error: null, index: null };
    state.results.push(slot);
    state.queue.push([f.file, slot]);
    state.total += 1;
  }
  redraw();
  pump();
}

function pump() {
  while (state.active < PARALLEL && state.queue.length) {
    const [file, slot] = state.queue.shift();
    state.active += 1;
    send(file, slot).finally(() => {
      state.active -= 1;
      state.done += 1;
      soon();
      pump();
    });
  }
}

async function send(file, slot) {
  const max = state.batch.max_request_bytes;
  if (file.size > max) {
    // Refused before sending: the server would answer 413 mid-upload.
    Object.assign(slot, { status: "error", error: { kind: "too_large", message: t("tooBig")(max) } });
    return;
  }
  const url = `api/batches/${encodeURIComponent(state.batch.id)}/files?name=${encodeURIComponent(slot.name)}`;
  for (let attempt = 0; attempt < 20; attempt++) {
    let r;
    try {
      r = await fetch(url, { method: "POST", body: file, headers: { "Content-Type": "application/octet-stream" } });
    } catch (e) {
      Object.assign(slot, { status: "error", error: { kind: "io", message: String(e) } });
      return;
    }
    if (r.status === 503) { await new Promise((ok) => setTimeout(ok, 500)); continue; }
    let v;
    try { v = await r.json(); } catch (e) { v = { error: "io", message: `HTTP ${r.status}` }; }
    if (r.ok) {
      Object.assign(slot, { status: v.status, tables: v.tables, gaps: v.gaps, error: v.error, index: v.index, findings: v.findings || [] });
    } else {
      Object.assign(slot, { status: "error", error: { kind: v.error, message: v.message } });
    }
    return;
  }
  Object.assign(slot, { status: "error", error: { kind: "io", message: t("busy") } });
}

function exportUrl(kind, file) {
  const [format, layout] = kind.split("-");
  let u = `api/batches/${encodeURIComponent(state.batch.id)}/export?format=${format}`;
  if (layout) u += `&layout=${layout}`;
  if (file !== undefined) u += `&file=${file}`;
  return u;
}

for (const a of document.querySelectorAll("[data-export]")) {
  a.addEventListener("click", (e) => {
    e.preventDefault();
    if (state.batch) location.href = exportUrl(a.dataset.export);
  });
}

// ---- drawing ----
// A big batch redraws a few times a second, not once a file.
let pending = null;
function soon() {
  if (pending === null) pending = setTimeout(() => { pending = null; redraw(); }, state.done === state.total ? 0 : 200);
}

function redraw() {
  if (!state.batch) return;
  const pct = state.total ? Math.round((100 * state.done) / state.total) : 0;
  $("#bar").style.width = pct + "%";
  let tables = 0, inds = 0, errs = 0;
  for (const r of state.results) {
    tables += r.tables.length;
    inds += r.tables.reduce((n, x) => n + x.indicators.length, 0);
    if (r.status === "error") errs += 1;
  }
  $("#summary").textContent = t("summary")(state.done, state.total, tables, inds, errs);
  const body = $("#files tbody");
  body.replaceChildren(...state.results.map(fileRow));
  const out = $("#tables");
  out.replaceChildren(el("p", { class: "legend" },
    el("span", { class: "nz" }, t("noteLegend")), el("span", { class: "missing" }, t("missingLegend")),
    el("span", { class: "unknown" }, t("unknownLegend"))));
  // Drawing thousands of forms would stall the page: the first MAX_DRAWN are
  // drawn, every table is in the downloads.
  let drawn = 0;
  for (const r of state.results) {
    r.tables.forEach((tb, i) => {
      if (drawn++ < MAX_DRAWN) out.append(sheet(r, tb, i));
    });
  }
  if (drawn > MAX_DRAWN) out.append(el("p", { class: "legend" }, t("more")(MAX_DRAWN, drawn)));
}

function fileRow(r) {
  const detail = el("td", { class: "detail" });
  if (r.error) detail.append(el("span", { class: "kind", title: r.error.kind }, kindName(r.error.kind)), " ", r.error.message);
  for (const g of r.gaps.flat()) detail.append(el("div", {}, g));
  const dl = el("td", {});
  if (r.index !== null && r.status !== "error") {
    for (const [k, label] of [["xlsx-flat", "xlsx"], ["xlsx-form", t("xlsxForm").replace(/^Excel/, "xlsx")], ["csv", "CSV"], ["json", "JSON"]]) {
      dl.append(el("a", { class: "button", href: exportUrl(k, r.index), download: "" }, label));
    }
  }
  const n = r.tables.reduce((a, x) => a + x.indicators.length, 0);
  return el("tr", { class: "file-row", "data-status": r.status },
    el("td", {}, r.name),
    el("td", { class: "st-" + r.status }, t(r.status)),
    el("td", {}, r.status === "error" || r.status === "wait" ? "" : `${r.tables.length} / ${n}`),
    detail, dl);
}

const GRID = [
  ["l1", "level1", (i) => i.level1],
  ["l2", "level2", (i) => i.level2],
  ["l3", "level3", (i) => i.level3],
  ["desc", "description", (i) => i.description],
  ["target", "target", (i) => i.target && i.target.raw],
];
const OPTIONAL = [
  ["actual", "actual", (i) => i.actual && i.actual.raw],
  ["weight", "weight", (i) => i.weight],
  ["score", "score", (i) => i.score],
  ["remark", "remark", (i) => i.remark],
];

function noteText(n) {
  const to = n.normalized === null ? "—" : n.normalized;
  return `${t("raw")}: ${n.raw}\n${t("becomes")}: ${to}\n${t("rule")}: ${n.rule}\n${t("notePlace")}: ${fieldName(n.field)}`;
}

// One table as its printed form; each cell knows the record field it shows,
// so a note (its `field`) lands on the cell it is about.
function sheet(r, tb, i) {
  const cols = GRID.concat(OPTIONAL.filter(([, , get]) => tb.indicators.some((x) => get(x) !== null && get(x) !== undefined)));
  const extraKeys = [];
  for (const ind of tb.indicators) for (const k of Object.keys(ind.extra)) if (!extraKeys.includes(k)) extraKeys.push(k);
  const width = Math.max(cols.length + extraKeys.length, 7);
  const missing = new Set(tb.incomplete.filter((g) => g.problem === "missing").map((g) => g.field));
  const cell = (field, text, span) => {
    const c = el("td", { "data-field": field, colspan: span > 1 ? span : null }, text === null || text === undefined ? "" : String(text));
    if (missing.has(field) && !text) c.classList.add("missing");
    return c;
  };
  const head = (key, span, rows) => el("th", { colspan: span > 1 ? span : null, rowspan: rows > 1 ? rows : null }, t(key));
  const rows = [];
  const unit = [tb.unit_code, tb.unit_name].filter(Boolean).join(" ");
  rows.push(el("tr", {}, head("unit", 2), cell("unit_name", unit, width - 4), head("money", 1), cell("money_unit", tb.money_unit, 1)));
  rows.push(el("tr", {}, head("project", 2), cell("project_name", tb.project_name, width - 2)));
  if (tb.year || tb.fund_level) {
    rows.push(el("tr", {}, head("year", 2), cell("year", tb.year, 1), head("level", 1), cell("fund_level", tb.fund_level, width - 4)));
  }
  const money = [["total", "budget.total"], ["fiscal", "budget.fiscal"], ["other", "budget.other"]];
  const mrow = el("tr", {}, head("budget", 1, 2));
  for (const [k, f] of money) mrow.append(head(k, 1), cell(f, tb.budget[f.split(".")[1]], 1));
  if (width > 7) mrow.append(el("td", { colspan: width - 7 }));
  rows.push(mrow);
  rows.push(el("tr", {}, cell("fund_use", tb.fund_use, width - 1)));
  const goals = tb.goals.map((g, n) => (tb.goals.length > 1 ? `${n + 1}. ${g}` : g)).join("\n");
  rows.push(el("tr", {}, head("goals", 2), cell("goals", goals, width - 2)));
  for (const [k, v] of Object.entries(tb.extra)) {
    rows.push(el("tr", {}, el("th", { colspan: 2 }, k), cell("extra." + k, v, width - 2)));
  }
  const hrow = el("tr", {}, cols.map(([k]) => head(k, 1)), extraKeys.map((k) => el("th", {}, k)));
  if (width > cols.length + extraKeys.length) hrow.append(el("th", { colspan: width - cols.length - extraKeys.length }));
  rows.push(hrow);

  // Notes by field; a note on a level cell breaks that cell's merged run so it
  // stays on the row it is about.
  const notes = new Map();
  for (const n of tb.notes) notes.set(n.field, (notes.get(n.field) || []).concat([n]));
  const noted = (f) => [...notes.keys()].some((k) => k === f || k.startsWith(f + "."));
  const runs = (col, key) => {
    const len = new Array(tb.indicators.length).fill(0);
    let start = 0;
    for (let j = 0; j < tb.indicators.length; j++) {
      const same = j > start && key(tb.indicators[j]) === key(tb.indicators[start]) && key(tb.indicators[j]) !== "" && !noted(`indicators[${j}].${col}`);
      if (!same) start = j;
      len[start] += 1;
    }
    return len;
  };
  const run1 = runs("level1", (x) => x.level1 || "");
  const run2 = runs("level2", (x) => (x.level1 || "") + "\u0000" + (x.level2 || ""));
  const targetsMissing = missing.has("indicators[].target");
  tb.indicators.forEach((ind, j) => {
    const row = el("tr", {});
    cols.forEach(([, f, get], c) => {
      if (c === 0 && run1[j] === 0) return;
      if (c === 1 && run2[j] === 0) return;
      const td = cell(`indicators[${j}].${f}`, get(ind), 1);
      const span = c === 0 ? run1[j] : c === 1 ? run2[j] : 1;
      if (span > 1) td.setAttribute("rowspan", span);
      if (f === "target" && targetsMissing && !ind.target) td.classList.add("missing");
      row.append(td);
    });
    for (const k of extraKeys) row.append(cell(`indicators[${j}].extra.${k}`, ind.extra[k], 1));
    if (width > cols.length + extraKeys.length) row.append(el("td", { colspan: width - cols.length - extraKeys.length }));
    rows.push(row);
  });
  const title = [tb.seq, tb.title].filter((x) => x !== null && x !== undefined).join(". ") || "绩效目标表";
  const form = el("table", { class: "form" }, el("caption", {}, title), el("tbody", {}, rows));

  // Put each note on the cell of its field, or the nearest field above it
  // (indicators[3].target.kind → the target cell); the rest are listed.
  const byField = new Map([...form.querySelectorAll("[data-field]")].map((c) => [c.dataset.field, c]));
  const unplaced = [], other = [];
  for (const n of tb.notes) {
    let f = n.field, c = byField.get(f);
    while (!c && f.includes(".")) { f = f.slice(0, f.lastIndexOf(".")); c = byField.get(f); }
    if (c && n.rule !== "unplaced") {
      c.classList.add("nz");
      c.tabIndex = 0;
      c.dataset.note = (c.dataset.note ? c.dataset.note + "\n\n" : "") + noteText(n);
    } else if (n.rule === "unplaced") unplaced.push(n);
    else other.push(n);
  }
  // Labels and column headers the program did not understand (kept in extra).
  for (const n of tb.notes.filter((n) => n.rule === "unknown label" || n.rule === "unknown column")) {
    for (const th of form.querySelectorAll("th")) {
      if (th.textContent === n.raw) { th.classList.add("unknown"); th.dataset.gap = n.field; }
    }
  }
  const box = el("div", { class: "sheet", "data-file": r.name, "data-table": tb.source.table },
    el("h2", {}, `${r.name} · ${t("table")} ${tb.source.table}`),
    el("div", { class: "where" }, `${tb.source.format} · ${t("where")(tb.source.locator)}`));
  const gapLines = r.gaps[i] || [];
  if (gapLines.length) box.append(el("ul", { class: "gaps" }, gapLines.map((g) => el("li", {}, g))));
  box.append(form);
  if (unplaced.length) {
    box.append(el("div", { class: "small" }, t("unplacedTitle")),
      el("ul", { class: "unplaced" }, unplaced.map((n) => el("li", { "data-field": n.field }, `${fieldName(n.field)}：${n.raw}`))));
  }
  if (other.length) {
    box.append(el("div", { class: "small" }, t("otherNotes")),
      el("ul", { class: "unplaced" }, other.map((n) => el("li", { "data-field": n.field }, `${fieldName(n.field)}：${n.raw} → ${n.normalized ?? "—"}（${t("rule")}：${n.rule}）`))));
  }
  // `jixiao check` findings: listed under the table, and marked on their cell.
  const findings = (r.findings || []).filter((x) => x.table === tb.source.table);
  const said = (x) => (lang === "zh" ? x.message_zh : x.message_en) || x.message_zh || "";
  for (const x of findings) {
    let f = x.field || "", c = byField.get(f);
    while (!c && f.includes(".")) { f = f.slice(0, f.lastIndexOf(".")); c = byField.get(f); }
    if (!c) continue;
    c.classList.add("flag", "nz");
    c.tabIndex = 0;
    c.dataset.note = (c.dataset.note ? c.dataset.note + "\n\n" : "") + `⚑ ${severityName(x.severity)}：${said(x)}`;
  }
  if (findings.length) {
    box.append(el("div", { class: "small" }, t("findings")),
      el("ul", { class: "findings" }, findings.map((x) =>
        el("li", { "data-rule": x.rule, "data-severity": x.severity, "data-field": x.field || null },
          `[${severityName(x.severity)}] ${said(x)}`, x.field ? ` — ${fieldName(x.field)}` : ""))));
  }
  return box;
}

applyLang();
