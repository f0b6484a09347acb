/* Drag and drop on the PDCA board (templates/backlog/board.html).

   A card with moves is dragged to another column with the mouse (from anywhere on the
   card but its links and buttons) or, on a touch screen, by its grip; pointer events
   serve both. A drop posts the move to the card's move address, as its buttons do,
   with `dropped` set: the server answers with the new board, with the reasons it
   refused (shown above the board), or, when the move needs more (an owner and a due
   date, the measured effect, a reason), by opening that move's form. Which moves are
   allowed is the server's to say, so the script knows no rule. The buttons stay the
   keyboard's and the no-JavaScript way. The board is swapped after each move, so the
   listeners are delegated from the document. */
(() => {
  "use strict";

  const DRAG_THRESHOLD = 6; // px before a press on a card becomes a drag
  const EDGE = 48; // px from the board's side where dragging scrolls it
  const INTERACTIVE = "a, button, input, select, textarea, label, summary";

  let drag = null; // {card, id, x, y, ghost, column, started}
  let suppressClick = false;

  const columnAt = (x, y) => {
    const element = document.elementFromPoint(x, y);
    return element && element.closest(".board__column[data-status]");
  };

  const start = (event) => {
    const card = drag.card;
    const box = card.getBoundingClientRect();
    const ghost = card.cloneNode(true);
    ghost.removeAttribute("id");
    ghost.removeAttribute("data-move-url");
    ghost.classList.add("bcard--ghost");
    ghost.setAttribute("aria-hidden", "true");
    ghost.style.width = `${box.width}px`;
    ghost.style.left = `${box.left}px`;
    ghost.style.top = `${box.top}px`;
    document.body.appendChild(ghost);
    document.body.classList.add("is-dragging-card");
    window.getSelection().removeAllRanges();
    card.classList.add("is-dragging");
    drag.ghost = ghost;
    drag.dx = event.clientX - box.left;
    drag.dy = event.clientY - box.top;
    drag.started = true;
  };

  const follow = (event) => {
    drag.ghost.style.left = `${event.clientX - drag.dx}px`;
    drag.ghost.style.top = `${event.clientY - drag.dy}px`;
    const column = columnAt(event.clientX, event.clientY);
    if (column !== drag.column) {
      if (drag.column) drag.column.classList.remove("is-drop-target");
      if (column && column.dataset.status !== drag.card.dataset.status) {
        column.classList.add("is-drop-target");
      }
      drag.column = column;
    }
    const board = drag.card.closest(".board");
    const box = board.getBoundingClientRect();
    if (event.clientX < box.left + EDGE) board.scrollLeft -= 16;
    else if (event.clientX > box.right - EDGE) board.scrollLeft += 16;
  };

  const finish = () => {
    const { card, ghost, column } = drag;
    if (ghost) ghost.remove();
    document.body.classList.remove("is-dragging-card");
    card.classList.remove("is-dragging");
    if (column) column.classList.remove("is-drop-target");
    drag = null;
    return column;
  };

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

  document.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const card = event.target.closest(".bcard[data-move-url]");
    if (!card) return;
    const onGrip = event.target.closest(".bcard__grip");
    if (!onGrip && (event.pointerType !== "mouse" || event.target.closest(INTERACTIVE))) return;
    drag = { card, id: event.pointerId, x: event.clientX, y: event.clientY, started: false };
    card.setPointerCapture(event.pointerId);
  });

  document.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    if (!drag.started) {
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD) return;
      start(event);
    }
    event.preventDefault();
    follow(event);
  });

  document.addEventListener("pointerup", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    const { card, started } = drag;
    const column = finish();
    if (!started) return;
    suppressClick = true;
    setTimeout(() => (suppressClick = false), 0);
    if (column && column.dataset.status !== card.dataset.status) post(card, column.dataset.status);
  });

  document.addEventListener("pointercancel", () => drag && finish());

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drag && drag.started) {
      finish();
      event.preventDefault();
    }
  });

  // The release at the end of a drag is not a click on the card's link.
  document.addEventListener(
    "click",
    (event) => {
      if (suppressClick && event.target.closest(".bcard")) {
        event.preventDefault();
        event.stopPropagation();
        suppressClick = false;
      }
    },
    true,
  );

  // Text and links inside a card are not dragged natively while a card moves.
  document.addEventListener("dragstart", (event) => {
    const node = event.target.nodeType === Node.ELEMENT_NODE ? event.target : event.target.parentElement;
    if (node && node.closest(".bcard[data-move-url]")) event.preventDefault();
  });
})();
