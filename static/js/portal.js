/* The portal's shared behaviour, on every page (loaded in the head, before htmx):
   - the top bar's menu button (phones);
   - list filters collapsed behind a "Filters" button (phones);
   - list tables labelled for their card layout (phones): each cell gets its column's name;
   - after a form error, the focus on the first error;
   - lookups (an input with data-lookup): Enter picks the result instead of submitting the form.
   No inline script or style anywhere: the Content-Security-Policy refuses both. */
(function () {
  "use strict";

  // Styles that hide things until a button shows them apply only once this script runs: without
  // it the menu and the filters stay open.
  document.documentElement.classList.add("js");

  var PHONE = window.matchMedia ? window.matchMedia("(max-width: 720px)") : null;
  var counter = 0;
  var picking = false; // a lookup's result is being picked: the focus goes back to its field

  function each(root, selector, fn) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(selector)) fn(root);
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function ensureId(element, prefix) {
    if (!element.id) {
      counter += 1;
      element.id = prefix + "-" + counter;
    }
    return element.id;
  }

  /* The menu button ------------------------------------------------------------------------ */

  function setMenu(button, open) {
    var bar = button.closest(".topbar");
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (bar) bar.classList.toggle("menu-open", open);
  }

  /* Filters behind a button ----------------------------------------------------------------- */

  function filtersSet(form) {
    var count = 0;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "hidden" || field.type === "submit" || field.type === "button") return;
      if (field.name === "sort" || field.name === "page") return;
      if (field.tagName === "SELECT") {
        if (field.selectedIndex > 0) count += 1;
      } else if ((field.type === "checkbox" || field.type === "radio")) {
        if (field.checked !== field.defaultChecked) count += 1;
      } else if (field.value) {
        count += 1;
      }
    });
    return count;
  }

  function filtersLabel(form, button) {
    var count = filtersSet(form);
    button.textContent = count ? "Filters (" + count + " set)" : "Filters";
  }

  function setFilters(form, button, open) {
    form.classList.toggle("is-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function addFilterButtons(root) {
    each(root, "form.filters", function (form) {
      if (form.dataset.filtersButton) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn secondary filters-button";
      button.setAttribute("data-filters-button", "");
      button.setAttribute("aria-controls", ensureId(form, "filters"));
      form.dataset.filtersButton = button.id = form.id + "-button";
      filtersLabel(form, button);
      form.parentNode.insertBefore(button, form);
      setFilters(form, button, !!form.querySelector(".errorlist li, [aria-invalid='true']"));
      form.addEventListener("change", function () { filtersLabel(form, button); });
    });
  }

  /* Tables as cards: each cell's label is its column's header -------------------------------- */

  function labelCells(root) {
    each(root, "main table", function (table) {
      var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head) return;
      var labels = [];
      Array.prototype.forEach.call(head.cells, function (th) {
        var text = (th.getAttribute("aria-label") || th.textContent || "").trim();
        for (var i = 0; i < (th.colSpan || 1); i++) labels.push(text);
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && cell.colSpan < labels.length) {
              cell.setAttribute("data-label", labels[column] || "");
            }
            column += cell.colSpan || 1;
          });
        });
      });
    });
  }

  /* The first error gets the focus ----------------------------------------------------------- */

  function focusFirstError(root) {
    if (!root || !root.querySelector) return;
    var first = root.querySelector("[aria-invalid='true'], ul.errorlist:not(:empty)");
    if (!first) return;
    if (first.tagName === "UL") {
      // An error list: the field it belongs to, else the message itself (a form-wide error).
      var row = first.closest(".form-row, .field, p, fieldset");
      var field = row && row.querySelector("input:not([type=hidden]), select, textarea");
      if (field) {
        first = field;
      } else {
        first.setAttribute("tabindex", "-1");
      }
    }
    var filters = first.closest("form.filters");
    if (filters && filters.dataset.filtersButton) {
      setFilters(filters, document.getElementById(filters.dataset.filtersButton), true);
    }
    first.focus();
  }

  /* Lookups: Enter picks the result ---------------------------------------------------------- */

  function lookupResults(input) {
    var selector = input.getAttribute("data-lookup");
    return selector ? document.querySelector(selector) : null;
  }

  function lookupOptions(results) {
    return results ? Array.prototype.slice.call(results.querySelectorAll("[data-lookup-option]")) : [];
  }

  function moveActive(results, step) {
    var options = lookupOptions(results);
    if (!options.length) return;
    var index = options.findIndex(function (o) { return o.hasAttribute("data-lookup-active"); });
    var next = index < 0 ? (step > 0 ? 0 : options.length - 1) : (index + step + options.length) % options.length;
    options.forEach(function (o, i) { o.toggleAttribute("data-lookup-active", i === next); });
    options[next].scrollIntoView({ block: "nearest" });
  }

  function lookupKeydown(event, input) {
    var results = lookupResults(input);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      moveActive(results, event.key === "ArrowDown" ? 1 : -1);
      return;
    }
    if (event.key !== "Enter" || event.isComposing) return;
    event.preventDefault(); // never submits the form: Enter picks
    var current = results && results.getAttribute("data-lookup-for") === input.value.trim();
    var options = current ? lookupOptions(results) : [];
    var chosen = options.filter(function (o) { return o.hasAttribute("data-lookup-active"); })[0] || options[0];
    picking = true;
    if (chosen) {
      chosen.click();
    } else if (window.htmx && results && input.value.trim()) {
      // The results on screen are for other text (or not there yet): ask now, and pick. Sent from
      // the results (not the field), so the field's own pending lookup cannot cancel it.
      var values = { pick: "1" };
      values[input.name] = input.value;
      var include = input.getAttribute("hx-include");
      var extra = include ? document.querySelector(include) : null;
      if (extra && extra.name) values[extra.name] = extra.value;
      window.htmx.ajax("GET", input.getAttribute("hx-get"), {
        source: results, target: results, swap: "outerHTML", values: values
      });
    }
  }

  /* Wiring ------------------------------------------------------------------------------------ */

  function init(root) {
    addFilterButtons(root);
    labelCells(root);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    var menu = target.closest("[data-menu-button]");
    if (menu) {
      setMenu(menu, menu.getAttribute("aria-expanded") !== "true");
      return;
    }
    if (target.closest("[data-lookup-option]")) picking = true;
    var filters = target.closest("[data-filters-button]");
    if (filters) {
      var form = document.getElementById(filters.getAttribute("aria-controls"));
      if (form) setFilters(form, filters, !form.classList.contains("is-open"));
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("input[data-lookup]")) {
      lookupKeydown(event, target);
      return;
    }
    if (event.key === "Escape") {
      var button = document.querySelector("[data-menu-button][aria-expanded='true']");
      if (button) {
        setMenu(button, false);
        button.focus();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    focusFirstError(document);
  });

  // Parts htmx swaps in (a list's next page, a form shown again with its errors).
  document.addEventListener("htmx:load", function (event) {
    var element = event.target;
    if (element === document.body) return; // the first load: done above
    init(element);
    focusFirstError(element);
  });

  // After a pick swapped the field (out of band), the focus goes back into it.
  document.addEventListener("htmx:afterSettle", function () {
    if (!picking || !document.querySelector("[data-lookup-picked]")) return;
    picking = false;
    var input = document.querySelector("input[data-lookup]");
    if (input) {
      input.focus();
      var end = input.value.length;
      if (input.setSelectionRange) input.setSelectionRange(end, end);
    }
  });

  if (PHONE && PHONE.addEventListener) {
    // Back to a wide screen: the menu is the plain bar again.
    PHONE.addEventListener("change", function (query) {
      if (query.matches) return;
      each(document, "[data-menu-button]", function (button) { setMenu(button, false); });
    });
  }
})();
