/* Search and filters for the list of official accounts.
 *
 * The table is rendered on the server and works without this script. The script only hides
 * rows that do not match: it reads each row once, keeps a lowercase search text per row, and on
 * every change flips `hidden` on just the rows whose visibility changes, so 10,000 rows answer
 * well within 100 ms. The count goes to a polite live region for screen readers.
 */
(function () {
  "use strict";
  var section = document.getElementById("filters");
  var table = document.getElementById("accounts");
  if (!section || !table) {
    return;
  }
  var form = document.getElementById("filter-form");
  var text = document.getElementById("filter-text");
  var platform = document.getElementById("filter-platform");
  var unit = document.getElementById("filter-unit");
  var status = document.getElementById("filter-status");
  var count = document.getElementById("filter-count");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var total = rows.length;
  var search = new Array(total);
  var platforms = new Array(total);
  var units = new Array(total);
  var statuses = new Array(total);
  var shown = new Array(total);
  for (var i = 0; i < total; i++) {
    var row = rows[i];
    search[i] = row.textContent.replace(/\s+/g, " ").toLowerCase();
    platforms[i] = row.getAttribute("data-platform");
    units[i] = row.getAttribute("data-unit");
    statuses[i] = row.getAttribute("data-status");
    shown[i] = !row.hidden;
  }

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wantPlatform = platform.value;
    var wantUnit = unit.value;
    var wantStatus = status.value;
    var matches = 0;
    for (var i = 0; i < total; i++) {
      var match =
        (!wantPlatform || platforms[i] === wantPlatform) &&
        (!wantUnit || units[i] === wantUnit) &&
        (!wantStatus || statuses[i] === wantStatus);
      for (var w = 0; match && w < words.length; w++) {
        match = search[i].indexOf(words[w]) !== -1;
      }
      if (match) {
        matches++;
      }
      if (match !== shown[i]) {
        shown[i] = match;
        rows[i].hidden = !match;
      }
    }
    var values = { shown: matches, total: total };
    var key = matches === total ? "countAll" : matches === 0 ? "countNone" : "countSome";
    count.textContent = say(section.dataset[key], values);
    return matches;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  form.addEventListener("reset", function () {
    // The form clears its fields after this event; filter once they are empty.
    window.setTimeout(apply, 0);
  });
  section.hidden = false;
  apply();
  window.socialregFilter = apply;
})();
