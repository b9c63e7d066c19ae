/* Look-alikes of official accounts, for the "Check an account" box (verify.js calls this).
 *
 * Answered in the page from verify-identity.js, which the build writes: each official
 * account's identity key and the part of Unicode's confusables table (UTS #39) that can lead
 * to those keys. identityKey and reasonFor do what identity/text.py does in Python (keep the
 * two in step; the browser tests check the same cases as the Python tests).
 */
(function () {
  "use strict";
  var data = window.SOCIALREG_IDENTITY;
  if (!data) {
    return;
  }
  // As identity/text.py is_invisible: format characters (Cf), variation selectors, fillers.
  var INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/gu;
  var SEPARATORS = /[._\-\s]+/g;
  var BAIT = ["official", "real", "team", "the", "hq", "verified", "officiel", "officiell"];
  var MIN_LENGTH = 5;
  var has = Object.prototype.hasOwnProperty;

  function folded(text) {
    return text.normalize("NFKC").toLowerCase().normalize("NFKC");
  }

  function bare(text) {
    return text.normalize("NFKC").trim().replace(/^@+/, "").replace(/\/+$/, "").trim();
  }

  /* As text.py skeleton: with keepDigits, 0-9 stay digits (a numbered series). */
  function skeleton(text, keepDigits) {
    var decomposed = folded(text).normalize("NFD");
    var out = "";
    for (var i = 0; i < decomposed.length; i++) {
      var ch = decomposed.charAt(i);
      var code = decomposed.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < decomposed.length) {
        ch = decomposed.slice(i, i + 2);
        i++;
      }
      var digit = code >= 0x30 && code <= 0x39;
      out += (keepDigits && digit) || !has.call(data.map, ch) ? ch : data.map[ch];
    }
    return out.normalize("NFD").toLowerCase();
  }

  function identityKey(text, keepDigits) {
    return skeleton(bare(text.replace(INVISIBLE, "")).replace(INVISIBLE, ""), keepDigits);
  }

  function onlyDigitsApart(a, b) {
    return a !== b && a.replace(/[0-9]/g, "") === b.replace(/[0-9]/g, "");
  }

  var baitKeys = BAIT.map(skeleton);

  function plain(key) {
    return key.replace(SEPARATORS, "");
  }

  function withoutBait(text) {
    var value = text;
    var changed = true;
    while (changed) {
      changed = false;
      for (var i = 0; i < baitKeys.length && !changed; i++) {
        var word = baitKeys[i];
        if (value.length - word.length >= 3) {
          if (value.slice(0, word.length) === word) {
            value = value.slice(word.length);
            changed = true;
          } else if (value.slice(-word.length) === word) {
            value = value.slice(0, -word.length);
            changed = true;
          }
        }
      }
    }
    return value;
  }

  function oneEditApart(a, b) {
    if (a === b || Math.abs(a.length - b.length) > 1) {
      return false;
    }
    if (a.length > b.length) {
      var swap = a; a = b; b = swap;
    }
    var i = 0;
    while (i < a.length && a.charAt(i) === b.charAt(i)) {
      i++;
    }
    // As in text.py: edits of digits alone are a numbered series, not a disguise.
    if (a.length < b.length) {
      return a.slice(i) === b.slice(i + 1) && !/[0-9]/.test(b.charAt(i));
    }
    var digits = /^[0-9]+$/.test(a.charAt(i) + b.charAt(i));
    if (a.slice(i + 1) === b.slice(i + 1)) {
      return !digits;
    }
    return i + 1 < a.length && a.charAt(i) === b.charAt(i + 1) &&
      a.charAt(i + 1) === b.charAt(i) && a.slice(i + 2) === b.slice(i + 2) && !digits;
  }

  /* Why typed text (its identity and series keys) may be taken for an official account's:
   * "same" when it is
   * the same handle written with look-alike or invisible characters, else "separators",
   * "words", "one", or "" for no resemblance. */
  function reasonFor(keys, officialKeys) {
    var key = keys[0];
    var official = officialKeys[0];
    if (Math.min(key.length, official.length) < MIN_LENGTH && key !== official) {
      return "";
    }
    if (key === official) {
      return "same";
    }
    var p = plain(key);
    var q = plain(official);
    if (p === q) {
      return "separators";
    }
    if (withoutBait(p) === withoutBait(q)) {
      return "words";
    }
    if (oneEditApart(key, official) || oneEditApart(p, q)) {
      return onlyDigitsApart(keys[1], officialKeys[1]) ? "" : "one";
    }
    return "";
  }

  /* The official accounts `raw` resembles: [{account, reason}]. For an address, the last part
   * of its path is the handle (instagram.com/example.libary -> example.libary). */
  function resembling(raw) {
    var text = raw.trim().split(/[?#]/)[0].replace(/\/+$/, "");
    if (text.indexOf("/") !== -1) {
      var parts = text.split("/");
      text = parts[parts.length - 1];
      if (text === "profile.php") {
        return [];
      }
    }
    var keys = [identityKey(text, false), identityKey(text, true)];
    if (!keys[0]) {
      return [];
    }
    var found = [];
    for (var i = 0; i < data.accounts.length; i++) {
      var account = data.accounts[i];  // [name, platform, handle, status, page, key, series]
      var reason = reasonFor(keys, [account[5], account[6]]);
      if (reason) {
        found.push({ account: account, reason: reason });
      }
    }
    return found;
  }

  window.SocialregIdentity = { identityKey: identityKey, reasonFor: reasonFor, resembling: resembling };
})();

/* What the verify box says about look-alikes and about handles typed without a platform.
 * The words come from the page (#identity-strings, in the registry's language). */
(function () {
  "use strict";
  var identity = window.SocialregIdentity;
  var strings = document.getElementById("identity-strings");
  if (!identity || !strings) {
    return;
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

  function described(account) {
    return say(strings.dataset.account, { handle: account[2], platform: account[1] });
  }

  /* Warn when `raw` resembles an official account; true when it did. */
  function lookalike(raw, result, matchLine) {
    var found = identity.resembling(raw);
    if (found.length === 0) {
      return false;
    }
    var names = found.map(function (match) { return described(match.account); });
    result.appendChild(paragraph("verdict verdict-lookalike",
      say(strings.dataset.lookalike, { official: names.join(", ") })));
    var list = document.createElement("ul");
    for (var i = 0; i < found.length; i++) {
      var item = matchLine(found[i].account);
      var reason = found[i].reason;
      var why = strings.dataset["reason" + reason.charAt(0).toUpperCase() + reason.slice(1)];
      item.appendChild(document.createTextNode(" – " + why));
      list.appendChild(item);
    }
    result.appendChild(list);
    return true;
  }

  /* A handle typed without a platform is official only where the registry says so. */
  function onlyOn(raw, official, result) {
    if (official.length === 0) {
      return;
    }
    var platforms = [];
    for (var i = 0; i < official.length; i++) {
      var name = official[i][1];
      if (platforms.indexOf(name) === -1) {
        platforms.push(name);
      }
    }
    result.appendChild(paragraph("note verdict-only-on", say(strings.dataset.onlyOn, {
      handle: raw.trim(), platforms: platforms.join(", ")
    })));
  }

  window.SocialregVerifyIdentity = { lookalike: lookalike, onlyOn: onlyOn };
})();
