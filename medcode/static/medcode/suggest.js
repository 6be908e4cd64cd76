// Case2Code suggestions under every search box: a small progressive enhancement.
// Without JavaScript the box is a plain form that submits to the search page.
(function () {
  "use strict";
  var DELAY_MS = 120;

  function attach(input) {
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.style.position = "relative";
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) { input.setAttribute("aria-activedescendant", items[index].id); }
    }

    function render(results) {
      list.textContent = "";
      items = results.map(function (result, i) {
        var li = document.createElement("li");
        var code = document.createElement("span");
        var title = document.createElement("span");
        var set = document.createElement("small");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.url = result.url;
        code.className = "code";
        code.textContent = result.code;
        title.textContent = " " + (result.title || "");
        set.textContent = " " + result.system + (result.billable ? "" : " · header");
        li.appendChild(code); li.appendChild(title); li.appendChild(set);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); window.location.href = result.url; });
        list.appendChild(li);
        return li;
      });
      if (items.length && document.activeElement === input) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
    }

    function fetchSuggestions() {
      var text = input.value;
      var request = ++latest;
      if (!text.trim()) { render([]); return; }
      var url = input.dataset.suggest + "?q=" + encodeURIComponent(text);
      var systemField = input.dataset.systemField && document.getElementById(input.dataset.systemField);
      if (systemField && systemField.value) { url += "&system=" + encodeURIComponent(systemField.value); }
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (request === latest) { render(data.results || []); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].dataset.url;
      } else if (event.key === "Escape") {
        close();
      }
    });
    // Leaving the box drops the suggestions still on their way: a late answer must not open the
    // list over the fields the user has moved on to.
    input.addEventListener("blur", function () {
      clearTimeout(timer);
      latest++;
      setTimeout(close, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(attach);
  });
})();
