// Small page behaviours declared in the markup (CSP allows no inline handlers):
// <form data-confirm="question?"> asks before submitting; <select data-autosubmit> submits its
// form when changed; an element with data-percent gets that width (progress bars).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    }
  });
  function applyWidths(root) {
    root.querySelectorAll("[data-percent]").forEach(function (element) {
      element.style.width = element.dataset.percent + "%";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  } else {
    applyWidths(document);
  }
})();
