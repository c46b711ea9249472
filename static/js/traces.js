// The pieces the page's plots are made of, in Plotly's trace format: a line, the data's points,
// an axis. The input plane, the layer panels and the Compare view draw with them.

// The range of a regression's target values, for one colour scale shared by points and surface.
/** @param {import("./frame_types.js").Data} data */
export function valueRange(data) {
  let [low, high] = [Infinity, -Infinity];
  for (const v of data.labels) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (low > high) return [-1, 1];  // no points
  return high > low ? [low, high] : [low - 1, high + 1];
}

/** @param {import("./frame_types.js").XY} xy */
export function lineTrace(xy, color, width, dash, name) {
  return { type: "scatter", mode: "lines", x: xy.x, y: xy.y, name, showlegend: false, hoverinfo: "skip", line: { color, width, dash } };
}

export function axis(title, range, extra = {}) {
  return { title: { text: title, standoff: 4 }, range, zeroline: false, showgrid: false, ticks: "outside", ...extra };
}

// All points in one trace, coloured by class (or by value), hollow if test: one trace draws
// much faster than four, and the layer panels need no legend. The coordinates go in as the
// frame has them (typed arrays from a packed frame), unless test points are left out.
/**
 * @param {import("./frame_types.js").Frame} frame the frame the points are of: its data and palette
 * @param {import("./frame_types.js").XY} points
 */
export function pointsTrace(frame, points, size, display) {
  const { data, palette } = frame;
  const shown = (i) => display.showTest || !data.is_test[i];
  const keep = (values) => (display.showTest ? values : values.filter((_, i) => shown(i)));
  const symbols = Array.from(data.is_test, (test) => (test ? "circle-open" : "circle"));
  const common = { type: "scatter", mode: "markers", showlegend: false, x: keep(points.x), y: keep(points.y), hoverinfo: "skip" };
  if (data.problem === "regression") {
    const [cmin, cmax] = valueRange(data);
    return {
      ...common,
      marker: {
        size, color: keep(data.labels), colorscale: palette.value, cmin, cmax, symbol: keep(symbols),
        line: { color: "#333", width: 1 },
      },
    };
  }
  const colors = data.class_colors;
  return {
    ...common,
    marker: {
      size,
      color: keep(Array.from(data.labels, (label) => colors[label])),
      symbol: keep(symbols),
      line: { color: keep(Array.from(data.is_test, (test, i) => (test ? colors[data.labels[i]] : "#fff"))), width: 1 },
    },
  };
}
