// Draws frames with Plotly: the input plane, the loss curve and one panel per layer.
// Every update goes through Plotly.react, which redraws only what changed.

import { BOUNDARY_COLOR, CLASS_COLORS, GRID_COLORS, PROBABILITY_SCALE } from "./colors.js";
import { StableRange } from "./ranges.js";

const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d"] };
const FONT = { family: "system-ui, sans-serif", size: 12 };

// The four kinds of point: class A or B, training or test.
function pointGroups(data) {
  const groups = [];
  for (const isTest of [false, true]) {
    for (const label of [0, 1]) {
      const index = [];
      data.labels.forEach((l, i) => { if (l === label && data.is_test[i] === isTest) index.push(i); });
      if (index.length) groups.push({ label, isTest, index, name: `${data.class_names[label]}${isTest ? " (test)" : ""}` });
    }
  }
  return groups;
}

function pointTraces(groups, points, size, showlegend) {
  return groups.map((g) => ({
    type: "scatter",
    mode: "markers",
    name: g.name,
    showlegend,
    x: g.index.map((i) => points.x[i]),
    y: g.index.map((i) => points.y[i]),
    hovertemplate: `${g.name}<br>(%{x:.3f}, %{y:.3f})<extra></extra>`,
    marker: g.isTest
      ? { size, symbol: "circle-open", color: CLASS_COLORS[g.label], line: { width: 1.6 } }
      : { size, color: CLASS_COLORS[g.label], line: { color: "#fff", width: 0.8 } },
  }));
}

function lineTrace(xy, color, width, dash, name) {
  return { type: "scatter", mode: "lines", x: xy.x, y: xy.y, name, showlegend: false, hoverinfo: "skip", line: { color, width, dash } };
}

