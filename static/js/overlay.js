// A <canvas> laid exactly over a Plotly plot's area that draws the plot's moving lines and
// points, placed through the plot's own axes (or, until Plotly.js has loaded, through the same
// axes drawn by plain_axes.js). Plotly keeps what changes seldom (axes, titles,
// heatmap, hover, clicks); restyling hundreds of SVG markers and long grid paths every frame
// was most of the page's drawing time, and a canvas draws them in about a millisecond.
//
// Traces are given in Plotly's format and subset: mode "lines" (x, y plain or typed arrays,
// with a gap wherever a value is null or NaN; line.color, width, dash), mode "markers"
// (marker.size, color: one colour, a colour per point or numbers on marker.colorscale from cmin
// to cmax; symbol "circle" or "circle-open", one or per point; marker.line.color and width; a
// point with a null or NaN coordinate is left out), or type "heatmap" (x and y the cells'
// centres, evenly spaced; z by rows, the first at the bottom; colorscale from zmin to zmax;
// drawn smooth, as Plotly's zsmooth "fast"). What is drawn stays readable as
// `element.overlay.traces`, as Plotly's own traces are as `element.data`.

import { scaleColor, shadeTable } from "./color_scale.js";

const EASE = (s) => (s < 0.5 ? 4 * s * s * s : 1 - (-2 * s + 2) ** 3 / 2);  // cubic in-out

// The overlay of a plot element, made on first use. The plot must have been drawn once, by
// Plotly or by plain_axes.js.
export function overlayOf(element) {
  element.overlay ??= new Overlay(element);
  return element.overlay;
}

// Plotly's dash patterns (its Drawing.dashStyle): scaled with the line, never under 3 px.
function dashes(dash, width) {
  const d = Math.max(width, 3);
  return { dot: [d, d], dash: [3 * d, 3 * d], longdash: [5 * d, 5 * d], dashdot: [3 * d, d, d, d] }[dash] ?? [];
}

// A heatmap's colours looked up rather than blended per cell. 1024 steps: finer than the
// narrowest band of a multi-class map's scale, so no cell takes its neighbour band's colour.
const SHADES = 1024;

// A style given once for the trace or per point (a plain or typed array).
const each = (value, i) => (Array.isArray(value) || ArrayBuffer.isView(value) ? value[i] : value);

// A coordinate to draw: a number, not a gap (null in JSON, NaN in a packed frame's arrays).
const present = Number.isFinite;

// The picture `share` of the way (0 to 1, eased) from the one on screen to the new traces.
function glide(from, to, share) {
  if (share >= 1 || !from || from.length !== to.length) return to;
  const s = EASE(share);
  // A gap, before or after, is shown as the new picture has it.
  const mix = (a, b) => b.map((v, k) => (present(v) && present(a[k]) ? a[k] + (v - a[k]) * s : v));
  return to.map((trace, i) => {
    const was = from[i];
    if (!was || was.x.length !== trace.x.length) return trace;
    return { ...trace, x: mix(was.x, trace.x), y: mix(was.y, trace.y) };
  });
}

class Overlay {
  constructor(element) {
    this.element = element;
    this.traces = [];
    this.glideMs = 0;  // how long the last change glides; 0 = jumps
    this.shown = null;  // the traces as on screen now (part way through a glide)
    this.canvas = document.createElement("canvas");
    this.canvas.className = "plot-overlay";
    this.following = false;  // Plotly's relayouts, once Plotly has drawn the plot
  }

  // The plot's axes and the element the canvas goes in: Plotly's, or the plain ones before it.
  axes() {
    const layout = this.element._fullLayout;
    if (layout?.xaxis) {
      if (!this.following) {
        // A zoom, a pan or a resized window moves the axes without a new frame.
        this.element.on("plotly_relayout", () => this.paint());
        this.following = true;
      }
      return { xaxis: layout.xaxis, yaxis: layout.yaxis, host: this.element.querySelector(".gl-container") };
    }
    const plain = this.element.plainAxes;
    return plain ? { xaxis: plain.xaxis, yaxis: plain.yaxis, host: this.element.querySelector(".plain-plot") } : null;
  }

