/* Supplier product form: add and remove variant rows, pick each variant's options per spec.
 *
 * form[data-product-form] holds textarea[data-specs] ("颜色: 黑, 白" per line) and a table
 * of variant rows, each with input[data-options] ("颜色=黑; 尺码=M", what the server reads).
 * With specs typed, every row shows one select per spec instead of the text box and writes
 * the chosen values back into it. [data-add-variant] adds a blank row, [data-remove-variant]
 * removes one (both hidden until this script runs). Texts come from data-* attributes.
 */
(function () {
  "use strict";

  function parseSpecs(text) {
    var specs = [];
    text.split(/\r?\n/).forEach(function (line) {
      var at = line.replace("：", ":").indexOf(":");
      if (at < 0) { return; }
      var name = line.slice(0, at).trim();
      var values = line.slice(at + 1).replace(/，/g, ",").split(",")
        .map(function (v) { return v.trim(); }).filter(Boolean);
      if (name && values.length) { specs.push({ name: name, values: values }); }
    });
    return specs;
  }

  function parseOptions(text) {
    var chosen = {};
    text.replace(/；/g, ";").split(";").forEach(function (part) {
      var at = part.replace("＝", "=").indexOf("=");
      if (at > 0) { chosen[part.slice(0, at).trim()] = part.slice(at + 1).trim(); }
    });
    return chosen;
  }

  function writeBack(cell) {
    var input = cell.querySelector("[data-options]");
    var parts = [];
    cell.querySelectorAll("select[data-spec]").forEach(function (select) {
      if (select.value) { parts.push(select.dataset.spec + "=" + select.value); }
    });
    input.value = parts.join("; ");
  }

  function buildPickers(form) {
    var specs = parseSpecs(form.querySelector("[data-specs]").value);
    form.querySelectorAll(".options-cell").forEach(function (cell) {
      var input = cell.querySelector("[data-options]");
      var old = cell.querySelector(".option-pickers");
      if (old) { old.remove(); }
      input.hidden = specs.length > 0;
      if (!specs.length) { return; }
      var chosen = parseOptions(input.value);
      var box = document.createElement("span");
      box.className = "option-pickers";
      specs.forEach(function (spec) {
        var select = document.createElement("select");
        select.dataset.spec = spec.name;
        select.setAttribute("aria-label", spec.name);
        var blank = document.createElement("option");
        blank.value = "";
        blank.textContent = spec.name + ": " + (form.dataset.choose || "…");
        select.appendChild(blank);
        spec.values.forEach(function (value) {
          var option = document.createElement("option");
          option.value = value;
          option.textContent = spec.name + ": " + value;
          option.selected = chosen[spec.name] === value;
          select.appendChild(option);
        });
        box.appendChild(select);
      });
      cell.appendChild(box);
      writeBack(cell);
    });
  }

  function setUp(form) {
    form.querySelectorAll("[data-add-variant], [data-remove-variant]").forEach(function (b) {
      b.hidden = false;
    });
    buildPickers(form);
    form.querySelector("[data-specs]").addEventListener("input", function () { buildPickers(form); });
    form.addEventListener("change", function (event) {
      if (event.target instanceof HTMLSelectElement && event.target.dataset.spec) {
        writeBack(event.target.closest(".options-cell"));
      }
    });
    form.addEventListener("click", function (event) {
      if (!(event.target instanceof Element)) { return; }
      var body = form.querySelector(".variant-rows tbody");
      if (event.target.closest("[data-add-variant]")) {
        var last = body.querySelector("tr:last-child");
        var row = last.cloneNode(true);
        row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        body.appendChild(row);
        buildPickers(form);
        row.querySelector("input").focus();
      }
      var remove = event.target.closest("[data-remove-variant]");
      if (remove) {
        var gone = remove.closest("tr");
        if (body.rows.length > 1) { gone.remove(); }
        else { gone.querySelectorAll("input").forEach(function (input) { input.value = ""; }); buildPickers(form); }
      }
    });
  }

  document.querySelectorAll("form[data-product-form]").forEach(setUp);
})();
