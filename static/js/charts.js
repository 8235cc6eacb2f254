// Progress charts. Each chart is a <div data-chart="ID"> whose data sits in <script type=
// "application/json" id="ID"> (Django's json_script), shaped by rehab/outcomes/progress.py:
//   {x: ["2026-03-02", ...], series: [{label, values, color, dash, bars}],
//    y: {min, max, unit}, refs: [{value, label}], band: {lo, hi, label}}
// Drawn with uPlot (global `uPlot`, static/vendor/uplot); the width follows the container and
// the chart is redrawn when it changes. The figures are also in a table next to each chart.
// Caseload sparklines are <div data-sparkline="[ratio or null, ...]"> (rehab/home/templatetags).
(() => {
  "use strict";
  const DAY = 86400;
  const INK = "#1d2733";
  const MUTED = "#55606d";
  const GRID = "#e5e9ed";

  const dayLabel = new Intl.DateTimeFormat(undefined, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
  const fullLabel = new Intl.DateTimeFormat(undefined, {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });

  // Dates are calendar dates: keep them at UTC midnight and show them in UTC.
  const toSeconds = (iso) => {
    const [y, m, d] = iso.split("-").map(Number);
    return Date.UTC(y, m - 1, d) / 1000;
  };
  const fmtNumber = (value, unit) =>
    value == null ? "—" : `${Math.round(value * 100) / 100}${unit || ""}`;

  const heightFor = (width) => Math.round(Math.min(280, Math.max(190, width * 0.6)));

  function finite(values) {
    return values.filter((v) => typeof v === "number" && Number.isFinite(v));
  }

  function yRange(spec) {
    const y = spec.y || {};
    const extra = [];
    (spec.refs || []).forEach((ref) => extra.push(ref.value));
    if (spec.band) extra.push(spec.band.lo, spec.band.hi);
    return (u, dataMin, dataMax) => {
      const seen = finite([dataMin, dataMax, ...extra]);
      let low = y.min != null ? Math.min(y.min, ...seen) : Math.min(0, ...seen);
      let high = y.max != null ? Math.max(y.max, ...seen) : Math.max(1, ...seen);
      if (y.max == null) high = Math.ceil(high * 1.15);
      if (low === high) high = low + 1;
      return [low, high];
    };
  }

  // From the data itself: uPlot gives no usable range for a single date.
  function xRange(spec, xs) {
    const bars = spec.series.some((s) => s.bars);
    const first = Math.min(...xs);
    const last = Math.max(...xs);
    const pad = first === last ? 7 * DAY : bars ? 4 * DAY : DAY;
    return () => [first - pad, last + pad];
  }

  function fontPx(size) {
    return `${Math.round(size * uPlot.pxRatio)}px system-ui, sans-serif`;
  }

  // Behind the series: the band of "no meaningful change" around the first record.
  function drawBand(spec) {
    return (u) => {
      const band = spec.band;
      if (!band) return;
      const { ctx } = u;
      const { left, width } = u.bbox;
      const top = u.valToPos(band.hi, "y", true);
      const bottom = u.valToPos(band.lo, "y", true);
      ctx.save();
      ctx.fillStyle = "rgba(11, 110, 110, 0.10)";
      ctx.fillRect(left, top, width, bottom - top);
      ctx.strokeStyle = "rgba(11, 110, 110, 0.45)";
      ctx.lineWidth = uPlot.pxRatio;
      ctx.setLineDash([4 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
      [top, bottom].forEach((y) => {
        ctx.beginPath();
        ctx.moveTo(left, Math.round(y));
        ctx.lineTo(left + width, Math.round(y));
        ctx.stroke();
      });
      // The band's meaning is written under the chart (a label here would cross the line).
      ctx.restore();
    };
  }

  // Over the series: reference lines (the 50-degree line), dashed, with their label.
  function drawRefs(spec) {
    return (u) => {
      const { ctx } = u;
      const { left, width } = u.bbox;
      (spec.refs || []).forEach((ref) => {
        const y = Math.round(u.valToPos(ref.value, "y", true));
        ctx.save();
        ctx.strokeStyle = INK;
        ctx.lineWidth = 1.5 * uPlot.pxRatio;
        ctx.setLineDash([8 * uPlot.pxRatio, 6 * uPlot.pxRatio]);
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(left + width, y);
        ctx.stroke();
        ctx.fillStyle = INK;
        ctx.font = fontPx(12);
        ctx.textAlign = "right";
        ctx.textBaseline = "bottom";
        ctx.fillText(ref.label, left + width - 4 * uPlot.pxRatio, y - 3 * uPlot.pxRatio);
        ctx.restore();
      });
    };
  }

  function seriesOptions(s, unit) {
    const options = {
      label: s.label,
      stroke: s.color,
      width: 2,
      spanGaps: true,
      points: { show: true, size: 7, fill: s.color, stroke: s.color },
      value: (u, v) => fmtNumber(v, unit),
    };
    if (s.dash) options.dash = [6, 4];
    if (s.bars) {
      options.paths = uPlot.paths.bars({ size: [0.6, 40] });
      options.fill = `${s.color}99`;
      options.points = { show: false };
    }
    return options;
  }

  function build(el) {
    const source = document.getElementById(el.dataset.chart);
    if (!source || typeof uPlot === "undefined") return;
    const spec = JSON.parse(source.textContent);
    const unit = (spec.y && spec.y.unit) || "";
    const width = el.clientWidth || 320;
    const xs = spec.x.map(toSeconds);
    const options = {
      width,
      height: heightFor(width),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: {
        x: { time: true, range: xRange(spec, xs) },
        y: { range: yRange(spec) },
      },
      axes: [
        {
          stroke: MUTED,
          grid: { stroke: GRID },
          ticks: { stroke: GRID },
          space: 64,
          values: (u, splits) => splits.map((ts) => dayLabel.format(new Date(ts * 1000))),
        },
        {
          stroke: MUTED,
          grid: { stroke: GRID },
          ticks: { stroke: GRID },
          size: unit === "%" ? 54 : 46,
          values: (u, splits) => splits.map((v) => fmtNumber(v, unit)),
        },
      ],
      series: [
        {
          label: "Date",
          value: (u, ts) => (ts == null ? "—" : fullLabel.format(new Date(ts * 1000))),
        },
        ...spec.series.map((s) => seriesOptions(s, unit)),
      ],
      // Series names only: hover values crowd a phone, and the table holds every figure.
      legend: { live: false },
      hooks: { drawAxes: [drawBand(spec)], draw: [drawRefs(spec)] },
    };
    const data = [xs, ...spec.series.map((s) => s.values)];
    el.replaceChildren();
    const plot = new uPlot(options, data, el);
    el.dataset.drawn = "true";

    let lastWidth = width;
    const resize = () => {
      const next = el.clientWidth;
      if (next && next !== lastWidth) {
        lastWidth = next;
        plot.setSize({ width: next, height: heightFor(next) });
      }
    };
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(resize).observe(el);
    } else {
      window.addEventListener("resize", resize);
    }
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach((el) => {
      if (el.dataset.drawn !== "true") build(el);
    });
    (root || document).querySelectorAll("[data-sparkline]").forEach((el) => {
      if (el.dataset.drawn !== "true") sparkline(el);
    });
  }

  // A caseload row's adherence per day, oldest first: a bar per day (full = every dose done), a
  // short red bar for a day with doses due and none done, nothing for a day with none due.
  const DONE = "#0b6e6e";
  const MISSED = "#b42318";
  function sparkline(el) {
    if (typeof uPlot === "undefined") return;
    const values = JSON.parse(el.dataset.sparkline);
    const xs = values.map((_, i) => i);
    const done = values.map((v) => (v == null || v === 0 ? null : Math.max(v, 0.08)));
    const missed = values.map((v) => (v === 0 ? 0.12 : null));
    const bars = (color) => ({
      stroke: color,
      fill: color,
      width: 0,
      points: { show: false },
      paths: uPlot.paths.bars({ size: [0.7, 4] }),
    });
    const plot = new uPlot(
      {
        width: el.clientWidth || 140,
        height: 28,
        padding: [2, 0, 0, 0],
        legend: { show: false },
        cursor: { show: false },
        select: { show: false },
        axes: [{ show: false }, { show: false }],
        scales: {
          x: { time: false, range: () => [-0.5, values.length - 0.5] },
          y: { range: () => [0, 1] },
        },
        series: [{}, bars(DONE), bars(MISSED)],
      },
      [xs, done, missed],
      el,
    );
    el.dataset.drawn = "true";
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(() => {
        if (el.clientWidth && el.clientWidth !== plot.width) {
          plot.setSize({ width: el.clientWidth, height: 28 });
        }
      }).observe(el);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => drawAll(document));
  } else {
    drawAll(document);
  }
  // Charts swapped in by htmx are drawn too.
  document.addEventListener("htmx:load", (event) => drawAll(event.target));
})();
