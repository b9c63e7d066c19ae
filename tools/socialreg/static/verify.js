/* "Check an account": is this profile address or handle an official account?
 *
 * Answered from verify-data.js, which the build writes: every published account's address
 * and handle, normalised as addressKey and handleKey do here (and as verify_data.py does in
 * the build; keep the three in step). An address with more after the profile, such as
 * .../videos or ?hl=sv, still matches the profile it belongs to.
 */
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var input = document.getElementById("verify-input");
  var result = document.getElementById("verify-result");
  var data = window.SOCIALREG_VERIFY;
  if (!form || !input || !result || !data) {
    return;
  }
  var HOST_ALIASES = { "twitter.com": "x.com" };

  function addressKey(value) {
    value = value.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
    value = value.split(/[?#]/)[0];
    value = value.replace(/^(www\.|m\.|mobile\.)/, "").replace(/\/+$/, "");
    var slash = value.indexOf("/");
    var host = slash === -1 ? value : value.slice(0, slash);
    var path = slash === -1 ? "" : value.slice(slash + 1);
    host = Object.prototype.hasOwnProperty.call(HOST_ALIASES, host) ? HOST_ALIASES[host] : host;
    return path ? host + "/" + path : host;
  }

  function handleKey(value) {
    return value.trim().toLowerCase().replace(/^@+/, "").replace(/\/+$/, "");
  }

  function lookup(raw) {
    var found = [];
    function add(key) {
      var numbers = Object.prototype.hasOwnProperty.call(data.keys, key) ? data.keys[key] : [];
      for (var i = 0; i < numbers.length; i++) {
        if (found.indexOf(numbers[i]) === -1) {
          found.push(numbers[i]);
        }
      }
    }
    add("h:" + handleKey(raw));
    if (raw.indexOf("/") !== -1 || raw.indexOf(".") !== -1) {
      // Try the whole address, then shorter ones: .../@name/videos belongs to .../@name.
      var parts = addressKey(raw).split("/");
      for (var n = parts.length; n >= 1 && found.length === 0; n--) {
        add("u:" + parts.slice(0, n).join("/"));
      }
    }
    return found;
  }

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function paragraph(className, words) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = words;
    return p;
  }

  function matchLine(number) {
    var account = data.accounts[number];
    var item = document.createElement("li");
    // A requested account has no page yet: its name is said, not linked.
    var label = document.createElement(account[4] ? "a" : "span");
    if (account[4]) {
      label.href = account[4];
    }
    label.textContent = say(form.dataset.match, {
      name: account[0], platform: account[1], handle: account[2]
    });
    item.appendChild(label);
    return item;
  }

  function answer(raw) {
    result.textContent = "";
    if (!raw.trim()) {
      result.appendChild(paragraph("verdict", form.dataset.empty));
      return "empty";
    }
    var found = lookup(raw);
    if (found.length === 0) {
      result.appendChild(paragraph("verdict verdict-unknown", form.dataset.notFound));
      return "not-found";
    }
    function having(test) {
      return found.filter(function (n) { return test(data.accounts[n][3]); });
    }
    var official = having(function (s) { return s !== "archived" && s !== "requested"; });
    var archived = having(function (s) { return s === "archived"; });
    var requested = having(function (s) { return s === "requested"; });
    var groups = [[official, "verdict verdict-official", form.dataset.official],
                  [requested, "verdict verdict-requested", form.dataset.requested],
                  [archived, "verdict verdict-archived", form.dataset.archived]];
    for (var g = 0; g < groups.length; g++) {
      if (groups[g][0].length === 0) {
        continue;
      }
      result.appendChild(paragraph(groups[g][1], groups[g][2]));
      var list = document.createElement("ul");
      for (var i = 0; i < groups[g][0].length; i++) {
        list.appendChild(matchLine(groups[g][0][i]));
      }
      result.appendChild(list);
    }
    return official.length ? "official" : requested.length ? "requested" : "archived";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.dataset.verdict = answer(input.value);
  });
  form.hidden = false;
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    form.dataset.verdict = answer(query);
  }
})();
