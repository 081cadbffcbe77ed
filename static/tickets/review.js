/* Account review charts, drawn with the vendored Chart.js from data the page embeds as JSON. */
(function () {
  "use strict";
  var node = document.getElementById("review-data");
  if (!node || typeof Chart === "undefined") return;
  var data = JSON.parse(node.textContent);
  var brand = "#3b4cca";
  var brandSoft = "rgba(59, 76, 202, 0.25)";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#5f6b7a";
  Chart.defaults.animation = false;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  draw("chart-tickets", {
    type: "bar",
    data: { labels: data.weeks, datasets: [{ label: "Tickets", data: data.tickets, backgroundColor: brand }] },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });

  draw("chart-scores", {
    type: "line",
    data: {
      labels: data.weeks,
      datasets: [{
        label: "Average score", data: data.scores, borderColor: brand, backgroundColor: brandSoft,
        fill: true, spanGaps: true, cubicInterpolationMode: "monotone", pointRadius: 3
      }]
    },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { min: 0, max: 100 } }
    }
  });

  draw("chart-gaps", {
    type: "bar",
    data: {
      labels: data.gaps.map(function (g) { return g.label; }),
      datasets: [{ label: "% of tickets", data: data.gaps.map(function (g) { return g.share; }), backgroundColor: "#b42318" }]
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var gap = data.gaps[ctx.dataIndex];
              return gap.share + "% of tickets (" + gap.count + ")";
            }
          }
        }
      },
      scales: { x: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } }
    }
  });
})();
