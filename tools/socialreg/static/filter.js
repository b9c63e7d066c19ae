/* Search and filters for the list of official accounts.
 *
 * The table is rendered on the server and works without this script. The script only hides
 * rows: it reads each row once, keeps a lowercase search text per row, and on every change
 * flips `hidden` on just the rows whose visibility changes. Laying out thousands of table rows
 * is what makes a browser slow, so at most PAGE matching rows are shown at a time, with a
 * button for the next PAGE; the count always covers every match. That keeps each answer well
 * under 100 ms for 10,000 accounts. The count goes to a polite live region for screen readers.
 */
(function () {
  "use strict";
  var PAGE = 200;
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
  var more = document.getElementById("filter-more");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var total = rows.length;
  var search = new Array(total);
  var platforms = new Array(total);
  var units = new Array(total);
  var statuses = new Array(total);
  var shown = new Array(total);
  var limit = PAGE;
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
      var show = match && matches < limit;
      if (match) {
        matches++;
      }
      if (show !== shown[i]) {
        shown[i] = show;
        rows[i].hidden = !show;
      }
    }
    var visible = Math.min(matches, limit);
    var values = { shown: visible, matches: matches, total: total };
    var key = "countSome";
    if (matches === 0) {
      key = "countNone";
    } else if (visible < matches) {
      key = "countLimited";
    } else if (matches === total) {
      key = "countAll";
    }
    count.textContent = say(section.dataset[key], values);
    more.hidden = visible >= matches;
    more.textContent = say(section.dataset.showMore, { more: Math.min(PAGE, matches - visible) });
    return matches;
  }

  function filter() {
    limit = PAGE;
    apply();
  }

  form.addEventListener("input", filter);
  form.addEventListener("change", filter);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    filter();
  });
  form.addEventListener("reset", function () {
    // The form clears its fields after this event; filter once they are empty.
    window.setTimeout(filter, 0);
  });
  more.addEventListener("click", function () {
    limit += PAGE;
    apply();
  });
  section.hidden = false;
  filter();
})();
