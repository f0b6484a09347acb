/* Drafts of what someone types on a Gemba walk, kept in the browser (localStorage), so
   that nothing is lost when the connection drops halfway through a form on the floor.

   Every form with `data-draft-key` is saved as it is typed (a photo cannot be kept) and
   restored when the page is opened again, with a note and a "Start over" button.
   A draft is forgotten once the server has it:
   - an observation form carries a one-time `client_token`; a page listing an
     observation with that token (`data-client-token`) shows it was saved;
   - an answer saved with HTMX is forgotten when the server says it is saved;
   - a draft equal to what the page already shows is forgotten.
   A form re-shown by the server with errors (no `data-draft-fresh`) already holds what
   was posted, so it is not overwritten. Without localStorage nothing happens. */
(function () {
  "use strict";

  const PREFIX = "cxlean:gemba-draft:";

  function openStorage() {
    try {
      const storage = window.localStorage;
      storage.setItem(PREFIX + "probe", "1");
      storage.removeItem(PREFIX + "probe");
      return storage;
    } catch (error) {
      return null;
    }
  }

  const storage = openStorage();
  if (!storage) {
    return;
  }

  const keyOf = (form) => PREFIX + form.dataset.draftKey;

  function fieldsOf(form) {
    return Array.from(form.elements).filter(
      (element) =>
        element.name &&
        element.name !== "csrfmiddlewaretoken" &&
        !element.disabled &&
        !["file", "submit", "button", "reset"].includes(element.type)
    );
  }

  function read(form) {
    const values = {};
    for (const element of fieldsOf(form)) {
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) {
          values[element.name] = element.value;
        }
      } else {
        values[element.name] = element.value;
      }
    }
    return values;
  }

  function write(form, values) {
    for (const element of fieldsOf(form)) {
      if (!(element.name in values)) {
        continue;
      }
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = values[element.name] === element.value;
      } else {
        element.value = values[element.name];
      }
    }
  }

  function load(key) {
    try {
      const draft = JSON.parse(storage.getItem(key) || "null");
      return draft && typeof draft.values === "object" ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function save(form) {
    try {
      storage.setItem(keyOf(form), JSON.stringify({ at: Date.now(), values: read(form) }));
    } catch (error) {
      /* storage full or refused: the form still works */
    }
  }

  function forget(key) {
    storage.removeItem(key);
  }

  function sameValues(a, b) {
    const names = new Set([...Object.keys(a), ...Object.keys(b)]);
    names.delete("client_token");
    for (const name of names) {
      if ((a[name] || "") !== (b[name] || "")) {
        return false;
      }
    }
    return true;
  }

  function isSavedOnThisPage(draft) {
    const token = draft.values.client_token;
    if (!token || !/^[0-9a-f-]{36}$/i.test(token)) {
      return false;
    }
    return document.querySelector('[data-client-token="' + token + '"]') !== null;
  }

  /* Observations listed on this page: forget the drafts they came from. */
  function forgetSavedDrafts() {
    for (let index = storage.length - 1; index >= 0; index -= 1) {
      const key = storage.key(index);
      if (key && key.startsWith(PREFIX)) {
        const draft = load(key);
        if (!draft || isSavedOnThisPage(draft)) {
          forget(key);
        }
      }
    }
  }

  function showNote(form) {
    const note = form.querySelector(".gemba-draft-note");
    const state = form.querySelector("[data-draft-state]");
    if (!note && state && form.dataset.draftRestored) {
      state.textContent = form.dataset.draftRestored;
    }
    if (!note) {
      return;
    }
    note.hidden = false;
    const discard = note.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", () => {
        forget(keyOf(form));
        window.location.reload();
      });
    }
  }

  function restore(form) {
    const draft = load(keyOf(form));
    if (!draft) {
      return;
    }
    const shown = read(form);
    if (sameValues(draft.values, shown)) {
      if (form.dataset.draftFresh === "1" || !("client_token" in shown)) {
        forget(keyOf(form));
      }
      return;
    }
    if ("client_token" in shown && form.dataset.draftFresh !== "1") {
      return; /* the server re-showed the posted form: it is newer than the draft */
    }
    write(form, draft.values);
    showNote(form);
  }

  function listen(form) {
    if (form.dataset.draftWatched) {
      return;
    }
    form.dataset.draftWatched = "1";
    form.addEventListener("input", () => save(form));
    form.addEventListener("change", () => save(form));
  }

  function watch(form) {
    restore(form);
    listen(form);
  }

  document.addEventListener("DOMContentLoaded", () => {
    forgetSavedDrafts();
    document.querySelectorAll("form[data-draft-key]").forEach(watch);

    /* Answers saved with HTMX: forget the draft once the server has it, and watch the
       form that replaces the old one. */
    document.body.addEventListener("htmx:afterRequest", (event) => {
      const form = event.detail.elt;
      if (form && form.dataset && form.dataset.draftKey && event.detail.successful) {
        forget(keyOf(form));
      }
    });
    document.body.addEventListener("htmx:load", (event) => {
      const root = event.detail.elt;
      if (root && root.querySelectorAll) {
        root.querySelectorAll("form[data-draft-key]").forEach(listen);
      }
    });
  });
})();
