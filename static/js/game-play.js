/* Dragging cards onto the team's timeline (templates/games/includes/board.html).

   The game is played by tapping: tap a card to pick it (a link the server answers
   with the board, the card picked), tap a slot's "Place here" button to place it
   (a form htmx posts). That is also the keyboard's way and works without JavaScript.
   This script only adds dragging where a pointer can: a card from the hand or from
   another slot is dragged with the mouse from anywhere on it, or on a touch screen by
   its grip, and dropped on a slot. A drop posts the same form fields as the button
   (`card`, `slot`) to the board's place address; the server checks the move and
   answers with the fresh board (or its refusal, shown above the timeline). The board
   is swapped after each move, so the listeners are delegated from the document. */
(() => {
  "use strict";

  const DRAG_THRESHOLD = 6; // px before a press on a card becomes a drag
  const INTERACTIVE = "button, input, select, textarea, label, summary";

  let drag = null; // {card, board, id, x, y, ghost, slot, started, dx, dy}
  let suppressClick = false;

  const slotAt = (x, y) => {
    const element = document.elementFromPoint(x, y);
    return element && element.closest(".game-slot[data-slot]");
  };

  const start = (event) => {
    const { card } = drag;
    const box = card.getBoundingClientRect();
    const ghost = card.cloneNode(true);
    ghost.removeAttribute("id");
    ghost.classList.add("game-card--ghost");
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
    const slot = slotAt(event.clientX, event.clientY);
    if (slot !== drag.slot) {
      if (drag.slot) drag.slot.classList.remove("is-drop-target");
      if (slot) slot.classList.add("is-drop-target");
      drag.slot = slot;
    }
  };

  const finish = () => {
    const { card, ghost, slot } = drag;
    if (ghost) ghost.remove();
    document.body.classList.remove("is-dragging-card");
    card.classList.remove("is-dragging");
    if (slot) slot.classList.remove("is-drop-target");
    drag = null;
    return slot;
  };

  const place = (board, card, slot) => {
    if (!window.htmx) return;
    card.classList.add("is-saving");
    window.htmx.ajax("POST", board.dataset.placeUrl, {
      source: card,
      target: "#board",
      swap: "outerHTML",
      values: { card: card.dataset.card, slot: slot.dataset.slot, dropped: "1" },
    });
  };

  document.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const card = event.target.closest(".game-card[data-card]");
    const board = card && card.closest(".game-board[data-place-url]");
    if (!board) return;
    const onGrip = event.target.closest(".game-card__grip");
    if (!onGrip && (event.pointerType !== "mouse" || event.target.closest(INTERACTIVE))) return;
    drag = { card, board, id: event.pointerId, x: event.clientX, y: event.clientY, started: false };
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
    const { card, board, started } = drag;
    const slot = finish();
    if (!started) return;
    suppressClick = true;
    setTimeout(() => (suppressClick = false), 0);
    if (slot && slot.dataset.slot !== card.dataset.slot) place(board, card, slot);
  });

  document.addEventListener("pointercancel", () => drag && finish());

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drag && drag.started) {
      finish();
      event.preventDefault();
    }
  });

  // The release at the end of a drag is not a tap that picks the card.
  document.addEventListener(
    "click",
    (event) => {
      if (suppressClick && event.target.closest(".game-card")) {
        event.preventDefault();
        event.stopPropagation();
        suppressClick = false;
      }
    },
    true,
  );

  document.addEventListener("dragstart", (event) => {
    const node = event.target.nodeType === Node.ELEMENT_NODE ? event.target : event.target.parentElement;
    if (node && node.closest(".game-card[data-card]")) event.preventDefault();
  });
})();
