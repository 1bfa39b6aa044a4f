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
  function scrollableTables() {
    // A wide table scrolls inside its box on a narrow screen (320 px); the box then takes the
    // focus and is named by the table's caption, so the keyboard scrolls it too. The shared
    // table partials render this themselves; this covers the other tables, once they overflow.
    var boxes = document.querySelectorAll(".table-wrap:not([role])");
    Array.prototype.forEach.call(boxes, function (box, index) {
      if (box.scrollWidth <= box.clientWidth) { return; }
      var caption = box.querySelector("caption");
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      if (caption) {
        if (!caption.id) { caption.id = "wide-table-caption-" + index; }
        box.setAttribute("aria-labelledby", caption.id);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    focusLinkedField();
    scrollableTables();
  });
  window.addEventListener("resize", scrollableTables);
  document.addEventListener("htmx:afterSettle", scrollableTables);
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
