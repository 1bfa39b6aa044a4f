// Kopir's only script of its own. Pages work without it; it adds small conveniences.
(function () {
  "use strict";
  function focusErrorSummary() {
    // After a failed form submission, move focus to the list of problems (the GOV.UK pattern),
    // so a screen reader reads what went wrong before anything else.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  function focusLinkedField() {
    // A link to a field on another page ("add the visual acuity" in a list of what is missing)
    // lands on that field ready to type, not merely scrolled to: browsers only move the Tab
    // starting point there, so the next Tab would skip the field itself.
    if (document.querySelector("[data-error-summary]") || location.hash.length < 2) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.matches("input, select, textarea")) { target.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    focusLinkedField();
  });
  document.addEventListener("htmx:afterSettle", function () {
    // A button that htmx replaced (a notification marked as read) took the keyboard focus with
    // it: hand it to what the new content names, so the reader hears the outcome and goes on.
    var next = document.querySelector("[data-focus-after-swap]");
    if (next && document.activeElement !== next) { next.focus(); }
  });
  window.addEventListener("load", function () {
    // A form posted from an address with a fragment (#main, after the skip link) comes back
    // with it, and the browser then moves focus to that fragment's target, after the summary
    // took it. The summary wins: it is what the person needs to hear first.
    var summary = document.querySelector("[data-error-summary]");
    var active = document.activeElement;
    if (summary && active !== summary && location.hash.length > 1 && active &&
        active.id === decodeURIComponent(location.hash.slice(1))) {
      summary.focus();
    }
  });
})();
