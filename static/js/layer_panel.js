// One layer's panel: its title and note, its plot (flat, with a canvas overlay for what moves;
// or in 3D), and its controls (how a wide layer is shown, the morph slider between its two
// moves). It draws the layer as the frame gives it.

import { phrase, t } from "./i18n.js";
import { OWN, canMorph, morphControl, morphed } from "./morph.js";
import { overlaidConfig, reactIfChanged, split } from "./overlaid_plot.js";
import { overlayOf } from "./overlay.js";
import { cornerTraces, curveMarks, landmarkTrace, levelTraces, separatorPlane, separatorTrace, tieTrace } from "./panel_traces.js";
import { plotConfig } from "./plot_config.js";
import { plotlyLoaded } from "./plotly_loader.js";
import { textLayout } from "./plot_text.js";
import { projectionControl } from "./projection.js";
import { StableRange } from "./ranges.js";
import { axis, lineTrace, pointsTrace, valueRange } from "./traces.js";

/** @typedef {import("./frame_types.js").Frame} Frame */
/** @typedef {import("./frame_types.js").LayerView} LayerView */

/** @param {LayerView} layer */
function panelTitle(layer) {
  if (layer.kind === "features") {
    const what = layer.units === 1 ? phrase(layer.axes[0]) : t("panel.inputs", { n: layer.units });
    return t("panel.features", { what });
  }
  const units = layer.units === 1 ? t("panel.units.one") : t("panel.units", { n: layer.units });
  return `${phrase(layer.name)} · ${units} · ${layer.activation}`;
}

// What makes a panel's controls: a panel is built anew when this changes.
/** @param {LayerView} layer */
export function panelSignature(layer) {
  return `${layer.units}${layer.view}${layer.dims}${layer.activation}`;
}

export class LayerPanel {
  /**
   * @param {LayerView} layer the layer, as first shown
   * @param {LayerView} previous the layer before it, the morph slider's start
   * @param {(body: object) => void} onProjection called when the learner changes how it is shown
   * @param {() => void} redraw called when its morph slider moves
   */
  constructor(layer, previous, onProjection, redraw) {
    // Axis ranges that stay put while the data moves a little (ranges.js).
    this.ranges = { x: new StableRange(), y: new StableRange(), z: new StableRange() };
    this.morphAt = OWN;  // the morph slider's position: the layer itself
    this.drawn = false;
    this.element = document.createElement("figure");
    this.element.className = "layer";
    this.title = document.createElement("h3");
    this.note = document.createElement("p");
    this.note.className = "note";
    this.plot = document.createElement("div");
    this.plot.className = "layer-plot";
    this.plot.id = `layer-plot-${layer.index}`;
    this.element.append(this.title, this.note);
    if (layer.units >= 3 && layer.view !== "curve" && layer.view !== "simplex") this.element.append(projectionControl(layer, onProjection));
    this.element.append(this.plot);
    if (canMorph(layer, previous)) {
      this.element.append(morphControl(phrase(layer.name), layer.activation, (at) => { this.morphAt = at; redraw(); }));
    }
  }

  // Forget the ranges of the previous run.
  clear() {
    for (const range of Object.values(this.ranges)) range.reset();
  }

  /**
   * @param {Frame} frame the frame the layer is of (its data and palette)
   * @param {LayerView} layer
   * @param {LayerView} previous the layer before it
   * @param {{showTest: boolean}} display
   * @param {number} glideMs how long its points and lines glide to their new places (0: jump)
   */
  draw(frame, layer, previous, display, glideMs) {
    this.drawn = true;
    this.title.textContent = panelTitle(layer);
    this.note.textContent = phrase(layer.note);
    if (layer.dims === 3) return this.draw3d(frame, layer);
    const curve = layer.view === "curve" || layer.view === "fit";
    const shown = curve ? layer : morphed(layer, previous, this.morphAt);  // what is on screen
    const traces = curve ? this.curveTraces(frame, layer, display) : this.planeTraces(frame, shown, display);
    // Equal scales where both axes measure the same kind of thing; a projection's axes can
    // differ in spread by a factor of a hundred, and would then squash the picture flat.
    const equal = (layer.view === "plane" && layer.kind === "hidden") || layer.view === "simplex" || layer.view === "fit";
    const layout = {
      ...textLayout(11, { l: 48, r: 8, t: 6, b: 42 }), showlegend: false,
      xaxis: axis(phrase(shown.axes[0]), this.ranges.x.range, equal ? { constrain: "domain" } : {}),
      yaxis: axis(phrase(shown.axes[1]), this.ranges.y.range, equal ? { scaleanchor: "x", constrain: "domain" } : {}),
    };
    const { plotted, drawn } = split(traces);
    return reactIfChanged(this.plot, plotted, layout, overlaidConfig()).then(() => overlayOf(this.plot).draw(drawn, glideMs));
  }

