/* Small progressive enhancements; every page works without this file.
   - the sort menu applies itself when changed (its button is hidden);
   - on narrow screens the filter panel starts collapsed. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) { select.form.submit(); }
      });
    });

    var narrow = window.matchMedia("(max-width: 960px)");
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (panel) {
      var summary = panel.querySelector("summary");
      if (narrow.matches) { panel.open = false; }
      if (summary) {
        summary.addEventListener("click", function (event) {
          if (!narrow.matches) { event.preventDefault(); }  // always open on wide screens
        });
      }
    });
  });
})();
