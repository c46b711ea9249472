// What a layer's picture is drawn with, beyond its points: the grid's landmark lines, the
// output's straight lines in the layer it reads (the separator, the tie lines, the levels), the
// class corners and the activation curve's reference lines. Each draws what the frame gives;
// only lines given as an equation are placed across the view here.

import { t } from "./i18n.js";
import { textSize } from "./plot_text.js";
import { lineTrace } from "./traces.js";

// The input plane's border and its middle cross, picked out of the grid (the lines the frame
// names as landmarks) so the eye can follow them from panel to panel as the layers bend them.
/** @param {import("./frame_types.js").Grid} grid */
export function landmarkTrace(grid, color) {
  const length = grid.samples + 1;  // every line is followed by a gap
  const pick = (values) => {
    // Plain or typed, as the frame has them: the landmarks' lines, each with its gap.
    const out = new values.constructor(grid.landmarks.length * length);
    grid.landmarks.forEach((k, i) => {
      for (let j = 0; j < length; j++) out[i * length + j] = values[k * length + j];
    });
    return out;
  };
  const x = [];
  const y = [];
  for (const family of [grid.vertical, grid.horizontal]) {
    x.push(pick(family.x));
    y.push(pick(family.y));
  }
  return lineTrace({ x: joined(x), y: joined(y) }, color, 1.6, "solid", "border and middle lines");
}

// Arrays of one kind, one after the other.
function joined([first, second]) {
  const out = new first.constructor(first.length + second.length);
  if (ArrayBuffer.isView(out)) {
    out.set(first);
    out.set(second, first.length);
    return out;
  }
  return [...first, ...second];
}

// The straight line w·u + b = level across the view, from edge to edge: its two ends.
function lineAcross(w, b, xRange, yRange) {
  const [w1, w2] = w;
  if (Math.abs(w2) > Math.abs(w1)) return { x: xRange, y: xRange.map((x) => -(w1 * x + b) / w2) };
  if (w1 !== 0) return { x: yRange.map((y) => -(w2 * y + b) / w1), y: yRange };
  return null;
}

// Binary: the output's line w·u + b = 0 across the current view.
/** @param {import("./frame_types.js").Separator} separator */
export function separatorTrace(separator, xRange, yRange, color) {
  const xy = lineAcross(separator.w, separator.b, xRange, yRange);
  return xy && { ...lineTrace(xy, color, 2.5, "solid"), name: t("panel.separator") };
}

// Multi-class: where two classes' scores tie and lead, as the frame gives it (segments with
// gaps). Straight in the layer the output reads.
/** @param {import("./frame_types.js").XY} ties */
export function tieTrace(ties, color) {
  return { ...lineTrace(ties, color, 2.5, "solid"), connectgaps: false, name: "tie lines" };
}

// Regression: lines of equal prediction w·u + b = value, straight and parallel where the output
// reads the layer, at the values the frame picked.
/** @param {import("./frame_types.js").Level[]} levels */
export function levelTraces(levels, xRange, yRange) {
  return levels.map((level) => {
    const xy = lineAcross(level.w, level.b - level.value, xRange, yRange) ?? { x: [], y: [] };
    const trace = lineTrace(xy, "rgba(40, 40, 40, 0.7)", 1, "dot");
    return { ...trace, name: t("problems.level", { value: level.value.toFixed(2) }) };
  });
}

// The K class corners of the output panel, joined up, each with its class's letter in its colour.
/** @param {import("./frame_types.js").Corners} corners */
export function cornerTraces(corners) {
  const loop = (values) => [...values, values[0]];
  const outside = (values) => Array.from(values, (v) => v * 1.12);  // just beyond its corner
  return [
    lineTrace({ x: loop(corners.x), y: loop(corners.y) }, "#bbb", 1, "solid", t("problems.simplex")),
    {
      type: "scatter", mode: "text", x: outside(corners.x), y: outside(corners.y), text: corners.names,
      textfont: { color: corners.colors, size: textSize(15) }, hoverinfo: "skip", showlegend: false,
    },
  ];
}

// A one-unit layer's curve panel: the threshold (the z where the classes split) as a dashed
// vertical line, and the output's reference level (p = 0.5) as a dotted horizontal one, each
// when the frame gives it.
/** @param {import("./frame_types.js").LayerView} layer */
export function curveMarks(layer, xRange, yRange, color) {
  const traces = [];
  if (layer.threshold !== null) traces.push(lineTrace({ x: [layer.threshold, layer.threshold], y: yRange }, color, 1.6, "dash"));
  if (layer.output_level !== null) traces.push(lineTrace({ x: xRange, y: [layer.output_level, layer.output_level] }, "#bbb", 1, "dot"));
  return traces;
}

// The output unit's separating plane w·u + b = 0 across a 3D view, as a flat translucent sheet.
/** @param {import("./frame_types.js").Separator} separator */
export function separatorPlane(separator, range, color) {
  const w = Array.from(separator.w);
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
    i: [0, 0], j: [1, 2], k: [2, 3], color, opacity: 0.25, hoverinfo: "skip", showlegend: false,
  };
}
