// Draws frames with Plotly: the input plane, the loss curve and one panel per layer.
// Every update goes through Plotly.react, which redraws only what changed.

import { BOUNDARY_COLOR, CLASS_COLORS, GRID_COLORS, PROBABILITY_SCALE } from "./colors.js";
import { OWN, canMorph, morphControl, morphed } from "./morph.js";
import { projectionControl } from "./projection.js";
import { StableRange } from "./ranges.js";

const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d"] };
const LOSS_REDRAW_MS = 250;
// Plotly draws its own text, so projector mode scales it here too.
function font(size) {
  const scale = document.body.classList.contains("large-text") ? 1.4 : 1;
  return { family: "system-ui, sans-serif", size: Math.round(size * scale) };
}

// All points in one trace, coloured by class, hollow if test: one trace draws much faster
// than four, and the layer panels need no legend. (The Compare view draws its points with it too.)
export function pointsTrace(data, points, size, display) {
  const shown = (i) => display.showTest || !data.is_test[i];
  const keep = (values) => (display.showTest ? values : values.filter((_, i) => shown(i)));
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

function lineTrace(xy, color, width, dash, name) {
  return { type: "scatter", mode: "lines", x: xy.x, y: xy.y, name, showlegend: false, hoverinfo: "skip", line: { color, width, dash } };
}

function axis(title, range, extra = {}) {
  return { title: { text: title, standoff: 4 }, range, zeroline: false, showgrid: false, ticks: "outside", ...extra };
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
  return { ...lineTrace(xy, BOUNDARY_COLOR, 2.5, "solid"), name: "output unit's line" };
}

function panelTitle(layer) {
  if (layer.kind === "features") {
    return `Features (hand-made) · ${layer.units === 1 ? layer.axes[0] : `${layer.units} inputs`}`;
  }
  const units = `${layer.units} neuron${layer.units === 1 ? "" : "s"}`;
  return `${layer.name} · ${units} · ${layer.activation}`;
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

export class Plots {
  // onProjection(body) is called when the learner changes how a wide layer is shown.
  // onPlaneClick(x1, x2, shift) is called when the learner clicks the input plane.
  constructor(onProjection, onPlaneClick) {
    this.onProjection = onProjection;
    this.onPlaneClick = onPlaneClick;
    this.display = { showTest: true, discretize: false };
    this.layerRanges = [];
    this.loss = { step: [], train: [], test: [] };
    this.container = document.getElementById("layers");
  }

  // Display choices that need no server: redraw the last frame with them.
  setDisplay(changes) {
    Object.assign(this.display, changes);
    if (this.frame) this.draw(this.frame);
  }

  // Forget everything drawn from the previous run (new config or reset).
  clear() {
    this.loss = { step: [], train: [], test: [] };
    for (const range of this.layerRanges) { range.x.reset(); range.y.reset(); }
  }

  async draw(frame) {
    this.data = frame.data;
    if (frame.timeline_index === null) this.addLoss(frame);  // a look back adds nothing
    await Promise.all([this.drawInput(frame), this.drawLossSometimes(frame), this.drawLayers(frame)]);
  }

  addLoss(frame) {
    const loss = this.loss;
    if (loss.step.length && frame.step < loss.step.at(-1)) { loss.step = []; loss.train = []; loss.test = []; }
    if (loss.step.length && frame.step === loss.step.at(-1)) return;
    loss.step.push(frame.step);
    loss.train.push(frame.metrics.train_loss);
    loss.test.push(frame.metrics.test_loss);
  }

  drawInput(frame) {
    const { x, y } = frame.boundary;
    const p = this.display.discretize ? frame.boundary.p.map((row) => row.map((v) => (v >= 0.5 ? 1 : 0))) : frame.boundary.p;
    const heatmap = {
      type: "heatmap", x, y, z: p, zmin: 0, zmax: 1, colorscale: PROBABILITY_SCALE, showscale: false,
      // Drawn at the grid's own resolution and scaled up by the browser: far cheaper per frame.
      zsmooth: "fast",
      hovertemplate: "x1 %{x:.2f}, x2 %{y:.2f}<br>P(B) = %{z:.2f}<extra></extra>",
    };
    const input = frame.layers[0];
    const boundary = { ...lineTrace(input.boundary, BOUNDARY_COLOR, 2, "solid"), name: "boundary (P = 0.5)", showlegend: true };
    const grid = [
      lineTrace(input.grid.vertical, GRID_COLORS.vertical, 0.6, "solid"),
      lineTrace(input.grid.horizontal, GRID_COLORS.horizontal, 0.6, "solid"),
      landmarkTrace(input.grid),
    ];
    const range = [x[0], x.at(-1)];
    const layout = {
      // The legend is HTML beside the plot: Plotly re-measures its own on every redraw.
      margin: { l: 45, r: 10, t: 10, b: 40 }, font: font(12), uirevision: "input", showlegend: false,
      xaxis: axis("x1", range, { constrain: "domain" }),
      yaxis: axis("x2", range, { scaleanchor: "x", constrain: "domain" }),
    };
    // Quick clicks add points one by one: none may be taken for a double click (axis reset).
    const config = { ...CONFIG, doubleClick: false, doubleClickDelay: 1 };
    const drawn = Plotly.react("plot-input", [heatmap, ...grid, boundary, pointsTrace(this.data, input.points, 8, this.display)], layout, config);
    return drawn.then((element) => {
      if (!this.clickBound) {
        // Clicks land on the heatmap cell (or the point) under the mouse: its x, y are the spot.
        element.on("plotly_click", (event) => {
          const spot = event.points[0];
          this.onPlaneClick(spot.x, spot.y, event.event.shiftKey);
        });
        this.clickBound = true;
      }
    });
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
      { type: "scatter", mode: "lines", name: "training loss", x: step, y: train, line: { color: "#333", width: 2 } },
      { type: "scatter", mode: "lines", name: "test loss", x: step, y: test, line: { color: "#888", width: 2, dash: "dot" } },
    ];
    const layout = {
      margin: { l: 50, r: 10, t: 24, b: 36 }, font: font(12),
      datarevision: step.length,  // the arrays grow in place, so tell Plotly they changed
      xaxis: { title: { text: "step" }, rangemode: "tozero", autorange: true },
      yaxis: { title: { text: "loss" }, rangemode: "tozero", autorange: true },
      legend: { orientation: "h", x: 1, xanchor: "right", y: 1, yanchor: "bottom" },
    };
    if (this.viewedStep !== null && this.viewedStep !== undefined) {
      // Where on the curve the snapshot on screen sits.
      layout.shapes = [{ type: "line", xref: "x", yref: "paper", x0: this.viewedStep, x1: this.viewedStep, y0: 0, y1: 1, line: { color: "#2b5fd9", width: 2 } }];
    }
    return Plotly.react("plot-loss", traces, layout, CONFIG);
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
      if (layer.units >= 3 && layer.view !== "curve") panel.append(projectionControl(layer, this.onProjection));
      panel.append(plot);
      if (canMorph(layer, all[i])) {
        panel.append(morphControl(layer.name, layer.activation, (t) => { this.morphAt[i] = t; this.redrawPanel(i); }));
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
    panel.querySelector(".note").textContent = layer.note;
    const ranges = this.layerRanges[i];
    if (layer.dims === 3) return this.drawLayer3d(panel, layer, ranges);
    const shown = morphed(layer, this.frame.layers[i], this.morphAt[i]);
    const traces = layer.view === "curve" ? this.curveTraces(layer, ranges) : this.planeTraces(shown, ranges);
    // Equal scales where both axes measure the same kind of thing; a projection's axes can
    // differ in spread by a factor of a hundred, and would then squash the picture flat.
    const equal = layer.view === "plane" && layer.kind === "hidden";
    const layout = {
      margin: { l: 48, r: 8, t: 6, b: 42 }, font: font(11), showlegend: false,
      xaxis: axis(layer.axes[0], ranges.x.range, equal ? { constrain: "domain" } : {}),
      yaxis: axis(layer.axes[1], ranges.y.range, equal ? { scaleanchor: "x", constrain: "domain" } : {}),
    };
    return Plotly.react(panel.querySelector(".layer-plot"), traces, layout, CONFIG);
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
        marker: { size: 3, color: this.data.labels.map((label) => CLASS_COLORS[label]) },
      },
    ];
    if (layer.separator) traces.push(separatorPlane(layer.separator, range));
    const axis3d = (title, r) => ({ title: { text: title }, range: r, autorange: false });
    const layout = {
      margin: { l: 0, r: 0, t: 0, b: 0 }, font: font(10), showlegend: false, uirevision: `layer-${layer.index}`,
      scene: {
        xaxis: axis3d(layer.axes[0], range.x), yaxis: axis3d(layer.axes[1], range.y), zaxis: axis3d(layer.axes[2], range.z),
        aspectmode: "cube",
      },
    };
    return Plotly.react(panel.querySelector(".layer-plot"), traces, layout, CONFIG);
  }

  planeTraces(layer, ranges) {
    const xs = [...layer.points.x, ...layer.grid.vertical.x, ...layer.grid.horizontal.x];
    const ys = [...layer.points.y, ...layer.grid.vertical.y, ...layer.grid.horizontal.y];
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
    return [...traces, pointsTrace(this.data, layer.points, 6, this.display)];
  }

  curveTraces(layer, ranges) {
    const xRange = ranges.x.fit([...layer.points.x, ...layer.curve.x]);
    const yRange = ranges.y.fit([...layer.points.y, ...layer.curve.y]);
    const traces = [lineTrace(layer.curve, "#999", 2, "solid", layer.activation)];
    const cut = layer.kind === "output" ? 0 : layer.threshold;
    if (cut !== null && cut !== undefined) traces.push(lineTrace({ x: [cut, cut], y: yRange }, BOUNDARY_COLOR, 1.6, "dash"));
    if (layer.kind === "output") traces.push(lineTrace({ x: xRange, y: [0.5, 0.5] }, "#bbb", 1, "dot"));
    return [...traces, pointsTrace(this.data, layer.points, 6, this.display)];
  }
}
