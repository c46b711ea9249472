// The Compare view: six classical models beside the network, on the same points. The server fits
// them (scikit-learn); this draws each decision map with the input plot's axes, colours and
// points. It asks the server only while the view is open, and again only when the points (or a
// model's settings) change; the server keeps recent fits, so looking again costs nothing. Its
// colours and class names are those of the frame it is given.

import { ApiError } from "./api.js";
import { onLanguageChange, register, t, translatePage } from "./i18n.js";
import { pageOptions } from "./options.js";
import { plotConfig } from "./plot_config.js";
import { plotlyLoaded, plotlyReady } from "./plotly_loader.js";
import { textLayout } from "./plot_text.js";
import { pointsTrace } from "./traces.js";
import strings from "./strings/compare.js";

register(strings);

// Each model's settings, in the order its controls appear (none for naive Bayes).
const SETTINGS = {
  logistic: ["logistic_c"],
  naive_bayes: [],
  svm: ["svm_c", "svm_gamma"],
  tree: ["tree_depth"],
  forest: ["forest_trees", "forest_depth"],
  boosting: ["boosting_rounds", "boosting_depth"],
};
const WHOLE_NUMBERS = new Set(["tree_depth", "forest_trees", "forest_depth", "boosting_rounds", "boosting_depth"]);
const PANELS = ["network", ...Object.keys(SETTINGS)];
const NETWORK_REDRAW_MS = 250;  // while training, the network's panel need not keep every frame
const SHOW_ALL = { showTest: true };

function percent(value) {
  return value === null || value === undefined ? "–" : `${Math.round(value * 100)}%`;
}

function bytes(base64) {
  const raw = atob(base64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) out[i] = raw.charCodeAt(i);
  return out;
}

// Rows of a square grid from a flat, row-by-row array.
function rows(values, side) {
  return Array.from({ length: side }, (_, r) => Array.from(values.slice(r * side, (r + 1) * side)));
}

// What the classical models are fitted on: the points, their classes and split, the plane and the
// seed. Training the network changes none of it.
/** @param {import("./frame_types.js").Frame} frame */
function dataKey(frame, seed) {
  const { points } = frame.layers[0];
  const { x } = frame.boundary;
  return [seed, x[0], x.at(-1), frame.data.labels.join(""), frame.data.is_test.map(Number).join(""), points.x.join(), points.y.join()].join("|");
}

function twoClasses(classes) {
  return classes.length === 2 && classes[0] === 0 && classes[1] === 1;
}

// A decision map as heatmap traces, in the frame's colours. Two classes: the probability of B,
// shaded as the network's input plot is, with the line where it is 0.5. More classes: each cell
// tinted by its class.
/** @param {import("./frame_types.js").Frame} frame */
function mapTraces(model, axis, classes, frame) {
  const side = axis.length;
  const predicted = bytes(model.map.classes);
  const sure = bytes(model.map.confidence);
  const hover = "x1 %{x:.2f}, x2 %{y:.2f}<br>%{z:.2f}<extra></extra>";
  if (twoClasses(classes)) {
    const pB = Array.from(predicted, (c, i) => (c === 1 ? sure[i] : 255 - sure[i]) / 255);
    const z = rows(pB, side);
    return [
      { type: "heatmap", x: axis, y: axis, z, zmin: 0, zmax: 1, colorscale: frame.palette.probability, showscale: false, zsmooth: "fast", hovertemplate: hover },
      {
        type: "contour", x: axis, y: axis, z, showscale: false, hoverinfo: "skip",
        contours: { start: 0.5, end: 0.5, size: 1, coloring: "none" }, line: { color: frame.palette.boundary, width: 2 },
      },
    ];
  }
  return [classMap(axis, rows(predicted, side), Math.max(...classes, 1), frame.data)];
}

// Each cell tinted by the class predicted there (classes 0 to top), named on hover, with the
// data's class colours and names. The rows may be typed (the network's map in a packed frame).
/** @param {import("./frame_types.js").Data} data */
function classMap(axis, classRows, top, data) {
  const scale = [];
  for (let k = 0; k <= top; k += 1) {
    const color = data.class_colors[k] ?? "#888888";
    scale.push([k / (top + 1), color], [(k + 1) / (top + 1), color]);
  }
  const names = classRows.map((row) => Array.from(row, (c) => data.class_names[c] ?? String(c)));
  return {
    type: "heatmap", x: axis, y: axis, z: classRows, zmin: -0.5, zmax: top + 0.5, colorscale: scale,
    opacity: 0.35, showscale: false, zsmooth: "fast", customdata: names,
    hovertemplate: `x1 %{x:.2f}, x2 %{y:.2f}<br>${t("compare.hover.class")}<extra></extra>`,
  };
}

