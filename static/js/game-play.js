/* A team's timeline in the timeline game (templates/games/includes/board.html).

   The game is played by tapping: tap a card to pick it (a GET that htmx answers with
   the board, the card picked), tap a slot's "Place here" to place it (a form htmx
   posts). That is also the keyboard's way and works without JavaScript. This script
   adds two things:
   - dragging a card (from the hand or another slot) onto a slot, with the shared
     dragging of static/js/card-drag.js: a drop posts the same fields as the button
     (`card`, `slot`) to the board's place address;
   - a refused move (400, 422: the round has closed, a card not in the game) still
     swaps in the board that the server sends with its reason, as htmx leaves error
     answers out by default;
   - the keyboard's way through a move: after picking a card the focus goes to the note
     naming the picked card (Tab then reaches "Put it back" and the "Place here"
     buttons, which come before the hand), and after placing it to the next card in
     the hand (or, with the hand empty, the submit button). */
(() => {
  "use strict";

  const place = (card, slot) => {
    const board = card.closest(".game-board[data-place-url]");
    if (!window.htmx || !board) return;
    card.classList.add("is-saving");
    window.htmx.ajax("POST", board.dataset.placeUrl, {
      source: card,
      target: "#board",
      swap: "outerHTML",
      values: { card: card.dataset.card, slot: slot.dataset.slot, dropped: "1" },
    });
  };

  window.cxleanCardDrag({
    card: ".game-board[data-place-url] .game-card[data-card]",
    grip: ".game-card__grip",
    target: ".game-board[data-place-url] .game-slot[data-slot]",
    ghostClass: "game-card--ghost",
    canDrop: (card, slot) => slot.dataset.slot !== card.dataset.slot,
    drop: place,
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const config = event.detail.requestConfig;
    const form = config && config.elt && config.elt.closest ? config.elt.closest("form") : null;
    if (!form || !document.getElementById("board")) return;
    let next = null;
    if (form.classList.contains("game-card__pick")) {
      next = document.getElementById("picked-note");
    } else if (form.classList.contains("game-slot__place")) {
      next =
        document.querySelector("#board .game-hand .game-card__button") ||
        document.getElementById("submit-timeline");
    }
    if (next) next.focus();
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const code = event.detail.xhr.status;
    const target = event.detail.target;
    if ((code === 400 || code === 422) && target && target.id === "board") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
