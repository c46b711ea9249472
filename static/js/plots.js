// Draws frames: the input plane, the loss curve and one panel per layer. Plotly draws axes,
// heatmap, text, hover and the loss curve; the lines and points that move every frame are
// drawn on a canvas over each plot (overlay.js), through that plot's axes.

import { BOUNDARY_COLOR, CLASS_COLORS, CLASS_NAMES, GRID_COLORS, PROBABILITY_SCALE, VALUE_SCALE } from "./colors.js";
import { phrase, t } from "./i18n.js";
import { OWN, canMorph, morphControl, morphed } from "./morph.js";
import { overlayOf } from "./overlay.js";
import { REMOVED_BUTTONS, plotConfig } from "./plot_config.js";
import { textLayout, textSize } from "./plot_text.js";
import { projectionControl } from "./projection.js";
import { StableRange } from "./ranges.js";
import { SAVE_BUTTON } from "./snapshot.js";

// A plot with a canvas overlay: its camera button saves the overlay's points and lines too.
function overlaidConfig(changes = {}) {
  return plotConfig({ modeBarButtonsToRemove: [...REMOVED_BUTTONS, "toImage"], modeBarButtonsToAdd: [SAVE_BUTTON], ...changes });
}
export const LOSS_POINTS = 2000;  // most points kept on the loss curve
const LOSS_REDRAW_MS = 250;
// While training, the input plane's heatmap is painted on its overlay every frame, and Plotly's
// own copy under it (there for hover values) is brought up to date this often: replotting it
// every frame was the largest part of the page's drawing.
const HEATMAP_REPLOT_MS = 1000;

// The range of a regression's target values, for one colour scale shared by points and surface.
function valueRange(data) {
  if (!data.labels.length) return [-1, 1];
  const low = Math.min(...data.labels);
  const high = Math.max(...data.labels);
  return high > low ? [low, high] : [low - 1, high + 1];
}

