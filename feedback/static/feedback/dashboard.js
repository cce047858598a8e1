// Draws every <canvas data-chart="..."> from the JSON embedded with json_script.
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : [];
  }
  // Okabe-Ito's colour-blind-safe palette, then distinct extras: no two series share a colour
  // until there are more than twelve.
  var colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
    "#000000", "#882255", "#44AA99", "#999933", "#AA4499"];
  // Counts are whole numbers: never draw 0.5 of a comment on an axis.
  var countAxis = { beginAtZero: true, ticks: { precision: 0 } };
  var builders = {
    sentiment: function (rows) {
      return {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.week; }),
          datasets: [
            { label: "Positive", data: rows.map(function (r) { return r.positive; }), backgroundColor: "#009E73", stack: "s" },
            { label: "Neutral", data: rows.map(function (r) { return r.neutral; }), backgroundColor: "#a0aec0", stack: "s" },
            { label: "Negative", data: rows.map(function (r) { return r.negative; }), backgroundColor: "#D55E00", stack: "s" }
          ]
        },
        options: { animation: false, scales: { x: { stacked: true }, y: Object.assign({ stacked: true }, countAxis) } }
      };
    },
    emotions: function (rows) {
      return {
        type: "doughnut",
        data: {
          labels: rows.map(function (r) { return r.label; }),
          datasets: [{ data: rows.map(function (r) { return r.count; }), backgroundColor: colours }]
        },
        options: { animation: false }
      };
    },
    promises: function (rows) {
      var weeks = Array.from(new Set(rows.map(function (r) { return r.week; }))).sort();
      var names = Array.from(new Set(rows.map(function (r) { return r.promise; })));
      return {
        type: "line",
        data: {
          labels: weeks,
          datasets: names.map(function (name, i) {
            return {
              label: name,
              borderColor: colours[i % colours.length],
              data: weeks.map(function (w) {
                var r = rows.find(function (x) { return x.promise === name && x.week === w; });
                return r ? r.avg_sentiment : null;
              })
            };
          })
        },
        options: { animation: false, spanGaps: true, scales: { y: { min: -1, max: 1 } } }
      };
    },
    nps: function (rows) {
      // Rows are weeks, months or quarters (whichever holds enough answers); the 95% margin
      // is drawn as a band around the line.
      function edge(sign) {
        return rows.map(function (r) { return r.margin_of_error === null ? null : r.nps + sign * r.margin_of_error; });
      }
      return {
        type: "line",
        data: {
          labels: rows.map(function (r) { return r.period + " (n=" + r.responses + ")"; }),
          datasets: [
            { label: "NPS", data: rows.map(function (r) { return r.nps; }), borderColor: "#0072B2", backgroundColor: "#0072B2" },
            { label: "95% margin (low)", data: edge(-1), borderColor: "rgba(0,114,178,0.25)", pointRadius: 0, fill: false },
            { label: "95% margin (high)", data: edge(1), borderColor: "rgba(0,114,178,0.25)", backgroundColor: "rgba(0,114,178,0.12)", pointRadius: 0, fill: "-1" }
          ]
        },
        options: { animation: false, spanGaps: true, scales: { y: { min: -100, max: 100 } } }
      };
    },
    csat: function (rows) {
      return {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.touchpoint + " (n=" + r.responses + ")"; }),
          datasets: [{ label: "CSAT %", data: rows.map(function (r) { return r.csat; }), backgroundColor: colours }]
        },
        options: { animation: false, scales: { y: { min: 0, max: 100 } } }
      };
    }
  };
  // The explorer address behind a clicked element (feedback/dashboards/chart_links.py).
  var sentiments = ["positive", "neutral", "negative"];
  var linkFor = {
    sentiment: function (links, el) { return (links[el.index] || {})[sentiments[el.datasetIndex]]; },
    emotions: function (links, el) { return links[el.index]; },
    promises: function (links, el, chart) {
      var name = chart.data.datasets[el.datasetIndex].label;
      return (links[name] || {})[chart.data.labels[el.index]];
    },
    nps: function (links, el) { return links[el.index]; },
    csat: function (links, el) { return links[el.index]; }
  };
  function explore(kind, config) {
    var links = data("chart-links")[kind];
    if (!links) { return; }
    config.options.onClick = function (event, elements, chart) {
      var url = elements.length ? linkFor[kind](links, elements[0], chart) : null;
      if (url) { window.location.assign(url); }
    };
    config.options.onHover = function (event, elements) {
      event.native.target.style.cursor = elements.length ? "pointer" : "default";
    };
  }
  function draw() {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var kind = canvas.dataset.chart;
      var config = builders[kind](data(kind));
      config.options.maintainAspectRatio = false;
      explore(kind, config);
      var chart = new Chart(canvas, config);
      canvas.dataset.rendered = "1";
      canvas.chart = chart;
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
