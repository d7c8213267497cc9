// Idle-session warning (WCAG 2.2.1): shortly before the server ends an idle session, an
// alert dialog takes focus and offers 继续; when the session has ended it says so and links to
// the login page. Typed work is kept by draft-keeper.js, which listens for the events below.
(() => {
  "use strict";
  const config = document.getElementById("session-timeout");
  if (!config) return;
  const warning = Number(config.dataset.warning);
  const extendUrl = config.dataset.extendUrl;
  const loginUrl = config.dataset.loginUrl;
  let warnTimer = null;
  let endTimer = null;
  let countdown = null;
  let deadline = 0;
  let returnFocus = null;
  let warningShown = false;

  const dialog = document.createElement("div");
  dialog.className = "session-dialog";
  dialog.setAttribute("role", "alertdialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", "session-dialog-title");
  dialog.setAttribute("aria-describedby", "session-dialog-text");
  dialog.hidden = true;
  dialog.innerHTML =
    '<div class="session-dialog-box card shadow">' +
    '<div class="card-body">' +
    '<h2 class="h5" id="session-dialog-title"></h2>' +
    '<p id="session-dialog-text"></p>' +
    '<div class="d-flex gap-2" data-role="session-actions"></div>' +
    "</div></div>";
  document.body.appendChild(dialog);
  const title = dialog.querySelector("#session-dialog-title");
  const text = dialog.querySelector("#session-dialog-text");
  const actions = dialog.querySelector('[data-role="session-actions"]');

  function csrfToken() {
    const input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function button(label, role, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = role === "primary" ? "btn btn-primary" : "btn btn-outline-secondary";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  function open() {
    if (dialog.hidden) {
      returnFocus = document.activeElement;
      dialog.hidden = false;
    }
    const first = actions.querySelector("button, a");
    if (first) first.focus();
  }

  function close() {
    dialog.hidden = true;
    clearInterval(countdown);
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  }

  function minutesText(seconds) {
    if (seconds >= 60) return `${Math.ceil(seconds / 60)} 分钟`;
    return `${Math.max(0, seconds)} 秒`;
  }

  function showWarning() {
    document.dispatchEvent(new CustomEvent("budgetapp:session-warning"));
    warningShown = true;
    title.textContent = "即将自动退出登录";
    const update = () => {
      const left = Math.round((deadline - Date.now()) / 1000);
      text.textContent = `您已较长时间未操作，将在 ${minutesText(left)}后自动退出登录。如需继续使用，请点击“继续”。`;
    };
    update();
    clearInterval(countdown);
    countdown = setInterval(update, 15000);
    actions.replaceChildren(button("继续", "primary", extend));
    open();
  }

  function showEnded() {
    document.dispatchEvent(new CustomEvent("budgetapp:session-ended"));
    warningShown = false;
    clearTimeout(warnTimer);
    clearInterval(countdown);
    title.textContent = "已自动退出登录";
    text.textContent =
      "由于长时间未操作，本次登录已结束。本页尚未保存的输入已保存在本浏览器中，重新登录后打开同一张表即可恢复。";
    const link = document.createElement("a");
    link.className = "btn btn-primary";
    link.href = `${loginUrl}?next=${encodeURIComponent(location.pathname + location.search)}`;
    link.textContent = "重新登录";
    actions.replaceChildren(link);
    open();
  }

  function schedule(seconds) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    deadline = Date.now() + seconds * 1000;
    warnTimer = setTimeout(showWarning, Math.max(0, seconds - warning) * 1000);
    // A second after the server's end, so the session has surely ended when the page says so.
    endTimer = setTimeout(showEnded, (seconds + 1) * 1000);
  }

  function extend() {
    fetch(extendUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response)))
      .then((data) => {
        warningShown = false;
        close();
        schedule(data.remaining);
      })
      .catch(showEnded);
  }

  // Keep keyboard focus inside the dialog while it is open; Escape means 继续.
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Tab") {
      const items = Array.from(actions.querySelectorAll("button, a"));
      if (items.length === 1) {
        event.preventDefault();
        items[0].focus();
      }
    } else if (event.key === "Escape" && warningShown) {
      event.preventDefault();
      extend();
    }
  });

  schedule(Number(config.dataset.remaining));
})();
