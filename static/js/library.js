/* The indicator library (指标库) in the indicator grid.
 *
 * Typing in a 三级指标 input searches the library (debounced) and lists matches under it as an
 * ARIA combobox/listbox: ↑/↓ move, Enter picks, Esc closes, Alt+↓ opens it (a plain ↓ with the
 * list closed moves to the cell below, static/js/grid.js); the mouse works too. With the input
 * empty, entries suggested by the project's name (#id_name) are listed. Picking fills 三级指标,
 * 绩效指标描述, 指标值确定依据 and selects 一级/二级 in the table's framework, and shows the
 * usual comparator and unit as a hint by 指标值 — the target value itself is never filled: the
 * filer must set it.
 */
(function () {
  "use strict";

  const config = document.getElementById("library-config");
  const listbox = document.getElementById("library-listbox");
  const status = document.getElementById("library-status");
  if (!config || !listbox) return;
  // Out of the grid's scrolling box (it would be clipped there), but inside <main>: content
  // outside the page's landmarks is missed by screen-reader users moving by region.
  (document.querySelector("main") || document.body).appendChild(listbox);

  const SEARCH_URL = config.dataset.searchUrl;
  const FRAMEWORK = config.dataset.framework || "";
  const DEBOUNCE_MS = 200;
  const NAME_INPUT = 'section[data-formset="indicators"] [data-role="row"] input[name$="-name"]';

  let input = null; // the 三级指标 input the list belongs to
  let results = [];
  let activeIndex = -1;
  let timer = null;
  let controller = null;
  let sequence = 0;

  function isNameInput(element) {
    return element instanceof HTMLInputElement && element.matches(NAME_INPUT);
  }

  function projectName() {
    return document.getElementById("id_name")?.value.trim() || "";
  }

  function announce(text) {
    if (status) status.textContent = text;
  }

  function prepare(element) {
    if (element.dataset.libraryReady) return;
    element.dataset.libraryReady = "1";
    element.setAttribute("role", "combobox");
    element.setAttribute("aria-autocomplete", "list");
    element.setAttribute("aria-expanded", "false");
    element.setAttribute("aria-controls", listbox.id);
    element.setAttribute("autocomplete", "off");
  }

  function place() {
    if (!input) return;
    const rect = input.getBoundingClientRect();
    listbox.style.left = `${rect.left + window.scrollX}px`;
    listbox.style.top = `${rect.bottom + window.scrollY + 2}px`;
    listbox.style.minWidth = `${Math.max(rect.width, 384)}px`;
  }

  function close() {
    clearTimeout(timer);
    controller?.abort();
    listbox.hidden = true;
    listbox.replaceChildren();
    results = [];
    activeIndex = -1;
    if (input) {
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
  }

  function setActive(index) {
    const options = listbox.querySelectorAll('[role="option"]');
    if (!options.length) return;
    activeIndex = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === activeIndex)));
    const option = options[activeIndex];
    input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function optionFor(entry, index) {
    const option = document.createElement("li");
    option.id = `library-option-${index}`;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.dataset.index = String(index);
    option.dataset.entry = String(entry.id);
    const name = document.createElement("div");
    name.className = "library-name";
    name.textContent = entry.name;
    const meta = document.createElement("div");
    meta.className = "library-meta";
    const parts = [[entry.level1, entry.level2].filter(Boolean).join(" / ")];
    if (entry.description && entry.description !== entry.name) parts.push(entry.description);
    if (entry.hint) parts.push(`常用：${entry.hint}`);
    if (entry.kind === "unit") parts.push(entry.kind_label);
    meta.textContent = parts.join(" · ");
    option.append(name, meta);
    return option;
  }

  function show(data) {
    results = data.results || [];
    listbox.replaceChildren();
    activeIndex = -1;
    if (!results.length) {
      close();
      announce(data.query ? "指标库中没有匹配的指标。" : "");
      return;
    }
    if (data.suggested) {
      const heading = document.createElement("li");
      heading.className = "library-heading";
      heading.setAttribute("role", "presentation");
      heading.textContent = projectName() ? "按项目名称推荐" : "常用指标";
      listbox.append(heading);
    }
    results.forEach((entry, index) => listbox.append(optionFor(entry, index)));
    place();
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    announce(`指标库中有 ${results.length} 条${data.suggested ? "推荐" : "匹配的"}指标，用上下键选择。`);
  }

  async function search() {
    if (!input) return;
    const query = input.value.trim();
    const project = projectName();
    controller?.abort();
    controller = new AbortController();
    const mine = ++sequence;
    const params = new URLSearchParams({ q: query, project, framework: FRAMEWORK });
    try {
      const response = await fetch(`${SEARCH_URL}?${params}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      const json = (response.headers.get("Content-Type") || "").includes("application/json");
      if (!response.ok || !json) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      if (mine === sequence && input && document.activeElement === input) show(data);
    } catch (error) {
      if (error.name === "AbortError") return;
      close();
      announce("指标库暂时无法访问，请直接填写。");
    }
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(search, delay);
  }

  function setValue(row, name, value) {
    const field = row.querySelector(`[name$="-${name}"]:not([type="hidden"])`);
    if (!field) return null;
    field.value = value ?? "";
    field.dispatchEvent(new Event("input", { bubbles: true }));
    return field;
  }

  function setSelect(row, role, value) {
    const select = row.querySelector(`select[data-role="${role}"]`);
    if (!select) return;
    const wanted = value == null ? "" : String(value);
    if (!Array.from(select.options).some((o) => o.value === wanted)) return;
    select.value = wanted;
    // formset.js narrows the 二级 options when 一级 changes.
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function showHint(row, entry) {
    const target = row.querySelector('[name$="-target"]:not([type="hidden"])');
    if (!target) return;
    if (target.dataset.placeholder === undefined) target.dataset.placeholder = target.placeholder;
    target.placeholder = entry.hint || target.dataset.placeholder;
    let hint = target.parentElement.querySelector('[data-role="library-hint"]');
    if (!hint) {
      hint = document.createElement("div");
      hint.className = "library-hint";
      hint.dataset.role = "library-hint";
      hint.id = `${target.id}-library-hint`;
      target.after(hint);
      // Added to what the field is already described by (its error message, if any).
      const described = (target.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (!described.includes(hint.id)) described.push(hint.id);
      target.setAttribute("aria-describedby", described.join(" "));
    }
    hint.textContent = entry.hint ? `常用：${entry.hint}（请填写指标值）` : "请填写指标值";
    return target;
  }

  function pick(index) {
    const entry = results[index];
    if (!entry || !input) return;
    const row = input.closest('[data-role="row"]');
    close();
    setSelect(row, "level1", entry.level1_id);
    setSelect(row, "level2", entry.level2_id);
    setValue(row, "name", entry.name);
    setValue(row, "description", entry.description);
    setValue(row, "basis", entry.basis);
    row.dataset.libraryEntry = String(entry.id);
    const target = showHint(row, entry);
    announce(`已选用“${entry.name}”，请填写指标值。`);
    if (target && !target.value) target.focus();
  }

  document.addEventListener("focusin", (event) => {
    if (!isNameInput(event.target)) return;
    if (input !== event.target) close();
    prepare(event.target);
    input = event.target;
    if (!input.value.trim() && projectName()) schedule(0);
  });

  document.addEventListener("input", (event) => {
    // Only what a person types searches; values set by scripts (a pick, a paste) do not.
    if (!event.isTrusted || !isNameInput(event.target)) return;
    prepare(event.target);
    input = event.target;
    // What was asked before this keystroke is out of date: drop it rather than show it.
    controller?.abort();
    sequence += 1;
    schedule(DEBOUNCE_MS);
  });

  document.addEventListener("keydown", (event) => {
    if (!isNameInput(event.target)) return;
    input = event.target;
    const open = !listbox.hidden && results.length > 0;
    switch (event.key) {
      case "ArrowDown":
        // With the list closed, ↓ belongs to the grid (the cell below); Alt+↓ opens the list.
        if (!open && !event.altKey) return;
        event.preventDefault();
        if (open) setActive(activeIndex + 1);
        else schedule(0);
        break;
      case "ArrowUp":
        if (!open) return;
        event.preventDefault();
        setActive(activeIndex - 1);
        break;
      case "Enter":
        if (!open) return;
        // Enter in the list picks; it must never submit the table form.
        event.preventDefault();
        if (activeIndex >= 0) pick(activeIndex);
        else close();
        break;
      case "Escape":
        if (!open) return;
        event.preventDefault();
        close();
        break;
      case "Tab":
        close();
        break;
    }
  });

  document.addEventListener("focusout", (event) => {
    if (event.target !== input) return;
    setTimeout(() => {
      if (document.activeElement !== input) close();
    }, 150);
  });

  // A block pasted into the grid (paste.js) is not a search.
  document.addEventListener("paste", (event) => {
    if (!isNameInput(event.target)) return;
    setTimeout(() => {
      if (event.defaultPrevented) close();
    });
  });

  // mousedown, not click: picking must happen before the input loses focus.
  listbox.addEventListener("mousedown", (event) => {
    const option = event.target.closest('[role="option"]');
    event.preventDefault();
    if (option) pick(parseInt(option.dataset.index, 10));
  });

  window.addEventListener("resize", place);
  window.addEventListener("scroll", place, { passive: true });
})();