export class Compare {
  // state: the page's ConfigState (the run's seed is part of what the models are fitted on).
  constructor(client, state, root) {
    this.client = client;
    this.state = state;
    this.root = root;
    this.details = root.querySelector("details");
    this.grid = root.querySelector(".compare-grid");
    this.status = root.querySelector(".compare-status");
    this.settings = null;  // the server's defaults until the learner changes one
    this.limits = null;
    this.frame = null;
    this.fitted = null;  // { key, frame, result }: what the classical panels show
    this.generation = 0;
    this.networkDrawnAt = 0;
    this.statusText = () => "";
    this.panels = Object.fromEntries(PANELS.map((name) => [name, this.makePanel(name)]));
    this.grid.replaceChildren(...Object.values(this.panels).map((panel) => panel.figure));
    this.details.addEventListener("toggle", () => { if (this.details.open) this.refresh(); });
    onLanguageChange(() => this.retranslate());
    translatePage(root);
  }

  get open() {
    return this.details.open;
  }

  // Every frame the page shows comes here; nothing happens unless the view is open.
  /** @param {import("./frame_types.js").Frame} frame */
  showFrame(frame) {
    this.frame = frame;
    if (!this.open) return;
    if (this.fitted?.key !== dataKey(frame, this.state.run?.seed)) {
      this.refresh();
      return;
    }
    const now = performance.now();
    if (frame.training && now - this.networkDrawnAt < NETWORK_REDRAW_MS) return;
    this.drawNetwork();
  }

  // Fit (or fetch the cached fit) for the current points and settings, then draw everything
  // (once Plotly.js has loaded: the view may be opened before).
  async refresh() {
    if (!this.frame) return;
    const generation = ++this.generation;
    await plotlyReady;
    if (generation !== this.generation) return;
    const frame = this.frame;
    const key = dataKey(frame, this.state.run?.seed);
    this.drawNetwork();
    this.say(() => t("compare.fitting"));
    try {
      const limits = this.limits ?? this.fetchLimits();
      const query = this.settings ? `?${new URLSearchParams(this.settings)}` : "";
      const { body } = await this.client.call("GET", `compare${query}`);
      this.limits = await limits;
      if (generation !== this.generation) return;  // a newer refresh has started
      this.settings = body.settings;  // every setting, as the fit used them
      this.fitted = { key, frame, result: body };
      const total = body.models.reduce((sum, m) => sum + m.fit_ms, 0);
      this.say(() => (body.cached ? t("compare.cached") : t("compare.fitted", { ms: Math.round(total) })));
      this.drawClassical();
    } catch (error) {
      if (generation !== this.generation) return;
      if (!(error instanceof ApiError)) console.error(error);  // a bug, not a refusal
      this.say(() => t("compare.unavailable", { reason: error.message }));
      if (this.fitted?.key === key) return;  // same points: keep showing the last good fit
      this.fitted = { key, frame, result: null };  // do not ask again until the points change
      this.drawClassical();
    }
  }

  // A lesson's experiment: these model settings on top of the current ones ({} keeps them,
  // null goes back to the server's defaults), and the view opened (it then fits and draws).
  use(settings, open = true) {
    this.settings = settings === null ? null : { ...this.settings, ...settings };
    if (!open) {
      if (this.open) this.refresh();
      return;
    }
    if (this.open) this.refresh();
    else this.details.open = true;  // its toggle event refreshes
  }

  async fetchLimits() {
    return pageOptions().limits;
  }

  say(text) {
    this.statusText = text;
    this.status.textContent = text();
  }

  makePanel(name) {
    const figure = document.createElement("figure");
    figure.className = "compare-panel";
    figure.dataset.model = name;
    const title = document.createElement("h3");
    const how = document.createElement("p");
    how.className = "note";
    const plot = document.createElement("div");
    plot.className = "compare-plot";
    const scores = document.createElement("p");
    scores.className = "compare-scores";
    const controls = document.createElement("div");
    controls.className = "compare-controls";
    figure.append(title, how, plot, scores, controls);
    return { figure, title, how, plot, scores, controls, name };
  }

  retranslate() {
    this.status.textContent = this.statusText();
    translatePage(this.root);
    for (const panel of Object.values(this.panels)) this.writeText(panel);
    this.redraw();
  }

  // Every panel drawn again from what it shows (after a change of language or of text size).
  redraw() {
    if (this.fitted) this.drawClassical();
    this.drawNetwork();
  }

