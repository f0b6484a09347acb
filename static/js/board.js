/* Drag and drop on the PDCA board (templates/backlog/board.html), with the shared
   dragging of static/js/card-drag.js.

   A card with moves is dragged to another column with the mouse (from anywhere on the
   card but its links and buttons) or, on a touch screen, by its grip. A drop posts the
   move to the card's move address, as its buttons do, with `dropped` set: the server
   answers with the new board, with the reasons it refused (shown above the board), or,
   when the move needs more (an owner and a due date, the measured effect, a reason), by
   opening that move's form. Which moves are allowed is the server's to say, so the
   script knows no rule. The buttons stay the keyboard's and the no-JavaScript way. */
(() => {
  "use strict";

  const post = (card, status) => {
    if (!window.htmx) return;
    const board = card.closest(".board");
    card.classList.add("is-saving");
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#board",
      swap: "outerHTML",
      values: { to: status, next: board.dataset.boardUrl || "", dropped: "1" },
    });
  };

  window.cxleanCardDrag({
    card: ".bcard[data-move-url]",
    grip: ".bcard__grip",
    target: ".board__column[data-status]",
    ghostClass: "bcard--ghost",
    canDrop: (card, column) => column.dataset.status !== card.dataset.status,
    drop: (card, column) => post(card, column.dataset.status),
    scroller: (card) => card.closest(".board"),
  });
})();
