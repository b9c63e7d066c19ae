/* "Check an account": is this profile address or handle an official account?
 *
 * Answered from the shards in verify/, which the build writes: every published account's
 * address and handle, normalised as addressKey and handleKey do here (and as verify_data.py
 * does in the build; keep the three in step), split by an FNV-1a hash of the key. The page
 * loads only the shards of the keys it looks up, so it stays light at any registry size. An
 * address with more after the profile, such as .../videos or ?hl=sv, still matches the
 * profile it belongs to.
 */
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var input = document.getElementById("verify-input");
  var result = document.getElementById("verify-result");
  if (!form || !input || !result) {
    return;
  }
  var strings = JSON.parse(form.getAttribute("data-strings"));
  var shardCount = parseInt(form.getAttribute("data-shards"), 10) || 1;
  var shardRoot = form.getAttribute("data-shard-root");
  var shards = {}; // number -> {key: [[name, platform, handle, status, page], ...]}
  var waiting = {}; // number -> callbacks waiting for that shard
  window.SOCIALREG_VERIFY_SHARD = function (number, keys) {
    shards[number] = keys;
    var callbacks = waiting[number] || [];
    delete waiting[number];
    for (var i = 0; i < callbacks.length; i++) {
      callbacks[i]();
    }
  };
  var has = Object.prototype.hasOwnProperty;
  // The platforms' other domains (twitter.com -> x.com) and the query parameters that name
  // an account (facebook.com/profile.php?id=...), from the catalogue in org/policy.yaml.
  // #identity-strings (verify_identity.html) carries them, and where the site's root is.
  var identityBox = document.getElementById("identity-strings");
  var hosts = { aliases: { "twitter.com": "x.com" }, keep: {} };
  try {
    hosts = JSON.parse(identityBox.getAttribute("data-hosts")) || hosts;
  } catch (error) {
    // no catalogue on this page: the one alias everybody knows
  }

  // The look-alike check (identity.js and its data) is loaded only when an answer needs it:
  // an input that is not found, or a handle typed without a platform.
  var identityState = "idle";
  var identityWaiting = [];
  function withIdentity(then) {
    if (identityState === "ready" || !identityBox) {
      then();
      return;
    }
    identityWaiting.push(then);
    if (identityState === "loading") {
      return;
    }
    identityState = "loading";
    var root = identityBox.getAttribute("data-root") || "";
    var files = [root + "verify-identity.js", root + "static/identity.js"];
    function next() {
      if (files.length === 0) {
        identityState = "ready";
        var callbacks = identityWaiting;
        identityWaiting = [];
        callbacks.forEach(function (callback) { callback(); });
        return;
      }
      var script = document.createElement("script");
      script.src = files.shift();
      script.onload = next;
      script.onerror = next;
      document.head.appendChild(script);
    }
    next();
  }

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

  // FNV-1a, 32 bits, of the key's UTF-8 bytes: verify_data.fnv1a in the build.
  function shardOf(key) {
    var bytes = new TextEncoder().encode(key);
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
    }
    return hash & (shardCount - 1);
  }

  // The keys to look up, in order: the handle, then the address and shorter ones, because
  // .../@name/videos belongs to .../@name.
  function keysOf(raw) {
    var keys = ["h:" + handleKey(raw)];
    if (raw.indexOf("/") !== -1 || raw.indexOf(".") !== -1) {
      var parts = addressKey(raw).split("/");
      for (var n = parts.length; n >= 1; n--) {
        keys.push("u:" + parts.slice(0, n).join("/"));
      }
    }
    return keys;
  }

  function withShards(keys, then) {
    var needed = [];
    for (var i = 0; i < keys.length; i++) {
      var number = shardOf(keys[i]);
      if (!shards[number] && needed.indexOf(number) === -1) {
        needed.push(number);
      }
    }
    var left = needed.length;
    if (left === 0) {
      then();
      return;
    }
    needed.forEach(function (number) {
      var first = !waiting[number];
      (waiting[number] = waiting[number] || []).push(function () {
        left -= 1;
        if (left === 0) {
          then();
        }
      });
      if (first) {
        var script = document.createElement("script");
        script.src = shardRoot + number + ".js";
        script.onerror = function () {
          shards[number] = {};
          window.SOCIALREG_VERIFY_SHARD(number, {});
        };
        document.body.appendChild(script);
      }
    });
  }

  function lookup(keys) {
    var found = [];
    var pages = [];
    function add(key) {
      var keyed = shards[shardOf(key)] || {};
      var accounts = Object.prototype.hasOwnProperty.call(keyed, key) ? keyed[key] : [];
      for (var i = 0; i < accounts.length; i++) {
        // A requested account has no page yet: its name and handle tell it apart.
        var id = accounts[i][4] || accounts[i][0] + "\n" + accounts[i][2];
        if (pages.indexOf(id) === -1) {
          pages.push(id);
          found.push(accounts[i]);
        }
      }
    }
    add(keys[0]);
    for (var n = 1; n < keys.length && found.length === 0; n++) {
      add(keys[n]);
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

  function matchLine(account) {
    var item = document.createElement("li");
    // A requested account has no page yet: its name is said, not linked.
    var label = document.createElement(account[4] ? "a" : "span");
    if (account[4]) {
      label.href = account[4];
    }
    label.textContent = say(strings.verify_match, {
      name: account[0], platform: account[1], handle: account[2]
    });
    item.appendChild(label);
    return item;
  }

  function answer(found, raw) {
    var identity = window.SocialregVerifyIdentity;
    result.textContent = "";
    if (found.length === 0) {
      if (identity && identity.lookalike(raw, result, matchLine)) {
        return "lookalike";
      }
      result.appendChild(paragraph("verdict verdict-unknown", strings.verify_not_found));
      return "not-found";
    }
    function having(test) {
      return found.filter(function (a) { return test(a[3]); });
    }
    var official = having(function (s) { return s !== "archived" && s !== "requested"; });
    var archived = having(function (s) { return s === "archived"; });
    var requested = having(function (s) { return s === "requested"; });
    var groups = [[official, "verdict verdict-official", strings.verify_official],
                  [requested, "verdict verdict-requested", strings.verify_requested],
                  [archived, "verdict verdict-archived", strings.verify_archived]];
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
    if (identity && raw.indexOf("/") === -1) {
      identity.onlyOn(raw, official, result);  // a handle typed without a platform
    }
    return official.length ? "official" : requested.length ? "requested" : "archived";
  }

  // The verdict is set when the answer is shown, so a test (or a person) can wait for it.
  function check(raw) {
    delete form.dataset.verdict;
    if (!raw.trim()) {
      result.textContent = "";
      result.appendChild(paragraph("verdict", strings.verify_empty));
      form.dataset.verdict = "empty";
      return;
    }
    var keys = keysOf(raw);
    withShards(keys, function () {
      var found = lookup(keys);
      function show() {
        if (input.value === raw) {
          form.dataset.verdict = answer(found, raw);
        }
      }
      if (found.length === 0 || raw.indexOf("/") === -1) {
        withIdentity(show);
      } else {
        show();
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    check(input.value);
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    check(query);
  }
})();
