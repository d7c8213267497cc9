// No typed work is lost: the table editor's unsaved input is kept in this browser
// (localStorage, keyed by the table's address and the version it was loaded at) and, when the
// editor is opened again after a session ended or a save was refused, offered back.
// Logging out on purpose clears the drafts (a shared computer keeps nothing).
(() => {
  "use strict";
  const PREFIX = "budgetapp:draft:";
  let storage;
  try {
    storage = window.localStorage;
  } catch (error) {
    return;
  }
  if (!storage) return;

  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach((logout) => {
    logout.addEventListener("submit", () => {
      Object.keys(storage)
        .filter((key) => key.startsWith(PREFIX))
        .forEach((key) => storage.removeItem(key));
    });
  });

  const form = document.querySelector('form[data-role="table-form"]');
  if (!form) return;
  const version = Number(form.querySelector('[name="loaded_version"]')?.value || 0);
  const tableKey = PREFIX + location.pathname;
  const key = `${tableKey}#${version}`;

  function snapshot() {
    const values = {};
    for (const element of form.elements) {
      if (!element.name || element.name === "csrfmiddlewaretoken" || element.type === "submit") {
        continue;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.type === "radio" && !element.checked) continue;
        values[element.name] = element.type === "checkbox" ? element.checked : element.value;
      } else {
        values[element.name] = element.value;
      }
    }
    return values;
  }

  function same(a, b) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const name of keys) if (String(a[name] ?? "") !== String(b[name] ?? "")) return false;
    return true;
  }

  const loaded = snapshot();
  let timer = null;
  function save(extra = {}) {
    clearTimeout(timer);
    const values = snapshot();
    if (same(values, loaded)) return;
    try {
      storage.setItem(key, JSON.stringify({ saved: Date.now(), version, values, ...extra }));
    } catch (error) {
      // Storage full or refused: the editor still works, only without the safety copy.
    }
  }
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });
  form.addEventListener("change", () => save());
  form.addEventListener("submit", () => save({ submitted: true }));
  document.addEventListener("budgetapp:session-warning", () => save());
  document.addEventListener("budgetapp:session-ended", () => save());
  window.addEventListener("pagehide", () => save());

  function restore(draft) {
    // Rows added after the page was loaded are added again first (formset.js).
    document.querySelectorAll("section[data-formset]").forEach((section) => {
      const total = section.querySelector('input[name$="-TOTAL_FORMS"]');
      if (!total || !window.Formset) return;
      const wanted = Number(draft.values[total.name] || 0);
      while (Number(total.value) < wanted) window.Formset.addRow(section);
    });
    for (let pass = 0; pass < 2; pass += 1) {
      for (const element of form.elements) {
        if (!(element.name in draft.values) || element.name === "csrfmiddlewaretoken") continue;
        if (element.name === "loaded_version") continue;
        const value = draft.values[element.name];
        if (element.type === "checkbox") element.checked = Boolean(value);
        else if (element.type === "radio") element.checked = element.value === value;
        else element.value = value;
        if (pass === 1) element.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function offer(draftKey, draft) {
    const box = document.createElement("div");
    box.className = "alert alert-info d-flex flex-wrap align-items-center gap-2";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "未保存的输入");
    box.dataset.role = "draft-offer";
    const when = new Date(draft.saved).toLocaleString("zh-CN", { hour12: false });
    const older = draft.version !== version ? "（输入时的版本较旧，恢复后请核对）" : "";
    const message = document.createElement("span");
    message.textContent = `本表有 ${when} 未保存的输入，保存在本浏览器中${older}。`;
    const restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "btn btn-primary btn-sm";
    restoreButton.textContent = "恢复未保存的输入";
    const discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "btn btn-outline-secondary btn-sm";
    discardButton.textContent = "丢弃";
    restoreButton.addEventListener("click", () => {
      restore(draft);
      storage.removeItem(draftKey);
      message.textContent = "已恢复未保存的输入，请核对后保存。";
      restoreButton.remove();
      discardButton.remove();
      message.setAttribute("tabindex", "-1");
      message.focus();
    });
    discardButton.addEventListener("click", () => {
      storage.removeItem(draftKey);
      box.remove();
    });
    box.append(message, restoreButton, discardButton);
    form.before(box);
  }

  const drafts = Object.keys(storage)
    .filter((name) => name.startsWith(`${tableKey}#`))
    .map((name) => {
      try {
        return [name, JSON.parse(storage.getItem(name))];
      } catch (error) {
        return [name, null];
      }
    });
  let newest = null;
  for (const [name, draft] of drafts) {
    // Gone: unreadable, already what the page shows, or submitted and saved as a newer version.
    if (!draft || same(draft.values, loaded) || (draft.submitted && draft.version < version)) {
      storage.removeItem(name);
    } else if (!newest || draft.saved > newest[1].saved) {
      newest = [name, draft];
    }
  }
  if (newest) offer(...newest);
})();
