// Stopwatch for a seconds field, for elements marked [data-stopwatch] (markup rendered by the
// server, `hidden` until this script runs, so without JS the page is a plain number field).
// The field stays editable: typing the seconds works with or without the stopwatch, and a
// stopped stopwatch writes its time (to 0.1 s) into the field. Elapsed time comes from
// Date.now() deltas, never from counting ticks (phones throttle intervals); the interval only
// refreshes the display.
(() => {
  "use strict";

  const TICK_MS = 100;
  const MAX_S = 300;

  const format = (seconds) => `${seconds.toFixed(1)} s`;

  function setup(root) {
    const input = document.getElementById(root.dataset.stopwatchInput || "");
    const display = root.querySelector("[data-stopwatch-display]");
    const start = root.querySelector("[data-stopwatch-start]");
    const stop = root.querySelector("[data-stopwatch-stop]");
    const reset = root.querySelector("[data-stopwatch-reset]");
    if (!input || !display || !start || !stop || !reset) return;

    let startedAt = null; // Date.now() at start, while running
    let interval = null;

    const elapsed = () => Math.min(MAX_S, (Date.now() - startedAt) / 1000);

    const show = (running) => {
      start.hidden = running;
      stop.hidden = !running;
      reset.disabled = running;
    };

    start.addEventListener("click", () => {
      startedAt = Date.now();
      display.textContent = format(0);
      interval = window.setInterval(() => {
        const seconds = elapsed();
        display.textContent = format(seconds);
        if (seconds >= MAX_S) stop.click();
      }, TICK_MS);
      show(true);
      stop.focus();
    });

    stop.addEventListener("click", () => {
      if (startedAt === null) return;
      window.clearInterval(interval);
      const seconds = Math.round(elapsed() * 10) / 10;
      startedAt = null;
      display.textContent = `Held ${format(seconds)}`;
      input.value = seconds.toFixed(1);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      show(false);
      start.textContent = "Start again";
      input.focus();
    });

    reset.addEventListener("click", () => {
      display.textContent = format(0);
      input.value = "";
      start.textContent = "Start";
    });

    root.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-stopwatch]").forEach(setup);
  });
})();
