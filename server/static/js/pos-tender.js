/* POS confirmation: change to give as the cashier types the cash received.
 *
 * form[data-tender][data-total=fen] holds input[data-tendered] (yuan); [data-change] shows
 * the change, or its data-short text when too little was handed over. Points the member
 * spends (input[data-points], form[data-fen-per-point]) come off the total first, as the
 * server takes them: change = tendered - (total - points value). Buttons with
 * data-quick-amount fill the box. The server checks the amount again when completing.
 */
(function () {
  "use strict";

  function fen(text) {
    var value = String(text || "").replace(/[,¥\s]/g, "");
    if (!/^\d+(\.\d{0,2})?$/.test(value)) { return null; }
    var parts = value.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function pointsValue(form) {
    var box = form.querySelector("[data-points]");
    var text = box ? String(box.value || "").trim() : "";
    if (!/^\d{1,12}$/.test(text)) { return 0; }
    return parseInt(text, 10) * parseInt(form.dataset.fenPerPoint || "1", 10);
  }

  function update(form) {
    var input = form.querySelector("[data-tendered]");
    var out = form.querySelector("[data-change]");
    if (!input || !out) { return; }
    var total = parseInt(form.dataset.total, 10) - pointsValue(form);
    var given = fen(input.value);
    if (given === null) { out.textContent = "—"; return; }
    if (given < total) { out.textContent = out.dataset.short; return; }
    out.textContent = "¥" + ((given - total) / 100).toFixed(2);
  }

  document.addEventListener("input", function (event) {
    var form = event.target instanceof Element ? event.target.closest("form[data-tender]") : null;
    if (form) { update(form); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-quick-amount]") : null;
    if (!button) { return; }
    var form = button.closest("form[data-tender]");
    var input = form && form.querySelector("[data-tendered]");
    if (input) { input.value = button.dataset.quickAmount; update(form); input.focus(); }
  });
})();
