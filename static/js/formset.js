/* Repeating rows (goals, indicators, tasks) without a page reload.
 *
 * Each section[data-formset] holds a Django formset. Adding clones the empty-form template
 * with the next index; deleting ticks the row's DELETE box and hides it (so the server sees
 * it); moving swaps rows and renumbers the hidden `order` inputs. Nothing is sent until the
 * user saves, and leaving the page with unsaved changes asks first.
 *
 * Keyboard users keep their place: an added row takes focus in its first cell, a moved row
 * keeps focus on the button pressed, a deleted row hands it to the row that took its place;
 * each change is said in the page's polite live region (#grid-status, e.g. 已添加第4行), and
 * every label and button names its row (第3行 三级指标, 上移第3行).
 */
(function () {
  "use strict";

  const level2Parents = JSON.parse(document.getElementById("level2-parents")?.textContent || "{}");
  let dirty = false;

  function visibleRows(section) {
    return Array.from(section.querySelectorAll('[data-role="rows"] > [data-role="row"]')).filter(
      (row) => !row.querySelector('[data-role="delete"]')?.checked
    );
  }

  function announce(text) {
    const status = document.getElementById("grid-status");
    if (!status) return;
    // Emptied first so the same words said twice (two rows added) are heard twice.
    status.textContent = "";
    setTimeout(() => (status.textContent = text), 50);
  }

  function renumber(section) {
    visibleRows(section).forEach((row, index) => {
      const number = String(index + 1);
      const order = row.querySelector('[data-role="order"]');
      if (order) order.value = number;
      const label = row.querySelector('[data-role="row-number"]');
      if (label) label.textContent = number;
      row.querySelectorAll('[data-role="label-row-number"]').forEach((span) => (span.textContent = number));
      row.querySelectorAll("button[data-label]").forEach((button) => {
        button.setAttribute("aria-label", `${button.dataset.label}第${number}行`);
      });
    });
  }

  /** The first control a person types into in a row (never the hidden DELETE box). */
  function firstCell(row) {
    return row.querySelector(
      'td:not(.col-actions) :is(input:not([type="hidden"]):not([type="checkbox"]), select, textarea)'
    );
  }

  function filterLevel2(row) {
    const level1 = row.querySelector('select[data-role="level1"]');
    const level2 = row.querySelector('select[data-role="level2"]');
    if (!level1 || !level2) return;
    for (const option of level2.options) {
      if (!option.value) continue;
      const fits = String(level2Parents[option.value]) === level1.value;
      option.hidden = !fits && !option.selected;
    }
  }

  /** Adds a row at the end. `quiet` (a paste filling many rows) neither moves focus nor speaks. */
  function addRow(section, { quiet = false } = {}) {
    const total = section.querySelector('input[name$="-TOTAL_FORMS"]');
    const template = section.querySelector('template[data-role="empty-row"]');
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    const body = section.querySelector('[data-role="rows"]');
    body.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    const row = body.lastElementChild;
    filterLevel2(row);
    renumber(section);
    dirty = true;
    row.dispatchEvent(new CustomEvent("formset:added", { bubbles: true }));
    if (!quiet) {
      firstCell(row)?.focus();
      announce(`已添加第${visibleRows(section).length}行`);
    }
    return row;
  }
  window.Formset = { addRow, announce }; // paste.js adds rows the same way

  function move(section, row, direction, button) {
    const rows = visibleRows(section);
    const index = rows.indexOf(row);
    const other = rows[index + direction];
    if (!other) {
      announce(direction < 0 ? `第${index + 1}行已在最前` : `第${index + 1}行已在最后`);
      return;
    }
    // The other row moves, not this one: a focused element taken out of the page loses focus.
    if (direction < 0) row.after(other);
    else row.before(other);
    renumber(section);
    dirty = true;
    if (button && document.activeElement !== button) button.focus();
    announce(`已将第${index + 1}行${direction < 0 ? "上移" : "下移"}到第${index + 1 + direction}行`);
  }

  function deleteRow(section, row) {
    const rows = visibleRows(section);
    const index = rows.indexOf(row);
    const box = row.querySelector('[data-role="delete"]');
    if (box) box.checked = true;
    row.classList.add("d-none");
    renumber(section);
    dirty = true;
    // Focus goes to the same button of the row now in this place (or the one above), else to
    // the add button: never to <body>.
    const next = rows[index + 1] || rows[index - 1];
    const target = next?.querySelector('[data-action="delete-row"]') || section.querySelector('[data-action="add-row"]');
    target?.focus();
    announce(`已删除第${index + 1}行（保存后生效），现共${visibleRows(section).length}行`);
  }

  document.querySelectorAll("section[data-formset]").forEach((section) => {
    section.querySelectorAll('[data-role="rows"] > [data-role="row"]').forEach((row) => {
      if (row.querySelector('[data-role="delete"]')?.checked) row.classList.add("d-none");
      filterLevel2(row);
    });
    renumber(section);
    section.addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (!button) return;
      const row = button.closest('[data-role="row"]');
      switch (button.dataset.action) {
        case "add-row":
          addRow(section);
          break;
        case "move-up":
          move(section, row, -1, button);
          break;
        case "move-down":
          move(section, row, 1, button);
          break;
        case "delete-row":
          deleteRow(section, row);
          break;
      }
    });
    section.addEventListener("change", (event) => {
      if (event.target.matches('select[data-role="level1"]')) {
        filterLevel2(event.target.closest('[data-role="row"]'));
      }
    });
  });

  // Rows a reviewer commented on are tinted so the filer finds what to fix.
  document.querySelectorAll('[data-role="review-comments"] [data-anchor]').forEach((item) => {
    if (!item.dataset.anchor) return;
    document
      .querySelectorAll(`tr[data-anchor="${CSS.escape(item.dataset.anchor)}"]`)
      .forEach((row) => row.classList.add("table-warning"));
  });

  const form = document.querySelector('form[data-role="table-form"]');
  if (form) {
    form.addEventListener("input", () => (dirty = true));
    form.addEventListener("change", () => (dirty = true));
    form.addEventListener("submit", () => {
      document.querySelectorAll("section[data-formset]").forEach(renumber);
      dirty = false;
    });
    window.addEventListener("beforeunload", (event) => {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
})();
