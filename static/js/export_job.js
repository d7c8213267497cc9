/* The export job page: ask the server for the job's progress every 2 s until it is finished. */
(function () {
  "use strict";
  const root = document.getElementById("export-job");
  if (!root) return;
  const part = (name) => root.querySelector(`[data-role=${name}]`);
  const progress = root.querySelector(".progress");
  const bar = root.querySelector(".progress-bar");

  // Text is replaced only when it changed: the status line is a live region, and a screen
  // reader would otherwise repeat it every two seconds.
  function setText(element, text) {
    if (element.textContent !== String(text)) element.textContent = text;
  }

  function show(state) {
    setText(part("status"), state.status_label);
    setText(part("done"), state.done);
    setText(part("total"), state.total);
    part("queued-note").hidden = state.status !== "pending";
    progress.setAttribute("aria-valuenow", state.percent);
    bar.style.width = `${state.percent}%`;
    setText(bar, `${state.percent}%`);
    if (state.error) {
      setText(part("error"), state.error);
      part("error").classList.remove("d-none");
      bar.classList.add("bg-danger");
    }
    if (state.download_url) {
      part("download").href = state.download_url;
      part("download").classList.remove("d-none");
    }
    if (state.can_restart) part("restart").classList.remove("d-none");
    if (state.finished) bar.classList.remove("progress-bar-striped", "progress-bar-animated");
    return state.finished;
  }

  function poll() {
    fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((state) => { if (!show(state)) setTimeout(poll, 2000); })
      .catch(() => setTimeout(poll, 2000));
  }

  if (!bar.classList.contains("progress-bar-animated")) return; // already finished
  setTimeout(poll, 2000);
})();
