// Marking a side photo for the craniovertebral angle: tap the ear (tragus), then the base of
// the neck (C7). Points are kept in the photo's own pixels (the displayed size varies with the
// screen) and written into the form's number inputs; the server computes and stores the angle.
// The preview angle here uses the same formula as rehab/outcomes/scoring.py, for feedback only.
// Pointer events serve mouse, pen and touch alike; a touch that moves (a scroll or a pinch) is
// not a tap and marks nothing.
(() => {
  "use strict";

  const TAP_SLOP_PX = 10; // a pointer that moves further than this is scrolling, not tapping
  const ORDER = ["tragus", "c7"];
  const LABELS = { tragus: "ear (tragus)", c7: "base of the neck (C7)" };

  function setup(root) {
    const form = document.querySelector(".mark-form");
    const img = root.querySelector("[data-cva-image]");
    const overlay = root.querySelector("[data-cva-overlay]");
    const status = document.querySelector("[data-cva-status]");
    const reset = document.querySelector("[data-cva-reset]");
    if (!form || !img || !overlay || !status) return;
    const dataEl = document.getElementById("cva-photo");
    const dims = dataEl ? JSON.parse(dataEl.textContent) : {};
    const width = Number(dims.width) || img.naturalWidth;
    const height = Number(dims.height) || img.naturalHeight;
    const input = (name) => form.querySelector(`[name="${name}"]`);
    const inputs = {
      tragus: [input("tragus_x"), input("tragus_y")],
      c7: [input("c7_x"), input("c7_y")],
    };
    const circles = {
      tragus: overlay.querySelector('[data-cva-point="tragus"]'),
      c7: overlay.querySelector('[data-cva-point="c7"]'),
    };
    const line = overlay.querySelector("[data-cva-line]");
    const horizontal = overlay.querySelector("[data-cva-horizontal]");
    // Marker sizes relative to the photo, so they look the same on any photo size.
    const radius = Math.max(4, Math.round(Math.min(width, height) / 40));
    const stroke = String(Math.max(2, Math.round(radius / 3)));
    for (const el of overlay.querySelectorAll("line, circle")) el.setAttribute("stroke-width", stroke);

    document.querySelectorAll(".cva-js-only").forEach((el) => {
      el.hidden = false;
    });

    const read = (name) => {
      const [x, y] = inputs[name].map((el) => (el ? Number.parseFloat(el.value) : Number.NaN));
      return Number.isFinite(x) && Number.isFinite(y) ? { x, y } : null;
    };

    const show = (el, visible) => el?.setAttribute("visibility", visible ? "visible" : "hidden");

    function angle(tragus, c7) {
      const degrees = (Math.atan2(c7.y - tragus.y, Math.abs(tragus.x - c7.x)) * 180) / Math.PI;
      return Math.round(degrees * 10) / 10;
    }

    function draw() {
      const points = { tragus: read("tragus"), c7: read("c7") };
      for (const name of ORDER) {
        const p = points[name];
        const circle = circles[name];
        show(circle, !!p);
        if (p && circle) {
          circle.setAttribute("cx", String(p.x));
          circle.setAttribute("cy", String(p.y));
          circle.setAttribute("r", String(radius));
        }
      }
      const { tragus, c7 } = points;
      show(line, !!(tragus && c7));
      show(horizontal, !!c7);
      if (c7 && horizontal) {
        horizontal.setAttribute("x1", "0");
        horizontal.setAttribute("x2", String(width));
        horizontal.setAttribute("y1", String(c7.y));
        horizontal.setAttribute("y2", String(c7.y));
      }
      if (tragus && c7 && line) {
        line.setAttribute("x1", String(c7.x));
        line.setAttribute("y1", String(c7.y));
        line.setAttribute("x2", String(tragus.x));
        line.setAttribute("y2", String(tragus.y));
      }
      if (!tragus) {
        status.textContent = `Step 1 of 2: tap the ${LABELS.tragus}.`;
      } else if (!c7) {
        status.textContent = `Step 2 of 2: tap the ${LABELS.c7}.`;
      } else if (tragus.y >= c7.y) {
        status.textContent =
          "The ear point should be above the base of the neck. Tap \u201cStart again\u201d to redo.";
      } else {
        status.textContent = `About ${angle(tragus, c7)}\u00b0. Save to record it, or start again.`;
      }
    }

    function set(name, point) {
      const [xEl, yEl] = inputs[name];
      if (xEl) xEl.value = point ? String(point.x) : "";
      if (yEl) yEl.value = point ? String(point.y) : "";
    }

    // Where the pointer is, in the photo's own pixels (null outside the photo).
    function toPhoto(event) {
      const rect = img.getBoundingClientRect();
      if (!rect.width || !rect.height) return null;
      const x = ((event.clientX - rect.left) / rect.width) * width;
      const y = ((event.clientY - rect.top) / rect.height) * height;
      if (x < 0 || y < 0 || x > width || y > height) return null;
      return { x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 };
    }

    let down = null;
    root.addEventListener("pointerdown", (event) => {
      if (!event.isPrimary || event.button > 0) return;
      down = { id: event.pointerId, x: event.clientX, y: event.clientY };
    });
    root.addEventListener("pointercancel", () => {
      down = null;
    });
    root.addEventListener("pointerup", (event) => {
      if (!down || event.pointerId !== down.id) return;
      const moved = Math.hypot(event.clientX - down.x, event.clientY - down.y);
      down = null;
      if (moved > TAP_SLOP_PX) return;
      const point = toPhoto(event);
      if (!point) return;
      const next = ORDER.find((name) => !read(name));
      if (!next) {
        // Both marked: a new tap starts over from the ear.
        set("tragus", point);
        set("c7", null);
      } else {
        set(next, point);
      }
      draw();
    });
    reset?.addEventListener("click", () => {
      set("tragus", null);
      set("c7", null);
      draw();
    });
    for (const name of ORDER) {
      for (const el of inputs[name]) el?.addEventListener("input", draw);
    }
    form.addEventListener("submit", (event) => {
      if (!read("tragus") || !read("c7")) {
        event.preventDefault();
        status.textContent = "Mark both points on the photo first.";
      }
    });
    draw();
  }

  const start = () => document.querySelectorAll("[data-cva]").forEach(setup);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
