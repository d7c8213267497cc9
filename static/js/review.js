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
  // Hovering a comment shows its row or field (data-anchor); hovering a change shows just the
  // cells whose value changed (data-marks), or every cell of an added row.
  const sheetCells = (anchors, marks) =>
    document.querySelectorAll(
      [
        ...anchors.map((a) => `.official-sheet [data-anchor="${CSS.escape(a)}"]`),
        ...marks.map((m) => `.official-sheet [data-marks~="${CSS.escape(m)}"]`),
      ].join(", ") || ":not(*)"
    );
  document
    .querySelectorAll("[data-role=comments] [data-anchor], [data-diff-anchor], [data-diff-cell]")
    .forEach((item) => {
      let anchors = [];
      let marks = [];
      if (item.dataset.diffCell) {
        marks = [item.dataset.diffCell];
      } else {
        const inner = Array.from(item.querySelectorAll("[data-diff-cell]"));
        if (item.dataset.diffAnchor !== undefined && inner.length) {
          marks = inner.map((i) => i.dataset.diffCell);
        } else {
          const anchor = item.dataset.anchor || item.dataset.diffAnchor;
          if (!anchor) return;
          anchors = [anchor];
          if (item.dataset.diffAnchor) marks = [anchor, `${anchor}/level1`, `${anchor}/level2`];
        }
      }
      const cells = () => sheetCells(anchors, marks);
      item.addEventListener("mouseenter", () => cells().forEach((c) => c.classList.add("cell-focus")));
      item.addEventListener("mouseleave", () => cells().forEach((c) => c.classList.remove("cell-focus")));
    });
})();
