/* "Use my location" on the store list and the product page's nearby-stores fragment.
 *
 * A button with data-locate="/url" asks the browser for its position, then loads the URL with
 * ?lat=&lon= (into data-target via htmx when given, else as a new page). The status texts
 * come from the button's data-locate-unsupported / -finding / -refused attributes (translated
 * and escaped by the template), shown in the page's [data-locate-status] element if any.
 * The listener is delegated, so buttons swapped in by htmx work without running this again.
 */
(function () {
  "use strict";
  if (window.kuaiquLocate) return;
  window.kuaiquLocate = true;

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    const button = event.target.closest("[data-locate]");
    if (!button) return;
    const status = document.querySelector("[data-locate-status]");
    function say(text) { if (status && text) { status.hidden = false; status.textContent = text; } }
    if (!navigator.geolocation) { say(button.dataset.locateUnsupported); return; }
    say(button.dataset.locateFinding);
    navigator.geolocation.getCurrentPosition(function (pos) {
      const lat = pos.coords.latitude.toFixed(5);
      const lon = pos.coords.longitude.toFixed(5);
      const base = button.dataset.locate;
      const url = base + (base.indexOf("?") < 0 ? "?" : "&") + "lat=" + lat + "&lon=" + lon;
      // Remember the point for later live refreshes of the same fragment.
      document.querySelectorAll("input[name=lat]").forEach(function (i) { i.value = lat; });
      document.querySelectorAll("input[name=lon]").forEach(function (i) { i.value = lon; });
      const target = button.dataset.target && document.querySelector(button.dataset.target);
      if (target && window.htmx) { window.htmx.ajax("GET", url, { target: target, swap: "innerHTML" }); }
      else { window.location = url; }
    }, function () { say(button.dataset.locateRefused); },
    { timeout: 10000, maximumAge: 600000 });
  });
})();
