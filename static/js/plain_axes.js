// A flat plot's axes drawn without Plotly.js, as Plotly draws them, for the page's first
// pictures: Plotly takes over a second or more after the page is ready (plotly_loader.js), and
// the learner must see no jump when it does. So this places the plot area as Plotly would
// (the element's size, the layout's margins, equal scales through `scaleanchor` with
// `constrain: "domain"`), picks the same ticks (its "auto" tick spacing) and writes their labels
// the same way (a minus sign, SI suffixes past 10^3), at the same places. It knows only what the
// page's overlaid plots use: linear axes with a fixed range, ticks outside, no grid, a title
// with a standoff. The canvas overlay (overlay.js) draws the plot's moving parts through the
// axes it returns, which behave as Plotly's do there (_offset, _length, l2p).

const SVG = "http://www.w3.org/2000/svg";
const COLOR = "#444";  // Plotly's default text and tick colour
const TICK_LENGTH = 5;
const LINE_WIDTH = 1;  // an axis line not shown still has a width, which places ticks and labels
const MID_SHIFT = 0.35;  // Plotly's alignment shifts, in font sizes
const CAP_SHIFT = 0.7;
const DEFAULT_SIZE = { width: 700, height: 450 };  // Plotly's, kept when the box is within 1 px
const MINUS = "\u2212";
const SI_PREFIXES = ["f", "p", "n", "\u03bc", "m", "", "k", "M", "G", "T"];

// The plot's size: its box, as Plotly's autosize reads it.
function plotSize(element) {
  const style = getComputedStyle(element);
  const size = (value, fallback) => {
    const px = Math.max(parseFloat(value) || fallback, 10);
    return Math.abs(fallback - px) > 1 ? px : fallback;
  };
  return { width: size(style.width, DEFAULT_SIZE.width), height: size(style.height, DEFAULT_SIZE.height) };
}

