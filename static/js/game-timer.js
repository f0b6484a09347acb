/* The round timer on the games pages (player, control and big screen).

   The server writes how many seconds the round has left (`data-remaining`) and the
   text shown when time is up (`data-done`); the script counts down from there once a
   second. It trusts the server's figure, not the device's clock, so a phone whose
   clock is off still shows the right time. The pages are swapped by htmx, so the
   script looks for timers on every tick and remembers each one's deadline. Without
   JavaScript the server's own figure stays, refreshed with the page. The timer is
   a role="timer" (not read out every second); the server says when the round closes. */
(() => {
  "use strict";

  const deadlines = new WeakMap(); // element → deadline in ms (performance.now() clock)

  const format = (seconds) => {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return `${minutes}:${String(rest).padStart(2, "0")}`;
  };

  const tick = () => {
    for (const timer of document.querySelectorAll("[data-remaining]")) {
      if (!deadlines.has(timer)) {
        const remaining = parseInt(timer.dataset.remaining, 10);
        if (Number.isNaN(remaining)) continue;
        deadlines.set(timer, performance.now() + remaining * 1000);
      }
      const left = Math.max(0, Math.ceil((deadlines.get(timer) - performance.now()) / 1000));
      const value = timer.querySelector(".game-timer__value") || timer;
      value.textContent = left > 0 ? format(left) : timer.dataset.done || "0:00";
      timer.classList.toggle("is-ending", left > 0 && left <= 30);
      timer.classList.toggle("is-over", left === 0);
    }
  };

  tick();
  setInterval(tick, 1000);
})();
