/* Dragging a card onto a drop target, for pages whose buttons already make the move
   (the PDCA board, static/js/board.js; the timeline game, static/js/game-play.js).
   Dragging is the pointer's shortcut: the buttons stay the keyboard's and the
   no-JavaScript way, and the server decides whether the move is allowed.

   cxleanCardDrag({card, grip, target, ghostClass, canDrop, drop, scroller}):
     card        selector of the cards that can be dragged
     grip        selector of the part a finger drags by (a mouse drags from anywhere
                 on the card but its links and buttons)
     target      selector of the places a card is dropped on
     ghostClass  class of the copy that follows the pointer
     canDrop(card, target)  whether a drop there is a move (highlighted while dragging)
     drop(card, target)     what a drop does (post the move)
     scroller(card)         optional: an element scrolled sideways near its edges

   Pointer events serve mouse, pen and touch; Escape cancels; the release at the end of
   a drag is not a click. Pages swap their cards after each move, so the listeners are
   delegated from the document. */
window.cxleanCardDrag = (options) => {
  "use strict";

  const DRAG_THRESHOLD = 6; // px before a press on a card becomes a drag
  const EDGE = 48; // px from the scroller's side where dragging scrolls it
  const INTERACTIVE = "a, button, input, select, textarea, label, summary";

  let drag = null; // {card, id, x, y, started, ghost, dx, dy, target}
  let suppressClick = false;

  const targetAt = (x, y) => {
    const element = document.elementFromPoint(x, y);
    return element && element.closest(options.target);
  };

  const start = (event) => {
    const { card } = drag;
    const box = card.getBoundingClientRect();
    const ghost = card.cloneNode(true);
    // The copy is decoration: without the id and data attributes that scripts find cards by.
    ghost.removeAttribute("id");
    for (const name of ghost.getAttributeNames()) {
      if (name.startsWith("data-")) ghost.removeAttribute(name);
    }
    ghost.classList.add(options.ghostClass);
    ghost.setAttribute("aria-hidden", "true");
    ghost.style.width = `${box.width}px`;
    ghost.style.left = `${box.left}px`;
    ghost.style.top = `${box.top}px`;
    document.body.appendChild(ghost);
    document.body.classList.add("is-dragging-card");
    window.getSelection().removeAllRanges();
    card.classList.add("is-dragging");
    Object.assign(drag, {
      ghost,
      dx: event.clientX - box.left,
      dy: event.clientY - box.top,
      started: true,
    });
  };

  const follow = (event) => {
    drag.ghost.style.left = `${event.clientX - drag.dx}px`;
    drag.ghost.style.top = `${event.clientY - drag.dy}px`;
    const target = targetAt(event.clientX, event.clientY);
    if (target !== drag.target) {
      if (drag.target) drag.target.classList.remove("is-drop-target");
      if (target && options.canDrop(drag.card, target)) target.classList.add("is-drop-target");
      drag.target = target;
    }
    const scroller = options.scroller && options.scroller(drag.card);
    if (!scroller) return;
    const box = scroller.getBoundingClientRect();
    if (event.clientX < box.left + EDGE) scroller.scrollLeft -= 16;
    else if (event.clientX > box.right - EDGE) scroller.scrollLeft += 16;
  };

  const finish = () => {
    const { card, ghost, target } = drag;
    if (ghost) ghost.remove();
    document.body.classList.remove("is-dragging-card");
    card.classList.remove("is-dragging");
    if (target) target.classList.remove("is-drop-target");
    drag = null;
    return target;
  };

  document.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const card = event.target.closest(options.card);
    if (!card) return;
    const onGrip = event.target.closest(options.grip);
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
    const target = finish();
    if (!started) return;
    suppressClick = true;
    setTimeout(() => (suppressClick = false), 0);
    if (target && options.canDrop(card, target)) options.drop(card, target);
  });

  document.addEventListener("pointercancel", () => drag && finish());

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drag && drag.started) {
      finish();
      event.preventDefault();
    }
  });

  document.addEventListener(
    "click",
    (event) => {
      if (suppressClick && event.target.closest(options.card)) {
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
    if (node && node.closest(options.card)) event.preventDefault();
  });
};