  // A layer seen in three dimensions: drag to rotate. The camera stays where the learner left it.
  // Only Plotly draws it: until Plotly.js has loaded, it waits (plots.js draws it then).
  /** @param {Frame} frame @param {LayerView} layer */
  draw3d(frame, layer) {
    if (!plotlyLoaded()) return null;
    const { data, palette } = frame;
    const fit = (key) => this.ranges[key].fit(layer.points[key], layer.grid.vertical[key], layer.grid.horizontal[key]);
    const range = { x: fit("x"), y: fit("y"), z: fit("z") };
    const line3d = (xyz, color, width, dash) => ({
      type: "scatter3d", mode: "lines", x: xyz.x, y: xyz.y, z: xyz.z, hoverinfo: "skip", showlegend: false, line: { color, width, dash },
    });
    let marker;
    if (data.problem === "regression") {
      const [cmin, cmax] = valueRange(data);
      marker = { size: 3, color: data.labels, colorscale: palette.value, cmin, cmax };
    } else {
      marker = { size: 3, color: Array.from(data.labels, (label) => data.class_colors[label]) };
    }
    const traces = [
      line3d(layer.grid.vertical, palette.grid_vertical, 2, "solid"),
      line3d(layer.grid.horizontal, palette.grid_horizontal, 2, "solid"),
      line3d(layer.boundary, palette.boundary, 4, "dash"),
      { type: "scatter3d", mode: "markers", x: layer.points.x, y: layer.points.y, z: layer.points.z, hoverinfo: "skip", showlegend: false, marker },
    ];
    if (layer.separator) traces.push(separatorPlane(layer.separator, range, palette.boundary));
    // No tick labels: they would push the axis titles out of the panel, and a projection's
    // coordinates (distances from the points' centre) mean little to a learner anyway.
    const axis3d = (title, r) => ({ title: { text: title }, range: r, autorange: false, showticklabels: false });
    const layout = {
      ...textLayout(10, { l: 0, r: 0, t: 0, b: 0 }), showlegend: false, uirevision: `layer-${layer.index}`,
      scene: {
        xaxis: axis3d(phrase(layer.axes[0]), range.x), yaxis: axis3d(phrase(layer.axes[1]), range.y), zaxis: axis3d(phrase(layer.axes[2]), range.z),
        aspectmode: "cube",
        // From further off than Plotly's own (1.25 on each axis): the axis titles sit beyond
        // the cube's corners, and would be cut off by the panel's edges.
        camera: { eye: { x: 1.9, y: 1.9, z: 1.3 } },
      },
    };
    return Plotly.react(this.plot, traces, layout, plotConfig());
  }

  // A flat view: the grid as bent by the layers so far, its landmark lines, the boundary, the
  // output's lines where it reads this layer, the class corners, and the points.
  /** @param {Frame} frame @param {LayerView} layer */
  planeTraces(frame, layer, display) {
    const { palette } = frame;
    // The output's class corners always fit: the triangle (polygon) is the whole space there.
    const wider = (values) => Array.from(values, (v) => v * 1.25);
    const corners = layer.corners ? { x: wider(layer.corners.x), y: wider(layer.corners.y) } : { x: [], y: [] };
    const xRange = this.ranges.x.fit(layer.points.x, layer.grid.vertical.x, layer.grid.horizontal.x, corners.x);
    const yRange = this.ranges.y.fit(layer.points.y, layer.grid.vertical.y, layer.grid.horizontal.y, corners.y);
    const traces = [
      lineTrace(layer.grid.vertical, palette.grid_vertical, 1, "solid", "lines x1 = constant"),
      lineTrace(layer.grid.horizontal, palette.grid_horizontal, 1, "solid", "lines x2 = constant"),
      landmarkTrace(layer.grid, palette.landmark),
      lineTrace(layer.boundary, palette.boundary, 1.6, "dash", "decision boundary"),
    ];
    if (layer.separator) {
      const line = separatorTrace(layer.separator, xRange, yRange, palette.boundary);
      if (line) traces.push(line);
    }
    if (layer.ties) traces.push(tieTrace(layer.ties, palette.boundary));
    if (layer.levels) traces.push(...levelTraces(layer.levels, xRange, yRange));
    if (layer.corners) traces.unshift(...cornerTraces(layer.corners));
    return [...traces, pointsTrace(frame, layer.points, 6, display)];
  }

  // A one-unit layer: its activation curve with each point placed on it, and its marks; a
  // regression's output: prediction across, true value up, and the line where they agree.
  /** @param {Frame} frame @param {LayerView} layer */
  curveTraces(frame, layer, display) {
    const xRange = this.ranges.x.fit(layer.points.x, layer.curve.x);
    const yRange = this.ranges.y.fit(layer.points.y, layer.curve.y);
    const curve = layer.view === "fit"
      ? lineTrace(layer.curve, "#999", 1.5, "dash", "exact")
      : lineTrace(layer.curve, "#999", 2, "solid", layer.activation);
    return [curve, ...curveMarks(layer, xRange, yRange, frame.palette.boundary), pointsTrace(frame, layer.points, 6, display)];
  }
}
