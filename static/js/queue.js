/* The queue's keyboard: "/" focuses the search, j and k move through the rows (the row's
   first link takes the focus, so Enter opens the case as a click would). No inline
   script (strict CSP): loaded with the page's nonce. Rows are looked up at each key press,
   so rows swapped in by htmx after an assignment are found too. */
(function () {
  "use strict";
  var CURRENT = "queue-row--current";

  function rows() {
    return Array.prototype.slice.call(
      document.querySelectorAll("[data-keyboard-rows] tbody tr")
    ).filter(function (row) { return row.querySelector("a"); });
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var at = all.findIndex(function (row) { return row.classList.contains(CURRENT); });
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
    all.forEach(function (row) { row.classList.remove(CURRENT); });
    all[next].classList.add(CURRENT);
    all[next].querySelector("a").focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "/") {
      var search = document.getElementById("id_value");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "j") {
      event.preventDefault(); move(1);
    } else if (event.key === "k") {
      event.preventDefault(); move(-1);
    }
  });
}());