// Plotly's Lib.roundUp: the first of `steps` above `value` (the last if none is).
function roundUp(value, steps) {
  let [low, high] = [0, steps.length - 1];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (steps[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return steps[low];
}

// Plotly's Lib.increment: a tick plus the spacing, without float noise such as 0.30000000000000004.
function increment(value, step) {
  const inverse = 1 / Math.abs(step);
  let sum = inverse > 1 ? (inverse * value + inverse * step) / inverse : value + step;
  if (String(sum).length > 16 && String(sum).length >= String(step).length + String(value).length) {
    const rounded = parseFloat(sum).toPrecision(12);
    if (!rounded.includes("e+")) sum = Number(rounded);
  }
  return sum;
}

/** The values and labels of an axis's ticks, as Plotly's "auto" ticks on a linear axis. */
export function autoTicks(range, length, letter) {
  const count = Math.min(Math.max(length / (letter === "y" ? 40 : 80), 4), 9) + 1;
  const rough = Math.abs(range[1] - range[0]) / count;
  const base = Math.pow(10, Math.floor(Math.log(rough) / Math.LN10));
  const dtick = base * roundUp(rough / base, [2, 5, 10]);
  const [low, high] = [Math.min(...range), Math.max(...range)];
  const slack = (high - low) * 1e-4;  // a tick a hair outside the range still counts
  const values = [];
  for (let v = Math.ceil((low - slack) / dtick) * dtick; v <= high + slack && values.length < 1000; v = increment(v, dtick)) {
    values.push(v);
  }
  const label = tickLabeller(range, dtick);
  return values.map((value) => ({ value, text: label(value) }));
}

// Plotly's tick labels (its numFormat with exponentformat "B"): as many decimals as the spacing
// needs, trailing zeros dropped, a minus sign, and past 10^3 an SI suffix (k, M, G for 10^9...).
function tickLabeller(range, dtick) {
  let decimals = 2 - Math.floor(Math.log(dtick) / Math.LN10 + 0.01);
  const biggest = Math.max(Math.abs(range[0]), Math.abs(range[1]));
  const magnitude = Math.floor(Math.log(biggest) / Math.LN10 + 0.01);
  let exponent = 0;
  if (Math.abs(magnitude) > 3) exponent = magnitude > 14 || magnitude < -15 ? magnitude : 3 * Math.round((magnitude - 1) / 3);
  return (value) => {
    const negative = value < 0;
    let v = Math.abs(value);
    let places = decimals;
    let text;
    if (v < Math.pow(10, -places) / 2) {
      return "0";
    }
    if (exponent) {
      v *= Math.pow(10, -exponent);
      places += exponent;
    }
    if (places === 0) text = String(Math.round(v));
    else if (places < 0) text = String(Math.round(v / Math.pow(10, -places)) * Math.pow(10, -places));
    else text = v.toFixed(Math.min(20, places)).replace(/\.?0+$/, "");
    const [whole, fraction] = text.split(".");
    const grouped = fraction !== undefined || whole.length > 4 ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : whole;
    text = fraction === undefined ? grouped : `${grouped}.${fraction}`;
    if (exponent) {
      if (exponent > 14 || exponent < -15) text += `\u00d710^${exponent}`;
      else if (exponent === 9) text += "B";
      else text += SI_PREFIXES[exponent / 3 + 5];
    }
    return negative ? MINUS + text : text;
  };
}

// An axis's place and scale: `_offset` and `_length` in pixels, `l2p(value)` the pixel within
// the plot area (to a hundredth, as Plotly rounds it), and back (`p2l`), as on Plotly's axes.
function linearAxis(range, offset, length, vertical) {
  const m = vertical ? length / (range[0] - range[1]) : length / (range[1] - range[0]);
  const b = -m * (vertical ? range[1] : range[0]);
  return {
    range, _offset: offset, _length: length,
    l2p: (value) => Math.round((b + m * value) * 100) / 100,
    p2l: (px) => (px - b) / m,
  };
}

/** Where Plotly would put a flat plot's area in `element` for this layout: {xaxis, yaxis,
 * width, height}. */
export function plotGeometry(element, layout) {
  const { width, height } = plotSize(element);
  const margin = Object.fromEntries(["l", "r", "t", "b"].map((side) => [side, Math.round(layout.margin?.[side] ?? 80)]));
  const w = Math.round(width) - margin.l - margin.r;
  const h = Math.round(height) - margin.t - margin.b;
  const { xaxis, yaxis } = layout;
  let xDomain = [0, 1];
  let yDomain = [0, 1];
  if (yaxis.scaleanchor === "x") {
    // Equal scales: the axis with more pixels per unit gives up some of its length, centred.
    const xScale = w / Math.abs(xaxis.range[1] - xaxis.range[0]);
    const yScale = h / Math.abs(yaxis.range[1] - yaxis.range[0]);
    const shrink = (factor) => [0.5 - 0.5 / factor, 0.5 + 0.5 / factor];
    if (xScale > yScale) xDomain = shrink(xScale / yScale);
    else if (yScale > xScale) yDomain = shrink(yScale / xScale);
  }
  return {
    width, height,
    xaxis: linearAxis(xaxis.range, margin.l + xDomain[0] * w, w * (xDomain[1] - xDomain[0]), false),
    yaxis: linearAxis(yaxis.range, margin.t + (1 - yDomain[1]) * h, h * (yDomain[1] - yDomain[0]), true),
  };
}

function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function textElement(text, x, y, size, family, anchor) {
  const element = svgElement("text", { x, y, "text-anchor": anchor, "font-family": family, "font-size": size, fill: COLOR });
  element.textContent = text;
  return element;
}

// The union of some elements' boxes, in the svg's pixels; null if none is shown.
function boxOf(elements, svg) {
  const origin = svg.getBoundingClientRect();
  const shown = elements.filter((element) => element.style.display !== "none").map((element) => element.getBoundingClientRect());
  if (!shown.length) return null;
  return {
    left: Math.min(...shown.map((r) => r.left)) - origin.left, right: Math.max(...shown.map((r) => r.right)) - origin.left,
    top: Math.min(...shown.map((r) => r.top)) - origin.top, bottom: Math.max(...shown.map((r) => r.bottom)) - origin.top,
  };
}

// One axis: its ticks, their labels (any reaching past the plot's box hidden, as Plotly hides
// them) and its title beyond them.
function drawAxis(svg, axis, counter, letter, layout, size) {
  const font = layout.font ?? { family: "sans-serif", size: 12 };
  const titleSize = Math.round(1.2 * font.size);
  const standoff = layout[`${letter}axis`].title?.standoff ?? 0;
  const title = layout[`${letter}axis`].title?.text ?? "";
  const ticks = autoTicks(axis.range, axis._length, letter);
  const flat = letter === "x";
  // The (hidden) axis line's centre: the plot area's bottom or left edge, half a line out.
  const line = flat ? counter._offset + counter._length + LINE_WIDTH / 2 : counter._offset - LINE_WIDTH / 2;
  const labelGap = TICK_LENGTH + 0.2 * font.size + LINE_WIDTH / 2;
  const path = ticks.map(({ value }) => {
    const at = axis._offset + axis.l2p(value);
    return flat ? `M${at},${line + LINE_WIDTH / 2}v${TICK_LENGTH}` : `M${line - LINE_WIDTH / 2},${at}h${-TICK_LENGTH}`;
  }).join("");
  svg.append(svgElement("path", { d: path || "M0,0", stroke: COLOR, "stroke-width": 1, fill: "none" }));
  const labels = ticks.map(({ value, text }) => {
    const at = axis._offset + axis.l2p(value);
    return flat
      ? textElement(text, at, line + labelGap + font.size, font.size, font.family, "middle")
      : textElement(text, line - labelGap, at + MID_SHIFT * font.size, font.size, font.family, "end");
  });
  svg.append(...labels);
  for (const label of labels) {
    const r = boxOf([label], svg);
    const outside = flat ? r.left < 0 || r.right > size.width : r.top + font.size / 4 < 0 || r.bottom > size.height;
    if (outside) label.style.display = "none";
  }
  if (!title) return;
  const box = boxOf(labels, svg);
  const depth = box ? (flat ? box.bottom - line : line - box.left) : TICK_LENGTH;
  const edge = flat ? counter._offset + counter._length : counter._offset;
  const middle = axis._offset + axis._length / 2;
  let element;
  if (flat) {
    element = textElement(title, middle, edge + depth + standoff + titleSize * CAP_SHIFT, titleSize, font.family, "middle");
  } else {
    const x = edge - (depth + standoff + titleSize * MID_SHIFT);
    element = textElement(title, x, middle, titleSize, font.family, "middle");
    element.setAttribute("transform", `rotate(-90,${x},${middle})`);
  }
  const group = svgElement("g", {});
  group.append(element);
  svg.append(group);
  keepTitleClear(group, labels, svg, flat, size);
}

// As Plotly does: a title reaching past the plot's box is moved back inside it, else one over
// a tick label is moved away from the axis until clear of it.
function keepTitleClear(group, labels, svg, flat, size) {
  const title = boxOf([group], svg);
  const overflow = flat ? size.height - title.bottom : title.left;  // < 0: past the edge
  let shift = 0;
  if (overflow < 0) {
    shift = overflow;
  } else {
    for (const label of labels) {
      const r = boxOf([label], svg);
      if (!r) continue;
      const overlaps = title.left <= r.right && r.left <= title.right && title.top <= r.bottom && r.top <= title.bottom;
      if (overlaps) shift = Math.max(shift, flat ? r.bottom - title.top : title.right - r.left);
    }
    shift = Math.min(overflow, shift);
  }
  if (shift > 0 || overflow < 0) group.setAttribute("transform", flat ? `translate(0,${shift})` : `translate(${-shift},0)`);
}

/**
 * Draws a flat plot's axes in `element` without Plotly (again only if the layout or the box's
 * size changed) and returns its geometry ({xaxis, yaxis, width, height}). The returned axes are
 * kept as `element.plainAxes`, and the overlay's canvas belongs in `element`'s ".plain-plot".
 */
export function drawPlainAxes(element, layout) {
  const geometry = plotGeometry(element, layout);
  const key = JSON.stringify([layout, geometry.width, geometry.height]);
  if (element.plainKey === key) return element.plainAxes;
  let holder = element.querySelector(":scope > .plain-plot");
  if (!holder) {
    holder = document.createElement("div");
    holder.className = "plain-plot";
    element.append(holder);
  }
  const svg = svgElement("svg", { class: "plain-axes", width: geometry.width, height: geometry.height });
  holder.replaceChildren(svg, ...holder.querySelectorAll("canvas"));
  drawAxis(svg, geometry.xaxis, geometry.yaxis, "x", layout, geometry);
  drawAxis(svg, geometry.yaxis, geometry.xaxis, "y", layout, geometry);
  element.plainKey = key;
  element.plainAxes = geometry;
  return geometry;
}

/** Plotly has drawn the plot: its own axes take over. */
export function removePlainAxes(element) {
  element.querySelector(":scope > .plain-plot")?.remove();
  delete element.plainKey;
  delete element.plainAxes;
}
