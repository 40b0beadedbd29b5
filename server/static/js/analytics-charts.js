// Draws the dashboards' charts with the vendored Chart.js: every <canvas data-chart="…">
// carries its figures and translated labels in data-* attributes (no inline script).
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#d9480f", "#1c7ed6", "#2f9e44", "#f59f00", "#7048e8", "#868e96"];

  function read(canvas, name) {
    try { return JSON.parse(canvas.getAttribute(name) || "null"); } catch (e) { return null; }
  }

  var builders = {
    series: function (c, v) {
      return { type: "line", data: { labels: v.labels, datasets: [
        { label: c.dataset.labelGmv, data: v.gmv, borderColor: palette[0], yAxisID: "y" },
        { label: c.dataset.labelOrders, data: v.orders, borderColor: palette[1], yAxisID: "y1" }
      ] }, options: { scales: { y: { position: "left" }, y1: { position: "right", grid: { drawOnChartArea: false } } } } };
    },
    funnel: function (c, v) {
      return { type: "bar", data: { labels: read(c, "data-labels"), datasets: [
        { data: v, backgroundColor: palette.slice(0, 4) }
      ] }, options: { indexAxis: "y", plugins: { legend: { display: false } } } };
    },
    methods: function (c, v) {
      return { type: "doughnut", data: { labels: read(c, "data-labels"), datasets: [
        { data: v, backgroundColor: [palette[0], palette[1]] }
      ] } };
    },
    products: function (c, v) {
      return { type: "bar", data: { labels: v.labels, datasets: [
        { label: c.dataset.labelAmount, data: v.amounts, backgroundColor: palette[2] }
      ] }, options: { indexAxis: "y", plugins: { legend: { display: false } } } };
    },
    supplier: function (c, v) {
      return { type: "bar", data: { labels: v.labels, datasets: [
        { label: c.dataset.labelAmount, data: v.amounts, backgroundColor: palette[0] }
      ] }, options: { plugins: { legend: { display: false } } } };
    }
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var build = builders[canvas.dataset.chart];
    var values = read(canvas, "data-values");
    if (!build || values === null) { return; }
    var config = build(canvas, values);
    config.options = Object.assign({ responsive: true, animation: false }, config.options || {});
    new Chart(canvas, config);
  });
})();
