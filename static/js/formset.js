/* Repeating rows (goals, indicators, tasks) without a page reload.
 *
 * Each section[data-formset] holds a Django formset. Adding clones the empty-form template
 * with the next index; deleting ticks the row's DELETE box and hides it (so the server sees
 * it); moving swaps rows and renumbers the hidden `order` inputs. Nothing is sent until the
 * user saves, and leaving the page with unsaved changes asks first.
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

  function renumber(section) {
    visibleRows(section).forEach((row, index) => {
      const order = row.querySelector('[data-role="order"]');
      if (order) order.value = index + 1;
      const label = row.querySelector('[data-role="row-number"]');
      if (label) label.textContent = index + 1;
    });
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

  function addRow(section) {
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
    row.querySelector("input:not([type=hidden]), select, textarea")?.focus();
    return row;
  }
  window.Formset = { addRow }; // paste.js adds rows the same way

  function move(section, row, direction) {
    const rows = visibleRows(section);
    const index = rows.indexOf(row);
    const other = rows[index + direction];
    if (!other) return;
    if (direction < 0) other.before(row);
    else other.after(row);
    renumber(section);
    dirty = true;
  }

  function deleteRow(section, row) {
    const box = row.querySelector('[data-role="delete"]');
    if (box) box.checked = true;
    row.classList.add("d-none");
    renumber(section);
    dirty = true;
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
          move(section, row, -1);
          break;
        case "move-down":
          move(section, row, 1);
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
