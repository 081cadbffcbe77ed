/* Feedback pages: the satisfaction trend charts (data from json_script), the print button and
   the forward form's ticket lookup: a field already filled in is looked up at once, and a ticket
   found fills in its account. (Enter in the field picks the result: static/js/portal.js.) */
(function () {
  "use strict";

  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(root) {
    if (!window.Chart || !root || !root.querySelectorAll) return;
    root.querySelectorAll("canvas[data-trend]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var source = document.getElementById(canvas.dataset.trend);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      canvas.dataset.drawn = "1";
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { label: "Good", data: data.good, backgroundColor: css("--ok", "#1f7a4d"), stack: "ratings", yAxisID: "y" },
            { label: "Bad", data: data.bad, backgroundColor: css("--bad", "#b42318"), stack: "ratings", yAxisID: "y" },
            {
              label: "% good", data: data.satisfaction, type: "line", yAxisID: "share", spanGaps: true,
              borderColor: css("--brand", "#3b4cca"), backgroundColor: css("--brand", "#3b4cca"), tension: 0.25, pointRadius: 2
            }
          ]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 12 } },
            y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Ratings" } },
            share: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "% good" } }
          },
          plugins: { legend: { position: "bottom" } }
        }
      });
    });
  }

  // The forward form's ticket field, already filled (the form shown again, or opened from a
  // ticket), is looked up at once: htmx's "load[this.value]" would need eval, refused by the CSP.
  function lookUpFilledTicket(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("input[data-lookup-on-load]").forEach(function (input) {
      if (input.value) window.htmx.trigger(input, "lookup");
    });
  }

  // A ticket found by the lookup fills in its account, unless the CSM chose one themselves. An
  // account filled in this way is marked, and the lookup tells the server it was not chosen.
  function fillAccount(root) {
    var found = root && root.querySelector ? (root.matches("[data-ticket-account]") ? root : root.querySelector("[data-ticket-account]")) : null;
    var select = document.getElementById("id_account");
    if (!found || !select) return;
    if (select.value && !select.hasAttribute("data-from-ticket")) return;
    var value = found.getAttribute("data-ticket-account");
    if (!select.querySelector('option[value="' + CSS.escape(value) + '"]')) return;
    select.value = value;
    select.setAttribute("data-from-ticket", "");
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_account") event.target.removeAttribute("data-from-ticket");
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail.elt;
    var select = document.getElementById("id_account");
    if (source && source.matches && source.matches("#id_ticket, #ticket-lookup") && select && select.hasAttribute("data-from-ticket")) {
      event.detail.parameters.account_from_ticket = "1";
    }
  });

  if (window.htmx && window.htmx.onLoad) {
    window.htmx.onLoad(draw); // the first page load and every swapped-in part (filters)
    window.htmx.onLoad(lookUpFilledTicket);
    window.htmx.onLoad(fillAccount);
  } else {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  window.addEventListener("beforeprint", function () {
    if (!window.Chart) return;
    Object.values(window.Chart.instances || {}).forEach(function (chart) { chart.resize(); });
  });
})();
