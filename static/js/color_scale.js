// Colours on a colour scale of [share, colour] stops (Plotly's form, as frame.palette gives
// them), blended as Plotly blends them: for the canvas overlay's points and heatmaps, the network
// diagram's unit maps and the legend's swatches.

// A colour as "#rrggbb" or "rgb(r, g, b)", as [r, g, b].
export function rgb(colour) {
  if (colour.startsWith("#")) return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  return colour.match(/[\d.]+/g).slice(0, 3).map(Number);
}

// A number's colour on the scale from cmin to cmax, as [r, g, b].
export function scaleRgb(scale, cmin, cmax, value) {
  const share = Math.min(Math.max((value - cmin) / (cmax - cmin || 1), 0), 1);
  const k = Math.max(scale.findIndex(([at]) => at >= share), 1);
  const [[a, low], [b, high]] = [scale[k - 1], scale[k]];
  const u = b > a ? (share - a) / (b - a) : 0;
  const [p, q] = [rgb(low), rgb(high)];
  return p.map((v, i) => Math.round(v + (q[i] - v) * u));
}

export function scaleColor(scale, cmin, cmax, value) {
  return `rgb(${scaleRgb(scale, cmin, cmax, value).join(",")})`;
}

// The scale's colours at `shades` even steps from its start (0) to its end (shades - 1), as
// r, g, b bytes one after the other: looked up rather than blended per cell. Made once per
// scale and size (a page uses a handful).
const tables = new Map();

export function shadeTable(scale, shades) {
  const key = `${shades}:${JSON.stringify(scale)}`;
  if (!tables.has(key)) {
    const table = new Uint8ClampedArray(shades * 3);
    for (let i = 0; i < shades; i++) table.set(scaleRgb(scale, 0, shades - 1, i), i * 3);
    tables.set(key, table);
  }
  return tables.get(key);
}

// A colour washed towards white: share 0 = the colour, 1 = white.
export function pale(hex, share) {
  return `rgb(${rgb(hex).map((v) => Math.round(v + (255 - v) * share)).join(",")})`;
}

// The scale as a CSS gradient from left to right, its stops evenly spaced (as the scales are).
export function gradient(scale) {
  return `linear-gradient(to right, ${scale.map(([, c]) => c).join(", ")})`;
}
