// Progressive enhancement only: every page and form works without this file.
(function () {
  "use strict";
  // Alerts table: a header checkbox that selects every alert for a new case.
  document.querySelectorAll("table.alerts").forEach(function (table) {
    var boxes = table.querySelectorAll("tbody input[name=alert_ids]");
    var cell = table.querySelector("thead th .sr");
    if (!boxes.length || !cell) return;
    var all = document.createElement("input");
    all.type = "checkbox";
    all.setAttribute("aria-label", "select all alerts");
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
    });
    cell.parentNode.replaceChild(all, cell);
  });
  // Irreversible actions ask first.
  document.querySelectorAll("button.danger").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.textContent.trim() + "?")) event.preventDefault();
    });
  });
})();
