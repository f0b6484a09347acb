/* Rescheduling on a plan's timeline (templates/plans/includes/timeline.html).

   A coordinator drags an activity's bar sideways (mouse, pen or finger: pointer
   events), or focuses the bar and presses the left or right arrow key (Shift: a
   week) and then Enter; Escape cancels. The move snaps to whole days and is sent by
   filling in and submitting the "Move an activity" form below the chart, which HTMX
   posts; the server checks the same rules as the activity form and answers with the
   fresh timeline (422 with the reasons when it refuses, nothing changed). Without
   JavaScript that form works on its own. The timeline is swapped after each move, so
   every listener is delegated from the document. */
(() => {
  "use strict";

  const DRAG_THRESHOLD = 4; // px before a press on a bar becomes a drag
  const DAY = 24 * 60 * 60 * 1000;

  let drag = null; // {link, svg, x, scale, days, moved}
  let suppressClick = false;
  let fromChart = false; // the move being sent came from the chart, not the form
  let openDetails = []; // which of the timeline's disclosures were open before a swap
  const pending = new Map(); // activity pk → days moved with the keyboard, not yet saved

  const editableBar = (target) => {
    const link = target.closest && target.closest("a.activity[data-activity]");
    return link && link.closest("svg.timeline[data-day-width]") ? link : null;
  };

  const dayWidth = (svg) => parseFloat(svg.dataset.dayWidth) || 1;

  // Drawn size over viewBox size: how many screen px one SVG unit takes.
  const scaleOf = (svg) => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width || 1;

  const shiftedDay = (iso, days) => new Date(Date.parse(iso) + days * DAY);

  const formatDay = (day) =>
    new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      day: "numeric",
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    }).format(day);

  const titleOf = (link) => link.querySelector(".activity-label").textContent;

  /* Draw the bar `days` later (earlier when negative) and say where it would go. */
  const preview = (link, days) => {
    const svg = link.closest("svg");
    const offset = days * dayWidth(svg);
    for (const part of link.querySelectorAll(".bar, .bar-symbol")) {
      part.setAttribute("transform", days ? `translate(${offset} 0)` : "");
    }
    link.classList.toggle("is-moving", days !== 0);
    const message = document.getElementById("timeline-message");
    if (!message) return;
    message.setAttribute("role", "status");
    message.textContent = days
      ? `${titleOf(link)}: ${formatDay(shiftedDay(link.dataset.start, days))} – ${formatDay(shiftedDay(link.dataset.due, days))}`
      : "";
  };

  const submit = (link, days) => {
    const form = document.getElementById("reschedule-form");
    if (!form || !days) return preview(link, 0);
    form.elements.activity.value = link.dataset.activity;
    form.elements.days.value = String(days);
    link.classList.add("is-saving");
    fromChart = true;
    form.requestSubmit();
  };

  /* --- dragging --- */

  document.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || !event.target.closest(".bar")) return;
    const link = editableBar(event.target);
    if (!link) return;
    const svg = link.closest("svg");
    drag = { link, svg, x: event.clientX, scale: scaleOf(svg), days: 0, moved: false };
    event.target.setPointerCapture(event.pointerId);
  });

  document.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = (event.clientX - drag.x) / drag.scale;
    if (!drag.moved && Math.abs(dx) < DRAG_THRESHOLD) return;
    drag.moved = true;
    drag.link.classList.add("is-dragging");
    const days = Math.round(dx / dayWidth(drag.svg));
    if (days !== drag.days) {
      drag.days = days;
      preview(drag.link, days);
    }
  });

  const endDrag = (event, save) => {
    if (!drag) return;
    const { link, days, moved } = drag;
    drag = null;
    link.classList.remove("is-dragging");
    if (!moved) return; // a press without a drag: the click opens the activity
    suppressClick = true;
    setTimeout(() => (suppressClick = false), 0);
    if (save && days) submit(link, days);
    else preview(link, 0);
    event.preventDefault();
  };
  document.addEventListener("pointerup", (event) => endDrag(event, true));
  document.addEventListener("pointercancel", (event) => endDrag(event, false));

  // After a drag the release is not a click on the link.
  document.addEventListener(
    "click",
    (event) => {
      if (suppressClick && editableBar(event.target)) {
        event.preventDefault();
        event.stopPropagation();
        suppressClick = false;
      }
    },
    true,
  );

  // Links are natively draggable (their address); the bars move instead.
  document.addEventListener("dragstart", (event) => {
    if (editableBar(event.target)) event.preventDefault();
  });

  /* --- the keyboard --- */

  document.addEventListener("keydown", (event) => {
    const link = editableBar(event.target);
    if (!link || event.altKey || event.ctrlKey || event.metaKey) return;
    const pk = link.dataset.activity;
    const days = pending.get(pk) || 0;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      const step = (event.shiftKey ? 7 : 1) * (event.key === "ArrowLeft" ? -1 : 1);
      pending.set(pk, days + step);
      preview(link, days + step);
    } else if (event.key === "Enter" && days) {
      pending.delete(pk);
      submit(link, days);
    } else if (event.key === "Escape" && days) {
      pending.delete(pk);
      preview(link, 0);
    } else {
      return;
    }
    event.preventDefault();
  });

  // Leaving a bar with an unsaved move drops the move.
  document.addEventListener("focusout", (event) => {
    const link = editableBar(event.target);
    if (link && pending.has(link.dataset.activity) && !link.classList.contains("is-saving")) {
      pending.delete(link.dataset.activity);
      preview(link, 0);
    }
  });

  /* --- the answer --- */

  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "timeline") return;
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    openDetails = [...target.querySelectorAll("details")].map((details) => details.open);
  });

  // The new timeline keeps the disclosures as they were; focus goes back where the move
  // came from: the moved bar (the arrow keys go on from there) or the form.
  document.addEventListener("htmx:afterSettle", () => {
    const timeline = document.getElementById("timeline");
    const form = document.getElementById("reschedule-form");
    if (!timeline || !form || !form.dataset.focus) return;
    timeline.querySelectorAll("details").forEach((details, index) => {
      if (openDetails[index]) details.open = true;
    });
    const bar = document.getElementById(`bar-${form.dataset.focus}`);
    const target = fromChart ? bar : form.elements.days;
    form.dataset.focus = "";
    fromChart = false;
    if (target) target.focus();
  });
})();
