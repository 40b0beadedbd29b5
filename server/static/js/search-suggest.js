/* Search box: suggestions while typing, recent searches when the box is empty.
 *
 * Acts on <input data-suggest> inside a search form. Texts come from data-* attributes
 * (translated and escaped by the template): data-recent-label, data-clear-label. Results are
 * written with textContent only, never as HTML.
 *   GET    /api/search/suggestions?q=…  → [{kind, text, text_en, url}]
 *   GET    /api/search/recent           → {items: [...]}
 *   DELETE /api/search/recent           clears them
 */
(function () {
  "use strict";

  var english = document.documentElement.lang === "en";

  function listFor(input) {
    var list = input.form.querySelector(".suggest-list");
    if (!list) {
      list = document.createElement("ul");
      list.className = "suggest-list";
      list.setAttribute("role", "listbox");
      list.hidden = true;
      input.form.appendChild(list);
    }
    return list;
  }

  function item(list, text, href, kind) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    link.setAttribute("role", "option");
    if (kind) { link.dataset.kind = kind; }
    li.appendChild(link);
    list.appendChild(li);
  }

  function show(list, filled) { list.hidden = !filled; }

  function showRecent(input) {
    var list = listFor(input);
    fetch("/api/search/recent", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) {
        if (input.value.trim()) { return; }
        list.textContent = "";
        if (!data.items.length) { show(list, false); return; }
        var head = document.createElement("li");
        head.className = "suggest-head";
        var label = document.createElement("span");
        label.textContent = input.dataset.recentLabel || "";
        var clear = document.createElement("button");
        clear.type = "button";
        clear.className = "link";
        clear.textContent = input.dataset.clearLabel || "×";
        clear.addEventListener("click", function () {
          fetch("/api/search/recent", { method: "DELETE", credentials: "same-origin" })
            .then(function () { list.textContent = ""; show(list, false); });
        });
        head.appendChild(label);
        head.appendChild(clear);
        list.appendChild(head);
        data.items.forEach(function (text) {
          item(list, text, input.form.getAttribute("action") + "?q=" + encodeURIComponent(text));
        });
        show(list, true);
      })
      .catch(function () { show(list, false); });
  }

  var timer = null;
  var asked = 0;

  function suggest(input) {
    var text = input.value.trim();
    if (!text) { showRecent(input); return; }
    var mine = ++asked;
    fetch("/api/search/suggestions?q=" + encodeURIComponent(text.slice(0, 50)), {
      credentials: "same-origin"
    })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) {
        if (mine !== asked) { return; }  // a later keystroke already asked again
        var list = listFor(input);
        list.textContent = "";
        found.forEach(function (s) {
          item(list, english && s.text_en ? s.text_en : s.text, s.url, s.kind);
        });
        show(list, found.length > 0);
      })
      .catch(function () { show(listFor(input), false); });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches("[data-suggest]")) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(input); }, 150);
  });

  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.matches("[data-suggest]") && !input.value.trim()) {
      showRecent(input);
    }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key === "Escape" && input instanceof Element && input.closest("form")) {
      var list = input.closest("form").querySelector(".suggest-list");
      if (list) { list.hidden = true; }
    }
    if (event.key === "ArrowDown" && input instanceof HTMLInputElement && input.matches("[data-suggest]")) {
      var first = input.form.querySelector(".suggest-list:not([hidden]) a");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });

  document.addEventListener("click", function (event) {
    document.querySelectorAll(".suggest-list:not([hidden])").forEach(function (list) {
      if (!(event.target instanceof Node) || !list.parentNode.contains(event.target)) {
        list.hidden = true;
      }
    });
  });
})();
