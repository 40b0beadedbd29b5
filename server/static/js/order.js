/* Order page: the pay-by countdown, and a reload when the order changes elsewhere.
 *
 * The countdown reads its deadline from .pay-countdown[data-deadline]; at zero the page reloads
 * (a minute later) to show the cancelled order. The order's live socket path comes from
 * #order-status[data-socket]; a status other than the shown one, or any event, reloads.
 */
(function () {
  "use strict";

  function countdown() {
    const box = document.querySelector(".pay-countdown");
    if (!box) return;
    const deadline = Date.parse(box.dataset.deadline);
    const out = box.querySelector(".countdown");
    function tick() {
      const left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      out.textContent = String(Math.floor(left / 60)).padStart(2, "0") + ":" + String(left % 60).padStart(2, "0");
      if (left > 0) { setTimeout(tick, 1000); } else { setTimeout(function () { location.reload(); }, 60000); }
    }
    tick();
  }

  function follow() {
    const status = document.getElementById("order-status");
    if (!status || !status.dataset.socket) return;
    const proto = location.protocol === "https:" ? "wss" : "ws";
    try {
      const ws = new WebSocket(proto + "://" + location.host + status.dataset.socket);
      ws.onmessage = function (msg) {
        const data = JSON.parse(msg.data);
        if (data.type === "hello") {
          if (data.status && data.status !== status.dataset.status) { location.reload(); }
          return;
        }
        if (data.kind) { location.reload(); }
      };
    } catch (e) { /* live updates are a nicety: the page still works without them */ }
  }

  countdown();
  follow();
})();
