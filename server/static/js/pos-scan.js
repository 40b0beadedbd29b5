/* POS scan page: keep the code box focused for a hand scanner, and offer the camera.
 *
 * Clicks outside controls, and a focus lost to the page body, put focus back in #scan-code.
 * Where the browser has BarcodeDetector and a camera, the Camera button reads a QR code into
 * the box and submits #scan-form.
 */
(function () {
  "use strict";
  const input = document.getElementById("scan-code");
  if (!input) return;
  const keep = function () { if (!document.activeElement || document.activeElement === document.body) { input.focus(); } };
  document.addEventListener("click", function (e) {
    if (e.target instanceof Element && !e.target.closest("input,select,button,label,a")) { input.focus(); }
  });
  setInterval(keep, 1000);
  input.focus();
  const button = document.getElementById("camera-button");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  button.hidden = false;
  button.addEventListener("click", async function () {
    const video = document.getElementById("camera");
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream; video.hidden = false; await video.play();
    const look = async function () {
      const found = await detector.detect(video).catch(function () { return []; });
      if (found.length) {
        stream.getTracks().forEach(function (t) { t.stop(); });
        input.value = found[0].rawValue;
        document.getElementById("scan-form").submit();
        return;
      }
      requestAnimationFrame(look);
    };
    look();
  });
})();
