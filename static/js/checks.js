/* 智能审核 in the page.
 *
 * Editor: on every change (debounced) the whole table form is POSTed to the panel's
 * data-url; the findings come back as JSON and replace the panel's list. Clicking a finding
 * scrolls to its input (or row) and marks it. Table page: clicking a finding marks the cell
 * of the official sheet with the same data-anchor.
 */
(function () {
  "use strict";

  const DELAY_MS = 600;
  const form = document.querySelector('form[data-role="table-form"]');
  const panel = document.querySelector('[data-role="checks-panel"]');

  function mark(element) {
    if (!element) return false;
    document.querySelectorAll(".checks-located").forEach((el) => el.classList.remove("checks-located"));
    element.classList.add("checks-located");
    element.scrollIntoView({ behavior: "smooth", block: "center" });
    return true;
  }

  function locate(item) {
    const input = item.dataset.input;
    const anchor = item.dataset.anchor;
    if (form && input) {
      const field = form.querySelector(`[name="${CSS.escape(input)}"]`);
      if (field) {
        mark(field.closest('tr[data-role="row"]') || field.closest(".mb-3") || field);
        field.focus({ preventScroll: true });
        return;
      }
    }
    if (anchor) {
      const target =
        document.querySelector(`tr[data-role="row"][data-anchor="${CSS.escape(anchor)}"]`) ||
        document.querySelector(`.official-sheet [data-anchor="${CSS.escape(anchor)}"]`);
      mark(target);
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest('[data-action="locate-finding"]');
    if (!link) return;
    event.preventDefault();
    locate(link.closest('[data-role="finding"]'));
  });

  if (!form || !panel || !panel.dataset.url) return;

  const list = panel.querySelector('[data-role="checks-list"]');
  const summary = panel.querySelector('[data-role="checks-summary"]');
  const announcer = panel.querySelector('[data-role="checks-announce"]');
  let announced = summary.textContent.trim();
  let timer = null;
  let sequence = 0;

  function render(result) {
    list.replaceChildren();
    for (const finding of result.findings) {
      const item = document.createElement("li");
      item.className = "list-group-item small d-flex gap-2 align-items-start";
      item.dataset.role = "finding";
      item.dataset.severity = finding.severity;
      item.dataset.rule = finding.rule;
      item.dataset.input = finding.input || "";
      item.dataset.anchor = finding.anchor || "";
      const badge = document.createElement("span");
      badge.className = `badge ${finding.severity === "error" ? "text-bg-danger" : "text-bg-warning"}`;
      badge.textContent = finding.severity_label;
      const link = document.createElement("a");
      link.href = "#";
      link.className = "link-body-emphasis";
      link.dataset.action = "locate-finding";
      link.textContent = finding.message;
      item.append(badge, link);
      if (panel.dataset.helpUrl && finding.rule) {
        // The rule's section of the help page (如何写好绩效指标), as the server renders it.
        const help = document.createElement("a");
        help.href = `${panel.dataset.helpUrl}#rule-${encodeURIComponent(finding.rule)}`;
        help.className = "ms-auto text-nowrap";
        help.dataset.role = "rule-help";
        help.target = "_blank";
        help.rel = "noopener";
        help.title = `${finding.rule_name || ""}：怎么改（新窗口）`;
        help.textContent = "怎么改";
        item.append(help);
      }
      list.append(item);
    }
    setSummary(
      result.findings.length
        ? `${result.errors} 个错误（须修改后才能提交），${result.warnings} 个警告（提交时须说明）`
        : "未发现问题"
    );
  }

  // The summary line is shown at once but announced (polite) only when it differs from the last
  // line announced: typing that changes nothing found stays silent.
  function setSummary(text) {
    summary.textContent = text;
    if (announcer && text !== announced) {
      announced = text;
      announcer.textContent = `智能审核：${text}`;
    }
  }

  async function check() {
    const mine = ++sequence;
    summary.textContent = "正在检查……";
    try {
      const response = await fetch(panel.dataset.url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const result = await response.json();
      if (mine === sequence) render(result);
    } catch (error) {
      if (mine === sequence) setSummary("暂时无法检查（保存时仍会检查）");
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, DELAY_MS);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  // Rows added, deleted, moved or pasted change the form without an input event.
  new MutationObserver(schedule).observe(form, { childList: true, subtree: true });
  form.addEventListener("click", (event) => {
    if (event.target.closest('[data-action="delete-row"], [data-action="move-up"], [data-action="move-down"]')) {
      schedule();
    }
  });
})();
