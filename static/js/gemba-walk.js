/* The walk page's answers, saved with HTMX. A refused answer (422, e.g. too long)
   still replaces its question so that the reason shows; an answer that could not be
   sent (no connection) says so, and gemba-draft.js keeps what was typed. Without
   JavaScript the forms post as usual. */
document.addEventListener("DOMContentLoaded", () => {
  "use strict";

  const isAnswer = (element) => element && element.classList && element.classList.contains("gemba-answer");

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422 && isAnswer(event.detail.requestConfig.elt)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function notSent(event) {
    const form = event.detail.elt;
    if (!isAnswer(form)) {
      return;
    }
    const state = form.querySelector("[data-draft-state]");
    if (state && form.dataset.notSent) {
      state.textContent = form.dataset.notSent;
    }
    const status = document.getElementById("gemba-status");
    if (status && form.dataset.notSent) {
      status.textContent = form.dataset.notSent;
    }
  }

  document.body.addEventListener("htmx:sendError", notSent);
  document.body.addEventListener("htmx:responseError", (event) => {
    if (event.detail.xhr.status !== 422) {
      notSent(event);
    }
  });
});
