/*
 * Draws the charts of templates/partials/_chart.html with the vendored Chart.js.
 *
 * Each chart is a <canvas data-chart="ID"> whose numbers sit in <script type="application/json" id="ID">
 * (Django's json_script): no inline script, so the strict CSP holds. The table under every chart keeps
 * the same numbers for screen readers and for anyone without JavaScript; the canvas is shown only once
 * it is drawn. Charts inside a part of the page that htmx swaps in are drawn too (htmx:load).
 * Colours come from the coop's theme (--wijkwerk-line, --wijkwerk-muted, --wijkwerk-primary).
 */
(function () {
  "use strict";

  var FALLBACK = { line: "#8a8a8a", muted: "#4d4d4d", primary: "#1f5e8c", ink: "#1b1b1b" };

  function themeColour(element, tone) {
    // A custom property may hold color-mix() or var(); let the browser resolve it to rgb().
    var probe = document.createElement("span");
    probe.style.color = "var(--wijkwerk-" + tone + ", " + (FALLBACK[tone] || FALLBACK.primary) + ")";
    probe.hidden = true;
    element.appendChild(probe);
    var colour = window.getComputedStyle(probe).color;
    element.removeChild(probe);
    return colour || FALLBACK[tone] || FALLBACK.primary;
  }

  function numberFormat(unit, lang) {
    if (unit === "EUR") {
      return new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
    }
    if (unit === "figure") {
      return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    return new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  }

  // Long category labels break into lines, so a phone keeps them whole beside a bar.
  function wrap(label, width) {
    var lines = [];
    var line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines.length > 1 ? lines : lines[0];
  }

  function draw(canvas) {
    if (canvas.getAttribute("data-drawn") || typeof window.Chart === "undefined") {
      return;
    }
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var box = canvas.parentElement;
    var lang = document.documentElement.lang || "nl";
    var format = numberFormat(data.unit, lang);
    var exact = data.unit === "EUR"
      ? new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" })
      : format;
    var valueAxis = data.horizontal ? "x" : "y";
    var categoryAxis = data.horizontal ? "y" : "x";
    var ink = themeColour(box, "ink");
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      ticks: { color: ink, callback: function (value) { return format.format(value); } },
    };
    if (data.max !== null) {
      scales[valueAxis].max = data.max;
    }
    scales[categoryAxis] = { ticks: { color: ink, autoSkip: false } };

    window.Chart.defaults.font.family = window.getComputedStyle(box).fontFamily;
    window.Chart.defaults.font.size = 14;
    var narrow = box.parentElement.clientWidth < 600;
    var labels = data.labels.map(function (label) { return wrap(label, narrow ? 14 : 28); });
    if (data.horizontal) {
      // Bars across: each row as tall as its bars or its label's lines, whichever is more, plus the
      // axis and the legend; so no label is skipped for lack of room.
      var lines = Math.max.apply(null, labels.map(function (label) { return Array.isArray(label) ? label.length : 1; }));
      var rowHeight = Math.max(data.series.length * 22, lines * 18) + (narrow ? 20 : 14);
      box.style.blockSize = data.labels.length * rowHeight + 90 + "px";
    }
    box.hidden = false;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: data.series.map(function (series) {
          return { label: series.label, data: series.values, backgroundColor: themeColour(box, series.tone) };
        }),
      },
      options: {
        indexAxis: data.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: {
          legend: { position: "bottom", labels: { color: ink } },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + exact.format(context.parsed[valueAxis]);
              },
            },
          },
        },
      },
    });
    canvas.setAttribute("data-drawn", "true");
  }

  function drawAll(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll("canvas[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
})();
