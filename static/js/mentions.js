/* @mention autocomplete for comment fields: a textarea with data-mention-url gets a
   list of the people its author may mention while a word starting with "@" is typed.
   Arrow keys choose, Enter or a tap inserts "@username ", Escape closes. Without
   JavaScript, "@username" typed by hand works the same (the server checks it). */
(function () {
  "use strict";

  function wordBeforeCaret(field) {
    var before = field.value.slice(0, field.selectionStart);
    var match = /(^|\s)@([\w.@+-]*)$/.exec(before);
    return match ? { query: match[2], start: before.length - match[2].length - 1 } : null;
  }

  function setUp(field) {
    var list = document.createElement("ul");
    var listId = field.id + "-mentions";
    var timer = null;
    var active = -1;
    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    field.insertAdjacentElement("afterend", list);
    field.setAttribute("aria-controls", listId);
    field.setAttribute("aria-autocomplete", "list");

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    }

    function choose(username) {
      var word = wordBeforeCaret(field);
      if (!word) return close();
      var end = field.selectionStart;
      var text = "@" + username + " ";
      field.value = field.value.slice(0, word.start) + text + field.value.slice(end);
      var caret = word.start + text.length;
      field.setSelectionRange(caret, caret);
      close();
      field.focus();
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      field.setAttribute("aria-activedescendant", options[active].id);
    }

    function show(people) {
      list.innerHTML = "";
      if (!people.length) return close();
      people.forEach(function (person, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.username = person.username;
        option.textContent = person.name + " (@" + person.username + ")";
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(person.username);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      field.setAttribute("aria-expanded", "true");
      highlight(0);
    }

    field.addEventListener("input", function () {
      var word = wordBeforeCaret(field);
      clearTimeout(timer);
      if (!word) return close();
      timer = setTimeout(function () {
        var url = field.dataset.mentionUrl + "?q=" + encodeURIComponent(word.query);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { people: [] }; })
          .then(function (data) { show(data.people || []); })
          .catch(close);
      }, 150);
    });

    field.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(list.querySelectorAll("[role=option]")[active].dataset.username);
      } else if (event.key === "Escape") { close(); }
    });
    field.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-mention-url]").forEach(setUp);
  });
})();