  // Show these traces: at once, or gliding there from the picture on screen over glideMs.
  draw(traces, glideMs = 0) {
    const from = this.shown;
    this.traces = traces;
    this.glideMs = glideMs;
    cancelAnimationFrame(this.frameRequest);
    if (!glideMs || !from) {
      this.paint();
      return;
    }
    const start = performance.now();
    const step = () => {
      const share = (performance.now() - start) / glideMs;
      this.paint(glide(from, traces, share));
      if (share < 1) this.frameRequest = requestAnimationFrame(step);
    };
    step();
  }

  // Draw the traces (or a glide's picture of them) with the plot's axes as they are now.
  paint(traces = this.traces) {
    const axes = this.axes();
    if (!axes) return;
    this.shown = traces;
    const { xaxis, yaxis, host } = axes;
    const context = this.place(host, xaxis._offset, yaxis._offset, xaxis._length, yaxis._length);
    const px = (x) => xaxis.l2p(x);
    const py = (y) => yaxis.l2p(y);
    for (const trace of traces) {
      if (trace.type === "heatmap") this.drawHeatmap(context, trace, px, py);
      else if (trace.mode === "lines") drawLine(context, trace, px, py);
      else if (trace.mode === "markers") drawMarkers(context, trace, px, py);
    }
  }

  // One pixel per cell on a small canvas of its own, stretched over the cells' extent.
  drawHeatmap(context, trace, px, py) {
    const { x, y, z } = trace;
    const [columns, rows] = [x.length, y.length];
    this.cells ??= document.createElement("canvas");
    [this.cells.width, this.cells.height] = [columns, rows];
    const cells = this.cells.getContext("2d");
    const image = cells.createImageData(columns, rows);
    const table = shadeTable(trace.colorscale, SHADES);
    const { zmin, zmax } = trace;
    const scale = (SHADES - 1) / (zmax - zmin || 1);
    for (let row = 0; row < rows; row++) {
      const values = z[row];
      let at = (rows - 1 - row) * columns * 4;  // row 0 of z is the bottom, of an image the top
      for (let col = 0; col < columns; col++, at += 4) {
        const shade = Math.min(Math.max(Math.round((values[col] - zmin) * scale), 0), SHADES - 1) * 3;
        image.data[at] = table[shade];
        image.data[at + 1] = table[shade + 1];
        image.data[at + 2] = table[shade + 2];
        image.data[at + 3] = 255;
      }
    }
    cells.putImageData(image, 0, 0);
    const half = (values) => (values.at(-1) - values[0]) / (values.length - 1) / 2;
    const [left, right] = [px(x[0] - half(x)), px(x.at(-1) + half(x))];
    const [top, bottom] = [py(y.at(-1) + half(y)), py(y[0] - half(y))];
    context.imageSmoothingEnabled = true;
    context.drawImage(this.cells, left, top, right - left, bottom - top);
  }

  // The canvas over the plot area, sharp on any screen, cleared; its context is in CSS pixels.
  // Plotly's host is its ".gl-container": above the plot, under hover.
  place(host, left, top, width, height) {
    if (this.canvas.parentNode !== host) host.append(this.canvas);
    const ratio = window.devicePixelRatio || 1;
    const style = this.canvas.style;
    style.left = `${left}px`;
    style.top = `${top}px`;
    style.width = `${width}px`;
    style.height = `${height}px`;
    const [w, h] = [Math.round(width * ratio), Math.round(height * ratio)];
    if (this.canvas.width !== w || this.canvas.height !== h) [this.canvas.width, this.canvas.height] = [w, h];
    const context = this.canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    return context;
  }
}