  writeText(panel) {
    panel.title.textContent = t(`compare.model.${panel.name}`);
    panel.how.textContent = t(`compare.how.${panel.name}`);
  }

  // The controls of one model, built from the server's limits once the first fit is in.
  writeControls(panel) {
    if (panel.name === "network" || SETTINGS[panel.name].length === 0) {
      const hint = document.createElement("span");
      hint.className = "compare-hint";
      hint.textContent = t(panel.name === "network" ? "compare.networkSettings" : "compare.noSettings");
      panel.controls.replaceChildren(hint);
      return;
    }
    if (!this.settings || !this.limits) return;
    panel.controls.replaceChildren(...SETTINGS[panel.name].map((name) => {
      const { min, max } = this.limits[name];
      const label = document.createElement("label");
      label.title = t("compare.range", { min, max });
      const text = document.createElement("span");
      text.textContent = t(`compare.param.${name}`);
      const input = document.createElement("input");
      Object.assign(input, { type: "number", name, min, max, step: WHOLE_NUMBERS.has(name) ? 1 : "any", value: this.settings[name] });
      input.addEventListener("change", () => {
        if (input.value === "" || !input.checkValidity()) {  // the server would refuse it too
          this.say(() => `${t(`compare.param.${name}`)}: ${t("compare.range", { min, max })}`);
          return;
        }
        this.settings = { ...this.settings, [name]: input.value };
        this.refresh();
      });
      label.append(text, input);
      return label;
    }));
  }

  drawNetwork() {
    const frame = this.frame;
    if (!frame || !this.open || !plotlyLoaded()) return;
    this.networkDrawnAt = performance.now();
    const panel = this.panels.network;
    this.writeText(panel);
    if (!panel.controls.hasChildNodes()) this.writeControls(panel);
    const { x, y, p } = frame.boundary;
    const input = frame.layers[0];
    // With more classes, the map the classical panels show: each spot's predicted class.
    const map = frame.problem === "multiclass"
      ? classMap(x, frame.boundary.class, frame.data.class_names.length - 1, frame.data)
      : { type: "heatmap", x, y, z: p, zmin: 0, zmax: 1, colorscale: frame.palette.probability, showscale: false, zsmooth: "fast", hovertemplate: "x1 %{x:.2f}, x2 %{y:.2f}<br>%{z:.2f}<extra></extra>" };
    const traces = [
      map,
      { type: "scatter", mode: "lines", x: input.boundary.x, y: input.boundary.y, hoverinfo: "skip", showlegend: false, line: { color: frame.palette.boundary, width: 2 } },
      pointsTrace(frame, input.points, 5, SHOW_ALL),
    ];
    const m = frame.metrics;
    panel.scores.textContent = t("compare.networkScores", { train: percent(m.train_accuracy), test: percent(m.test_accuracy), step: frame.step });
    Plotly.react(panel.plot, traces, this.layout(x), plotConfig());
  }

  drawClassical() {
    const { frame, result } = this.fitted;
    for (const name of Object.keys(SETTINGS)) {
      const panel = this.panels[name];
      this.writeText(panel);
      this.writeControls(panel);
      const model = result?.models.find((m) => m.model === name);
      if (!model) {
        panel.scores.textContent = "–";
        Plotly.purge(panel.plot);
        continue;
      }
      panel.scores.textContent = t("compare.scores", {
        train: percent(model.train_accuracy), test: percent(model.test_accuracy), ms: model.fit_ms.toFixed(model.fit_ms < 10 ? 1 : 0),
      });
      const traces = [...mapTraces(model, result.axis, result.classes, frame), pointsTrace(frame, frame.layers[0].points, 5, SHOW_ALL)];
      // A class map's cells are drawn sharp by the page's stylesheet: Plotly's way (zsmooth:
      // false) writes an inline style attribute, which the Content-Security-Policy refuses.
      panel.plot.classList.toggle("sharp-cells", !twoClasses(result.classes));
      Plotly.react(panel.plot, traces, this.layout(result.axis), plotConfig());
    }
  }

  layout(axis) {
    const range = [axis[0], axis.at(-1)];
    const common = { range, zeroline: false, showgrid: false, ticks: "outside", fixedrange: true };
    return {
      ...textLayout(10, { l: 30, r: 6, t: 4, b: 28 }), showlegend: false,
      xaxis: { ...common, title: { text: "x1", standoff: 2 }, constrain: "domain" },
      yaxis: { ...common, title: { text: "x2", standoff: 2 }, scaleanchor: "x", constrain: "domain" },
    };
  }
}