function axis(title, range, extra = {}) {
  return { title: { text: title, standoff: 4 }, range, zeroline: false, showgrid: false, ticks: "outside", ...extra };
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

export class Plots {
  constructor() {
    this.groups = null;
    this.dataKey = null;
    this.layerRanges = [];
    this.loss = { step: [], train: [], test: [] };
    this.container = document.getElementById("layers");
  }

  // Forget everything drawn from the previous run (new config or reset).
  clear() {
    this.loss = { step: [], train: [], test: [] };
    for (const range of this.layerRanges) { range.x.reset(); range.y.reset(); }
    this.dataKey = null;
  }

  async draw(frame) {
    const key = `${frame.data.labels.length}:${frame.data.labels.join("")}:${frame.data.is_test.map(Number).join("")}`;
    if (key !== this.dataKey) { this.groups = pointGroups(frame.data); this.dataKey = key; }
    this.addLoss(frame);
    await Promise.all([this.drawInput(frame), this.drawLoss(), this.drawLayers(frame)]);
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
    const { x, y, p } = frame.boundary;
    const heatmap = {
      type: "heatmap", x, y, z: p, zmin: 0, zmax: 1, colorscale: PROBABILITY_SCALE, showscale: true,
      colorbar: { title: { text: "P(B)", side: "right" }, thickness: 10, len: 0.8, tickvals: [0, 0.5, 1] },
      hovertemplate: "x1 %{x:.2f}, x2 %{y:.2f}<br>P(B) = %{z:.2f}<extra></extra>",
    };
    const boundary = { ...lineTrace(frame.layers[0].boundary, BOUNDARY_COLOR, 2, "solid"), name: "boundary (P = 0.5)", showlegend: true };
    const range = [x[0], x.at(-1)];
    const layout = {
      margin: { l: 45, r: 10, t: 10, b: 40 }, font: FONT, uirevision: "input",
      xaxis: axis("x1", range, { constrain: "domain" }),
      yaxis: axis("x2", range, { scaleanchor: "x", constrain: "domain" }),
      legend: { orientation: "h", y: -0.14, x: 0 },
    };
    return Plotly.react("plot-input", [heatmap, boundary, ...pointTraces(this.groups, frame.layers[0].points, 8, true)], layout, CONFIG);
  }

  drawLoss() {
    const { step, train, test } = this.loss;
    const traces = [
      { type: "scatter", mode: "lines", name: "training loss", x: step, y: train, line: { color: "#333", width: 2 } },
      { type: "scatter", mode: "lines", name: "test loss", x: step, y: test, line: { color: "#888", width: 2, dash: "dot" } },
    ];
    const layout = {
      margin: { l: 50, r: 10, t: 10, b: 40 }, font: FONT, uirevision: "loss",
      datarevision: step.length,  // the arrays grow in place, so tell Plotly they changed
      xaxis: { title: { text: "step" }, rangemode: "tozero" },
      yaxis: { title: { text: "loss (cross-entropy)" }, rangemode: "tozero" },
      legend: { orientation: "h", y: 1.1, x: 0 },
    };
    return Plotly.react("plot-loss", traces, layout, CONFIG);
  }

  drawLayers(frame) {
    this.ensurePanels(frame.layers);
    return Promise.all(frame.layers.map((layer, i) => this.drawLayer(layer, i)));
  }

  ensurePanels(layers) {
    const signature = layers.map((l) => `${l.units}${l.view}`).join("|");
    if (this.container.dataset.signature === signature) return;
    this.container.dataset.signature = signature;
    this.layerRanges = layers.map(() => ({ x: new StableRange(), y: new StableRange() }));
    this.container.replaceChildren(...layers.map((layer, i) => {
      const panel = document.createElement("figure");
      panel.className = "layer";
      const title = document.createElement("h3");
      const note = document.createElement("p");
      note.className = "note";
      const plot = document.createElement("div");
      plot.className = "layer-plot";
      plot.id = `layer-plot-${i}`;
      panel.append(title, note, plot);
      return panel;
    }));
  }

  drawLayer(layer, i) {
    const panel = this.container.children[i];
    const units = `${layer.units} neuron${layer.units === 1 ? "" : "s"}`;
    panel.querySelector("h3").textContent = layer.kind === "input" ? `${layer.name}` : `${layer.name} · ${units} · ${layer.activation}`;
    panel.querySelector(".note").textContent = layer.note;
    const ranges = this.layerRanges[i];
    const traces = layer.view === "curve" ? this.curveTraces(layer, ranges) : this.planeTraces(layer, ranges);
    // Equal scales where both axes measure the same kind of thing; a projection's axes can
    // differ in spread by a factor of a hundred, and would then squash the picture flat.
    const equal = layer.view === "plane";
    const layout = {
      margin: { l: 48, r: 8, t: 6, b: 42 }, font: { ...FONT, size: 11 }, showlegend: false,
      xaxis: axis(layer.axes[0], ranges.x.range, equal ? { constrain: "domain" } : {}),
      yaxis: axis(layer.axes[1], ranges.y.range, equal ? { scaleanchor: "x", constrain: "domain" } : {}),
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
      lineTrace(layer.boundary, BOUNDARY_COLOR, 1.6, "dash", "decision boundary"),
    ];
    if (layer.separator) {
      const line = separatorTrace(layer.separator, xRange, yRange);
      if (line) traces.push(line);
    }
    return [...traces, ...pointTraces(this.groups, layer.points, 6, false)];
  }

  curveTraces(layer, ranges) {
    const xRange = ranges.x.fit([...layer.points.x, ...layer.curve.x]);
    const yRange = ranges.y.fit([...layer.points.y, ...layer.curve.y]);
    const traces = [lineTrace(layer.curve, "#999", 2, "solid", layer.activation)];
    const cut = layer.kind === "output" ? 0 : layer.threshold;
    if (cut !== null && cut !== undefined) traces.push(lineTrace({ x: [cut, cut], y: yRange }, BOUNDARY_COLOR, 1.6, "dash"));
    if (layer.kind === "output") traces.push(lineTrace({ x: xRange, y: [0.5, 0.5] }, "#bbb", 1, "dot"));
    return [...traces, ...pointTraces(this.groups, layer.points, 6, false)];
  }
}
