// Kopir's only script of its own. Pages work without it; it adds small conveniences.
(function () {
  "use strict";
  function focusErrorSummary() {
    // After a failed form submission, move focus to the list of problems (the GOV.UK pattern),
    // so a screen reader reads what went wrong before anything else.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
})();
