/* Checkout: re-quote when the shopper changes the method or store, and "Use my location".
 *
 * Re-quoting posts the form (with its CSRF token) with intent=update: the recipient's details
 * never go into a URL. Controls marked data-requote re-quote on change; the button marked
 * data-use-location fills the form's lat/lon and re-quotes, or shows its data-unsupported /
 * data-refused text (translated and escaped by the template) in [data-locate-status].
 */
(function () {
  "use strict";

  function requote(form) {
    const intent = document.createElement("input");
    intent.type = "hidden"; intent.name = "intent"; intent.value = "update";
    form.appendChild(intent);
    form.noValidate = true;
    form.submit();
  }

  function useMyLocation(button) {
    const form = document.getElementById("checkout-form");
    const status = document.querySelector("[data-locate-status]");
    function say(text) { if (status) { status.hidden = false; status.textContent = text; } }
    if (!navigator.geolocation) { say(button.dataset.unsupported); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.namedItem("lat").value = pos.coords.latitude.toFixed(6);
      form.elements.namedItem("lon").value = pos.coords.longitude.toFixed(6);
      requote(form);
    }, function () { say(button.dataset.refused); }, { timeout: 10000, maximumAge: 600000 });
  }

  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target instanceof Element && target.matches("[data-requote]") && target.form) {
      requote(target.form);
    }
  });

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    const button = event.target.closest("[data-use-location]");
    if (button) { useMyLocation(button); }
  });
})();
