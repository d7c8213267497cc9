/* The editors' keyboard: the row grids behave like a spreadsheet (docs/accessibility.md).
 *
 * Progressive enhancement over the formset: without this script every field is a plain form
 * field and the page still saves. With it:
 *   ←/→       inside text the caret moves first; at the start/end of the text, the next cell
 *   ↑/↓       the cell above/below (in a multi-line text, once the caret is on its first/last line);
 *             in a drop-down too (Alt+↓ or Space opens it)
 *   Enter     the cell below (Shift+Enter above; from the last row, the row list's add button);
 *             it never submits the form. Alt+Enter starts a new line inside a text cell.
 *   Tab       the next cell to the right (the browser's own order)
 *   Ctrl+S    saves (the 保存 button)
 *   Ctrl+Z    undoes the typing in the cell (the browser's own undo), then the cell changes
 *             before it, newest first (a library pick or a paste as one step); Ctrl+Y redoes
 * Outside the grids, Enter in a one-line field moves to the next field instead of submitting.
 *
 * It also keeps what has focus in sight: never under the sticky 保存 bar; and on a failed save
 * moves focus to the error summary, whose links focus their field.
 */
(function () {
  "use strict";

  const form = document.querySelector('form[data-role="table-form"]');
  if (!form) return;

  const CELL = 'td:not(.col-actions) :is(input:not([type="hidden"]):not([type="checkbox"]), select, textarea)';
  const CONTROL = 'input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]):not([type="submit"]):not([type="button"]), select, textarea';
  const status = document.getElementById("grid-status");
  const keyHint = form.querySelector('[data-role="key-hint"]');
  if (keyHint) keyHint.hidden = false;

  function say(text) {
    if (window.Formset?.announce) window.Formset.announce(text);
    else if (status) status.textContent = text;
  }

  function labelOf(element) {
    const label = element.labels?.[0];
    return (label ? label.textContent : element.name).replace(/\*/g, "").replace(/\s+/g, " ").trim();
  }

  // --- keeping focus in sight -------------------------------------------------------------

  const bar = form.querySelector('[data-role="save-bar"]');

  /** Scrolls so `element` is clear of the sticky save bar and of the top of the window. */
  function keepInSight(element) {
    const rect = element.getBoundingClientRect();
    const bottom = bar ? bar.getBoundingClientRect().top : window.innerHeight;
    const margin = 8;
    // Instantly: a smooth scroll (Bootstrap's default) would be cut short by the next one.
    if (rect.bottom > bottom - margin) {
      window.scrollBy({ top: rect.bottom - bottom + margin, behavior: "instant" });
    } else if (rect.top < margin) {
      window.scrollBy({ top: rect.top - margin, behavior: "instant" });
    }
  }

  // Tabbing (or a script) may focus a field the browser scrolls only just into the window,
  // i.e. under the sticky bar: CSS scroll-padding handles most of it, this the rest.
  form.addEventListener("focusin", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || target === bar || bar?.contains(target)) return;
    requestAnimationFrame(() => {
      if (document.activeElement === target) keepInSight(target);
    });
  });

  function focusCell(element) {
    if (!element) return false;
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "instant" });
    keepInSight(element);
    if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
      // Arriving in a cell selects nothing: the caret goes to the end, as when clicking after it.
      const end = element.value.length;
      try {
        element.setSelectionRange(end, end);
      } catch (error) {
        // some input types have no caret
      }
    }
    return true;
  }

  // --- the grid -----------------------------------------------------------------------------

  function rowsOf(section) {
    return Array.from(section.querySelectorAll('[data-role="rows"] > [data-role="row"]')).filter(
      (row) => !row.classList.contains("d-none")
    );
  }

  function cellsOf(row) {
    return Array.from(row.querySelectorAll(CELL));
  }

  function position(element) {
    const row = element.closest('[data-role="row"]');
    const section = row?.closest("section[data-formset]");
    if (!row || !section || !element.matches(CELL)) return null;
    const rows = rowsOf(section);
    return { section, rows, row: rows.indexOf(row), column: cellsOf(row).indexOf(element) };
  }

  function cellAt(where, rowIndex, column) {
    const row = where.rows[rowIndex];
    if (!row) return null;
    const cells = cellsOf(row);
    return cells[Math.min(column, cells.length - 1)] || null;
  }

  function isText(element) {
    return (
      element instanceof HTMLTextAreaElement ||
      (element instanceof HTMLInputElement && element.selectionStart !== null)
    );
  }

  /** Where ↑/↓ leave a text: a one-line input at once; a textarea when the caret cannot move
   * further (the browser is asked first, then the caret is compared). */
  function moveVertically(element, where, step) {
    const target = cellAt(where, where.row + step, where.column);
    if (!target) return false;
    return focusCell(target);
  }

  function onArrow(event, element, where) {
    const key = event.key;
    if (key === "ArrowLeft" || key === "ArrowRight") {
      const step = key === "ArrowLeft" ? -1 : 1;
      if (isText(element)) {
        const { selectionStart: start, selectionEnd: end } = element;
        const atEdge = start === end && (step < 0 ? start === 0 : end === element.value.length);
        if (!atEdge) return; // the caret moves inside the text
      }
      const cells = cellsOf(where.rows[where.row]);
      const target = cells[where.column + step];
      event.preventDefault();
      if (target) focusCell(target);
      return;
    }
    const step = key === "ArrowUp" ? -1 : 1;
    if (element instanceof HTMLTextAreaElement) {
      const { selectionStart: start, selectionEnd: end } = element;
      if (start !== end) return;
      const atEdge = step < 0 ? start === 0 : end === element.value.length;
      if (!atEdge) {
        // Let the caret move a line; if it could not (first/last line), go to the next cell.
        setTimeout(() => {
          if (
            document.activeElement === element &&
            element.selectionStart === start &&
            element.selectionEnd === end
          ) {
            moveVertically(element, where, step);
          }
        });
        return;
      }
    }
    event.preventDefault();
    moveVertically(element, where, step);
  }

  function onEnter(event, element, where) {
    event.preventDefault();
    if (event.altKey && element instanceof HTMLTextAreaElement) {
      // Alt+Enter: a line break inside the cell, as in Excel.
      element.setRangeText("\n", element.selectionStart, element.selectionEnd, "end");
      // Typing, not a script's change: the undo step is the whole edit of this cell.
      replaying = true;
      try {
        element.dispatchEvent(new Event("input", { bubbles: true }));
      } finally {
        replaying = false;
      }
      return;
    }
    const step = event.shiftKey ? -1 : 1;
    if (moveVertically(element, where, step)) return;
    if (step > 0) {
      const add = where.section.querySelector('[data-action="add-row"]');
      if (add) {
        focusCell(add);
        say("已是最后一行；按回车键可添加一行");
      }
    }
  }

  /** Enter in a one-line field outside the grids: the next field, never a submission. */
  function nextControl(element) {
    const controls = Array.from(form.querySelectorAll(CONTROL)).filter(
      (control) => !control.disabled && control.offsetParent !== null
    );
    return controls[controls.indexOf(element) + 1] || null;
  }

  // --- undo ---------------------------------------------------------------------------------

  // The value of each field as last committed (the page's own value until then): an edit is a
  // change from it, committed when the field fires `change` or a script sets it.
  const committed = new WeakMap();
  const undoStack = [];
  const redoStack = [];
  let group = null; // the changes one script action makes, undone together
  let replaying = false;

  function initialValue(element) {
    if (element instanceof HTMLSelectElement) {
      const option = Array.from(element.options).find((o) => o.defaultSelected);
      return option ? option.value : element.options[0]?.value ?? "";
    }
    return element.defaultValue;
  }

  function committedValue(element) {
    return committed.has(element) ? committed.get(element) : initialValue(element);
  }

  function record(element, trusted) {
    if (replaying || !element.matches?.(CONTROL) || !form.contains(element)) return;
    const before = committedValue(element);
    const after = element.value;
    if (before === after) return;
    committed.set(element, after);
    const change = { element, before, after };
    redoStack.length = 0;
    if (!trusted) {
      // A script (indicator library, paste) sets several fields in one go: one undo step.
      if (!group) {
        group = [];
        undoStack.push(group);
        setTimeout(() => (group = null));
      }
      group.push(change);
    } else {
      undoStack.push([change]);
    }
  }

  form.addEventListener("change", (event) => record(event.target, event.isTrusted));
  form.addEventListener("input", (event) => {
    if (!event.isTrusted) record(event.target, false);
    // Typing starts a new branch: what was undone before can no longer be redone.
    else redoStack.length = 0;
  });

  function setValue(element, value) {
    element.value = value;
    committed.set(element, value);
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function replay(changes, key) {
    replaying = true;
    try {
      const ordered = key === "before" ? [...changes].reverse() : changes;
      ordered.forEach((change) => setValue(change.element, change[key]));
    } finally {
      replaying = false;
    }
    const shown = changes.find((change) => change.element.isConnected && change.element.offsetParent !== null);
    if (shown) focusCell(shown.element);
    return shown;
  }

  /** A text field typed in since its value was last committed: the browser's own undo and
   * redo handle that typing, step by step, before this page's list of cell changes. */
  function typingIn(element) {
    return isText(element) && element.value !== committedValue(element);
  }

  function undo() {
    const changes = undoStack.pop();
    if (!changes) {
      say("没有可撤销的修改");
      return;
    }
    const shown = replay(changes, "before");
    redoStack.push(changes);
    say(shown ? `已撤销：${labelOf(shown.element)}` : "已撤销");
  }

  function redo() {
    const changes = redoStack.pop();
    if (!changes) {
      say("没有可恢复的修改");
      return;
    }
    const shown = replay(changes, "after");
    undoStack.push(changes);
    say(shown ? `已恢复：${labelOf(shown.element)}` : "已恢复");
  }

  // --- keys ---------------------------------------------------------------------------------

  function save() {
    const button = form.querySelector('[data-action="save"]');
    say("正在保存……");
    if (form.requestSubmit) form.requestSubmit(button || undefined);
    else button?.click();
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing || event.keyCode === 229) return;
    const ctrl = event.ctrlKey || event.metaKey;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (ctrl && !event.altKey && key === "s") {
      event.preventDefault();
      save();
      return;
    }
    const element = event.target;
    if (!(element instanceof HTMLElement) || !form.contains(element) || !element.matches(CONTROL)) return;
    if (ctrl && !event.altKey && (key === "z" || key === "y")) {
      const again = key === "y" || event.shiftKey;
      if (typingIn(element)) return; // the browser undoes (or redoes) the typing in this cell
      if (again && !redoStack.length) return; // the browser may still redo typing it undid
      event.preventDefault();
      if (again) redo();
      else undo();
      return;
    }
    if (ctrl || event.metaKey) return;
    // A list that is open (the indicator library's) keeps its own keys.
    if (element.getAttribute("aria-expanded") === "true") return;
    const where = position(element);
    if (event.key === "Enter") {
      if (where) onEnter(event, element, where);
      else if (!(element instanceof HTMLTextAreaElement)) {
        event.preventDefault();
        const next = nextControl(element);
        if (next) focusCell(next);
      }
      return;
    }
    if (!where || event.altKey || event.shiftKey) return;
    if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].includes(event.key)) {
      onArrow(event, element, where);
    }
  });

  // --- failed save: the error summary -------------------------------------------------------

  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.scrollIntoView({ block: "start", behavior: "instant" });
    summary.focus({ preventScroll: true });
    summary.addEventListener("click", (event) => {
      const link = event.target.closest('a[data-role="error-link"]');
      if (!link) return;
      const field = document.getElementById(link.dataset.field);
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({ block: "center", inline: "nearest", behavior: "instant" });
      field.focus({ preventScroll: true });
      keepInSight(field);
    });
  }

  // --- cells that grow with their text (browsers without CSS field-sizing) -----------------

  if (!CSS.supports?.("field-sizing", "content")) {
    const grow = (area) => {
      area.style.height = "auto";
      area.style.height = `${area.scrollHeight + 2}px`;
    };
    form.querySelectorAll(".rows-table textarea").forEach(grow);
    form.addEventListener("input", (event) => {
      if (event.target.matches?.(".rows-table textarea")) grow(event.target);
    });
  }
})();
