// Exercise timers for elements marked [data-timer] (markup rendered by the server).
// Elapsed time comes from Date.now() deltas, never from counting ticks, because
// phones throttle or suspend intervals (locked screen, background tab); the ~250 ms
// interval only refreshes the screen. Date.now() rather than performance.now():
// the latter stops advancing while an iPhone/Mac sleeps (hr-time issue 115), but the
// patient keeps exercising through a locked screen.
(() => {
  "use strict";

  const TICK_MS = 250;
  const RELAX_S = 3; // gap between two held reps
  const PACE_S = 3; // length of one rep when there is no hold
  const timers = []; // every timer on the page, so starting one can pause the others

  // Missing or non-numeric attributes count as 0; never below `min`.
  const int = (value, min = 0) => {
    const n = Number.parseInt(value ?? "", 10);
    return Math.max(min, Number.isFinite(n) ? n : 0);
  };

  const buzz = () => {
    try {
      navigator.vibrate?.(200); // absent on iOS Safari; may be refused without a user gesture
    } catch {
      /* vibration is a nicety only */
    }
  };

  // Flatten the prescription into consecutive phases with start/end offsets in ms.
  function plan(sets, reps, hold, rest) {
    const phases = [];
    let t = 0;
    const add = (kind, set, rep, seconds) => {
      phases.push({ kind, set, rep, start: t, end: t + seconds * 1000 });
      t += seconds * 1000;
    };
    for (let s = 1; s <= sets; s++) {
      for (let r = 1; r <= reps; r++) {
        if (hold > 0) {
          add("hold", s, r, hold);
          if (r < reps) add("relax", s, r, RELAX_S);
        } else {
          add("rep", s, r, PACE_S);
        }
      }
      if (s < sets && rest > 0) add("rest", s, reps, rest);
    }
    return phases;
  }

  function setup(root) {
    const q = (selector) => root.querySelector(selector);
    const display = q("[data-timer-display]");
    const progress = q("[data-timer-progress]");
    const startBtn = q("[data-timer-start]");
    const pauseBtn = q("[data-timer-pause]");
    const resetBtn = q("[data-timer-reset]");
    const d = root.dataset;
    const sets = int(d.sets, 1);
    const reps = int(d.reps, 1);
    const hold = int(d.hold);
    const rest = int(d.rest);
    const phases = plan(sets, reps, hold, rest);
    const total = phases[phases.length - 1].end; // > 0: at least one 3 s rep
    const field = (id) => (id ? document.getElementById(id) : null);
    const inputs = { sets: field(d.setsInput), reps: field(d.repsInput), hold: field(d.holdInput) };
    // Ticked when the timer runs to the end, so the patient only has to press Save.
    const doneBox = field(d.doneInput);
    const setWord = (n) => (n === 1 ? "set" : "sets");
    const readyText =
      display?.textContent.trim() ||
      `Ready: ${sets} ${setWord(sets)} of ${reps}${hold > 0 ? `, hold ${hold} s` : ""}`;
    const startLabel = startBtn?.textContent.trim() || "Start";
    const liveMode = display?.getAttribute("aria-live") || "polite";

    let banked = 0; // ms elapsed during earlier running stretches
    let since = null; // Date.now() when the current stretch began; null = not running
    let interval = null;
    let phaseIndex = -1;
    let finished = false;
    let count = { sets: 0, reps: 0 };

    // max(0, …): a wall-clock correction could otherwise make time run backwards.
    const elapsed = () => banked + (since === null ? 0 : Math.max(0, Date.now() - since));

    // The display is the aria-live region. Within-phase countdown updates are made
    // with aria-live="off" so screen readers announce phase changes, not every second.
    function show(text, announce) {
      if (!display) return;
      display.setAttribute("aria-live", announce ? liveMode : "off");
      if (display.textContent !== text) display.textContent = text;
    }

    function describe(p, ms) {
      const left = Math.ceil((p.end - ms) / 1000);
      const setPart = `Set ${p.set} of ${sets}`;
      if (p.kind === "hold") return `${setPart} · Rep ${p.rep} of ${reps} · Hold ${left} s`;
      if (p.kind === "relax") return `${setPart} · Relax ${left} s before rep ${p.rep + 1}`;
      if (p.kind === "rep") return `${setPart} · Rep ${p.rep} of ${reps}`;
      return `Rest ${left} s before set ${p.set + 1}`;
    }

    // Counting rule, from the last rep whose hold/pace phase has fully elapsed:
    // reps = its number within its set; sets = fully completed sets, plus 1 if the
    // current set is partial with reps > 0. Since that rep belongs to set N, both
    // cases reduce to sets = N. E.g. resting after set 1 of 10 reps: sets=1, reps=10;
    // one rep into set 2: sets=2, reps=1.
    function completed(ms) {
      let last = null;
      for (const p of phases) {
        if (p.end > ms) break;
        if (p.kind === "hold" || p.kind === "rep") last = p;
      }
      return last ? { sets: last.set, reps: last.rep } : { sets: 0, reps: 0 };
    }

    function setField(el, value) {
      if (!el || el.value === String(value)) return;
      el.value = String(value);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function writeInputs() {
      // Nothing completed yet: leave whatever the patient may have typed by hand.
      if (count.reps === 0) return;
      setField(inputs.sets, count.sets);
      setField(inputs.reps, count.reps);
      if (hold > 0) setField(inputs.hold, hold); // every completed rep included a hold
    }

    function buttons() {
      const running = since !== null;
      const focused = document.activeElement;
      if (startBtn) {
        startBtn.hidden = running;
        startBtn.textContent = banked > 0 && !finished ? "Resume" : startLabel;
      }
      if (pauseBtn) pauseBtn.hidden = !running;
      // Don't strand keyboard / screen-reader focus on a button that just got hidden.
      if (running && focused === startBtn) pauseBtn?.focus();
      if (!running && focused === pauseBtn) startBtn?.focus();
    }

    function stopTicking() {
      clearInterval(interval);
      interval = null;
    }

    function tick() {
      const ms = Math.min(elapsed(), total);
      const c = completed(ms);
      if (c.sets !== count.sets || c.reps !== count.reps) {
        count = c;
        writeInputs();
      }
      if (progress) progress.value = (ms / total) * (progress.max || 1);
      if (ms >= total) return finish();
      // A throttled phone may skip whole phases between ticks; we just land in the right one.
      const idx = phases.findIndex((p) => p.end > ms);
      const changed = idx !== phaseIndex;
      phaseIndex = idx;
      show(describe(phases[idx], ms), changed);
      if (changed) buzz();
    }

    function finish() {
      stopTicking();
      since = null;
      banked = total;
      finished = true;
      writeInputs();
      if (doneBox && !doneBox.checked) {
        doneBox.checked = true;
        doneBox.dispatchEvent(new Event("change", { bubbles: true }));
      }
      show(`Done: ${sets} ${setWord(sets)} of ${reps}. Well done!`, true);
      buzz();
      buttons();
    }

    function start() {
      if (since !== null) return;
      if (finished) reset(); // Start after Done runs the exercise again
      for (const other of timers) if (other !== api) other.pause();
      since = Date.now();
      interval = setInterval(tick, TICK_MS);
      tick();
      buttons();
    }

    function pause() {
      if (since === null) return;
      banked = elapsed(); // freeze first, so tick() sees the paused time
      since = null;
      stopTicking();
      tick(); // may finish if we paused exactly at the end
      if (finished) return;
      writeInputs();
      show(`Paused · ${describe(phases[phaseIndex], banked)}`, true);
      buttons();
    }

    // Back to the initial state. Form inputs keep what was recorded so far.
    function reset() {
      stopTicking();
      since = null;
      banked = 0;
      phaseIndex = -1;
      finished = false;
      count = { sets: 0, reps: 0 };
      if (progress) progress.value = 0;
      show(readyText, true);
      buttons();
    }

    const api = { pause };
    timers.push(api);
    startBtn?.addEventListener("click", start);
    pauseBtn?.addEventListener("click", pause);
    resetBtn?.addEventListener("click", reset);
    if (pauseBtn) pauseBtn.hidden = true;
  }

  function init() {
    document.querySelectorAll("[data-timer]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init, { once: true });
  } else {
    init();
  }
})();
