(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var status = document.getElementById("status");
  function say(text) { if (status) { status.textContent = text; } }
  function key(cell, type) {
    var raw = cell ? (cell.getAttribute("data-sort") !== null ? cell.getAttribute("data-sort") : cell.textContent) : "";
    if (type === "num") { var v = parseFloat(raw); return isNaN(v) ? -Infinity : v; }
    return raw.trim().toLowerCase();
  }
  function sortTable(table, column, type, th) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var groups = Array.prototype.slice.call(table.tBodies);
    var single = groups.length === 1;
    var units = single ? Array.prototype.slice.call(groups[0].rows) : groups;
    var rowOf = function (u) { return single ? u : u.rows[0]; };
    units.sort(function (a, b) {
      var x = key(rowOf(a).cells[column], type), y = key(rowOf(b).cells[column], type);
      if (x < y) { return ascending ? -1 : 1; }
      if (x > y) { return ascending ? 1 : -1; }
      return 0;
    });
    var parent = single ? groups[0] : table;
    units.forEach(function (u) { parent.appendChild(u); });
    Array.prototype.forEach.call(table.querySelectorAll("th[aria-sort]"), function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    say("Sorted " + (table.getAttribute("data-name") || "table") + " by " + th.textContent.trim() + ", " + (ascending ? "ascending" : "descending") + ".");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, column) {
      var type = th.getAttribute("data-type");
      if (!type) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortTable(table, column, type, th); });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.open-detail"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var group = button.closest("tbody");
      var open = group.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = open ? "Hide replies" : "Worst replies";
    });
  });
  var filter = document.getElementById("student-filter");
  var bandFilter = document.getElementById("band-filter");
  var students = document.getElementById("students");
  function applyFilter() {
    var text = filter ? filter.value.trim().toLowerCase() : "";
    var band = bandFilter ? bandFilter.value : "";
    var shown = 0, total = 0;
    Array.prototype.forEach.call(students.tBodies, function (group) {
      total += 1;
      var name = (group.getAttribute("data-name") || "").toLowerCase();
      var ok = (!text || name.indexOf(text) !== -1) && (!band || group.getAttribute("data-band") === band);
      group.hidden = !ok;
      if (ok) { shown += 1; }
    });
    say("Showing " + shown + " of " + total + " students.");
  }
  if (students && filter) { filter.addEventListener("input", applyFilter); }
  if (students && bandFilter) { bandFilter.addEventListener("change", applyFilter); }
  Array.prototype.forEach.call(document.querySelectorAll(".controls"), function (c) { c.hidden = false; });
})();
