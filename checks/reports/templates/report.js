(function () {
  "use strict";
  // Sortable tables: reorders rows the server rendered (and escaped), by their data-value
  // attributes; no text is ever parsed as markup.
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.sort === "num";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].dataset.value || "";
          var y = b.cells[column].dataset.value || "";
          var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
}());
(function () {
  "use strict";
  // Filters only show and hide rows rendered (and escaped) by the server: this script never
  // parses text as markup, so it cannot turn scraped text into elements.
  var table = document.getElementById("failures-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var q = document.getElementById("q");
  var exp = document.getElementById("f-exp");
  var verdict = document.getElementById("f-verdict");
  var group = document.getElementById("f-group");
  var onlyNew = document.getElementById("f-new");
  var shown = document.getElementById("shown");
  var noMatch = document.getElementById("no-match");

  function apply() {
    var needle = q.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row, i) {
      var d = row.dataset;
      var ok = (!needle || texts[i].indexOf(needle) !== -1) &&
        (!exp.value || d.exp === exp.value) &&
        (!verdict.value || d.verdict === verdict.value) &&
        (!group.value || d.group === group.value) &&
        (!onlyNew || !onlyNew.checked || d["new"] === "1");
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = String(count);
    noMatch.hidden = count !== 0;
  }

  function jumpTo(select, value) {
    select.value = value;
    apply();
    document.getElementById("failures").scrollIntoView();
  }

  [q, exp, verdict, group, onlyNew].forEach(function (el) {
    if (el) {
      el.addEventListener("input", apply);
      el.addEventListener("change", apply);
    }
  });
  document.getElementById("filters").addEventListener("reset", function () {
    window.setTimeout(apply, 0);
  });
  document.getElementById("filters").addEventListener("submit", function (event) {
    event.preventDefault();
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-group]"), function (b) {
    b.addEventListener("click", function () { jumpTo(group, b.dataset.filterGroup); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-exp]"), function (b) {
    b.addEventListener("click", function () { jumpTo(exp, b.dataset.filterExp); });
  });
  apply();
}());
