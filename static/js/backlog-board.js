/* Moves on the board: each card's buttons post with HTMX and the answer is the new
   board; a refused move (422) or a refused person (403) answers with the reasons,
   which go into the alert region above the board. Without JavaScript the buttons are
   ordinary forms. htmx is deferred: wait for it. */
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("board-status");
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const code = event.detail.xhr.status;
    if ((code === 422 || code === 403) && event.detail.target && event.detail.target.id === "board-alert") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("backlogMoved", (event) => {
    status.textContent = event.detail.message;
    const card = document.getElementById(event.detail.card);
    const link = card && card.querySelector(".bcard__title a");
    if (link) {
      link.focus();
      card.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });
});
