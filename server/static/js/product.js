/* Product page: load the nearby-stores fragment for the shopper's position.
 *
 * Asks the browser for the position once; refused or unavailable → the fragment shows a city
 * picker, whose chips ([data-pick-city]) reload it for that city. A failed or missing fragment
 * leaves the section empty, never an error.
 */
(function () {
  "use strict";

  document.body.addEventListener("htmx:responseError", function (e) {
    if (e.target.id === "nearby-stores") { e.target.innerHTML = ""; }
  });

  function start() {
    const section = document.getElementById("nearby-stores");
    if (!section) return;
    function field(name) { return document.querySelector(".nearby-position input[name=" + name + "]"); }
    // The answer may come before htmx has set the section up (a refusal can be at once):
    // process it first, or the trigger has no listener yet and the section stays empty.
    function load() {
      if (!window.htmx) return;
      window.htmx.process(section);
      window.htmx.trigger(section, "kq-locate");
    }
    function refused() { field("located").value = "refused"; load(); }
    document.addEventListener("click", function (event) {
      if (!(event.target instanceof Element)) return;
      const chip = event.target.closest("[data-pick-city]");
      if (!chip) return;
      field("city").value = chip.dataset.pickCity;
      field("lat").value = ""; field("lon").value = "";
      load();
    });
    if (!navigator.geolocation) { refused(); return; }
    // The browser's own timeout only starts once the shopper answers the permission
    // prompt; a prompt left unanswered (or never shown) would leave the section empty.
    let settled = false;
    function once(then) { return function (arg) { if (!settled) { settled = true; then(arg); } }; }
    const giveUp = once(refused);
    window.setTimeout(giveUp, 8000);
    navigator.geolocation.getCurrentPosition(once(function (pos) {
      field("lat").value = pos.coords.latitude.toFixed(5);
      field("lon").value = pos.coords.longitude.toFixed(5);
      load();
    }), giveUp, { timeout: 8000, maximumAge: 600000 });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
