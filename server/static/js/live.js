/* Kuaiqu live updates.
 *
 * An element with data-live-socket="/ws/…" subscribes to that websocket. On every message —
 * including the "hello" sent on each (re)connect — it fires the htmx event "live-update" on
 * itself (so hx-get="…" hx-trigger="live-update" refetches current state) and a DOM event
 * "live-event" carrying the message. After a drop it reconnects with backoff; the hello on
 * reconnect makes the element refetch, so nothing that changed meanwhile is missed.
 * data-live-alert on the element flashes it and beeps for events other than hello (POS).
 */
(function () {
  "use strict";

  function beep() {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const tone = ctx.createOscillator();
      tone.frequency.value = 880;
      tone.connect(ctx.destination);
      tone.start();
      tone.stop(ctx.currentTime + 0.2);
    } catch (e) { /* sound is a nicety */ }
  }

  function connect(el, attempt) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(scheme + "//" + location.host + el.dataset.liveSocket);
    let pinger = null;
    socket.onopen = function () {
      el.dataset.liveState = "open";
      pinger = setInterval(function () { socket.send("ping"); }, 25000);
    };
    socket.onmessage = function (message) {
      let data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      attempt = 0;
      el.dispatchEvent(new CustomEvent("live-event", { detail: data, bubbles: true }));
      if (window.htmx) { window.htmx.trigger(el, "live-update", data); }
      if (el.hasAttribute("data-live-alert") && data.type !== "hello") {
        el.classList.remove("live-alert");
        void el.offsetWidth;
        el.classList.add("live-alert");
        beep();
      }
    };
    socket.onclose = function () {
      el.dataset.liveState = "closed";
      clearInterval(pinger);
      const delay = Math.min(30000, 500 * Math.pow(2, attempt));
      setTimeout(function () { connect(el, attempt + 1); }, delay);
    };
  }

  function start() {
    document.querySelectorAll("[data-live-socket]").forEach(function (el) {
      if (!el.dataset.liveState) { el.dataset.liveState = "connecting"; connect(el, 0); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