// A class colour washed towards white: share 0 = the colour, 1 = white.
function pale(hex, share) {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${rgb.map((v) => Math.round(v + (255 - v) * share)).join(",")})`;
}

// One band per class, from pale (barely the most probable) to strong (sure).
function classBands(classes) {
  const scale = [];
  for (let k = 0; k < classes; k++) {
    scale.push([k / classes + (k ? 1e-4 : 0), pale(CLASS_COLORS[k], 0.92)], [(k + 1) / classes, pale(CLASS_COLORS[k], 0.55)]);
  }
  return scale;
}

// All points in one trace, coloured by class (or by value), hollow if test: one trace draws
// much faster than four, and the layer panels need no legend. (The Compare view draws its
// points with it too.)
export function pointsTrace(data, points, size, display) {
  const shown = (i) => display.showTest || !data.is_test[i];
  const keep = (values) => (display.showTest ? values : values.filter((_, i) => shown(i)));
  if (data.problem === "regression") {
    const [cmin, cmax] = valueRange(data);
    return {
      type: "scatter", mode: "markers", showlegend: false, x: keep(points.x), y: keep(points.y), hoverinfo: "skip",
      marker: {
        size, color: keep(data.labels), colorscale: VALUE_SCALE, cmin, cmax,
        symbol: keep(data.is_test.map((test) => (test ? "circle-open" : "circle"))),
        line: { color: "#333", width: 1 },
      },
    };
  }
  return {
    type: "scatter",
    mode: "markers",
    showlegend: false,
    x: keep(points.x),
    y: keep(points.y),
    hoverinfo: "skip",
    marker: {
      size,
      color: keep(data.labels.map((label) => CLASS_COLORS[label])),
      symbol: keep(data.is_test.map((test) => (test ? "circle-open" : "circle"))),
      line: { color: keep(data.is_test.map((test, i) => (test ? CLASS_COLORS[data.labels[i]] : "#fff"))), width: 1 },
    },
  };
}

// Lines and points go on a plot's canvas overlay; anything else (heatmap, text) to Plotly.
function split(traces) {
  const drawn = (trace) => trace.mode === "lines" || trace.mode === "markers";
  return { plotted: traces.filter((trace) => !drawn(trace)), drawn: traces.filter(drawn) };
}

// Plotly redraws a whole plot, axes and all, on any react. A panel whose Plotly part is the
// same as last time (its moving parts are on the overlay), in the same language, skips it.
// `same` is what that part is judged by: all of it unless the caller knows better.
function reactIfChanged(element, traces, layout, config, same = [traces, layout]) {
  const key = JSON.stringify([...same, config.locale]);
  if (element.plottedKey === key) return Promise.resolve(element);
  return Plotly.react(element, traces, layout, config).then(() => {
    element.plottedKey = key;
    return element;
  });
}

function lineTrace(xy, color, width, dash, name) {
  return { type: "scatter", mode: "lines", x: xy.x, y: xy.y, name, showlegend: false, hoverinfo: "skip", line: { color, width, dash } };
}

function axis(title, range, extra = {}) {
  return { title: { text: title, standoff: 4 }, range, zeroline: false, showgrid: false, ticks: "outside", ...extra };
}

// Text the page holds for two classes, replaced for the other problems (and put back after).
function adaptText(id, key, problem) {
  const element = document.getElementById(id);
  element.dataset.original ??= element.textContent;
  if (problem !== "binary") element.textContent = t(`${key}.${problem}`);
  else element.textContent = element.dataset.i18n ? t(element.dataset.i18n) : element.dataset.original;
}

// The input plane's border and its middle cross, picked out of the grid so the eye can follow
// them from panel to panel as the layers bend them.
function landmarkTrace(grid) {
  const x = [];
  const y = [];
  for (const family of [grid.vertical, grid.horizontal]) {
    const lines = family.x.filter((v) => v === null).length;
    const length = family.x.length / lines;  // samples plus the gap
    for (const k of [0, (lines - 1) / 2, lines - 1]) {
      const start = k * length;
      x.push(...family.x.slice(start, start + length));
      y.push(...family.y.slice(start, start + length));
    }
  }
  return lineTrace({ x, y }, "rgba(40, 40, 60, 0.75)", 1.6, "solid", "border and middle lines");
}

// The straight line w·u + b = 0 across the current view.
function separatorTrace(separator, xRange, yRange) {
  const [w1, w2] = separator.w;
  const b = separator.b;
  let xy;
  if (Math.abs(w2) > Math.abs(w1)) xy = { x: xRange, y: xRange.map((x) => -(w1 * x + b) / w2) };
  else if (w1 !== 0) xy = { x: yRange.map((y) => -(w2 * y + b) / w1), y: yRange };
  else return null;
  return { ...lineTrace(xy, BOUNDARY_COLOR, 2.5, "solid"), name: t("panel.separator") };
}

// A straight line w·u + b = 0 across the view as sampled points (for clipping piece by piece).
function sampledLine(w, b, xRange, yRange, samples = 80) {
  const [w1, w2] = w;
  const along = (range) => Array.from({ length: samples }, (_, k) => range[0] + ((range[1] - range[0]) * k) / (samples - 1));
  if (Math.abs(w2) > Math.abs(w1)) return along(xRange).map((x) => [x, -(w1 * x + b) / w2]);
  if (w1 !== 0) return along(yRange).map((y) => [-(w2 * y + b) / w1, y]);
  return [];
}

// Multi-class: where two classes' scores tie, kept only where those two lead (elsewhere a third
// class wins, and the tie means nothing). Straight in the layer the output reads.
function tieTrace(scores, xRange, yRange) {
  const x = [];
  const y = [];
  const K = scores.b.length;
  const score = (k, [u, v]) => scores.w[k][0] * u + scores.w[k][1] * v + scores.b[k];
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const w = [0, 1].map((d) => scores.w[i][d] - scores.w[j][d]);
      for (const point of sampledLine(w, scores.b[i] - scores.b[j], xRange, yRange)) {
        const lead = score(i, point);
        const leads = [...Array(K).keys()].every((k) => k === i || k === j || score(k, point) <= lead);
        x.push(leads ? point[0] : null);
        y.push(leads ? point[1] : null);
      }
      x.push(null);
      y.push(null);
    }
  }
  return { ...lineTrace({ x, y }, BOUNDARY_COLOR, 2.5, "solid"), connectgaps: false, name: "tie lines" };
}

// Regression: lines of equal prediction w·u + b = value, straight and parallel where the output
// reads the layer.
function levelTraces(ramp, range, xRange, yRange) {
  const levels = 5;
  return Array.from({ length: levels }, (_, k) => {
    const value = range[0] + ((range[1] - range[0]) * (k + 0.5)) / levels;
    const points = sampledLine(ramp.w, ramp.b - value, xRange, yRange, 2);
    const trace = lineTrace({ x: points.map((p) => p[0]), y: points.map((p) => p[1]) }, "rgba(40, 40, 40, 0.7)", 1, "dot");
    return { ...trace, name: t("problems.level", { value: value.toFixed(2) }) };
  });
}

// The K class corners of the output panel, joined up, each with its class's letter.
function cornerTraces(corners) {
  const loop = (values) => [...values, values[0]];
  return [
    lineTrace({ x: loop(corners.x), y: loop(corners.y) }, "#bbb", 1, "solid", t("problems.simplex")),
    {
      type: "scatter", mode: "text", x: corners.x.map((v) => v * 1.12), y: corners.y.map((v) => v * 1.12), text: corners.names,
      textfont: { color: corners.names.map((_, k) => CLASS_COLORS[k]), size: textSize(15) }, hoverinfo: "skip", showlegend: false,
    },
  ];
}

function panelTitle(layer) {
  if (layer.kind === "features") {
    const what = layer.units === 1 ? phrase(layer.axes[0]) : t("panel.inputs", { n: layer.units });
    return t("panel.features", { what });
  }
  const units = layer.units === 1 ? t("panel.units.one") : t("panel.units", { n: layer.units });
  return `${phrase(layer.name)} · ${units} · ${layer.activation}`;
}

// The output unit's separating plane w·u + b = 0 across a 3D view, as a flat translucent sheet.
function separatorPlane(separator, range) {
  const w = separator.w;
  const axis = w.map(Math.abs).indexOf(Math.max(...w.map(Math.abs)));  // solve for this one
  const keys = ["x", "y", "z"];
  const [a, b] = [0, 1, 2].filter((k) => k !== axis);
  const corners = [[0, 0], [1, 0], [1, 1], [0, 1]].map(([i, j]) => {
    const point = [0, 0, 0];
    point[a] = range[keys[a]][i];
    point[b] = range[keys[b]][j];
    point[axis] = -(separator.b + w[a] * point[a] + w[b] * point[b]) / w[axis];
    return point;
  });
  return {
    type: "mesh3d", x: corners.map((p) => p[0]), y: corners.map((p) => p[1]), z: corners.map((p) => p[2]),
    i: [0, 0], j: [1, 2], k: [2, 3], color: BOUNDARY_COLOR, opacity: 0.25, hoverinfo: "skip", showlegend: false,
  };
}

const SMOOTH_MS = 80;  // a smooth move's length: most of the time until the next frame

export function emptyLoss() {
  return { step: [], train: [], test: [], every: 1 };
}

// One more point on the loss curve. A long run would make the curve ever slower to draw: past
// a cap, every other point is dropped and points are then kept half as often (as the server's
// timeline does), so the whole run stays on the curve, evenly.
export function appendLoss(loss, step, train, test) {
  if (loss.step.length && step - loss.step.at(-1) < loss.every) return;
  loss.step.push(step);
  loss.train.push(train);
  loss.test.push(test);
  if (loss.step.length > LOSS_POINTS) {
    for (const key of ["step", "train", "test"]) loss[key] = loss[key].filter((_, i) => i % 2 === 0);
    loss.every *= 2;
  }
}

export class Plots {
  // onProjection(body) is called when the learner changes how a wide layer is shown.
  // onPlaneClick(x1, x2, shift) is called when the learner clicks the input plane.
  constructor(onProjection, onPlaneClick) {
    this.onProjection = onProjection;
    this.onPlaneClick = onPlaneClick;
    this.display = { showTest: true, discretize: false, smooth: false };
    this.layerRanges = [];
    this.loss = emptyLoss();
    this.container = document.getElementById("layers");
  }

  // Smooth motion: a panel's points and lines glide to their new places (on its overlay,
  // never with Plotly's layout.transition, which halved the frame rate). Off, they jump.
  glideMs() {
    return this.display.smooth ? SMOOTH_MS : 0;
  }

  // Display choices that need no server: redraw the last frame with them.
  setDisplay(changes) {
    Object.assign(this.display, changes);
    if (this.frame) this.draw(this.frame);
  }

  // After a change of language: panels rebuilt (their controls hold words), then redrawn.
  relabel() {
    this.container.dataset.signature = "";
    this.setDisplay({});
    this.drawLoss();
  }

  // Forget everything drawn from the previous run (new config or reset).
  clear() {
    this.loss = emptyLoss();
    for (const range of this.layerRanges) { range.x.reset(); range.y.reset(); }
  }

  async draw(frame) {
    this.data = frame.data;
    this.valueRange = valueRange(frame.data);
    if (frame.timeline_index === null) this.addLoss(frame);  // a look back adds nothing
    await Promise.all([this.drawInput(frame), this.drawLossSometimes(frame), this.drawLayers(frame)]);
  }

  addLoss(frame) {
    if (frame.step < this.loss.step.at(-1)) this.loss = emptyLoss();  // a new run from step 0
    appendLoss(this.loss, frame.step, frame.metrics.train_loss, frame.metrics.test_loss);
  }

  // The input plane's shading: P(B); the most probable class, paler when unsure; or the
  // predicted value. "Hard boundary" shows only the decision: A or B, the class, value bands.
  inputMap(frame) {
    const { x, y } = frame.boundary;
    const hard = this.display.discretize;
    // Drawn at the grid's own resolution and scaled up by the browser: far cheaper per frame.
    const base = { type: "heatmap", x, y, zsmooth: "fast" };
    if (frame.problem === "regression") {
      const [zmin, zmax] = this.valueRange;
      const band = (zmax - zmin) / 8;
      const bands = (v) => Math.min(zmin + (Math.floor((v - zmin) / band) + 0.5) * band, zmax);
      const z = hard ? frame.boundary.value.map((row) => row.map(bands)) : frame.boundary.value;
      return {
        // The scale is drawn in the HTML legend: Plotly's colour bar needs an inline style
        // attribute, which the page's Content-Security-Policy refuses.
        ...base, z, zmin, zmax, colorscale: VALUE_SCALE, showscale: false,
        hovertemplate: t("problems.hover.regression"),
      };
    }
    if (frame.problem === "multiclass") {
      const classes = frame.data.class_names.length;
      const { p } = frame.boundary;
      const z = frame.boundary.class.map((row, i) => row.map((c, j) => {
        const sure = hard ? 0.6 : (p[i][j] - 1 / classes) / (1 - 1 / classes);
        return (c + 0.02 + 0.96 * Math.min(Math.max(sure, 0), 1)) / classes;
      }));
      const customdata = frame.boundary.class.map((row, i) => row.map((c, j) => t("problems.hover.multiclass", {
        x: x[j].toFixed(2), y: y[i].toFixed(2), name: CLASS_NAMES[c], p: p[i][j].toFixed(2),
      })));
      return { ...base, z, zmin: 0, zmax: 1, colorscale: classBands(classes), showscale: false, customdata, hovertemplate: "%{customdata}<extra></extra>" };
    }
    const p = hard ? frame.boundary.p.map((row) => row.map((v) => (v >= 0.5 ? 1 : 0))) : frame.boundary.p;
    return {
      ...base, z: p, zmin: 0, zmax: 1, colorscale: PROBABILITY_SCALE, showscale: false,
      hovertemplate: "x1 %{x:.2f}, x2 %{y:.2f}<br>P(B) = %{z:.2f}<extra></extra>",
    };
  }

  // The input plane's note and legend say what this problem's picture shows.
  showInputLegend(frame) {
    const key = `${frame.problem}:${frame.data.class_names.length}:${document.documentElement.lang}:${this.valueRange}`;
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
    const items = frame.data.class_names.map((name, k) => item(mark("dot", `background: ${CLASS_COLORS[k]}`), t("problems.class", { name })));
    if (frame.problem === "regression") {
      const gradient = `background: linear-gradient(to right, ${VALUE_SCALE.map(([, c]) => c).join(", ")})`;
      items.push(item(mark("dot", `${gradient}; border: 1px solid #333`), t("problems.value.points")));
      const [low, high] = this.valueRange.map((v) => v.toFixed(2));
      const scale = item(document.createTextNode(`${low} `), mark("swatch wide", gradient), ` ${high} · ${t("problems.value.surface")}`);
      items.push(scale);
    }
    items.push(item(mark("dot hollow"), t("problems.test")));
    if (frame.problem === "binary") {
      items.push(item(mark("swatch boundary"), t("problems.boundary")), item(mark("swatch shading"), t("problems.shading.binary")));
    } else if (frame.problem === "multiclass") {
      items.push(item(mark("swatch boundary"), t("problems.boundary.multiclass")));
      const bands = CLASS_COLORS.slice(0, frame.data.class_names.length).map((c) => pale(c, 0.5)).join(", ");
      items.push(item(mark("swatch", `background: linear-gradient(to right, ${bands})`), t("problems.shading.multiclass")));
    }
    document.getElementById("input-legend").replaceChildren(...items);
  }

  drawInput(frame) {
    const { x } = frame.boundary;
    this.showInputLegend(frame);
    const heatmap = this.inputMap(frame);
    const input = frame.layers[0];
    const boundary = { ...lineTrace(input.boundary, BOUNDARY_COLOR, 2, "solid"), name: t("panel.boundary"), showlegend: true };
    const grid = [
      lineTrace(input.grid.vertical, GRID_COLORS.vertical, 0.6, "solid"),
      lineTrace(input.grid.horizontal, GRID_COLORS.horizontal, 0.6, "solid"),
      landmarkTrace(input.grid),
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
    return this.plotInput(frame, heatmap, layout, config).then((element) => {
      overlayOf(element).draw([heatmap, ...grid, boundary, pointsTrace(this.data, input.points, 8, this.display)]);
      if (!this.clickBound) {
        // Clicks land on the heatmap cell under the mouse (the overlay lets them through).
        element.on("plotly_click", (event) => {
          const spot = event.points[0];
          this.onPlaneClick(spot.x, spot.y, event.event.shiftKey);
        });
        this.clickBound = true;
      }
    });
  }

  // Plotly's part of the input plane: at once if anything but the heatmap's values changed, or
  // when not training; else its values at most every HEATMAP_REPLOT_MS (the overlay shows the
  // latest). A new `valuesAge` is what makes the heatmap's values count as changed.
  plotInput(frame, heatmap, layout, config) {
    const now = performance.now();
    const live = frame.training && frame.timeline_index === null;
    if (!live || !(now - this.valuesPlottedAt < HEATMAP_REPLOT_MS)) {
      this.valuesPlottedAt = now;
      this.valuesAge = (this.valuesAge ?? 0) + 1;
    }
    const { x, z, customdata, ...look } = heatmap;
    const same = [layout, look, x[0], x.at(-1), x.length, this.valuesAge];
    return reactIfChanged(document.getElementById("plot-input"), [heatmap], layout, config, same);
  }

  // The loss curve changes little from one frame to the next; redrawing it a few times a
  // second is enough, and leaves time for the panels.
  drawLossSometimes(frame) {
    this.viewedStep = frame.timeline_index === null ? null : frame.step;
    const now = performance.now();
    if (frame.training && now - (this.lossDrawnAt ?? 0) < LOSS_REDRAW_MS) return null;
    this.lossDrawnAt = now;
    return this.drawLoss();
  }

  drawLoss() {
    const { step, train, test } = this.loss;
    const traces = [
      { type: "scatter", mode: "lines", name: t("plot.trainLoss"), x: step, y: train, line: { color: "#333", width: 2 } },
      { type: "scatter", mode: "lines", name: t("plot.testLoss"), x: step, y: test, line: { color: "#888", width: 2, dash: "dot" } },
    ];
    const layout = {
      ...textLayout(12, { l: 50, r: 10, t: 24, b: 36 }),
      datarevision: step.length,  // the arrays grow in place, so tell Plotly they changed
      xaxis: { title: { text: t("plot.step") }, rangemode: "tozero", autorange: true },
      yaxis: { title: { text: t("plot.loss") }, rangemode: "tozero", autorange: true },
      legend: { orientation: "h", x: 1, xanchor: "right", y: 1, yanchor: "bottom" },
    };
    if (this.viewedStep !== null && this.viewedStep !== undefined) {
      // Where on the curve the snapshot on screen sits.
      layout.shapes = [{ type: "line", xref: "x", yref: "paper", x0: this.viewedStep, x1: this.viewedStep, y0: 0, y1: 1, line: { color: "#2b5fd9", width: 2 } }];
    }
    return Plotly.react("plot-loss", traces, layout, plotConfig());
  }

  // The input layer is the big input plot; every later layer gets a panel after it.
  drawLayers(frame) {
    this.frame = frame;
    const layers = frame.layers.slice(1);
    this.ensurePanels(layers, frame.layers);
    return Promise.all(layers.map((layer, i) => (this.isVisible(this.panels[i]) ? this.drawLayer(layer, i) : null)));
  }

  // A panel scrolled out of view is not redrawn; it catches up as soon as it is seen again.
  watchVisibility(element) {
    this.visible ??= new WeakSet();
    this.observer ??= new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          this.visible.add(entry.target);
          const i = this.panels.indexOf(entry.target);
          if (i >= 0) this.redrawPanel(i);
        } else {
          this.visible.delete(entry.target);
        }
      }
    });
    this.observer.observe(element);
  }

  isVisible(element) {
    return !this.observer || this.visible.has(element) || !this.drawnOnce?.has(element);
  }

  // Redraw one panel from the last frame, e.g. when its morph slider moves.
  redrawPanel(i) {
    if (this.frame) this.drawLayer(this.frame.layers[i + 1], i);
  }

  ensurePanels(layers, all) {
    const signature = layers.map((l) => `${l.units}${l.view}${l.dims}${l.activation}`).join("|");
    if (this.container.dataset.signature === signature) return;
    this.container.dataset.signature = signature;
    this.layerRanges = layers.map(() => ({ x: new StableRange(), y: new StableRange() }));
    this.morphAt = layers.map(() => OWN);
    this.panels = layers.map((layer, i) => {
      const panel = document.createElement("figure");
      panel.className = "layer";
      const title = document.createElement("h3");
      const note = document.createElement("p");
      note.className = "note";
      const plot = document.createElement("div");
      plot.className = "layer-plot";
      plot.id = `layer-plot-${layer.index}`;
      panel.append(title, note);
      if (layer.units >= 3 && layer.view !== "curve" && layer.view !== "simplex") panel.append(projectionControl(layer, this.onProjection));
      panel.append(plot);
      if (canMorph(layer, all[i])) {
        panel.append(morphControl(phrase(layer.name), layer.activation, (t) => { this.morphAt[i] = t; this.redrawPanel(i); }));
      }
      return panel;
    });
    this.container.replaceChildren(this.container.firstElementChild, ...this.panels);
    this.observer?.disconnect();
    this.observer = null;
    for (const panel of this.panels) this.watchVisibility(panel);
  }

  drawLayer(layer, i) {
    const panel = this.panels[i];
    (this.drawnOnce ??= new WeakSet()).add(panel);
    panel.querySelector("h3").textContent = panelTitle(layer);
    panel.querySelector(".note").textContent = phrase(layer.note);
    const ranges = this.layerRanges[i];
    if (layer.dims === 3) return this.drawLayer3d(panel, layer, ranges);
    const shown = morphed(layer, this.frame.layers[i], this.morphAt[i]);
    const curve = layer.view === "curve" || layer.view === "fit";
    const traces = curve ? this.curveTraces(layer, ranges) : this.planeTraces(shown, ranges);
    // Equal scales where both axes measure the same kind of thing; a projection's axes can
    // differ in spread by a factor of a hundred, and would then squash the picture flat.
    const equal = (layer.view === "plane" && layer.kind === "hidden") || layer.view === "simplex" || layer.view === "fit";
    const layout = {
      ...textLayout(11, { l: 48, r: 8, t: 6, b: 42 }), showlegend: false,
      xaxis: axis(phrase(layer.axes[0]), ranges.x.range, equal ? { constrain: "domain" } : {}),
      yaxis: axis(phrase(layer.axes[1]), ranges.y.range, equal ? { scaleanchor: "x", constrain: "domain" } : {}),
    };
    const { plotted, drawn } = split(traces);
    const element = panel.querySelector(".layer-plot");
    return reactIfChanged(element, plotted, layout, overlaidConfig()).then(() => overlayOf(element).draw(drawn, this.glideMs()));
  }

  // A layer seen in three dimensions: drag to rotate. The camera stays where the learner left it.
  drawLayer3d(panel, layer, ranges) {
    ranges.z ??= new StableRange();
    const fit = (key) => ranges[key].fit([...layer.points[key], ...layer.grid.vertical[key], ...layer.grid.horizontal[key]]);
    const range = { x: fit("x"), y: fit("y"), z: fit("z") };
    const line3d = (xyz, color, width, dash) => ({
      type: "scatter3d", mode: "lines", x: xyz.x, y: xyz.y, z: xyz.z, hoverinfo: "skip", showlegend: false, line: { color, width, dash },
    });
    const traces = [
      line3d(layer.grid.vertical, GRID_COLORS.vertical, 2, "solid"),
      line3d(layer.grid.horizontal, GRID_COLORS.horizontal, 2, "solid"),
      line3d(layer.boundary, BOUNDARY_COLOR, 4, "dash"),
      {
        type: "scatter3d", mode: "markers", x: layer.points.x, y: layer.points.y, z: layer.points.z, hoverinfo: "skip", showlegend: false,
        marker: this.data.problem === "regression"
          ? { size: 3, color: this.data.labels, colorscale: VALUE_SCALE, cmin: this.valueRange[0], cmax: this.valueRange[1] }
          : { size: 3, color: this.data.labels.map((label) => CLASS_COLORS[label]) },
      },
    ];
    if (layer.separator) traces.push(separatorPlane(layer.separator, range));
    const axis3d = (title, r) => ({ title: { text: title }, range: r, autorange: false });
    const layout = {
      ...textLayout(10, { l: 0, r: 0, t: 0, b: 0 }), showlegend: false, uirevision: `layer-${layer.index}`,
      scene: {
        xaxis: axis3d(phrase(layer.axes[0]), range.x), yaxis: axis3d(phrase(layer.axes[1]), range.y), zaxis: axis3d(phrase(layer.axes[2]), range.z),
        aspectmode: "cube",
      },
    };
    return Plotly.react(panel.querySelector(".layer-plot"), traces, layout, plotConfig());
  }

  planeTraces(layer, ranges) {
    // The output's class corners always fit: the triangle (polygon) is the whole space there.
    const corners = layer.corners ? { x: layer.corners.x.map((v) => v * 1.25), y: layer.corners.y.map((v) => v * 1.25) } : { x: [], y: [] };
    const xs = [...layer.points.x, ...layer.grid.vertical.x, ...layer.grid.horizontal.x, ...corners.x];
    const ys = [...layer.points.y, ...layer.grid.vertical.y, ...layer.grid.horizontal.y, ...corners.y];
    const xRange = ranges.x.fit(xs);
    const yRange = ranges.y.fit(ys);
    const traces = [
      lineTrace(layer.grid.vertical, GRID_COLORS.vertical, 1, "solid", "lines x1 = constant"),
      lineTrace(layer.grid.horizontal, GRID_COLORS.horizontal, 1, "solid", "lines x2 = constant"),
      landmarkTrace(layer.grid),
      lineTrace(layer.boundary, BOUNDARY_COLOR, 1.6, "dash", "decision boundary"),
    ];
    if (layer.separator) {
      const line = separatorTrace(layer.separator, xRange, yRange);
      if (line) traces.push(line);
    }
    if (layer.scores) traces.push(tieTrace(layer.scores, xRange, yRange));
    if (layer.ramp) traces.push(...levelTraces(layer.ramp, this.valueRange, xRange, yRange));
    if (layer.corners) traces.unshift(...cornerTraces(layer.corners));
    return [...traces, pointsTrace(this.data, layer.points, 6, this.display)];
  }

  curveTraces(layer, ranges) {
    const xRange = ranges.x.fit([...layer.points.x, ...layer.curve.x]);
    const yRange = ranges.y.fit([...layer.points.y, ...layer.curve.y]);
    if (layer.view === "fit") {  // a regression's output: prediction across, true value up
      return [lineTrace(layer.curve, "#999", 1.5, "dash", "exact"), pointsTrace(this.data, layer.points, 6, this.display)];
    }
    const traces = [lineTrace(layer.curve, "#999", 2, "solid", layer.activation)];
    const cut = layer.kind === "output" ? 0 : layer.threshold;
    if (cut !== null && cut !== undefined) traces.push(lineTrace({ x: [cut, cut], y: yRange }, BOUNDARY_COLOR, 1.6, "dash"));
    if (layer.kind === "output") traces.push(lineTrace({ x: xRange, y: [0.5, 0.5] }, "#bbb", 1, "dot"));
    return [...traces, pointsTrace(this.data, layer.points, 6, this.display)];
  }
}
