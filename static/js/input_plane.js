// The input plane: the big plot of the data as given, shaded by what the network predicts at
// every spot, with the grid, the decision boundary and the points; its note and legend; and
// clicks on it, which add or remove points.

import { gradient, pale } from "./color_scale.js";
import { t } from "./i18n.js";
import { overlaidConfig, reactIfChanged } from "./overlaid_plot.js";
import { overlayOf } from "./overlay.js";
import { landmarkTrace } from "./panel_traces.js";
import { plotlyLoaded } from "./plotly_loader.js";
import { textLayout } from "./plot_text.js";
import { axis, lineTrace, pointsTrace, valueRange } from "./traces.js";

/** @typedef {import("./frame_types.js").Frame} Frame */

// While training, the heatmap is painted on the overlay every frame, and Plotly's own copy
// under it (there for hover values) is brought up to date this often: replotting it every
// frame was the largest part of the page's drawing.
const HEATMAP_REPLOT_MS = 1000;

// One band per class, from pale (barely the most probable) to strong (sure).
function classBands(colors) {
  const scale = [];
  colors.forEach((color, k) => {
    const classes = colors.length;
    scale.push([k / classes + (k ? 1e-4 : 0), pale(color, 0.92)], [(k + 1) / classes, pale(color, 0.55)]);
  });
  return scale;
}

// Text the page holds for two classes, replaced for the other problems (and put back after).
function adaptText(id, key, problem) {
  const element = document.getElementById(id);
  element.dataset.original ??= element.textContent;
  if (problem !== "binary") element.textContent = t(`${key}.${problem}`);
  else element.textContent = element.dataset.i18n ? t(element.dataset.i18n) : element.dataset.original;
}

// The plane's shading: P(B); the most probable class, paler when unsure; or the predicted
// value. "Hard boundary" shows only the decision: A or B, the class, value bands.
/** @param {Frame} frame */
function shading(frame, hard) {
  const { x, y } = frame.boundary;
  const { palette } = frame;
  // Drawn at the grid's own resolution and scaled up by the browser: far cheaper per frame.
  const base = { type: "heatmap", x, y, zsmooth: "fast" };
  if (frame.problem === "regression") {
    const [zmin, zmax] = valueRange(frame.data);
    const band = (zmax - zmin) / 8;
    const bands = (v) => Math.min(zmin + (Math.floor((v - zmin) / band) + 0.5) * band, zmax);
    const z = hard ? frame.boundary.value.map((row) => Array.from(row, bands)) : frame.boundary.value;
    return {
      // The scale is drawn in the HTML legend: Plotly's colour bar needs an inline style
      // attribute, which the page's Content-Security-Policy refuses.
      ...base, z, zmin, zmax, colorscale: palette.value, showscale: false,
      hovertemplate: t("problems.hover.regression"),
    };
  }
  if (frame.problem === "multiclass") {
    const { class_names: names, class_colors: colors } = frame.data;
    const classes = names.length;
    const { p } = frame.boundary;
    // Each cell's value places it in its class's band (a row of class bytes cannot hold it).
    const z = frame.boundary.class.map((row, i) => Array.from(row, (c, j) => {
      const sure = hard ? 0.6 : (p[i][j] - 1 / classes) / (1 - 1 / classes);
      return (c + 0.02 + 0.96 * Math.min(Math.max(sure, 0), 1)) / classes;
    }));
    const customdata = frame.boundary.class.map((row, i) => Array.from(row, (c, j) => t("problems.hover.multiclass", {
      x: x[j].toFixed(2), y: y[i].toFixed(2), name: names[c], p: p[i][j].toFixed(2),
    })));
    return { ...base, z, zmin: 0, zmax: 1, colorscale: classBands(colors), showscale: false, customdata, hovertemplate: "%{customdata}<extra></extra>" };
  }
  const p = hard ? frame.boundary.p.map((row) => row.map((v) => (v >= 0.5 ? 1 : 0))) : frame.boundary.p;
  return {
    ...base, z: p, zmin: 0, zmax: 1, colorscale: palette.probability, showscale: false,
    hovertemplate: "x1 %{x:.2f}, x2 %{y:.2f}<br>P(B) = %{z:.2f}<extra></extra>",
  };
}

// The plane's coordinates under a touch event's finger; null for a mouse event.
function touchedSpot(element, event) {
  const finger = event.touches?.[0] ?? event.changedTouches?.[0];
  if (!finger) return null;
  const { xaxis, yaxis } = element._fullLayout;
  const box = element.getBoundingClientRect();
  return { x: xaxis.p2l(finger.clientX - box.left - xaxis._offset), y: yaxis.p2l(finger.clientY - box.top - yaxis._offset) };
}

export class InputPlane {
  // onClick(x1, x2, shift) is called when the learner clicks the plane.
  constructor(onClick) {
    this.onClick = onClick;
    this.element = document.getElementById("plot-input");
    this.legendKey = null;
    this.clickBound = false;
    this.valuesAge = 0;
    this.valuesPlottedAt = -Infinity;
    this.frame = null;  // the frame on screen
    this.element.addEventListener("click", (event) => this.plainClick(event));
  }

  // Until Plotly.js has loaded, a click is placed through the plain axes (plain_axes.js), on
  // the centre of the heatmap cell under it, as Plotly's click on the heatmap gives it.
  plainClick(event) {
    const axes = this.element.plainAxes;
    if (plotlyLoaded() || !axes || !this.frame) return;
    const box = this.element.getBoundingClientRect();
    const [px, py] = [event.clientX - box.left - axes.xaxis._offset, event.clientY - box.top - axes.yaxis._offset];
    if (px < 0 || py < 0 || px > axes.xaxis._length || py > axes.yaxis._length) return;
    const nearest = (centres, v) => centres.reduce((best, c) => (Math.abs(c - v) < Math.abs(best - v) ? c : best));
    const { x, y } = this.frame.boundary;
    this.onClick(nearest(x, axes.xaxis.p2l(px)), nearest(y, axes.yaxis.p2l(py)), event.shiftKey);
  }