// A line's pieces (the runs of points between gaps), in pixels: [[x, y], ...] each.
function pieces(trace, px, py) {
  const runs = [];
  let run = null;
  for (let k = 0; k < trace.x.length; k++) {
    const [x, y] = [trace.x[k], trace.y[k]];
    if (!present(x) || !present(y)) { run = null; continue; }
    if (!run) runs.push(run = []);
    run.push([px(x), py(y)]);
  }
  return runs;
}

// Pieces that meet end to end joined into one, reversing a piece where need be. A contour
// comes as many two-point pieces in no particular order; a canvas starts its dash pattern
// afresh on each, and pieces shorter than one dash would all be ink: a dashed boundary would
// look solid. Ends closer than a tenth of a pixel meet.
export function joinPieces(all) {
  const runs = all.filter((run) => run.length > 1);  // a lone point draws nothing
  const key = ([x, y]) => `${Math.round(x * 10)},${Math.round(y * 10)}`;
  const ends = new Map();  // an end's key -> the pieces that start or end there, not yet used
  const note = (k, run) => { if (!ends.has(k)) ends.set(k, []); ends.get(k).push(run); };
  for (const run of runs) { note(key(run[0]), run); note(key(run.at(-1)), run); }
  const used = new Set();
  // The next unused piece at this end, turned to start there; null if there is none.
  const take = (point) => {
    const here = ends.get(key(point)) ?? [];
    const next = here.find((run) => !used.has(run));
    if (!next) return null;
    used.add(next);
    return key(next[0]) === key(point) ? next : next.slice().reverse();
  };
  const joined = [];
  for (const run of runs) {
    if (used.has(run)) continue;
    used.add(run);
    const line = run.slice();
    for (let next = take(line.at(-1)); next; next = take(line.at(-1))) line.push(...next.slice(1));
    const before = [];  // what comes before the piece, nearest first
    for (let next = take(run[0]); next; next = take(before.at(-1))) before.push(...next.slice(1));
    joined.push([...before.reverse(), ...line]);
  }
  return joined;
}

function drawLine(context, trace, px, py) {
  const { color, width = 2, dash = "solid" } = trace.line;
  context.beginPath();
  if (dash === "solid") {
    // Long grid lines every frame: straight from the arrays, nothing allocated.
    let open = false;
    for (let k = 0; k < trace.x.length; k++) {
      const [x, y] = [trace.x[k], trace.y[k]];
      if (!present(x) || !present(y)) { open = false; continue; }
      if (open) context.lineTo(px(x), py(y));
      else context.moveTo(px(x), py(y));
      open = true;
    }
  } else {
    for (const run of joinPieces(pieces(trace, px, py))) {
      context.moveTo(run[0][0], run[0][1]);
      for (let k = 1; k < run.length; k++) context.lineTo(run[k][0], run[k][1]);
    }
  }
  context.strokeStyle = color;
  context.lineWidth = width;
  context.lineJoin = "round";
  context.setLineDash(dashes(dash, width));
  context.stroke();
  context.setLineDash([]);
}

function drawMarkers(context, trace, px, py) {
  const { marker } = trace;
  const radius = marker.size / 2;
  const edge = marker.line ?? {};
  const fill = (i) => {
    const color = each(marker.color, i);
    return typeof color === "number" ? scaleColor(marker.colorscale, marker.cmin, marker.cmax, color) : color;
  };
  for (let i = 0; i < trace.x.length; i++) {
    if (!present(trace.x[i]) || !present(trace.y[i])) continue;
    context.beginPath();
    context.arc(px(trace.x[i]), py(trace.y[i]), radius, 0, 2 * Math.PI);
    const color = fill(i);
    let width = each(edge.width, i) ?? 0;
    if (each(marker.symbol, i) === "circle-open") {  // as Plotly: a ring in the point's colour
      context.strokeStyle = color;
      width ||= 1;
    } else {
      context.fillStyle = color;
      context.fill();
      context.strokeStyle = each(edge.color, i) ?? "#444";
    }
    if (width > 0) {  // a canvas ignores a line width of 0
      context.lineWidth = width;
      context.stroke();
    }
  }
}
