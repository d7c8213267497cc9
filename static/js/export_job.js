/* The export job page: ask the server for the job's progress every 2 s until it is finished. */
(function () {
  "use strict";
  const root = document.getElementById("export-job");
  if (!root) return;
  const part = (name) => root.querySelector(`[data-role=${name}]`);
  const progress = root.querySelector(".progress");
  const bar = root.querySelector(".progress-bar");

  function show(state) {
    part("status").textContent = state.status_label;
    part("done").textContent = state.done;
    part("total").textContent = state.total;
    progress.setAttribute("aria-valuenow", state.percent);
    bar.style.width = `${state.percent}%`;
    bar.textContent = `${state.percent}%`;
    if (state.error) {
      part("error").textContent = state.error;
      part("error").classList.remove("d-none");
      bar.classList.add("bg-danger");
    }
    if (state.download_url) {
      part("download").href = state.download_url;
      part("download").classList.remove("d-none");
    }
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
