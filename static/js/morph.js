// A layer as two moves. A slider per panel runs from the previous layer's picture (0) to this
// layer's weighted sums z = W·a + b (1: a straight map) to its activations (2: the bend), by
// straight-line interpolation of every point, grid line and boundary coordinate.

import { t as say } from "./i18n.js";

// Each stop's words are "morph.<name>" (its button) and "morph.<name>.caption".
const STOPS = [
  { t: 0, name: "previous" },
  { t: 1, name: "sums" },
  { t: 2, name: "activation" },
];
export const OWN = 2;

// Every coordinate t of the way from a to b. A gap stays a gap: NaN in a packed frame's typed
// arrays does so by itself (and the result is a typed array too), null in JSON's lists is kept.
/** @param {import("./frame_types.js").XY} a @param {import("./frame_types.js").XY} b */
function lerpXY(a, b, t) {
  const lerp = (key) => a[key].map((v, k) => (v === null || b[key][k] === null ? null : v + (b[key][k] - v) * t));
  return { x: lerp("x"), y: lerp("y") };
}

/** @param {import("./frame_types.js").Drawing} a @param {import("./frame_types.js").Drawing} b */
function lerpDrawing(a, b, t) {
  return {
    points: lerpXY(a.points, b.points, t),
    grid: { ...b.grid, vertical: lerpXY(a.grid.vertical, b.grid.vertical, t), horizontal: lerpXY(a.grid.horizontal, b.grid.horizontal, t) },
    boundary: lerpXY(a.boundary, b.boundary, t),
  };
}

// Both pictures must be flat: a 3D view does not interpolate with a 2D one.
/** @param {import("./frame_types.js").LayerView} layer @param {import("./frame_types.js").LayerView} previous */
export function canMorph(layer, previous) {
  return Boolean(layer.pre && previous && previous.grid && layer.dims === 2 && previous.dims === 2);
}

// The layer as drawn at slider position t (2 = the layer itself).
/**
 * @param {import("./frame_types.js").LayerView} layer
 * @param {import("./frame_types.js").LayerView} previous
 * @returns {import("./frame_types.js").LayerView}
 */
export function morphed(layer, previous, t) {
  if (t >= OWN || !canMorph(layer, previous)) return layer;
  const drawing = t <= 1 ? lerpDrawing(previous, layer.pre, t) : lerpDrawing(layer.pre, layer, t - 1);
  // The axes are those of the picture nearest on screen: near the start it is the previous
  // layer's own picture, in its coordinates; from the weighted sums on, this layer's view.
  const axes = nearestStop(t).t === 0 ? previous.axes : layer.axes;
  // The output's straight lines hold only in the layer's own coordinates.
  return { ...layer, ...drawing, axes, separator: null, ties: null, levels: null, corners: null };
}

function nearestStop(t) {
  return STOPS.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best));
}

export function caption(t) {
  return say(`morph.${nearestStop(t).name}.caption`);
}

// The slider and its three named stops, under a panel. onMove(t) is called as it moves.
export function morphControl(layerName, activation, onMove) {
  const box = document.createElement("div");
  box.className = "morph";
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = "0";
  slider.max = String(OWN);
  slider.step = "0.02";
  slider.value = String(OWN);
  slider.setAttribute("aria-label", say("morph.slider", { layer: layerName }));
  const stops = document.createElement("div");
  stops.className = "morph-stops";
  const text = document.createElement("p");
  text.className = "morph-caption";
  const move = (t) => { slider.value = String(t); text.textContent = caption(t); onMove(t); };
  for (const stop of STOPS) {
    const button = document.createElement("button");
    button.type = "button";
    const label = say(`morph.${stop.name}`);
    button.textContent = stop.t === OWN && activation ? activation : label;
    button.setAttribute("aria-label", say("morph.show", { layer: layerName, stop: label }));
    button.addEventListener("click", () => move(stop.t));
    stops.append(button);
  }
  slider.addEventListener("input", () => move(Number(slider.value)));
  text.textContent = caption(OWN);
  box.append(slider, stops, text);
  return box;
}
