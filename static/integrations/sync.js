/* Sync page: each running stream's progress bar takes its width from data-percent. Set here,
   not in a style="" attribute, because the Content-Security-Policy allows no inline styles. */
(function () {
  "use strict";

  function widen(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll(".sync-progress-bar[data-percent]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.percent) || 0)) + "%";
    });
  }

  if (window.htmx && window.htmx.onLoad) {
    window.htmx.onLoad(widen); // the first load and every poll's swapped-in table
  } else {
    document.addEventListener("DOMContentLoaded", function () { widen(document); });
  }
})();
