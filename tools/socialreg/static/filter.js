/* Search and filters for the list of official accounts.
 *
 * The front page is rendered on the server with the first page of accounts, the counts, and
 * links to the further pages, and works without this script. The whole list is in a separate
 * compact index (search-index.js), which this script loads only when the visitor starts to
 * filter (the first focus, touch or key in the filters), so a visitor who only looks pays
 * nothing for it. Matches are rendered into the same table, PAGE at a time, with a button for
 * more; the count always covers every match and goes to a polite live region. With every
 * filter cleared, the server's first page comes back.
 *
 * Texts come from data-strings (the page's language); plural forms are chosen with
 * Intl.PluralRules, which implements the same CLDR rules as the build (Babel).
 */
(function () {
  "use strict";
  var section = document.getElementById("filters");
  var table = document.getElementById("accounts");
  if (!section || !table) {
    return;
  }
  var strings = JSON.parse(section.getAttribute("data-strings"));
  var PAGE = parseInt(section.getAttribute("data-page-size"), 10) || 50;
  var form = document.getElementById("filter-form");
  var text = document.getElementById("filter-text");
  var platform = document.getElementById("filter-platform");
  var unit = document.getElementById("filter-unit");
  var status = document.getElementById("filter-status");
  var reset = document.getElementById("filter-reset");
  var count = document.getElementById("filter-count");
  var more = document.getElementById("filter-more");
  var pages = document.getElementById("list-pages");
  var body = table.tBodies[0];
  var firstPage = Array.prototype.slice.call(body.rows);
  var firstCount = count.textContent;
  var labels = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
    return cell.textContent;
  });
  var statusWords = {};
  Array.prototype.forEach.call(status.options, function (option) {
    statusWords[option.value] = option.textContent;
  });
  var plural = new Intl.PluralRules(strings.lang);
  var number = new Intl.NumberFormat(strings.lang);
  var index = null; // the loaded search index
  var search = null; // a lowercase search text per account
  var loading = false;
  var limit = PAGE;
  var showingFirstPage = true;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      if (!Object.prototype.hasOwnProperty.call(values, name)) {
        return whole;
      }
      var value = values[name];
      return typeof value === "number" ? number.format(value) : String(value);
    });
  }

  function sayCounted(key, counted, values) {
    var forms = strings[key];
    return say(forms[plural.select(counted)] || forms.other, values);
  }

  function load() {
    if (index || loading) {
      return;
    }
    loading = true;
    window.SOCIALREG_INDEX = function (data) {
      index = data;
      prepare();
      filter();
    };
    var script = document.createElement("script");
    script.src = section.getAttribute("data-index");
    script.onerror = function () {
      loading = false;
      count.textContent = strings.search_failed;
    };
    document.body.appendChild(script);
  }

  function prepare() {
    var accounts = index.accounts;
    search = new Array(accounts.length);
    for (var i = 0; i < accounts.length; i++) {
      var a = accounts[i];
      search[i] = (a[1] + " " + a[3] + " " + index.platforms[a[2]][1] + " " +
                   index.units[a[5]][1]).toLowerCase();
    }
    if (unit.getAttribute("data-lazy")) {
      // Thousands of units: their choices come with the index, not with the page.
      var chosen = unit.value;
      var fragment = document.createDocumentFragment();
      var sorted = index.units.map(function (u, n) { return [u[1], u[0], n]; });
      sorted.sort(function (x, y) { return x[0].localeCompare(y[0], strings.lang); });
      for (var u = 0; u < sorted.length; u++) {
        fragment.appendChild(new Option(sorted[u][0], sorted[u][1]));
      }
      unit.appendChild(fragment);
      unit.removeAttribute("data-lazy");
      unit.value = chosen;
    }
    section.setAttribute("data-index-loaded", "true");
  }

  function cell(label, child) {
    var td = document.createElement("td");
    if (label !== null) {
      td.setAttribute("data-label", label);
    }
    if (typeof child === "string") {
      td.textContent = child;
    } else if (child) {
      td.appendChild(child);
    }
    return td;
  }

  function link(href, words, external) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = words;
    if (external) {
      a.rel = "noopener noreferrer";
    }
    return a;
  }

  // The same markup as the server's rows (_accounts_table.html).
  function row(a) {
    var tr = document.createElement("tr");
    var root = section.getAttribute("data-account-root");
    var title = cell(null, link(root + "accounts/" + a[0] + ".html", a[1], false));
    title.className = "card-title";
    tr.appendChild(title);
    tr.appendChild(cell(labels[1], index.platforms[a[2]][1]));
    tr.appendChild(cell(labels[2], a[4] ? link(a[4], a[3], true) : a[3]));
    tr.appendChild(cell(labels[3], index.units[a[5]][1]));
    var word = document.createElement("span");
    var statusKey = index.statuses[a[6]];
    word.className = "status status-" + statusKey;
    word.textContent = statusWords[statusKey] || statusKey;
    tr.appendChild(cell(labels[4], word));
    var since = null;
    if (a[7]) {
      since = document.createElement("time");
      since.setAttribute("datetime", a[7]);
      since.textContent = a[7];
    }
    tr.appendChild(cell(labels[5], since));
    return tr;
  }

  function active() {
    return Boolean(text.value.trim() || platform.value || unit.value || status.value);
  }

  function showFirstPage() {
    if (!showingFirstPage) {
      body.textContent = "";
      for (var i = 0; i < firstPage.length; i++) {
        body.appendChild(firstPage[i]);
      }
      showingFirstPage = true;
    }
    count.textContent = firstCount;
    more.hidden = true;
    reset.hidden = true;
    if (pages) {
      pages.hidden = false;
    }
  }

  function apply() {
    if (!active()) {
      showFirstPage();
      return -1;
    }
    reset.hidden = false;
    if (pages) {
      pages.hidden = true;
    }
    if (!index) {
      count.textContent = strings.search_loading;
      load();
      return -1;
    }
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wantPlatform = platform.value;
    var wantUnit = unit.value;
    var wantStatus = status.value;
    var accounts = index.accounts;
    var total = accounts.length;
    var found = [];
    for (var i = 0; i < total; i++) {
      var a = accounts[i];
      if ((wantPlatform && index.platforms[a[2]][0] !== wantPlatform) ||
          (wantUnit && index.units[a[5]][0] !== wantUnit) ||
          (wantStatus && index.statuses[a[6]] !== wantStatus)) {
        continue;
      }
      var match = true;
      for (var w = 0; match && w < words.length; w++) {
        match = search[i].indexOf(words[w]) !== -1;
      }
      if (match) {
        found.push(i);
      }
    }
    var matches = found.length;
    var shown = Math.min(matches, limit);
    var fragment = document.createDocumentFragment();
    for (var n = 0; n < shown; n++) {
      fragment.appendChild(row(accounts[found[n]]));
    }
    body.textContent = "";
    body.appendChild(fragment);
    showingFirstPage = false;
    var values = { shown: shown, matches: matches, total: total };
    if (matches === 0) {
      count.textContent = strings.count_none;
    } else if (shown < matches) {
      count.textContent = sayCounted("count_limited", shown, values);
    } else {
      count.textContent = sayCounted("count_matches", matches, values);
    }
    var next = Math.min(PAGE, matches - shown);
    more.hidden = next <= 0;
    more.textContent = sayCounted("show_more", next, { more: next });
    return matches;
  }

  function filter() {
    limit = PAGE;
    apply();
  }

  // Start loading the index as soon as the visitor turns to the filters.
  form.addEventListener("focusin", load);
  form.addEventListener("pointerdown", load);
  form.addEventListener("input", filter);
  form.addEventListener("change", filter);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    filter();
  });
  form.addEventListener("reset", function () {
    // The form clears its fields after this event; filter once they are empty.
    window.setTimeout(function () {
      filter();
      text.focus();
    }, 0);
  });
  more.addEventListener("click", function () {
    limit += PAGE;
    apply();
  });
})();