  /** @param {Frame} frame @param {{showTest: boolean, discretize: boolean}} display */
  draw(frame, display) {
    this.frame = frame;
    const { x } = frame.boundary;
    const { palette } = frame;
    this.showLegend(frame);
    const heatmap = shading(frame, display.discretize);
    const input = frame.layers[0];
    const boundary = { ...lineTrace(input.boundary, palette.boundary, 2, "solid"), name: t("panel.boundary"), showlegend: true };
    const grid = [
      lineTrace(input.grid.vertical, palette.grid_vertical, 0.6, "solid"),
      lineTrace(input.grid.horizontal, palette.grid_horizontal, 0.6, "solid"),
      landmarkTrace(input.grid, palette.landmark),
    ];
    const range = [x[0], x.at(-1)];
    const layout = {
      // The legend is HTML beside the plot: Plotly re-measures its own on every redraw.
      ...textLayout(12, { l: 45, r: frame.problem === "regression" ? 4 : 10, t: 10, b: 40 }), uirevision: "input", showlegend: false,
      xaxis: axis("x1", range, { constrain: "domain" }),
      yaxis: axis("x2", range, { scaleanchor: "x", constrain: "domain" }),
    };
    // Quick clicks add points one by one: none may be taken for a double click (axis reset).
    // Plotly's tip after a zoom would say to double-click back out: the mode bar's reset does it.
    const config = overlaidConfig({ doubleClick: false, doubleClickDelay: 1, showTips: false });
    return this.plot(frame, heatmap, layout, config).then((element) => {
      overlayOf(element).draw([heatmap, ...grid, boundary, pointsTrace(frame, input.points, 8, display)]);
      if (!this.clickBound && element.on) {  // once Plotly has drawn it
        // Clicks land on the heatmap cell under the mouse (the overlay lets them through); a
        // tap where the finger touched (Plotly's point for a touch is where it last hovered).
        element.on("plotly_click", (event) => {
          const spot = touchedSpot(element, event.event) ?? event.points[0];
          this.onClick(spot.x, spot.y, event.event.shiftKey);
        });
        // A tap is Plotly's click already: the mouse events a browser makes up after it would
        // be a second one. (The end of a scroll cannot be cancelled, and makes none.)
        element.addEventListener("touchend", (event) => {
          if (event.cancelable && event.target.closest(".draglayer")) event.preventDefault();
        }, { passive: false });
        this.clickBound = true;
      }
    });
  }

  // Plotly's part of the plane: at once if anything but the heatmap's values changed, or when
  // not training; else its values at most every HEATMAP_REPLOT_MS (the overlay shows the
  // latest). A new `valuesAge` is what makes the heatmap's values count as changed.
  /** @param {Frame} frame */
  plot(frame, heatmap, layout, config) {
    const now = performance.now();
    const live = frame.training && frame.timeline_index === null;
    if (!live || !(now - this.valuesPlottedAt < HEATMAP_REPLOT_MS)) {
      this.valuesPlottedAt = now;
      this.valuesAge += 1;
    }
    const { x, z, customdata, ...look } = heatmap;
    const same = [layout, look, x[0], x.at(-1), x.length, this.valuesAge];
    return reactIfChanged(this.element, [heatmap], layout, config, same);
  }

  // The plane's note and legend say what this problem's picture shows, in the frame's colours.
  /** @param {Frame} frame */
  showLegend(frame) {
    const { palette, data } = frame;
    const range = valueRange(data);
    const key = `${frame.problem}:${data.class_names.length}:${document.documentElement.lang}:${range}`;
    if (this.legendKey === key) return;
    this.legendKey = key;
    document.getElementById("input-note").textContent = t(`problems.note.${frame.problem}`);
    adaptText("input-title", "problems.title", frame.problem);
    adaptText("layers-explain", "problems.explain", frame.problem);
    const item = (...parts) => {
      const li = document.createElement("li");
      li.append(...parts);
      return li;
    };
    const mark = (className, style = "") => {
      const span = document.createElement("span");
      span.className = className;
      span.style.cssText = style;
      return span;
    };
    const items = data.class_names.map((name, k) => item(mark("dot", `background: ${data.class_colors[k]}`), t("problems.class", { name })));
    if (frame.problem === "regression") {
      const values = `background: ${gradient(palette.value)}`;
      items.push(item(mark("dot", `${values}; border: 1px solid #333`), t("problems.value.points")));
      const [low, high] = range.map((v) => v.toFixed(2));
      items.push(item(document.createTextNode(`${low} `), mark("swatch wide", values), ` ${high} · ${t("problems.value.surface")}`));
    }
    items.push(item(mark("dot hollow"), t("problems.test")));
    const boundary = mark("swatch boundary", `border-top-color: ${palette.boundary}`);
    if (frame.problem === "binary") {
      const shading = mark("swatch shading", `background: ${gradient(palette.probability)}`);
      items.push(item(boundary, t("problems.boundary")), item(shading, t("problems.shading.binary")));
    } else if (frame.problem === "multiclass") {
      items.push(item(boundary, t("problems.boundary.multiclass")));
      const bands = data.class_colors.map((c) => pale(c, 0.5)).join(", ");
      items.push(item(mark("swatch", `background: linear-gradient(to right, ${bands})`), t("problems.shading.multiclass")));
    }
    document.getElementById("input-legend").replaceChildren(...items);
  }
}
