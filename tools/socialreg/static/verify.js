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
  var has = Object.prototype.hasOwnProperty;
  // The platforms' other domains (twitter.com -> x.com) and the query parameters that name
  // an account (facebook.com/profile.php?id=...), from the catalogue in org/policy.yaml.
  var hosts = data.hosts || { aliases: { "twitter.com": "x.com" }, keep: {} };

  /* As identity/catalogue.py address_key. */
  function addressKey(value) {
    value = value.normalize("NFKC").replace(/[\p{Cf}]/gu, "").trim().toLowerCase();
    value = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").split("#")[0];
    var question = value.indexOf("?");
    var query = question === -1 ? "" : value.slice(question + 1);
    value = question === -1 ? value : value.slice(0, question);
    var slash = value.indexOf("/");
    var host = slash === -1 ? value : value.slice(0, slash);
    var path = slash === -1 ? "" : value.slice(slash + 1);
    host = host.slice(host.lastIndexOf("@") + 1).replace(/\.$/, "");
    var shorter = host.replace(/^(www|m|mobile|web)\./, "");
    while (shorter !== host && shorter.indexOf(".") !== -1) {
      host = shorter;
      shorter = host.replace(/^(www|m|mobile|web)\./, "");
    }
    host = has.call(hosts.aliases, host) ? hosts.aliases[host] : host;
    path = path.replace(/\/{2,}/g, "/").replace(/^\/+|\/+$/g, "");
    var keep = has.call(hosts.keep, host) ? hosts.keep[host] : [];
    var kept = [];
    new URLSearchParams(query).forEach(function (item, name) {
      if (keep.indexOf(name) !== -1) {
        kept.push([name, item]);
      }
    });
    kept.sort();
    var key = path ? host + "/" + path : host;
    return kept.length ? key + "?" + new URLSearchParams(kept).toString() : key;
  }

  /* As verify_data.py handle_key: invisible characters are kept (identity.js sees them). */
  function handleKey(value) {
    return value.normalize("NFKC").trim().replace(/^@+/, "").replace(/\/+$/, "").toLowerCase();
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
    var link = document.createElement("a");
    link.href = account[4];
    link.textContent = say(form.dataset.match, {
      name: account[0], platform: account[1], handle: account[2]
    });
    item.appendChild(link);
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
      if (window.SocialregVerifyIdentity && window.SocialregVerifyIdentity.lookalike(raw, result, matchLine)) {
        return "lookalike";
      }
      result.appendChild(paragraph("verdict verdict-unknown", form.dataset.notFound));
      return "not-found";
    }
    var official = found.filter(function (n) { return data.accounts[n][3] !== "archived"; });
    var archived = found.filter(function (n) { return data.accounts[n][3] === "archived"; });
    var groups = [[official, "verdict verdict-official", form.dataset.official],
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
    if (window.SocialregVerifyIdentity && raw.indexOf("/") === -1) {
      window.SocialregVerifyIdentity.onlyOn(raw, official, result);
    }
    return official.length ? "official" : "archived";
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
