/* Paste rows copied from Excel or WPS into the indicator grid.
 *
 * Excel and WPS put a block of cells on the clipboard as text: rows end with \r\n (or \n), cells
 * are separated by \t, and a cell holding a line break, a tab or a quote is wrapped in quotes
 * with inner quotes doubled. Pasting such a block into any field of the grid fills rows from
 * that row on (adding rows as needed, the way formset.js does) and columns from that column on,
 * in the grid's own column order, read from its header cells (th.col-<field>): for the project
 * grid the official order 一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据.
 * A blank 一级/二级 cell means "as the row above" (what merged cells become when copied).
 * Categories are matched to the options by text (产出 = 产出指标). A single cell pastes normally.
 */
(function () {
  "use strict";

  const MAX_ROWS = 500;
  const level2Parents = JSON.parse(document.getElementById("level2-parents")?.textContent || "{}");

  /** Cells of the clipboard text, as Excel writes it; blank rows are dropped. */
  function parseBlock(text) {
    const rows = [];
    let row = [];
    let cell = "";
    let i = 0;
    let cellStart = true;
    const n = text.length;
    const endCell = () => {
      row.push(cell);
      cell = "";
      cellStart = true;
    };
    while (i < n) {
      const ch = text[i];
      if (cellStart && ch === '"') {
        // A quoted cell: up to the closing quote; "" is one quote.
        i += 1;
        while (i < n) {
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i += 1;
            break;
          }
          cell += text[i];
          i += 1;
        }
        cellStart = false;
        continue;
      }
      cellStart = false;
      if (ch === "\t") {
        endCell();
      } else if (ch === "\r" || ch === "\n") {
        endCell();
        rows.push(row);
        row = [];
        if (ch === "\r" && text[i + 1] === "\n") i += 1;
      } else {
        cell += ch;
      }
      i += 1;
    }
    if (cell !== "" || row.length) {
      endCell();
      rows.push(row);
    }
    return rows.filter((cells) => cells.some((c) => c.trim() !== ""));
  }

  function columnsOf(section) {
    return Array.from(section.querySelectorAll("thead th"))
      .map((th) => Array.from(th.classList).find((c) => c.startsWith("col-")))
      .filter((c) => c && c !== "col-no" && c !== "col-actions")
      .map((c) => c.slice(4));
  }

  function visibleRows(section) {
    return Array.from(section.querySelectorAll('[data-role="rows"] > [data-role="row"]')).filter(
      (row) => !row.querySelector('[data-role="delete"]')?.checked
    );
  }

  function addRow(section) {
    if (window.Formset?.addRow) return window.Formset.addRow(section, { quiet: true });
    section.querySelector('[data-action="add-row"]').click();
    const rows = section.querySelectorAll('[data-role="rows"] > [data-role="row"]');
    return rows[rows.length - 1];
  }

  function fieldOf(row, name) {
    return row.querySelector(`[name$="-${name}"]:not([type="hidden"])`);
  }

  function categoryKey(text) {
    return text.replace(/\s+/g, "").replace(/指标$/, "");
  }

  /** The option whose text is the category named in the cell; 二级 prefers the chosen 一级. */
  function matchOption(select, text, parentValue) {
    const key = categoryKey(text);
    const options = Array.from(select.options).filter(
      (o) => o.value && categoryKey(o.text.split("/").pop()) === key
    );
    if (parentValue) {
      const child = options.find((o) => String(level2Parents[o.value]) === String(parentValue));
      if (child) return child;
      if (select.dataset.role === "level2") return null;
    }
    return options[0] || null;
  }

  function setSelect(select, value) {
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setInput(field, value) {
    field.value = field.tagName === "TEXTAREA" ? value : value.replace(/\s*[\r\n]+\s*/g, " ");
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function message(section, text, problems) {
    let box = section.querySelector('[data-role="paste-message"]');
    if (!box) {
      box = document.createElement("div");
      box.dataset.role = "paste-message";
      box.setAttribute("role", "status");
      section.querySelector('[data-action="add-row"]').before(box);
    }
    box.className = `paste-message alert ${problems.length ? "alert-warning" : "alert-info"} py-1 px-2 mb-2`;
    box.textContent = [text, ...problems].join(" ");
  }

  function paste(section, target, block) {
    const columns = columnsOf(section);
    const prefix = section.dataset.formset;
    const match = new RegExp(`^${prefix}-\\d+-(.+)$`).exec(target.name || "");
    const startColumn = Math.max(0, match ? columns.indexOf(match[1]) : 0);
    const startRow = target.closest('[data-role="row"]');
    const rows = visibleRows(section);
    let index = rows.indexOf(startRow);
    let above = index > 0 ? rows[index - 1] : null;
    const problems = [];
    let overflow = 0;
    const taken = block.slice(0, MAX_ROWS);
    taken.forEach((cells, offset) => {
      const row = rows[index + offset] || addRow(section);
      // 二级 follows the row above only where 一级 does too (merged cells nest).
      const level1Cell = columns.indexOf("level1") - startColumn;
      const level1Blank = level1Cell < 0 || !cells[level1Cell]?.trim();
      cells.forEach((raw, j) => {
        const name = columns[startColumn + j];
        if (!name) {
          if (raw.trim()) overflow += 1;
          return;
        }
        const field = fieldOf(row, name);
        if (!field) return;
        const value = raw.trim();
        if (name === "level1" || name === "level2") {
          const inherit = !value && (name === "level1" || level1Blank);
          if (inherit) {
            const source = above && fieldOf(above, name);
            if (source) setSelect(field, source.value);
            return;
          }
          if (!value) {
            setSelect(field, "");
            return;
          }
          const parent = name === "level2" ? fieldOf(row, "level1")?.value : "";
          const option = matchOption(field, value, parent);
          if (option) setSelect(field, option.value);
          else {
            setSelect(field, "");
            const level = name === "level1" ? "一级" : "二级";
            problems.push(`第 ${offset + 1} 行的${level}指标“${value}”不在可选范围内，请手工选择。`);
          }
          return;
        }
        setInput(field, value);
      });
      above = row;
    });
    const text = `已粘贴 ${taken.length} 行。`;
    if (block.length > MAX_ROWS) problems.push(`一次最多粘贴 ${MAX_ROWS} 行，其余未粘贴。`);
    if (overflow) problems.push(`有 ${overflow} 个单元格超出表格的列，未粘贴。`);
    message(section, text, problems);
  }

  document.addEventListener("paste", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const section = target.closest('section[data-formset="indicators"]');
    if (!section || !target.closest('[data-role="row"]')) return;
    const text = event.clipboardData?.getData("text/plain") || "";
    const body = text.replace(/(\r\n|\r|\n)$/, "");
    // One cell without tabs or line breaks is an ordinary paste into the field.
    if (!/[\t\r\n]/.test(body)) return;
    const block = parseBlock(text);
    if (!block.length) return;
    event.preventDefault();
    paste(section, target, block);
  });

  window.Paste = { parseBlock };
})();
