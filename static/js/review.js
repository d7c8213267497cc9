/* The table page: clicking a cell of the official layout picks it as the place a comment is
 * about; hovering a comment or a change shows its cells. */
(function () {
  "use strict";
  const select = document.getElementById("comment-anchor");
  const sheet = document.querySelector(".official-sheet");
  if (select && sheet) {
    sheet.addEventListener("click", (event) => {
      const cell = event.target.closest("[data-anchor]");
      if (!cell) return;
      const option = Array.from(select.options).find((o) => o.value === cell.dataset.anchor);
      if (option) {
        select.value = option.value;
        document.getElementById("comment-text")?.focus();
      }
    });
  }
  document.querySelectorAll("[data-role=comments] [data-anchor], [data-diff-anchor]").forEach((item) => {
    const anchor = item.dataset.anchor || item.dataset.diffAnchor;
    if (!anchor) return;
    const cells = () => document.querySelectorAll(`.official-sheet [data-anchor="${CSS.escape(anchor)}"]`);
    item.addEventListener("mouseenter", () => cells().forEach((c) => c.classList.add("cell-focus")));
    item.addEventListener("mouseleave", () => cells().forEach((c) => c.classList.remove("cell-focus")));
  });
})();
