/* Kuaiqu behaviours: small declarative page behaviours, so templates need no inline script.
 *
 * The Content-Security-Policy allows scripts from this site's files only ("script-src 'self'"),
 * so a template never carries <script> blocks or on*= handlers. It marks elements instead:
 *   data-submit-on-change        a control that submits its form when changed (sort select)
 *   form[data-confirm="…"]       ask before submitting; the text comes escaped from Jinja
 *   data-print                   a button that prints the page (POS receipt)
 *   data-navigate-on-change="/p/" a select that goes to "/p/" + its value; submitting its
 *                                form does the same (POS store switch)
 *   data-amount-mode             a "counted / add-remove" select: switching to add/remove
 *                                empties the form's amount box, switching back restores the
 *                                counted figure from the box's data-on-hand (stock rows)
 * Listeners sit on the document, so content swapped in by htmx behaves the same.
 */
(function () {
  "use strict";

  function navigate(select) {
    window.location.href = select.dataset.navigateOnChange + encodeURIComponent(select.value);
  }

  document.addEventListener("change", function (event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    if (target.matches("[data-submit-on-change]") && target.form) {
      target.form.submit();
    } else if (target.matches("[data-navigate-on-change]")) {
      navigate(target);
    } else if (target.matches("[data-amount-mode]") && target.form) {
      const amount = target.form.elements.namedItem("amount");
      if (!amount) return;
      const delta = target.value === "delta";
      amount.value = delta ? "" : (amount.dataset.onHand || "");
      amount.placeholder = delta ? "+5 / -2" : "";
    }
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const select = form.querySelector("[data-navigate-on-change]");
    if (select) {
      event.preventDefault();
      navigate(select);
      return;
    }
    if (form.hasAttribute("data-confirm") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });
})();
