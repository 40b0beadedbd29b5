// Limited-time price countdown (product page). The offers fragment marks the sale with
// data-flash-countdown, data-starts-at and data-ends-at (ISO times); this ticks the clock
// every second and, when the price starts or ends, asks the fragment's section to reload
// (htmx "promo-refresh"), so the shown price switches live. No inline script (CSP).
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function clock(ms, dayUnit) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = Math.floor(s / 86400);
    var rest = pad(Math.floor((s % 86400) / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
    return d > 0 ? d + (dayUnit || "d") + " " + rest : rest;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-flash-countdown]").forEach(function (box) {
      var starts = Date.parse(box.dataset.startsAt);
      var ends = Date.parse(box.dataset.endsAt);
      var running = box.classList.contains("running");
      var target = running ? ends : starts;
      var face = box.querySelector("[data-countdown-clock]");
      if (face) face.textContent = clock(target - now, box.dataset.dayUnit);
      var crossed = running ? now >= ends : now >= starts;
      if (crossed && !box.dataset.refreshing) {
        box.dataset.refreshing = "1";
        var section = box.closest("[hx-get]");
        if (section && window.htmx) window.htmx.trigger(section, "promo-refresh");
      }
    });
  }

  tick();
  setInterval(tick, 1000);
})();
